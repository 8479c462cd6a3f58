"""What a reading of a decision form proposes: each field with its line and how sure the reading is."""

import datetime as dt
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, Generic, TypeVar

from tracker.domain.errors import InvalidInput
from tracker.domain.fiscal import FiscalYear, fiscal_year_of

T = TypeVar("T")


class Sureness(StrEnum):
    """How a field was read, from most to least certain."""

    STATED = "stated"
    READ = "read"
    WORKED_OUT = "worked out"
    NOT_STATED = "not stated"
    CORRECTED = "corrected"
    """Typed by the officer over what the form said (the desk's form)."""


class AmbiguousForm(InvalidInput):
    """The form states one field two different ways; an officer must say which is right."""


@dataclass(frozen=True)
class Reading(Generic[T]):
    value: T | None
    line: int | None = None
    sureness: Sureness = Sureness.NOT_STATED
    note: str = ""


def corrected(reading: Reading[T], value: T | None) -> Reading[T]:
    """The officer's value where it differs from the reading, keeping the line and what the form said."""
    if value == reading.value:
        return reading
    said = "nothing" if reading.value is None else str(reading.value)
    return Reading(value, reading.line, Sureness.CORRECTED, f"the form said {said}")


def source_of(reading: Reading[Any]) -> str:
    """Where a value came from, in a few words: `line 5, read` or `corrected; the form said …`."""
    if reading.sureness is Sureness.CORRECTED:
        return f"corrected; {reading.note}"
    if reading.line is None:
        return reading.sureness.value
    return f"line {reading.line}, {reading.sureness.value}"


@dataclass(frozen=True)
class ProposedDeliverable:
    seq: int
    name: str
    line: int
    amount: Reading[int]
    due_on: Reading[dt.date]


@dataclass(frozen=True)
class Proposal:
    """What the form says about the contract it decides; amounts in pence."""

    reference: Reading[str]
    title: Reading[str]
    supplier: Reading[str]
    value: Reading[int]
    ceiling: Reading[int]
    decision_date: Reading[dt.date]
    fiscal_years: Reading[dict[FiscalYear, int]]
    fund: Reading[str]
    funder: Reading[str]
    duration_months: Reading[int]
    related_decisions: Reading[tuple[str, ...]]
    deliverables: tuple[ProposedDeliverable, ...] = field(default=())

    @property
    def fiscal_year(self) -> FiscalYear | None:
        """The one year the value falls in; None when it is split or not stated."""
        years = self.fiscal_years.value or {}
        return next(iter(years)) if len(years) == 1 else None

    def not_stated(self) -> list[str]:
        """The fields the form leaves out, by the names an officer uses."""
        missing = [label for label, reading in self.labelled() if reading.sureness is Sureness.NOT_STATED]
        if not self.deliverables:
            missing.append("deliverables")
        for item in self.deliverables:
            if item.amount.value is None:
                missing.append(f"amount of deliverable {item.seq}")
            if item.due_on.value is None:
                missing.append(f"due date of deliverable {item.seq}")
        return missing

    def labelled(self) -> list[tuple[str, Reading[Any]]]:
        return [("reference", self.reference), ("title", self.title), ("supplier", self.supplier),
                ("value", self.value), ("ceiling", self.ceiling), ("decision date", self.decision_date),
                ("financial year", self.fiscal_years), ("fund", self.fund), ("funder", self.funder),
                ("duration", self.duration_months), ("related decisions", self.related_decisions)]


def fiscal_year_of_decision(proposal: Proposal) -> FiscalYear | None:
    """The year a draft sits in: the first year the value falls in, else the decision date's year."""
    years = proposal.fiscal_years.value
    if years:
        return min(years)
    if proposal.decision_date.value is not None:
        return fiscal_year_of(proposal.decision_date.value)
    return None


@dataclass(frozen=True)
class Corrections:
    """What the officer typed over the proposal in the desk's form; amounts in pence."""

    reference: str
    title: str
    supplier: str
    value: int
    ceiling: int | None
    decision_date: dt.date | None
    deliverables: tuple[tuple[str, int, dt.date], ...]


def corrected_proposal(proposal: Proposal, typed: Corrections) -> Proposal:
    """The proposal with the officer's values, each marked where it departs from the form."""
    items = []
    for seq, (name, amount, due) in enumerate(typed.deliverables, start=1):
        read = proposal.deliverables[seq - 1] if seq <= len(proposal.deliverables) else None
        items.append(ProposedDeliverable(
            seq, name, read.line if read else 0,
            corrected(read.amount if read else Reading(None), amount),
            corrected(read.due_on if read else Reading(None), due)))
    return replace(proposal, reference=corrected(proposal.reference, typed.reference),
                   title=corrected(proposal.title, typed.title),
                   supplier=corrected(proposal.supplier, typed.supplier),
                   value=corrected(proposal.value, typed.value), ceiling=corrected(proposal.ceiling, typed.ceiling),
                   decision_date=corrected(proposal.decision_date, typed.decision_date), deliverables=tuple(items))
