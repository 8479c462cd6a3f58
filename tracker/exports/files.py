"""Writing export files so that a crash never leaves half a file under a name a reader trusts.

Each file is written under a temporary name in the target directory (so the
rename stays on one filesystem and is atomic), flushed and fsynced, and only
renamed into place once every file of the set is complete; the directory is
fsynced after the renames. Files are private to their owner (0600, 0700 folders).
"""

import hashlib
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tracker.domain.errors import TrackerError

_CHUNK = 1 << 20


class ExportRefused(TrackerError):
    """The export cannot be written where it was asked to go; nothing was computed or written."""


@dataclass(frozen=True)
class Published:
    name: str
    sha256: str
    bytes: int


def prepare_directory(path: Path) -> Path:
    """The export folder, created 0700 if missing; refused if it is a file or cannot be written."""
    target = path.expanduser()
    if target.exists() and not target.is_dir():
        raise ExportRefused(f"export folder {target} is a file, not a folder; give --dir a folder")
    if not target.exists():
        try:
            target.mkdir(parents=True, mode=0o700)
        except OSError as error:
            raise ExportRefused(f"cannot create export folder {target}: {error.strerror or error}") from None
    try:
        fd, probe = tempfile.mkstemp(prefix=".tracker-probe-", dir=target)
        os.close(fd)
        os.unlink(probe)
    except OSError as error:
        raise ExportRefused(f"cannot write to export folder {target}: {error.strerror or error}") from None
    return target


class Staging:
    """A set of files written under temporary names and published together, or not at all."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._pending: list[tuple[Path, str]] = []

    def new(self, name: str) -> Path:
        """A private temporary file in the target directory that will become `name`."""
        fd, temp = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=self.directory)
        os.close(fd)
        self._pending.append((Path(temp), name))
        return Path(temp)

    def publish(self) -> list[Published]:
        """Fsync and checksum every staged file, then rename them all into place."""
        done = [_seal(temp, name) for temp, name in self._pending]
        for temp, name in self._pending:
            os.replace(temp, self.directory / name)
        self._pending = []
        _fsync_directory(self.directory)
        return done

    def discard(self) -> None:
        for temp, _name in self._pending:
            temp.unlink(missing_ok=True)
        self._pending = []


@contextmanager
def staging(directory: Path) -> Iterator[Staging]:
    """Staged files are removed if anything fails before they are published."""
    staged = Staging(directory)
    try:
        yield staged
    finally:
        staged.discard()


def _seal(temp: Path, name: str) -> Published:
    digest = hashlib.sha256()
    size = 0
    fd = os.open(temp, os.O_RDONLY)
    try:
        while chunk := os.read(fd, _CHUNK):
            digest.update(chunk)
            size += len(chunk)
        os.fsync(fd)
    finally:
        os.close(fd)
    return Published(name, digest.hexdigest(), size)


def _fsync_directory(directory: Path) -> None:
    """Make the renames themselves durable (a no-op where directories cannot be opened)."""
    try:
        fd = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
