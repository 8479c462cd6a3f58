"""What the officer types into a form's fields, read with the domain's own parsers and messages.

A blank optional field is None; a blank required one is shown as "(required)" until saved, when the domain
refuses it in its own words.
"""

from __future__ import annotations

import datetime as dt

from tracker.domain.errors import InvalidInput
from tracker.domain.fiscal import format_date, parse_date
from tracker.domain.money import format_gbp, parse_money

REQUIRED = "(required)"


def money_or_none(text: str, *, allow_zero: bool = False) -> int | None:
    return parse_money(text, allow_zero=allow_zero) if text.strip() else None


def date_or_none(text: str, today: dt.date) -> dt.date | None:
    return parse_date(text, today=today) if text.strip() else None


def gbp_or(pence: int | None, blank: str = REQUIRED) -> str:
    return blank if pence is None else format_gbp(pence)


def day_or(day: dt.date | None, blank: str = REQUIRED) -> str:
    return blank if day is None else format_date(day)


def yes_or_no(field: str, text: str) -> bool:
    """y/yes or n/no (blank is no), for a form's question such as "supplier is a person"."""
    answer = text.strip().casefold()
    if answer in ("", "n", "no"):
        return False
    if answer in ("y", "yes"):
        return True
    raise InvalidInput(f"{field} reads {text.strip()!r}: write y or n")


def deliverable(text: str, seq: int, today: dt.date) -> tuple[str, int, dt.date]:
    """ "name; amount; due", one deliverable to a field."""
    parts = [part.strip() for part in text.split(";")]
    if len(parts) != 3 or not parts[0]:
        raise InvalidInput(f"deliverable {seq} reads {text!r}: write its name; amount; due date")
    if not parts[2]:
        raise InvalidInput(f"deliverable {seq} has no due date: write it after the last ;")
    try:
        return parts[0], parse_money(parts[1]), parse_date(parts[2], today=today)
    except InvalidInput as error:
        raise InvalidInput(f"deliverable {seq}: {error.message}") from None
