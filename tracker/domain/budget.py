"""Budget lines: the allocations that contracts are committed against and paid from."""

import datetime as dt
from dataclasses import dataclass

from tracker.domain import lookup, rules, year_end
from tracker.domain.allocations import open_year
from tracker.domain.audit import AuditAction
from tracker.domain.context import Context
from tracker.domain.errors import InvalidInput
from tracker.domain.fiscal import FiscalYear
from tracker.domain.models import BudgetLine, Control
from tracker.domain.text import clean_text


@dataclass(frozen=True)
class LineAdded:
    code: str
    fiscal_year: str
    allocation_pence: int


def parse_control(text: str) -> Control:
    try:
        return Control(str(text).strip().lower())
    except ValueError:
        raise InvalidInput(f'control "{text}" is not one of: hard (refuse overspend), warn (allow with a warning)') \
            from None


def add_budget_line(ctx: Context, code: str, *, name: str, fiscal_year: FiscalYear, allocation_pence: int,
                    fund: str = "", funder: str = "", control: Control = Control.HARD,
                    invoices_required: bool = True) -> LineAdded:
    code = clean_text("budget line code", code, max_length=40)
    name = clean_text("name", name)
    fund = clean_text("fund", fund, required=False)
    funder = clean_text("funder", funder, required=False)
    with ctx.change() as change:
        rules.unique_line_code(code, taken_as=lookup.line_code_taken(change.session, code))
        line = BudgetLine(code=code, name=name, fund=fund, funder=funder, fiscal_year=fiscal_year.start_year,
                          allocation_pence=allocation_pence, control=control.value,
                          invoices_required=invoices_required)
        change.session.add(line)
        change.session.flush()
        change.record(AuditAction.BUDGET_LINE_ADDED, None, code=code, name=name, fund=fund, funder=funder,
                      fiscal_year=fiscal_year.label, allocation_pence=allocation_pence, control=control.value,
                      **({} if invoices_required else {"invoices_required": False}))
    return LineAdded(code=code, fiscal_year=fiscal_year.label, allocation_pence=allocation_pence)


@dataclass(frozen=True)
class InvoicesSet:
    code: str
    required: bool


def set_invoices_required(ctx: Context, code: str, *, required: bool, decision: str, on: dt.date,
                          reason: str) -> InvoicesSet:
    """Switch the three-way match on or off for one line's payments.

    It is a setting of the line in the store, changed only here, under a decision and with the reason, in an
    audited event, rather than an environment variable: an auditor asking why a payment went out without an invoice
    finds who switched invoices off for its line, when, on whose decision and why; nobody can switch it for one
    command by setting a variable in their own shell.
    """
    decision = clean_text("decision reference", decision, max_length=80)
    reason = clean_text("reason", reason, max_length=500)
    rules.not_in_future("a decision", on, ctx.clock.today())
    with ctx.change() as change:
        line = lookup.budget_line(change.session, code)
        code = line.code
        what = f"switching invoices {'on' if required else 'off'} for {code}"
        open_year(change.session, what, line)
        year_end.refuse_in_closed_year(change.session, what, on)
        if line.invoices_required == required:
            raise InvalidInput(f"nothing to change: {code} already {_says(required)}")
        line.invoices_required = required
        change.session.add(line)
        change.record(AuditAction.BUDGET_LINE_INVOICES_SET, None, code=code, invoices_required=required,
                      decision=decision, decided_on=on, reason=reason)
    return InvoicesSet(code, required)


def _says(required: bool) -> str:
    return "pays only recorded invoices" if required else "pays without invoices"


INVOICES = {"required": True, "not required": False}
"""How a line's invoice setting is written, in a command or a budget_lines.csv column."""


def parse_invoices(text: str) -> bool:
    """Whether invoices are required: "required" or "not required" (a dash or underscore reads as a space)."""
    found = INVOICES.get(" ".join(str(text).strip().lower().replace("-", " ").replace("_", " ").split()))
    if found is None:
        raise InvalidInput(f'invoices "{text}" is not one of: required (a payment needs a recorded invoice), '
                           f'not required')
    return found
