"""The README's tour, run as written on today's real date: every example gives the answer the README shows."""

import re
import shlex

import pytest
from typer.testing import CliRunner

from tracker.cli.main import app

from ..conftest import ROOT

TOUR = re.compile(r"## A tour of the command line\n.*?```console\n(?P<block>.*?)```", re.DOTALL)


def tour() -> list[tuple[list[str], list[str]]]:
    """Each `$ tracker ...` command of the tour (continuation lines joined, comments dropped) with the lines the
    README shows after it."""
    match = TOUR.search((ROOT / "README.md").read_text(encoding="utf-8"))
    assert match is not None
    steps: list[tuple[list[str], list[str]]] = []
    for line in match["block"].replace("\\\n", " ").splitlines():
        if line.startswith("$ "):
            for command in line[2:].split(";"):
                words = shlex.split(command, comments=True)
                assert words[0] == "tracker", line
                steps.append((words[1:], []))
        else:
            steps[-1][1].append(line)
    return steps


def test_the_tour_gives_the_readme_s_answers_on_any_day(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TRACKER_TODAY")
    steps = tour()
    assert len(steps) >= 15
    for args, shown in steps:
        result = CliRunner().invoke(app, args, env={"COLUMNS": "120"})
        refused = any(line.startswith("refused: ") for line in shown)
        assert result.exit_code == (1 if refused else 0), (args, result.stdout, result.stderr)
        if shown and not shown[0].startswith("database ready at"):  # the README shows a typical home folder
            assert (result.stderr if refused else result.stdout).splitlines() == shown, args
