"""The founding case as the README tours it, on any store: the demo imported, then sign-off and payment.

Each step runs on its own day's clock, so its audit event is dated that day and as-of exports can be compared.
"""

import datetime as dt
import shutil
import tempfile
from pathlib import Path

from sqlalchemy import Engine

from tracker.domain.context import Context
from tracker.domain.contracts import close_contract
from tracker.domain.deliverables import accept_deliverable, reject_deliverable, submit_deliverable
from tracker.domain.fiscal import fixed_clock
from tracker.domain.importing import import_folder
from tracker.domain.payments import release_payment, reverse_payment
from tracker.domain.people import Actor

from ..conftest import DEMO

FOUNDING = "DMPCD 2015 76"
SARAH = Actor("Sarah Okafor", "sarah")
TOM = Actor("Tom Whitfield", "tom")
DAVID = Actor("David Hale", "david")
IMPORTED_ON = dt.date(2015, 9, 1)
LATER_SIGN_OFF = "DEMO 2015 120,1,Evaluation framework,40000.00,2015-10-09,"


def on(engine: Engine, actor: Actor, day: dt.date) -> Context:
    return Context(engine, actor, fixed_clock(day))


def tour(engine: Engine) -> None:
    """Import on 1 September 2015; Sarah accepts the mapping exercise on the 4th; Tom pays it on the 10th."""
    import_folder(on(engine, Actor("Importer", "importer"), IMPORTED_ON), _demo_as_on_import_day())
    accept_deliverable(on(engine, SARAH, dt.date(2015, 9, 4)), FOUNDING, 1, on=dt.date(2015, 9, 4),
                       note="Mapping report v1.2 reviewed at programme board")
    release_payment(on(engine, TOM, dt.date(2015, 9, 10)), FOUNDING, 1, invoice="IMP-2015-031",
                    paid_on=dt.date(2015, 9, 10))


def october(engine: Engine) -> None:
    """What came after: a rejection, a part payment reversed and paid again in full, and a contract closed."""
    submit_deliverable(on(engine, TOM, dt.date(2015, 10, 1)), "DEMO 2015 91", 2)
    accept_deliverable(on(engine, DAVID, dt.date(2015, 10, 12)), "DEMO 2015 120", 1, on=dt.date(2015, 10, 12))
    reject_deliverable(on(engine, SARAH, dt.date(2015, 10, 2)), "DEMO 2015 91", 2,
                       reason="The report leaves out the second borough")
    tom = on(engine, TOM, dt.date(2015, 10, 13))
    part = release_payment(tom, "DEMO 2015 120", 1, amount_pence=1_500_000, invoice="EV-0001",
                           paid_on=dt.date(2015, 10, 13))
    reverse_payment(on(engine, TOM, dt.date(2015, 10, 14)), part.payment_id, reason="paid to the wrong account",
                    on=dt.date(2015, 10, 14))
    release_payment(on(engine, TOM, dt.date(2015, 10, 15)), "DEMO 2015 120", 1, invoice="EV-0002",
                    paid_on=dt.date(2015, 10, 15))
    close_contract(on(engine, TOM, dt.date(2015, 10, 16)), "DEMO 2014 110", on=dt.date(2015, 10, 16))


def _demo_as_on_import_day() -> Path:
    """The demo as it stood on the import day: its one later sign-off (DEMO 2015 120 #1, 12 October) is still
    waiting, and is recorded in `october` on its own day (an import may not hold anything dated after its day)."""
    folder = Path(tempfile.mkdtemp(prefix="founding-demo-"))
    for source in DEMO.iterdir():
        shutil.copy(source, folder / source.name)
    deliverables = folder / "deliverables.csv"
    lines = deliverables.read_text(encoding="utf-8").splitlines()
    lines = [LATER_SIGN_OFF + "submitted,," if line.startswith(LATER_SIGN_OFF) else line for line in lines]
    deliverables.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder
