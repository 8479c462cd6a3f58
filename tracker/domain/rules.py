"""The rule book: every refusal the tracker makes, each in one function with one wording.

The commands (budget, contracts, deliverables, payments) and the import call these same
functions, so a rule cannot drift into two meanings and an officer reads the same words
whichever way the figures arrived. Each function takes plain values, checks one rule and
raises a `Refusal` naming it; the caller adds only where it happened (an import adds the
file and line). Messages speak the officer's language: no command-line flags and no
commands to type; the command line and the desk add their own hints, keyed on `Rule`.
"""

import datetime as dt
from enum import StrEnum
from typing import TYPE_CHECKING

from tracker.domain.errors import Refusal
from tracker.domain.fiscal import FiscalYear, fiscal_year_of
from tracker.domain.models import ContractStatus, DeliverableStatus, Permission
from tracker.domain.money import format_gbp
from tracker.domain.text import same_name
from tracker.support.wording import article

if TYPE_CHECKING:
    from tracker.domain.people import RegisteredPerson


class Rule(StrEnum):
    """The name of each refusal rule, as a refusal carries it."""

    UNIQUE_CODE = "unique-code"
    UNIQUE_REFERENCE = "unique-reference"
    UNIQUE_SEQ = "unique-seq"
    WITHIN_CEILING = "within-ceiling"
    DATES_IN_ORDER = "dates-in-order"
    NO_FUTURE_DATES = "no-future-dates"
    LINE_COMMITMENT = "line-commitment"
    CONTRACT_STATUS = "contract-status"
    DELIVERABLE_STATUS = "deliverable-status"
    DELIVERABLES_WITHIN_VALUE = "deliverables-within-value"
    PAY_ON_ACCEPTANCE = "pay-on-acceptance"
    PAY_ONCE = "pay-once"
    CONTRACT_VALUE = "contract-value"
    LINE_ALLOCATION = "line-allocation"
    FINANCIAL_YEAR = "financial-year"
    SEGREGATION_OF_DUTIES = "segregation-of-duties"
    INVOICE_ONCE = "invoice-once"
    REVERSE_ONCE = "reverse-once"
    NO_CANCEL_AFTER_PAYMENT = "no-cancel-after-payment"
    PAY_BEFORE_ENDING = "pay-before-ending"
    CONCURRENT_CHANGE = "concurrent-change"
    PEOPLE_REGISTER = "people-register"
    # -- corrections and variations (issue 13) --
    NOTHING_PAID_YET = "nothing-paid-yet"
    ALLOCATION_COVERS = "allocation-covers"
    VIREMENT = "virement"
    VARIATION_COVERS_PAID = "variation-covers-paid"
    # -- the year end (issue 14) --
    YEAR_CLOSED = "year-closed"
    YEAR_END_CLOSE = "year-end-close"
    # -- invoices (issue 14) --
    INVOICE_NUMBER = "invoice-number"
    INVOICE_AMOUNT = "invoice-amount"
    INVOICE_STATUS = "invoice-status"
    INVOICE_MATCH = "invoice-match"
    INVOICE_REQUIRED = "invoice-required"
    FUNDING_PARTS = "funding-parts"


# -- what must be unique ---------------------------------------------------------------------------------------


def unique_line_code(code: str, *, taken_as: str | None) -> None:
    """`taken_as` is the code of the line already recorded under the same letters, in whatever case it was typed."""
    if taken_as is not None:
        raise Refusal(Rule.UNIQUE_CODE, f"budget line {code} already exists{_as_typed(code, taken_as)}; codes are "
                                        f"unique{_whatever_case(code, taken_as)}")


def unique_reference(reference: str, *, taken_as: str | None) -> None:
    """`taken_as` is the reference of the contract already recorded under the same letters, in whatever case."""
    if taken_as is not None:
        raise Refusal(Rule.UNIQUE_REFERENCE, f"contract {reference} already exists{_as_typed(reference, taken_as)}; "
                                             f"references are unique{_whatever_case(reference, taken_as)}")


def _as_typed(wanted: str, taken_as: str) -> str:
    return "" if wanted == taken_as else f" as {taken_as}"


