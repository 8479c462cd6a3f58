"""The desk's table: a DataTable whose warning colours come from the stylesheet, not from Python."""

from collections.abc import Iterable, Sequence
from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text, TextType
from textual.binding import BindingType
from textual.geometry import Size
from textual.widgets import DataTable
from textual.widgets.data_table import CellType, RowKey

from tracker.ui.keymap import TABLES, bindings
from tracker.ui.widgets.columns import Column, cut, fit_widths


class DeskTable(DataTable[object]):
    COMPONENT_CLASSES: ClassVar[set[str]] = DataTable.COMPONENT_CLASSES | {
        "desk-table--warning",
        "desk-table--bar-paid",
        "desk-table--bar-committed",
        "desk-table--bar-free",
    }

    BINDINGS: ClassVar[list[BindingType]] = bindings(TABLES[1:])

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes, cursor_type="row", zebra_stripes=True)
        self._shown: tuple[tuple[Column, ...], list[tuple[str, list[object]]], list[int]] = ((), [], [])
        """The columns, rows and widest cells last filled, laid out again when the width changes."""
        self._widths: list[int] = []
        """The columns' widths as laid out."""

    def add_row(self, *cells: CellType, height: int | None = 1, key: str | None = None,
                label: TextType | None = None) -> RowKey:
        """Cells show their text as typed: a supplier called "Smith [/] & Co" is not markup."""
        return super().add_row(*(Text(cell) if isinstance(cell, str) else cell for cell in cells), height=height,
                               key=key, label=label)

    def fill(self, columns: Sequence[Column], rows: list[tuple[str, list[object]]]) -> None:
        """Replace columns and rows at once, fitted to the table's width (and again whenever it changes).

        Widths are set here rather than measured by the table as rows arrive: a table refreshed while a
        dialog covers its screen otherwise keeps its headers' widths and cuts every figure short.
        """
        wanted = [max([cell_len(column.label)] + [cell_len(_plain(cells[index])) for _, cells in rows])
                  for index, column in enumerate(columns)]
        self._shown = (tuple(columns), rows, wanted)
        self._widths = []
        self._lay_out()

    def on_resize(self) -> None:
        self._lay_out()

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        """The table's scrollable size, without measuring a cell: `fill` gives every column its width, and every
        row is one line. DataTable's own pass (run when the rows have been added) formats and measures every cell
        of every new row: at 625 budget lines, about 20 ms before the desk's first paint, to learn nothing."""
        header = self.header_height if self.show_header else 0
        width = sum(column.get_render_width(self) for column in self.columns.values())
        self.virtual_size = Size(width + self._row_label_column_width, self._total_row_height + header)

    def _lay_out(self) -> None:
        """Text gives way and columns drop in their stated order, so that no figure runs off the edge."""
        columns, rows, wanted = self._shown
        room = self.size.width - self.styles.scrollbar_size_vertical
        widths = fit_widths(columns, wanted, room, self.cell_padding) if room > 0 else wanted
        if widths == self._widths:
            return
        self._widths = widths
        cursor = self.cursor_row
        self.clear(columns=True)
        for column, width in zip(columns, widths, strict=True):
            if width:
                self.add_column(Text(column.label, justify="right") if column.right else column.label,
                                key=column.key, width=width)
        for key, cells in rows:
            self.add_row(*(_cut(cell, width) if column.gives_way and width < wanted_width else cell
                           for cell, column, width, wanted_width in zip(cells, columns, widths, wanted, strict=True)
                           if width), key=key)
        if rows:
            self.move_cursor(row=min(cursor, len(rows) - 1), animate=False)

    def style_of(self, name: str) -> Style:
        return self.get_component_rich_style(f"desk-table--{name}", partial=True)

    @property
    def bar_styles(self) -> tuple[Style, Style, Style]:
        return self.style_of("bar-paid"), self.style_of("bar-committed"), self.style_of("bar-free")


class OpenableTable(DeskTable):
    """A table whose rows open something: ENTER says so in the footer."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(TABLES[:1])


def _plain(cell: object) -> str:
    return cell.plain if isinstance(cell, Text) else str(cell)


def _cut(cell: object, width: int) -> Text:
    """A text cell cut to its column with `…`, keeping its style."""
    text = cell if isinstance(cell, Text) else Text(str(cell))
    return Text(cut(text.plain, width), style=text.style, justify=text.justify)
