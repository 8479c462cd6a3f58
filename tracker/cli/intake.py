"""`tracker intake`: propose a draft contract from a published decision form, and optionally add it."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from tracker.cli import parse
from tracker.cli.output import say
from tracker.cli.state import state

if TYPE_CHECKING:
    from tracker.intake.proposal import Proposal, Reading


class IntakeFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


def register(app: typer.Typer) -> None:
    app.command("intake")(intake)


def intake(
    ctx: typer.Context,
    file: Path = typer.Argument(..., help="The decision form: the published PDF or its text (.txt)."),
    line: str | None = typer.Option(None, "--line", help="Budget line for the draft (default: the one for the "
                                                         "form's fund and year)."),
    apply: bool = typer.Option(False, "--apply", help="Add the draft contract and its deliverables (not awarded)."),
    due: str | None = typer.Option(None, "--due", help="Due date for deliverables the form does not date, "
                                                       "e.g. 31/03/2100."),
    output: IntakeFormat = typer.Option(IntakeFormat.TABLE, "--format", help="table or json."),
) -> None:
    """Read a decision form and propose a draft contract; every field shows its line on the form."""
    from tracker.intake.reading import read_proposal
    from tracker.intake.source import read_form

    source = read_form(file)
    proposal = read_proposal(source.text)
    if output is IntakeFormat.JSON:
        from tracker.intake.shape import proposal_record

        say(json.dumps(proposal_record(proposal), indent=2, ensure_ascii=False))
    else:
        _print_proposal(source.name, proposal)
    if apply:
        from tracker.intake.applying import apply_proposal

        drafted = apply_proposal(state(ctx).context(), proposal, source, line=line, due_on=parse.date(due))
        say(f"added contract {drafted.reference} (draft) on {drafted.budget_line} with "
            f"{drafted.deliverables} deliverable{'' if drafted.deliverables == 1 else 's'}; "
            f"check it, then award it with `tracker contract award`")
        if drafted.left_to_add:
            say(f"the form gives no amounts for {', '.join(drafted.left_to_add)}: add them with "
                f"`tracker deliverable add` once the split is agreed")


_FIELD_COLUMNS = ("Field", 0), ("Value", 0, False, True), ("Line", 3), ("How sure", 1), ("Note", 2, False, True)
_DELIVERABLE_COLUMNS = (("#", 0), ("Name", 1, False, True), ("Amount", 0, True), ("Due", 2), ("Line", 4),
                        ("How sure", 3), ("Note", 5, False, True))
"""(header, priority, money, fold): the columns that go first on a narrow terminal have the larger numbers."""


def _print_proposal(name: str, proposal: Proposal) -> None:
    from tracker.cli.render import Column, console, fitted_table

    out = console()
    fields = [([label, _shown(label, reading), _line(reading), reading.sureness.value, reading.note], "")
              for label, reading in proposal.labelled()]
    out.print(fitted_table(f"Draft contract read from {name}", [Column(*c) for c in _FIELD_COLUMNS], fields, out,
                           boxed=True))
    if proposal.deliverables:
        items = [([str(item.seq), item.name, _shown("value", item.amount), _shown("date", item.due_on),
                   str(item.line), item.amount.sureness.value, item.amount.note], "") for item in proposal.deliverables]
        out.print(fitted_table("Deliverables", [Column(*c) for c in _DELIVERABLE_COLUMNS], items, out, boxed=True))
    missing = proposal.not_stated()
    out.print("Not stated on the form: " + (", ".join(missing) if missing else "nothing") + ".")


def _shown(label: str, reading: Reading[Any]) -> str:
    from tracker.domain.fiscal import format_date
    from tracker.domain.money import format_gbp

    value = reading.value
    if value is None:
        return ""
    if label in {"value", "ceiling"}:
        return format_gbp(value)
    if label in {"decision date", "date"}:
        return format_date(value)
    if label == "financial year":
        return "; ".join(f"{year} {format_gbp(pence)}" if len(value) > 1 else str(year)
                         for year, pence in value.items())
    if label == "duration":
        return f"{value} month{'' if value == 1 else 's'}"
    if label == "related decisions":
        return ", ".join(value) or "none"
    return str(value)


def _line(reading: Reading[Any]) -> str:
    return "" if reading.line is None else str(reading.line)
