"""Store failures worded for the person at the keyboard."""


class StoreError(Exception):
    """The database cannot do what was asked (busy, unreadable, from a newer version)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message
