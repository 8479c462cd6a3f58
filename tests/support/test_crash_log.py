"""The one crash log: private, pruned, and free of database passwords; the CLI and the desk both use it."""

import os
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tracker.cli.main import app
from tracker.support import crash_log
from tracker.support.places import data_dir
from tracker.support.safe_text import escape_controls, redact_passwords


def _boom(*_args: object, **_kwargs: object) -> None:
    raise RuntimeError("cannot reach postgresql://clerk:s3cret-pw@db.example/tracker")


def test_a_cli_crash_writes_a_private_log_without_the_password(tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tracker.domain.payments.release_payment", _boom)
    result = CliRunner().invoke(app, ["--db", str(tmp_path / "t.db"), "pay", "X", "1"])
    assert result.exit_code == 70
    assert "s3cret" not in result.stderr
    logs = sorted((data_dir() / "crash-logs").iterdir())
    assert len(logs) == 1 and str(logs[0]) in result.stderr
    assert stat.S_IMODE(os.stat(logs[0]).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(logs[0].parent).st_mode) == 0o700
    text = logs[0].read_text()
    assert "RuntimeError" in text and "s3cret" not in text and "clerk:***@db.example" in text


def test_crash_logs_are_pruned_to_the_newest_twenty(tmp_path: Path) -> None:
    written = [crash_log.write_crash_log(ValueError(n), folder=tmp_path / "logs") for n in range(25)]
    kept = sorted((tmp_path / "logs").iterdir())
    assert kept == written[-20:]


def test_passwords_are_masked_and_controls_escaped() -> None:
    assert redact_passwords("--db 'postgresql+psycopg://u:p%40ss@h:5432/d'") == "--db 'postgresql+psycopg://u:***@h:5432/d'"
    assert redact_passwords("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"
    assert escape_controls("ref\x1b]0;owned\x07\x1b[2J") == "ref\\x1b]0;owned\\x07\\x1b[2J"
    assert escape_controls("Smith & Co £5") == "Smith & Co £5"
