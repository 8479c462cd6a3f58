"""Every contract of the year: filtered and sorted in SQL, a page at a time, never all of them in the widget."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.timer import Timer
from textual.widgets import DataTable, Footer, Header, Input, Label

from tracker.reports.desk import (
    SORT_KEYS,
    ContractListRow,
    ContractPage,
    ContractQuery,
    SortKey,
    contracts_page,
    count_contracts,
)
from tracker.ui.keymap import CONTRACTS, bindings
from tracker.ui.screens.base import DeskScreen
from tracker.ui.widgets.cells import date, money
from tracker.ui.widgets.desk_table import DeskTable, OpenableTable

MAX_ROWS = 3000
"""The most rows the table holds; past it the status line says so and asks for a filter."""
FETCH_AHEAD = 40
"""Fetch the next page when the cursor comes this close to the last row."""
FILTER_DELAY = 0.02
"""Seconds the filter waits after a keystroke: typing fast issues one query for the word, not one per letter."""
COUNT_DELAY = 0.3
"""Seconds the rows stay up before their matches are counted: no count runs between keystrokes."""

COLUMNS: tuple[tuple[SortKey, str, bool], ...] = (
    ("reference", "Reference", False), ("supplier", "Supplier", False), ("line", "Line", False),
    ("value", "Value", True), ("paid", "Paid", True), ("outstanding", "Outstanding", True),
    ("next_due", "Next due", True), ("status", "Status", False),
)


class ContractsScreen(DeskScreen):
    BINDINGS: ClassVar[list[BindingType]] = bindings(CONTRACTS)

    def __init__(self) -> None:
        super().__init__()
        self.sort: SortKey = "reference"
        self.descending = False
        self.page: ContractPage | None = None
        self.fetching = False
        self.matching: tuple[ContractQuery, int] | None = None
        self._typing: Timer | None = None
        self._counting: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        filter_input = Input(placeholder="/ to filter by reference, supplier or line", id="filter")
        filter_input.cursor_blink = self.desk.cursor_blink
        yield filter_input
        yield OpenableTable(id="contracts")
        yield Label("", id="contracts-status", classes="status-line", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self._columns()
        self.query_one("#contracts").focus()

    def _columns(self) -> None:
        table = self.query_one("#contracts", DeskTable)
        table.clear(columns=True)
        for key, label, right in COLUMNS:
            arrow = (" ▼" if self.descending else " ▲") if key == self.sort else ""
            table.add_column(Text(label + arrow, justify="right" if right else "left"), key=key)

    def query_now(self) -> ContractQuery:
        return ContractQuery(self.desk.year, self.query_one("#filter", Input).value, self.sort, self.descending)

    def reload(self) -> None:
        wanted = self.query_now()
        self.fetching = True
        self.read("page", lambda session: contracts_page(session, wanted, count=False),
                  busy=self.query_one("#contracts"))

    def _more(self) -> None:
        page = self.page
        if page is None or not page.more or self.fetching:
            return
        if self.query_one("#contracts", DeskTable).row_count >= MAX_ROWS:
            return
        self.fetching = True
        wanted, after = page.query, page.last_key
        self.read("page", lambda session: contracts_page(session, wanted, after=after, count=False))

    def show(self, topic: str, data: Any) -> None:
        if topic == "count":
            self.matching = data
            self._status()
            return
        self.fetching = False
        table = self.query_one("#contracts", DeskTable)
        if data.first_page:
            self._columns()
            if data.more:
                self._count_later(data.query)
        supplier_width = max(self.size.width - 90, 12)
        table.add_rows(_cells(row, supplier_width) for row in data.rows)
        self.page = data
        self._status()

    def _count_later(self, wanted: ContractQuery) -> None:
        """Count the matches once typing has paused: a count scans the year, and would slow the next page."""
        if self._counting is not None:
            self._counting.stop()
        self._counting = self.set_timer(COUNT_DELAY, lambda: self._count(wanted))

    def _count(self, wanted: ContractQuery) -> None:
        self._counting = None
        if self.query_now() == wanted:
            self.read("count", lambda session: (wanted, count_contracts(session, wanted)))

    def _status(self) -> None:
        page = self.page
        if page is None:
            return
        table = self.query_one("#contracts", DeskTable)
        shown = table.row_count
        counted = self.matching[1] if self.matching and self.matching[0] == page.query else None
        matching = counted if counted is not None else (shown if not page.more else -1)
        direction = "descending" if self.descending else "ascending"
        text = page.query.text.strip()
        filtered = f' matching "{text}"' if text else ""
        how_many = f"{matching:,}" if matching >= 0 else "counting"
        where = f"{how_many} contracts in {page.query.year.label if page.query.year else 'all years'}{filtered}"
        if page.more and shown >= MAX_ROWS:
            note = f"first {shown:,} shown; filter to narrow"
        elif page.more:
            note = f"{shown:,} loaded, more as you scroll"
        else:
            note = "all shown"
        self.query_one("#contracts-status", Label).update(f"{where} · {note} · sorted by {self.sort} {direction}")

    @on(DataTable.RowHighlighted)
    def _near_end(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= event.data_table.row_count - FETCH_AHEAD:
            self._more()

    @on(Input.Changed, "#filter")
    def _filter_changed(self) -> None:
        if self._counting is not None:
            self._counting.stop()
            self._counting = None
        if self._typing is not None:
            self._typing.stop()
        self._typing = self.set_timer(FILTER_DELAY, self._typed)

    def _typed(self) -> None:
        self._typing = None
        self.reload()

    def is_busy(self) -> bool:
        return self._typing is not None or self._counting is not None or super().is_busy()

    @on(Input.Submitted, "#filter")
    def _filter_done(self) -> None:
        self.query_one("#contracts").focus()

    def on_key(self, event: Any) -> None:
        if event.key == "escape" and self.focused is self.query_one("#filter"):
            event.stop()
            event.prevent_default()
            self.query_one("#contracts").focus()
        elif event.key == "down" and self.focused is self.query_one("#filter"):
            self.query_one("#contracts").focus()

    def action_filter(self) -> None:
        self.query_one("#filter").focus()

    def action_next_sort(self) -> None:
        self._sort_by(SORT_KEYS[(SORT_KEYS.index(self.sort) + 1) % len(SORT_KEYS)], False)

    def action_reverse_sort(self) -> None:
        self._sort_by(self.sort, not self.descending)

    @on(DataTable.HeaderSelected)
    def _header(self, event: DataTable.HeaderSelected) -> None:
        key = str(event.column_key.value)
        self._sort_by(key, not self.descending if key == self.sort else False)  # type: ignore[arg-type]

    def _sort_by(self, key: SortKey, descending: bool) -> None:
        self.sort, self.descending = key, descending
        self._columns()
        self.reload()

    @on(DataTable.RowSelected)
    def _selected(self, event: DataTable.RowSelected) -> None:
        self._open(str(event.data_table.get_row(event.row_key)[0]))

    def action_open(self) -> None:
        table = self.query_one("#contracts", DeskTable)
        if table.row_count:
            self._open(str(table.get_row_at(table.cursor_row)[0]))

    def _open(self, reference: str | None) -> None:
        from tracker.ui.screens.contract import ContractScreen

        if reference:
            self.app.push_screen(ContractScreen(reference))


def _cells(row: ContractListRow, supplier_width: int) -> list[Any]:
    supplier = row.supplier if len(row.supplier) <= supplier_width else row.supplier[:supplier_width - 1] + "…"
    return [row.reference, supplier, row.line_code, money(row.value_pence), money(row.paid_pence),
            money(row.outstanding_pence), date(row.next_due_on), row.status]
