"""How results, warnings and refusals are written: results to stdout, the rest to stderr.

Text from files and arguments is shown with its control characters escaped, so a
reference holding a terminal escape sequence cannot rewrite the officer's screen.
A result that cannot be printed after its change was committed is reported as
exactly that: the change stands.
"""

import errno
import sys

from tracker.support.safe_text import escape_controls, redact_passwords

EXIT_REFUSED = 1
EXIT_INVALID = 2
EXIT_STORE = 3
EXIT_IO = 74
"""The output, a file or the disk could not be written (sysexits' EX_IOERR)."""
EXIT_INTERNAL = 70


class OutputLost(Exception):
    """Standard output could not be written: closed, a pipe whose reader has gone, or a full disk."""

    def __init__(self, reason: str, recorded: str | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.recorded = recorded


def say(text: str) -> None:
    try:
        sys.stdout.write(escape_controls(text, keep="\n") + "\n")
        sys.stdout.flush()
    except (OSError, ValueError, AttributeError) as error:  # AttributeError: no stdout at all (started with >&-)
        raise OutputLost(output_failure(error)) from None


def flush() -> None:
    """Results written straight to stdout (CSV, JSON, tables) reach it before the exit status is decided."""
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except (OSError, ValueError) as error:
        raise OutputLost(output_failure(error)) from None


def confirm(text: str, *, recorded: str) -> None:
    """Print the confirmation of a committed change; `recorded` says what stands if it cannot be printed."""
    try:
        say(text)
    except OutputLost as lost:
        raise OutputLost(lost.reason, recorded) from None


def warn(text: str) -> None:
    """To stderr, if there is one: a closed stderr must not turn a result into a failure."""
    try:
        sys.stderr.write(escape_controls(redact_passwords(text), keep="\n") + "\n")
        sys.stderr.flush()
    except (OSError, ValueError, AttributeError):
        pass


def internal_error(error: BaseException, outcome: str = "nothing was recorded") -> str:
    """What a bug says: its kind, what became of the work (`outcome`), and where its details were logged for
    support (the log may hold financial data, so it is private and the message is not)."""
    from tracker.support.crash_log import write_crash_log

    return f"internal error ({type(error).__name__}); {outcome}. Details for support: {write_crash_log(error)}"


def one_line(text: str) -> str:
    """Messages stay on one line, whatever text a user put inside them."""
    return " ".join(str(text).split())


def output_failure(error: BaseException) -> str:
    if isinstance(error, OSError) and error.errno == errno.EPIPE:
        return "the output was closed by the program reading it"
    if isinstance(error, OSError) and error.errno in (errno.ENOSPC, errno.EFBIG):
        return "disk full where the output goes"
    if isinstance(error, OSError) and error.strerror:
        return f"the output could not be written: {error.strerror}"
    return "the output is closed"
