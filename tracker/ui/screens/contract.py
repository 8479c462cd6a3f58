"""One contract: its decision, its deliverables, its invoices with their clocks and its payments, and the actions on
a deliverable."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import ClassVar, TypeVar

from rich.text import Text
from sqlmodel import Session
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Header, Label, Static

from tracker.domain import contracts, deliverables, payments, rules
from tracker.domain.audit import AuditAction
from tracker.domain.corrections import Corrected
from tracker.domain.errors import TrackerError
from tracker.domain.fiscal import FiscalYear, format_date, parse_date
from tracker.domain.invoices import InvoiceRecorded, number_key
from tracker.domain.models import ContractStatus, Control, DeliverableStatus, InvoiceStatus
from tracker.domain.money import format_gbp, format_pounds, parse_money
from tracker.domain.variations import Reprofiled, Varied
from tracker.reports.invoices import InvoiceRow, invoice_register
from tracker.reports.registers import (
    DeliverableRow,
    LineRow,
    PaymentRow,
    Statement,
    budget_line_row,
    budget_lines,
    contract_statement,
)
from tracker.store.session import read_session
from tracker.ui.dialogs.action import ActionModal, ActionSpec, Field, Values
from tracker.ui.dialogs.adding import deliverable_form
from tracker.ui.dialogs.correction import amend_form, reopen_form, revoke_form
from tracker.ui.dialogs.invoice import dispute_form, receive_form, reject_form, resolve_form
from tracker.ui.dialogs.variation import reprofile_form, vary_form
from tracker.ui.keymap import CONTRACT, bindings
from tracker.ui.messages import AwardPreviewLoaded, ChangeFiguresLoaded, PaymentPreviewLoaded, StatementLoaded
from tracker.ui.screens.base import DeskScreen
from tracker.ui.widgets.cells import date, money
from tracker.ui.widgets.columns import Column
from tracker.ui.widgets.desk_table import DeskTable

Outcome = TypeVar("Outcome")

DELIVERABLE_COLUMNS = (
    Column("seq", "#"), Column("name", "Deliverable", gives_way=True, drop=2), Column("amount", "Amount", right=True),
    Column("due", "Due", right=True, drop=3), Column("status", "Status"),
    Column("decided", "Accepted / rejected by", gives_way=True, drop=1), Column("paid", "Paid", right=True, drop=4),
)
INVOICE_COLUMNS = (
    Column("number", "Invoice"), Column("seq", "#", drop=4), Column("gross", "Gross", right=True),
    Column("received", "Received", right=True, drop=3), Column("due", "Due", right=True, drop=2),
    Column("clock", "Clock", gives_way=True), Column("unpaid", "Unpaid", right=True, drop=1),
)
PAYMENT_COLUMNS = (
    Column("id", "Id"), Column("seq", "#", drop=4), Column("amount", "Amount", right=True),
    Column("paid_on", "Paid on", right=True, drop=5), Column("invoice", "Invoice", drop=3),
    Column("released_by", "Released by", gives_way=True, drop=2), Column("note", "Note", gives_way=True, drop=1),
)


class ContractScreen(DeskScreen):
    CSS_PATH = "screens.tcss"
    BINDINGS: ClassVar[list[BindingType]] = bindings(CONTRACT)

    def __init__(self, reference: str) -> None:
        super().__init__()
        self.reference = reference
        self.statement: Statement | None = None
        self.invoices: tuple[InvoiceRow, ...] = ()

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="decision"):
            yield Static(id="decision-left", markup=False)
            yield Static(id="decision-right", markup=False)
        yield Label("Deliverables", classes="section-title", markup=False)
        yield DeskTable(id="deliverables")
        yield Label("Invoices", id="invoices-title", classes="section-title", markup=False)
        yield DeskTable(id="invoices")
        yield Label("Payments", id="payments-title", classes="section-title", markup=False)
        yield DeskTable(id="payments")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#deliverables").focus()

    def reload(self) -> None:
        reference = self.reference
        today = self.desk.clock.today()
        self.read(StatementLoaded, lambda session: StatementLoaded(
            contract_statement(session, reference), invoice_register(session, today=today, reference=reference)),
                  busy=self.query_one("#deliverables"))

    def on_statement_loaded(self, message: StatementLoaded) -> None:
        self.statement, self.invoices = message.statement, message.invoices
        self._show_statement(message.statement)
        self._show_invoices(message.invoices)

    def _show_invoices(self, invoices: tuple[InvoiceRow, ...]) -> None:
        """Each invoice with its clock: overdue ones say so in words as well as colour."""
        table = self.query_one("#invoices", DeskTable)
        today = self.desk.clock.today()
        warning = table.style_of("warning")
        table.fill(INVOICE_COLUMNS, [(row.number, [
            row.number, str(row.seq), money(row.gross_pence), date(row.received_on), date(row.due_on),
            Text(row.clock(today), style=warning if row.days_overdue else ""), money(row.unpaid_pence)])
            for row in invoices])
        self.query_one("#invoices-title", Label).update(f"Invoices ({len(invoices)})")

    def _show_statement(self, statement: Statement) -> None:
        def money_or_none(pence: int | None) -> str:
            return "none" if pence is None else format_gbp(pence)

        left = [("Decision", statement.reference), ("Title", statement.title), ("Supplier", statement.supplier),
                ("Lines", " + ".join(f"{p.line_code} {format_gbp(p.committed_pence)}" for p in statement.parts))
                if statement.parts else ("Line", f"{statement.line_code} {statement.line_name}"),
                ("Status", statement.status + (f" ({statement.cancel_reason})" if statement.cancel_reason else "")),
                ("Decided", format_date(statement.decision_date) or "-")]
        right = [("Value", format_gbp(statement.value_pence)), ("Ceiling", money_or_none(statement.ceiling_pence)),
                 ("Paid", format_gbp(statement.paid_pence)), ("Unpaid", format_gbp(statement.unpaid_pence)),
                 ("Starts", format_date(statement.start_date) or "-"), ("Ends", format_date(statement.end_date) or "-")]
        self.query_one("#decision-left", Static).update(_pairs(left))
        self.query_one("#decision-right", Static).update(_pairs(right))
        items = self.query_one("#deliverables", DeskTable)
        today = self.desk.clock.today()
        warning = items.style_of("warning")
        cursor = items.cursor_row
        rows: list[tuple[str, list[object]]] = []
        for item in statement.deliverables:
            late = item.status != DeliverableStatus.ACCEPTED and item.due_on < today
            status = Text(f"{item.status} ! late", style=warning) if late else Text(item.status)
            decided = f"{item.decided_by} {format_date(item.decided_on)}" if item.decided_by else ""
            rows.append((str(item.seq), [str(item.seq), item.name, money(item.amount_pence), date(item.due_on), status,
                                         decided, money(item.paid_pence)]))
        items.fill(DELIVERABLE_COLUMNS, rows)
        if items.row_count:
            items.move_cursor(row=min(cursor, items.row_count - 1), animate=False)
        paid = self.query_one("#payments", DeskTable)
        pay_cursor = paid.cursor_row
        reversed_by = {p.reverses_payment_id: p.payment_id for p in statement.payments if p.reverses_payment_id}
        paid.fill(PAYMENT_COLUMNS,
                  [(str(row.payment_id), [str(row.payment_id), str(row.seq), money(row.amount_pence),
                                          date(row.paid_on), row.invoice or "", row.released_by,
                                          _payment_note(row, reversed_by)]) for row in statement.payments])
        if paid.row_count:
            paid.move_cursor(row=min(pay_cursor, paid.row_count - 1), animate=False)
        self.query_one("#payments-title", Label).update(f"Payments ({len(statement.payments)})")

    @on(DataTable.RowSelected, "#deliverables")
    def action_open(self) -> None:
        """ENTER on a deliverable opens the step it is waiting for."""
        item = self._selected()
        if item is None:
            return
        if item.status == DeliverableStatus.SUBMITTED:
            self.action_accept()
        elif item.status == DeliverableStatus.ACCEPTED:
            self.action_release()
        else:
            self.action_submit()

    def _selected(self) -> DeliverableRow | None:
        items = self.query_one("#deliverables", DeskTable)
        if self.statement is None or not items.row_count:
            self.notify("No deliverable is selected", severity="warning", markup=False)
            return None
        seq = int(items.coordinate_to_cell_key(items.cursor_coordinate).row_key.value or 0)
        return next(item for item in self.statement.deliverables if item.seq == seq)

    def _dialog(self, spec: ActionSpec[Outcome], done: Callable[[Outcome | None], None]) -> None:
        self.app.push_screen(ActionModal(spec, cursor_blink=self.desk.cursor_blink), done)

    def _deliverable_changed(self, outcome: deliverables.DeliverableChanged | None) -> None:
        if outcome is not None:
            self.notify(f"{outcome.reference} #{outcome.seq} is now {outcome.status}", title="Recorded",
                        markup=False)

    def _payment_recorded(self, outcome: payments.PaymentRecorded | None) -> None:
        if outcome is not None:
            self.notify(f"Payment {outcome.payment_id}: {format_gbp(outcome.amount_pence)} on {outcome.reference} "
                        f"#{outcome.seq}; {outcome.line_code} left to pay {format_gbp(outcome.line_left_after)}",
                        title="Recorded", markup=False)

    def _what(self, item: DeliverableRow) -> str:
        return f"{self.reference} #{item.seq} {item.name}"

    def action_submit(self) -> None:
        item = self._selected()
        if item is None:
            return
        ctx, reference, seq = self.desk.context, self.reference, item.seq
        today = format_date(ctx.clock.today())
        self._dialog(ActionSpec(
            title=f"Submit {reference} #{seq}", confirm="Record submission", fields=(),
            describe=lambda values: [("Event", AuditAction.DELIVERABLE_SUBMITTED), ("Deliverable", self._what(item)),
                                     ("Status", f"{item.status} → submitted"), ("Submitted on", today),
                                     ("Recorded by", self._by())],
            perform=lambda values: deliverables.submit_deliverable(ctx, reference, seq)), self._deliverable_changed)

    def action_accept(self) -> None:
        item = self._selected()
        if item is None:
            return
        ctx, reference, seq = self.desk.context, self.reference, item.seq
        today = ctx.clock.today()
        self._dialog(ActionSpec(
            title=f"Accept {reference} #{seq}", confirm="Record acceptance",
            fields=(Field("accepted_by", "Signed off by",
                          placeholder="e.g. Sarah Okafor"),
                    Field("note", "Evidence checked",
                          placeholder="e.g. Mapping report received and reviewed"),
                    Field("on", "Signed off on", default=today.isoformat())),
            describe=lambda values: [("Event", AuditAction.DELIVERABLE_ACCEPTED), ("Deliverable", self._what(item)),
                                     ("Amount", format_gbp(item.amount_pence)),
                                     ("Accepted by", values["accepted_by"].strip() or ctx.actor.claimed),
                                     ("Accepted on", format_date(parse_date(values["on"], today=today))),
                                     ("Evidence", values["note"].strip() or "(none)"),
                                     ("Recorded by", self._by())],
            perform=lambda values: deliverables.accept_deliverable(
                ctx, reference, seq, accepted_by=values["accepted_by"] or None, note=values["note"] or None,
                on=parse_date(values["on"], today=today))),
            self._deliverable_changed)

    def action_reject(self) -> None:
        item = self._selected()
        if item is None:
            return
        ctx, reference, seq = self.desk.context, self.reference, item.seq
        self._dialog(ActionSpec(
            title=f"Reject {reference} #{seq}", confirm="Record rejection",
            fields=(Field("reason", "Reason"),),
            describe=lambda values: [("Event", AuditAction.DELIVERABLE_REJECTED), ("Deliverable", self._what(item)),
                                     ("Rejected by", ctx.actor.claimed),
                                     ("On", format_date(ctx.clock.today())),
                                     ("Reason", values["reason"].strip() or "(required)"),
                                     ("Recorded by", self._by())],
            perform=lambda values: deliverables.reject_deliverable(ctx, reference, seq, reason=values["reason"])),
            self._deliverable_changed)

    def action_release(self) -> None:
        item = self._selected()
        if item is None:
            return
        ctx, reference, seq = self.desk.context, self.reference, item.seq

        def query(session: Session) -> PaymentPreviewLoaded:
            preview = payments.preview_payment(session, reference, seq)
            refusal = None
            if preview.unpaid_pence <= 0:
                try:
                    payments.check_release(session, ctx, reference, seq, amount_pence=0, paid_on=ctx.clock.today())
                except TrackerError as error:
                    refusal = error.message
            invoices = invoice_register(session, today=ctx.clock.today(), reference=reference)
            return PaymentPreviewLoaded(item, preview, refusal, tuple(row for row in invoices if row.seq == seq))

        self.read(PaymentPreviewLoaded, query)

    def on_payment_preview_loaded(self, message: PaymentPreviewLoaded) -> None:
        """The release dialog: every figure it shows is the domain's preview, for the amount typed, with the
        three-way match against the invoice chosen and the year the payment is charged to."""
        item, preview = message.item, message.preview
        if message.nothing_to_pay:
            self.notify(message.nothing_to_pay, title="Nothing to pay", severity="warning", markup=False)
            return
        ctx, reference, seq = self.desk.context, self.reference, item.seq
        today = ctx.clock.today()
        payable = [row for row in message.invoices if row.unpaid_pence > 0 and row.status != InvoiceStatus.REJECTED]
        first = next((row for row in payable if row.status == InvoiceStatus.VALID), None)

        def check(values: Values) -> None:
            with read_session(ctx.engine) as session:
                payments.check_release(session, ctx, reference, seq, amount_pence=amount_of(values),
                                       paid_on=parse_date(values["paid_on"], today=today),
                                       invoice=values["invoice"] or None)

        def amount_of(values: Values) -> int:
            return parse_money(values["amount"])

        def describe(values: Values) -> list[tuple[str, str]]:
            lines = [("Event", AuditAction.PAYMENT_RELEASED),
                     ("Deliverable", f"{preview.reference} #{preview.seq} {preview.deliverable} ({item.status})"),
                     ("Unpaid", format_gbp(preview.unpaid_pence)),
                     ("Invoices", "; ".join(f"{row.number} {row.status}, {format_gbp(row.unpaid_pence)} unpaid"
                                            for row in payable) or "(none open)")]
            amount = amount_of(values)
            paid_on = parse_date(values["paid_on"], today=today)
            before, after = preview.line_left_pence, preview.line_left_after(amount)
            lines += [("Amount", format_gbp(amount)), ("Paid on", format_date(paid_on)),
                      ("Invoice", values["invoice"].strip() or "(none)"),
                      ("Three-way match", _match(item, values["invoice"], amount, message.invoices)),
                      ("Charged to", _charged_to(preview.line_year, item, paid_on)),
                      (f"{preview.line_code} left to pay", f"{format_gbp(before)} → {format_gbp(after)}"
                                                           + ("  ! OVER the allocation" if after < 0 else "")),
                      ("Accepted by", item.decided_by or "(not accepted)"), ("Released by", self._by())]
            return lines

        amount = preview.unpaid_pence if first is None else min(preview.unpaid_pence, first.unpaid_pence)
        self._dialog(ActionSpec(
            title=f"Release payment for {reference} #{seq}", confirm="Release payment",
            fields=(Field("amount", "Amount (£)", default=format_pounds(amount)),
                    Field("paid_on", "Paid on", default=today.isoformat()),
                    Field("invoice", "Invoice", default="" if first is None else first.number,
                          placeholder="the invoice it pays, e.g. IMP-001")),
            describe=describe, check=check, compact=True,
            perform=lambda values: payments.release_payment(
                ctx, reference, seq, amount_pence=amount_of(values),
                paid_on=parse_date(values["paid_on"], today=today), invoice=values["invoice"] or None)),
            self._payment_recorded)

    def action_add_deliverable(self) -> None:
        statement = self.statement
        if statement is None:
            return
        planned = sum(item.amount_pence for item in statement.deliverables)
        seq = max((item.seq for item in statement.deliverables), default=0) + 1
        self._dialog(deliverable_form(self.desk.context, self.reference, status=statement.status,
                                      value_pence=statement.value_pence, planned_pence=planned, seq=seq),
                     self._deliverable_added)

    def _deliverable_added(self, outcome: deliverables.DeliverableChanged | None) -> None:
        if outcome is not None:
            self.notify(f"Added {outcome.reference} #{outcome.seq} {outcome.name}: {format_gbp(outcome.amount_pence)}",
                        title="Recorded", markup=False)

    def action_award(self) -> None:
        statement = self.statement
        if statement is None:
            return
        code = statement.line_code
        self.read(AwardPreviewLoaded, lambda session: AwardPreviewLoaded(
            next(line for line in budget_lines(session) if line.code == code)))

    def on_award_preview_loaded(self, message: AwardPreviewLoaded) -> None:
        """The award dialog: the line's commitment and headroom before and after, and the day of the award."""
        statement, line = self.statement, message.line
        if statement is None:
            return
        ctx, reference, value = self.desk.context, self.reference, statement.value_pence
        today = ctx.clock.today()
        committed, headroom = line.committed_pence, line.allocation_pence - line.committed_pence

        def describe(values: Values) -> list[tuple[str, str]]:
            over = ("" if value <= headroom else "  ! OVER: a hard line refuses this" if line.control == Control.HARD
                    else "  ! OVER: a warn line allows it, with a warning")
            return [("Event", AuditAction.CONTRACT_AWARDED),
                    ("Contract", f"{reference} ({statement.status}), {statement.supplier}"),
                    ("Value", format_gbp(value)),
                    ("Awarded on", format_date(parse_date(values["on"], today=today))),
                    (f"{line.code} committed", f"{format_gbp(committed)} → {format_gbp(committed + value)} of "
                                               f"{format_gbp(line.allocation_pence)}"),
                    (f"{line.code} headroom", f"{format_gbp(headroom)} → {format_gbp(headroom - value)}{over}"),
                    ("Recorded by", self._by())]

        def check(values: Values) -> None:
            rules.contract_in(reference, statement.status, (ContractStatus.DRAFT,), "awarded")
            rules.line_can_commit(reference, line.code, allocation=line.allocation_pence, committed=committed,
                                  value=value, hard=line.control == Control.HARD)

        self._dialog(ActionSpec(
            title=f"Award {reference}", confirm="Award", fields=(Field("on", "Awarded on", default=today.isoformat()),),
            describe=describe, check=check,
            perform=lambda values: contracts.award_contract(ctx, reference, on=parse_date(values["on"], today=today))),
            self._awarded)

    def _awarded(self, outcome: contracts.ContractChanged | None) -> None:
        if outcome is not None:
            self.notify(outcome.warning or f"{outcome.reference} is awarded: its value is committed",
                        title="Recorded", severity="warning" if outcome.warning else "information", markup=False)

    def action_reverse(self) -> None:
        table = self.query_one("#payments", DeskTable)
        if self.statement is None or not table.row_count:
            self.notify("This contract has no payment to reverse", severity="warning", markup=False)
            return
        payment_id = int(table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value or 0)
        row = next(p for p in self.statement.payments if p.payment_id == payment_id)
        ctx = self.desk.context
        self._dialog(ActionSpec(
            title=f"Reverse payment {payment_id}", confirm="Record reversal",
            fields=(Field("reason", "Reason"),),
            describe=lambda values: [("Event", AuditAction.PAYMENT_REVERSED),
                                     ("Payment", f"{payment_id}: {format_gbp(row.amount_pence)} on "
                                                 f"{format_date(row.paid_on)}, invoice {row.invoice or '(none)'}"),
                                     ("New entry", f"{format_gbp(-row.amount_pence)} on "
                                                   f"{format_date(ctx.clock.today())}"),
                                     ("Reason", values["reason"].strip() or "(required)"),
                                     ("Recorded by", self._by())],
            perform=lambda values: payments.reverse_payment(ctx, payment_id, reason=values["reason"])),
            self._payment_recorded)

    def _with_figures(self, open_form: Callable[[Statement, LineRow], None]) -> None:
        """Read the contract and its line afresh, then open a change form showing them before and after."""
        reference = self.reference

        def query(session: Session) -> ChangeFiguresLoaded:
            statement = contract_statement(session, reference)
            return ChangeFiguresLoaded(statement, budget_line_row(session, statement.line_code), open_form)

        self.read(ChangeFiguresLoaded, query)

    def on_change_figures_loaded(self, message: ChangeFiguresLoaded) -> None:
        message.open_form(message.statement, message.line)

    def action_vary(self) -> None:
        ctx = self.desk.context
        self._with_figures(lambda statement, line: self._dialog(vary_form(ctx, statement, line, self._by()),
                                                                self._varied))

    def _varied(self, outcome: Varied | None) -> None:
        if outcome is None:
            return
        self.notify(f"Recorded {outcome.label} of {outcome.reference}: value {format_gbp(outcome.value_before)} → "
                    f"{format_gbp(outcome.value_after)} ({outcome.cumulative} from the original); unallocated "
                    f"{format_gbp(outcome.unallocated_pence)}", title="Recorded", markup=False)
        for warning in outcome.warnings:
            self.notify(warning, title="Warning", severity="warning", markup=False)

    def action_reopen(self) -> None:
        ctx = self.desk.context
        self._with_figures(lambda statement, line: self._dialog(reopen_form(ctx, statement, line, self._by()),
                                                                self._corrected))

    def action_amend(self) -> None:
        if self.statement is not None:
            self._dialog(amend_form(self.desk.context, self.statement, self._by()), self._corrected)

    def action_revoke(self) -> None:
        item = self._selected()
        if item is not None:
            self._dialog(revoke_form(self.desk.context, self.reference, item, self._by()), self._corrected)

    def action_reprofile(self) -> None:
        item = self._selected()
        if item is not None:
            self._dialog(reprofile_form(self.desk.context, self.reference, item, self._by()), self._reprofiled)

    def _corrected(self, outcome: Corrected | None) -> None:
        if outcome is None:
            return
        self.notify(f"Recorded the correction of {outcome.what}: {', '.join(outcome.fields)}", title="Recorded",
                    markup=False)
        if outcome.warning:
            self.notify(outcome.warning, title="Warning", severity="warning", markup=False)

    def _reprofiled(self, outcome: Reprofiled | None) -> None:
        if outcome is not None:
            self.notify(f"Recorded {outcome.reference} #{outcome.seq} due {format_date(outcome.due_after)} (was "
                        f"{format_date(outcome.due_before)}, first due {format_date(outcome.original_due)})",
                        title="Recorded", markup=False)

    def _selected_invoice(self) -> InvoiceRow | None:
        table = self.query_one("#invoices", DeskTable)
        if not table.row_count:
            self.notify("This contract has no invoice", severity="warning", markup=False)
            return None
        number = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return next(row for row in self.invoices if row.number == number)

    def action_receive_invoice(self) -> None:
        item = self._selected()
        if item is not None and self.statement is not None:
            self._dialog(receive_form(self.desk.context, self.statement, item, self._by()), self._invoice_recorded)

    def action_dispute_invoice(self) -> None:
        invoice = self._selected_invoice()
        if invoice is not None:
            self._dialog(dispute_form(self.desk.context, self.reference, invoice, self._by()), self._invoice_recorded)

    def action_resolve_invoice(self) -> None:
        invoice = self._selected_invoice()
        if invoice is not None:
            self._dialog(resolve_form(self.desk.context, self.reference, invoice, self._by()), self._invoice_recorded)

    def action_reject_invoice(self) -> None:
        invoice = self._selected_invoice()
        if invoice is not None:
            self._dialog(reject_form(self.desk.context, self.reference, invoice, self._by()), self._invoice_recorded)

    def _invoice_recorded(self, outcome: InvoiceRecorded | None) -> None:
        if outcome is not None:
            due = f"due {format_date(outcome.due_on)}" if outcome.due_on else "not due while disputed"
            self.notify(f"Invoice {outcome.number} on {outcome.reference} #{outcome.seq}, "
                        f"{format_gbp(outcome.gross_pence)}: {outcome.status}, {due}", title="Recorded", markup=False)


