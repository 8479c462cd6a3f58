"""Snapshots of the dashboard, and what opens over it: the welcome on an empty store, help, the year picker."""

from typing import Any

from ..conftest import DeskFactory
from .steps import SIZE, SMALL, steps


def test_dashboard(snap_compare: Any, desk: DeskFactory) -> None:
    assert snap_compare(desk(), terminal_size=SIZE, run_before=steps())


def test_dashboard_small_terminal(snap_compare: Any, desk: DeskFactory) -> None:
    assert snap_compare(desk(), terminal_size=SMALL, run_before=steps())


def test_welcome(snap_compare: Any, empty_desk: DeskFactory) -> None:
    assert snap_compare(empty_desk(), terminal_size=SIZE, run_before=steps())


def test_help(snap_compare: Any, desk: DeskFactory) -> None:
    assert snap_compare(desk(), terminal_size=SIZE, run_before=steps("question_mark"))


def test_year_picker(snap_compare: Any, desk: DeskFactory) -> None:
    assert snap_compare(desk(), terminal_size=SIZE, run_before=steps("y"))
