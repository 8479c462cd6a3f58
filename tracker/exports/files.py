"""Publishing a set of export files so that a reader always finds one complete set, whatever fails when.

A set (the day's files and the manifest that vouches for them) is written into a
private folder of its own under `.tracker-sets/`, each file fsynced, and the folder
renamed into place once complete. The names a reader uses are symbolic links that
go through one pointer per set (`.tracker-sets/<stem>.current`); publishing switches
that pointer with one atomic rename, so at every instant every name resolves into
the same complete set: the old one, or the new one. A name the new set does not have
(last night's spreadsheet, say) is no longer a file once the pointer moves, and its
link is removed after. Folders a killed run left behind are cleared by the next run.

One run at a time writes into a folder: a second is refused on the folder's lock.
Files are private to their owner (0600, in 0700 folders).
"""

import contextlib
import fcntl
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tracker.domain.errors import TrackerError
from tracker.support.os_errors import describe_os_error

_CHUNK = 1 << 20
SETS = ".tracker-sets"
"""The hidden folder beside the published names that holds the sets themselves, their pointers and the lock."""


class ExportRefused(TrackerError):
    """The export cannot be written where it was asked to go; the folder holds what it held before."""


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
    try:
        target.mkdir(parents=True, mode=0o700, exist_ok=True)
    except OSError as error:
        raise ExportRefused(f"cannot create export folder {target}: {error.strerror or error}") from None
    try:
        fd, probe = tempfile.mkstemp(prefix=".tracker-probe-", dir=target)
        os.close(fd)
        os.unlink(probe)
    except OSError as error:
        raise ExportRefused(f"cannot write to export folder {target}: {error.strerror or error}") from None
    return target


class SetWriter:
    """The files of one set, written into a private folder that becomes visible only when `publish` switches to it."""

    def __init__(self, directory: Path, stem: str) -> None:
        self.directory = directory
        self.stem = stem
        self.sets = directory / SETS
        self.folder = Path(tempfile.mkdtemp(prefix=f".{stem}.", suffix=".part", dir=self.sets))
        self._names: list[str] = []

    def new(self, name: str) -> Path:
        """A new private file of the set, to be published as `name`."""
        path = self.folder / name
        os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        self._names.append(name)
        return path

    def publish(self, manifest_name: str, manifest: Callable[[list[Published]], str]) -> list[Published]:
        """Seal the files, write the manifest (the text `manifest` makes of them), and switch every published
        name to the new set."""
        files = [_seal(self.folder / name, name) for name in self._names]
        self.new(manifest_name).write_text(manifest(files), encoding="utf-8")
        _seal(self.folder / manifest_name, manifest_name)
        _fsync_directory(self.folder)
        complete = self.sets / self.folder.name.removeprefix(".").removesuffix(".part")
        os.rename(self.folder, complete)
        self.folder = complete
        _fsync_directory(self.sets)
        for name in self._names:
            _point(self.directory / name, Path(SETS) / f"{self.stem}.current" / name)
        _point(self.sets / f"{self.stem}.current", Path(complete.name))
        _fsync_directory(self.directory)
        with contextlib.suppress(OSError):  # the new set is published; leftovers go on the next run
            _tidy(self.directory, self.stem, keep=complete.name)
        return files


@contextmanager
def publishing(directory: Path, stem: str) -> Iterator[SetWriter]:
    """Lock the folder, clear what a killed run left, and give a writer for a new set named `stem`.

    If anything fails before `publish` switches the pointer, the new set's folder is removed and the
    previous set stays published. A full disk is said as such, with the folder.
    """
    sets = directory / SETS
    try:
        sets.mkdir(mode=0o700, exist_ok=True)
        with _locked(sets / "lock", directory):
            _adopt_plain_files(directory, stem)
            _tidy(directory, stem, keep=_current(directory, stem))
            writer = SetWriter(directory, stem)
            try:
                yield writer
            finally:
                if writer.folder.name.endswith(".part"):
                    shutil.rmtree(writer.folder, ignore_errors=True)
    except OSError as error:
        raise ExportRefused(f"{describe_os_error(error)} writing the export to {directory}; the files published "
                            f"there before are unchanged") from None


@contextmanager
def _locked(path: Path, directory: Path) -> Iterator[None]:
    fd = os.open(path, os.O_CREAT | os.O_RDWR, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ExportRefused(f"another export is writing to {directory} now; run this one when it has "
                                f"finished") from None
        yield
    finally:
        os.close(fd)


def _point(link: Path, target: Path) -> None:
    """Make `link` a symbolic link to `target`, replacing what was there in one atomic rename."""
    temp = link.with_name(f".{link.name}.{os.getpid()}.link")
    with contextlib.suppress(FileNotFoundError):
        temp.unlink()
    os.symlink(target, temp)
    os.replace(temp, link)


def _current(directory: Path, stem: str) -> str | None:
    try:
        return os.readlink(directory / SETS / f"{stem}.current")
    except OSError:
        return None


def _tidy(directory: Path, stem: str, *, keep: str | None) -> None:
    """Remove the sets of `stem` other than `keep` (older ones, any a killed run left), its stray temporary
    links, and published names that lead nowhere (a format the current set does not have)."""
    sets = directory / SETS
    for folder in [*sets.glob(f"{stem}.*"), *sets.glob(f".{stem}.*")]:
        if folder.is_dir() and not folder.is_symlink() and folder.name != keep:
            shutil.rmtree(folder, ignore_errors=True)
    for leftover in [*sets.glob(f".{stem}.*.link"), *directory.glob(f".{stem}*.link")]:
        leftover.unlink(missing_ok=True)
    for link in directory.glob(f"{stem}*"):
        if link.is_symlink() and not link.exists():
            link.unlink(missing_ok=True)


def _adopt_plain_files(directory: Path, stem: str) -> None:
    """A set published as plain files (by an older tracker) becomes the current set before a new one replaces it.

    The files are hard-linked into a set folder, the pointer set to it, and each plain name replaced by its
    link: the contents are the same bytes, so every name still reads the old set throughout.
    """
    plain = sorted(p for p in directory.glob(f"{stem}*") if p.is_file() and not p.is_symlink())
    if not plain:
        return
    folder = directory / SETS / f"{stem}.adopted"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(mode=0o700)
    for path in plain:
        os.link(path, folder / path.name)
    _point(directory / SETS / f"{stem}.current", Path(folder.name))
    for path in plain:
        _point(path, Path(SETS) / f"{stem}.current" / path.name)


def _seal(path: Path, name: str) -> Published:
    digest = hashlib.sha256()
    size = 0
    fd = os.open(path, os.O_RDONLY)
    try:
        while chunk := os.read(fd, _CHUNK):
            digest.update(chunk)
            size += len(chunk)
        os.fsync(fd)
    finally:
        os.close(fd)
    return Published(name, digest.hexdigest(), size)


def _fsync_directory(directory: Path) -> None:
    """Make renames durable (a no-op where directories cannot be opened)."""
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