def _pairs(pairs: list[tuple[str, str]]) -> Text:
    width = max(len(label) for label, _ in pairs)
    text = Text()
    for label, value in pairs:
        text.append(f"{label:<{width}}  ", style="dim")
        text.append(f"{value}\n")
    text.rstrip()
    return text


def _match(item: DeliverableRow, number: str, amount: int, invoices: tuple[InvoiceRow, ...]) -> str:
    """The three checks a payment must pass, as the domain makes them: shown before it is asked."""
    accepted = "accepted ✓" if item.status == DeliverableStatus.ACCEPTED else f"{item.status} ✗ (not accepted)"
    if not number.strip():
        return f"{accepted}; no invoice named"
    key = number_key(number)
    invoice = next((row for row in invoices if number_key(row.number) == key), None)
    if invoice is None:
        return f"{accepted}; {number.strip()} is not an invoice for #{item.seq} ✗"
    valid = (f"{invoice.number} valid ✓" if invoice.status == InvoiceStatus.VALID
             else f"{invoice.number} {invoice.status} ✗")
    within = (f"{format_gbp(amount)} ≤ {format_gbp(invoice.unpaid_pence)} unpaid gross "
              f"{'✓' if amount <= invoice.unpaid_pence else '✗'}")
    return f"{accepted}; {valid}; {within}"


def _charged_to(year: FiscalYear, item: DeliverableRow, paid_on: dt.date) -> str:
    """A payment after the year end for work accepted by it is the old year's (an accrual): the officer sees so."""
    if paid_on <= year.ends:
        return year.label
    accepted = format_date(item.decided_on) if item.decided_on else "not yet"
    return f"{year.label}, the old year: accepted {accepted}, paid after its end {format_date(year.ends)} (accrual)"


def _payment_note(row: PaymentRow, reversed_by: dict[int, int]) -> str:
    if row.reverses_payment_id:
        return f"reverses {row.reverses_payment_id}: {row.reason or ''}"
    if row.payment_id in reversed_by:
        return f"reversed by {reversed_by[row.payment_id]}"
    return "override: " + row.sod_override_reason if row.sod_override_reason else ""

