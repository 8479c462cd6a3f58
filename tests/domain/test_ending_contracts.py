"""A contract cannot end while accepted work on it is unpaid: the supplier is owed that money."""

import pytest
from sqlmodel import func, select

from tracker.domain.context import Context
from tracker.domain.contracts import cancel_contract, close_contract
from tracker.domain.deliverables import accept_deliverable
from tracker.domain.errors import Refusal
from tracker.domain.importing import import_folder
from tracker.domain.models import AuditEvent, BudgetLine, Contract
from tracker.store.session import read_session

from ..conftest import DEMO


def _state(ctx: Context) -> tuple[str, int, int]:
    with read_session(ctx.engine) as session:
        contract = session.exec(select(Contract).where(Contract.reference == "DMPCD 2015 76")).one()
        line = session.exec(select(BudgetLine).where(BudgetLine.code == "VG-1516")).one()
        events = session.exec(select(func.count()).select_from(AuditEvent)).one()
        return contract.status, line.committed_pence, events


@pytest.mark.parametrize(("end", "doing"), [
    (lambda ctx: cancel_contract(ctx, "DMPCD 2015 76", reason="withdrawn"), "cancelling"),
    (lambda ctx: close_contract(ctx, "DMPCD 2015 76"), "closing"),
])
def test_a_contract_with_accepted_unpaid_work_cannot_end(alice: Context, end: object, doing: str) -> None:
    import_folder(alice, DEMO)
    accept_deliverable(alice, "DMPCD 2015 76", 1)
    before = _state(alice)
    with pytest.raises(Refusal) as refused:
        end(alice)  # type: ignore[operator]
    assert refused.value.message == (f"DMPCD 2015 76 has £44,880.00 accepted but unpaid; pay it before {doing} "
                                     f"the contract")
    assert _state(alice) == before == ("awarded", 19_760_000, before[2])


def test_cancelling_a_contract_with_nothing_owed_releases_its_whole_commitment(alice: Context) -> None:
    import_folder(alice, DEMO)
    cancel_contract(alice, "DMPCD 2015 76", reason="re-procured")
    status, committed, _ = _state(alice)
    assert (status, committed) == ("cancelled", 19_760_000 - 14_960_000)
