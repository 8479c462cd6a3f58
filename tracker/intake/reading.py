"""Reading a decision form into a proposed draft contract, each field with its line and how sure the reading is.

A field the form does not state stays empty and is named; nothing is guessed. Where the
form gives two different figures for one field, the reading stops and shows both.
"""

import datetime as dt
import re
from collections import Counter
from typing import TypeVar

from tracker.domain.fiscal import FiscalYear
from tracker.domain.money import format_gbp
from tracker.intake import phrases
from tracker.intake.document import Document, read_document
from tracker.intake.phrases import DATE, MONEY, YEAR, Found
from tracker.intake.products import read_deliverables
from tracker.intake.proposal import AmbiguousForm, Proposal, Reading, Sureness

T = TypeVar("T")


def read_proposal(text: str) -> Proposal:
    document = read_document(text)
    reference = _reference(document)
    value = _value(document)
    fiscal_years = _fiscal_years(document, value)
    if value.value is None and fiscal_years.value and len(fiscal_years.value) > 1:
        value = Reading(sum(fiscal_years.value.values()), fiscal_years.line, Sureness.WORKED_OUT,
                        "the total of the amounts per financial year")
    fund = _fund(document)
    return Proposal(
        reference=reference, title=_title(document), supplier=_supplier(document), value=value,
        ceiling=_ceiling(document), decision_date=_decision_date(document), fiscal_years=fiscal_years,
        fund=fund, funder=_funder(document, fund.value), duration_months=_duration(document),
        related_decisions=_related(document, reference.value),
        deliverables=read_deliverables(document, value.value),
    )


def _found(document: Document, found: Found | re.Match[str], value: T, sureness: Sureness,
           note: str = "") -> Reading[T]:
    start = found.start if isinstance(found, Found) else found.start()
    return Reading(value, document.line_at(start), sureness, note)


_REFERENCE_LABEL = re.compile(
    rf"(?:\bdecision|\breference|\bref\.?)\s*(?:number|no\.?|ref(?:erence)?)?\s*[:–—-]?\s*"
    rf"(?P<ref>(?-i:{phrases.REFERENCE}))",
    re.IGNORECASE)


def _reference(document: Document) -> Reading[str]:
    labelled = _REFERENCE_LABEL.search(document.text)
    if labelled:
        return Reading(phrases.normal_reference(labelled["ref"]), document.line_at(labelled.start("ref")),
                       Sureness.STATED)
    found = phrases.references_in(document.text)
    if found:
        return _found(document, found[0], found[0].text, Sureness.READ, "the first decision reference on the form")
    return Reading(None)


def _title(document: Document) -> Reading[str]:
    match = re.search(r"^\s*(?:title|subject)\s*[:–—-]\s*(?P<title>\S.*)$", document.text,
                      re.IGNORECASE | re.MULTILINE)
    if match is None:
        return Reading(None)
    return Reading(match["title"].strip(), document.line_at(match.start("title")), Sureness.STATED)


_SUPPLIER_CUES = (
    re.compile(r"\b(?:supplier|contractor|provider|company)\s*(?:name)?\s*[:–—-]\s*", re.IGNORECASE),
    re.compile(r"\b(?:contract|award|awarded|appoint|appointment|commission|vary|extend)\b[^.\n£]{0,40}?"
               r"\b(?:to|with)\s+(?:the\s+)?(?=[A-Z])"),
)
_SUPPLIER_AFTER = re.compile(r"\s+(?:was|were|has been|have been|is|are)\s+(?:selected|appointed|chosen|awarded)\b")


def _supplier(document: Document) -> Reading[str]:
    text = document.text
    mentions: list[tuple[Found, Sureness]] = []
    for number, cue in enumerate(_SUPPLIER_CUES):
        for match in cue.finditer(text):
            name = phrases.name_after(text, match.end())
            if name and _looks_like_supplier(name.text):
                mentions.append((name, Sureness.STATED if number == 0 else Sureness.READ))
    for match in _SUPPLIER_AFTER.finditer(text):
        name = phrases.name_before(text, match.start())
        if name and _looks_like_supplier(name.text):
            mentions.append((name, Sureness.READ))
    if not mentions:
        return Reading(None)
    groups: dict[str, list[tuple[Found, Sureness]]] = {}
    for mention in sorted(mentions, key=lambda m: m[0].start):
        groups.setdefault(phrases.same_organisation(mention[0].text), []).append(mention)
    chosen = max(groups.values(), key=lambda g: (len(g), -g[0][0].start))
    names = [found.text for found, _ in chosen]
    best = phrases.fullest(names)
    first = chosen[0][0]
    sureness = Sureness.STATED if any(s is Sureness.STATED for _, s in chosen) else Sureness.READ
    others = [phrases.fullest([f.text for f, _ in g]) for g in groups.values() if g is not chosen]
    note = "also written " + ", ".join(sorted(set(names) - {best})) if len(set(names)) > 1 else ""
    if others:
        note = (note + "; " if note else "") + "other names near a contract: " + ", ".join(others)
    return _found(document, first, best, sureness, note)


