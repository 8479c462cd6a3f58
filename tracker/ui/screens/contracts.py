"""Every contract of the year: filtered and sorted in SQL, a page at a time, never all of them in the widget."""

from __future__ import annotations

from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.timer import Timer
from textual.widgets import Footer, Header, Input, Label

from tracker.domain.fiscal import format_date
from tracker.domain.money import format_gbp
from tracker.reports.contract_list import (
    SORT_KEYS,
    ContractListRow,
    ContractPage,
    ContractQuery,
    SortKey,
    contracts_page,
    count_contracts,
)
from tracker.ui.keymap import CONTRACTS, bindings
from tracker.ui.messages import ContractsCounted, ContractsPageLoaded
from tracker.ui.screens.paged import PagedScreen
from tracker.ui.widgets.columns import Column
from tracker.ui.widgets.filter_input import FilterInput
from tracker.ui.widgets.line_table import LineTable

FILTER_DELAY = 0.02
"""Seconds the filter waits after a keystroke: typing fast issues one query for the word, not one per letter."""
COUNT_DELAY = 0.3
"""Seconds the rows stay up before their matches are counted: no count runs between keystrokes."""

COLUMNS = (
    Column("reference", "Reference"), Column("supplier", "Supplier", gives_way=True, drop=5),
    Column("line", "Line", drop=1), Column("value", "Value", right=True, drop=4),
    Column("paid", "Paid", right=True, drop=3), Column("outstanding", "Outstanding", right=True),
    Column("next_due", "Next due", right=True, drop=2), Column("status", "Status", drop=6),
)
"""On a narrow terminal the supplier gives way first, then the line, the next due date, paid, value, the supplier
and the status drop, in that order: the reference and what is outstanding always stay."""


class ContractsScreen(PagedScreen[ContractPage]):
    BINDINGS: ClassVar[list[BindingType]] = bindings(CONTRACTS)

    def __init__(self) -> None:
        super().__init__()
        self.sort: SortKey = "reference"
        self.descending = False
        self.matching: tuple[ContractQuery, int] | None = None
        self._typing: Timer | None = None
        self._counting: Timer | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield FilterInput(placeholder="/ to filter by reference, supplier or line", id="filter",
                          cursor_blink=self.desk.cursor_blink)
        yield LineTable(id="contracts")
        yield Label("", id="contracts-status", classes="status-line", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#contracts", LineTable).set_columns(COLUMNS)
        self._arrows()
        self.query_one("#contracts").focus()

    def _arrows(self) -> None:
        """The sorted column's header says which way it is sorted."""
        self.query_one("#contracts", LineTable).relabel(
            [column.label + ((" ▼" if self.descending else " ▲") if column.key == self.sort else "")
             for column in COLUMNS])

    def query_now(self) -> ContractQuery:
        return ContractQuery(self.desk.year, self.query_one("#filter", Input).value, self.sort, self.descending)

    def read_first(self) -> None:
        wanted = self.query_now()
        self.read(ContractsPageLoaded,
                  lambda session: ContractsPageLoaded(contracts_page(session, wanted, count=False)),
                  busy=self.query_one("#contracts"))

    def read_after(self, page: ContractPage) -> None:
        wanted, after = page.query, page.last_key
        self.read(ContractsPageLoaded,
                  lambda session: ContractsPageLoaded(contracts_page(session, wanted, after=after, count=False)))

    def on_contracts_counted(self, message: ContractsCounted) -> None:
        self.matching = (message.query, message.matching)
        self._status()

    def on_contracts_page_loaded(self, message: ContractsPageLoaded) -> None:
        data = message.page
        self.arrived(data)
        table = self.query_one("#contracts", LineTable)
        if data.first_page:
            table.clear()
            if data.more:
                self._count_later(data.query)
        table.add_rows((row.reference, _cells(row)) for row in data.rows)
        self._status()

    def _count_later(self, wanted: ContractQuery) -> None:
        """Count the matches once typing has paused: a count scans the year, and would slow the next page."""
        if self._counting is not None:
            self._counting.stop()
        self._counting = self.set_timer(COUNT_DELAY, lambda: self._count(wanted))

    def _count(self, wanted: ContractQuery) -> None:
        self._counting = None
        if self.query_now() == wanted:
            self.read(ContractsCounted, lambda session: ContractsCounted(wanted, count_contracts(session, wanted)))

    def _status(self) -> None:
        page = self.page
        if page is None:
            return
        shown = self.query_one("#contracts", LineTable).row_count
        counted = self.matching[1] if self.matching and self.matching[0] == page.query else None
        matching = counted if counted is not None else (shown if not page.more else -1)
        direction = "descending" if self.descending else "ascending"
        text = page.query.text.strip()
        filtered = f' matching "{text}"' if text else ""
        how_many = {-1: "counting contracts", 0: "no contracts", 1: "1 contract"}.get(matching,
                                                                                  f"{matching:,} contracts")
        where = f"{how_many} in {page.query.year.label if page.query.year else 'all years'}{filtered}"
        if page.more and self.query_one("#contracts", LineTable).full:
            note = f"first {shown:,} shown; filter to narrow"
        elif page.more:
            note = f"{shown:,} loaded, more as you scroll"
        else:
            note = "all shown"
        self.query_one("#contracts-status", Label).update(f"{where} · {note} · sorted by {self.sort} {direction}")

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

    def on_key(self, event: events.Key) -> None:
        if event.key == "escape" and self.focused is self.query_one("#filter"):
            event.stop()
            event.prevent_default()
            box = self.query_one("#filter", Input)
            if box.value:
                box.value = ""
            else:
                self.query_one("#contracts").focus()
        elif event.key == "down" and self.focused is self.query_one("#filter"):
            self.query_one("#contracts").focus()

    def action_filter(self) -> None:
        self.query_one("#filter").focus()

    def action_next_sort(self) -> None:
        self._sort_by(SORT_KEYS[(SORT_KEYS.index(self.sort) + 1) % len(SORT_KEYS)], False)

    def action_reverse_sort(self) -> None:
        self._sort_by(self.sort, not self.descending)

    @on(LineTable.HeaderSelected)
    def _header(self, event: LineTable.HeaderSelected) -> None:
        key = event.column_key
        self._sort_by(key, not self.descending if key == self.sort else False)  # type: ignore[arg-type]

    def _sort_by(self, key: SortKey, descending: bool) -> None:
        self.sort, self.descending = key, descending
        self._arrows()
        self.reload()

    @on(LineTable.RowSelected)
    def _selected(self, event: LineTable.RowSelected) -> None:
        self._open(event.key)

    def action_open(self) -> None:
        table = self.query_one("#contracts", LineTable)
        if table.row_count:
            self._open(table.key_at(table.cursor_row))

    def _open(self, reference: str | None) -> None:
        from tracker.ui.screens.contract import ContractScreen

        if reference:
            self.app.push_screen(ContractScreen(reference))


def _cells(row: ContractListRow) -> list[str]:
    return [row.reference, row.supplier, row.line_code, format_gbp(row.value_pence), format_gbp(row.paid_pence),
            format_gbp(row.outstanding_pence), format_date(row.next_due_on), row.status]
