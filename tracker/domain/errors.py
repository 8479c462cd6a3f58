"""The two ways the domain says no.

A `Refusal` is a business rule that stops an action (overspend, paid twice, wrong
financial year). An `InvalidInput` is text that cannot be understood (an amount,
a date, a year). Both carry one line a finance officer can act on; neither is a bug.
"""

from enum import StrEnum


class TrackerError(Exception):
    """A message meant for the user, not a traceback."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InvalidInput(TrackerError):
    """Text that cannot be read as the value it should be."""


class PartlyDone(TrackerError):
    """Work of several changes stopped part way: what was committed stays, and the message says what that is."""


class Refusal(TrackerError):
    """A rule refused the action; nothing was changed."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule
        self.place: str | None = None

    def at(self, place: str) -> "Refusal":
        """The same refusal, saying where it arose (an import's file and line); the first place given stands."""
        if self.place is not None:
            return self
        located = Refusal(self.rule, f"{place}: {self.message}")
        located.place = place
        return located


class Missing(StrEnum):
    """What kind of thing was not found, so a caller can say where to look."""

    BUDGET_LINE = "budget line"
    CONTRACT = "contract"
    DELIVERABLE = "deliverable"
    PAYMENT = "payment"
    INVOICE = "invoice"


class NotFound(TrackerError):
    """A reference, code or id that is not in the store."""

    def __init__(self, message: str, missing: Missing | None = None, reference: str | None = None) -> None:
        super().__init__(message)
        self.missing, self.reference = missing, reference