def _looks_like_supplier(name: str) -> bool:
    return not re.fullmatch(r"(?:the\s+)?(?:Office|DMPC|Deputy Mayor.*|Mayor.*|MOPAC|Council|Authority)", name,
                            re.IGNORECASE) and not re.fullmatch(r"[\d\s]+", name)


_CEILING_BEFORE = re.compile(r"(?:up to|ceiling(?: of)?|not (?:to )?exceed(?:ing)?|maximum(?: value)?(?: of)?"
                             r"|capped at|no more than|upper limit of)\s*$", re.IGNORECASE)
_VALUE_BEFORE = re.compile(r"(?:\bvalue|\bvalued at|\bcost|\bcosts|\btotal|\bprice|\bsum|\bworth|\bfee|\bexpenditure)\b"
                           r"[^£\n;,()]{0,25}[(:]?\s*$", re.IGNORECASE)
_FROM_BEFORE = re.compile(r"\bfrom\s*$", re.IGNORECASE)
_CONTRACT_FOR = re.compile(r"\bcontract\b[^£\n.;]{0,80}\bfor\s*$", re.IGNORECASE)


def _money_roles(document: Document) -> list[tuple[Found, str]]:
    """Each amount on the form with what the words before it make of it: value, ceiling or superseded."""
    text = document.text
    roles = []
    for found in phrases.money_in(text):
        before = text[max(0, found.start - 60):found.start].rsplit("\n", 1)[-1]
        after = text[found.end:found.end + 12]
        if _CEILING_BEFORE.search(before):
            roles.append((found, "ceiling"))
        elif _FROM_BEFORE.search(before) and re.match(r"\s*to\s*£", after):
            roles.append((found, "superseded"))
        elif (_VALUE_BEFORE.search(before) or _CONTRACT_FOR.search(before)
              or re.search(r"\bfrom\s*£[\d,.]+\s*to\s*$", before)):
            roles.append((found, "value"))
    return roles


def _value(document: Document) -> Reading[int]:
    candidates = [found for found, role in _money_roles(document) if role == "value"]
    if not candidates:
        return Reading(None)
    distinct: dict[int, Found] = {}
    for found in candidates:
        distinct.setdefault(phrases.money_pence(found.text), found)
    if len(distinct) > 1:
        shown = ", ".join(f"{format_gbp(pence)} (line {document.line_at(found.start)})"
                          for pence, found in distinct.items())
        raise AmbiguousForm(f"the form gives {len(distinct)} candidate contract values: {shown}; "
                            f"correct the form or enter the contract by hand")
    (pence, first), = distinct.items()
    note = f"stated {len(candidates)} times" if len(candidates) > 1 else ""
    return _found(document, first, pence, Sureness.STATED, note)


def _ceiling(document: Document) -> Reading[int]:
    for found, role in _money_roles(document):
        if role == "ceiling":
            return _found(document, found, phrases.money_pence(found.text), Sureness.READ,
                          "the tender's upper limit")
    return Reading(None)


_DECISION_DATE = re.compile(
    rf"\b(?:date(?:\s+(?:of\s+)?(?:decision|signed|signature|approved))?|signed|dated)\b\s*[:–—-]?\s*(?P<date>{DATE})",
    re.IGNORECASE)


def _decision_date(document: Document) -> Reading[dt.date]:
    """The first date beside a "Date" label: the signature of the decision maker comes first on the form."""
    for match in _DECISION_DATE.finditer(document.text):
        day = phrases.date_at_start(match["date"])
        if day is not None:
            return Reading(day, document.line_at(match.start("date")), Sureness.STATED)
    return Reading(None)


_YEAR_AMOUNT = re.compile(
    rf"(?P<a1>{MONEY})\s+(?:\w+\s+){{0,3}}?in\s+(?:the\s+)?(?:financial\s+year\s+)?(?P<y1>{YEAR})"
    rf"|(?P<y2>{YEAR})\s*(?:\(|:|–|-)?\s*(?P<a2>{MONEY})", re.IGNORECASE)


