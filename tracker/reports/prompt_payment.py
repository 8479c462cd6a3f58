"""Prompt payment: how quickly the body paid its suppliers' invoices, in the two layouts the law asks for.

- PCR 2015 reg 113(7), published yearly: the share of invoices paid within 30 days of becoming valid, the interest
  paid under the Late Payment of Commercial Debts (Interest) Act 1998, and the interest (with compensation) the body
  was liable to pay.
- Procurement Regulations 2024 reg 38, six-monthly (1 April to 30 September, 1 October to 31 March): the average
  days to pay (day 1 is the day after receipt), the share paid in 1-30, 31-60 and 61 or more days, and the share of
  the sums that fell due in the period that were not paid within it.

An invoice counts as paid on the day of the payment matched to it; rejected invoices are left out. Shares are
tenths of a percent, rounded half up. The tracker records no payment of interest, so interest paid is £0.00 unless
the office pays it outside the tracker.
"""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from tracker.domain.fiscal import days_between
from tracker.domain.late_payment import late_payment
from tracker.domain.models import Invoice, InvoiceStatus, Payment, PaymentRegime

TERM_DAYS = 30


def permille(part: int, whole: int) -> int | None:
    """part / whole in tenths of a percent, half up; None when there is nothing to divide by."""
    return None if whole <= 0 else (part * 1000 * 2 + whole) // (whole * 2)


@dataclass(frozen=True)
class Reg113:
    start: dt.date
    end: dt.date
    invoices_paid: int
    paid_within_30_days: int
    interest_paid_pence: int
    interest_liable_pence: int
    compensation_liable_pence: int

    @property
    def within_30_permille(self) -> int | None:
        return permille(self.paid_within_30_days, self.invoices_paid)

    @property
    def liable_pence(self) -> int:
        return self.interest_liable_pence + self.compensation_liable_pence


@dataclass(frozen=True)
class Reg38:
    start: dt.date
    end: dt.date
    invoices_paid: int
    total_days: int
    in_1_to_30: int
    in_31_to_60: int
    in_61_or_more: int
    fell_due_pence: int
    fell_due_unpaid_pence: int

    @property
    def average_days(self) -> str:
        """To one decimal place, half up."""
        if not self.invoices_paid:
            return ""
        tenths = (self.total_days * 10 * 2 + self.invoices_paid) // (self.invoices_paid * 2)
        return f"{tenths // 10}.{tenths % 10}"

    def share(self, count: int) -> int | None:
        return permille(count, self.invoices_paid)

    @property
    def not_paid_in_period_permille(self) -> int | None:
        return permille(self.fell_due_unpaid_pence, self.fell_due_pence)


def _invoices(session: Session, regime: PaymentRegime) -> list[tuple[int, dt.date, dt.date | None, dt.date | None,
                                                                    dt.date | None]]:
    """(gross, received, valid from, due, paid on) of every invoice of the regime that is not rejected."""
    i, p = Invoice, Payment
    paid_on = (sa_select(func.max(col(p.paid_on))).where(col(p.invoice_id) == col(i.id), col(p.amount_pence) > 0)
               .scalar_subquery())
    query = (sa_select(col(i.net_pence) + col(i.vat_pence), col(i.received_on), col(i.valid_from), col(i.due_on),
                       col(i.status), paid_on)
             .where(col(i.regime) == regime.value, col(i.status) != InvoiceStatus.REJECTED.value)
             .order_by(col(i.id)))
    return [(int(gross), received, valid_from, due, paid if status == InvoiceStatus.PAID else None)
            for gross, received, valid_from, due, status, paid in session.execute(query)]


def reg_113(session: Session, start: dt.date, end: dt.date) -> Reg113:
    paid = within = interest = compensation = 0
    for gross, _received, valid_from, due, paid_on in _invoices(session, PaymentRegime.PCR2015):
        if paid_on is None or not start <= paid_on <= end:
            continue
        paid += 1
        within += valid_from is not None and days_between(valid_from, paid_on) <= TERM_DAYS
        if due is not None:
            late = late_payment(gross, due_on=due, paid_on=paid_on)
            interest += late.interest_pence
            compensation += late.compensation_pence
    return Reg113(start, end, paid, within, 0, interest, compensation)


def reg_38(session: Session, start: dt.date, end: dt.date) -> Reg38:
    paid = total = first = second = third = due_sum = unpaid_sum = 0
    for gross, received, _valid_from, due, paid_on in _invoices(session, PaymentRegime.PA2023):
        if paid_on is not None and start <= paid_on <= end:
            days = days_between(received, paid_on)  # paid on the day of receipt: day 0, in the first band
            paid += 1
            total += days
            first += days <= 30
            second += 31 <= days <= 60
            third += days >= 61
        if due is not None and start <= due <= end:
            due_sum += gross
            if paid_on is None or paid_on > end:
                unpaid_sum += gross
    return Reg38(start, end, paid, total, first, second, third, due_sum, unpaid_sum)
