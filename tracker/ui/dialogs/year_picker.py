"""Choosing the financial year every screen shows."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from tracker.domain.fiscal import FiscalYear, format_date


class YearPicker(ModalScreen[FiscalYear | None]):
    CSS_PATH = "dialogs.tcss"
    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "cancel", "Cancel", id="picker.cancel")]

    def __init__(self, years: list[FiscalYear], current: FiscalYear) -> None:
        super().__init__()
        self.years = years
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield Label("Financial year", id="dialog-title", markup=False)
            options = [Option(f"{year.label}  ({format_date(year.starts)} to {format_date(year.ends)})",
                              id=str(year.start_year)) for year in self.years]
            picker = OptionList(*options, id="years")
            if self.current in self.years:
                picker.highlighted = self.years.index(self.current)
            yield picker

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(FiscalYear(int(event.option.id or self.current.start_year)))

    def action_cancel(self) -> None:
        self.dismiss(None)
