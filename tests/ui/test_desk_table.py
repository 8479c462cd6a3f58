"""The desk's table sized without measuring its cells: every row reachable, the last one scrolled into view."""

from textual.app import App, ComposeResult

from tracker.ui.widgets.cells import money
from tracker.ui.widgets.columns import Column
from tracker.ui.widgets.desk_table import DeskTable

from .helpers import desk_test

COLUMNS = (Column("code", "Line"), Column("name", "Name", gives_way=True, drop=1),
           Column("headroom", "Headroom", right=True))
LINES = 625
"""As many budget lines as the million-payment store's year has."""


class OneTable(App[None]):
    def compose(self) -> ComposeResult:
        yield DeskTable(id="lines")

    def on_mount(self) -> None:
        table = self.query_one(DeskTable)
        table.fill(COLUMNS, [(f"L{index:03}", [f"L{index:03}", "Victims Grant " * 3, money(index * 100_000_017)])
                             for index in range(LINES)])
        table.focus()


@desk_test
async def test_a_long_table_scrolls_to_its_last_row_and_shows_it_whole() -> None:
    app = OneTable()
    async with app.run_test(size=(60, 12)) as pilot:
        await pilot.pause()
        table = app.query_one(DeskTable)
        assert table.virtual_size.height == LINES + 1  # the rows and the header
        assert table.virtual_size.width == sum(column.get_render_width(table) for column in table.columns.values())
        table.move_cursor(row=LINES - 1, animate=False)  # as the dashboard moves to the line of the first work
        await pilot.pause()
        assert table.cursor_row == LINES - 1
        assert table.scroll_y == table.max_scroll_y > 0
        shown = "\n".join(line.text for line in table.render_lines(table.region.reset_offset))
        assert "L624" in shown and "£624,000,106.08" in shown
