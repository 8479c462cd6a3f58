"""The products a decision pays for: from a percentage split, a list in a sentence, or a schedule under a heading.

Percentages of the value become whole pence that add up exactly to the value: each share is
rounded down and the last deliverable takes the remainder.
"""

import datetime as dt
import re
from dataclasses import dataclass
from fractions import Fraction

from tracker.intake import phrases
from tracker.intake.document import Document
from tracker.intake.phrases import MONEY
from tracker.intake.proposal import ProposedDeliverable, Reading, Sureness

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


def read_deliverables(document: Document, value: int | None) -> tuple[ProposedDeliverable, ...]:
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
        total = sum(other.percent or 0 for other in items)
        note = f"{item.percent}% of the value" + ("" if total == 100 else f"; the shares add up to {total}%, not 100%")
        amount = Reading(_share(value, items, seq - 1), line, Sureness.WORKED_OUT, note)
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
