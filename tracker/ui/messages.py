"""What thread workers send back to the screens: plain rows and outcomes, never widgets."""

from typing import Any

from textual.message import Message


class Loaded(Message):
    """A worker has read what a screen asked for; `topic` says which part of the screen it fills."""

    def __init__(self, topic: str, data: Any) -> None:
        super().__init__()
        self.topic = topic
        self.data = data


class ActionFinished(Message):
    """A modal's domain action ran: `outcome` is its result, or `refusal` the one line saying why nothing changed."""

    def __init__(self, outcome: Any = None, refusal: str | None = None) -> None:
        super().__init__()
        self.outcome = outcome
        self.refusal = refusal
