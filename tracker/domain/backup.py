"""`tracker backup DEST`: a consistent copy taken while others write, checked before it is trusted.

The copy is made under a temporary name beside DEST (so the final rename is atomic),
private to its owner, then opened read-only and checked: the database's own integrity
check and the whole of `audit verify`. Only a copy that passes is renamed to DEST;
anything else is removed and nothing is left under DEST. The temporary copy is locked
while it is written, so a copy a killed run left behind (unlocked) is removed by the next.
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


@dataclass(frozen=True)
class BackupDone:
    path: Path
    bytes: int
    verified: Verified


def backup_database(engine: Engine, destination: Path, *, stamp: str, into_folder: bool = False) -> BackupDone:
    """Copy, check, then publish. DEST is a folder when it is one or `into_folder` says so (it was written with
    a trailing slash); then `stamp` names the file in it."""
    target = _target(destination.expanduser(), stamp, into_folder=into_folder)
    try:
        return _backup(engine, target)
    except OSError as error:
        raise InvalidInput(f"{describe_os_error(error)} writing the backup to {target}; no backup was "
                           f"written") from None


def _target(destination: Path, stamp: str, *, into_folder: bool) -> Path:
    if into_folder and not destination.is_dir():
        raise InvalidInput(f"no folder {destination}/ to put the backup in; create it first, or give a file name")
    target = destination
    if destination.is_dir():
        target = destination / f"tracker-backup-{''.join(ch for ch in stamp if ch.isalnum())[:15]}.db"
    if target.exists():
        raise Refusal("backup-no-overwrite", f"{target} already exists; a backup never replaces a file, "
                                             f"give a new name")
    return target


def _backup(engine: Engine, target: Path) -> BackupDone:
    target.parent.mkdir(parents=True, mode=0o700, exist_ok=True)
    _remove_abandoned_copies(target)
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    temp = Path(temp_name)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        backup_to(engine, temp)
        copy = read_only_engine(temp)
        try:
            problems = integrity_problems(copy)
            verified = verify_store(copy)
        finally:
            copy.dispose()
        if problems:
            raise Refusal("backup-verifies", f"the copy fails the integrity check ({problems[0]}); nothing was "
                                             f"written to {target}")
        if not verified.ok:
            raise Refusal("backup-verifies", f"the copy does not verify ({verified.problems[0]}); nothing was "
                                             f"written to {target}")
        _fsync(temp)
        os.chmod(temp, 0o600)
        os.replace(temp, target)
        _fsync(target.parent)
    finally:
        temp.unlink(missing_ok=True)
        os.close(fd)
    return BackupDone(target, target.stat().st_size, verified)


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
