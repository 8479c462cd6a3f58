"""What thread workers send back to the screens: plain rows and outcomes, never widgets."""

import threading
from typing import Any

from textual.message import Message
from textual.message_pump import MessagePump


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


class Inbox:
    """Counts messages sent from worker threads until they are handled, so "nothing left to show" is knowable.

    A screen's workers call `send`; its handlers call `received`. Tests wait on `waiting` rather than on time.
    """

    def __init__(self, owner: MessagePump) -> None:
        self._owner = owner
        self._count = 0
        self._lock = threading.Lock()

    def send(self, message: Message) -> None:
        with self._lock:
            self._count += 1
        self._owner.post_message(message)

    def received(self) -> None:
        with self._lock:
            self._count -= 1

    @property
    def waiting(self) -> bool:
        with self._lock:
            return self._count > 0
