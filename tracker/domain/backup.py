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
    problems: tuple[str, ...] = ()
    """Why the copy is unsound (kept as evidence with `even_if_unsound`); empty for a sound copy."""
    note: Path | None = None


UNSOUND_NOTE = ".UNSOUND.txt"


def backup_database(engine: Engine, destination: Path, *, stamp: str, even_if_unsound: bool = False) -> BackupDone:
    """Copy, check, then publish; `stamp` names the file when DEST is a folder.

    A copy that fails its checks is refused, unless `even_if_unsound`: then it is kept as evidence, named
    `...-UNSOUND.db` in a folder, with a note beside it listing every problem found.
    """
    target = destination.expanduser()
    if target.is_dir():
        label = "-UNSOUND" if even_if_unsound else ""
        target = target / f"tracker-backup-{''.join(ch for ch in stamp if ch.isalnum())[:15]}{label}.db"
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
    return BackupDone(target, target.stat().st_size, verified, unsound, note)


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


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
