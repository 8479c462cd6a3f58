"""What an operating-system error means to the person at the keyboard, in a few words."""

import errno

DISK_FULL = (errno.ENOSPC, errno.EFBIG, errno.EDQUOT)


def describe_os_error(error: OSError) -> str:
    """"disk full", "disk full (or over the file size limit)", "not allowed: Permission denied", …"""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        return "disk full"
    if error.errno == errno.EFBIG:
        return "disk full (or over the file size limit)"
    if error.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return f"not allowed ({error.strerror or error})"
    return f"{error.strerror or error} (errno {error.errno})" if error.errno else str(error)
