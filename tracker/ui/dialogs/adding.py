"""The forms that put something in the store from the desk: a budget line, a contract with its deliverables, a
deliverable, a folder to import.

Each hands what is typed to the same domain command as the command line (`budget add`, `contract add` with
`deliverable add`, `import`), so the same rules refuse in the same words; the dialog shows the refusal and records
nothing.
"""

from __future__ import annotations

from pathlib import Path

from tracker.domain import lookup, rules
from tracker.domain.audit import AuditAction
from tracker.domain.budget import LineAdded, add_budget_line, parse_control
from tracker.domain.context import Context
from tracker.domain.deliverables import DeliverableChanged, add_deliverable
from tracker.domain.fiscal import fiscal_year_of, parse_date, parse_fiscal_year
from tracker.domain.importing import ImportSummary, import_folder
from tracker.domain.models import Control
from tracker.domain.money import format_gbp, parse_money
from tracker.domain.publication import PublicationDetails
from tracker.intake.applying import Draft, Drafted, add_draft
from tracker.store.session import read_session
from tracker.ui.dialogs.action import ActionSpec, Field, Values
from tracker.ui.dialogs.typed import REQUIRED, date_or_none, day_or, deliverable, gbp_or, money_or_none, yes_or_no
from tracker.ui.widgets.progress_line import ProgressLine

CONTROLS = {Control.HARD: "hard: a commitment past the allocation is refused",
            Control.WARN: "warn: a commitment past the allocation is allowed with a warning"}


def recorded_by(ctx: Context) -> str:
    actor = ctx.actor
    return actor.claimed if actor.claimed == actor.login else f"{actor.claimed} (login {actor.login})"


def budget_line_form(ctx: Context) -> ActionSpec[LineAdded]:
    year = fiscal_year_of(ctx.clock.today())

    def describe(values: Values) -> list[tuple[str, str]]:
        fy = parse_fiscal_year(values["fy"])
        control = parse_control(values["control"])
        return [("Event", AuditAction.BUDGET_LINE_ADDED), ("Code", values["code"].strip() or REQUIRED),
                ("Name", values["name"].strip() or REQUIRED),
                ("Financial year", f"{fy.label} (1 April {fy.start_year} to 31 March {fy.start_year + 1})"),
                ("Allocation", gbp_or(money_or_none(values["allocation"], allow_zero=True))),
                ("Fund", values["fund"].strip() or "(none)"), ("Funder", values["funder"].strip() or "(none)"),
                ("Control", CONTROLS[control]), ("Recorded by", recorded_by(ctx))]

    return ActionSpec(
        title="Add a budget line", confirm="Add budget line",
        fields=(Field("code", "Code", placeholder="unique, e.g. VG-1516"),
                Field("name", "Name", placeholder="e.g. Victims Grant 2015/16"),
                Field("fy", "Financial year", default=year.label),
                Field("allocation", "Allocation (£)", placeholder="e.g. 200,000"),
                Field("fund", "Fund", placeholder="e.g. Victims Grant"),
                Field("funder", "Funder", placeholder="e.g. Ministry of Justice"),
                Field("control", "Control (hard/warn)", default=Control.HARD.value)),
        describe=describe,
        perform=lambda values: add_budget_line(
            ctx, values["code"], name=values["name"], fiscal_year=parse_fiscal_year(values["fy"]),
            allocation_pence=parse_money(values["allocation"], allow_zero=True), fund=values["fund"],
            funder=values["funder"], control=parse_control(values["control"])))


