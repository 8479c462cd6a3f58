"""The founding case end to end through the domain: import the demo, sign off, pay."""

from tracker.domain.context import Context
from tracker.domain.deliverables import accept_deliverable
from tracker.domain.importing import import_folder
from tracker.domain.payments import release_payment
from tracker.reports.registers import budget_lines
from tracker.store.session import read_session

from .conftest import DEMO


def test_demo_imports_and_the_mapping_exercise_can_be_accepted_and_paid(alice: Context, bob: Context) -> None:
    summary = import_folder(alice, DEMO)
    assert summary.committed_pence == 46_260_000
    accept_deliverable(alice, "DMPCD 2015 76", 1, note="Mapping report received and reviewed")
    paid = release_payment(bob, "DMPCD 2015 76", 1, invoice="IMP-001")
    assert paid.amount_pence == 4_488_000
    with read_session(alice.engine) as session:
        line = {row.code: row for row in budget_lines(session)}["VG-1516"]
    assert (line.allocation_pence, line.committed_pence, line.paid_pence) == (200_000_000, 19_760_000, 5_688_000)
