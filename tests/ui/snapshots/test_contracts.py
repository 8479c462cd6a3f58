"""Snapshots of the contracts list, whole and filtered."""

from typing import Any

from ..conftest import DeskFactory
from .steps import SIZE, steps


def test_contracts(snap_compare: Any, desk: DeskFactory) -> None:
    assert snap_compare(desk(), terminal_size=SIZE, run_before=steps("2"))


def test_contracts_filtered(snap_compare: Any, desk: DeskFactory) -> None:
    assert snap_compare(desk(), terminal_size=SIZE, run_before=steps("2", "slash", text="grey"))
