"""A table for long lists read a page at a time: each row laid out once as a line of text, drawn by slicing it.

Textual's DataTable measures and renders every cell through Rich, which took most of each keystroke of the
contracts filter (a new page means every visible cell drawn again). Here a row's cells are plain strings in
columns as wide as their widest cell so far, and drawing a line is one string and one style.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import ClassVar

from rich.cells import cell_len, set_cell_size
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.scroll_view import ScrollView
from textual.strip import Strip

from tracker.ui.keymap import TABLES, bindings
from tracker.ui.widgets.columns import Column, cut, fit_widths

CURSOR_KEYS: list[BindingType] = [
    Binding("up", "cursor_up", "Up", show=False),
    Binding("down", "cursor_down", "Down", show=False),
    Binding("pageup", "page_up", "Page up", show=False),
    Binding("pagedown", "page_down", "Page down", show=False),
    Binding("home", "first_row", "First row", show=False),
    Binding("end", "last_row", "Last row", show=False),
]

PADDING = 1
"""Spaces either side of every cell, as in Textual's DataTable."""
MOST_ROWS = 3000
"""The most rows a table holds; past it the screen says so and asks for a filter."""
FETCH_AHEAD = 40
"""Ask for the next page when the cursor comes this close to the last row."""


class LineTable(ScrollView, can_focus=True):
    """Rows of plain text under a header that stays put; a row cursor, zebra stripes, keys and mouse."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"line-table--header", "line-table--cursor", "line-table--even-row"}
    BINDINGS: ClassVar[list[BindingType]] = [*CURSOR_KEYS, *bindings(TABLES)]

    cursor_row: reactive[int] = reactive(0, always_update=True)

    class RowHighlighted(Message):
        def __init__(self, table: LineTable, cursor_row: int) -> None:
            super().__init__()
            self.table = table
            self.cursor_row = cursor_row

    class NearEnd(Message):
        """The cursor is close to the last row and the table has room: time to fetch the next page."""

        def __init__(self, table: LineTable) -> None:
            super().__init__()
            self.table = table

    class RowSelected(Message):
        def __init__(self, table: LineTable, cursor_row: int, key: str) -> None:
            super().__init__()
            self.table = table
            self.cursor_row = cursor_row
            self.key = key

    class HeaderSelected(Message):
        def __init__(self, table: LineTable, column_key: str) -> None:
            super().__init__()
            self.table = table
            self.column_key = column_key

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.columns: tuple[Column, ...] = ()
        self.content_widths: list[int] = []
        """Each column's widest cell (or label) so far."""
        self.widths: list[int] = []
        """Each column's width as drawn."""
        self._keys: list[str] = []
        self._cells: list[tuple[str, ...]] = []
        self._lines: dict[int, str] = {}
        self._styles: tuple[Style, Style, Style, Style] = (Style(), Style(), Style(), Style())

    @property
    def row_count(self) -> int:
        return len(self._cells)

    @property
    def full(self) -> bool:
        """Holding as many rows as it may: no more pages are asked for."""
        return self.row_count >= MOST_ROWS

    def get_row_at(self, index: int) -> tuple[str, ...]:
        return self._cells[index]

    def key_at(self, index: int) -> str:
        return self._keys[index]

    def set_columns(self, columns: Sequence[Column]) -> None:
        """New columns, and no rows."""
        self.columns = tuple(columns)
        self.clear()

    def clear(self) -> None:
        """No rows, the cursor at the top; the columns stay, as wide as their labels until rows come."""
        self.content_widths = [cell_len(column.label) for column in self.columns]
        self._keys, self._cells = [], []
        self.set_reactive(LineTable.cursor_row, 0)
        self.scroll_to(0, 0, animate=False, immediate=True)
        self._lay_out()

    def relabel(self, labels: Sequence[str]) -> None:
        """New header labels for the same columns (a sort arrow moved); rows stay."""
        self.columns = tuple(replace(column, label=label) for column, label in zip(self.columns, labels, strict=True))
        self._widen([cell_len(label) for label in labels])

    def add_rows(self, rows: Iterable[tuple[str, Sequence[str]]]) -> None:
        """Append rows as (key, cells); columns widen to fit them."""
        first_new = len(self._cells)
        for key, cells in rows:
            self._keys.append(key)
            self._cells.append(tuple(cells))
        self._widen([max((cell_len(cells[index]) for cells in self._cells[first_new:]), default=0)
                     for index in range(len(self.columns))])
        if first_new == 0 and self._cells:
            self._highlighted(0)

    def _widen(self, wanted: list[int]) -> None:
        self.content_widths = [max(old, new) for old, new in zip(self.content_widths, wanted, strict=True)]
        self._lay_out()

    def on_resize(self) -> None:
        self._lay_out()

    def _lay_out(self) -> None:
        """Widths as drawn: text gives way, then columns drop in their order, so the table fits the width."""
        room = self.size.width - self.styles.scrollbar_size_vertical
        widths = fit_widths(self.columns, self.content_widths, room, PADDING) if room > 0 else list(self.content_widths)
        if widths != self.widths:
            self.widths = widths
            self._lines = {}
        self.virtual_size = Size(sum(width + 2 * PADDING for width in widths if width), len(self._cells) + 1)
        self.refresh()

    def _line(self, cells: Sequence[str]) -> str:
        pad = " " * PADDING
        return "".join(pad + _fit(cell, width, column.right) + pad
                       for cell, width, column in zip(cells, self.widths, self.columns, strict=True) if width)

    def render_lines(self, crop: Region) -> list[Strip]:
        """The styles are looked up once per paint, not once per line."""
        base = self.rich_style
        self._styles = (base, base + self.get_component_rich_style("line-table--header"),
                        base + self.get_component_rich_style("line-table--even-row"),
                        base + self.get_component_rich_style("line-table--cursor"))
        return super().render_lines(crop)

    def render_line(self, y: int) -> Strip:
        base, header, even, cursor = self._styles
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        if y == 0:
            text, style = self._line([column.label for column in self.columns]), header
        else:
            index = scroll_y + y - 1
            if index >= len(self._cells):
                return Strip.blank(width, base)
            text = self._lines.get(index, "")
            if not text:
                text = self._lines[index] = self._line(self._cells[index])
            style = cursor if index == self.cursor_row else (even if index % 2 == 0 else base)
        return Strip([Segment(text, style)], cell_len(text)).crop_extend(scroll_x, scroll_x + width, style)

    def watch_cursor_row(self, old: int, new: int) -> None:
        if not self._cells:
            return
        self._scroll_to_cursor()
        self.refresh()
        if old != new:
            self._highlighted(new)

    def _highlighted(self, row: int) -> None:
        self.post_message(LineTable.RowHighlighted(self, row))
        if row >= self.row_count - FETCH_AHEAD and not self.full:
            self.post_message(LineTable.NearEnd(self))

    def validate_cursor_row(self, row: int) -> int:
        return max(0, min(row, len(self._cells) - 1))

    def _scroll_to_cursor(self) -> None:
        visible = max(self.scrollable_content_region.height - 1, 1)
        top = self.scroll_offset.y
        if self.cursor_row < top:
            self.scroll_to(y=self.cursor_row, animate=False, immediate=True)
        elif self.cursor_row >= top + visible:
            self.scroll_to(y=self.cursor_row - visible + 1, animate=False, immediate=True)

    def action_cursor_up(self) -> None:
        self.cursor_row -= 1

    def action_cursor_down(self) -> None:
        self.cursor_row += 1

    def action_page_up(self) -> None:
        self.cursor_row -= max(self.scrollable_content_region.height - 1, 1)

    def action_page_down(self) -> None:
        self.cursor_row += max(self.scrollable_content_region.height - 1, 1)

    def action_first_row(self) -> None:
        self.cursor_row = 0

    def action_last_row(self) -> None:
        self.cursor_row = len(self._cells) - 1

    def action_select_cursor(self) -> None:
        if self._cells:
            self.post_message(LineTable.RowSelected(self, self.cursor_row, self._keys[self.cursor_row]))

    def on_click(self, event: events.Click) -> None:
        offset = event.get_content_offset(self)
        if offset is None:
            return
        if offset.y == 0:
            column = self._column_at(offset.x + self.scroll_offset.x)
            if column is not None:
                self.post_message(LineTable.HeaderSelected(self, column.key))
            return
        index = self.scroll_offset.y + offset.y - 1
        if index < len(self._cells):
            if index == self.cursor_row:
                self.action_select_cursor()
            self.cursor_row = index

    def _column_at(self, x: int) -> Column | None:
        right = 0
        for column, width in zip(self.columns, self.widths, strict=True):
            if not width:
                continue
            right += width + 2 * PADDING
            if x < right:
                return column
        return None


def _fit(text: str, width: int, right: bool) -> str:
    """The text in exactly `width` cells: padded on the left for figures, cut with … (never in a figure)."""
    if text.isascii() and len(text) <= width:
        return text.rjust(width) if right else text.ljust(width)
    if cell_len(text) > width:
        text = cut(text, width)
    return " " * (width - cell_len(text)) + text if right else set_cell_size(text, width)