def _whatever_case(wanted: str, taken_as: str) -> str:
    return "" if wanted == taken_as else " whatever their case"


def unique_seq(reference: str, seq: int, *, taken: bool) -> None:
    """Only an import can give a number twice: a command numbers each new deliverable itself."""
    if taken:
        raise Refusal(Rule.UNIQUE_SEQ, f"{reference} already has a deliverable {seq}; numbers are unique "
                                       f"within a contract")


def invoice_once(invoice: str | None, reference: str, *, already_paid: bool) -> None:
    if invoice is not None and already_paid:
        raise Refusal(Rule.INVOICE_ONCE, f"invoice {invoice} has already been paid on {reference}")


THIS_PAYMENT = "this payment is"
"""How a payment limit names what would pass it: one payment from a command, all of a deliverable's from an import."""
ITS_PAYMENTS = "its payments total"

# -- money ------------------------------------------------------------------------------------------------------


def within_ceiling(value: int, ceiling: int | None) -> None:
    if ceiling is not None and value > ceiling:
        raise Refusal(Rule.WITHIN_CEILING, f"value {format_gbp(value)} is over the tender ceiling "
                                           f"{format_gbp(ceiling)}")


def line_can_commit(reference: str, line_code: str, *, allocation: int, committed: int, value: int,
                    hard: bool, doing: str = "awarding", adding: str = "this contract is") -> bool:
    """Refused on a hard line; on a warn line the award goes ahead and the caller warns (True: over).

    A variation or a reopening commits more the same way: `doing` and `adding` say which."""
    left = allocation - committed
    if value > left and hard:
        raise Refusal(Rule.LINE_COMMITMENT, f"{doing} {reference} would over-commit {line_code}: it has "
                                            f"{format_gbp(left)} uncommitted of {format_gbp(allocation)}; "
                                            f"{adding} {format_gbp(value)}")
    return value > left


def deliverables_within_value(reference: str, *, value: int, planned: int, amount: int) -> None:
    if planned + amount > value:
        raise Refusal(Rule.DELIVERABLES_WITHIN_VALUE,
                      f"{reference} is worth {format_gbp(value)} and its deliverables already total "
                      f"{format_gbp(planned)}; this one is {format_gbp(amount)}, "
                      f"{format_gbp(planned + amount - value)} too much")


def not_fully_paid(label: str, *, paid: int, amount: int) -> None:
    if paid >= amount:
        raise Refusal(Rule.PAY_ONCE, f"{label} is fully paid ({format_gbp(paid)} of {format_gbp(amount)}); "
                                     f"nothing is left to pay")


def within_unpaid(label: str, *, paying: int, paid: int, amount: int, paying_as: str = THIS_PAYMENT) -> None:
    unpaid = amount - paid
    if paying > unpaid:
        raise Refusal(Rule.PAY_ONCE, f"{label} has {format_gbp(unpaid)} unpaid of {format_gbp(amount)}; "
                                     f"{paying_as} {format_gbp(paying)}")


def within_contract_value(reference: str, *, paying: int, paid: int, value: int,
                          paying_as: str = THIS_PAYMENT) -> None:
    if paid + paying > value:
        raise Refusal(Rule.CONTRACT_VALUE, f"{reference} has {format_gbp(value - paid)} left of "
                                           f"{format_gbp(value)}; {paying_as} {format_gbp(paying)}")


def within_allocation(line_code: str, *, paying: int, paid: int, allocation: int,
                      paying_as: str = THIS_PAYMENT) -> None:
    if paid + paying > allocation:
        raise Refusal(Rule.LINE_ALLOCATION, f"{line_code} has {format_gbp(allocation - paid)} left of "
                                            f"{format_gbp(allocation)}; {paying_as} {format_gbp(paying)}")


def figures_unchanged(*, still: bool) -> None:
    """A guarded update found the figures moved under it: only a racing change can do that."""
    if not still:
        raise Refusal(Rule.CONCURRENT_CHANGE, "the figures changed while this was being recorded; nothing was "
                                              "recorded, try again")


