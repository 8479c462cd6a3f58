"""`tracker year-end`: reviewing a financial year at its end, and closing it."""

from __future__ import annotations

import csv
import json
import sys
from typing import TYPE_CHECKING, Any

import typer

from tracker.cli.state import state

if TYPE_CHECKING:
    from tracker.reports.year_end import YearEndReview

app = typer.Typer(help="The year end: review a financial year's accruals and commitments, then close it.",
                  no_args_is_help=True)

_FORMATS = ("table", "csv", "json")


@app.command("review")
def review(
    ctx: typer.Context,
    fy: str = typer.Argument(..., help="The financial year, e.g. 2015/16."),
    output: str = typer.Option("table", "--format", help="table, csv or json."),
) -> None:
    """What the year owes (accruals), what it committed and did not receive, and each line's underspend.

    Changes nothing: the figures stand as at the year's last day.
    """
    from tracker.domain.errors import InvalidInput
    from tracker.domain.fiscal import parse_fiscal_year
    from tracker.reports.year_end import year_end_review
    from tracker.store.session import read_session

    if output not in _FORMATS:
        raise InvalidInput(f"--format {output!r} is not one of {', '.join(_FORMATS)}")
    year = parse_fiscal_year(fy)
    with read_session(state(ctx).engine(create=False)) as session:
        found = year_end_review(session, year)
    if output == "json":
        sys.stdout.write(json.dumps(_document(found), indent=2, ensure_ascii=False) + "\n")
    elif output == "csv":
        _csv(found)
    else:
        from tracker.cli.render import print_year_end_review

        print_year_end_review(found)


@app.command("close")
def close(
    ctx: typer.Context,
    fy: str = typer.Argument(..., help="The financial year, e.g. 2015/16."),
    decision: str = typer.Option(..., "--decision", help="The decision that closes it, e.g. 'DMPCD 2016 31'."),
    carry: list[str] = typer.Option([], "--carry", help="REF:SEQ=LINE: carry an unaccepted deliverable forward to "
                                                        "a line of the next year (repeat for each)."),
    release: list[str] = typer.Option([], "--release", help="REF:SEQ: release an unaccepted deliverable's "
                                                            "commitment (repeat for each)."),
    settle_until: str | None = typer.Option(None, "--settle-until",
                                            help="Last day the year's accruals may be paid (default 30 June)."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar (it is drawn on stderr only when "
                                                           "stderr is a terminal)."),
) -> None:
    """Close the year: every unaccepted commitment carried forward or released, in one audited step."""
    from tracker.cli import parse
    from tracker.cli.output import confirm, warn
    from tracker.cli.progress_bar import progress_bar
    from tracker.domain.fiscal import format_date, parse_fiscal_year
    from tracker.domain.money import format_gbp
    from tracker.domain.year_end import close_year, parse_carry, parse_release

    context = state(ctx).context()
    with progress_bar("year-end", quiet=quiet) as progress:
        done = close_year(context, parse_fiscal_year(fy), decision=decision,
                          carry=[parse_carry(text) for text in carry],
                          release=[parse_release(text) for text in release],
                          settle_until_day=parse.date(settle_until), progress=progress)
    for warning in done.warnings:
        warn(warning)
    carried = sum(m.amount_pence for m in done.carried)
    freed = sum(m.amount_pence for m in done.released)
    confirm(f"closed {done.year} on {format_date(done.closed_on)}: carried forward {len(done.carried)} "
            f"({format_gbp(carried)}), released {len(done.released)} ({format_gbp(freed)}); {done.accruals} "
            f"accrual{'' if done.accruals == 1 else 's'} ({format_gbp(done.accrued_pence)}) to settle by "
            f"{format_date(done.settle_until)}", recorded=f"{done.year} was closed")


def _document(found: YearEndReview) -> dict[str, Any]:
    return {
        "fiscal_year": found.year, "as_at": found.ends.isoformat(),
        "accruals": [{"budget_line": a.line_code, "reference": a.reference, "supplier": a.supplier, "seq": a.seq,
                      "name": a.name, "accepted_on": a.accepted_on.isoformat(), "accrued_pence": a.accrued_pence,
                      "settled_since_pence": a.settled_pence, "still_owed_pence": a.still_owed_pence}
                     for a in found.accruals],
        "accrued_pence": found.accrued_pence,
        "unaccepted_commitments": [{"budget_line": m.line_code, "reference": m.reference, "supplier": m.supplier,
                                    "seq": m.seq, "name": m.name, "status": m.status,
                                    "due_on": m.due_on.isoformat() if m.due_on else None,
                                    "amount_pence": m.amount_pence} for m in found.commitments],
        "unaccepted_pence": found.committed_pence,
        "lines": [{"budget_line": u.line_code, "name": u.name, "allocation_pence": u.allocation_pence,
                   "paid_pence": u.paid_pence, "accrued_pence": u.accrued_pence, "outturn_pence": u.outturn_pence,
                   "underspend_pence": u.underspend_pence} for u in found.lines],
    }


def _csv(found: YearEndReview) -> None:
    """One table of rows, each saying which list it belongs to; text made inert for spreadsheets."""
    from tracker.domain.money import format_pounds
    from tracker.exports.cells import spreadsheet_safe as safe

    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(["kind", "budget_line", "reference", "seq", "name", "date", "amount", "settled_since",
                     "outstanding"])
    for a in found.accruals:
        writer.writerow(["accrual", safe(a.line_code), safe(a.reference), a.seq, safe(a.name),
                         a.accepted_on.isoformat(), format_pounds(a.accrued_pence), format_pounds(a.settled_pence),
                         format_pounds(a.still_owed_pence)])
    for m in found.commitments:
        writer.writerow(["unaccepted", safe(m.line_code), safe(m.reference), "" if m.seq is None else m.seq,
                         safe(m.name), m.due_on.isoformat() if m.due_on else "", format_pounds(m.amount_pence), "",
                         ""])
    for u in found.lines:
        writer.writerow(["underspend", safe(u.line_code), "", "", safe(u.name), found.ends.isoformat(),
                         format_pounds(u.underspend_pence), "", ""])
