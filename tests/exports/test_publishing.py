"""Publishing under faults: at every instant the export folder holds one complete set that passes its own manifest.

A fault is injected at each filesystem step of a re-run (every rename, replace, symlink and hard link), with
clean-up switched off as a kill would leave it; after each, the folder must still hold a complete set (the old
one, or the new one), and the next run must publish cleanly and clear what the killed one left.
"""

import contextlib
import datetime as dt
import errno
import fcntl
import hashlib
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from tracker.cli.main import app
from tracker.exports.files import SETS, ExportRefused, prepare_directory
from tracker.exports.nightly import export_commitments
from tracker.store.session import read_session

from ..conftest import DEMO
from ..reports.conftest import Loaded

DAY = dt.date(2015, 10, 19)
STEPS = ("rename", "replace", "symlink", "link")
"""The os calls that publishing makes; a fault is injected at each call of each, in turn."""

pytestmark = pytest.mark.filterwarnings("error::pytest.PytestUnraisableExceptionWarning")


def _export(data: Loaded, folder: Path, version: str, formats: tuple[str, ...]) -> None:
    with read_session(data.engine) as session:
        export_commitments(session.connection(), prepare_directory(folder), DAY, formats,
                           generated_at="2015-10-19T23:00:00+00:00", version=version)


def published_set(folder: Path, day: dt.date = DAY) -> str:
    """The version of the one complete set in `folder`: every name its manifest lists is there with its
    checksum, and no other name of the day is; fails otherwise."""
    manifest_name = f"commitments-{day.isoformat()}.manifest.json"
    manifest = json.loads((folder / manifest_name).read_text(encoding="utf-8"))
    present = {p.name for p in folder.iterdir()
               if p.name.startswith(f"commitments-{day.isoformat()}") and p.exists()} - {manifest_name}
    assert present == set(manifest["files"]), (present, manifest["files"])
    for name, facts in manifest["files"].items():
        data = (folder / name).read_bytes()
        assert facts == {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}, name
    return str(manifest["version"])


