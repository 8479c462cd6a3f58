"""Every action of the desk as data: a name, a key, a label and a line of help.

The footer, the `?` help screen and the command palette are all built from these
tables, so a key is defined once and every list of keys agrees with it. The footer shows
the screen's own actions, then help and quit, so that it fits 80 columns; the screens'
numbers and the year keys are in the help and the palette.
"""

from dataclasses import dataclass

from textual.binding import Binding, BindingType


@dataclass(frozen=True)
class DeskAction:
    id: str
    key: str
    action: str
    label: str
    help: str
    show: bool = True
    key_display: str | None = None

    def binding(self) -> Binding:
        return Binding(self.key, self.action, self.label, show=self.show, key_display=self.key_display,
                       id=self.id, tooltip=self.help)


EVERYWHERE = (
    DeskAction("help", "question_mark", "help", "Help", "List every key of the desk", key_display="?"),
    DeskAction("quit", "q", "quit", "Quit", "Leave the desk"),
    DeskAction("goto.dashboard", "1", "goto('dashboard')", "Dashboard", "The year's budget lines and the work waiting",
               show=False),
    DeskAction("goto.contracts", "2", "goto('contracts')", "Contracts", "Every contract of the year: filter and sort",
               show=False),
    DeskAction("goto.budget", "3", "goto('budget')", "Budget", "The budget report, per line and per period P1-P12",
               show=False),
    DeskAction("goto.audit", "4", "goto('audit')", "Audit", "The audit log, newest first",
               show=False),
    DeskAction("year.previous", "left_square_bracket", "previous_year", "Year-", "Show the previous financial year",
               key_display="[", show=False),
    DeskAction("year.next", "right_square_bracket", "next_year", "Year+", "Show the next financial year",
               key_display="]", show=False),
    DeskAction("year.pick", "y", "pick_year", "Pick year", "Pick a financial year from a list", show=False),
    DeskAction("back", "escape", "back", "Back", "Go back to the previous screen", show=False),
    DeskAction("contract.from_decision", "n", "add_from_decision", "Contract from a decision",
               "Add a draft contract from a decision form (PDF or text): check each field, then save", show=False),
    DeskAction("budget.add", "b", "add_budget_line", "New line",
               "Add a budget line: its code, year, allocation and control", show=False),
    DeskAction("contract.add", "c", "add_contract", "New contract",
               "Add a draft contract on a budget line, with its deliverables", show=False),
    DeskAction("data.import", "i", "import_folder", "Import",
               "Import a folder of CSV files or a workbook, whole or not at all", show=False),
    DeskAction("data.backup", "B", "backup", "Backup",
               "Back up the database: a copy named only once it is verified", show=False),
    DeskAction("data.export", "E", "export_commitments", "Export",
               "Export the commitments files (CSV, JSON, XLSX) to a folder", show=False),
)

DASHBOARD = (
    DeskAction("dashboard.open", "enter", "open", "Open", "Open the contract of the highlighted row"),
    DeskAction("dashboard.refresh", "r", "reload", "Refresh", "Read the figures again", show=False),
)

CONTRACTS = (
    DeskAction("contracts.filter", "slash", "filter", "Filter", "Type to filter by reference, supplier or line",
               key_display="/"),
    DeskAction("contracts.open", "enter", "open", "Open", "Open the highlighted contract"),
    DeskAction("contracts.sort", "s", "next_sort", "Sort", "Sort by the next column"),
    DeskAction("contracts.reverse", "o", "reverse_sort", "Order", "Reverse the sort order"),
)