# -- where things stand -----------------------------------------------------------------------------------------


def contract_awarded(reference: str, status: str, doing: str) -> None:
    """`doing` completes "… only on an awarded contract": "payments are released", "deliverables can be accepted"."""
    if status != ContractStatus.AWARDED:
        raise Refusal(Rule.CONTRACT_STATUS, f"{reference} is {status}; {doing} only on an awarded contract")


def contract_in(reference: str, status: str, allowed: tuple[str, ...], done: str) -> None:
    if status not in allowed:
        kinds = article(" or ".join(allowed))
        raise Refusal(Rule.CONTRACT_STATUS, f"{reference} is {status}; only {kinds} contract can be {done}")


def deliverables_open(reference: str, status: str) -> None:
    if status not in (ContractStatus.DRAFT, ContractStatus.AWARDED):
        raise Refusal(Rule.CONTRACT_STATUS, f"{reference} is {status}; deliverables can be added only to a draft "
                                            f"or awarded contract")


def deliverable_in(label: str, status: str, allowed: tuple[str, ...], done: str) -> None:
    if status not in allowed:
        kinds = article(" or ".join(allowed))
        raise Refusal(Rule.DELIVERABLE_STATUS, f"{label} is {status}; only {kinds} deliverable can be {done}")


def accepted_before_paying(label: str, name: str, status: str) -> None:
    if status != DeliverableStatus.ACCEPTED:
        raise Refusal(Rule.PAY_ON_ACCEPTANCE, f"{label} ({name}) is {status}; a payment is released only for an "
                                              f"accepted deliverable")


def nothing_paid_before_cancel(reference: str, paid: int) -> None:
    if paid:
        raise Refusal(Rule.NO_CANCEL_AFTER_PAYMENT, f"{reference} has {format_gbp(paid)} paid; reverse its "
                                                    f"payments or close it instead")


def nothing_owed_before_ending(reference: str, owed: int, doing: str) -> None:
    """Accepted work is owed to the supplier: it must be paid before the contract can end."""
    if owed:
        raise Refusal(Rule.PAY_BEFORE_ENDING, f"{reference} has {format_gbp(owed)} accepted but unpaid; pay it "
                                              f"before {doing} the contract")


def reversed_once(payment_id: int, *, is_reversal: bool, reversed_by: int | None) -> None:
    if is_reversal:
        raise Refusal(Rule.REVERSE_ONCE, f"payment {payment_id} is itself a reversal; it cannot be reversed")
    if reversed_by is not None:
        raise Refusal(Rule.REVERSE_ONCE, f"payment {payment_id} was already reversed by payment {reversed_by}")


# -- dates ------------------------------------------------------------------------------------------------------


def not_in_future(what: str, day: dt.date, today: dt.date) -> None:
    """Only due dates may lie ahead: everything else records what has happened."""
    if day > today:
        raise Refusal(Rule.NO_FUTURE_DATES, f"{what} cannot be dated {day}, after today ({today})")


def in_financial_year(what: str, day: dt.date, line_code: str, year: FiscalYear) -> None:
    if not year.contains(day):
        raise Refusal(Rule.FINANCIAL_YEAR, f"{what} dated {day} falls in {fiscal_year_of(day).label}, outside "
                                           f"{line_code}'s financial year {year.label} ({year.starts} to "
                                           f"{year.ends})")


def charged_to_line_year(what: str, day: dt.date, label: str, accepted_on: dt.date | None, line_code: str,
                         year: FiscalYear, *, settle_until: dt.date | None = None) -> None:
    """Money moves in its line's year; after the year ends, work accepted by then is still paid from it (an accrual,
    charged to the old year), and once the year is closed only until its settlement window ends (`settle_until`)."""
    if settle_until is not None and day > settle_until:
        raise Refusal(Rule.YEAR_CLOSED, f"{what} dated {day} is after {year.label} was closed and its settlement "
                                        f"window ended ({settle_until}); {line_code} pays nothing more")
    if day <= year.ends or accepted_on is None:
        in_financial_year(what, day, line_code, year)
        return
    if accepted_on > year.ends:
        raise Refusal(Rule.FINANCIAL_YEAR, f"{what} dated {day} falls after {line_code}'s financial year "
                                           f"{year.label} ended ({year.ends}) and {label} was accepted on "
                                           f"{accepted_on}, also after it; only work accepted by the year end is "
                                           f"paid from the old year")


