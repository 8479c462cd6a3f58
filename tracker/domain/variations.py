"""Variations: a contract's value, end or deliverables changed by a decision, numbered V1, V2 ...; and reprofiles.

A variation is one event with its figures before and after. The contract keeps its original value beside the
current one; the cumulative change from it is shown as a percentage and warned at the PCR 2015 reg 72 limits
(under 10 % of the initial value for services and supplies is the de minimis safe harbour, reg 72(5); 50 % is the
most one modification may add under reg 72(1)(b) and (c)). A variation is not held to the tender ceiling: those
limits are what bound it. After it, the contract's value covers what it has paid, each deliverable covers its
paid, and the deliverables together fit the value; an increase on an awarded contract commits the difference
against the line as an award does (refused on a hard line without headroom, warned on a warn line), a decrease
releases it.
"""

import datetime as dt
import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func
from sqlmodel import select

from tracker.domain import funding, lookup, rules
from tracker.domain.allocations import open_year
from tracker.domain.audit import AuditAction
from tracker.domain.context import Change, Context
from tracker.domain.errors import InvalidInput
from tracker.domain.fiscal import fiscal_year_of
from tracker.domain.funding import commit_against_line
from tracker.domain.models import (
    BudgetLine,
    Contract,
    ContractStatus,
    Control,
    Deliverable,
    DeliverableStatus,
    id_of,
)
from tracker.domain.money import format_gbp
from tracker.domain.text import clean_text, optional_text

_REMOVABLE = (DeliverableStatus.PENDING, DeliverableStatus.SUBMITTED, DeliverableStatus.REJECTED)

REG_72_LIMITS = (10, 50)
"""Cumulative change from the original value, in per cent, at which a variation is warned: PCR 2015 reg 72's 10 %
(a low-value modification of a services or supplies contract) and 50 % (any modification's cap)."""


def reg_72_limits() -> tuple[int, ...]:
    """The office's own warning limits, TRACKER_REG72_LIMITS (whole per cents, rising: "10,50", "5,10,50"), else
    the regulation's: an office whose standing orders ask for a check sooner says so once, for every officer."""
    text = os.environ.get("TRACKER_REG72_LIMITS", "").strip()
    if not text:
        return REG_72_LIMITS
    parts = [part.strip() for part in text.split(",")]
    limits = tuple(int(part) for part in parts if part.isascii() and part.isdigit() and len(part) <= 3)
    if len(limits) != len(parts) or limits != tuple(sorted(set(limits))) or min(limits) < 1:
        raise InvalidInput(f"TRACKER_REG72_LIMITS is {text[:40]!r}; it must be whole percentages from 1 to 999 in "
                           f"rising order, e.g. 10,50")
    return limits


@dataclass(frozen=True)
class NewDeliverable:
    name: str
    amount_pence: int
    due_on: dt.date


@dataclass(frozen=True)
class Varied:
    reference: str
    number: int
    value_before: int
    value_after: int
    original_value: int
    unallocated_pence: int
    warnings: tuple[str, ...] = field(default=())

    @property
    def label(self) -> str:
        return f"V{self.number}"

    @property
    def cumulative(self) -> str:
        """The change from the original value, e.g. "+10.0 %"."""
        return percent_change(self.original_value, self.value_after)


def percent_change(original: int, now: int) -> str:
    """Signed per cent to one decimal place, rounded half away from zero in integers (no float near money)."""
    tenths, rest = divmod(abs(now - original) * 1000, original)
    tenths += 1 if rest * 2 >= original else 0
    sign = "-" if now < original else "+"
    return f"{sign}{tenths // 10}.{tenths % 10} %"


def variation_terms(details: dict[str, Any]) -> str:
    """What a recorded variation changed, in one wording for the contract's history and its published amendment."""
    parts = []
    if details["value_before"] != details["value_after"]:
        parts.append(f"value {format_gbp(details['value_before'])} -> {format_gbp(details['value_after'])} "
                     f"({details['cumulative_change']} from the original {format_gbp(details['original_value'])})")
    if details["end_before"] != details["end_after"]:
        parts.append(f"end {details['end_before']} -> {details['end_after']}")
    parts += [f"adds #{new['seq']} {new['name']} {format_gbp(new['amount_pence'])} due {new['due_on']}"
              for new in details["added"]]
    parts += [f"#{seq} {format_gbp(before)} -> {format_gbp(after)}"
              for seq, (before, after) in details["amounts"].items()]
    parts += [f"removes #{seq}" for seq in details.get("removed", ())]
    return "; ".join(parts)


