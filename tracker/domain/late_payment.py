"""Statutory interest and compensation on a late payment: the Late Payment of Commercial Debts (Interest) Act 1998.

- Interest is simple, at 8% over the Bank of England base rate. The base rate used is the one in force on the
  reference day of the half-year in which the debt became late (31 December for 1 January to 30 June, 30 June for
  1 July to 31 December), and it stays fixed for as long as the debt is unpaid (the Late Payment of Commercial
  Debts (Rate of Interest) (No. 3) Order 2002).
- It runs from the day after the due date to the day of payment, a year counted as 365 days (leap years too).
- Fixed compensation, once the debt is late: £40 for a debt under £1,000, £70 from £1,000 to £9,999.99, £100 from
  £10,000 (section 5A).

Money is integer pence and rates are basis points (8.5% is 850), so the arithmetic is exact: interest is
amount × rate × days ÷ (10,000 × 365), rounded to the nearest penny, a half penny rounded up. The base rate history
is the package's `data/bank_rate.csv`, with its source.
"""

import bisect
import datetime as dt
import functools
from dataclasses import dataclass
from importlib import resources

from tracker.domain.errors import InvalidInput
from tracker.domain.fiscal import add_days, days_between, half_year_reference_day, parse_iso_date

STATUTORY_MARGIN_BP = 800
"""8% over the base rate, in basis points."""
DAYS_IN_YEAR = 365
COMPENSATION = ((100_000, 4_000), (1_000_000, 7_000))
"""(debts under this many pence, their compensation in pence), in order; any larger debt gets `TOP_COMPENSATION`."""
TOP_COMPENSATION = 10_000


@dataclass(frozen=True)
class BaseRates:
    """The base rate's changes: each day it took effect and its rate from that day, in basis points."""

    changes: tuple[tuple[dt.date, int], ...]
    checked_to: dt.date
    source: str

    def on(self, day: dt.date) -> int:
        """The base rate in force on a day, in basis points."""
        if day > self.checked_to:
            raise InvalidInput(f"the base rate on {day} is not known: the history in bank_rate.csv is complete to "
                               f"{self.checked_to}; add the Bank of England's later decisions")
        days = [changed for changed, _rate in self.changes]
        at = bisect.bisect_right(days, day)
        if at == 0:
            raise InvalidInput(f"the base rate on {day} is not known: the history in bank_rate.csv starts on "
                               f"{self.changes[0][0]}")
        return self.changes[at - 1][1]


@dataclass(frozen=True)
class LatePayment:
    """What paying a debt on a day costs beyond the debt: nothing when paid by its due date."""

    days_late: int
    reference_day: dt.date | None
    rate_bp: int
    interest_pence: int
    compensation_pence: int

    @property
    def liable_pence(self) -> int:
        return self.interest_pence + self.compensation_pence


@functools.cache
def base_rates() -> BaseRates:
    """The history shipped with the tracker (read once)."""
    text = resources.files("tracker.domain").joinpath("data/bank_rate.csv").read_text(encoding="utf-8")
    return read_base_rates(text)


def read_base_rates(text: str) -> BaseRates:
    """`effective_from,rate_percent` rows in date order, with `# checked_to,DAY` and `# Source:` comment lines."""
    changes: list[tuple[dt.date, int]] = []
    checked_to: dt.date | None = None
    source = ""
    for line in text.splitlines():
        if line.startswith("#"):
            comment = line.lstrip("# ").strip()
            if comment.startswith("checked_to,"):
                checked_to = parse_iso_date(comment.removeprefix("checked_to,"))
            elif comment.startswith("Source:"):
                source = comment.removeprefix("Source:").strip()
            continue
        if not line.strip() or line.startswith("effective_from"):
            continue
        day, rate = line.split(",")
        whole, _, fraction = rate.strip().partition(".")
        changes.append((parse_iso_date(day.strip()), int(whole) * 100 + int((fraction + "00")[:2])))
    if not changes or checked_to is None or [c[0] for c in changes] != sorted({c[0] for c in changes}):
        raise InvalidInput("bank_rate.csv must list its changes once each, in date order, with a checked_to line")
    return BaseRates(tuple(changes), checked_to, source)


def simple_interest(amount_pence: int, rate_bp: int, days: int) -> int:
    """amount × rate × days / 365, to the nearest penny, half a penny rounded up (exact: never a float)."""
    numerator = amount_pence * rate_bp * days
    denominator = 10_000 * DAYS_IN_YEAR
    return (2 * numerator + denominator) // (2 * denominator)


def fixed_compensation(amount_pence: int) -> int:
    for below, compensation in COMPENSATION:
        if amount_pence < below:
            return compensation
    return TOP_COMPENSATION


def late_payment(amount_pence: int, *, due_on: dt.date, paid_on: dt.date,
                 rates: BaseRates | None = None) -> LatePayment:
    """Interest and compensation for a debt due on one day and paid on another."""
    late = days_between(due_on, paid_on)
    if late <= 0:
        return LatePayment(0, None, 0, 0, 0)
    reference = half_year_reference_day(add_days(due_on, 1))  # interest runs from the day after the due date
    rate = (rates or base_rates()).on(reference) + STATUTORY_MARGIN_BP
    return LatePayment(late, reference, rate, simple_interest(amount_pence, rate, late),
                       fixed_compensation(amount_pence))

