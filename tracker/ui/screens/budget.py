"""The budget report for the chosen year."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import Footer, Header, Label

from tracker.reports.registers import LineRow, budget_lines
from tracker.ui.keymap import BUDGET, bindings
from tracker.ui.screens.base import DeskScreen
from tracker.ui.widgets.cells import money
from tracker.ui.widgets.desk_table import DeskTable


class BudgetScreen(DeskScreen):
    BINDINGS: ClassVar[list[BindingType]] = bindings(BUDGET)

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Budget report", id="budget-title", classes="section-title")
        yield DeskTable(id="budget")
        yield Footer()

    def reload(self) -> None:
        year = self.desk.year
        self.read("budget", lambda session: budget_lines(session, year), busy=self.query_one("#budget"))

    def action_reload(self) -> None:
        self.reload()

    def show(self, topic: str, data: list[LineRow]) -> None:
        table = self.query_one("#budget", DeskTable)
        table.reset("Line", "Name", *(Text(name, justify="right")
                                      for name in ("Allocation", "Committed", "Paid", "Outstanding", "Headroom")))
        for line in data:
            table.add_row(line.code, line.name, money(line.allocation_pence), money(line.committed_pence),
                          money(line.paid_pence), money(line.outstanding_pence), money(line.headroom_pence))
        self.query_one("#budget-title", Label).update(f"Budget report {self.desk.year.label}")
