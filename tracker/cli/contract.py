"""`tracker contract`: decisions, awards and their lifecycle."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from tracker.cli import parse
from tracker.cli.output import confirm, one_line, warn
from tracker.cli.state import state

if TYPE_CHECKING:
    from tracker.domain.models import ContractStatus

app = typer.Typer(help="Contracts: draft, award (commits the value), close or cancel.", no_args_is_help=True)


@app.command("add")
def add(
    ctx: typer.Context,
    reference: str = typer.Argument(..., help="The decision reference, e.g. 'DMPCD 2015 76'."),
    title: str = typer.Option(..., "--title"),
    supplier: str = typer.Option(..., "--supplier"),
    value: str = typer.Option(..., "--value", help="Contract value, e.g. £149,600."),
    budget_line: str = typer.Option(..., "--budget-line", help="Code of the line that funds it."),
    ceiling: str | None = typer.Option(None, "--ceiling", help="Tender ceiling, if any."),
    decision_date: str | None = typer.Option(None, "--decision-date", help="YYYY-MM-DD"),
    start: str | None = typer.Option(None, "--start", help="YYYY-MM-DD"),
    end: str | None = typer.Option(None, "--end", help="YYYY-MM-DD"),
    individual: bool = typer.Option(False, "--supplier-is-individual",
                                    help="The supplier is a person: published spending shows it redacted."),
    expense_type: str = typer.Option("", "--expense-type", help="For the spend file, e.g. 'Consultancy'."),
    published: bool = typer.Option(False, "--published", help="A copy of the contract is published."),
    vfm_reason: str | None = typer.Option(None, "--vfm-reason", help="Why it is value for money (needed for "
                                                                     "payments under £10,000 if not published)."),
) -> None:
    """Record a contract as a draft (nothing is committed until it is awarded)."""
    from tracker.domain.contracts import add_contract
    from tracker.domain.publication import PublicationDetails

    added = add_contract(
        state(ctx).context(), reference, title=title, supplier=supplier, value_pence=parse.money(value),
        budget_line=budget_line, ceiling_pence=parse.optional_money(ceiling),
        decision_date=parse.date(decision_date), start_date=parse.date(start), end_date=parse.date(end),
        publication=PublicationDetails(individual, expense_type, published, vfm_reason),
    )
    confirm(f"added contract {added.reference} (draft); add its deliverables, then award it",
            recorded=f"contract {added.reference} was added")


@app.command("publication")
def publication(
    ctx: typer.Context,
    reference: str = typer.Argument(...),
    individual: bool = typer.Option(False, "--supplier-is-individual/--supplier-is-organisation",
                                    help="Whether the supplier is a person (redacted in published spending)."),
    expense_type: str = typer.Option("", "--expense-type", help="For the spend file, e.g. 'Consultancy'."),
    published: bool = typer.Option(False, "--published/--not-published", help="A copy of the contract is published."),
    vfm_reason: str | None = typer.Option(None, "--vfm-reason", help="Why it is value for money."),
) -> None:
    """Set how a contract's spending is published (all four details, as given)."""
    from tracker.domain.publication import PublicationDetails, set_publication_details

    set_publication_details(state(ctx).context(), reference,
                            PublicationDetails(individual, expense_type, published, vfm_reason))
    confirm(f"recorded the publication details of {reference}",
            recorded=f"the publication details of {reference} were recorded")


@app.command("award")
def award(
    ctx: typer.Context,
    reference: str = typer.Argument(...),
    on: str | None = typer.Option(None, "--on", help="Award date (default today)."),
    line: list[str] = typer.Option([], "--line", help="A line of a later year that funds the deliverables due in "
                                                      "its year (repeatable)."),
    part: list[str] = typer.Option([], "--part", help="SEQ=LINE: that deliverable's part on that line "
                                                      "(repeatable)."),
    profile: str | None = typer.Option(None, "--profile", help="What each year's part must come to, e.g. "
                                                               "2015/16=62400,2016/17=41600 (or LINE=AMOUNT)."),
) -> None:
    """Award a contract: commits its value against its budget line, or each year's part against its year's line."""
    from tracker.domain.contracts import award_contract
    from tracker.domain.funding import parse_part, parse_profile

    day = parse.date(on)
    awarded = award_contract(state(ctx).context(), reference, on=day, lines=line,
                             parts=dict(parse_part(text) for text in part),
                             profile=None if profile is None else parse_profile(profile))
    for warning in (awarded.warning or "").splitlines():
        warn(warning)
    confirm(f"awarded {awarded.reference}{parse.echoed(on, day)}", recorded=f"contract {awarded.reference} was awarded")


