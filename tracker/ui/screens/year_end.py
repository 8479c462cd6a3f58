"""The year-end review of the chosen year, read-only: what it owes (accruals), what it committed and did not receive,
and each line's outturn and underspend, the rows of `tracker year-end review` as at the year's last day."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.widgets import Footer, Header, Label

from tracker.domain.fiscal import format_date
from tracker.domain.money import format_gbp
from tracker.reports.year_end import YearEndReview, year_end_review
from tracker.ui.messages import YearEndLoaded
from tracker.ui.screens.base import DeskScreen
from tracker.ui.widgets.cells import date, money
from tracker.ui.widgets.columns import Column
from tracker.ui.widgets.desk_table import DeskTable

ACCRUAL_COLUMNS = (
    Column("line", "Line", drop=3), Column("reference", "Contract"), Column("seq", "#"),
    Column("name", "Deliverable", gives_way=True, drop=1), Column("accepted", "Accepted", right=True, drop=2),
    Column("accrued", "Accrued", right=True), Column("settled", "Settled since", right=True, drop=4),
    Column("owed", "Still owed", right=True),
)
COMMITMENT_COLUMNS = (
    Column("line", "Line", drop=3), Column("reference", "Contract"), Column("seq", "#"),
    Column("name", "Deliverable", gives_way=True, drop=1), Column("status", "Status", drop=2),
    Column("due", "Due", right=True, drop=4), Column("amount", "Amount", right=True),
)
LINE_COLUMNS = (
    Column("line", "Line"), Column("name", "Name", gives_way=True, drop=1),
    Column("allocation", "Allocation", right=True, drop=4), Column("paid", "Paid by year end", right=True, drop=3),
    Column("accrued", "Accrued", right=True, drop=2), Column("outturn", "Outturn", right=True, drop=5),
    Column("underspend", "Underspend", right=True),
)


class YearEndScreen(DeskScreen):
    """Changes nothing: closing the year is `tracker year-end close`, on a decision, at the command line."""

    CSS_PATH = "screens.tcss"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Accruals", id="accruals-title", classes="section-title", markup=False)
        yield DeskTable(id="accruals")
        yield Label("Unaccepted commitments", id="commitments-title", classes="section-title", markup=False)
        yield DeskTable(id="commitments")
        yield Label("Outturn and underspend", id="outturn-title", classes="section-title", markup=False)
        yield DeskTable(id="outturn")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#accruals").focus()

    def reload(self) -> None:
        year = self.desk.year
        self.read(YearEndLoaded, lambda session: YearEndLoaded(year_end_review(session, year)),
                  busy=self.query_one("#accruals"))

    def on_year_end_loaded(self, message: YearEndLoaded) -> None:
        self._show(message.review)

    def _show(self, review: YearEndReview) -> None:
        ends = format_date(review.ends)
        accruals: list[tuple[str, list[object]]] = [
            (f"{a.reference}\t{a.seq}", [a.line_code, a.reference, str(a.seq), a.name, date(a.accepted_on),
                                         money(a.accrued_pence), money(a.settled_pence), money(a.still_owed_pence)])
            for a in review.accruals]
        accruals.append(("total", ["Total", "", "", "", "", money(review.accrued_pence),
                                   money(sum(a.settled_pence for a in review.accruals)),
                                   money(sum(a.still_owed_pence for a in review.accruals))]))
        self.query_one("#accruals", DeskTable).fill(ACCRUAL_COLUMNS, accruals)
        self.query_one("#accruals-title", Label).update(
            f"Accruals {review.year}: accepted by {ends} and unpaid then, {format_gbp(review.accrued_pence)}")
        commitments: list[tuple[str, list[object]]] = [
            (f"{m.reference}\t{'' if m.seq is None else m.seq}",
             [m.line_code, m.reference, "" if m.seq is None else str(m.seq), m.name, m.status, date(m.due_on),
              money(m.amount_pence)]) for m in review.commitments]
        commitments.append(("total", ["Total", "", "", "", "", "", money(review.committed_pence)]))
        self.query_one("#commitments", DeskTable).fill(COMMITMENT_COLUMNS, commitments)
        self.query_one("#commitments-title", Label).update(
            f"Unaccepted commitments at {ends}, {format_gbp(review.committed_pence)}: each is carried forward or "
            f"released at the close")
        self.query_one("#outturn", DeskTable).fill(LINE_COLUMNS, [
            (u.line_code, [u.line_code, u.name, money(u.allocation_pence), money(u.paid_pence),
                           money(u.accrued_pence), money(u.outturn_pence), money(u.underspend_pence)])
            for u in review.lines])
        self.query_one("#outturn-title", Label).update(f"Outturn and underspend per line, {review.year}")
