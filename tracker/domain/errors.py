"""The two ways the domain says no.

A `Refusal` is a business rule that stops an action (overspend, paid twice, wrong
financial year). An `InvalidInput` is text that cannot be understood (an amount,
a date, a year). Both carry one line a finance officer can act on; neither is a bug.
"""


class TrackerError(Exception):
    """A message meant for the user, not a traceback."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class InvalidInput(TrackerError):
    """Text that cannot be read as the value it should be."""


class Refusal(TrackerError):
    """A rule refused the action; nothing was changed."""

    def __init__(self, rule: str, message: str) -> None:
        super().__init__(message)
        self.rule = rule

    def at(self, place: str) -> "Refusal":
        """The same refusal, saying where it arose (an import's file and line)."""
        return Refusal(self.rule, f"{place}: {self.message}")


class NotFound(TrackerError):
    """A reference, code or id that is not in the store."""
