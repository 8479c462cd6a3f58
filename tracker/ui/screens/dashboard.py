"""The first screen: the year's budget lines, the contracts on the highlighted line, and the work waiting."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import DataTable, Footer, Header, Label
from textual.worker import Worker, WorkerState

from tracker.domain.enums import DeliverableStatus
from tracker.reports.dashboard_rows import Dashboard, LineContract, WaitingCounts, WorkItem
from tracker.reports.figures import LineRow
from tracker.ui.keymap import DASHBOARD, bindings
from tracker.ui.messages import DashboardLoaded, LineContractsLoaded, WaitingCounted
from tracker.ui.screens.base import DeskScreen
from tracker.ui.widgets.cells import bar, date, money
from tracker.ui.widgets.columns import Column
from tracker.ui.widgets.desk_table import DeskTable, OpenableTable

if TYPE_CHECKING:
    from sqlalchemy import Connection

BAR_WIDTH = 12
LINE_COLUMNS = (
    Column("code", "Line"), Column("name", "Name", gives_way=True, drop=1),
    Column("allocation", "Allocation", right=True, drop=6), Column("committed", "Committed", right=True, drop=4),
    Column("paid", "Paid", right=True, drop=3), Column("outstanding", "Outstanding", right=True, drop=5),
    Column("headroom", "Headroom", right=True), Column("flag", "", drop=7),
    Column("bar", "█ paid ▒ committed", drop=2),
)
"""Narrower, the name gives way then drops, then the bar, paid, committed, outstanding and the allocation:
the headroom and its NEAR/OVER flag stay longest."""
WORK_COLUMNS = (
    Column("contract", "Contract"), Column("seq", "#", drop=3), Column("name", "Deliverable", gives_way=True, drop=1),
    Column("needs", "Waiting for", drop=5), Column("due", "Due", right=True, drop=2), Column("late", "Late", drop=4),
    Column("unpaid", "Unpaid", right=True),
)
LINE_CONTRACT_COLUMNS = (
    Column("contract", "Contract"), Column("supplier", "Supplier", gives_way=True, drop=1),
    Column("status", "Status", drop=2), Column("committed", "Committed", right=True, drop=4),
    Column("paid", "Paid", right=True, drop=3), Column("outstanding", "Outstanding", right=True),
)


class DashboardScreen(DeskScreen):
    BINDINGS: ClassVar[list[BindingType]] = bindings(DASHBOARD)

    def __init__(self) -> None:
        super().__init__()
        self.data: Dashboard | None = None
        self.waiting: tuple[Dashboard, WaitingCounts] | None = None
        self.line_code: str | None = None
        self._painted = False
        self._after_paint: list[Callable[[], None]] = []
        """Reads held back until the first figures are painted: started with them, they would slow the paint."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Label("Budget lines", id="lines-title", classes="section-title", markup=False)
        yield OpenableTable(id="lines")
        yield Label("Contracts on the line", id="line-contracts-title", classes="section-title", markup=False)
        yield OpenableTable(id="line-contracts")
        yield Label("Waiting", id="work-title", classes="section-title", markup=False)
        yield OpenableTable(id="work")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#work").focus()

    def reload(self) -> None:
        year, today = self.desk.year, self.desk.clock.today()
        first, self.desk.first_read = self.desk.first_read, None

        def figures() -> DashboardLoaded:
            """The first read's figures if they are this day's and year's, else read here, in the worker thread
            (which loads SQLAlchemy with the first of them)."""
            read = first.result() if first is not None else None
            if read is None or (read[0].year, read[0].today) != (year, today):
                from tracker.reports.dashboard import first_screen
                from tracker.store.session import read_connection

                with read_connection(self.desk.context.engine) as conn:
                    read = first_screen(conn, year, today)
            return DashboardLoaded(*read)

        self.read_from(DashboardLoaded, figures, busy=self.query_one("#lines"))

    def action_reload(self) -> None:
        self.reload()

    def on_dashboard_loaded(self, message: DashboardLoaded) -> None:
        self.data = data = message.board
        self.desk.years = message.years
        if data.store_empty and not self.desk.welcomed:
            from tracker.ui.dialogs.welcome import WelcomeScreen

            self.desk.welcomed = True
            self.app.push_screen(WelcomeScreen(self.desk.command))
        self.query_one("#lines-title", Label).update(
            f"Budget lines {data.year.label}" + ("" if data.lines else " — none for this year; [ and ] change year"))
        self._fill_work(data)
        codes = [line.code for line in data.lines]
        if self.line_code not in codes:
            first_waiting = data.work[0].line_code if data.work else None
            self.line_code = first_waiting if first_waiting in codes else (codes[0] if codes else None)
        self._fill_lines(data.lines)
        self._load_line(self.line_code)
        if not self._painted:
            self._painted = True
            self.call_after_refresh(self._first_painted)

    def _once_painted(self, start: Callable[[], None]) -> None:
        """Start a read now, or once the first figures are painted if they are not yet."""
        if self._painted:
            start()
        else:
            self._after_paint.append(start)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """A first read that failed (said as any failed read is, by `DeskScreen`'s handler, which Textual also
        calls) ends the wait for the first figures all the same."""
        if event.state is WorkerState.ERROR and not self._painted:
            self._painted = True
            self._first_painted()

    def _first_painted(self) -> None:
        self.desk.painted()
        held, self._after_paint = self._after_paint, []
        for start in held:
            start()

    def is_busy(self) -> bool:
        """A read held back for the first paint is still to come."""
        return super().is_busy() or bool(self._after_paint)

    def show_line(self, code: str) -> None:
        """Highlight a budget line (the palette found it) and list its contracts."""
        self.line_code = code
        if self.data is not None:
            self._fill_lines(self.data.lines)
        self._load_line(code)
        self.query_one("#lines").focus()

    def _fill_lines(self, lines: tuple[LineRow, ...]) -> None:
        table = self.query_one("#lines", DeskTable)
        warning = table.style_of("warning")
        rows: list[tuple[str, list[object]]] = []
        for line in lines:
            flagged = warning if line.standing else ""
            rows.append((line.code, [
                line.code, line.name, money(line.allocation_pence), money(line.committed_pence),
                money(line.paid_pence), money(line.outstanding_pence),
                money(line.headroom_pence, warning if line.standing == "over" else ""),
                Text(line.standing.upper(), style=flagged),
                bar(line.paid_pence, line.committed_pence, line.allocation_pence, BAR_WIDTH, table.bar_styles)]))
        table.fill(LINE_COLUMNS, rows)
        if self.line_code in {line.code for line in lines}:
            table.move_cursor(row=table.get_row_index(self.line_code), animate=False)

    def _fill_work(self, data: Dashboard) -> None:
        table = self.query_one("#work", DeskTable)
        warning = table.style_of("warning")
        rows: list[tuple[str, list[object]]] = []
        for item in data.work:
            late = Text(f"! {item.days_late} days", style=warning) if item.overdue else Text("")
            rows.append((f"{item.reference}\t{item.seq}", [item.reference, str(item.seq), item.name, _waiting_for(item),
                                                           date(item.due_on), late, money(item.unpaid_pence)]))
        table.fill(WORK_COLUMNS, rows)
        if not data.work_more:
            self._show_waiting(data, WaitingCounts(len(data.awaiting_signoff), len(data.awaiting_payment),
                                                   len(data.overdue)))
        elif self.waiting is not None and self.waiting[0] is data:
            self._show_waiting(*self.waiting)
        else:
            self.query_one("#work-title", Label).update(f"Waiting: counting… (first {len(data.work)} shown)")
            self._once_painted(lambda: self._count_waiting(data))

    def _count_waiting(self, data: Dashboard) -> None:
        def count(conn: Connection) -> WaitingCounted:
            from tracker.reports.dashboard import count_waiting

            return WaitingCounted(data, count_waiting(conn, data.year, data.today))

        self.read_plain(WaitingCounted, count)

    def on_waiting_counted(self, message: WaitingCounted) -> None:
        self._show_waiting(message.board, message.counts)

    def _show_waiting(self, board: Dashboard, counts: WaitingCounts) -> None:
        """Counts of all the year's waiting work; the list below may show only its first page."""
        if board is not self.data:
            return
        self.waiting = (board, counts)
        more = f" (first {len(board.work)} shown)" if board.work_more else ""
        self.query_one("#work-title", Label).update(
            f"Waiting: {counts.signoff:,} for sign-off · {counts.payment:,} for payment · {counts.overdue:,} "
            f"overdue{more}")

    def _load_line(self, code: str | None) -> None:
        """The line's contracts: with no line, the empty list at once (drawn with the first figures); else read,
        once the first figures are painted."""
        if code is None:
            self._show_line_contracts(None, [], False)
            return

        def read(conn: Connection) -> LineContractsLoaded:
            from tracker.reports.dashboard import line_contracts

            return LineContractsLoaded(code, *line_contracts(conn, code))

        self._once_painted(lambda: self.read_plain(LineContractsLoaded, read))

    def on_line_contracts_loaded(self, message: LineContractsLoaded) -> None:
        self._show_line_contracts(message.line_code, message.rows, message.more)

    def _show_line_contracts(self, code: str | None, rows: list[LineContract], more: bool) -> None:
        table = self.query_one("#line-contracts", DeskTable)
        table.fill(LINE_CONTRACT_COLUMNS,
                   [(row.reference, [row.reference, row.supplier, row.status, money(row.committed_pence),
                                     money(row.paid_pence), money(row.outstanding_pence)]) for row in rows])
        title = f"Contracts on {code}" if code else "Contracts on the line"
        self.query_one("#line-contracts-title", Label).update(title + (" (first 100)" if more else ""))

    @on(DataTable.RowHighlighted, "#lines")
    def _line_highlighted(self, event: DataTable.RowHighlighted) -> None:
        """A line the officer moved to; not the first row, highlighted for a moment as the table was filled."""
        code = event.row_key.value
        if event.cursor_row != event.data_table.cursor_row:
            return
        if code and code != self.line_code:
            self.line_code = code
            self._load_line(code)

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        self._open(event.data_table, event.row_key.value)

    def action_open(self) -> None:
        table = self.focused if isinstance(self.focused, DeskTable) else self.query_one("#work", DeskTable)
        if table.row_count:
            self._open(table, table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value)

    def _open(self, table: DataTable[Any], key: str | None) -> None:
        from tracker.ui.screens.contract import ContractScreen

        if key is None:
            return
        if table.id == "lines":
            self.query_one("#line-contracts").focus()
        else:
            self.app.push_screen(ContractScreen(key.split("\t")[0]))


def _waiting_for(item: WorkItem) -> str:
    if item.needs == "sign-off":
        return "sign-off"
    if item.needs == "payment":
        return "payment"
    return "resubmission" if item.status == DeliverableStatus.REJECTED else "supplier"