def vary_contract(ctx: Context, reference: str, *, decision: str, on: dt.date, rationale: str,
                  value_pence: int | None = None, end_date: dt.date | None = None,
                  add: tuple[NewDeliverable, ...] = (), set_amounts: dict[int, int] | None = None,
                  remove: tuple[int, ...] = (), parts: Mapping[int, str] | None = None) -> Varied:
    """`remove` takes deliverables out of scope: only ones not accepted, so nothing is owed or paid on them.

    `parts` puts deliverables (by seq, new ones too) on lines of later years: a contract funded over several
    years moves each line's commitment by what its part gains or loses, each under its own line's control; a
    deliverable added to such a contract goes to the line of its due date's year."""
    decision = clean_text("decision reference", decision, max_length=80)
    rationale = clean_text("rationale", rationale, max_length=1000)
    set_amounts = dict(set_amounts or {})
    for amount in [*set_amounts.values(), *(new.amount_pence for new in add)]:
        if amount <= 0:
            raise InvalidInput(f"a deliverable's amount must be more than £0.00, not {format_gbp(amount)}")
    if value_pence is not None and value_pence <= 0:
        raise InvalidInput(f"a contract's value must be more than £0.00, not {format_gbp(value_pence)}")
    if value_pence is None and end_date is None and not add and not set_amounts and not remove and not parts:
        raise InvalidInput("a variation must change something: the value, the end date or the deliverables")
    rules.not_in_future("a decision", on, ctx.clock.today())
    limits = reg_72_limits()
    with ctx.change() as change:
        session = change.session
        contract = lookup.contract(session, reference)
        reference = contract.reference
        rules.contract_in(reference, contract.status, (ContractStatus.DRAFT, ContractStatus.AWARDED), "varied")
        rules.in_order(f"a variation decided on {on}", on, "the contract's decision", contract.decision_date)
        line = session.get_one(BudgetLine, contract.budget_line_id)
        items = {item.seq: item for item in funding.items_of(session, contract)}
        in_parts = bool(parts) or funding.several_lines(contract, items.values())
        if not in_parts:
            open_year(session, f"a variation of {reference}", line)
        parts_before = funding.parts(contract, items.values())
        lines_before = {seq: funding.line_of(contract, item) for seq, item in items.items()}
        before = contract.value_pence
        after = before if value_pence is None else value_pence
        original = contract.original_value_pence or before
        rules.value_covers_paid(reference, value=after, paid=contract.paid_pence)
        amounts: dict[str, list[int]] = {}
        for seq, amount in sorted(set_amounts.items()):
            if seq not in items:
                lookup.deliverable(session, reference, seq)
            item = items[seq]
            rules.amount_covers_paid(f"{reference} #{seq}", amount=amount, paid=item.paid_pence)
            if amount != item.amount_pence:
                amounts[str(seq)] = [item.amount_pence, amount]
        removed = []
        for seq in sorted(set(remove)):
            if seq not in items:
                lookup.deliverable(session, reference, seq)
            rules.deliverable_in(f"{reference} #{seq}", items[seq].status, _REMOVABLE, "removed")
            if str(seq) in amounts:
                raise InvalidInput(f"{reference} #{seq} is both removed and given a new amount; choose one")
            removed.append(items.pop(seq))
        planned = sum(amounts.get(str(seq), [0, item.amount_pence])[1] for seq, item in items.items())
        planned += sum(new.amount_pence for new in add)
        rules.deliverables_fit_value(reference, value=after, planned=planned)
        end_before = contract.end_date
        rules.in_order(f"an end on {end_date}", end_date, "the start", contract.start_date)
        number = contract.variations + 1
        warnings = []
        committed_before = line.committed_pence
        moving = after - before if contract.status == ContractStatus.AWARDED and not in_parts else 0
        if moving > 0 and rules.line_can_commit(reference, line.code, allocation=line.allocation_pence,
                                                committed=committed_before, value=moving,
                                                hard=line.control == Control.HARD, doing="varying",
                                                adding="this variation adds"):
            warnings.append(f"warning: {line.code} is now over-committed by "
                            f"{format_gbp(committed_before + moving - line.allocation_pence)}; allowed because "
                            f"the line's control is 'warn'")
        if moving:
            commit_against_line(change, line, moving)
            contract.committed_pence = after
        for key, (_, amount) in amounts.items():
            items[int(key)].amount_pence = amount
            session.add(items[int(key)])
        last_seq = session.exec(select(func.coalesce(func.max(Deliverable.seq), 0))
                                .where(Deliverable.contract_id == contract.id)).one()
        added, new_rows = [], []  # held until the event is recorded: the session keeps flushed rows weakly
        for offset, new in enumerate(add, start=1):
            name = clean_text("deliverable name", new.name, max_length=300)
            new_rows.append(Deliverable(contract_id=id_of(contract), seq=last_seq + offset, name=name,
                                        amount_pence=new.amount_pence, due_on=new.due_on,
                                        budget_line_id=funding.default_line(
                                            session, contract, items.values(),
                                            fiscal_year_of(new.due_on).start_year) if in_parts else None))
            session.add(new_rows[-1])
            added.append({"seq": last_seq + offset, "name": name, "amount_pence": new.amount_pence,
                          "due_on": new.due_on})
        session.flush()
        for item in removed:  # after the new rows have their ids, so that none takes a removed one's in this event
            change.removed(item)
        if after != before and contract.original_value_pence is None:
            contract.original_value_pence = before
        contract.value_pence = after
        moved: list[funding.Moved] = []
        if in_parts:
            now = [*items.values(), *new_rows]
            funding.place(session, contract, now, explicit=parts)
            changed = [*(items[int(seq)] for seq in amounts), *removed, *new_rows]
            touched = {*(lines_before[item.seq] for item in changed if item.seq in lines_before),
                       *(funding.line_of(contract, item) for item in changed)}
            moved, over = _move_parts(change, contract, parts_before, funding.parts(contract, now), touched)
            warnings += over
            if contract.status == ContractStatus.AWARDED:
                contract.committed_pence = after
        contract.end_date = end_date or contract.end_date
        contract.variations = number
        session.add(contract)
        change_text = percent_change(original, after)
        reached = [limit for limit in limits if abs(after - original) * 100 >= limit * original]
        if reached:
            warnings.append(f"warning: {reference} has changed by {change_text} from its original value "
                            f"{format_gbp(original)}, at or past {reached[-1]} %: check it is a permitted "
                            f"modification (PCR 2015 reg 72)")
        details = {"number": number, "decision": decision, "decided_on": on, "rationale": rationale,
                   "value_before": before, "value_after": after, "original_value": original,
                   "cumulative_change": change_text, "end_before": end_before, "end_after": contract.end_date,
                   "added": added, "amounts": amounts, "removed": [item.seq for item in removed],
                   "budget_line": line.code}
        if moving:
            details |= {"line_committed_before": committed_before, "line_committed_after": committed_before + moving}
        if in_parts:
            details |= funding.moved_detail(line, moved)
        change.record(AuditAction.CONTRACT_VARIED, reference, **details)
    return Varied(reference, number, before, after, original, after - planned, tuple(warnings))


