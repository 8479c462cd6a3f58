"""Run `tracker` in-process as a user would, against a database of the test's own."""

from collections.abc import Mapping
from dataclasses import dataclass

import pytest
from typer.testing import CliRunner, Result

from tracker.cli.main import app


@dataclass
class Tracker:
    db: str

    def __call__(self, *args: str, code: int = 0, env: Mapping[str, str | None] | None = None) -> Result:
        """Invoke with --db; the exit code must be `code`, and no traceback may reach either stream."""
        result = CliRunner().invoke(app, ["--db", self.db, *args], env={"COLUMNS": "160", **(env or {})})
        assert result.exit_code == code, (result.stdout, result.stderr, result.exception)
        assert "Traceback" not in result.stdout + result.stderr
        assert "internal error" not in result.stderr
        return result


@pytest.fixture
def tracker(store: str) -> Tracker:
    """The command line on a store of the test's own, SQLite or PostgreSQL."""
    return Tracker(store)


def one_line(result: Result, prefix: str) -> str:
    """The single stderr line of a refusal or error, without its prefix."""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(prefix), lines[0]
    return lines[0].removeprefix(prefix)
