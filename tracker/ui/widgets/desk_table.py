"""The desk's table: a DataTable whose warning colours come from the stylesheet, not from Python."""

from typing import ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text, TextType
from textual.binding import BindingType
from textual.widgets import DataTable
from textual.widgets.data_table import CellType, RowKey

from tracker.ui.keymap import TABLES, bindings


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

    def add_row(self, *cells: CellType, height: int | None = 1, key: str | None = None,
                label: TextType | None = None) -> RowKey:
        """Cells show their text as typed: a supplier called "Smith [/] & Co" is not markup."""
        return super().add_row(*(Text(cell) if isinstance(cell, str) else cell for cell in cells), height=height,
                               key=key, label=label)

    def reset(self, *columns: str | Text) -> None:
        """Empty the table and set its columns again; for tables filled a page at a time."""
        self.clear(columns=True)
        for column in columns:
            self.add_column(column)

    def fill(self, columns: list[tuple[str | Text, str]], rows: list[tuple[str, list[object]]]) -> None:
        """Replace columns and rows at once, each column as wide as its widest cell.

        Widths are set here rather than measured by the table as rows arrive: a table refreshed while a
        dialog covers its screen otherwise keeps its headers' widths and cuts every figure short.
        """
        self.clear(columns=True)
        for index, (label, key) in enumerate(columns):
            width = max([cell_len(str(label))] + [cell_len(_plain(cells[index])) for _, cells in rows])
            self.add_column(label, key=key, width=width)
        for key, cells in rows:
            self.add_row(*cells, key=key)

    def style_of(self, name: str) -> Style:
        return self.get_component_rich_style(f"desk-table--{name}", partial=True)

    @property
    def bar_styles(self) -> tuple[Style, Style, Style]:
        return self.style_of("bar-paid"), self.style_of("bar-committed"), self.style_of("bar-free")


class OpenableTable(DeskTable):
    """A table whose rows open something: ENTER says so in the footer."""

    BINDINGS: ClassVar[list[BindingType]] = bindings(TABLES[:1])


def column_specs(*labels: str | Text) -> list[tuple[str | Text, str]]:
    """Column specs for `fill`, keyed by their plain labels."""
    return [(label, _plain(label) or f"column-{index}") for index, label in enumerate(labels)]


def _plain(cell: object) -> str:
    return cell.plain if isinstance(cell, Text) else str(cell)