def award_by_year_end(reference: str, day: dt.date, line_code: str, year: FiscalYear) -> None:
    """An award may come before its line's year (a contract let in advance), never after it."""
    if day > year.ends:
        raise Refusal(Rule.FINANCIAL_YEAR, f"{reference} cannot be awarded on {day}, after {line_code}'s "
                                           f"financial year {year.label} ended ({year.ends})")


def in_order(later: str, later_day: dt.date | None, earlier: str, earlier_day: dt.date | None) -> None:
    """`later` (e.g. "a payment dated 2015-09-30") may not come before `earlier` (e.g. "the acceptance")."""
    if later_day is not None and earlier_day is not None and later_day < earlier_day:
        raise Refusal(Rule.DATES_IN_ORDER, f"{later} would come before {earlier} ({earlier_day})")


# -- who may do what --------------------------------------------------------------------------------------------


def separate_duties(label: str, payer: str, *, role: str | None, accepted_by: str, override: str | None) -> None:
    """Whoever signed a deliverable off, or recorded its sign-off, may not release its payment.

    `role` is how the payer took part ("accepted", "recorded the acceptance of"), None when they did not.
    """
    if role is not None and not override:
        raise Refusal(Rule.SEGREGATION_OF_DUTIES, f"{payer} {role} {label} and so may not release its payment; "
                                                  f"another officer must, or it is released as an override with "
                                                  f"a reason")
    if override and role is None:
        raise Refusal(Rule.SEGREGATION_OF_DUTIES, f"no override is needed: {label} was accepted by {accepted_by}")


def history_separates_duties(label: str, released_by: str, *, accepted_by: str, same_person: bool,
                             override: str | None) -> None:
    """Imported history: a payment released by the person who accepted its deliverable."""
    if same_person and not override:
        raise Refusal(Rule.SEGREGATION_OF_DUTIES, f"{label} was released by {released_by}, who also accepted it "
                                                  f"({accepted_by}); history that breaks segregation of duties "
                                                  f"is imported only as an override with a reason")


def registered(login: str, claimed: str, person: "RegisteredPerson | None", action: Permission) -> None:
    """With a people register, who is logged in decides who is acting, and what they may do."""
    if person is None:
        raise Refusal(Rule.PEOPLE_REGISTER, f"the login {login} is not in the people register; only registered "
                                            f"people may act")
    if not same_name(claimed, person.name):
        raise Refusal(Rule.PEOPLE_REGISTER, f"the login {login} is {person.name}'s and cannot act as {claimed}")
    if action not in person.may:
        raise Refusal(Rule.PEOPLE_REGISTER, f"{person.name} may {', '.join(person.may) or 'do nothing'}, "
                                            f"not {action.value}")


def register_entry(login: str, *, taken: bool, first: bool, acting_login: str, admin: bool) -> None:
    if taken:
        raise Refusal(Rule.PEOPLE_REGISTER, f"the login {login} is already in the people register")
    if first and (login != acting_login or not admin):
        raise Refusal(Rule.PEOPLE_REGISTER, f"the first person in the register must be you ({acting_login}) with "
                                            f"admin, so that someone can manage it")


# -- corrections and variations (issue 13) ----------------------------------------------------------------------


def nothing_paid_yet(label: str, *, paid: int, payments: int, done: str) -> None:
    """A correction that rewrites what payments name (a reference, an acceptance) is made only before any."""
    if payments:
        raise Refusal(Rule.NOTHING_PAID_YET, f"{label} has {payments} payment{'s' if payments != 1 else ''} "
                                             f"recorded ({format_gbp(paid)} paid); it can be {done} only while "
                                             f"nothing has been paid")


