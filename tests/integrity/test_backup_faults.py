"""Backups under faults and mistakes: a user's mistake is one line (exit 2), a full disk says so, and a killed
backup leaves no partial copy behind once the next one has run."""

import errno
import fcntl
import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tests.integrity.helpers import populated_store
from tracker.cli.main import app


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "live.db"
    populated_store(path).dispose()
    return path


def test_a_backup_into_proc_is_a_users_mistake_not_an_internal_error(db: Path) -> None:
    code, _out, err = _run("--db", str(db), "backup", "/proc/x.db")
    assert code == 2, err
    assert err.startswith("error: ") and err.endswith("writing the backup to /proc/x.db; no backup was written\n")
    assert len(err.splitlines()) == 1


def test_a_destination_ending_in_slash_is_a_folder_that_must_exist(db: Path, tmp_path: Path) -> None:
    code, _out, err = _run("--db", str(db), "backup", f"{tmp_path}/missing/dir/")
    assert code == 2
    assert err == (f"error: no folder {tmp_path}/missing/dir/ to put the backup in; create it first, or give a file "
                   f"name\n")
    assert not (tmp_path / "missing").exists()
    (tmp_path / "copies").mkdir()
    code, out, err = _run("--db", str(db), "backup", f"{tmp_path}/copies/")
    assert code == 0, err
    [made] = (tmp_path / "copies").iterdir()
    assert made.name.startswith("tracker-backup-") and made.suffix == ".db" and str(made) in out


def test_a_destination_below_a_file_is_one_line(db: Path, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("x")
    code, _out, err = _run("--db", str(db), "backup", str(tmp_path / "notes.txt" / "x.db"))
    assert code == 2 and len(err.splitlines()) == 1 and "no backup was written" in err


def test_a_full_disk_during_the_copy_says_so_and_leaves_nothing(db: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*_args: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("tracker.domain.backup.backup_to", full)
    dest = tmp_path / "copies" / "nightly.db"
    code, _out, err = _run("--db", str(db), "backup", str(dest))
    assert code == 2
    assert err == f"error: disk full writing the backup to {dest}; no backup was written\n"
    assert list(dest.parent.iterdir()) == []


def test_a_file_size_limit_during_the_copy_says_disk_full(db: Path, tmp_path: Path) -> None:
    dest = tmp_path / "copies" / "nightly.db"
    dest.parent.mkdir()

    def limit() -> None:  # room for the store's lock file (-shm, 32 KiB), not for a copy of the store
        resource.setrlimit(resource.RLIMIT_FSIZE, (40_000, 40_000))

    done = subprocess.run([sys.executable, "-m", "tracker", "--db", str(db), "backup", str(dest)],
                          capture_output=True, text=True, preexec_fn=limit, check=False, timeout=120)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("error: disk full") and "no backup was written" in done.stderr
    assert list(dest.parent.iterdir()) == []


def test_the_copy_a_killed_backup_left_is_removed_by_the_next(db: Path, tmp_path: Path) -> None:
    folder = tmp_path / "copies"
    folder.mkdir()
    abandoned = folder / ".nightly.db.k1ll3d.part"
    abandoned.write_bytes(b"half a database")
    running = folder / ".nightly.db.running.part"
    running.write_bytes(b"another backup, still writing")
    held = os.open(running, os.O_RDONLY)
    try:
        fcntl.flock(held, fcntl.LOCK_EX)
        code, _out, err = _run("--db", str(db), "backup", str(folder / "nightly.db"))
        assert code == 0, err
    finally:
        os.close(held)
    assert sorted(p.name for p in folder.iterdir()) == [".nightly.db.running.part", "nightly.db"]
