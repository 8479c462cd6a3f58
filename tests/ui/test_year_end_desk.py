"""The founding case across a year end at the desk: DMPCD 2015 76 #1 accepted on 20 March 2016, its invoice
received the next day, paid on 10 April 2016 from the payment dialog, which says the payment is charged to the old
year; then the year-end review of 2015/16, read-only, shows it as an accrual settled since, with the same rows as
`tracker year-end review`. On both stores."""

import datetime as dt
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine
from sqlmodel import select
from textual.widgets import Label

from tracker.domain.context import Context
from tracker.domain.deliverables import accept_deliverable
from tracker.domain.fiscal import FiscalYear, fixed_clock
from tracker.domain.importing import import_folder
from tracker.domain.invoices import receive_invoice
from tracker.domain.models import BudgetLine, Payment
from tracker.domain.people import Actor
from tracker.domain.schema import open_store
from tracker.domain.verify import verify_store
from tracker.reports.year_end import year_end_review
from tracker.store.session import read_session
from tracker.ui.app import build_app
from tracker.ui.dialogs.action import ActionModal
from tracker.ui.screens.contract import ContractScreen
from tracker.ui.screens.year_end import YearEndScreen
from tracker.ui.widgets.desk_table import DeskTable

from ..conftest import DEMO, DEMO_TODAY
from .conftest import OFFICER
from .helpers import cell_texts, desk_test, press, settle
from .test_invoice_forms import fill, refusal, shown

REF = "DMPCD 2015 76"
JUNE = dt.date(2016, 6, 5)


@pytest.fixture
def march_engine(store: str) -> Iterator[Engine]:
    """The demo, with the founding case's first deliverable accepted on 20 March 2016 and invoiced the next day."""
    engine = open_store(store)
    import_folder(Context(engine, Actor("Importer", "importer"), fixed_clock(DEMO_TODAY)), DEMO)
    signatory = Context(engine, Actor("Sarah Okafor", "sarah"), fixed_clock(dt.date(2016, 3, 21)))
    accept_deliverable(signatory, REF, 1, on=dt.date(2016, 3, 20))
    receive_invoice(signatory, REF, 1, number="IMP-2016-007", invoice_date=dt.date(2016, 3, 21),
                    received_on=dt.date(2016, 3, 21), net_pence=4_488_000)
    yield engine
    engine.dispose()


def paid(engine: Engine) -> dict[str, int]:
    with read_session(engine) as session:
        return {line.code: line.paid_pence for line in session.exec(select(BudgetLine))}


@desk_test
async def test_march_work_is_paid_in_april_from_the_desk_and_charged_to_the_old_year(march_engine: Engine) -> None:
    before = paid(march_engine)
    app = build_app(march_engine, OFFICER, fixed_clock(JUNE), label="demo", cursor_blink=False)
    async with app.run_test(size=(100, 32)) as pilot:
        await app.push_screen(ContractScreen(REF))
        await settle(pilot)
        await press(pilot, "p")
        assert isinstance(app.screen, ActionModal)
        await fill(pilot, paid_on="10 April 2016")
        assert shown(app, "Invoice") == "IMP-2016-007"
        assert shown(app, "Three-way match") == ("accepted ✓; IMP-2016-007 valid ✓; £44,880.00 ≤ £44,880.00 unpaid "
                                                 "gross ✓")
        assert shown(app, "Charged to") == ("2015/16, the old year: accepted 20 Mar 2016, paid after its end "
                                            "31 Mar 2016 (accrual)")
        assert refusal(app) == ""
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ContractScreen)
    after = paid(march_engine)
    assert after["VG-1516"] - before["VG-1516"] == 4_488_000
    assert after["VG-1617"] == before["VG-1617"]
    with read_session(march_engine) as session:
        payment = session.exec(select(Payment).where(Payment.invoice == "IMP-2016-007")).one()
    assert (payment.paid_on, payment.charged_year, payment.amount_pence) == (dt.date(2016, 4, 10), 2015, 4_488_000)
    assert verify_store(march_engine).ok


@desk_test
async def test_the_budget_screen_opens_the_year_end_review_with_the_reports_rows(march_engine: Engine) -> None:
    app = build_app(march_engine, OFFICER, fixed_clock(JUNE), label="demo", cursor_blink=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await press(pilot, "3", "left_square_bracket", "e")
        assert isinstance(app.screen, YearEndScreen)
        with read_session(march_engine) as session:
            review = year_end_review(session, FiscalYear(2015))
        accruals = cell_texts(app.screen.query_one("#accruals", DeskTable))
        founding = next(row for row in accruals if row[1:3] == [REF, "1"])
        assert founding[0] == "VG-1516" and founding[3].startswith("Mapping exercise")
        assert founding[4:] == ["20 Mar 2016", "£44,880.00", "£0.00", "£44,880.00"]
        assert [row[1:3] for row in accruals[:-1]] == [[a.reference, str(a.seq)] for a in review.accruals]
        assert accruals[-1][0] == "Total" and accruals[-1][5] == f"£{review.accrued_pence / 100:,.2f}"
        commitments = cell_texts(app.screen.query_one("#commitments", DeskTable))
        assert [row[1:3] for row in commitments[:-1]] == [[m.reference, "" if m.seq is None else str(m.seq)]
                                                          for m in review.commitments]
        assert [row[6] for row in commitments if row[1:3] in ([REF, "2"], [REF, "3"])] == ["£44,880.00",
                                                                                          "£59,840.00"]
        outturn = {row[0]: row for row in cell_texts(app.screen.query_one("#outturn", DeskTable))}
        assert set(outturn) == {u.line_code for u in review.lines}
        for line in review.lines:
            assert outturn[line.line_code][6] == f"£{line.underspend_pence / 100:,.2f}"
        title = str(app.screen.query_one("#accruals-title", Label).render())
        assert title.startswith("Accruals 2015/16: accepted by 31 Mar 2016 and unpaid then")
        await press(pilot, "escape")
        assert not isinstance(app.screen, YearEndScreen)
