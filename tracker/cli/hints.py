"""What the command line adds to a domain message: the flag or command that helps, in its own words.

The domain speaks the officer's language and names no flags, because the desk has none; the command line keys
its hints on the refusal's rule (and the command that was refused) or on what was not found.
"""

from __future__ import annotations

from tracker.domain.errors import Missing
from tracker.domain.rules import Rule

_REFUSAL_HINTS: dict[tuple[Rule, str | None], str] = {
    (Rule.SEGREGATION_OF_DUTIES, "pay"): "to override: --override-sod --reason TEXT",
    (Rule.SEGREGATION_OF_DUTIES, "import"): "to import such history: --history-without-sod --reason TEXT",
    (Rule.PEOPLE_REGISTER, None): "`tracker people list` shows who may do what",
}

_MISSING_HINTS = {
    Missing.BUDGET_LINE: "`tracker budget list` shows the lines",
    Missing.CONTRACT: "`tracker contract list` shows the contracts",
    Missing.PAYMENT: "`tracker show REF` lists a contract's payments with their ids",
}


def refusal_hint(rule: str, command: str | None) -> str | None:
    """The hint for a refusal by `rule` of `command` (e.g. "pay"), if the command line has one."""
    try:
        known = Rule(rule)
    except ValueError:
        return None
    return _REFUSAL_HINTS.get((known, command)) or _REFUSAL_HINTS.get((known, None))


def missing_hint(missing: Missing | None, reference: str | None) -> str | None:
    if missing is Missing.DELIVERABLE and reference is not None:
        return f"`tracker show {reference!r}` lists them"
    return None if missing is None else _MISSING_HINTS.get(missing)
