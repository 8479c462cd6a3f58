"""The desk's invoice actions on a contract: receive, dispute, resolve and reject, each the domain's own change,
refused inside the dialog in the domain's words; and the payment dialog that pays against a chosen invoice, with
the three-way match and the year it is charged to shown before anything is recorded. On the demo, on both
stores."""

import datetime as dt
from typing import Any

from sqlalchemy import Engine
from textual.widgets import Input, Static

from tracker.domain.context import Context
from tracker.domain.deliverables import accept_deliverable
from tracker.domain.fiscal import fixed_clock
from tracker.domain.invoices import dispute_invoice, receive_invoice, reject_invoice
from tracker.domain.people import Actor
from tracker.domain.verify import verify_store
from tracker.reports.invoices import InvoiceRow, invoice_register
from tracker.reports.registers import contract_statement
from tracker.store.session import read_session
from tracker.ui.app import TrackerApp, build_app
from tracker.ui.dialogs.action import ActionModal
from tracker.ui.screens.contract import ContractScreen
from tracker.ui.widgets.desk_table import DeskTable

from ..conftest import DEMO_TODAY
from . import each_store
from .conftest import OFFICER
from .helpers import cell_texts, desk_test, press, settle

REF = "DMPCD 2015 76"
SMALL = (80, 24)
SIGNATORY = Actor("Alice Accepts", "alice")


demo_engine = each_store.demo_engine  # the demo on each store, over conftest's SQLite one


def desk_on(engine: Engine, today: dt.date = DEMO_TODAY) -> TrackerApp:
    return build_app(engine, OFFICER, fixed_clock(today), label="demo", cursor_blink=False)


def invoices(engine: Engine) -> list[InvoiceRow]:
    with read_session(engine) as session:
        return list(invoice_register(session, today=DEMO_TODAY, reference=REF))


def record(app: Any) -> str:
    return str(app.screen.query_one("#record", Static).render())


def refusal(app: Any) -> str:
    widget = app.screen.query_one("#refusal", Static)
    return str(widget.render()) if widget.has_class("shown") else ""


def shown(app: Any, label: str) -> str:
    """The value the dialog shows beside a label of what will be recorded."""
    line = next(line for line in record(app).splitlines() if line.startswith(label + " "))
    return line[len(label):].strip()


async def fill(pilot: Any, **values: str) -> None:
    for name, value in values.items():
        pilot.app.screen.query_one(f"#field-{name}", Input).value = value
    await settle(pilot)


async def open_form(pilot: Any, *keys: str) -> None:
    await pilot.app.push_screen(ContractScreen(REF))
    await settle(pilot)
    await press(pilot, *keys)
    assert isinstance(pilot.app.screen, ActionModal)


def received(engine: Engine, number: str = "IMP-2015-031", *, on: dt.date = dt.date(2015, 9, 5),
             today: dt.date = DEMO_TODAY) -> None:
    receive_invoice(Context(engine, SIGNATORY, fixed_clock(today)), REF, 1, number=number, invoice_date=on,
                    received_on=on, net_pence=4_488_000)


@desk_test
async def test_receiving_an_invoice_shows_its_gross_and_clock_and_records_it(demo_engine: Engine) -> None:
    app = desk_on(demo_engine)
    async with app.run_test(size=(100, 32)) as pilot:
        await open_form(pilot, "I")
        await fill(pilot, number="IMP-2015-031", date="4 September 2015", received="07/09/2015", net="37400",
                   vat="7480")
        shown = record(app)
        assert "Event        invoice.received" in shown
        assert "Invoice      IMP-2015-031 from Impower Consulting Ltd" in shown
        assert "Dated        4 Sep 2015, received 7 Sep 2015" in shown
        assert "Net          £37,400.00" in shown and "VAT          £7,480.00" in shown
        assert "Gross        £44,880.00" in shown
        assert "Clock        due 7 Oct 2015 (pcr2015)" in shown
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ContractScreen)
        assert any("Invoice IMP-2015-031 on DMPCD 2015 76 #1, £44,880.00: valid, due 7 Oct 2015"
                   in str(note.message) for note in app._notifications)
        rows = cell_texts(app.screen.query_one("#invoices", DeskTable))
        assert rows == [["IMP-2015-031", "1", "£44,880.00", "7 Sep 2015", "7 Oct 2015", "12 days overdue",
                         "£44,880.00"]]
    [row] = invoices(demo_engine)
    assert (row.number, row.invoice_date, row.received_on, row.gross_pence, row.status) == (
        "IMP-2015-031", dt.date(2015, 9, 4), dt.date(2015, 9, 7), 4_488_000, "valid")
    assert verify_store(demo_engine).ok


@desk_test
async def test_an_invoice_above_the_deliverable_is_refused_in_the_dialog_at_80x24(demo_engine: Engine) -> None:
    app = desk_on(demo_engine)
    async with app.run_test(size=SMALL) as pilot:
        await open_form(pilot, "I")
        await fill(pilot, number="IMP-2015-031", net="50000")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ActionModal)
        assert refusal(app) == ("✗ Refused — nothing was recorded: DMPCD 2015 76 #1 is £44,880.00 and its invoices "
                                "already total £0.00 net; this one is £50,000.00 net, £5,120.00 too much")
    assert invoices(demo_engine) == []


