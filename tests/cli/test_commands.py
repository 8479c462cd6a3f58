# ruff: noqa: E501  (messages are pinned verbatim, one string each)
"""Every command's --help, every refusal's one line and exit code, and no traceback for any input."""

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import typer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tracker.cli.main import app
from tracker.domain.schema import open_store

from ..domain.ledger import snapshot
from ..stores import Store
from .conftest import Tracker, one_line, store_template
from .test_walk import REF, found


def command_paths(group: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    yield prefix
    for name, command in getattr(group, "commands", {}).items():
        yield from command_paths(command, (*prefix, name))


ALL_COMMANDS = sorted(command_paths(typer.main.get_command(app)))


def test_the_expected_commands_exist() -> None:
    expected = {("init",), ("import",), ("demo",), ("pay",), ("reverse",), ("show",), ("budget", "add"),
                ("budget", "list"), ("contract", "add"), ("contract", "award"), ("contract", "close"),
                ("contract", "cancel"), ("contract", "list"), ("deliverable", "add"), ("deliverable", "submit"),
                ("deliverable", "accept"), ("deliverable", "reject")}
    assert expected <= set(ALL_COMMANDS)


@pytest.mark.parametrize("path", ALL_COMMANDS, ids=lambda p: " ".join(p) or "tracker")
def test_every_command_has_help(tmp_path: Path, path: tuple[str, ...]) -> None:
    tracker = Tracker(str(tmp_path / "tracker.db"))
    shown = tracker(*path, "--help").stdout
    assert shown.startswith("Usage: ")
    assert len(shown.splitlines()) > 3
    assert not Path(tracker.db).exists()  # asking for help touches no database


def _awarded(build: Tracker) -> None:
    """The founding case awarded, #1 accepted by Alice, #2 submitted."""
    found(build)
    build("contract", "award", REF, "--on", "2015-07-02")
    for seq in ("1", "2"):
        build("--as", "Alice", "deliverable", "submit", REF, seq, "--on", "2015-07-15")
    build("--as", "Alice", "deliverable", "accept", REF, "1", "--on", "2015-07-20")


@pytest.fixture
def awarded(store_kind: Store, tmp_path_factory: pytest.TempPathFactory, clone: Callable[[str], str]) -> Tracker:
    return Tracker(clone(store_template(store_kind, tmp_path_factory, "awarded", _awarded)))


REFUSALS = [
    (["--as", "Bob", "pay", REF, "2"], {}, f"{REF} #2 (Options appraisal) is submitted; a payment is released only for an accepted deliverable"),
    (["--as", "Bob", "pay", REF, "1", "--amount", "44,880.01"], {}, f"{REF} #1 has £44,880.00 unpaid of £44,880.00; this payment is £44,880.01"),
    (["--as", "Alice", "pay", REF, "1"], {}, f"Alice accepted {REF} #1 and so may not release its payment; another officer must, or it is released as an override with a reason (to override: --override-sod --reason TEXT)"),
    (["--as", "Bob", "pay", REF, "1", "--on", "2015-03-31"], {},
     "a payment dated 2015-03-31 falls in 2014/15, outside VG-1516's financial year 2015/16 (2015-04-01 to 2016-03-31)"),
    (["--as", "Bob", "pay", REF, "1", "--on", "2015-07-19"], {}, f"a payment dated 2015-07-19 would come before {REF} #1 was accepted (2015-07-20)"),
    (["--as", "Bob", "pay", REF, "1", "--on", "2015-10-20"], {}, "a payment cannot be dated 2015-10-20, after today (2015-10-19)"),
    (["deliverable", "add", REF, "--name", "More", "--amount", "0.01", "--due", "2015-12-31"], {},
     f"{REF} is worth £149,600.00 and its deliverables already total £149,600.00; this one is £0.01, £0.01 too much"),
    (["deliverable", "accept", REF, "3"], {}, f"{REF} #3 is pending; only a submitted deliverable can be accepted"),
    (["deliverable", "submit", REF, "1"], {}, f"{REF} #1 is accepted; only a pending or rejected deliverable can be submitted"),
    (["contract", "award", REF], {}, f"{REF} is awarded; only a draft contract can be awarded"),
    (["contract", "close", REF], {}, f"{REF} has £44,880.00 accepted but unpaid; pay it before closing the contract"),
    (["budget", "add", "VG-1516", "--name", "x", "--fy", "2015/16", "--allocation", "1"], {}, "budget line VG-1516 already exists; codes are unique"),
    (["contract", "add", "C3", "--title", "t", "--supplier", "s", "--value", "150,000.01", "--ceiling", "150000", "--budget-line", "VG-1516"], {},
     "value £150,000.01 is over the tender ceiling £150,000.00"),
]


@pytest.mark.parametrize(("args", "env", "message"), REFUSALS, ids=lambda v: " ".join(v) if isinstance(v, list) else "")
def test_refusals_are_one_line_exit_1_and_change_nothing(awarded: Tracker, args: list[str], env: dict[str, str],
                                                         message: str) -> None:
    engine = open_store(awarded.db)
    before = snapshot(engine)
    result = awarded(*args, code=1, env=env)
    assert result.stdout == ""
    assert one_line(result, "refused: ") == message
    assert snapshot(engine) == before
    engine.dispose()


def test_award_over_a_hard_line_is_refused(awarded: Tracker) -> None:
    awarded("contract", "add", "C2", "--title", "t", "--supplier", "s", "--value", "50,400.01", "--budget-line", "VG-1516")
    engine = open_store(awarded.db)
    before = snapshot(engine)
    result = awarded("contract", "award", "C2", code=1)
    assert one_line(result, "refused: ") == (
        "awarding C2 would over-commit VG-1516: it has £50,400.00 uncommitted of £200,000.00; this contract is £50,400.01")
    assert snapshot(engine) == before
    engine.dispose()


def test_duplicate_invoice_refused(awarded: Tracker) -> None:
    awarded("invoice", "receive", REF, "1", "--number", "INV-1", "--date", "2015-09-04", "--received", "2015-09-05",
            "--net", "200")
    awarded("--as", "Bob", "pay", REF, "1", "--amount", "100", "--invoice", "INV-1")
    result = awarded("--as", "Bob", "pay", REF, "1", "--amount", "100", "--invoice", "INV-1", code=1)
    assert one_line(result, "refused: ") == f"invoice INV-1 has already been paid on {REF}"


INVALID = [
    (["deliverable", "add", REF, "--name", "x", "--amount", "-5", "--due", "2015-12-31"], 'amount "-5" is negative; amounts must be zero or more'),
    (["deliverable", "add", REF, "--name", "x", "--amount", "1e6", "--due", "2015-12-31"], 'amount "1e6" is not an amount of money; write it like 149600 or £149,600.00'),
    (["deliverable", "add", REF, "--name", "x", "--amount", "12.345", "--due", "2015-12-31"], 'amount "12.345" has more than two decimal places'),
    (["deliverable", "add", REF, "--name", "x", "--amount", "5", "--due", "2015-02-30"], 'date "2015-02-30" does not exist in the calendar'),
    (["budget", "add", "X", "--name", "x", "--fy", "2015/17", "--allocation", "1"], 'financial year "2015/17" does not exist; a year runs 1 April to 31 March, e.g. 2015/16'),
    (["budget", "add", "X", "--name", "x", "--fy", "2015/16", "--allocation", "1", "--control", "soft"], 'control "soft" is not one of: hard (refuse overspend), warn (allow with a warning)'),
    (["show", "NOPE"], "no contract 'NOPE'; `tracker contract list` shows the contracts"),
    (["deliverable", "submit", REF, "99999999999999999999"], f"{REF} has no deliverable 99999999999999999999; `tracker show '{REF}'` lists them"),
    (["reverse", "99999999999999999999", "--reason", "x"], "no payment 99999999999999999999; `tracker show REF` lists a contract's payments with their ids"),
    (["--as", "Bob", "pay", REF, "1", "--amount", "0"], 'amount "0" is zero; an amount must be more than £0.00'),
    (["--as", "Bob", "pay", REF, "1", "--reason", "x"], "--reason goes with --override-sod"),
    (["deliverable", "reject", REF, "2", "--reason", "bad\x00reason"], "reason contains control characters; use plain text"),
]


@pytest.mark.parametrize(("args", "message"), INVALID, ids=lambda v: " ".join(v) if isinstance(v, list) else "")
def test_invalid_input_is_one_error_line_exit_2(awarded: Tracker, args: list[str], message: str) -> None:
    engine = open_store(awarded.db)
    before = snapshot(engine)
    result = awarded(*args, code=2)
    assert one_line(result, "error: ") == message
    assert snapshot(engine) == before
    engine.dispose()


def test_store_problems_exit_3(tracker: Tracker, tmp_path: Path) -> None:
    assert one_line(Tracker("foo://bar")("init", code=3), "error: ").startswith("cannot use --db 'foo://bar'")
    assert one_line(Tracker(str(tmp_path))("init", code=3), "error: ") == f"{tmp_path} is a directory, not a database file"
    (tmp_path / "notes.txt").write_text("not a database\n" * 100)
    assert one_line(Tracker(str(tmp_path / "notes.txt"))("init", code=3), "error: ") == "cannot open the database: file is not a database"
    missing = tmp_path / "missing.db"
    assert one_line(Tracker(str(missing))("show", REF, code=3), "error: ") == f"no database at {missing}; run `tracker init` first, or pass --db"


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(amount=st.text(max_size=30), seq=st.text(max_size=12), day=st.text(max_size=12))
def test_no_traceback_for_any_input(tracker: Tracker, amount: str, seq: str, day: str) -> None:
    """Whatever is typed, the answer is a result, a refusal (1) or an error (2) in one line: never a traceback."""
    for args in (["deliverable", "add", REF, "--name", "x", "--amount", amount, "--due", day],
                 ["pay", REF, seq, "--amount", amount, "--on", day],
                 ["budget", "add", "L-" + seq, "--name", "n", "--fy", day, "--allocation", amount]):
        result = CliRunner().invoke(app, ["--db", tracker.db, *args])
        assert result.exit_code in (0, 1, 2), (args, result.stderr)
        assert "Traceback" not in result.stdout + result.stderr
        if result.exit_code == 1:
            one_line(result, "refused: ")
