"""Never a cut figure: every screen and dialog, at every width from 60 to 200 columns, 24 and 40 rows high.

Each `£` figure drawn must be whole and must be one the reports give; a column that cannot show its figures
whole is dropped instead. One app per screen, resized through every width inside one Pilot run.
"""

import dataclasses
import os
import re
from typing import Any

import pytest
from sqlalchemy import Engine
from textual.pilot import Pilot
from textual.screen import ModalScreen

from tracker.domain.fiscal import FiscalYear
from tracker.domain.money import format_gbp, format_pounds
from tracker.domain.payments import preview_payment
from tracker.reports.audit_log import AuditQuery, audit_page
from tracker.reports.budget import budget_report, period_profile
from tracker.reports.contract_list import ContractQuery, contracts_page
from tracker.reports.dashboard import dashboard, line_contracts
from tracker.reports.registers import budget_lines, contract_statement
from tracker.store.session import read_session
from tracker.ui.screens.contract import ContractScreen

from ..conftest import DEMO_TODAY
from .conftest import DeskFactory
from .helpers import desk_test, press, settle

EVERY_WIDTH = range(60, 201)
WIDTHS = EVERY_WIDTH if os.environ.get("DESK_EVERY_WIDTH") else sorted(
    {*range(60, 201, 9), 79, 80, 81, 99, 100, 101, 117, 118, 119, 130, 155, 159, 160, 200})
"""Every width with DESK_EVERY_WIDTH=1 (about 12 minutes on a loaded machine); by default a spread with the widths
where layouts used to change (80, 100, 118, 130, 155, 160)."""
HEIGHTS = (24, 40)
YEAR = FiscalYear(2015)

TOKEN = re.compile(r"[-£\d,.]*£[-£\d,.]*|\d{1,3}(?:,\d{3})+[\d,.]*|\d+\.\d\d\b")
"""Anything drawn that looks like an amount: with a £, grouped in thousands, or in pence."""
WHOLE = re.compile(r"-?£\d{1,3}(?:,\d{3})*\.\d{2}")


def report_figures(engine: Engine) -> set[str]:
    """Every amount the reports give for the demo's year, as people and as machines read it."""
    pence: set[int] = set()

    def walk(value: Any) -> None:
        if isinstance(value, tuple | list):
            for item in value:
                walk(item)
        elif isinstance(value, str):
            pence.update(_pence(token) for token in re.findall(r"-?£[\d,]+\.\d\d", value))
        elif dataclasses.is_dataclass(value):
            for name in dir(value):
                if name.endswith("_pence") and isinstance(getattr(value, name), int):
                    pence.add(getattr(value, name))
            for field in dataclasses.fields(value):
                walk(getattr(value, field.name))

    with read_session(engine) as session:
        lines = budget_lines(session)
        walk(lines)
        walk(budget_report(session, year=YEAR))
        for code in [None, *(line.code for line in lines)]:
            profile = period_profile(session, year=YEAR, today=DEMO_TODAY, line_code=code)
            walk(profile)
            pence.add(sum(row.paid_pence for row in profile.periods))
        walk(dashboard(session, YEAR, DEMO_TODAY))
        for line in lines:
            walk(line_contracts(session, line.code))
        page = contracts_page(session, ContractQuery(YEAR, "", "reference", False))
        walk(page.rows)
        for row in page.rows:
            statement = contract_statement(session, row.reference)
            walk(statement)
            for item in statement.deliverables:
                preview = preview_payment(session, row.reference, item.seq)
                pence.update({preview.line_left_pence, preview.line_left_after(preview.unpaid_pence)})
            pence.update(-payment.amount_pence for payment in statement.payments)
        walk(audit_page(session, AuditQuery("", "")).rows)
    return {format_gbp(amount) for amount in pence} | {format_pounds(amount) for amount in pence}


def _pence(figure: str) -> int:
    sign = -1 if figure.startswith("-") else 1
    return sign * int(figure.lstrip("-£").replace(",", "").replace(".", ""))


def cut_figures(pilot: Pilot[Any], known: set[str]) -> list[str]:
    """The amounts on screen that are not drawn whole, or not the reports' own.

    Over a dialog only the dialog counts: the screen behind it shows at its sides, covered by it.
    """
    screen = pilot.app.screen
    strips = screen._compositor.render_strips()
    if isinstance(screen, ModalScreen):
        box = screen.children[0].region
        strips = [strip.crop(box.x, box.right) for strip in strips[box.y:box.bottom]]
    text = "\n".join(strip.text for strip in strips)
    text = text.replace("(£)", "")
    bad = []
    for token in TOKEN.findall(text):
        token = token.rstrip(".,")
        if not (WHOLE.fullmatch(token) or re.fullmatch(r"\d+\.\d\d", token)) or token not in known:
            bad.append(token)
    return bad


async def open_contract(pilot: Pilot[Any], reference: str, *keys: str) -> None:
    await pilot.app.push_screen(ContractScreen(reference))
    await settle(pilot)
    for key in keys:
        await press(pilot, key)


SCENES: dict[str, tuple[str, ...]] = {
    "dashboard": (),
    "contracts": ("2",),
    "budget": ("3",),
    "audit": ("4",),
    "event": ("4", "enter"),
}
CONTRACT_SCENES: dict[str, tuple[str, tuple[str, ...]]] = {
    "contract": ("DEMO 2015 46", ()),
    "contract_76": ("DMPCD 2015 76", ()),
    "accept_dialog": ("DMPCD 2015 76", ("a",)),
    "pay_dialog": ("DEMO 2015 120", ("p",)),
    "pay_refused": ("DMPCD 2015 76", ("p", "ctrl+s")),
    "reverse_dialog": ("DEMO 2015 46", ("v",)),
}


async def sweep(pilot: Pilot[Any], height: int, known: set[str]) -> dict[int, list[str]]:
    found: dict[int, list[str]] = {}
    for width in WIDTHS:
        await pilot.resize_terminal(width, height)
        bad = cut_figures(pilot, known)
        if bad:
            found[width] = bad
    return found


@pytest.mark.parametrize("scene", [*SCENES, *CONTRACT_SCENES])
@desk_test
async def test_no_figure_is_cut_at_any_width(scene: str, desk: DeskFactory, demo_engine: Engine) -> None:
    known = report_figures(demo_engine)
    app = desk()
    async with app.run_test(size=(WIDTHS[-1], HEIGHTS[-1])) as pilot:
        await settle(pilot)
        if scene in SCENES:
            for key in SCENES[scene]:
                await press(pilot, key)
        else:
            reference, keys = CONTRACT_SCENES[scene]
            await open_contract(pilot, reference, *keys)
        found = {(width, height): bad for height in HEIGHTS
                 for width, bad in (await sweep(pilot, height, known)).items()}
    assert not found, f"cut or unknown figures on {scene}: " + "; ".join(
        f"{width}x{height} {bad}" for (width, height), bad in list(found.items())[:8])
