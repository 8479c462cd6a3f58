"""Snapshots of one contract, and the dialogs of its deliverables and payments."""

from typing import Any

from ..conftest import DeskFactory
from .steps import SIZE, SMALL, steps


def test_contract(snap_compare: Any, desk: DeskFactory) -> None:
    assert snap_compare(desk(), terminal_size=SIZE, run_before=steps(contract="DEMO 2015 46"))


def test_contract_small_terminal(snap_compare: Any, desk: DeskFactory) -> None:
    assert snap_compare(desk(), terminal_size=SMALL, run_before=steps(contract="DMPCD 2015 76"))


def test_submit_dialog(snap_compare: Any, desk: DeskFactory) -> None:
    assert snap_compare(desk(), terminal_size=SIZE, run_before=steps("down", "s", contract="DMPCD 2015 76"))


def test_accept_dialog(snap_compare: Any, desk: DeskFactory) -> None:
    assert snap_compare(desk(), terminal_size=SIZE, run_before=steps("a", contract="DMPCD 2015 76",
                                                                     text="Alice Accepts"))


def test_accept_dialog_small_terminal(snap_compare: Any, desk: DeskFactory) -> None:
    assert snap_compare(desk(), terminal_size=SMALL, run_before=steps("a", contract="DMPCD 2015 76"))


def test_reject_dialog(snap_compare: Any, desk: DeskFactory) -> None:
    assert snap_compare(desk(), terminal_size=SIZE, run_before=steps("r", contract="DMPCD 2015 76",
                                                                     text="No provider list"))


def test_pay_dialog(snap_compare: Any, desk: DeskFactory) -> None:
    assert snap_compare(desk(), terminal_size=SIZE, run_before=steps("p", contract="DEMO 2015 120"))


def test_pay_dialog_refused(snap_compare: Any, desk: DeskFactory) -> None:
    assert snap_compare(desk(), terminal_size=SIZE, run_before=steps("p", "ctrl+s", contract="DMPCD 2015 76"))


def test_reverse_dialog(snap_compare: Any, desk: DeskFactory) -> None:
    assert snap_compare(desk(), terminal_size=SIZE, run_before=steps("v", contract="DEMO 2015 46",
                                                                     text="Paid twice"))