@desk_test
async def test_the_same_number_written_differently_is_refused_as_the_supplier_already_sent_it(
        demo_engine: Engine) -> None:
    received(demo_engine)
    app = desk_on(demo_engine)
    async with app.run_test(size=SMALL) as pilot:
        await open_form(pilot, "I")
        await fill(pilot, number="imp 2015.031", net="100")
        await press(pilot, "ctrl+s")
        assert "Refused — nothing was recorded" in refusal(app) and "IMP-2015-031" in refusal(app)
    assert len(invoices(demo_engine)) == 1


@desk_test
async def test_dispute_then_resolve_moves_the_clock_and_reject_turns_it_away(demo_engine: Engine) -> None:
    received(demo_engine)
    app = desk_on(demo_engine)
    async with app.run_test(size=(100, 32)) as pilot:
        await open_form(pilot, "x")
        await fill(pilot, on="10 September 2015", reason="Hours do not match the timesheets")
        assert "Clock        stopped until resolved" in record(app)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ContractScreen)
        assert cell_texts(app.screen.query_one("#invoices", DeskTable))[0][5] == "disputed, clock stopped"

        await press(pilot, "R")
        await fill(pilot, on="01/10/2015")
        assert "Clock        due 31 Oct 2015 (pcr2015)" in record(app)
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ContractScreen)
        assert cell_texts(app.screen.query_one("#invoices", DeskTable))[0][4:6] == ["31 Oct 2015", "due in 12 days"]

        await press(pilot, "X")
        await fill(pilot, reason="Raised against the wrong purchase order")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ContractScreen)
    [row] = invoices(demo_engine)
    assert (row.status, row.valid_from, row.due_on) == ("rejected", dt.date(2015, 10, 1), None)
    assert verify_store(demo_engine).ok


@desk_test
async def test_resolving_an_undisputed_invoice_is_refused_in_the_domains_words(demo_engine: Engine) -> None:
    received(demo_engine)
    app = desk_on(demo_engine)
    async with app.run_test(size=SMALL) as pilot:
        await open_form(pilot, "R")
        await press(pilot, "ctrl+s")
        assert refusal(app) == ("✗ Refused — nothing was recorded: invoice IMP-2015-031 is valid; only a disputed "
                                "invoice can be resolved")
    assert invoices(demo_engine)[0].status == "valid"


@desk_test
async def test_the_payment_dialog_pays_the_chosen_invoice_and_previews_the_three_way_match(
        demo_engine: Engine) -> None:
    signatory = Context(demo_engine, SIGNATORY, fixed_clock(DEMO_TODAY))
    accept_deliverable(signatory, REF, 1, accepted_by="Sarah Okafor", on=dt.date(2015, 9, 1))
    received(demo_engine, "IMP-2015-030", on=dt.date(2015, 9, 2))
    dispute_invoice(signatory, REF, "IMP-2015-030", on=dt.date(2015, 9, 3), reason="Wrong rate")
    app = desk_on(demo_engine)
    async with app.run_test(size=(100, 32)) as pilot:
        await open_form(pilot, "p")
        assert app.screen.query_one("#field-invoice", Input).value == ""
        assert "IMP-2015-030 disputed, £44,880.00 unpaid" in record(app)
        assert "accepted ✓; no invoice named" in record(app)
        await fill(pilot, invoice="IMP-2015-030")
        assert "accepted ✓; IMP-2015-030 disputed ✗" in record(app)
        assert "Would be refused" in refusal(app) and "IMP-2015-030" in refusal(app)
        await press(pilot, "escape")

    reject_invoice(signatory, REF, "IMP-2015-030", reason="Wrong rate")
    received(demo_engine, "IMP-2015-031", on=dt.date(2015, 9, 5))
    app = desk_on(demo_engine)
    async with app.run_test(size=(100, 32)) as pilot:
        await open_form(pilot, "p")
        assert app.screen.query_one("#field-invoice", Input).value == "IMP-2015-031"
        assert app.screen.query_one("#field-amount", Input).value == "44880.00"
        assert shown(app, "Three-way match") == ("accepted ✓; IMP-2015-031 valid ✓; £44,880.00 ≤ £44,880.00 unpaid "
                                                 "gross ✓")
        assert shown(app, "Charged to") == "2015/16"
        await fill(pilot, amount="20000")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ContractScreen)
        await press(pilot, "p")
        assert app.screen.query_one("#field-amount", Input).value == "24880.00"
        await fill(pilot, amount="24880.01")
        assert "£24,880.01 ≤ £24,880.00 unpaid gross ✗" in record(app)
        assert "Would be refused" in refusal(app)
        await press(pilot, "escape")
    with read_session(demo_engine) as session:
        paid = contract_statement(session, REF).payments
    assert [(p.amount_pence, p.invoice) for p in paid] == [(2_000_000, "IMP-2015-031")]
    paid_invoice = next(row for row in invoices(demo_engine) if row.number == "IMP-2015-031")
    assert (paid_invoice.paid_pence, paid_invoice.unpaid_pence) == (2_000_000, 2_488_000)
    assert verify_store(demo_engine).ok
