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
