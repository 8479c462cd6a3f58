"""Reading a decision form into a proposed draft contract, each field with its line and how sure the reading is.

A field the form does not state stays empty and is named; nothing is guessed. Where the
form gives two different figures for one field, the reading stops and shows both.
"""

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from fractions import Fraction
from typing import Any, Generic, TypeVar

from tracker.domain.errors import InvalidInput
from tracker.domain.fiscal import FiscalYear, fiscal_year_of
from tracker.domain.money import format_gbp
from tracker.intake import phrases
from tracker.intake.document import Document, read_document
from tracker.intake.phrases import DATE, MONEY, YEAR, Found

T = TypeVar("T")


class Sureness(StrEnum):
    """How a field was read, from most to least certain."""

    STATED = "stated"
    READ = "read"
    WORKED_OUT = "worked out"
    NOT_STATED = "not stated"


class AmbiguousForm(InvalidInput):
    """The form states one field two different ways; an officer must say which is right."""


@dataclass(frozen=True)
class Reading(Generic[T]):
    value: T | None
    line: int | None = None
    sureness: Sureness = Sureness.NOT_STATED
    note: str = ""


@dataclass(frozen=True)
class ProposedDeliverable:
    seq: int
    name: str
    line: int
    amount: Reading[int]
    due_on: Reading[dt.date]


@dataclass(frozen=True)
class Proposal:
    """What the form says about the contract it decides; amounts in pence."""

    reference: Reading[str]
    title: Reading[str]
    supplier: Reading[str]
    value: Reading[int]
    ceiling: Reading[int]
    decision_date: Reading[dt.date]
    fiscal_years: Reading[dict[FiscalYear, int]]
    fund: Reading[str]
    funder: Reading[str]
    duration_months: Reading[int]
    related_decisions: Reading[tuple[str, ...]]
    deliverables: tuple[ProposedDeliverable, ...] = field(default=())

    @property
    def fiscal_year(self) -> FiscalYear | None:
        """The one year the value falls in; None when it is split or not stated."""
        years = self.fiscal_years.value or {}
        return next(iter(years)) if len(years) == 1 else None

    def not_stated(self) -> list[str]:
        """The fields the form leaves out, by the names an officer uses."""
        missing = [label for label, reading in self.labelled() if reading.sureness is Sureness.NOT_STATED]
        if not self.deliverables:
            missing.append("deliverables")
        for item in self.deliverables:
            if item.amount.value is None:
                missing.append(f"amount of deliverable {item.seq}")
            if item.due_on.value is None:
                missing.append(f"due date of deliverable {item.seq}")
        return missing

    def labelled(self) -> list[tuple[str, Reading[Any]]]:
        return [("reference", self.reference), ("title", self.title), ("supplier", self.supplier),
                ("value", self.value), ("ceiling", self.ceiling), ("decision date", self.decision_date),
                ("financial year", self.fiscal_years), ("fund", self.fund), ("funder", self.funder),
                ("duration", self.duration_months), ("related decisions", self.related_decisions)]


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
        deliverables=_deliverables(document, value.value),
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
        elif _VALUE_BEFORE.search(before) or re.search(r"\bfrom\s*£[\d,.]+\s*to\s*$", before):
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
    first: re.Match[str] | None = None
    for match in _YEAR_AMOUNT.finditer(text):
        year_text, amount_text = (match["y1"], match["a1"]) if match["y1"] else (match["y2"], match["a2"])
        years = phrases.years_in(year_text)
        if not years:
            continue
        year, pence = years[0][1], phrases.money_pence(amount_text)
        if split.get(year, pence) != pence:
            raise AmbiguousForm(f"the form gives {year} two amounts: {format_gbp(split[year])} and "
                                f"{format_gbp(pence)} (line {document.line_at(match.start())})")
        split[year] = pence
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
_FUNDER_AFTER = re.compile(r"\b(?:funded|granted|provided|paid|given|allocated)\s+(?:to\s+(?:the\s+)?\w+\s+)?by\s+"
                           r"(?:the\s+)?(?=[A-Z])|\b(?:grant|grants|funding)\s+from\s+(?:the\s+)?(?=[A-Z])")
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