class Fault:
    """Raises at the n-th call of the publishing steps; clean-up does nothing, as after a kill."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, at: int) -> None:
        self.calls = 0
        self.at = at
        self.fired = False
        for name in STEPS:
            monkeypatch.setattr(os, name, self._wrap(getattr(os, name)))
        monkeypatch.setattr(shutil, "rmtree", lambda *_a, **_k: None)

    def _wrap(self, real: Callable[..., Any]) -> Callable[..., Any]:
        def step(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            if self.calls == self.at:
                self.fired = True
                raise OSError(errno.EIO, "injected fault (the process is killed here)")
            return real(*args, **kwargs)

        return step


def test_a_fault_at_every_step_of_a_rerun_leaves_a_complete_set(demo_store: Loaded, tmp_path: Path) -> None:
    """Last night: csv, json and xlsx. The re-run: csv and json only, so the spreadsheet must go with the old set."""
    steps = 0
    while True:
        steps += 1
        folder = tmp_path / f"at-{steps}"
        _export(demo_store, folder, "old", ("csv", "json", "xlsx"))
        assert published_set(folder) == "old"
        with pytest.MonkeyPatch.context() as patch:
            fault = Fault(patch, steps)
            try:
                _export(demo_store, folder, "new", ("csv", "json"))
            except ExportRefused:
                assert fault.fired
        assert published_set(folder) in ("old", "new"), steps
        _export(demo_store, folder, "new", ("csv", "json"))  # the next night clears what the killed run left
        assert published_set(folder) == "new"
        assert not (folder / "commitments-2015-10-19.xlsx").exists()
        assert not [p for p in folder.iterdir() if p.is_symlink() and not p.exists()]
        assert sorted(p.name for p in (folder / SETS).iterdir() if not p.name.startswith("commitments")) == ["lock"]
        assert len([p for p in (folder / SETS).iterdir() if p.is_dir() and not p.is_symlink()]) == 1
        if not fault.fired:
            break
    assert steps > 8  # every rename and link of the run was tried
    print(f"publishing: a fault injected at each of {steps - 1} filesystem steps left a complete set")


def test_a_set_published_as_plain_files_is_replaced_whole(demo_store: Loaded, tmp_path: Path) -> None:
    """An older tracker wrote plain files; the first run of this one adopts them, then switches."""
    built = tmp_path / "built"
    _export(demo_store, built, "old", ("csv", "json", "xlsx"))
    folder = tmp_path / "plain"
    folder.mkdir()
    for path in built.glob("commitments-*"):
        shutil.copyfile(path, folder / path.name)
    assert published_set(folder) == "old"
    for at in range(1, 30):
        trial = tmp_path / f"plain-{at}"
        shutil.copytree(folder, trial)
        with pytest.MonkeyPatch.context() as patch:
            fault = Fault(patch, at)
            with contextlib.suppress(ExportRefused):
                _export(demo_store, trial, "new", ("csv",))
        assert published_set(trial) in ("old", "new"), at
        if not fault.fired:
            break
    _export(demo_store, folder, "new", ("csv",))
    assert published_set(folder) == "new"
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == [
        "commitments-2015-10-19-deliverables.csv", "commitments-2015-10-19.csv",
        "commitments-2015-10-19.manifest.json"]


def test_a_second_export_into_the_folder_is_refused_while_one_runs(demo_store: Loaded, tmp_path: Path) -> None:
    _export(demo_store, tmp_path, "old", ("csv",))
    held = os.open(tmp_path / SETS / "lock", os.O_RDWR)
    try:
        fcntl.flock(held, fcntl.LOCK_EX)
        with pytest.raises(ExportRefused, match=r"another export is writing to .* now"):
            _export(demo_store, tmp_path, "new", ("csv",))
    finally:
        os.close(held)
    assert published_set(tmp_path) == "old"


def test_two_export_processes_at_once_never_both_publish_a_broken_set(tmp_path: Path) -> None:
    db = str(tmp_path / "demo.db")
    assert CliRunner().invoke(app, ["--db", db, "import", str(DEMO)]).exit_code == 0
    out = tmp_path / "out"
    runs = [subprocess.Popen([sys.executable, "-m", "tracker", "--db", db, "export", "commitments", "--dir", str(out),
                              "--as-of", DAY.isoformat(), "--format", "csv,json,xlsx"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    results = [(run.wait(timeout=300), *run.communicate()) for run in runs]
    for code, _out, err in results:
        assert code == 0 or (code == 2 and err.startswith("error: another export is writing to")), err
    assert any(code == 0 for code, _out, _err in results)
    published_set(out)


def test_a_full_disk_while_saving_the_spreadsheet_is_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = str(tmp_path / "demo.db")
    runner = CliRunner()
    assert runner.invoke(app, ["--db", db, "import", str(DEMO)]).exit_code == 0
    out = tmp_path / "out"
    assert runner.invoke(app, ["--db", db, "export", "commitments", "--dir", str(out), "--as-of", "2015-10-19",
                               "--format", "csv"]).exit_code == 0
    import zipfile

    def full(*_args: Any, **_kwargs: Any) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "writestr", full)
    monkeypatch.setattr(zipfile.ZipFile, "write", full)  # XlsxWriter adds its parts from temporary files
    result = runner.invoke(app, ["--db", db, "export", "commitments", "--dir", str(out), "--as-of", "2015-10-19",
                                 "--format", "csv,xlsx"])
    assert result.exit_code == 2, result.output
    assert result.stderr == (f"error: disk full writing the export to {out}; the files published there before are "
                             f"unchanged\n")
    assert "Traceback" not in result.output
    assert published_set(out) != ""
    assert not (out / "commitments-2015-10-19.xlsx").exists()


def test_a_file_size_limit_during_an_export_is_one_line_and_keeps_the_set(tmp_path: Path) -> None:
    """`ulimit -f` in a real process: the JSON (4 kB on the demo) cannot be written; last night's set stays."""
    db = str(tmp_path / "demo.db")
    runner = CliRunner()
    assert runner.invoke(app, ["--db", db, "import", str(DEMO)]).exit_code == 0
    out = tmp_path / "out"
    assert runner.invoke(app, ["--db", db, "export", "commitments", "--dir", str(out), "--as-of", "2015-10-19",
                               "--format", "csv"]).exit_code == 0
    before = published_set(out)

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (3000, 3000))

    holder = sqlite3.connect(db)  # keeps the store's lock file (-shm, 32 kB) in place, so the limit bites the export
    try:
        holder.execute("SELECT COUNT(*) FROM contract").fetchone()
        done = subprocess.run([sys.executable, "-m", "tracker", "--db", db, "export", "commitments", "--dir", str(out),
                               "--as-of", "2015-10-19", "--format", "csv,json"], capture_output=True, text=True,
                              preexec_fn=limit, check=False, timeout=120)
    finally:
        holder.close()
    assert done.returncode == 2, done.stderr
    assert done.stderr == (f"error: disk full (or over the file size limit) writing the export to {out}; the files "
                           f"published there before are unchanged\n")
    assert published_set(out) == before
    assert not (out / "commitments-2015-10-19.json").exists()
