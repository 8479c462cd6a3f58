"""The bar on stderr: drawn for a terminal, never for a pipe or with --quiet; stdout the same bytes either way."""

import os
import pty
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from tracker.cli import progress_bar

from ..conftest import DEMO
from .conftest import Tracker

_ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def run(args: list[str], db: Path, *, terminal: bool) -> tuple[int, bytes, str]:
    """`tracker ARGS` as a whole process, stdout to a pipe, stderr to a pseudo-terminal or a pipe."""
    env = {**os.environ, "TRACKER_DB": str(db), "TRACKER_TODAY": "2015-10-19", "COLUMNS": "120"}
    command = [sys.executable, "-m", "tracker", *args]
    if not terminal:
        done = subprocess.run(command, capture_output=True, env=env, stdin=subprocess.DEVNULL, timeout=120)
        return done.returncode, done.stdout, done.stderr.decode()
    master, slave = pty.openpty()
    child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL, env=env)
    os.close(slave)
    drawn = b""
    while True:
        try:
            chunk = os.read(master, 1 << 16)
        except OSError:  # the child closed its end
            break
        if not chunk:
            break
        drawn += chunk
    os.close(master)
    assert child.stdout is not None
    out = child.stdout.read()
    child.stdout.close()
    return child.wait(timeout=120), out, _ESCAPES.sub("", drawn.decode(errors="replace"))


def test_import_draws_its_phases_on_a_terminal_and_nothing_in_a_pipe(tmp_path: Path) -> None:
    code, shown, drawn = run(["import", str(DEMO)], tmp_path / "terminal.db", terminal=True)
    assert code == 0
    for phase in ("import: reading", "import: checking", "import: writing", "import: recording"):
        assert phase in drawn
    assert "of 3.2 kB" in drawn and "left" in drawn

    code, piped, nothing = run(["import", str(DEMO)], tmp_path / "pipe.db", terminal=False)
    assert code == 0 and nothing == ""
    assert shown == piped  # stdout the same bytes, bar or none
    assert piped.startswith(b"imported 4 budget lines, 4 payments, 6 contracts, 16 deliverables;")

    code, quiet, silent = run(["import", "--quiet", str(DEMO)], tmp_path / "quiet.db", terminal=True)
    assert code == 0 and silent.strip() == "" and quiet == piped


def test_verify_draws_on_a_terminal_and_says_the_same(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    assert run(["import", str(DEMO)], db, terminal=False)[0] == 0
    code, shown, drawn = run(["audit", "verify"], db, terminal=True)
    assert code == 0 and "verify: chain" in drawn and "verify: digests" in drawn and "34 of 34 rows" in drawn
    assert (code, shown) == run(["audit", "verify"], db, terminal=False)[:2]


@pytest.fixture
def demo(tracker: Tracker) -> Tracker:
    tracker("import", str(DEMO), env={"TRACKER_TODAY": "2015-10-19"})
    return tracker


@pytest.mark.parametrize(("args", "phase"), [
    (["audit", "verify"], "verify: totals"),
    (["export", "commitments", "--as-of", "2015-10-19", "--dir", "{out}"], "export: writing"),
    (["export", "ocds", "--as-of", "2015-10-19", "--dir", "{out}", "--publisher", "MOPAC", "--uri",
      "https://example.org", "--ocid-prefix", "ocds-213czf"], "ocds: writing"),
    (["backup", "{out}/"], "backup: verifying rows"),
])
def test_each_long_command_draws_only_when_stderr_is_a_terminal(demo: Tracker, tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch, args: list[str],
                                                                 phase: str) -> None:
    def invoke(terminal: bool, *extra: str) -> tuple[str, str]:
        out = tmp_path / f"{terminal}{len(extra)}"
        out.mkdir()
        monkeypatch.setattr(progress_bar, "stderr_is_terminal", lambda: terminal)
        result = demo(*(arg.replace("{out}", str(out)) for arg in args), *extra)
        return result.stdout.replace(str(out), "OUT"), result.stderr

    drawn_out, drawn = invoke(True)
    plain_out, plain = invoke(False)
    quiet_out, quiet = invoke(True, "--quiet")
    assert phase in drawn
    assert plain == quiet == ""
    stamp = re.compile(r"tracker-backup-[0-9T]+\.(db|dump) \([0-9,]+ bytes\)")  # a backup's name is its time
    assert stamp.sub("", drawn_out) == stamp.sub("", plain_out) == stamp.sub("", quiet_out) != ""


def test_a_refusal_is_one_clean_line_after_the_bar_is_taken_away(tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.mkdir()
    for source in DEMO.glob("*.csv"):
        (bad / source.name).write_bytes(source.read_bytes())
    lines = (bad / "payments.csv").read_text().splitlines()
    lines[2] = lines[2].replace("30000.00", "30000.001")
    (bad / "payments.csv").write_text("\n".join(lines) + "\n")
    code, shown, drawn = run(["import", str(bad)], tmp_path / "t.db", terminal=True)
    assert (code, shown) == (2, b"")
    assert "import: checking" in drawn
    assert drawn.splitlines()[-1] == ('error: payments.csv line 3, column amount: amount "30000.001" has more than '
                                      'two decimal places')


def test_the_year_end_close_draws_only_when_stderr_is_a_terminal(demo: Tracker, clone: Callable[[str], str],
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Each close on its own copy of the same store: a year closes once."""
    demo("pay", "DEMO 2015 120", "1", env={"TRACKER_TODAY": "2016-06-05"})
    close = ("year-end", "close", "2015/16", "--decision", "DMPCD 2016 31", "--carry", "DMPCD 2015 76:3=VG-1617",
             *(f"--release={item}" for item in ("DEMO 2015 46:2", "DEMO 2015 46:3", "DMPCD 2015 76:1",
                                                "DMPCD 2015 76:2", "DEMO 2015 91:2", "DEMO 2015 91:3",
                                                "DEMO 2015 120:2", "DEMO 2015 120:3")))

    def invoke(terminal: bool, *extra: str) -> tuple[str, str]:
        monkeypatch.setattr(progress_bar, "stderr_is_terminal", lambda: terminal)
        result = Tracker(clone(demo.db))(*close, *extra, env={"TRACKER_TODAY": "2016-06-05"})
        return result.stdout, result.stderr

    drawn_out, drawn = invoke(True)
    plain_out, plain = invoke(False)
    quiet_out, quiet = invoke(True, "--quiet")
    for phase in ("year-end: checking", "year-end: moving", "year-end: recording"):
        assert phase in drawn
    assert "0 of 9 deliverables" in _ESCAPES.sub("", drawn)  # the total known from the start
    assert plain == quiet == ""
    assert drawn_out == plain_out == quiet_out
    assert drawn_out.startswith("closed 2015/16 on 5 Jun 2016: carried forward 1 (£59,840.00), released 8")