def _move_parts(change: Change, contract: Contract, before: Mapping[int, int], after: Mapping[int, int],
                touched: Iterable[int]) -> tuple[list[funding.Moved], list[str]]:
    """Each line the variation moves, and each line whose part has a deliverable it adds, removes or changes the
    amount of (even when that part's total stays), must be of a year still open; then its part is committed or
    freed."""
    moving = {line_id for line_id in {*before, *after} if before.get(line_id, 0) != after.get(line_id, 0)}
    for line_id in sorted({*moving, *touched}):
        open_year(change.session, f"a variation of {contract.reference}", change.session.get_one(BudgetLine, line_id))
    return funding.commit_parts(change, contract.reference, before, after, doing="varying",
                                adding="this variation adds")


@dataclass(frozen=True)
class Reprofiled:
    reference: str
    seq: int
    due_before: dt.date
    due_after: dt.date
    original_due: dt.date


def reprofile_deliverable(ctx: Context, reference: str, seq: int, *, due_on: dt.date, reason: str,
                          decision: str | None = None) -> Reprofiled:
    """Move a deliverable's due date; the first due date is kept, so slippage can be shown."""
    reason = clean_text("reason", reason, max_length=500)
    decision = optional_text("decision reference", decision, max_length=80)
    label = f"{reference} #{seq}"
    with ctx.change() as change:
        contract, item = lookup.deliverable(change.session, reference, seq)
        reference = contract.reference
        rules.deliverables_open(reference, contract.status)
        rules.deliverable_in(label, item.status, (DeliverableStatus.PENDING, DeliverableStatus.SUBMITTED,
                                                  DeliverableStatus.REJECTED), "reprofiled")
        before = item.due_on
        if due_on == before:
            raise InvalidInput(f"nothing to reprofile: {label} is already due on {before}")
        original = item.original_due_on or before
        item.original_due_on = original
        item.due_on = due_on
        change.session.add(item)
        change.record(AuditAction.DELIVERABLE_REPROFILED, reference, seq=seq, reason=reason, decision=decision,
                      due_before=before, due_after=due_on, original_due_on=original)
    return Reprofiled(reference, seq, before, due_on, original)