def contract_form(ctx: Context, line: str = "") -> ActionSpec[Drafted]:
    """A draft contract and as many deliverables as are typed: each filled row offers the next."""
    today = ctx.clock.today()

    def draft(values: Values) -> Draft:
        return Draft(values["reference"], values["title"], values["supplier"], parse_money(values["value"]),
                     values["line"].strip(), money_or_none(values["ceiling"]),
                     date_or_none(values["decision_date"], today), date_or_none(values["start"], today),
                     date_or_none(values["end"], today),
                     tuple(deliverable(text, seq, today) for seq, text in _filled(values)), publication(values))

    def publication(values: Values) -> PublicationDetails:
        return PublicationDetails(yes_or_no("supplier is a person", values["individual"]), values["expense_type"],
                                  yes_or_no("contract published", values["published"]),
                                  values["vfm_reason"].strip() or None)

    def describe(values: Values) -> list[tuple[str, str]]:
        value = money_or_none(values["value"])
        lines = [("Event", f"{AuditAction.CONTRACT_ADDED} (a draft: commits nothing until awarded)"),
                 ("Reference", values["reference"].strip() or REQUIRED), ("Title", values["title"].strip() or REQUIRED),
                 ("Supplier", values["supplier"].strip() or REQUIRED), ("Value", gbp_or(value)),
                 ("Tender ceiling", gbp_or(money_or_none(values["ceiling"]), "(none)")),
                 ("Budget line", values["line"].strip() or REQUIRED),
                 ("Decision date", day_or(date_or_none(values["decision_date"], today), "(none)")),
                 ("Starts", day_or(date_or_none(values["start"], today), "(none)")),
                 ("Ends", day_or(date_or_none(values["end"], today), "(none)"))]
        details = publication(values)
        lines += [("Expense type", details.expense_type.strip() or "(none)"),
                  ("Supplier is", "a person: published spending shows it redacted" if details.supplier_is_individual
                   else "an organisation"),
                  ("Contract", "published" if details.published else "not published"),
                  ("Value for money", details.value_for_money_reason or "(none)")]
        planned = 0
        for seq, text in _filled(values):
            name, amount, due = deliverable(text, seq, today)
            planned += amount
            lines.append((f"#{seq}", f"{name}: {format_gbp(amount)} due {day_or(due)}"))
        if value is not None:
            lines.append(("Deliverables", f"{format_gbp(planned)} of {format_gbp(value)}"
                                          + (f", {format_gbp(value - planned)} not yet split" if planned < value
                                             else "")))
        return [*lines, ("Recorded by", recorded_by(ctx))]

    def check(values: Values) -> None:
        code = values["line"].strip()
        if code:
            with read_session(ctx.engine) as session:
                lookup.budget_line(session, code)

    return ActionSpec(
        title="Add a contract (draft)", confirm="Add draft contract",
        fields=(Field("reference", "Decision reference", placeholder="e.g. DMPCD 2015 76"),
                Field("title", "Title"), Field("supplier", "Supplier"),
                Field("value", "Value (£)", placeholder="e.g. 149,600"),
                Field("line", "Budget line", default=line, placeholder="the code of the line that funds it"),
                Field("ceiling", "Tender ceiling (£)", placeholder="if any"),
                Field("decision_date", "Decision date", placeholder="e.g. 2015-06-30 or 30/06/2015"),
                Field("start", "Starts"), Field("end", "Ends"),
                Field("expense_type", "Expense type", placeholder="for the spend file, e.g. Consultancy"),
                Field("individual", "Supplier is a person", default="n", placeholder="y or n"),
                Field("published", "Contract published", default="n", placeholder="y or n"),
                Field("vfm_reason", "Value for money",
                      placeholder="spending under £10,000 on an unpublished contract"),
                _deliverable_field(1)),
        describe=describe, check=check, more=lambda n: _deliverable_field(n + 1),
        perform=lambda values: add_draft(ctx, draft(values)))


def _deliverable_field(seq: int) -> Field:
    return Field(f"deliverable{seq}", f"#{seq} name; £; due", placeholder="e.g. Mapping exercise; 44880; 2015-08-31")


def _filled(values: Values) -> list[tuple[int, str]]:
    """The deliverable rows filled in, in order, numbered as they will be recorded (a row left blank is skipped)."""
    rows = sorted((int(name.removeprefix("deliverable")), text) for name, text in values.items()
                  if name.startswith("deliverable") and text.strip())
    return [(seq, text) for seq, (_, text) in enumerate(rows, start=1)]


def deliverable_form(ctx: Context, reference: str, *, status: str, value_pence: int, planned_pence: int,
                     seq: int) -> ActionSpec[DeliverableChanged]:
    """A deliverable for a contract as the screen last read it: its value and what its deliverables total."""
    today = ctx.clock.today()

    def describe(values: Values) -> list[tuple[str, str]]:
        amount = money_or_none(values["amount"])
        after = planned_pence + (amount or 0)
        return [("Event", AuditAction.DELIVERABLE_ADDED), ("Contract", f"{reference} ({status})"),
                ("Deliverable", f"#{seq} {values['name'].strip() or REQUIRED}"), ("Amount", gbp_or(amount)),
                ("Due", day_or(date_or_none(values["due"], today))),
                ("Deliverables", f"{format_gbp(planned_pence)} → {format_gbp(after)} of {format_gbp(value_pence)}"),
                ("Recorded by", recorded_by(ctx))]

    def check(values: Values) -> None:
        rules.deliverables_open(reference, status)
        amount = money_or_none(values["amount"])
        if amount is not None:
            rules.deliverables_within_value(reference, value=value_pence, planned=planned_pence, amount=amount)

    return ActionSpec(
        title=f"Add a deliverable to {reference}", confirm="Add deliverable",
        fields=(Field("name", "Name", placeholder="e.g. Mapping exercise"),
                Field("amount", "Amount (£)", placeholder="what it pays, e.g. 44,880"),
                Field("due", "Due", placeholder="e.g. 2015-08-31, 31/08/2015 or 31 August 2015")),
        describe=describe, check=check,
        perform=lambda values: add_deliverable(ctx, reference, name=values["name"],
                                               amount_pence=parse_money(values["amount"]),
                                               due_on=parse_date(values["due"], today=today)))


def import_form(ctx: Context) -> ActionSpec[ImportSummary]:
    """A folder of CSV files (or a workbook) imported whole or not at all; its progress shows as it goes."""
    progress = ProgressLine()
    return ActionSpec(
        title="Import a folder", confirm="Import",
        fields=(Field("path", "Folder or workbook", placeholder="holding budget_lines.csv, contracts.csv, "
                                                                  "deliverables.csv, payments.csv"),),
        describe=lambda values: [("Event", AuditAction.IMPORT), ("Reads", values["path"].strip() or REQUIRED),
                                 ("Records", "every row of every file in one change, or nothing if any is refused"),
                                 ("Recorded by", recorded_by(ctx))],
        perform=lambda values: import_folder(ctx, Path(values["path"].strip()).expanduser(), progress=progress),
        progress=progress, stopped="Import stopped before it was committed: nothing was imported")