def allocation_covers(line_code: str, *, allocation: int, committed: int, paid: int, hard: bool) -> bool:
    """A line's allocation never falls below what it has paid, nor on a hard line below what it has committed.

    On a warn line an allocation below its commitments goes ahead and the caller warns (True: over)."""
    if allocation < paid:
        raise Refusal(Rule.ALLOCATION_COVERS, f"{line_code} has paid {format_gbp(paid)}; its allocation cannot "
                                              f"be {format_gbp(allocation)}, {format_gbp(paid - allocation)} less")
    if allocation < committed and hard:
        raise Refusal(Rule.ALLOCATION_COVERS, f"{line_code} has {format_gbp(committed)} committed; its allocation "
                                              f"cannot be {format_gbp(allocation)} on a hard line, "
                                              f"{format_gbp(committed - allocation)} less")
    return allocation < committed


def virement_between(from_code: str, to_code: str, *, from_year: FiscalYear, to_year: FiscalYear, amount: int,
                     headroom: int) -> None:
    """A virement moves uncommitted money between two lines of one financial year."""
    if from_code == to_code:
        raise Refusal(Rule.VIREMENT, f"a virement moves money between two lines; {from_code} was named twice")
    if from_year != to_year:
        raise Refusal(Rule.VIREMENT, f"a virement stays within one financial year: {from_code} is "
                                     f"{from_year.label}, {to_code} is {to_year.label}")
    if amount > headroom:
        raise Refusal(Rule.VIREMENT, f"{from_code} has {format_gbp(max(headroom, 0))} uncommitted; a virement of "
                                     f"{format_gbp(amount)} would leave it over-committed")


def value_covers_paid(reference: str, *, value: int, paid: int) -> None:
    if value < paid:
        raise Refusal(Rule.VARIATION_COVERS_PAID, f"{reference} has {format_gbp(paid)} paid; its value cannot "
                                                  f"become {format_gbp(value)}")


def amount_covers_paid(label: str, *, amount: int, paid: int) -> None:
    if amount < paid:
        raise Refusal(Rule.VARIATION_COVERS_PAID, f"{label} has {format_gbp(paid)} paid; its amount cannot "
                                                  f"become {format_gbp(amount)}")


def year_not_closed(what: str, line_code: str, year: FiscalYear, closed_on: object | None) -> None:
    """A closed year keeps the figures it closed with: no variation, reopening, revocation or allocation change
    reaches back into it (the year end carried or released what was left)."""
    if closed_on is not None:
        raise Refusal(Rule.YEAR_CLOSED, f"{what} would change {line_code}, whose financial year {year.label} was "
                                        f"closed on {closed_on}; a closed year keeps what it closed with")


def deliverables_fit_value(reference: str, *, value: int, planned: int) -> None:
    """After a variation, the deliverables together still fit the contract's value."""
    if planned > value:
        raise Refusal(Rule.DELIVERABLES_WITHIN_VALUE,
                      f"{reference} would be worth {format_gbp(value)} but its deliverables would total "
                      f"{format_gbp(planned)}, {format_gbp(planned - value)} too much")
# -- the year end -----------------------------------------------------------------------------------------------


def year_open(what: str, day: dt.date, year: FiscalYear, closed_on: dt.date | None) -> None:
    """Once a year is closed, nothing new is dated in it (its accruals' settlements are checked as payments)."""
    if closed_on is not None:
        raise Refusal(Rule.YEAR_CLOSED, f"{what} dated {day} falls in {year.label}, which was closed on {closed_on}; "
                                        f"nothing more is dated in a closed year")


def line_year_open(reference: str, line_code: str, year: FiscalYear, closed_on: object | None) -> None:
    """A closed year takes no new contracts: its lines hold only what it closed with."""
    if closed_on is not None:
        raise Refusal(Rule.YEAR_CLOSED, f"{reference} cannot be placed on {line_code}: its financial year "
                                        f"{year.label} was closed on {closed_on}")


def close_once(year: FiscalYear, closed_on: dt.date | None) -> None:
    if closed_on is not None:
        raise Refusal(Rule.YEAR_END_CLOSE, f"{year.label} was already closed on {closed_on}")


