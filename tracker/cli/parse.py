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


def required_date(text: str) -> dt.date:
    day = date(text)
    assert day is not None
    return day


def new_deliverable(text: str) -> tuple[str, int, dt.date]:
    """ "name;amount;due", as `--add-deliverable` takes it."""
    from tracker.domain.errors import InvalidInput

    parts = [part.strip() for part in text.split(";")]
    if len(parts) != 3 or not parts[0]:
        raise InvalidInput(f'deliverable "{text[:90]}" is not "name;amount;due" '
                           f'(e.g. "Second report;12000;2016-03-31")')
    return parts[0], money(parts[1]), required_date(parts[2])


def seq_amount(text: str) -> tuple[int, int]:
    """ "SEQ=AMOUNT", as `--set-amount` takes it."""
    from tracker.domain.errors import InvalidInput

    seq, _, amount = text.partition("=")
    if not seq.strip().isdigit() or not amount.strip():
        raise InvalidInput(f'"{text[:90]}" is not SEQ=AMOUNT (e.g. 2=30000)')
    return int(seq), money(amount)


def echoed(typed: str | None, day: dt.date | None, before: str = " on ") -> str:
    """A typed date said back in words (" on 2 Jul 2015"), so 02/07/2015 cannot be misread; nothing when the date
    was not typed (it is today, which goes without saying)."""
    if typed is None or day is None:
        return ""
    from tracker.domain.fiscal import format_date

    return f"{before}{format_date(day)}"
