"""What an empty database shows first: how to put something in it."""

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Footer, Label, Static

WELCOME = """This database has no budget lines or contracts yet. Start here:

  b  add a budget line
  c  add a contract on it, with its deliverables, then w awards it
  i  import a folder of CSV files (budget_lines.csv, contracts.csv,
     deliverables.csv, payments.csv) or a workbook
  n  add a draft contract from a decision form

Or at the command line (q quits), for example:
  {tracker} budget add VG-1516 --name "Victims Grant" --fy 2015/16 \\
      --allocation 200000
  {tracker} contract award "DMPCD 2015 76"
  {tracker} import FOLDER
  tracker demo  (to look around the demo first)

Escape or enter shows the (empty) desk."""


class WelcomeScreen(ModalScreen[None]):
    """`command` is how the desk was started (`tracker --db FILE`), so the suggested commands reach the same store."""

    CSS_PATH = "dialogs.tcss"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Continue", id="welcome.close"),
        Binding("enter", "close", "Continue", show=False, id="welcome.enter"),
        Binding("q", "app.quit", "Quit", id="welcome.quit"),
        Binding("b", "start('add_budget_line')", "Add a budget line", id="welcome.budget"),
        Binding("c", "start('add_contract')", "Add a contract", id="welcome.contract"),
        Binding("i", "start('import_folder')", "Import a folder", id="welcome.import"),
        Binding("n", "start('add_from_decision')", "Contract from a decision", show=False, id="welcome.decision"),
    ]

    def __init__(self, command: str = "tracker") -> None:
        super().__init__()
        self.command = command

    def compose(self) -> ComposeResult:
        with Vertical(id="welcome"):
            yield Label("Welcome to tracker", id="dialog-title", markup=False)
            yield Static(WELCOME.format(tracker=self.command), id="welcome-text", markup=False)
        yield Footer()

    def action_close(self) -> None:
        self.dismiss(None)

    def action_start(self, action: str) -> None:
        """The welcome goes, and the form opens over the empty desk."""
        self.dismiss(None)
        self.app.call_later(self.app.run_action, action)
