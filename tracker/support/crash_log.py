"""The one private crash log, written by the command line and the desk alike.

Tracebacks can hold financial data and database passwords, so they go to a file
readable by its owner only (0600, in a 0700 folder), never to the screen; passwords
in database URLs are masked, and only the newest logs are kept.
"""

import contextlib
import datetime as dt
import os
import traceback
from pathlib import Path

from tracker.support.places import data_dir
from tracker.support.safe_text import redact_passwords

KEEP = 20
"""How many crash logs are kept; older ones are removed when a new one is written."""


def crash_folder() -> Path:
    return data_dir() / "crash-logs"


def write_crash_log(error: BaseException, *, folder: Path | None = None) -> Path:
    """Write the traceback of `error` to a new private file and return its path; prune to the newest KEEP."""
    where = folder or crash_folder()
    where.mkdir(parents=True, mode=0o700, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(where, 0o700)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
    path = where / f"tracker-crash-{stamp}-{os.getpid()}.log"
    fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(redact_passwords("".join(traceback.format_exception(error))))
    _prune(where)
    return path


def _prune(folder: Path) -> None:
    logs = sorted(folder.glob("tracker-crash-*.log"))
    for old in logs[:-KEEP]:
        with contextlib.suppress(OSError):
            old.unlink()
