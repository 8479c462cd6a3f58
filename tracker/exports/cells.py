"""Cells that a spreadsheet opening a CSV file would run as formulas, made inert.

A supplier named `=HYPERLINK("http://…")` or `@SUM(A1)` becomes a formula when the
CSV is opened in Excel or LibreOffice. Per the OWASP advice ("CSV Injection"), text
that starts with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`.
Amounts are written by the tracker itself, never from text, so a negative amount
such as "-0.05" stays a number: callers pass only text columns.
"""

import re
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

_RISKY = re.compile(r"(?:\A|\x00)[=+\-@\t\r]").search


def spreadsheet_safe(text: str) -> str:
    """`text`, with a leading `'` if a spreadsheet would take it for a formula."""
    return "'" + text if text.startswith(FORMULA_START) else text


def any_risky(texts: Iterable[str]) -> bool:
    """Whether any of `texts` needs `spreadsheet_safe` (one search for a whole row; text holds no NUL)."""
    return _RISKY("\x00".join(texts)) is not None


def safe_row(values: Sequence[Any], is_money: Sequence[bool]) -> list[Any]:
    """A row with its text cells made inert; amount columns are left as the numbers they are."""
    return [spreadsheet_safe(value) if isinstance(value, str) and not money else value
            for value, money in zip(values, is_money, strict=True)]
