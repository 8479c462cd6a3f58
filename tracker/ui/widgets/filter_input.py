"""A filter box: one line of text, never longer than a filter needs, however much is pasted into it.

A 200 KB paste into an uncapped filter grew the desk from 86 MB to 2.6 GB: every keystroke's query, label and
highlight carried the whole text.
"""

from textual import events
from textual.widgets import Input

LONGEST = 200
"""Characters a filter keeps: longer than any reference, supplier or name."""


class FilterInput(Input):
    def __init__(self, *, placeholder: str, id: str, cursor_blink: bool) -> None:
        super().__init__(placeholder=placeholder, id=id, max_length=LONGEST)
        self.cursor_blink = cursor_blink

    def _on_paste(self, event: events.Paste) -> None:
        """What fits of the first line pasted, rather than nothing."""
        room = LONGEST - len(self.value) + len(self.selected_text)
        line = event.text.splitlines()[0][:max(room, 0)] if event.text else ""
        super()._on_paste(events.Paste(line))
        event.stop()
