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
    fy: str | None = typer.Option(None, "--fy", help="This financial year, e.g. 2015/16, or all for every year "
                                                     "(default: the current year, or the --line's own year)."),
    as_of: str | None = typer.Option(None, "--as-of", help="Figures as they stood at the end of this day "
                                                           "(YYYY-MM-DD, today, yesterday)."),
    line: str | None = typer.Option(None, "--line", help="Only this budget line code."),
    by: str = typer.Option("line", "--by", help="line, contract or period (cash flow P1..P12)."),
    output: str = typer.Option("table", "--format", help="table, csv or json."),
) -> None:
    """Allocation, committed, paid, outstanding, owed now and headroom per budget line."""
    from tracker.domain.errors import InvalidInput
    from tracker.domain.fiscal import FiscalYear, fiscal_year_of, parse_fiscal_year, system_clock
    from tracker.reports import budget as reports
    from tracker.reports.year_end import closed_years
    from tracker.store.session import read_session

    if by not in _BY:
        raise InvalidInput(f"--by {by!r} is not one of {', '.join(_BY)}")
    if output not in _FORMATS:
        raise InvalidInput(f"--format {output!r} is not one of {', '.join(_FORMATS)}")
    every_year = fy is not None and fy.strip().lower() == reports.ALL_YEARS
    if every_year and by == "period":
        raise InvalidInput("--by period shows one financial year; name it with --fy, e.g. --fy 2015/16")
    day = parse.date(as_of)
    today = system_clock().today()
    why = ""
    with read_session(state(ctx).engine(create=False)) as session:
        if every_year:
            year: FiscalYear | None = None
        elif fy is not None:
            year = parse_fiscal_year(fy)
        elif line is not None:
            year, why = reports.year_of_line(session, line), f"{line}'s year"
        else:
            year = fiscal_year_of(day or today)
            why = "the year of the as-of day" if day else "the current financial year"
        if by == "period" and year is not None:  # never None here: --fy all was refused above
            _show_profile(reports.period_profile(session, year=year, today=today, as_of=day, line_code=line), output)
            return
        report = reports.budget_report(session, year=year, as_of=day, line_code=line)
        groups = reports.budget_by_contract(session, year=year, as_of=day, line_code=line) if by == "contract" else None
        closed = closed_years(session, sorted({parse_fiscal_year(row.fiscal_year) for row in report.lines}))
    _show_budget(report, groups, output, why, closed)


def _line_fields(row: BudgetRow) -> dict[str, Any]:
    fields: dict[str, Any] = {"code": row.code, "name": row.name, "fund": row.fund, "fiscal_year": row.fiscal_year}
    fields.update({f"{name}_pence": getattr(row, f"{name}_pence") for name in _AMOUNTS})
    fields["standing"] = row.standing
    return fields


def _show_budget(report: BudgetReport, groups: tuple[LineContracts, ...] | None, output: str, why: str = "",
                 closed: tuple[ClosedYear, ...] = ()) -> None:
    """JSON and CSV go straight to stdout; only the table needs rich (and its import time).

    `why` says why this year is shown when no --fy named it ("the current financial year").
    """
    if output == "table":
        from tracker.cli.render import print_budget_by_contract, print_budget_report, print_closed_years

        if groups is None:
            print_budget_report(report, why)
        else:
            print_budget_by_contract(report, groups, why)
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
        document = {"as_of": report.as_of.isoformat() if report.as_of else None,
                    "fiscal_year": report.total.fiscal_year, "lines": lines,
                    "funds": [_line_fields(r) for r in report.funds],
                    **({} if report.year else {"years": [_line_fields(r) for r in report.years]}),
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
    rows = report.rows()
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


# -- prompt payment (issue 14) ---------------------------------------------------------------------------------

_REGIMES = ("pcr2015", "pa2023")


@app.command("prompt-payment")
def prompt_payment(
    ctx: typer.Context,
    start: str = typer.Option(..., "--from", help="First day of the period."),
    end: str = typer.Option(..., "--to", help="Last day of the period."),
    regime: str = typer.Option("pcr2015", "--regime", help="pcr2015 (reg 113(7), yearly) or pa2023 (reg 38, "
                                                           "six-monthly)."),
    output: str = typer.Option("table", "--format", help="table, csv or json."),
) -> None:
    """How promptly invoices were paid: the PCR 2015 reg 113(7) or the Procurement Regulations 2024 reg 38 layout."""
    from tracker.domain.errors import InvalidInput
    from tracker.domain.fiscal import parse_date
    from tracker.domain.money import format_pounds
    from tracker.reports.prompt_payment import reg_38, reg_113
    from tracker.store.session import read_session

    if regime not in _REGIMES:
        raise InvalidInput(f"--regime {regime!r} is not one of {', '.join(_REGIMES)}")
    if output not in _FORMATS:
        raise InvalidInput(f"--format {output!r} is not one of {', '.join(_FORMATS)}")
    first, last = parse_date(start), parse_date(end)
    if last < first:
        raise InvalidInput(f"--to {last} is before --from {first}")
    with read_session(state(ctx).engine(create=False)) as session:
        found = reg_113(session, first, last) if regime == "pcr2015" else reg_38(session, first, last)
    rows = _prompt_rows(found)
    if output == "json":
        sys.stdout.write(json.dumps({"regime": regime, "from": first.isoformat(), "to": last.isoformat(),
                                     **{key: value for key, _label, value in rows}}, indent=2) + "\n")
        return
    if output == "csv":
        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(["measure", "value"])
        writer.writerows([key, format_pounds(value) if key.endswith("_pence") else ("" if value is None else value)]
                         for key, _label, value in rows)
        return
    from tracker.cli.render import print_prompt_payment

    title = ("Prompt payment, PCR 2015 reg 113(7)" if regime == "pcr2015"
             else "Prompt payment, Procurement Regulations 2024 reg 38")
    print_prompt_payment(f"{title}: {first} to {last}", [(label, value, key) for key, label, value in rows])


def _prompt_rows(found: Any) -> list[tuple[str, str, Any]]:
    """(machine key, label, value) in the layout's order; pence keys end in _pence, shares in _permille."""
    from tracker.reports.prompt_payment import Reg113

    if isinstance(found, Reg113):
        return [("invoices_paid", "Invoices paid", found.invoices_paid),
                ("paid_within_30_days", "Paid within 30 days of becoming valid", found.paid_within_30_days),
                ("within_30_days_permille", "Share paid within 30 days", found.within_30_permille),
                ("interest_paid_pence", "Interest paid", found.interest_paid_pence),
                ("interest_liable_pence", "Interest the body was liable to pay", found.interest_liable_pence),
                ("compensation_liable_pence", "Fixed compensation liable", found.compensation_liable_pence)]
    return [("invoices_paid", "Invoices paid", found.invoices_paid),
            ("average_days", "Average days to pay", found.average_days),
            ("paid_1_to_30_permille", "Paid in 1 to 30 days", found.share(found.in_1_to_30)),
            ("paid_31_to_60_permille", "Paid in 31 to 60 days", found.share(found.in_31_to_60)),
            ("paid_61_or_more_permille", "Paid in 61 days or more", found.share(found.in_61_or_more)),
            ("fell_due_pence", "Sums that fell due in the period", found.fell_due_pence),
            ("not_paid_in_period_permille", "Share of them not paid within the period",
             found.not_paid_in_period_permille)]