@app.command("close")
def close(
    ctx: typer.Context,
    reference: str = typer.Argument(...),
    on: str | None = typer.Option(None, "--on", help="Close date (default today)."),
) -> None:
    """Close an awarded contract: its unpaid value stops being committed."""
    from tracker.domain.contracts import close_contract

    day = parse.date(on)
    closed = close_contract(state(ctx).context(), reference, on=day).reference
    confirm(f"closed {closed}{parse.echoed(on, day)}", recorded=f"contract {closed} was closed")


@app.command("cancel")
def cancel(
    ctx: typer.Context,
    reference: str = typer.Argument(...),
    reason: str = typer.Option(..., "--reason"),
    on: str | None = typer.Option(None, "--on", help="Date of cancellation (default today)."),
) -> None:
    """Cancel a contract that has had no payments."""
    from tracker.domain.contracts import cancel_contract

    day = parse.date(on)
    cancelled = cancel_contract(state(ctx).context(), reference, reason=reason, on=day).reference
    confirm(f"cancelled {cancelled}{parse.echoed(on, day)}", recorded=f"contract {cancelled} was cancelled")


def _status(text: str) -> ContractStatus:
    """A status as typed, or a refusal naming the valid ones (never a filter that silently matches nothing)."""
    from tracker.domain.errors import InvalidInput
    from tracker.domain.models import ContractStatus

    try:
        return ContractStatus(text.strip().lower())
    except ValueError:
        valid = ", ".join(status.value for status in ContractStatus)
        raise InvalidInput(f"--status {one_line(text)!r} is not a contract status; use one of {valid}") from None


@app.command("list")
def list_contracts(
    ctx: typer.Context,
    fy: str | None = typer.Option(None, "--fy", help="Only contracts on lines of this year, e.g. 2015/16."),
    budget_line: str | None = typer.Option(None, "--budget-line", help="Only this line."),
    status: str | None = typer.Option(None, "--status", help="draft, awarded, closed or cancelled."),
    search: str | None = typer.Option(None, "--search", help="Text in reference, supplier or title."),
    limit: int = typer.Option(200, "--limit", min=1, help="At most this many rows."),
) -> None:
    """List contracts with value, paid and outstanding."""
    from tracker.cli.render import print_contracts
    from tracker.domain.fiscal import parse_fiscal_year
    from tracker.domain.text import optional_text
    from tracker.reports.registers import ContractFilter, contracts
    from tracker.store.session import read_session

    wanted = ContractFilter(fiscal_year=parse_fiscal_year(fy) if fy else None, line_code=budget_line,
                            status=_status(status) if status is not None else None,
                            text=optional_text("search", search))
    with read_session(state(ctx).engine(create=False)) as session:
        rows = contracts(session, wanted, limit=limit + 1)
    print_contracts(rows[:limit], more=len(rows) > limit)


# -- corrections and variations (issue 13) --


@app.command("amend")
def amend(
    ctx: typer.Context,
    reference: str = typer.Argument(...),
    reason: str = typer.Option(..., "--reason", help="Why the record is corrected."),
    title: str | None = typer.Option(None, "--title"),
    supplier: str | None = typer.Option(None, "--supplier"),
    decision_date: str | None = typer.Option(None, "--decision-date", help="YYYY-MM-DD"),
    start: str | None = typer.Option(None, "--start", help="YYYY-MM-DD"),
    end: str | None = typer.Option(None, "--end", help="YYYY-MM-DD"),
    ceiling: str | None = typer.Option(None, "--ceiling", help="Tender ceiling."),
) -> None:
    """Correct a contract's particulars (its value changes only by a variation)."""
    from tracker.domain.corrections import amend_contract

    done = amend_contract(state(ctx).context(), reference, reason=reason, title=title, supplier=supplier,
                          decision_date=parse.date(decision_date), start_date=parse.date(start),
                          end_date=parse.date(end), ceiling_pence=parse.optional_money(ceiling))
    confirm(f"corrected {done.what}: {', '.join(done.fields)}", recorded=f"the correction of {done.what} was recorded")


