"""The order people expect of references: `DEMO 2015 46` before `DEMO 2015 120`, numbers by their value.

`natural_key` is that order for a list sorted in Python; `reference_key` is the same order as text whose byte order
is it, stored beside each contract's reference so that a list of 100,000 contracts is sorted and paged by an index.
"""

import re

_NUMBER = re.compile(r"([0-9]+)")

NUMBER_MARK = "\x01"
"""Starts each number in a stored key: below every character a reference may hold (they are printable), so a word
that ends where another goes on sorts first, as in `natural_key`."""

KEY_LENGTH = 400
"""The longest stored key: a reference is at most 80 characters, which case-folding can lengthen threefold
(`ΐ`), and each run of digits takes five characters more (its mark, its length, how it was written)."""


def natural_key(text: str) -> tuple[tuple[int, str], ...]:
    """Words compared whatever their case, runs of digits by their value (then as written, so `007` and `7` keep
    one order)."""
    parts = _NUMBER.split(text.casefold())
    return tuple((int(part), part) if n % 2 else (0, part) for n, part in enumerate(parts))


def reference_key(reference: str) -> str:
    """`natural_key` as text compared byte by byte (both stores' byte order is Python's order of code points).

    Words are kept case-folded; each run of digits becomes the mark, how many digits its value has (two digits),
    those digits, then two digits for how it was written: a value with more leading zeros sorts first (`007` before
    `7`), a zero with fewer (`0` before `00`), as the digits compare as text. Lengths, not padding, order the
    values, so a run of any length (at most 80 digits in a reference) sorts by its value."""
    return _NUMBER.sub(_number_key, reference.casefold())


def _number_key(run: re.Match[str]) -> str:
    digits = run.group()
    value = digits.lstrip("0")
    zeros = len(digits) - len(value)
    return f"{NUMBER_MARK}{len(value):02d}{value}{99 - zeros if value else zeros:02d}"
