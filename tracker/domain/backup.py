"""`tracker backup DEST`: a consistent copy taken while others write, checked before it is trusted.

The copy is made under a temporary name beside DEST (so the final rename is atomic),
private to its owner, then opened read-only and checked: the database's own integrity
check and the whole of `audit verify`. Only a copy that passes is renamed to DEST;
anything else is removed and nothing is left under DEST, unless it is to be kept as evidence
(`even_if_unsound`): then it is published under a name that says UNSOUND, with a note of its problems.
The temporary copy is locked while it is written, so a copy a killed run left behind (unlocked) is removed by
the next.
"""

import contextlib
import fcntl
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from tracker.domain.errors import InvalidInput, Refusal
from tracker.domain.verify import Verified, verify_store
from tracker.store.engine import backup_to, integrity_problems, read_only_engine
from tracker.support.os_errors import describe_os_error
from tracker.support.progress import QUIET, Progress


@dataclass(frozen=True)
class BackupDone:
    path: Path
    bytes: int
    verified: Verified
    problems: tuple[str, ...] = ()
    """Why the copy is unsound (kept as evidence with `even_if_unsound`); empty for a sound copy."""
    note: Path | None = None


UNSOUND_NOTE = ".UNSOUND.txt"


def backup_database(engine: Engine, destination: Path, *, stamp: str, into_folder: bool = False,
                    even_if_unsound: bool = False, progress: Progress = QUIET) -> BackupDone:
    """Copy, check, then publish. DEST is a folder when it is one or `into_folder` says so (it was written with
    a trailing slash); then `stamp` names the file in it (`...-UNSOUND.db` when kept with `even_if_unsound`).
    `progress` hears copying and the integrity check (each one step), then the passes of verify."""
    target = _target(destination.expanduser(), stamp, into_folder=into_folder,
                     label="-UNSOUND" if even_if_unsound else "")
    try:
        return _backup(engine, target, stamp, even_if_unsound=even_if_unsound, progress=progress)
    except OSError as error:
        raise InvalidInput(f"{describe_os_error(error)} writing the backup to {target}; no backup was "
                           f"written") from None


def _target(destination: Path, stamp: str, *, into_folder: bool, label: str) -> Path:
    if into_folder and not destination.is_dir():
        raise InvalidInput(f"no folder {destination}/ to put the backup in; create it first, or give a file name")
    target = destination
    if destination.is_dir():
        target = destination / f"tracker-backup-{''.join(ch for ch in stamp if ch.isalnum())[:15]}{label}.db"
    if target.exists():
        raise Refusal("backup-no-overwrite", f"{target} already exists; a backup never replaces a file, "
                                             f"give a new name")
    return target


def _backup(engine: Engine, target: Path, stamp: str, *, even_if_unsound: bool,
            progress: Progress = QUIET) -> BackupDone:
    target.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
    _remove_abandoned_copies(target)
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    temp = Path(temp_name)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        progress.phase("copying", None, "")
        backup_to(engine, temp)
        copy = read_only_engine(temp)
        try:
            progress.phase("integrity check", None, "")
            problems = integrity_problems(copy)
            verified = verify_store(copy, progress=progress if progress is QUIET else _Verifying(progress))
        finally:
            copy.dispose()
        if problems and not even_if_unsound:
            raise Refusal("backup-verifies", f"the copy fails the integrity check ({problems[0]}); nothing was "
                                             f"written to {target}")
        if not verified.ok and not even_if_unsound:
            raise Refusal("backup-verifies", f"the copy does not verify ({verified.problems[0]}); nothing was "
                                             f"written to {target}")
        unsound = tuple(f"integrity check: {problem}" for problem in problems) + verified.problems
        note = _write_note(target, stamp, unsound) if unsound else None
        _fsync(temp)
        os.chmod(temp, 0o600)
        os.replace(temp, target)
        _fsync(target.parent)
    finally:
        temp.unlink(missing_ok=True)
        os.close(fd)
    return BackupDone(target, target.stat().st_size, verified, unsound, note)


class _Verifying:
    """Verify's passes, named as part of the backup ("verifying chain")."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress

    def phase(self, name: str, total: int | None, unit: str) -> None:
        self.progress.phase(f"verifying {name}", total, unit)

    def advance(self, done: int) -> None:
        self.progress.advance(done)


def _write_note(target: Path, stamp: str, problems: tuple[str, ...]) -> Path:
    """The label that travels with an unsound copy: what was wrong with the store when it was taken."""
    note = target.with_name(target.name + UNSOUND_NOTE)
    lines = [f"UNSOUND BACKUP: {target.name} was copied at {stamp} from a store that fails its checks,",
             "kept as evidence with --even-if-unsound. Do not restore it as the working store. Problems found:",
             *(f"- {problem}" for problem in problems)]
    fd = os.open(note, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write("\n".join(lines) + "\n")
    return note


def _remove_abandoned_copies(target: Path) -> None:
    """Temporary copies of this name that no running backup holds locked were left by a killed one."""
    for part in target.parent.glob(f".{target.name}.*.part"):
        with contextlib.suppress(OSError):
            fd = os.open(part, os.O_RDONLY)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                part.unlink()
            finally:
                os.close(fd)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
