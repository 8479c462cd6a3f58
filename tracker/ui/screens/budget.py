"""The budget report for the chosen year: the figures of `tracker report budget`, and the year period by period."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import DataTable, Footer, Header, Label

from tracker.domain.allocations import AllocationChanged
from tracker.domain.money import format_gbp
from tracker.reports.budget import BudgetReport, BudgetRow, budget_report, period_profile
from tracker.ui.dialogs.action import ActionModal
from tracker.ui.dialogs.budget_change import revise_form, transfer_form
from tracker.ui.keymap import BUDGET, bindings
from tracker.ui.messages import BudgetLoaded, PeriodsLoaded
from tracker.ui.screens.base import DeskScreen
from tracker.ui.screens.year_end import YearEndScreen
from tracker.ui.widgets.cells import money
from tracker.ui.widgets.columns import Column
from tracker.ui.widgets.desk_table import DeskTable

BUDGET_COLUMNS = (
    Column("line", "Line", gives_way=True), Column("name", "Name", gives_way=True, drop=1),
    Column("allocation", "Allocation", right=True, drop=6), Column("committed", "Committed", right=True, drop=4),
    Column("paid", "Paid", right=True, drop=3), Column("accepted_unpaid", "Accepted unpaid", right=True, drop=2),
    Column("outstanding", "Outstanding", right=True, drop=5), Column("headroom", "Headroom", right=True),
    Column("flag", "", drop=7),
)
"""Narrower, the name gives way then drops, then accepted unpaid, paid, committed, outstanding and the
allocation: the headroom and the NEAR/OVER flag (a word beside the colour) stay longest."""
PERIOD_COLUMNS = (Column("period", "Period"), Column("paid", "Paid", right=True),
                  Column("due", "Due (unpaid)", right=True))


class BudgetScreen(DeskScreen):
    CSS_PATH = "screens.tcss"
    BINDINGS: ClassVar[list[BindingType]] = bindings(BUDGET)

    def __init__(self) -> None:
        super().__init__()
        self.profile_of: str | None = None
        self.report: BudgetReport | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Budget report", id="budget-title", classes="section-title", markup=False)
        yield DeskTable(id="budget")
        yield Label("Periods", id="periods-title", classes="section-title", markup=False)
        yield DeskTable(id="periods")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#budget").focus()

    def reload(self) -> None:
        year = self.desk.year
        self.read(BudgetLoaded, lambda session: BudgetLoaded(budget_report(session, year=year)),
                  busy=self.query_one("#budget"))
        self._load_profile(self.profile_of)

    def _load_profile(self, line_code: str | None) -> None:
        year, today = self.desk.year, self.desk.clock.today()
        self.read(PeriodsLoaded, lambda session: PeriodsLoaded(line_code, period_profile(
            session, year=year, today=today, line_code=line_code)), busy=self.query_one("#periods"))

    def action_reload(self) -> None:
        self.reload()

    def on_budget_loaded(self, message: BudgetLoaded) -> None:
        report = self.report = message.report
        table = self.query_one("#budget", DeskTable)
        warning = table.style_of("warning")

        def cells(row: BudgetRow, line: str, name: str) -> list[object]:
            return [line, name, money(row.allocation_pence), money(row.committed_pence), money(row.paid_pence),
                    money(row.accepted_unpaid_pence), money(row.outstanding_pence),
                    money(row.headroom_pence, warning if row.standing == "over" else ""),
                    Text(row.standing.upper(), style=warning if row.standing else "")]

        rows = [(row.code, cells(row, row.code, row.name)) for row in report.lines]
        rows += [(f"fund\t{row.fund}", cells(row, row.fund or "No fund", "subtotal")) for row in report.funds]
        rows.append(("total", cells(report.total, "Total", "")))
        table.fill(BUDGET_COLUMNS, rows)
        self.query_one("#budget-title", Label).update(f"Budget report {self.desk.year.label}")

    def on_periods_loaded(self, message: PeriodsLoaded) -> None:
        line_code, profile = message.line_code, message.profile
        rows: list[tuple[str, list[object]]] = [
            (row.name, [row.name, money(row.paid_pence), money(row.forecast_pence)]) for row in profile.periods]
        rows.append(("Later", ["Later", "", money(profile.later_pence)]))
        rows.append(("Unscheduled", ["Unscheduled", "", money(profile.unscheduled_pence)]))
        self.query_one("#periods", DeskTable).fill(PERIOD_COLUMNS, rows)
        paid = sum(row.paid_pence for row in profile.periods)
        self.query_one("#periods-title", Label).update(
            f"Periods P1-P12 of {profile.year} for {line_code or 'all lines'}: paid {format_gbp(paid)}, "
            f"outstanding {format_gbp(profile.outstanding_pence)}")

    @on(DataTable.RowHighlighted, "#budget")
    def _line_highlighted(self, event: DataTable.RowHighlighted) -> None:
        key = event.row_key.value or ""
        code = None if key == "total" or key.startswith("fund\t") else key
        if code != self.profile_of:
            self.profile_of = code
            self._load_profile(code)

    def _line(self) -> BudgetRow | None:
        """The highlighted budget line; a fund subtotal or the total is not a line that can change."""
        table = self.query_one("#budget", DeskTable)
        if self.report is not None and table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            found = next((row for row in self.report.lines if row.code == key), None)
            if found is not None:
                return found
        self.notify("Highlight a budget line first", severity="warning", markup=False)
        return None

    def action_year_end(self) -> None:
        self.app.push_screen(YearEndScreen())

    def action_revise(self) -> None:
        line = self._line()
        if line is not None:
            self.app.push_screen(ActionModal(revise_form(self.desk.context, line, self._by()),
                                             cursor_blink=self.desk.cursor_blink), self._moved)

    def action_transfer(self) -> None:
        line = self._line()
        if line is not None and self.report is not None:
            lines = {row.code: row for row in self.report.lines}
            self.app.push_screen(ActionModal(transfer_form(self.desk.context, line, lines, self._by()),
                                             cursor_blink=self.desk.cursor_blink), self._moved)

    def _moved(self, outcome: AllocationChanged | None) -> None:
        if outcome is None:
            return
        self.notify("Recorded: " + "; ".join(f"{code} allocation {format_gbp(before)} → {format_gbp(after)}, "
                                             f"headroom {format_gbp(headroom)}"
                                             for code, before, after, headroom in outcome.lines),
                    title="Recorded", markup=False)
        if outcome.warning:
            self.notify(outcome.warning, title="Warning", severity="warning", markup=False)
