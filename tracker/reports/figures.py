"""Figures every report derives the same way from the stored running totals."""


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
