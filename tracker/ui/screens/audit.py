"""The audit log, newest first, filtered by contract and by person, a page at a time; ENTER reads one event whole."""

from __future__ import annotations

from typing import ClassVar

from textual import events, on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.widgets import Footer, Header, Input, Label

from tracker.reports.audit_log import AuditEntry, AuditPage, AuditQuery, audit_page
from tracker.ui.dialogs.event import EventScreen
from tracker.ui.keymap import AUDIT, bindings
from tracker.ui.messages import AuditPageLoaded
from tracker.ui.screens.paged import PagedScreen
from tracker.ui.widgets.columns import Column
from tracker.ui.widgets.filter_input import FilterInput
from tracker.ui.widgets.line_table import LineTable

COLUMNS = (Column("seq", "Seq"), Column("at", "At (UTC)", drop=2), Column("who", "Who", drop=1),
           Column("action", "Action"), Column("contract", "Contract", drop=3),
           Column("details", "Details", gives_way=True))
"""On a narrow terminal the details give way (never inside a figure), then who, when and the contract drop."""


class AuditScreen(PagedScreen[AuditPage]):
    BINDINGS: ClassVar[list[BindingType]] = bindings(AUDIT)

    def __init__(self) -> None:
        super().__init__()
        self.events: list[AuditEntry] = []

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="audit-filters"):
            for name, hint in (("contract", "/ contract reference"), ("person", "w who (name or login)")):
                yield FilterInput(placeholder=hint, id=f"audit-{name}", cursor_blink=self.desk.cursor_blink)
        yield LineTable(id="audit")
        yield Label("", id="audit-status", classes="status-line", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#audit", LineTable).set_columns(COLUMNS)
        self.query_one("#audit").focus()

    def query_now(self) -> AuditQuery:
        return AuditQuery(self.query_one("#audit-contract", Input).value, self.query_one("#audit-person", Input).value)

    def read_first(self) -> None:
        wanted = self.query_now()
        self.read(AuditPageLoaded, lambda session: AuditPageLoaded(audit_page(session, wanted)),
                  busy=self.query_one("#audit"))

    def read_after(self, page: AuditPage) -> None:
        wanted, before = page.query, page.last_seq
        self.read(AuditPageLoaded, lambda session: AuditPageLoaded(audit_page(session, wanted, before_seq=before)))

    def on_audit_page_loaded(self, message: AuditPageLoaded) -> None:
        data = message.page
        self.arrived(data)
        table = self.query_one("#audit", LineTable)
        if data.first_page:
            self.events = []
            table.clear()
        self.events.extend(data.rows)
        table.add_rows((str(row.seq), _cells(row)) for row in data.rows)
        more = "; more as you scroll" if data.more and not table.full else ""
        capped = "; first events shown, filter to narrow" if data.more and table.full else ""
        self.query_one("#audit-status", Label).update(f"{table.row_count:,} events shown, newest first{more}{capped}")

    @on(LineTable.RowSelected)
    def _open_event(self, event: LineTable.RowSelected) -> None:
        if 0 <= event.cursor_row < len(self.events):
            self.app.push_screen(EventScreen(self.events[event.cursor_row]))

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
            if self.focused.value:
                self.focused.value = ""
            else:
                self.query_one("#audit").focus()

    def action_filter_contract(self) -> None:
        self.query_one("#audit-contract").focus()

    def action_filter_person(self) -> None:
        self.query_one("#audit-person").focus()


def _cells(row: AuditEntry) -> list[str]:
    who = row.claimed_by if row.claimed_by == row.login else f"{row.claimed_by} ({row.login})"
    return [str(row.seq), row.at[:19].replace("T", " "), who, row.action, row.contract_ref or "", row.summary]