def close_after_year_end(year: FiscalYear, today: dt.date) -> None:
    if today <= year.ends:
        raise Refusal(Rule.YEAR_END_CLOSE, f"{year.label} cannot be closed before it has ended ({year.ends}); today "
                                           f"is {today}")


def every_commitment_instructed(year: FiscalYear, missing: list[str], unsplit: list[str]) -> None:
    """Each unaccepted commitment is carried forward or released: none is left to lapse unseen."""
    if unsplit:
        raise Refusal(Rule.YEAR_END_CLOSE, f"{year.label} cannot be closed: {', '.join(unsplit[:3])} "
                                           f"{'has' if len(unsplit) == 1 else 'have'} value not split into "
                                           f"deliverables; add deliverables for it so that each can be carried "
                                           f"forward or released")
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5 else "")
        raise Refusal(Rule.YEAR_END_CLOSE, f"{year.label} cannot be closed: {len(missing)} unaccepted "
                                           f"commitment{'' if len(missing) == 1 else 's'} "
                                           f"{'has' if len(missing) == 1 else 'have'} no instruction ({shown}); "
                                           f"carry each forward to a line of {year.next().label} or release it")


def instructed_once(label: str, *, again: bool) -> None:
    if again:
        raise Refusal(Rule.YEAR_END_CLOSE, f"{label} is given two instructions; carry it forward or release it, "
                                           f"not both")


def unaccepted_commitment(label: str, year: FiscalYear, *, accepted_on: dt.date | None, in_year: bool) -> None:
    """Accepted work is an accrual, paid from the old year: only what was not accepted by the year end moves."""
    if accepted_on is not None and accepted_on <= year.ends:
        raise Refusal(Rule.YEAR_END_CLOSE, f"{label} was accepted on {accepted_on}, by the year end: it is an "
                                           f"accrual, paid from {year.label}, and is neither carried forward nor "
                                           f"released")
    if not in_year:
        raise Refusal(Rule.YEAR_END_CLOSE, f"{label} is not an unaccepted commitment of {year.label} (its contract "
                                           f"is not on a line of that year, or was not running at its end)")


def carry_to_next_year(label: str, line_code: str, line_year: FiscalYear, year: FiscalYear) -> None:
    if line_year != year.next():
        raise Refusal(Rule.YEAR_END_CLOSE, f"{label} can be carried forward only to a line of {year.next().label}; "
                                           f"{line_code} is of {line_year.label}")


def carry_within_allocation(label: str, line_code: str, *, allocation: int, committed: int, amount: int,
                            hard: bool) -> bool:
    """Refused on a hard line without the headroom; on a warn line it goes ahead and the caller warns (True)."""
    left = allocation - committed
    if amount > left and hard:
        raise Refusal(Rule.LINE_COMMITMENT, f"carrying {label} forward would over-commit {line_code}: it has "
                                            f"{format_gbp(left)} uncommitted of {format_gbp(allocation)}; {label} "
                                            f"is {format_gbp(amount)}")
    return amount > left


def funded(label: str, *, released: bool) -> None:
    if released:
        raise Refusal(Rule.YEAR_END_CLOSE, f"{label} was released at its year's close; no line funds it, so "
                                           f"nothing is paid for it")


# -- invoices ---------------------------------------------------------------------------------------------------


def invoice_number_unique(number: str, supplier: str, *, taken_as: str | None, taken_on: str | None) -> None:
    """One invoice number per supplier across every contract, however it is spelt ("MA-9" is "ma 9")."""
    if taken_as is not None:
        raise Refusal(Rule.INVOICE_NUMBER, f"invoice {number} from {supplier} is already recorded, as {taken_as} on "
                                           f"{taken_on}; an invoice number is recorded once per supplier")


def invoices_within_amount(label: str, *, amount: int, invoiced: int, net: int) -> None:
    if invoiced + net > amount:
        raise Refusal(Rule.INVOICE_AMOUNT, f"{label} is {format_gbp(amount)} and its invoices already total "
                                           f"{format_gbp(invoiced)} net; this one is {format_gbp(net)} net, "
                                           f"{format_gbp(invoiced + net - amount)} too much")


