"""What a person waits for: `tracker --db URL` in a terminal paints the dashboard's figures before loading SQLAlchemy.

The real console command runs in a fresh interpreter on a pseudo-terminal (120x40), as a person starts it; at the
first screen drawn with the year's figures it writes the modules and style sheets loaded so far and stops. The ORM,
SQLModel, Pydantic and Typer cost a fifth of the wait and the first screen needs none of them: the other screens
load on first use, and the desk starts without building the command line's commands. Nor does it need SQLAlchemy,
another fifth: a forked process opens the store and reads the first figures (`tracker.ui.first_read`). Textual
parses and matches every style rule it holds before it paints, so the other screens' and the dialogs' style sheets
load with them.

pendulum is allowed: the first screen shows the day and its financial year, and dates go through pendulum in one
module (`tracker.domain.fiscal`) only; keeping it off this path would mean a second way of reading the calendar.
"""

import fcntl
import json
import os
import pty
import select
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

from sqlalchemy import Engine

from tracker.domain.context import Context
from tracker.domain.fiscal import fixed_clock
from tracker.domain.importing import import_folder
from tracker.domain.people import Actor

from ..conftest import DEMO, DEMO_TODAY

NOT_BEFORE_THE_PAINT = ("sqlmodel", "pydantic", "sqlalchemy", "typer")

LAUNCH = """
import json, os, sys
from importlib.metadata import entry_points

import textual.app

display = textual.app.App._display
written = sys.argv[1]


def drawn(app, screen, renderable):
    display(app, screen, renderable)
    try:
        title = str(app.screen.query_one("#lines-title").render())
    except Exception:
        return
    if "Budget lines 20" in title and app.screen.query_one("#lines").row_count:
        sheets = sorted(os.path.basename(path) for path, _ in app.stylesheet.source if path.endswith(".tcss"))
        with open(written, "w") as out:
            json.dump({"modules": sorted(sys.modules), "style_sheets": sheets,
                       "styled": sorted(set().union(*(rule.selector_names for rule in app.stylesheet.rules)))}, out)
        os._exit(0)


textual.app.App._display = drawn
sys.argv = ["tracker", *sys.argv[2:]]
(tracker,) = entry_points(group="console_scripts", name="tracker")
tracker.load()()
"""
"""Runs the installed `tracker` command; the first screen drawn with a year's budget lines ends it."""


def in_a_terminal(script: str, *args: str) -> tuple[int, bytes]:
    """Run `script` (Python) with `args` in a fresh interpreter on a 120x40 pseudo-terminal, as a person starts the
    desk; its exit code and the end of what it wrote to the terminal."""
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    env = {**os.environ, "TRACKER_TODAY": DEMO_TODAY.isoformat(), "TRACKER_USER": "Bob Pays", "TERM": "xterm-256color"}
    env.pop("TRACKER_DB", None)
    process = subprocess.Popen([sys.executable, "-c", script, *args], stdin=follower, stdout=follower,
                               stderr=follower, env=env, close_fds=True)
    os.close(follower)
    screen = b""
    deadline = time.monotonic() + 120
    try:
        while process.poll() is None and time.monotonic() < deadline:
            if select.select([leader], [], [], 0.1)[0]:
                try:
                    screen = (screen + os.read(leader, 65536))[-4000:]
                except OSError:
                    break
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        os.close(leader)
    return process.returncode, screen


def loaded_at_first_paint(target: str, written: Path) -> dict[str, list[str]]:
    """The modules and style sheets loaded when `tracker --db TARGET` in a 120x40 terminal first shows the
    dashboard's figures."""
    _, screen = in_a_terminal(LAUNCH, str(written), "--db", target)
    assert written.exists(), f"the desk did not paint its figures; the terminal last showed: {screen!r}"
    loaded: dict[str, list[str]] = json.loads(written.read_text())
    return loaded


def test_the_dashboard_is_painted_before_sqlalchemy_sqlmodel_pydantic_typer_or_other_screens_styles_load(
        engine: Engine, store: str, tmp_path: Path) -> None:
    import_folder(Context(engine, Actor("Importer", "importer"), fixed_clock(DEMO_TODAY)), DEMO)
    loaded = loaded_at_first_paint(store, tmp_path / "loaded.json")
    modules = loaded["modules"]
    assert "textual.app" in modules and "tracker.ui.screens.dashboard" in modules
    early = sorted(name for name in modules if name.startswith(NOT_BEFORE_THE_PAINT))
    assert early == []
    assert loaded["style_sheets"] == ["tracker.tcss"]
    assert {"#filter", "ContractScreen", "BudgetScreen", "#dialog", "#refusal", "ActionModal"}.isdisjoint(
        loaded["styled"])
