"""`tracker backup DEST`: a consistent copy taken while others write, checked before it is trusted.

The copy is made under a temporary name beside DEST (so the final rename is atomic),
private to its owner, then opened read-only and checked: the database's own integrity
check and the whole of `audit verify`. Only a copy that passes is renamed to DEST;
anything else is removed and nothing is left under DEST.
"""

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from tracker.domain.errors import Refusal
from tracker.domain.verify import Verified, verify_store
from tracker.store.engine import backup_to, integrity_problems, read_only_engine


@dataclass(frozen=True)
class BackupDone:
    path: Path
    bytes: int
    verified: Verified


def backup_database(engine: Engine, destination: Path, *, stamp: str) -> BackupDone:
    """Copy, check, then publish; `stamp` names the file when DEST is a folder."""
    target = destination.expanduser()
    if target.is_dir():
        target = target / f"tracker-backup-{''.join(ch for ch in stamp if ch.isalnum())[:15]}.db"
    if target.exists():
        raise Refusal("backup-no-overwrite", f"{target} already exists; a backup never replaces a file, "
                                             f"give a new name")
    if not target.parent.exists():
        target.parent.mkdir(parents=True, mode=0o700)
    fd, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(fd)
    temp = Path(temp_name)
    try:
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
    return BackupDone(target, target.stat().st_size, verified)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
