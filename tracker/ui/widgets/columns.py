"""Fitting a table's columns to the width it has: a money figure is drawn whole or its column is dropped.

Text columns (names, suppliers) give way first, cut with `…` down to a few cells (those that drop earliest first);
then whole columns drop, in the order each table states (`drop`: 1 goes first; 0 never goes). A cut never falls
inside a figure such as `£149,600.00`: the text stops before the figure instead.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from rich.cells import cell_len, set_cell_size

NARROWEST = 12
"""The fewest cells a column that gives way is cut to before columns start to drop."""
FIGURE = re.compile(r"-?£[\d,]*(?:\.\d*)?")
"""A money figure as drawn (`£1,234.56`, `-£12.00`), for not cutting one in two."""


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    right: bool = False
    """Figures and dates line up on the right."""
    gives_way: bool = False
    """Cut with `…` to what the other columns leave, before any column is dropped."""
    drop: int = 0
    """When the width is short, columns drop in rising order of this number; 0: the column always stays."""


def fit_widths(columns: Sequence[Column], wanted: Sequence[int], room: int, padding: int) -> list[int]:
    """Each column's width as drawn, 0 for a column dropped, so that all of them fit in `room` cells.

    `wanted` is each column's widest cell (or label); `padding` the spaces either side of every cell.
    """
    widths = list(wanted)

    def used() -> int:
        return sum(width + 2 * padding for width in widths if width)

    giving_way = sorted((i for i, column in enumerate(columns) if column.gives_way),
                        key=lambda i: columns[i].drop or len(columns) + 1)
    for index in giving_way:
        if used() > room:
            widths[index] = max(widths[index] - (used() - room), min(NARROWEST, wanted[index]))
    for index in sorted((i for i, column in enumerate(columns) if column.drop), key=lambda i: columns[i].drop):
        if used() <= room:
            break
        widths[index] = 0
    for index in reversed(giving_way):
        if widths[index] and used() < room:
            widths[index] = min(wanted[index], widths[index] + room - used())
    return widths


def cut(text: str, width: int) -> str:
    """The text in at most `width` cells, ending in `…` when cut; never part of a money figure."""
    if cell_len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    kept = set_cell_size(text, width - 1).rstrip()
    kept_end = len(kept)
    for figure in FIGURE.finditer(text):
        if figure.start() < kept_end < figure.end():
            kept = text[:figure.start()].rstrip()
            break
    return kept + "…"
