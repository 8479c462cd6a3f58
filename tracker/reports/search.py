"""Searching by typed text: one meaning for the command line and the desk, on both stores.

What the officer types is matched as written, anywhere in the field and whatever its case, beyond ASCII too
(`SOCIÉTÉ` finds `Société`): `_` and `%` are characters of a reference, not wildcards.
"""

from sqlalchemy import ColumnElement, or_
from sqlalchemy.orm import Mapped
from sqlmodel import col

from tracker.domain.models import BudgetLine, Contract
from tracker.store.engine import folded

ESCAPE = "\\"


def contains(*texts: str) -> str:
    """A LIKE pattern for the texts appearing anywhere in this order, their own `%`, `_` and `\\` taken
    literally."""
    literals = (text.replace(ESCAPE, ESCAPE * 2).replace("%", ESCAPE + "%").replace("_", ESCAPE + "_")
                for text in texts)
    return "%" + "%".join(literals) + "%"


def has_text(column: ColumnElement[str] | Mapped[str] | Mapped[str | None], *texts: str) -> ColumnElement[bool]:
    """The column contains the texts (in this order), whatever the case of any letter.

    Plain ASCII needs no folding (ILIKE folds A to Z on both stores, and only ASCII can match it); other text
    is compared in lower case, folded by the store.
    """
    if all(text.isascii() for text in texts):
        return column.ilike(contains(*texts), escape=ESCAPE)
    return folded(column).like(contains(*(text.lower() for text in texts)), escape=ESCAPE)


def same_text(column: ColumnElement[str] | Mapped[str], text: str) -> ColumnElement[bool]:
    """The column is the text, whatever the case of any letter (a person's name as typed)."""
    return folded(column) == text.lower()


def contract_matches(text: str) -> ColumnElement[bool]:
    """A contract whose reference, supplier, title or budget line contains the text (the query joins the line)."""
    wanted = text.strip()
    return or_(*(has_text(column, wanted) for column in
                 (col(Contract.reference), col(Contract.supplier), col(Contract.title), col(BudgetLine.code))))
