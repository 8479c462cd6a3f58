"""Add a contract from a decision form in the desk: the proposal opens as a draft, each field editable with its
source beside it, and saving goes through the intake's own apply (same rules, file and SHA-256 in the trail)."""

import datetime as dt
import json
from pathlib import Path

from sqlalchemy import Engine
from sqlmodel import select
from textual.widgets import Input, Static

from tracker.domain.audit import AuditAction
from tracker.domain.budget import add_budget_line
from tracker.domain.context import Context
from tracker.domain.fiscal import FiscalYear, fixed_clock
from tracker.domain.models import AuditEvent
from tracker.domain.people import Actor
from tracker.domain.schema import open_store
from tracker.reports.registers import contract_statement
from tracker.store.session import read_session
from tracker.ui.app import TrackerApp, build_app
from tracker.ui.dialogs.action import ActionModal
from tracker.ui.screens.dashboard import DashboardScreen

from ..conftest import ROOT
from .conftest import OFFICER
from .helpers import desk_test, press, settle

FORM = ROOT.parent / "shared" / "decisions" / "DMPCD-2099-41.txt"
TODAY = dt.date(2100, 1, 15)
SIZE = (120, 50)


def store_with_its_line(tmp_path: Path) -> Engine:
    engine = open_store(str(tmp_path / "decisions.db"))
    add_budget_line(Context(engine, Actor("Budget Holder", "holder"), fixed_clock(TODAY)), "WSF-2099",
                    name="Witness Support Fund 2099/00", fiscal_year=FiscalYear(2099), allocation_pence=12_000_000,
                    fund="Witness Support Fund", funder="Home Office")
    return engine


def the_desk(engine: Engine) -> TrackerApp:
    return build_app(engine, OFFICER, fixed_clock(TODAY), cursor_blink=False)


def field(app: TrackerApp, name: str) -> Input:
    return app.screen.query_one(f"#field-{name}", Input)


def record(app: TrackerApp) -> str:
    return str(app.screen.query_one("#record", Static).render())


async def open_the_draft(app: TrackerApp, pilot: object) -> None:
    await press(pilot, "n")  # type: ignore[arg-type]
    assert isinstance(app.screen, ActionModal)
    field(app, "path").value = str(FORM)
    await press(pilot, "ctrl+s")  # type: ignore[arg-type]
    assert isinstance(app.screen, ActionModal)


@desk_test
async def test_a_decision_form_becomes_a_checked_draft(tmp_path: Path) -> None:
    engine = store_with_its_line(tmp_path)
    app = the_desk(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_the_draft(app, pilot)
        assert [field(app, name).value for name in ("reference", "supplier", "value", "ceiling", "decision_date",
                                                    "line")] == ["DMPCD 2099 41", "Northgate Analytica LLP",
                                                                 "86250.00", "90000.00", "2099-11-14", "WSF-2099"]
        assert field(app, "deliverable1").value == "Baseline report; 21562.50; "
        # the form dates no deliverable: the draft says what to write until each has its date
        assert "deliverable 1 has no due date: write it after the last ;" in record(app)
        for seq, due in ((1, "28/02/2100"), (2, "1 March 2100"), (3, "2100-03-02")):
            field(app, f"deliverable{seq}").value += due
        field(app, "supplier").value = "Northgate Analytica Ltd"
        await settle(pilot)
        shown = record(app)
        assert "Supplier        Northgate Analytica Ltd  (corrected; the form said Northgate Analytica LLP)" in shown
        assert "Value           £86,250.00  (line 12, stated)" in shown
        assert "#1              Baseline report: £21,562.50 due 28 Feb 2100 (line 35, worked out)" in shown
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, DashboardScreen)

    with read_session(engine) as session:
        drafted = contract_statement(session, "DMPCD 2099 41")
        event = session.exec(select(AuditEvent).where(AuditEvent.action == AuditAction.CONTRACT_ADDED)).one()
    assert (drafted.supplier, drafted.status, drafted.value_pence, drafted.line_code) == (
        "Northgate Analytica Ltd", "draft", 8_625_000, "WSF-2099")
    assert [(d.name, d.amount_pence, d.due_on) for d in drafted.deliverables] == [
        ("Baseline report", 2_156_250, dt.date(2100, 2, 28)), ("Service standards", 3_018_750, dt.date(2100, 3, 1)),
        ("Implementation plan", 3_450_000, dt.date(2100, 3, 2))]
    assert json.loads(event.payload)["source"]["file"] == "DMPCD-2099-41.txt"


@desk_test
async def test_cancelling_the_draft_records_nothing(tmp_path: Path) -> None:
    engine = store_with_its_line(tmp_path)
    app = the_desk(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await open_the_draft(app, pilot)
        await press(pilot, "escape")
        assert isinstance(app.screen, DashboardScreen)
    with read_session(engine) as session:
        assert session.exec(select(AuditEvent).where(AuditEvent.action == AuditAction.CONTRACT_ADDED)).all() == []


@desk_test
async def test_a_file_that_is_no_form_is_refused_in_the_dialog(tmp_path: Path) -> None:
    engine = store_with_its_line(tmp_path)
    app = the_desk(engine)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        await press(pilot, "n")
        field(app, "path").value = str(tmp_path / "missing.pdf")
        await press(pilot, "ctrl+s")
        assert isinstance(app.screen, ActionModal)
        refusal = str(app.screen.query_one("#refusal", Static).render())
        assert "missing.pdf does not exist" in refusal