# Deliverables -------------------------------------------------------------------------------------------------

_PERCENT_ITEM = re.compile(
    r"(?P<pct>\d{1,3}(?:\.\d+)?)\s*%\s+(?:(?:of\s+the\s+(?:value|fee|price)\s+)?(?:is\s+)?(?:paid\s+)?"
    r"(?:for|on|upon|at|after)\s+)(?:acceptance\s+of\s+|delivery\s+of\s+|completion\s+of\s+)?"
    r"(?:the\s+|an?\s+)?(?P<name>[^,;.()%£]+?)(?=\s*(?:,|;|\.(?:\s|$)|\band\s+\d|\(|$|\n))",
    re.IGNORECASE)
_NAMED_PERCENT = re.compile(
    r"(?:^|[,;:]\s*|\band\s+)(?P<name>[A-Za-z][\w'’ -]{2,60}?)\s*(?:\(|:|–|-)\s*(?P<pct>\d{1,3}(?:\.\d+)?)\s*%",
    re.IGNORECASE)
_LIST_CUE = re.compile(
    r"\b(?:deliverables|products|outputs|milestones)\b[^.:\n]{0,40}?\b(?:are|will be|include|comprise)\b\s*:?\s*"
    r"|\b(?:deliverables|products|outputs|milestones)\s*:\s*"
    r"|\bwill\s+(?:deliver|produce|provide)\s*:\s*|\bthe\s+following\s+(?:deliverables|products|outputs)\s*:?\s*",
    re.IGNORECASE)
_LIST_HEADING = re.compile(
    r"^\s*(?:\d+(?:\.\d+)*\.?\s+)?(?:the\s+)?(?:deliverables|products|outputs|milestones|payment\s+(?:schedule|"
    r"milestones|profile))\b[^\n.]{0,40}$", re.IGNORECASE | re.MULTILINE)
_ITEM_SPLIT = re.compile(r"\s*[;,]\s*(?:and\s+)?|\s+and\s+(?=(?:an?|the)\s)", re.IGNORECASE)
_NAME_TAIL = re.compile(r"\s+(?:on|agreed|with|that|which|to|setting|showing|covering|describing|for)\b.*$")


@dataclass(frozen=True)
class _Item:
    name: str
    start: int
    pence: int | None = None
    percent: Fraction | None = None
    due: dt.date | None = None
    due_start: int | None = None


def _deliverables(document: Document, value: int | None) -> tuple[ProposedDeliverable, ...]:
    by_percent = _percent_items(document)
    listed = _listed_items(document)
    items = [_with_due_date(item, listed) for item in by_percent] if by_percent else listed
    return tuple(_proposed(document, seq, item, items, value) for seq, item in enumerate(items, start=1))


def _percent_items(document: Document) -> list[_Item]:
    """The longest run of "25% for the baseline report, 35% for ..." in one passage."""
    for pattern in (_PERCENT_ITEM, _NAMED_PERCENT):
        best: list[_Item] = []
        offset = 0
        for passage in document.text.split("\n"):
            items = []
            for match in pattern.finditer(passage):
                name = _deliverable_name(match["name"])
                if name:
                    items.append(_Item(name, offset + match.start("name"), percent=Fraction(match["pct"])))
            if len(items) > len(best) and len(items) >= 2:
                best = items
            offset += len(passage) + 1
        if best:
            return best
    return []


def _listed_items(document: Document) -> list[_Item]:
    """Products named in a list: in a sentence ("The deliverables are ...") or under a heading, one a line."""
    text = document.text
    for cue in _LIST_CUE.finditer(text):
        end = _sentence_end(text, cue.end())
        items = [item for item in _split_items(text, cue.end(), end) if item.name]
        if items:
            return items
    for heading in _LIST_HEADING.finditer(text):
        items = []
        start = heading.end() + 1
        for line in text[start:].split("\n"):
            if not re.search(rf"{MONEY}|%", line):
                break
            items.append(_parse_item(line, start))
            start += len(line) + 1
        if items:
            return [item for item in items if item.name]
    return []


