"""Failures of the machine rather than of the tracker (a full disk, a file size limit), said in one line.

They are not bugs, so they get no crash log; the message says what ran out and where.
"""

import errno
import sys

from tracker.support.os_errors import DISK_FULL, describe_os_error


def environment_failure(error: BaseException, database: str) -> str | None:
    """A one-line message for a failure the officer's machine caused, or None for a bug."""
    if isinstance(error, OSError):
        return _os_failure(error)
    if "sqlalchemy" in sys.modules:
        from sqlalchemy.exc import DBAPIError

        if isinstance(error, DBAPIError):
            text = str(error.orig).lower()
            if "disk is full" in text or "disk full" in text or "file too large" in text:
                return f"disk full writing the database {database}; nothing was recorded"
            if "disk i/o error" in text:
                return (f"disk full or over the file size limit writing the database {database} (disk I/O error); "
                        f"nothing was recorded")
    return None


def _os_failure(error: OSError) -> str | None:
    if error.errno not in (*DISK_FULL, errno.EACCES, errno.EPERM, errno.EROFS):
        return None
    where = f" writing {error.filename}" if error.filename else ""
    return f"{describe_os_error(error)}{where}; nothing was recorded"