def _fiscal_years(document: Document, value: Reading[int]) -> Reading[dict[FiscalYear, int]]:
    """The value per financial year, from "£62,400 falls in 2098/99" or "2098/99 (£62,400)"."""
    text = document.text
    split: dict[FiscalYear, int] = {}
    lines: dict[FiscalYear, int] = {}
    first: re.Match[str] | None = None
    for match in _YEAR_AMOUNT.finditer(text):
        year_text, amount_text = (match["y1"], match["a1"]) if match["y1"] else (match["y2"], match["a2"])
        years = phrases.years_in(year_text)
        if not years:
            continue
        year, pence, line = years[0][1], phrases.money_pence(amount_text), document.line_at(match.start())
        if split.get(year, pence) != pence:
            raise AmbiguousForm(f"the form gives {year} two amounts: {format_gbp(split[year])} (line {lines[year]}) "
                                f"and {format_gbp(pence)} (line {line})")
        split[year] = pence
        lines.setdefault(year, line)
        first = first or match
    if first is not None:
        ordered = dict(sorted(split.items()))
        total = sum(ordered.values())
        if value.value is not None and total != value.value and len(ordered) > 1:
            note = f"the years total {format_gbp(total)}, not the value {format_gbp(value.value)}"
        else:
            note = ""
        return _found(document, first, ordered, Sureness.READ, note)
    mentioned = {year for _, year in phrases.years_in(text)}
    if len(mentioned) == 1:
        found, year = phrases.years_in(text)[0]
        amount = value.value or 0
        return _found(document, found, {year: amount}, Sureness.READ, "the only financial year on the form")
    return Reading(None)


_FUND = re.compile(r"(?:(?:[A-Z][\w'’]*|&|and|of|for)\s+){0,6}?(?:[A-Z][\w'’]*\s+)(?:Fund|Grant(?:\s+Fund)?)\b")


def _fund(document: Document) -> Reading[str]:
    names: list[Found] = []
    for match in _FUND.finditer(document.text):
        name = re.sub(r"^(?:(?:The|This|That|A|An|From|By|And|Of|For)\s+)+", "", match[0])
        name = re.sub(r"^(?:(?:and|of|for|&)\s+)+", "", name)
        if name not in {"Fund", "Grant"}:
            names.append(Found(name, match.start() + len(match[0]) - len(name), match.end()))
    if not names:
        return Reading(None)
    counts = Counter(found.text for found in names)
    best = max(counts, key=lambda n: (counts[n], -next(f.start for f in names if f.text == n)))
    first = next(found for found in names if found.text == best)
    note = "other funds named: " + ", ".join(sorted(set(counts) - {best})) if len(counts) > 1 else ""
    return _found(document, first, best, Sureness.READ, note)


_FUNDER_LABEL = re.compile(r"\bfunder\s*[:–—-]\s*", re.IGNORECASE)
_FUNDER_AFTER = re.compile(r"\b(?i:funded|granted|provided|paid|given|allocated)\s+(?:to\s+(?:the\s+)?\w+\s+)?"
                           r"by\s*:?\s+(?:the\s+)?(?=[A-Z])|\b(?:grant|grants|funding)\s+from\s+(?:the\s+)?(?=[A-Z])")
_FUNDER_BEFORE = re.compile(r"\s+(?:passes|grants|provides|gives|pays|allocates|awards)\b")


def _funder(document: Document, fund: str | None) -> Reading[str]:
    text = document.text
    for match in _FUNDER_LABEL.finditer(text):
        name = phrases.name_after(text, match.end())
        if name:
            return _found(document, name, name.text, Sureness.STATED)
    found: list[Found] = []
    for match in _FUNDER_AFTER.finditer(text):
        name = phrases.name_after(text, match.end())
        if name:
            found.append(name)
    for match in _FUNDER_BEFORE.finditer(text):
        name = phrases.name_before(text, match.start())
        if name:
            found.append(name)
    for name in sorted(found, key=lambda f: f.start):
        if _looks_like_funder(name.text, fund):
            return _found(document, name, name.text, Sureness.READ)
    return Reading(None)


def _looks_like_funder(name: str, fund: str | None) -> bool:
    words = name.split()
    return (len(words) >= 2 and words[-1] not in {"Fund", "Grant"} and name != fund
            and _looks_like_supplier(name))


def _duration(document: Document) -> Reading[int]:
    found = phrases.duration_months(document.text)
    if found is None:
        return Reading(None)
    months, start = found
    return Reading(months, document.line_at(start), Sureness.READ)


def _related(document: Document, own: str | None) -> Reading[tuple[str, ...]]:
    seen: dict[str, Found] = {}
    for found in phrases.references_in(document.text):
        if found.text != own:
            seen.setdefault(found.text, found)
    if not seen:
        return Reading((), None, Sureness.READ, "the form cites no other decision")
    first = min(seen.values(), key=lambda f: f.start)
    return _found(document, first, tuple(seen), Sureness.READ)
