"""How results, warnings and refusals are written: results to stdout, the rest to stderr."""

import sys

EXIT_REFUSED = 1
EXIT_INVALID = 2
EXIT_STORE = 3
EXIT_INTERNAL = 70


def say(text: str) -> None:
    sys.stdout.write(text + "\n")


def warn(text: str) -> None:
    sys.stderr.write(text + "\n")


def one_line(text: str) -> str:
    """Messages stay on one line, whatever text a user put inside them."""
    return " ".join(str(text).split())
