"""Searching by typed text: one meaning for the command line and the desk.

What the officer types is matched as written, anywhere in the field and whatever its case: `_` and `%` are
characters of a reference, not wildcards.
"""

from sqlalchemy import ColumnElement, or_
from sqlmodel import col

from tracker.domain.models import BudgetLine, Contract

ESCAPE = "\\"


def contains(text: str) -> str:
    """A LIKE pattern for text appearing anywhere, its own `%`, `_` and `\\` taken literally."""
    literal = text.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")
    return f"%{literal}%"


def contract_matches(text: str) -> ColumnElement[bool]:
    """A contract whose reference, supplier, title or budget line contains the text (the query joins the line)."""
    pattern = contains(text.strip())
    return or_(*(column.ilike(pattern, escape=ESCAPE) for column in
                 (col(Contract.reference), col(Contract.supplier), col(Contract.title), col(BudgetLine.code))))
