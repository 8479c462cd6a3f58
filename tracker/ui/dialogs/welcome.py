"""What an empty database shows first: how to put something in it."""

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, Static

WELCOME = """This database has no budget lines or contracts yet. Quit (q) and, at the command line:

  Add a budget line:
    {tracker} budget add VG-1516 --name "Victims Grant 2015/16" --fy 2015/16 --allocation 200000

  Add a contract against it, its deliverables, then award it:
    {tracker} contract add "DMPCD 2015 76" --title "Victim Service Re-design" \
        --supplier "Impower Consulting Ltd" --value 149600 --budget-line VG-1516
    {tracker} deliverable add "DMPCD 2015 76" --name "Mapping exercise" --amount 44880 --due 2015-08-31
    {tracker} contract award "DMPCD 2015 76"

  Or import a folder of CSV files (budget_lines.csv, contracts.csv, deliverables.csv, payments.csv):
    {tracker} import FOLDER

  Or look around the demo first:
    tracker demo

`{tracker} --help` lists every command. Press escape or enter to see the (empty) desk."""


class WelcomeScreen(ModalScreen[None]):
    """`command` is how the desk was started (`tracker --db FILE`), so the suggested commands reach the same store."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Continue", id="welcome.close"),
        Binding("enter", "close", "Continue", show=False, id="welcome.enter"),
        Binding("q", "app.quit", "Quit", id="welcome.quit"),
    ]

    def __init__(self, command: str = "tracker") -> None:
        super().__init__()
        self.command = command

    def compose(self) -> ComposeResult:
        with Vertical(id="welcome"):
            yield Label("Welcome to tracker", id="dialog-title", markup=False)
            yield Static(WELCOME.format(tracker=self.command), id="welcome-text", markup=False)

    def action_close(self) -> None:
        self.dismiss(None)
