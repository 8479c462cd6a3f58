"""Dates, the clock and the UK financial year, all through pendulum, all in this module.

A financial year runs 1 April to 31 March and is written "2015/16". Its twelve
periods are P1 = April ... P12 = March. Every other module asks this one.
"""

import datetime as dt
import functools
import os
import re
from collections.abc import Callable
from dataclasses import dataclass

import pendulum

from tracker.domain.errors import InvalidInput

LONDON = "Europe/London"
_YEAR_LABEL = re.compile(r"(?P<start>[0-9]{4})[/-](?P<end>[0-9]{2}|[0-9]{4})")
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_UK_DATE = re.compile(r"(?P<day>[0-9]{1,2})/(?P<month>[0-9]{1,2})/(?P<year>[0-9]{4})")
_WORDED_DATE = re.compile(r"(?P<day>[0-9]{1,2})(?:st|nd|rd|th)?\s+(?P<month>[A-Za-z]+)\.?,?\s+(?P<year>[0-9]{4})",
                          re.IGNORECASE)
_MONTHS = {pendulum.date(2000, month, 1).format("MMMM").lower(): month for month in range(1, 13)}
_MONTHS |= {name[:3]: month for name, month in _MONTHS.items()} | {"sept": 9}
DATE_EXAMPLES = "2015-07-02, 02/07/2015 or 2 July 2015"


