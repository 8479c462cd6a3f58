"""Failures of the machine rather than of the tracker (a full disk, a file size limit), said in one line.

They are not bugs, so they get no crash log; the message says what ran out and where.
"""

import errno
import sys

_DISK_FULL = (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)


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
    where = f" writing {error.filename}" if error.filename else ""
    if error.errno in _DISK_FULL:
        limit = " (or over the file size limit)" if error.errno == errno.EFBIG else ""
        return f"disk full{limit}{where}: {error.strerror or error}; nothing was recorded"
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"not allowed{where}: {error.strerror or error}; nothing was recorded"
    return None
