"""The audit log, newest first, filtered by contract and by person, a page at a time; ENTER reads one event whole."""

from __future__ import annotations

from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Header, Input, Label

from tracker.reports.audit_log import AuditEntry, AuditPage, AuditQuery, audit_page
from tracker.ui.dialogs.event import EventScreen
from tracker.ui.keymap import AUDIT, bindings
from tracker.ui.messages import AuditPageLoaded
from tracker.ui.screens.base import DeskScreen
from tracker.ui.widgets.desk_table import DeskTable, OpenableTable

MAX_ROWS = 3000
FETCH_AHEAD = 40
MIN_DETAILS_WIDTH = 24
COLUMNS = ("Seq", "At (UTC)", "Who", "Action", "Contract", "Details")


class AuditScreen(DeskScreen):
    BINDINGS: ClassVar[list[BindingType]] = bindings(AUDIT)

    def __init__(self) -> None:
        super().__init__()
        self.page: AuditPage | None = None
        self.fetching = False
        self.events: list[AuditEntry] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="audit-filters"):
            for name, hint in (("contract", "/ contract reference"), ("person", "w who (name or login)")):
                box = Input(placeholder=hint, id=f"audit-{name}")
                box.cursor_blink = self.desk.cursor_blink
                yield box
        yield OpenableTable(id="audit")
        yield Label("", id="audit-status", classes="status-line", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#audit").focus()

    def query_now(self) -> AuditQuery:
        return AuditQuery(self.query_one("#audit-contract", Input).value, self.query_one("#audit-person", Input).value)

    def reload(self) -> None:
        wanted = self.query_now()
        self.fetching = True
        self.read(AuditPageLoaded, lambda session: AuditPageLoaded(audit_page(session, wanted)),
                  busy=self.query_one("#audit"))

    def _more(self) -> None:
        page = self.page
        table = self.query_one("#audit", DeskTable)
        if page is None or not page.more or self.fetching or table.row_count >= MAX_ROWS:
            return
        self.fetching = True
        wanted, before = page.query, page.last_seq
        self.read(AuditPageLoaded, lambda session: AuditPageLoaded(audit_page(session, wanted, before_seq=before)))

    def on_audit_page_loaded(self, message: AuditPageLoaded) -> None:
        data = message.page
        self.fetching = False
        self.page = data
        table = self.query_one("#audit", DeskTable)
        cells = [_cells(row) for row in data.rows]
        if data.first_page:
            self.events = []
            table.clear(columns=True)
            for label in COLUMNS[:-1]:
                table.add_column(label)
            table.add_column(COLUMNS[-1], width=self._details_width(cells))
        self.events.extend(data.rows)
        table.add_rows([*row[:-1], Text(row[-1], no_wrap=True, overflow="ellipsis")] for row in cells)
        more = "; more as you scroll" if data.more and table.row_count < MAX_ROWS else ""
        capped = "; first events shown, filter to narrow" if data.more and table.row_count >= MAX_ROWS else ""
        self.query_one("#audit-status", Label).update(f"{table.row_count:,} events shown, newest first{more}{capped}")

    def _details_width(self, cells: list[list[str]]) -> int:
        """Details fill what the other columns leave, so no event's length scrolls the table sideways."""
        padding = 2 * self.query_one("#audit", DeskTable).cell_padding
        others = sum(max([cell_len(label)] + [cell_len(row[index]) for row in cells]) + padding
                     for index, label in enumerate(COLUMNS[:-1]))
        return max(MIN_DETAILS_WIDTH, self.size.width - others - padding - 2)

    @on(DataTable.RowSelected)
    def _open_event(self, event: DataTable.RowSelected) -> None:
        if 0 <= event.cursor_row < len(self.events):
            self.app.push_screen(EventScreen(self.events[event.cursor_row]))

    @on(DataTable.RowHighlighted)
    def _near_end(self, event: DataTable.RowHighlighted) -> None:
        if event.cursor_row >= event.data_table.row_count - FETCH_AHEAD:
            self._more()

    @on(Input.Changed)
    def _filter_changed(self) -> None:
        self.reload()

    @on(Input.Submitted)
    def _filter_done(self) -> None:
        self.query_one("#audit").focus()

    def on_key(self, event: events.Key) -> None:
        if event.key == "escape" and isinstance(self.focused, Input):
            event.stop()
            event.prevent_default()
            self.query_one("#audit").focus()

    def action_filter_contract(self) -> None:
        self.query_one("#audit-contract").focus()

    def action_filter_person(self) -> None:
        self.query_one("#audit-person").focus()


def _cells(row: AuditEntry) -> list[str]:
    who = row.claimed_by if row.claimed_by == row.login else f"{row.claimed_by} ({row.login})"
    return [str(row.seq), row.at[:19].replace("T", " "), who, row.action, row.contract_ref or "", row.summary]