@dataclass(frozen=True, order=True)
class FiscalYear:
    """A UK financial year, identified by the calendar year it starts in (2015 is 2015/16)."""

    start_year: int

    @property
    def label(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    @property
    def starts(self) -> dt.date:
        return dt.date(self.start_year, 4, 1)

    @property
    def ends(self) -> dt.date:
        return dt.date(self.start_year + 1, 3, 31)

    def contains(self, day: dt.date) -> bool:
        return self.starts <= day <= self.ends

    def next(self) -> "FiscalYear":
        return FiscalYear(self.start_year + 1)

    def previous(self) -> "FiscalYear":
        return FiscalYear(self.start_year - 1)

    def __str__(self) -> str:
        return self.label


PERIODS = tuple(range(1, 13))


def period_name(period: int) -> str:
    """P1 Apr ... P12 Mar."""
    month = pendulum.date(2000, 4, 1).add(months=period - 1)
    return f"P{period} {month.format('MMM')}"


def fiscal_year_of(day: dt.date) -> FiscalYear:
    return FiscalYear(day.year if day.month >= 4 else day.year - 1)


def period_of(day: dt.date) -> int:
    """The period number, 1 (April) to 12 (March), that a date falls in."""
    return (day.month - 4) % 12 + 1


def parse_fiscal_year(text: str) -> FiscalYear:
    """Read "2015/16" (also "2015-16" or "2015/2016"); refuse "2015/17"."""
    cleaned = str(text).strip()
    match = _YEAR_LABEL.fullmatch(cleaned)
    if match is None:
        raise InvalidInput(f'financial year "{_visible(cleaned)}" is not a year like 2015/16')
    start = int(match["start"])
    end_text = match["end"]
    end = int(end_text) if len(end_text) == 4 else (start + 1) // 100 * 100 + int(end_text)
    if end != start + 1 or not 1900 <= start <= 2999:
        raise InvalidInput(
            f'financial year "{_visible(cleaned)}" does not exist; a year runs 1 April to 31 March, '
            f"e.g. {start}/{(start + 1) % 100:02d}"
        )
    return FiscalYear(start)


def parse_date(text: str, *, today: dt.date | None = None) -> dt.date:
    """Read a date as an officer types it: 2015-07-02, 02/07/2015, 2 July 2015 or 2nd Jul 2015.

    "today" and "yesterday" too when a clock is given. Day/month/year is the UK order; the US
    order is never guessed, because 07/06/2015 would silently become a different day.
    """
    cleaned = " ".join(str(text).split())
    lowered = cleaned.lower()
    if today is not None and lowered in {"today", "yesterday"}:
        return today if lowered == "today" else today - dt.timedelta(days=1)
    if _ISO_DATE.fullmatch(cleaned):
        return parse_iso_date(cleaned)
    if (slashed := _UK_DATE.fullmatch(cleaned)) is not None:
        day, month = int(slashed["day"]), int(slashed["month"])
        if month > 12 and day <= 12:
            raise InvalidInput(f'date "{_visible(cleaned)}" is in the US order (month/day/year); write the day '
                               f'first, e.g. {month:02d}/{day:02d}/{slashed["year"]}')
        return _real_day(cleaned, int(slashed["year"]), month, day)
    if (worded := _WORDED_DATE.fullmatch(cleaned)) is not None and worded["month"].lower() in _MONTHS:
        return _real_day(cleaned, int(worded["year"]), _MONTHS[worded["month"].lower()], int(worded["day"]))
    raise InvalidInput(f'date "{_visible(cleaned)}" is not a date like {DATE_EXAMPLES}')


def _real_day(text: str, year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise InvalidInput(f'date "{_visible(text)}" does not exist in the calendar') from None


def parse_iso_date(text: str) -> dt.date:
    """Exactly YYYY-MM-DD and a real day: the form of import files and of every date we write."""
    if not _ISO_DATE.fullmatch(text):
        raise InvalidInput(f'date "{_visible(text)}" is not a date like 2015-07-02 (year-month-day)')
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f'date "{text}" does not exist in the calendar') from None


def format_date(day: dt.date | None) -> str:
    """2 Jul 2015: how dates are shown to people."""
    if day is None:
        return ""
    return pendulum.date(day.year, day.month, day.day).format("D MMM YYYY")


@dataclass(frozen=True)
class Clock:
    """Where "now" comes from: the business day (`now`), and the moment an audit event is stamped (`stamp`).

    They differ only when the business day is pinned (the demo, reproducing a past night): the day moves, the
    audit trail's timestamps never do. A test pins both by building the clock (`fixed_clock`).
    """

    now: Callable[[], pendulum.DateTime]
    stamp: Callable[[], pendulum.DateTime] | None = None

    def today(self) -> dt.date:
        return _plain(self.now().in_timezone(LONDON).date())

    def timestamp(self) -> str:
        """UTC, ISO 8601 to the microsecond: the form audit events are hashed in."""
        return (self.stamp or self.now)().in_timezone("UTC").isoformat()


def system_clock() -> Clock:
    """The wall clock; TRACKER_TODAY pins the business day only, never the audit trail's timestamps."""
    pinned = os.environ.get("TRACKER_TODAY", "").strip()
    if pinned:
        return Clock(now=fixed_clock(parse_date(pinned)).now, stamp=pendulum.now)
    return Clock(now=pendulum.now)


def fixed_clock(day: dt.date, hour: int = 12) -> Clock:
    moment = pendulum.datetime(day.year, day.month, day.day, hour, tz=LONDON)
    return Clock(now=lambda: moment)


def _plain(day: dt.date) -> dt.date:
    return dt.date(day.year, day.month, day.day)


def _visible(text: str) -> str:
    shown = "".join(ch if ch.isprintable() else "?" for ch in text)
    return shown if len(shown) <= 40 else shown[:37] + "..."


def day_start_utc(day: dt.date) -> str:
    """The first instant of a London day, in UTC in the form audit events carry their time
    ("2015-10-18T23:00:00+00:00"), so that such times can be compared with it as text."""
    return pendulum.datetime(day.year, day.month, day.day, tz=LONDON).in_timezone("UTC").isoformat()


@functools.lru_cache(maxsize=8192)
def london_midnight(day: dt.date) -> str:
    """A day as an RFC 3339 date-time at the start of that day in London ("2015-07-02T00:00:00+01:00"),
    for formats that hold only date-times."""
    return pendulum.datetime(day.year, day.month, day.day, tz=LONDON).isoformat()


def format_uk_date(day: dt.date) -> str:
    """02/07/2015: the DD/MM/YYYY form UK transparency files use."""
    return pendulum.date(day.year, day.month, day.day).format("DD/MM/YYYY")


def add_days(day: dt.date, days: int) -> dt.date:
    """The calendar day `days` after `day` (a payment term: 30 days after an invoice became valid)."""
    return _plain(pendulum.date(day.year, day.month, day.day).add(days=days))


def days_between(earlier: dt.date, later: dt.date) -> int:
    """Whole days from one day to another: day 1 is the day after `earlier`."""
    start = pendulum.date(earlier.year, earlier.month, earlier.day)
    return (pendulum.date(later.year, later.month, later.day) - start).in_days()


def half_year_reference_day(day: dt.date) -> dt.date:
    """The day a half-year's statutory interest rate is fixed on: 31 December for 1 January to 30 June, 30 June
    for 1 July to 31 December (the Late Payment of Commercial Debts (Rate of Interest) (No. 3) Order 2002)."""
    return dt.date(day.year - 1, 12, 31) if day.month <= 6 else dt.date(day.year, 6, 30)
