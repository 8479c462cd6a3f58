"""`tracker` in a terminal opens the desk without the command tree; what a failure there says of the work."""

import sys
from pathlib import Path

import pytest

from tracker.cli import start


class Terminal:
    def isatty(self) -> bool:
        return True


def test_a_failure_in_the_desk_does_not_say_nothing_was_recorded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    """The desk records each change in its own transaction: a failure after some were made ends only its own."""
    def fails(_options: dict[str, str]) -> bool:
        raise RuntimeError("a bug, after the officer had recorded a payment")

    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.setattr(sys, "argv", ["tracker", "--db", str(tmp_path / "t.db")])
    monkeypatch.setattr(sys, "stdin", Terminal())
    monkeypatch.setattr(sys, "stdout", Terminal())
    monkeypatch.setattr(start, "_open_desk", fails)
    with pytest.raises(SystemExit) as ended:
        start.run()
    assert ended.value.code == 70
    said = capsys.readouterr().err
    assert said.startswith("internal error (RuntimeError); each change the desk said was recorded stays recorded, "
                           "and nothing else was. Details for support: "), said
    assert "nothing was recorded" not in said


@pytest.mark.parametrize(("below", "said"), [("afile/x.db", "afile is not a folder"),
                                             ("afile/sub/x.db", "sub is not a folder")])
def test_a_database_where_none_can_be_made_is_refused_in_one_line(tmp_path: Path, below: str, said: str) -> None:
    import subprocess

    (tmp_path / "afile").write_text("not a folder")
    done = subprocess.run([sys.executable, "-m", "tracker", "--db", str(tmp_path / below), "init"],
                          capture_output=True, text=True, env={"XDG_DATA_HOME": str(tmp_path), "PATH": "/usr/bin"})
    assert (done.returncode, done.stdout) == (3, ""), done.stderr
    assert done.stderr.startswith(f"error: cannot make the database {tmp_path / below}: {tmp_path}/"), done.stderr
    assert done.stderr.rstrip().endswith(said) and "\n" not in done.stderr.rstrip()
