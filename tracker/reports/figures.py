"""Figures every report derives the same way from the stored running totals."""

from dataclasses import dataclass

NEAR_PERCENT = 95
"""A line is flagged "near" once its commitments reach 95% of its allocation."""


class Outstanding:
    """Anything with a commitment and payments against it: what is committed and not yet paid."""

    committed_pence: int
    paid_pence: int

    @property
    def outstanding_pence(self) -> int:
        return self.committed_pence - self.paid_pence


class LineFigures(Outstanding):
    """A budget line, or a total of lines: also what is left to commit."""

    allocation_pence: int

    @property
    def headroom_pence(self) -> int:
        return self.allocation_pence - self.committed_pence

    @property
    def standing(self) -> str:
        """"over" past the allocation, "near" within 5% of it, else "": the one reading, for every report."""
        if self.committed_pence > self.allocation_pence:
            return "over"
        if self.allocation_pence > 0 and self.committed_pence * 100 >= self.allocation_pence * NEAR_PERCENT:
            return "near"
        return ""


@dataclass(frozen=True)
class LineRow(LineFigures):
    code: str
    name: str
    fund: str
    funder: str
    fiscal_year: str
    control: str
    allocation_pence: int
    committed_pence: int
    paid_pence: int