def invoice_in(number: str, status: str, allowed: tuple[str, ...], done: str) -> None:
    if status not in allowed:
        kinds = " or ".join(allowed)
        raise Refusal(Rule.INVOICE_STATUS, f"invoice {number} is {status}; only a {kinds} invoice can be {done}")


def invoice_matches(number: str, label: str, *, for_label: str, status: str, paying: int, gross: int,
                    paid: int) -> None:
    """The three-way match: the invoice is for this deliverable, valid, and covers the amount."""
    if for_label != label:
        raise Refusal(Rule.INVOICE_MATCH, f"invoice {number} is for {for_label}, not {label}")
    if status != "valid":
        raise Refusal(Rule.INVOICE_MATCH, f"invoice {number} is {status}; only a valid invoice is paid")
    if paying > gross - paid:
        raise Refusal(Rule.INVOICE_MATCH, f"invoice {number} has {format_gbp(gross - paid)} unpaid of "
                                          f"{format_gbp(gross)}; this payment is {format_gbp(paying)}")


def invoice_required(label: str, line_code: str, *, paying: int, number: str | None, recorded: bool,
                     required: bool) -> None:
    """The three-way match is the rule: a payment names a recorded invoice, unless its line has had invoices
    switched off by a recorded decision."""
    if not required:
        return
    if number is None:
        raise Refusal(Rule.INVOICE_REQUIRED, f"a payment of {format_gbp(paying)} on {label} needs the invoice it "
                                             f"pays; {line_code} pays only recorded invoices")
    if not recorded:
        raise Refusal(Rule.INVOICE_REQUIRED, f"invoice {number} has not been received; a payment of "
                                             f"{format_gbp(paying)} on {label} from {line_code} pays only recorded "
                                             f"invoices")


# -- contracts funded over several years -------------------------------------------------------------------------


def part_on_later_year(reference: str, line_code: str, line_year: FiscalYear, own_code: str,
                       own_year: FiscalYear) -> None:
    """A contract's parts are funded by its own line and lines of the years after it, never an earlier or the same
    year's other line (that would be a second contract, or a virement)."""
    if line_year.start_year <= own_year.start_year and line_code != own_code:
        raise Refusal(Rule.FUNDING_PARTS, f"{reference} is funded from {own_code} ({own_year.label}); a part can be "
                                          f"funded only by it or a line of a later year, and {line_code} is of "
                                          f"{line_year.label}")


def one_line_per_year(reference: str, year: FiscalYear, codes: list[str]) -> None:
    if len(codes) > 1:
        raise Refusal(Rule.FUNDING_PARTS, f"{reference} names {' and '.join(codes)} for {year.label}; a contract's "
                                          f"part of a year is funded by one line")


def part_movable(label: str, *, status: str, paid: int, carried: bool, released: bool) -> None:
    """Only a part not yet accepted, paid, carried forward or released moves to another line."""
    if status == DeliverableStatus.ACCEPTED or paid or carried or released:
        why = ("it is accepted" if status == DeliverableStatus.ACCEPTED else f"{format_gbp(paid)} is paid on it"
               if paid else "it was carried forward at a year end" if carried else "it was released at a year end")
        raise Refusal(Rule.FUNDING_PARTS, f"{label} cannot move to another line: {why}")


def profile_line_named(reference: str, year: FiscalYear, *, named: bool) -> None:
    if not named:
        raise Refusal(Rule.FUNDING_PARTS, f"{reference}'s profile gives {year.label} a part but names no line of "
                                          f"{year.label} to fund it")


def profile_matches(reference: str, line_code: str, year: FiscalYear, *, placed: int, profiled: int) -> None:
    """An explicit profile is a check on where the deliverables fall: each year's part is what the profile says."""
    if placed != profiled:
        raise Refusal(Rule.FUNDING_PARTS, f"{reference}'s deliverables put {format_gbp(placed)} on {line_code} "
                                          f"({year.label}), not the {format_gbp(profiled)} its profile gives it")
