"""Rule tests write many small transactions: keep their store in memory-backed files where the system has them."""

import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tracker.domain.schema import open_store

_RAM = Path("/dev/shm")


def fast_folder(fallback: Path) -> Path:
    """A fresh folder on tmpfs (fsync costs nothing there), else the test's own tmp_path."""
    if _RAM.is_dir() and _RAM.stat().st_mode & 0o002:
        return Path(tempfile.mkdtemp(prefix="tracker-test-", dir=_RAM))
    return fallback


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    folder = fast_folder(tmp_path)
    store = open_store(str(folder / "tracker.db"))
    yield store
    store.dispose()
    if folder != tmp_path:
        shutil.rmtree(folder, ignore_errors=True)
