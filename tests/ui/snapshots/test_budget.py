"""Snapshots of the budget report and its periods."""

from typing import Any

from ..conftest import DeskFactory
from .steps import SIZE, steps


def test_budget(snap_compare: Any, desk: DeskFactory) -> None:
    assert snap_compare(desk(), terminal_size=SIZE, run_before=steps("3", "down"))
