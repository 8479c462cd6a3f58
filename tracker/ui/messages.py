"""What thread workers send back to the screens: one message class per kind of result, plain rows, never widgets.

A screen handles each by name (`on_dashboard_loaded`); `DeskScreen` does the bookkeeping common to all `Loaded`.
"""

import threading
from typing import Generic, TypeVar

from textual.message import Message
from textual.message_pump import MessagePump

from tracker.domain.fiscal import FiscalYear
from tracker.domain.payments import PaymentPreview
from tracker.reports.audit_log import AuditPage
from tracker.reports.budget import BudgetReport, PeriodProfile
from tracker.reports.contract_list import ContractPage, ContractQuery
from tracker.reports.dashboard import Dashboard, LineContract, WaitingCounts
from tracker.reports.registers import DeliverableRow, Statement

Outcome = TypeVar("Outcome")


class Loaded(Message):
    """A worker has read what a screen asked for. Each kind of read has its own subclass."""


class DashboardLoaded(Loaded):
    def __init__(self, board: Dashboard, years: list[FiscalYear]) -> None:
        super().__init__()
        self.board = board
        self.years = years


class LineContractsLoaded(Loaded):
    def __init__(self, line_code: str, rows: list[LineContract], more: bool) -> None:
        super().__init__()
        self.line_code = line_code
        self.rows = rows
        self.more = more


class WaitingCounted(Loaded):
    """All of a dashboard's waiting work, counted after its first page was shown."""

    def __init__(self, board: Dashboard, counts: WaitingCounts) -> None:
        super().__init__()
        self.board = board
        self.counts = counts


class ContractsPageLoaded(Loaded):
    def __init__(self, page: ContractPage) -> None:
        super().__init__()
        self.page = page


class ContractsCounted(Loaded):
    def __init__(self, query: ContractQuery, matching: int) -> None:
        super().__init__()
        self.query = query
        self.matching = matching


class StatementLoaded(Loaded):
    def __init__(self, statement: Statement) -> None:
        super().__init__()
        self.statement = statement


class PaymentPreviewLoaded(Loaded):
    def __init__(self, item: DeliverableRow, preview: PaymentPreview) -> None:
        super().__init__()
        self.item = item
        self.preview = preview


class BudgetLoaded(Loaded):
    def __init__(self, report: BudgetReport) -> None:
        super().__init__()
        self.report = report


class PeriodsLoaded(Loaded):
    def __init__(self, line_code: str | None, profile: PeriodProfile) -> None:
        super().__init__()
        self.line_code = line_code
        self.profile = profile


class AuditPageLoaded(Loaded):
    def __init__(self, page: AuditPage) -> None:
        super().__init__()
        self.page = page


class ActionFinished(Message, Generic[Outcome]):
    """A dialog's domain action ran: `outcome` is its result, or `refusal` the one line saying why nothing changed."""

    def __init__(self, outcome: Outcome | None = None, refusal: str | None = None) -> None:
        super().__init__()
        self.outcome = outcome
        self.refusal = refusal


class Inbox:
    """Counts messages sent from worker threads until they are handled, so "nothing left to show" is knowable.

    A screen's workers call `send`; its handlers call `received`. Tests wait on `waiting` rather than on time.
    """

    def __init__(self, owner: MessagePump) -> None:
        self._owner = owner
        self._count = 0
        self._lock = threading.Lock()

    def send(self, message: Message) -> None:
        with self._lock:
            self._count += 1
        self._owner.post_message(message)

    def received(self) -> None:
        with self._lock:
            self._count -= 1

    @property
    def waiting(self) -> bool:
        with self._lock:
            return self._count > 0
