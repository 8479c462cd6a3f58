"""The floor the desk's first paint is judged against: a bare Textual app that paints one static table.

Nothing is read from a store and nothing else is imported: what is left is the interpreter, Textual and a first
paint, on the same machine at the same moment as the desk (`desk_terminal.py` runs them alternately). `q` quits.

    .venv/bin/python tests/benchmarks/bare_table.py
"""

from typing import ClassVar

from textual.app import App, ComposeResult
from textual.binding import BindingType
from textual.widgets import DataTable, Label

MARKER = "Bare table painted"
"""Drawn with the rows: the benchmark waits for it on the screen."""


class BareTable(App[None]):
    BINDINGS: ClassVar[list[BindingType]] = [("q", "quit", "Quit")]

    def compose(self) -> ComposeResult:
        yield Label(MARKER)
        yield DataTable[str]()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Line", "Allocation", "Committed", "Paid", "Outstanding", "Headroom")
        table.add_rows([f"LINE-{n:03}", f"£{n * 1000:,}.00", f"£{n * 900:,}.00", f"£{n * 500:,}.00",
                        f"£{n * 400:,}.00", f"£{n * 100:,}.00"] for n in range(1, 31))


if __name__ == "__main__":
    BareTable().run()
