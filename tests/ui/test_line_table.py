"""The contracts list's table: rows laid out as lines, a cursor that scrolls, the header and rows under the mouse."""

from typing import Any

from textual.app import App, ComposeResult

from tracker.ui.widgets.columns import Column
from tracker.ui.widgets.line_table import MOST_ROWS, LineTable

from .helpers import desk_test

COLUMNS = (Column("reference", "Reference"), Column("supplier", "Supplier", gives_way=True, drop=1),
           Column("value", "Value", right=True))
SUPPLIERS = ("Impower Consulting Ltd", "Müller & Søn Foundation & Co", "Ćosić Associates plc")


class OneTable(App[None]):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[tuple[str, Any]] = []

    def compose(self) -> ComposeResult:
        yield LineTable(id="table")

    def on_mount(self) -> None:
        table = self.query_one(LineTable)
        table.set_columns(COLUMNS)
        table.add_rows((f"C{index}", [f"C{index}", SUPPLIERS[index % 3], f"£{index:,}.00"]) for index in range(50))
        table.focus()

    def on_line_table_row_highlighted(self, message: LineTable.RowHighlighted) -> None:
        self.messages.append(("highlighted", message.cursor_row))

    def on_line_table_row_selected(self, message: LineTable.RowSelected) -> None:
        self.messages.append(("selected", message.key))

    def on_line_table_header_selected(self, message: LineTable.HeaderSelected) -> None:
        self.messages.append(("header", message.column_key))

    def on_line_table_near_end(self, message: LineTable.NearEnd) -> None:
        self.messages.append(("near end", message.table.cursor_row))


def lines(app: OneTable) -> list[str]:
    table = app.query_one(LineTable)
    return [line.text.rstrip() for line in table.render_lines(table.size.region)]


@desk_test
async def test_rows_line_up_in_columns_and_a_wide_column_gives_way_to_fit() -> None:
    app = OneTable()
    async with app.run_test(size=(40, 8)) as pilot:
        await pilot.pause()
        shown = lines(app)
        assert shown[:4] == [" Reference  Supplier            Value",
                             " C0         Impower Consulti…   £0.00",
                             " C1         Müller & Søn Fou…   £1.00",
                             " C2         Ćosić Associates…   £2.00"]
        await pilot.resize_terminal(80, 8)
        await pilot.pause()
        assert lines(app)[2] == " C1         Müller & Søn Foundation & Co   £1.00"


@desk_test
async def test_the_cursor_moves_scrolls_and_stops_at_the_ends() -> None:
    app = OneTable()
    async with app.run_test(size=(60, 8)) as pilot:
        table = app.query_one(LineTable)
        await pilot.press("down", "down")
        assert table.cursor_row == 2
        await pilot.press("pagedown")
        assert table.cursor_row == 2 + 7 and table.scroll_offset.y == 3
        assert lines(app)[0].startswith(" Reference") and lines(app)[1].startswith(" C3 ")
        await pilot.press("end")
        assert table.cursor_row == 49 and lines(app)[-1].startswith(" C49 ")
        await pilot.press("down", "home", "up")
        assert table.cursor_row == 0 and table.scroll_offset.y == 0
        assert ("highlighted", 49) in app.messages and app.messages[-1] == ("highlighted", 0)
        await pilot.resize_terminal(30, 8)
        assert table.max_scroll_x == 0, "too narrow, the supplier drops rather than the figure being scrolled off"
        assert "£0.00" in lines(app)[1] and "Impower" not in lines(app)[1]
        await pilot.press("right")
        assert app.messages[-1] == ("selected", "C0"), "right goes deeper, as enter"


@desk_test
async def test_enter_or_a_second_click_opens_a_row_and_a_header_click_names_its_column() -> None:
    app = OneTable()
    async with app.run_test(size=(60, 8)) as pilot:
        table = app.query_one(LineTable)
        await pilot.click(LineTable, offset=(3, 3))
        assert table.cursor_row == 2 and ("selected", "C2") not in app.messages
        await pilot.click(LineTable, offset=(3, 3))
        await pilot.press("down", "enter")
        await pilot.click(LineTable, offset=(14, 0))
        await pilot.click(LineTable, offset=(45, 0))
        await pilot.pause()
        assert [message for message in app.messages if message[0] not in ("highlighted", "near end")] == [
            ("selected", "C2"), ("selected", "C3"), ("header", "supplier"), ("header", "value")]


@desk_test
async def test_the_next_page_is_asked_for_near_the_last_row_until_the_table_is_full() -> None:
    app = OneTable()
    async with app.run_test(size=(60, 8)) as pilot:
        table = app.query_one(LineTable)
        await pilot.press("down")
        table.cursor_row = 9
        await pilot.pause()
        assert not [message for message in app.messages if message[0] == "near end"]
        table.cursor_row = 10
        await pilot.pause()
        assert app.messages[-1] == ("near end", 10)
        table.add_rows((f"D{index}", ["D", "", ""]) for index in range(MOST_ROWS - 50))
        assert table.full
        app.messages.clear()
        await pilot.press("end")
        assert app.messages == [("highlighted", MOST_ROWS - 1)]