@app.command("rename")
def rename(
    ctx: typer.Context,
    old: str = typer.Argument(..., help="The reference as it was typed."),
    new: str = typer.Argument(..., help="The reference it should be."),
    reason: str = typer.Option(..., "--reason"),
) -> None:
    """Correct a mistyped reference (only while nothing has been paid on the contract). References are the same
    whatever their case, so `c1` can be renamed `C1`; it runs on a store that holds two references differing only in
    case, which the store's upgrade refuses until one is renamed."""
    from tracker.domain.corrections import rename_contract
    from tracker.domain.schema import ANY_CASE

    done = rename_contract(state(ctx).context(upto=ANY_CASE - 1), old, new, reason=reason)
    confirm(f"renamed {old} to {done.what}", recorded=f"contract {old} was renamed {done.what}")


@app.command("reopen")
def reopen(
    ctx: typer.Context,
    reference: str = typer.Argument(...),
    reason: str = typer.Option(..., "--reason"),
) -> None:
    """Undo a close: what it released is committed again, checked against the line as an award is."""
    from tracker.domain.corrections import reopen_contract

    done = reopen_contract(state(ctx).context(), reference, reason=reason)
    if done.warning:
        warn(done.warning)
    confirm(f"reopened {done.what}; it is awarded again", recorded=f"contract {done.what} was reopened")


@app.command("vary")
def vary(
    ctx: typer.Context,
    reference: str = typer.Argument(...),
    decision: str = typer.Option(..., "--decision", help="The decision that varies it, e.g. 'PCD 1505'."),
    on: str = typer.Option(..., "--on", help="Date of that decision."),
    rationale: str = typer.Option(..., "--rationale", help="Why the contract changes."),
    value: str | None = typer.Option(None, "--value", help="The new contract value."),
    end: str | None = typer.Option(None, "--end", help="The new end date."),
    add: list[str] = typer.Option([], "--add-deliverable", help='"name;amount;due" (repeatable).'),
    set_amount: list[str] = typer.Option([], "--set-amount", help="SEQ=AMOUNT (repeatable)."),
    remove: list[int] = typer.Option([], "--remove", help="SEQ of a deliverable not yet accepted (repeatable)."),
    part: list[str] = typer.Option([], "--part", help="SEQ=LINE: move that deliverable's part to that line "
                                                      "(repeatable)."),
) -> None:
    """Record a numbered variation (V1, V2 ...): value, end date, deliverables or their lines, under its own
    decision."""
    from tracker.domain.funding import parse_part
    from tracker.domain.money import format_gbp
    from tracker.domain.variations import NewDeliverable, vary_contract

    varied = vary_contract(
        state(ctx).context(), reference, decision=decision, on=parse.required_date(on), rationale=rationale,
        value_pence=parse.optional_money(value), end_date=parse.date(end),
        add=tuple(NewDeliverable(*parse.new_deliverable(text)) for text in add),
        set_amounts=dict(parse.seq_amount(text) for text in set_amount), remove=tuple(remove),
        parts=dict(parse_part(text) for text in part))
    for warning in varied.warnings:
        warn(warning)
    unallocated = f"; {format_gbp(varied.unallocated_pence)} not allocated to deliverables" \
        if varied.unallocated_pence else ""
    confirm(f"{varied.label} of {varied.reference}: value {format_gbp(varied.value_before)} -> "
            f"{format_gbp(varied.value_after)}, {varied.cumulative} from the original "
            f"{format_gbp(varied.original_value)}{unallocated}",
            recorded=f"variation {varied.label} of {varied.reference} was recorded")
