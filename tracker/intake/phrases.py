"""The phrases decision forms are written in: money, dates, financial years, references, names, durations.

Each pattern reads the language of the form, not any one form's layout, so that a decision
nobody here has seen reads the same way.
"""

import datetime as dt
import re
from dataclasses import dataclass
from decimal import Decimal

from tracker.domain.errors import InvalidInput
from tracker.domain.fiscal import FiscalYear, parse_date, parse_fiscal_year

MONEY = r"£\s?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d{1,2})?(?:\s?(?:million|m|k|bn)\b)?"
_MONEY = re.compile(MONEY, re.IGNORECASE)
_SCALES = {"k": 1_000, "m": 1_000_000, "million": 1_000_000, "bn": 1_000_000_000}

_MONTH_NAMES = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
                r"|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)")
DATE = (rf"(?:\d{{1,2}}/\d{{1,2}}/\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}}"
        rf"|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH_NAMES}\.?,?\s+\d{{4}})")
_DATE = re.compile(rf"\b{DATE}\b", re.IGNORECASE)

YEAR = r"(?<![\d/])\d{4}[/-](?:\d{4}|\d{2})(?![\d/-])"
_YEAR = re.compile(YEAR)

REFERENCE = r"\b[A-Z]{1,5}D(?: ?[-–] ?| )?\d{2,4}(?:(?: ?[-–] ?|[ /])\d{1,4})?\b(?![/.]\d)"
_REFERENCE = re.compile(REFERENCE)

_NUMBER_WORDS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
    "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
}
_COUNT = r"(?:\d{1,3}|(?:twenty|thirty|forty|fifty|sixty)[ -](?:one|two|three|four|five|six|seven|eight|nine)|" + \
         "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + ")"
_WORK = (r"(?:contract|review|programme|project|evaluation|pilot|term|period|agreement|service|study|framework"
         r"|engagement|extension|commission)")
_DURATION = re.compile(
    rf"(?:\b(?P<adj>\d{{1,3}}[ -]|{_COUNT}-|{_COUNT} (?=(?:month|year)\s+{_WORK}))(?P<adj_unit>month|year|week)\b(?!s)"
    rf"|\b(?:over|for|of|lasting|duration|period|term|within|by)\s*:?\s+(?:a\s+|the\s+|a\s+further\s+)?"
    rf"(?:period\s+of\s+|term\s+of\s+)?"
    rf"(?P<count>{_COUNT})\s+(?P<unit>month|year|week)s?\b)",
    re.IGNORECASE,
)
_NAME_CONNECTORS = {"&", "and", "of", "for", "the", "de", "la", "und"}
_LEGAL_SUFFIXES = {"llp", "ltd", "limited", "plc", "inc", "cic", "lp", "co", "llc", "gmbh"}


@dataclass(frozen=True)
class Found:
    """A phrase and where it starts in the document."""

    text: str
    start: int
    end: int


def money_pence(text: str) -> int:
    """"£86,250", "£1.2m", "£45k": integer pence, through decimal digits, never a float."""
    match = re.fullmatch(r"£\s?([\d,]+(?:\.\d{1,2})?)\s?([a-z]*)", text.strip(), re.IGNORECASE)
    if match is None:
        raise InvalidInput(f"{text} is not an amount of money")
    pounds = Decimal(match[1].replace(",", ""))
    scale = _SCALES.get(match[2].lower(), 1)
    return int(pounds * scale * 100)


def money_in(text: str) -> list[Found]:
    return [Found(m[0], m.start(), m.end()) for m in _MONEY.finditer(text)]


def dates_in(text: str) -> list[tuple[Found, dt.date]]:
    """Every real date in the text; a string shaped like a date that is not one is passed over."""
    found = []
    for match in _DATE.finditer(text):
        try:
            found.append((Found(match[0], match.start(), match.end()), parse_date(match[0])))
        except InvalidInput:
            continue
    return found


def date_at_start(text: str) -> dt.date | None:
    match = _DATE.match(text)
    if match is None:
        return None
    try:
        return parse_date(match[0])
    except InvalidInput:
        return None


