"""Run `tracker` in-process as a user would, against a database of the test's own."""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import pytest
from typer.testing import CliRunner, Result

from tracker.cli.main import app

from ..stores import Store, fast_folder, new_target


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


_TEMPLATES: dict[tuple[Store, str], str] = {}


def store_template(kind: Store, tmp_path_factory: pytest.TempPathFactory, name: str,
                   build: Callable[[Tracker], None]) -> str:
    """A store built once per store kind and name, on 19 October 2015, to be cloned by each test that starts from it
    (building it again for every test would cost more than the tests)."""
    if (kind, name) not in _TEMPLATES:
        with pytest.MonkeyPatch.context() as env:
            env.setenv("TRACKER_TODAY", "2015-10-19")
            env.setenv("TRACKER_USER", "test-officer")
            tracker = Tracker(new_target(kind, fast_folder(tmp_path_factory.mktemp(name))))
            build(tracker)
        _TEMPLATES[(kind, name)] = tracker.db
    return _TEMPLATES[(kind, name)]
