"""How figures look in a table cell: money right-aligned as £149,600.00, warnings with a word as well as a colour."""

import datetime as dt

from rich.style import Style
from rich.text import Text

from tracker.domain.fiscal import format_date
from tracker.domain.money import format_gbp


def money(pence: int | None, style: Style | str = "") -> Text:
    return Text("" if pence is None else format_gbp(pence), style=style, justify="right")


def date(day: dt.date | None) -> Text:
    return Text(format_date(day), justify="right")


def bar(paid: int, committed: int, allocation: int, width: int, styles: tuple[Style, Style, Style]) -> Text:
    """█ paid, ▒ committed but unpaid, · free; a ! at the end when commitments exceed the allocation."""
    over = committed > allocation
    scale = max(allocation, committed, 1)
    cells = width - 1 if over else width
    paid_cells = round(cells * max(paid, 0) / scale)
    committed_cells = max(round(cells * max(committed, 0) / scale) - paid_cells, 0)
    free_cells = max(cells - paid_cells - committed_cells, 0)
    paid_style, committed_style, free_style = styles
    text = Text()
    text.append("█" * paid_cells, paid_style)
    text.append("▒" * committed_cells, committed_style)
    text.append("·" * free_cells, free_style)
    if over:
        text.append("!", committed_style)
    return text
