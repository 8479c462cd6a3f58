"""Budget lines: the allocations that contracts are committed against and paid from."""

from dataclasses import dataclass

from tracker.domain import lookup, rules
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
                    fund: str = "", funder: str = "", control: Control = Control.HARD) -> LineAdded:
    code = clean_text("budget line code", code, max_length=40)
    name = clean_text("name", name)
    fund = clean_text("fund", fund, required=False)
    funder = clean_text("funder", funder, required=False)
    with ctx.change() as change:
        rules.unique_line_code(code, taken_as=lookup.line_code_taken(change.session, code))
        line = BudgetLine(code=code, name=name, fund=fund, funder=funder, fiscal_year=fiscal_year.start_year,
                          allocation_pence=allocation_pence, control=control.value)
        change.session.add(line)
        change.session.flush()
        change.record(AuditAction.BUDGET_LINE_ADDED, None, code=code, name=name, fund=fund, funder=funder,
                      fiscal_year=fiscal_year.label, allocation_pence=allocation_pence, control=control.value)
    return LineAdded(code=code, fiscal_year=fiscal_year.label, allocation_pence=allocation_pence)