CONTRACT = (
    DeskAction("deliverable.submit", "s", "submit", "Submit", "Record that the supplier handed in the deliverable"),
    DeskAction("deliverable.accept", "a", "accept", "Accept", "Sign off the deliverable (who signed, what evidence)"),
    DeskAction("deliverable.reject", "r", "reject", "Reject", "Reject the deliverable, with a reason"),
    DeskAction("payment.release", "p", "release", "Pay", "Release payment for the accepted deliverable"),
    DeskAction("payment.reverse", "v", "reverse", "Reverse", "Reverse the highlighted payment, with a reason"),
    DeskAction("contract.open", "enter", "open", "Open", "Open the selected deliverable's sign-off or payment"
               " (the next step it is waiting for)", show=False),
    DeskAction("contract.vary", "V", "vary", "Vary", "Vary the contract under a decision: value, end, deliverables",
               show=False),
    DeskAction("deliverable.revoke", "u", "revoke", "Revoke", "Take back the deliverable's acceptance (nothing paid)",
               show=False),
    DeskAction("contract.reopen", "o", "reopen", "Reopen", "Reopen a closed contract: commit it again",
               show=False),
    DeskAction("deliverable.reprofile", "D", "reprofile", "Reprofile", "Move the deliverable's due date",
               show=False),
    DeskAction("contract.amend", "e", "amend", "Correct", "Correct the contract's title, supplier, dates or ceiling",
               show=False),
    DeskAction("deliverable.add", "d", "add_deliverable", "+ Deliverable",
               "Add a deliverable to this contract (draft or awarded)", show=False),
    DeskAction("contract.award", "w", "award", "Award", "Award this draft: commit its value against its line",
               show=False),
    DeskAction("invoice.receive", "I", "receive_invoice", "Invoice",
               "Record an invoice received for the deliverable: number, dates, net and VAT", show=False),
    DeskAction("invoice.dispute", "x", "dispute_invoice", "Dispute",
               "Dispute the highlighted invoice: under PCR 2015 its clock stops", show=False),
    DeskAction("invoice.resolve", "R", "resolve_invoice", "Resolve",
               "Resolve the highlighted invoice's dispute: valid from that day", show=False),
    DeskAction("invoice.reject", "X", "reject_invoice", "Reject invoice",
               "Reject the highlighted invoice for good, with a reason", show=False),
)

AUDIT = (
    DeskAction("audit.contract", "slash", "filter_contract", "Contract filter", "Show events of matching contracts",
               key_display="/"),
    DeskAction("audit.person", "w", "filter_person", "Who filter", "Show events by a matching person"),
)

BUDGET = (
    DeskAction("budget.refresh", "r", "reload", "Refresh", "Read the figures again", show=False),
    DeskAction("budget.revise", "a", "revise", "Revise", "Revise the line's allocation under a decision",
               show=False),
    DeskAction("budget.transfer", "t", "transfer", "Transfer", "Move allocation to another line (a virement)",
               show=False),
    DeskAction("budget.year_end", "e", "year_end", "Year end",
               "The year-end review: accruals, unaccepted commitments and underspend (changes nothing)"),
)

TABLES = (
    DeskAction("table.open", "enter", "select_cursor", "Open", "Open the highlighted row"),
    DeskAction("table.next", "tab", "app.focus_next", "Next table", "Move to the next table or field", show=False),
    DeskAction("table.deeper", "right,l", "select_cursor", "Deeper", "Open the highlighted row (as enter)",
               show=False, key_display="→ l"),
    DeskAction("table.back", "left,h", "app.back", "Back", "Go back to the previous screen (as escape)", show=False,
               key_display="← h"),
    DeskAction("table.down", "j", "cursor_down", "Down", "Move down a row (as ↓)", show=False),
    DeskAction("table.up", "k", "cursor_up", "Up", "Move up a row (as ↑)", show=False),
)

SECTIONS: tuple[tuple[str, tuple[DeskAction, ...]], ...] = (
    ("Everywhere", EVERYWHERE),
    ("Tables", TABLES),
    ("Dashboard", DASHBOARD),
    ("Contracts", CONTRACTS),
    ("Contract", CONTRACT),
    ("Budget report", BUDGET),
    ("Audit log", AUDIT),
)


def bindings(actions: tuple[DeskAction, ...]) -> list[BindingType]:
    return [action.binding() for action in actions]
