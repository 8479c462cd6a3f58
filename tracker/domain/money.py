"""Money as integer pence, from what people type to what they read.

Never a float: parsing is done on the digits of the text, and formatting on
integer division, so £0.10 + £0.20 is exactly 30 pence everywhere.
"""

import re

from tracker.domain.errors import InvalidInput

PENCE_LIMIT = 2**63 - 1
"""The largest amount a signed 64-bit money column holds."""

_MAX_TEXT = 40
"""Longer than any amount the column holds, even with commas: refused before int() meets thousands of digits."""

_AMOUNT = re.compile(
    r"""
    (?P<pounds>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)?   # 149600 or 149,600
    (?:\.(?P<pence>[0-9]{0,2}))?                   # .5 .50 or a trailing dot
    """,
    re.VERBOSE,
)


def parse_money(text: str, *, allow_zero: bool = False) -> int:
    """Read an amount of money as a person types it, e.g. "£149,600" or "44880.5"."""
    raw = text if isinstance(text, str) else str(text)
    cleaned = raw.strip().replace(" ", "")
    if cleaned.startswith("£"):
        cleaned = cleaned[1:]
    elif cleaned.upper().startswith("GBP"):
        cleaned = cleaned[3:]
    shown = _shown(raw)
    if not cleaned:
        raise InvalidInput("an amount is required, e.g. 149600 or £149,600.00")
    if cleaned.startswith("-"):  # a hyphen inside ("IMP-001", "2015-10-19") is no sign: not an amount at all
        raise InvalidInput(f"amount {shown} is negative; amounts must be zero or more")
    if len(cleaned) > _MAX_TEXT:
        raise InvalidInput(f"amount {shown} is larger than the largest amount the tracker holds")
    match = _AMOUNT.fullmatch(cleaned)
    if match is None or (match["pounds"] is None and not match["pence"]):
        if re.fullmatch(r"[0-9,]*\.[0-9]{3,}", cleaned):
            raise InvalidInput(f"amount {shown} has more than two decimal places")
        raise InvalidInput(f"amount {shown} is not an amount of money; write it like 149600 or £149,600.00")
    pounds = int((match["pounds"] or "0").replace(",", ""))
    pence = int((match["pence"] or "0").ljust(2, "0"))
    total = pounds * 100 + pence
    if total > PENCE_LIMIT:
        raise InvalidInput(f"amount {shown} is larger than the largest amount the tracker holds")
    if total == 0 and not allow_zero:
        raise InvalidInput(f"amount {shown} is zero; an amount must be more than £0.00")
    return total


def pence_from_pounds_field(text: str) -> int:
    """Read an amount from an import file, where zero is a legitimate figure."""
    return parse_money(text, allow_zero=True)


def format_gbp(pence: int) -> str:
    """£149,600.00 (and -£1,234.56): how amounts are shown to people."""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}£{whole:,}.{part:02d}"


def format_pounds(pence: int) -> str:
    """149600.00: how amounts are written for machines (CSV, the finance system)."""
    sign = "-" if pence < 0 else ""
    whole, part = divmod(abs(pence), 100)
    return f"{sign}{whole}.{part:02d}"


def _shown(text: str) -> str:
    """Quote user text in a message, cut short and with control characters made visible."""
    visible = "".join(ch if ch.isprintable() else "?" for ch in str(text))
    if len(visible) > 40:
        visible = visible[:37] + "..."
    return f'"{visible}"'
