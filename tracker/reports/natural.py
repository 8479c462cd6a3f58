"""The order people expect of references: `DEMO 2015 46` before `DEMO 2015 120`, numbers by their value."""

import re

_NUMBER = re.compile(r"([0-9]+)")


def natural_key(text: str) -> tuple[tuple[int, str], ...]:
    """Words compared whatever their case, runs of digits by their value (then as written, so `007` and `7` keep
    one order)."""
    parts = _NUMBER.split(text.casefold())
    return tuple((int(part), part) if n % 2 else (0, part) for n, part in enumerate(parts))