def _sentence_end(text: str, start: int) -> int:
    match = re.compile(r"\.(?=\s+[A-Z(]|\s*\n|\s*$)|\n").search(text, start)
    return match.start() if match else len(text)


def _split_items(text: str, start: int, end: int) -> list[_Item]:
    items: list[_Item] = []
    depth, piece_start = 0, start
    body = text[start:end]
    pieces: list[tuple[int, str]] = []
    position = 0
    while position < len(body):
        char = body[position]
        depth += (char == "(") - (char == ")")
        if depth == 0:
            split = _ITEM_SPLIT.match(body, position)
            if split and split.end() > position:
                pieces.append((piece_start, text[piece_start:start + position]))
                piece_start = start + split.end()
                position = split.end()
                continue
        position += 1
    pieces.append((piece_start, text[piece_start:end]))
    for piece_start, piece in pieces:
        items.append(_parse_item(piece, piece_start))
    return items


def _parse_item(piece: str, start: int) -> _Item:
    money = phrases.money_in(piece)
    dates = phrases.dates_in(piece)
    percent = re.search(r"(\d{1,3}(?:\.\d+)?)\s*%", piece)
    cut = min([m.start for m in money] + [d.start for d, _ in dates] + ([percent.start()] if percent else [])
              + [len(piece)])
    raw_name = re.sub(r"[\s(:–—|-]+$", "", piece[:cut])
    name = _deliverable_name(raw_name)
    lead = len(piece) - len(piece.lstrip())
    return _Item(name, start + lead, pence=phrases.money_pence(money[0].text) if money else None,
                 percent=Fraction(percent[1]) if percent else None,
                 due=dates[0][1] if dates else None, due_start=start + dates[0][0].start if dates else None)


def _deliverable_name(raw: str) -> str:
    name = re.sub(r"^\s*(?:\d+(?:\.\d+)*\.?\s+|[-•]\s*)?", "", raw)
    name = re.sub(r"^(?:(?:and|an?|the|one|two|three|four|five|six)\s+)+", "", name.strip(), flags=re.IGNORECASE)
    name = _NAME_TAIL.sub("", name)
    name = re.sub(r"^(?:a\s+)?(?:set|series|number|pair)\s+of\s+", "", name, flags=re.IGNORECASE)
    name = name.strip(" .:;,-–")
    return name[:1].upper() + name[1:] if name else ""


def _with_due_date(item: _Item, listed: list[_Item]) -> _Item:
    for other in listed:
        if other.due and (other.name.lower() in item.name.lower() or item.name.lower() in other.name.lower()):
            return _Item(item.name, item.start, item.pence, item.percent, other.due, other.due_start)
    return item


def _proposed(document: Document, seq: int, item: _Item, items: list[_Item], value: int | None) -> ProposedDeliverable:
    line = document.line_at(item.start)
    if item.pence is not None:
        amount: Reading[int] = Reading(item.pence, line, Sureness.STATED)
    elif item.percent is not None and value is not None:
        amount = Reading(_share(value, items, seq - 1), line, Sureness.WORKED_OUT, f"{item.percent}% of the value")
    else:
        amount = Reading(None)
    due: Reading[dt.date] = Reading(None)
    if item.due is not None and item.due_start is not None:
        due = Reading(item.due, document.line_at(item.due_start), Sureness.STATED)
    return ProposedDeliverable(seq, item.name, line, amount, due)


def _share(value: int, items: list[_Item], index: int) -> int:
    """Percentages of the value in whole pence; the last takes the remainder so the shares add up exactly."""
    percents = [item.percent or Fraction(0) for item in items]
    floors = [int(value * p / 100) for p in percents]
    if index == len(items) - 1 and sum(percents) == 100:
        return value - sum(floors[:-1])
    return floors[index]


def fiscal_year_of_decision(proposal: Proposal) -> FiscalYear | None:
    """The year a draft sits in: the first year the value falls in, else the decision date's year."""
    years = proposal.fiscal_years.value
    if years:
        return min(years)
    if proposal.decision_date.value is not None:
        return fiscal_year_of(proposal.decision_date.value)
    return None
