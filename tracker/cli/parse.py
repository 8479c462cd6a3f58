"""Reading command-line text into domain values, with the domain's own parsers and messages."""

from __future__ import annotations

import datetime as dt


def money(text: str) -> int:
    from tracker.domain.money import parse_money

    return parse_money(text)


def optional_money(text: str | None) -> int | None:
    return None if text is None else money(text)


def date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    from tracker.domain.fiscal import parse_date, system_clock

    return parse_date(text, today=system_clock().today())


def echoed(typed: str | None, day: dt.date | None, before: str = " on ") -> str:
    """A typed date said back in words (" on 2 Jul 2015"), so 02/07/2015 cannot be misread; nothing when the date
    was not typed (it is today, which goes without saying)."""
    if typed is None or day is None:
        return ""
    from tracker.domain.fiscal import format_date

    return f"{before}{format_date(day)}"
