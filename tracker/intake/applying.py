"""Making the proposed draft real through the ordinary domain commands, so every rule applies as usual.

Everything the commands need is checked first (a line, due dates, the total), so that a form
that cannot become a whole draft creates nothing. A form that names its products but not
their split gives a draft without deliverables, and says which are left to add. Nothing is
awarded here.
"""

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import col, select

from tracker.domain import rules
from tracker.domain.context import Context
from tracker.domain.contracts import add_contract
from tracker.domain.deliverables import add_deliverable
from tracker.domain.errors import InvalidInput, PartlyDone, TrackerError
from tracker.domain.fiscal import FiscalYear
from tracker.domain.models import BudgetLine
from tracker.domain.publication import PublicationDetails
from tracker.intake.proposal import Proposal, fiscal_year_of_decision
from tracker.intake.source import FormSource
from tracker.store.engine import byte_order
from tracker.store.session import read_session


class PartlyDrafted(PartlyDone):
    """The draft was committed but a deliverable was not: the message says what is in the store."""


@dataclass(frozen=True)
class Drafted:
    reference: str
    budget_line: str
    deliverables: int
    value_pence: int
    left_to_add: tuple[str, ...] = ()
    """Deliverables the form names without an amount: the officer adds them once the split is agreed."""


def apply_proposal(ctx: Context, proposal: Proposal, source: FormSource, *, line: str | None = None,
                   due_on: dt.date | None = None) -> Drafted:
    """Add the draft contract, then its deliverables in the form's order."""
    reference, title, supplier, value = _required(proposal)
    deliverables = _deliverables(proposal, due_on)
    code = line or _matching_line(ctx, proposal)
    drafted = add_draft(ctx, Draft(reference, title, supplier, value, code, proposal.ceiling.value,
                                   proposal.decision_date.value, deliverables=tuple(deliverables)),
                        source={"file": source.name, "sha256": source.sha256})
    unpriced = tuple(item.name for item in proposal.deliverables if item.amount.value is None)
    return Drafted(reference, code, drafted.deliverables, value, unpriced)


@dataclass(frozen=True)
class Draft:
    """A contract as the officer types it in: what `contract add` and `deliverable add` take, in one go."""

    reference: str
    title: str
    supplier: str
    value_pence: int
    line: str
    ceiling_pence: int | None = None
    decision_date: dt.date | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    deliverables: tuple[tuple[str, int, dt.date], ...] = ()
    publication: PublicationDetails | None = None


def add_draft(ctx: Context, draft: Draft, *, source: dict[str, str] | None = None) -> Drafted:
    """The draft contract, then its deliverables in order; their total is checked against the value first, so a
    split that cannot fit adds nothing."""
    planned = 0
    for _, amount, _ in draft.deliverables:
        rules.deliverables_within_value(draft.reference, value=draft.value_pence, planned=planned, amount=amount)
        planned += amount
    add_contract(ctx, draft.reference, title=draft.title, supplier=draft.supplier, value_pence=draft.value_pence,
                 budget_line=draft.line, ceiling_pence=draft.ceiling_pence, decision_date=draft.decision_date,
                 start_date=draft.start_date, end_date=draft.end_date, publication=draft.publication, source=source)
    for done, (name, amount, due) in enumerate(draft.deliverables):
        try:
            add_deliverable(ctx, draft.reference, name=name, amount_pence=amount, due_on=due)
        except TrackerError as error:
            raise PartlyDrafted(f"added contract {draft.reference} (draft) on {draft.line} with {done} of "
                                f"{len(draft.deliverables)} deliverables; deliverable {done + 1} was not added: "
                                f"{error.message}") from None
    return Drafted(draft.reference, draft.line, len(draft.deliverables), draft.value_pence)


def _required(proposal: Proposal) -> tuple[str, str, str, int]:
    reference, title = proposal.reference.value, proposal.title.value
    supplier, value = proposal.supplier.value, proposal.value.value
    if reference is None or title is None or supplier is None or value is None:
        fields = {"reference": reference, "title": title, "supplier": supplier, "value": value}
        missing = [name for name, found in fields.items() if found is None]
        raise InvalidInput(f"the form does not state the contract's {', '.join(missing)}; "
                           f"no draft can be made from it")
    return reference, title, supplier, value


def _deliverables(proposal: Proposal, due_on: dt.date | None) -> list[tuple[str, int, dt.date]]:
    """The deliverables the form prices; a form that names products without their split adds none."""
    if any(item.amount.value is None for item in proposal.deliverables):
        return []
    undated = [str(item.seq) for item in proposal.deliverables if item.due_on.value is None]
    if undated and due_on is None:
        raise InvalidInput(f"the form gives no due date for {_numbered(undated)}; "
                           f"give one date for them with --due")
    planned = []
    for item in proposal.deliverables:
        due = item.due_on.value or due_on
        if item.amount.value is not None and due is not None:
            planned.append((item.name, item.amount.value, due))
    return planned


def _numbered(seqs: list[str]) -> str:
    return f"deliverable{'s' if len(seqs) > 1 else ''} {', '.join(seqs)}"


def _matching_line(ctx: Context, proposal: Proposal) -> str:
    """The one budget line for the form's fund in the year the value starts in."""
    year = fiscal_year_of_decision(proposal)
    fund = proposal.fund.value
    if year is None or fund is None:
        raise InvalidInput("the form states no fund and year to find a budget line by; name the line with --line")
    codes = _lines_for(ctx, fund, year)
    if not codes:
        raise InvalidInput(f"no budget line of {year} is for the {fund}; name the line with --line")
    if len(codes) > 1:
        raise InvalidInput(f"{len(codes)} budget lines of {year} are for the {fund}: {', '.join(codes)}; "
                           f"choose one with --line")
    return codes[0]


def suggested_line(ctx: Context, proposal: Proposal) -> str | None:
    """The budget line `apply_proposal` would choose, or None when the officer must name one."""
    try:
        return _matching_line(ctx, proposal)
    except InvalidInput:
        return None


def _lines_for(ctx: Context, fund: str, year: FiscalYear) -> list[str]:
    with read_session(ctx.engine) as session:
        return list(session.exec(
            select(BudgetLine.code)
            .where(func.lower(col(BudgetLine.fund)) == fund.lower(), BudgetLine.fiscal_year == year.start_year)
            .order_by(byte_order(col(BudgetLine.code)))
        ).all())
