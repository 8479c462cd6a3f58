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
from tracker.store.dump import NotRestored, dump_to, restored
from tracker.store.engine import backup_to, integrity_problems, is_embedded, read_only_engine
from tracker.support.os_errors import describe_os_error
from tracker.support.progress import QUIET, Progress


@dataclass(frozen=True)
class BackupDone:
    path: Path
    bytes: int
    verified: Verified | None
    """None when a PostgreSQL dump could not be restored to be checked (`not_verified` says why)."""
    problems: tuple[str, ...] = ()
    """Why the copy is unsound (kept as evidence with `even_if_unsound`); empty for a sound copy."""
    note: Path | None = None
    not_verified: str = ""
    dumped: bool = False
    """A PostgreSQL store's copy, made by pg_dump (its check restored it into a scratch database)."""


UNSOUND_NOTE = ".UNSOUND.txt"


def backup_database(engine: Engine, destination: Path, *, stamp: str, into_folder: bool = False,
                    even_if_unsound: bool = False, progress: Progress = QUIET) -> BackupDone:
    """Copy, check, then publish. DEST is a folder when it is one or `into_folder` says so (it was written with
    a trailing slash); then `stamp` names the file in it (`...-UNSOUND.db` when kept with `even_if_unsound`).
    `progress` hears copying and the integrity check (each one step), then the passes of verify.
    A PostgreSQL store is copied by `pg_dump -Fc` (a `.dump` file) and checked restored into a scratch database."""
    target = _target(destination.expanduser(), stamp, into_folder=into_folder,
                     label=("-UNSOUND" if even_if_unsound else "") + (".db" if is_embedded(engine) else ".dump"))
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
        target = destination / f"tracker-backup-{''.join(ch for ch in stamp if ch.isalnum())[:15]}{label}"
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
        verified: Verified | None
        if is_embedded(engine):
            backup_to(engine, temp)
            problems, verified = _check_file(temp, progress)
            why = ""
        else:
            dump_to(engine, temp)
            problems = []
            verified, why = _check_dump(engine, temp, progress)
        if problems and not even_if_unsound:
            raise Refusal("backup-verifies", f"the copy fails the integrity check ({problems[0]}); nothing was "
                                             f"written to {target}")
        if verified is not None and not verified.ok and not even_if_unsound:
            raise Refusal("backup-verifies", f"the copy does not verify ({verified.problems[0]}); nothing was "
                                             f"written to {target}")
        unsound = (tuple(f"integrity check: {problem}" for problem in problems)
                   + (verified.problems if verified is not None else ()))
        note = _write_note(target, stamp, unsound) if unsound else None
        _fsync(temp)
        os.chmod(temp, 0o600)
        os.replace(temp, target)
        _fsync(target.parent)
    finally:
        temp.unlink(missing_ok=True)
        os.close(fd)
    return BackupDone(target, target.stat().st_size, verified, unsound, note, why, not is_embedded(engine))


def _check_file(copy_path: Path, progress: Progress) -> tuple[list[str], Verified]:
    """The embedded copy opened read-only: the database's own integrity check, then the whole of verify."""
    copy = read_only_engine(copy_path)
    try:
        progress.phase("integrity check", None, "")
        return integrity_problems(copy), verify_store(copy, progress=_verifying(progress))
    finally:
        copy.dispose()


def _check_dump(engine: Engine, dump: Path, progress: Progress) -> tuple[Verified | None, str]:
    """A PostgreSQL dump restored into a scratch database and verified there; when the role may not create one,
    no verdict and why."""
    try:
        with restored(engine, dump) as copy:
            return verify_store(copy, progress=_verifying(progress)), ""
    except NotRestored as reason:
        return None, str(reason)


def _verifying(progress: Progress) -> Progress:
    return progress if progress is QUIET else _Verifying(progress)


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
