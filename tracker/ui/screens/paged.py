"""A screen whose list comes a page at a time into a `LineTable`, the next page read as the cursor nears the end."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from textual import on

from tracker.reports.paging import Page
from tracker.ui.screens.base import DeskScreen
from tracker.ui.widgets.line_table import LineTable

Shown = TypeVar("Shown", bound=Page[Any, Any])


class PagedScreen(DeskScreen, Generic[Shown]):
    CSS_PATH = "screens.tcss"

    def __init__(self) -> None:
        super().__init__()
        self.page: Shown | None = None
        """The last page shown: its query and the key to read on from."""
        self.fetching = False
        """A page has been asked for and has not arrived: the cursor asks for no other."""

    def reload(self) -> None:
        self.fetching = True
        self.read_first()

    def read_first(self) -> None:
        """Read the first page of what the filters ask for now."""

    def read_after(self, page: Shown) -> None:
        """Read the page that follows `page`."""

    @on(LineTable.NearEnd)
    def _near_end(self) -> None:
        page = self.page
        if page is None or not page.more or self.fetching:
            return
        self.fetching = True
        self.read_after(page)

    def arrived(self, page: Shown) -> None:
        """A page has come: the screen shows it and may ask for the next."""
        self.fetching = False
        self.page = page
