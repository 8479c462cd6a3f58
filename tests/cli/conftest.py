"""Run `tracker` in-process as a user would, against a database of the test's own."""

import shutil
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from tracker.cli.main import app

from ..domain.conftest import fast_folder


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
def tracker(tmp_path: Path) -> Iterator[Tracker]:
    folder = fast_folder(tmp_path)
    yield Tracker(str(folder / "cli.db"))
    if folder != tmp_path:
        shutil.rmtree(folder, ignore_errors=True)


def one_line(result: Result, prefix: str) -> str:
    """The single stderr line of a refusal or error, without its prefix."""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(prefix), lines[0]
    return lines[0].removeprefix(prefix)
