"""What thread workers send back to the screens: one message class per kind of result, plain rows, never widgets.

A screen handles each by name (`on_dashboard_loaded`); `DeskScreen` does the bookkeeping common to all `Loaded`.
The rows' types are named for the type checker only: loading this module loads no report, so the first screen
pays only for its own.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Generic, TypeVar

from textual.message import Message
from textual.message_pump import MessagePump

if TYPE_CHECKING:
    from tracker.domain.fiscal import FiscalYear
    from tracker.domain.payments import PaymentPreview
    from tracker.reports.audit_log import AuditPage
    from tracker.reports.budget import BudgetReport, PeriodProfile
    from tracker.reports.contract_list import ContractPage, ContractQuery
    from tracker.reports.dashboard_rows import Dashboard, LineContract, WaitingCounts
    from tracker.reports.figures import LineRow
    from tracker.reports.invoices import InvoiceRow
    from tracker.reports.registers import DeliverableRow, Statement
    from tracker.reports.year_end import YearEndReview

Outcome = TypeVar("Outcome")


class Loaded(Message):
    """A worker has read what a screen asked for. Each kind of read has its own subclass."""


@dataclass
class DashboardLoaded(Loaded):
    board: Dashboard
    years: list[FiscalYear]


@dataclass
class LineContractsLoaded(Loaded):
    line_code: str
    rows: list[LineContract]
    more: bool


@dataclass
class WaitingCounted(Loaded):
    """All of a dashboard's waiting work, counted after its first page was shown."""

    board: Dashboard
    counts: WaitingCounts


@dataclass
class ContractsPageLoaded(Loaded):
    page: ContractPage


@dataclass
class ContractsCounted(Loaded):
    query: ContractQuery
    matching: int


@dataclass
class StatementLoaded(Loaded):
    statement: Statement
    invoices: tuple[InvoiceRow, ...] = ()


@dataclass
class PaymentPreviewLoaded(Loaded):
    item: DeliverableRow
    preview: PaymentPreview
    nothing_to_pay: str | None = None
    """The domain's refusal when the deliverable is fully paid: the desk says so instead of opening a dialog."""
    invoices: tuple[InvoiceRow, ...] = ()
    """The deliverable's invoices, the one to pay against chosen among them."""


@dataclass
class YearEndLoaded(Loaded):
    review: YearEndReview


@dataclass
class ChangeFiguresLoaded(Loaded):
    """A contract as it stands and its budget line's figures, read as a change form opens; `open_form` opens it."""

    statement: Statement
    line: LineRow
    open_form: Callable[[Statement, LineRow], None]


@dataclass
class BudgetLoaded(Loaded):
    report: BudgetReport


@dataclass
class PeriodsLoaded(Loaded):
    line_code: str | None
    profile: PeriodProfile


@dataclass
class AuditPageLoaded(Loaded):
    page: AuditPage


@dataclass
class ActionFinished(Message, Generic[Outcome]):
    """A dialog's domain action ran: `outcome` is its result, or `refusal` the one line saying why nothing changed."""

    outcome: Outcome | None = None
    refusal: str | None = None
    partly: str | None = None
    """The action stopped part way: what it committed stays, and this says what that is."""
    stopped: bool = False
    """The officer stopped the work before it committed: nothing was changed."""


@dataclass
class RefusalPreviewed(Message):
    """What a dialog's values would meet if recorded now: the domain's one-line refusal, or None."""

    refusal: str | None = None


@dataclass
class AwardPreviewLoaded(Loaded):
    """The line a draft would be committed against, as it stands: the award dialog's before and after."""

    line: LineRow


@dataclass
class ProgressReported(Message):
    """How far a dialog's long work has got, in words."""

    text: str


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
