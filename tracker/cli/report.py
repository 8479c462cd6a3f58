"""`tracker report`: the budget report, a contract's statement and what is overdue."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from tracker.cli import parse
from tracker.cli.state import state

if TYPE_CHECKING:
    from tracker.reports.budget import BudgetReport, BudgetRow, LineContracts, PeriodProfile
    from tracker.reports.year_end import ClosedYear

app = typer.Typer(help="Reports: budget position, contract statements, overdue deliverables.", no_args_is_help=True)

_BY = ("line", "contract", "period")
_FORMATS = ("table", "csv", "json")
_AMOUNTS = ("allocation", "committed", "paid", "outstanding", "accepted_unpaid", "headroom")


@app.command("budget")
def budget(
    ctx: typer.Context,
    fy: str | None = typer.Option(None, "--fy", help="Only this financial year, e.g. 2015/16 (default: all)."),
    as_of: str | None = typer.Option(None, "--as-of", help="Figures as they stood at the end of this day "
                                                           "(YYYY-MM-DD, today, yesterday)."),
    line: str | None = typer.Option(None, "--line", help="Only this budget line code."),
    by: str = typer.Option("line", "--by", help="line, contract or period (cash flow P1..P12)."),
    output: str = typer.Option("table", "--format", help="table, csv or json."),
) -> None:
    """Allocation, committed, paid, outstanding, owed now and headroom per budget line."""
    from tracker.domain.errors import InvalidInput
    from tracker.domain.fiscal import fiscal_year_of, parse_fiscal_year, system_clock
    from tracker.reports import budget as reports
    from tracker.reports.year_end import closed_years
    from tracker.store.session import read_session

    if by not in _BY:
        raise InvalidInput(f"--by {by!r} is not one of {', '.join(_BY)}")
    if output not in _FORMATS:
        raise InvalidInput(f"--format {output!r} is not one of {', '.join(_FORMATS)}")
    year = parse_fiscal_year(fy) if fy else None
    day = parse.date(as_of)
    with read_session(state(ctx).engine(create=False)) as session:
        if by == "period":
            today = system_clock().today()
            chosen = year or fiscal_year_of(day or today)
            _show_profile(reports.period_profile(session, year=chosen, today=today, as_of=day, line_code=line), output)
            return
        report = reports.budget_report(session, year=year, as_of=day, line_code=line)
        groups = reports.budget_by_contract(session, year=year, as_of=day, line_code=line) if by == "contract" else None
        closed = closed_years(session, sorted({parse_fiscal_year(row.fiscal_year) for row in report.lines}))
    _show_budget(report, groups, output, closed)


def _line_fields(row: BudgetRow) -> dict[str, Any]:
    fields: dict[str, Any] = {"code": row.code, "name": row.name, "fund": row.fund, "fiscal_year": row.fiscal_year}
    fields.update({f"{name}_pence": getattr(row, f"{name}_pence") for name in _AMOUNTS})
    fields["standing"] = row.standing
    return fields


def _show_budget(report: BudgetReport, groups: tuple[LineContracts, ...] | None, output: str,
                 closed: tuple[ClosedYear, ...] = ()) -> None:
    """JSON and CSV go straight to stdout; only the table needs rich (and its import time)."""
    if output == "table":
        from tracker.cli.render import print_budget_by_contract, print_budget_report, print_closed_years

        if groups is None:
            print_budget_report(report)
        else:
            print_budget_by_contract(report, groups)
        print_closed_years(closed)
        return
    if output == "json":
        lines = [_line_fields(r) for r in report.lines]
        if groups is not None:
            for fields, group in zip(lines, groups, strict=True):
                fields["contracts"] = [
                    {"reference": c.reference, "supplier": c.supplier, "title": c.title, "status": c.status,
                     "value_pence": c.value_pence, "committed_pence": c.committed_pence, "paid_pence": c.paid_pence,
                     "outstanding_pence": c.outstanding_pence, "accepted_unpaid_pence": c.accepted_unpaid_pence}
                    for c in group.contracts]
        document = {"as_of": report.as_of.isoformat() if report.as_of else None, "fiscal_year": report.year,
                    "lines": lines, "funds": [_line_fields(r) for r in report.funds],
                    "total": _line_fields(report.total)}
        if closed:
            document["closed_years"] = [
                {"fiscal_year": c.year, "closed_on": c.closed_on.isoformat(),
                 "settle_until": c.settle_until.isoformat(), "decision": c.decision,
                 "lines": [{"code": u.line_code, "paid_by_year_end_pence": u.paid_pence,
                            "accrued_pence": u.accrued_pence, "outturn_pence": u.outturn_pence} for u in c.lines]}
                for c in closed]
        sys.stdout.write(json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        return
    _budget_csv(report, groups)


def _budget_csv(report: BudgetReport, groups: tuple[LineContracts, ...] | None) -> None:
    """Text cells are made inert for spreadsheets (a line named "=SUM(…)" stays text); amounts stay numbers."""
    from tracker.domain.money import format_pounds
    from tracker.exports.cells import spreadsheet_safe as safe

    writer = csv.writer(sys.stdout, lineterminator="\n")
    head = ["kind", "code", "name", "fund", "fiscal_year"]
    if groups is not None:
        head += ["reference", "supplier", "status"]
    writer.writerow([*head, *_AMOUNTS, "standing"])
    rows = [*report.lines, *report.funds, report.total]
    by_code = {g.line.code: g.contracts for g in groups or ()}
    for row in rows:
        extra = ["", "", ""] if groups is not None else []
        writer.writerow([row.kind, safe(row.code), safe(row.name), safe(row.fund), row.fiscal_year, *extra,
                         *(format_pounds(getattr(row, f"{name}_pence")) for name in _AMOUNTS), row.standing])
        for c in by_code.get(row.code, ()) if row.kind == "line" else ():
            writer.writerow(["contract", safe(row.code), safe(c.title), safe(row.fund), row.fiscal_year,
                             safe(c.reference), safe(c.supplier),
                             c.status, "", format_pounds(c.committed_pence), format_pounds(c.paid_pence),
                             format_pounds(c.outstanding_pence), format_pounds(c.accepted_unpaid_pence), "", ""])


def _show_profile(profile: PeriodProfile, output: str) -> None:
    from tracker.domain.money import format_pounds

    if output == "table":
        from tracker.cli.render import print_period_profile

        print_period_profile(profile)
    elif output == "json":
        document = {"fiscal_year": profile.year, "as_of": profile.as_of.isoformat() if profile.as_of else None,
                    "periods": [{"period": p.period, "name": p.name, "paid_pence": p.paid_pence,
                                 "forecast_pence": p.forecast_pence} for p in profile.periods],
                    "adjustments_pence": profile.adjustments_pence,
                    "later_pence": profile.later_pence, "unscheduled_pence": profile.unscheduled_pence,
                    "outstanding_pence": profile.outstanding_pence}
        sys.stdout.write(json.dumps(document, indent=2) + "\n")
    else:
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["period", "name", "paid", "forecast"])
        writer.writerows([p.period, p.name, format_pounds(p.paid_pence), format_pounds(p.forecast_pence)]
                         for p in profile.periods)
        if profile.adjustments_pence:
            writer.writerow([13, "Adjustments", format_pounds(profile.adjustments_pence), format_pounds(0)])


@app.command("contract")
def contract(
    ctx: typer.Context,
    reference: str = typer.Argument(..., help="e.g. 'DMPCD 2015 76'."),
    output: str = typer.Option("table", "--format", help="table, or pdf to write a printable statement."),
    out: Path | None = typer.Option(None, "--out", help="The PDF file (default: statement-REFERENCE.pdf in the "
                                                        "export folder)."),
) -> None:
    """A statement of one contract: deliverables, acceptance, payments, unpaid balance, audit history."""
    from tracker.cli.render import print_history, print_statement
    from tracker.domain.errors import InvalidInput
    from tracker.reports.audit_log import contract_history
    from tracker.reports.registers import contract_statement
    from tracker.store.session import read_session

    if output not in ("table", "pdf"):
        raise InvalidInput(f"--format {output!r} is not one of table, pdf")
    with read_session(state(ctx).engine(create=False)) as session:
        statement = contract_statement(session, reference)
        history = contract_history(session, statement.reference)
    if output == "pdf":
        _write_pdf(statement, history, out)
        return
    print_statement(statement)
    print_history(history)


def _write_pdf(statement: Any, history: Any, out: Path | None) -> None:
    """Written under a temporary name and renamed into place, like every export."""
    from tracker.cli.output import confirm
    from tracker.cli.paths import default_export_dir
    from tracker.exports.files import prepare_directory
    from tracker.exports.statement_pdf import publish_statement, statement_name

    target = out if out is not None else default_export_dir() / statement_name(statement.reference)
    folder = prepare_directory(target.parent)
    publish_statement(folder / target.name, statement, history)
    confirm(f"wrote the statement of {statement.reference} to {folder / target.name}",
            recorded=f"the statement was written to {folder}")


@app.command("overdue")
def overdue(
    ctx: typer.Context,
    as_of: str | None = typer.Option(None, "--as-of", help="As it stood at the end of this day (default today)."),
) -> None:
    """Deliverables past due and not accepted; accepted deliverables unpaid for more than 30 days."""
    from tracker.cli.render import print_overdue
    from tracker.domain.fiscal import system_clock
    from tracker.reports.overdue import overdue as find_overdue
    from tracker.store.session import read_session

    day: dt.date = parse.date(as_of) or system_clock().today()
    with read_session(state(ctx).engine(create=False)) as session:
        found = find_overdue(session, day)
    print_overdue(found)