def years_in(text: str) -> list[tuple[Found, FiscalYear]]:
    found = []
    for match in _YEAR.finditer(text):
        try:
            found.append((Found(match[0], match.start(), match.end()), parse_fiscal_year(match[0])))
        except InvalidInput:
            continue
    return found


def references_in(text: str) -> list[Found]:
    return [Found(normal_reference(m[0]), m.start(), m.end()) for m in _REFERENCE.finditer(text)]


def normal_reference(text: str) -> str:
    """DMPCD-2099-41 and DMPCD 2099 41 are one decision: written with single spaces."""
    return " ".join(re.split(r"[ \-–/]+", text.strip()))


def duration_months(text: str) -> tuple[int, int] | None:
    """The first stated length of the work ("a four-month review", "over eighteen months"), in months."""
    for match in _DURATION.finditer(text):
        count, unit = (match["adj"][:-1], match["adj_unit"]) if match["adj"] else (match["count"], match["unit"])
        number = _count(count)
        unit = unit.lower()
        if unit == "week":
            continue
        return (number * 12 if unit == "year" else number), match.start()
    return None


def _count(text: str) -> int:
    if text.isdigit():
        return int(text)
    words = re.split(r"[ -]", text.lower())
    return sum(_NUMBER_WORDS[word] for word in words)


def name_after(text: str, start: int) -> Found | None:
    """The proper name that begins at `start`: capitalised words and their connectors ("Harrow & Lea Ltd")."""
    taken: list[re.Match[str]] = []
    for token in re.finditer(r"\S+", text[start:start + 200]):
        if token.start() and "\n" in text[start:start + token.start()]:
            break
        raw = token[0]
        if taken and re.fullmatch(r"\([A-Z][\w&.]*\)", raw.rstrip(",;:.")):
            taken.append(token)
            if raw[-1] in ",;:.":
                break
            continue
        word = raw.rstrip(",;:)")
        clean = word.rstrip(".")
        proper = clean[:1].isupper() or clean[:1].isdigit() or clean.lower() in _NAME_CONNECTORS
        if not clean or not proper or len(taken) >= 9 or clean[:1] in "(£":
            break
        taken.append(token)
        if word != raw or (raw.endswith(".") and not _abbreviation(clean)):
            break
    while taken and taken[-1][0].rstrip(",;:.)").lower() in _NAME_CONNECTORS:
        taken.pop()
    if not taken or taken[0][0].lower() in _NAME_CONNECTORS:
        return None
    name = _trimmed(text[start:start + taken[-1].end()])
    return Found(name, start, start + len(name))


def _abbreviation(word: str) -> bool:
    """ "Co." and an initial ("J.") go on; any other word ending in a full stop ends the sentence, and the name."""
    return len(word) == 1 or word.lower() in {"co", "st"}


def _trimmed(name: str) -> str:
    name = name.rstrip(",;:.")
    while name.endswith(")") and name.count("(") < name.count(")"):
        name = name[:-1].rstrip(",;:.")
    return name


def name_before(text: str, end: int) -> Found | None:
    """The proper name that ends at `end` ("... the Home Office passes")."""
    words = list(re.finditer(r"\S+", text[max(0, end - 200):end]))
    base = max(0, end - 200)
    taken: list[re.Match[str]] = []
    for token in reversed(words):
        word = token[0]
        if word[:1].isupper() or (taken and word.lower() in _NAME_CONNECTORS - {"the"}):
            taken.insert(0, token)
            if len(taken) >= 8:
                break
            continue
        break
    while taken and taken[0][0].lower() in _NAME_CONNECTORS | {"the"}:
        taken.pop(0)
    if not taken:
        return None
    return Found(text[base + taken[0].start():end].strip(), base + taken[0].start(), end)


def same_organisation(name: str) -> str:
    """NORTHGATE ANALYTICA and Northgate Analytica LLP are one supplier: compare without case or legal form."""
    words = [w for w in re.split(r"[^\w&]+", name.lower()) if w]
    while words and words[-1] in _LEGAL_SUFFIXES:
        words.pop()
    return " ".join("and" if w == "&" else w for w in words)


def fullest(names: list[str]) -> str:
    """The most complete way a name is written: most words, then not shouted in capitals, then first seen."""
    return max(names, key=lambda n: (len(n.split()), not n.isupper(), len(n), -names.index(n)))
