"""SIGKILL at random moments during payments, imports and exports: nothing reported done is ever lost.

A long-lived child (forked, so a life starts in milliseconds) works through one kind of
operation, writing a line to a pipe after each commit; the parent kills it at a random
moment, then checks the file with the database's own integrity check, `audit verify`,
and that every reported success is there, and starts the next life.
"""

import datetime as dt
import hashlib
import json
import os
import random
import select
import signal
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from tests.conftest import DEMO_TODAY
from tests.integrity.helpers import ALICE, BOB
from tracker.domain.context import Context
from tracker.domain.fiscal import fixed_clock
from tracker.domain.importing import import_folder
from tracker.domain.schema import open_store
from tracker.domain.verify import parse_head, verify_store
from tracker.store.engine import integrity_problems

KILLS = int(os.environ.get("TRACKER_CRASH_KILLS", "210"))
CONTRACTS, PARTS, PRICE = 150, 4, 10_000
LANES = ("pay", "import", "export")


def _write(folder: Path, name: str, lines: list[str]) -> None:
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


def _starting_folder(folder: Path) -> None:
    folder.mkdir()
    _write(folder, "budget_lines.csv", ["code,name,fiscal_year,allocation,invoices",
                                              "CRASH-1516,Crash line,2015/16,90000000,not required"])
    _write(folder, "contracts.csv", ["reference,supplier,title,budget_line,value,awarded_on"]
           + [f"C {i},Supplier,Work,CRASH-1516,{PRICE * PARTS // 100},2015-05-01" for i in range(CONTRACTS)])
    _write(folder, "deliverables.csv", ["contract_reference,seq,name,amount,due_on,status,accepted_on,accepted_by"]
           + [f"C {i},{s},Part,{PRICE // 100},2015-06-01,accepted,2015-06-02,Alice Accepts"
              for i in range(CONTRACTS) for s in range(1, PARTS + 1)])


def _life(lane: str, db: str, work: Path, out: int) -> None:
    """One life of the child: the lane's operation, over and over, one line on the pipe after each commit."""
    from tracker import __version__
    from tracker.domain.errors import Refusal
    from tracker.domain.payments import release_payment, reverse_payment
    from tracker.exports.nightly import export_commitments
    from tracker.store.session import read_session

    engine = open_store(db)
    bob = Context(engine, BOB, fixed_clock(DEMO_TODAY))
    alice = Context(engine, ALICE, fixed_clock(DEMO_TODAY))
    rng = random.Random(os.getpid())
    n = 0
    while True:
        n += 1
        if lane == "pay":
            ref, seq = f"C {rng.randrange(CONTRACTS)}", rng.randrange(1, PARTS + 1)
            try:
                paid = release_payment(bob, ref, seq, paid_on=dt.date(2015, 10, 1))
            except Refusal:
                continue
            os.write(out, f"payment {paid.payment_id} {paid.amount_pence}\n".encode())
            if n % 3 == 0:
                back = reverse_payment(bob, paid.payment_id, reason="crash test", on=dt.date(2015, 10, 2))
                os.write(out, f"payment {back.payment_id} {back.amount_pence}\n".encode())
        elif lane == "import":
            folder = work / f"import-{os.getpid()}-{n}"
            folder.mkdir()
            ref = f"I {os.getpid()}-{n}"
            _write(folder, "contracts.csv", ["reference,supplier,title,budget_line,value,awarded_on",
                                             f"{ref},Importer,Imported,CRASH-1516,300.00,2015-05-01"])
            _write(folder, "deliverables.csv", ["contract_reference,seq,name,amount,due_on,status,accepted_on"]
                   + [f"{ref},{s},Part,100.00,2015-06-01,accepted,2015-06-02" for s in (1, 2, 3)])
            _write(folder, "payments.csv", ["contract_reference,deliverable_seq,amount,paid_on",
                                            f"{ref},1,100.00,2015-07-01", f"{ref},2,50.00,2015-07-01"])
            import_folder(alice, folder)
            os.write(out, f"import {ref}\n".encode())
        else:
            folder = work / f"export-{os.getpid()}-{n}"
            folder.mkdir(mode=0o700)
            with read_session(engine) as session:
                result = export_commitments(session.connection(), folder, DEMO_TODAY, ("csv", "json"),
                                            generated_at="2015-10-19T00:00:00+00:00", version=__version__)
            os.write(out, f"export {folder / result.manifest}\n".encode())


def _spawn(lane: str, db: str, work: Path) -> tuple[int, int]:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        try:
            _life(lane, db, work, write_end)
        finally:
            os._exit(0)
    os.close(write_end)
    return pid, read_end


def _drain(fd: int) -> list[str]:
    chunks = []
    while select.select([fd], [], [], 0)[0]:
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            break
        chunks.append(chunk)
    os.close(fd)
    text_ = b"".join(chunks).decode()
    return [line for line in text_.split("\n")[:-1]]


def _check_reported(engine: Engine, reported: list[str]) -> int:
    """Every success a child reported is in the database (or, for an export, on disk, intact); returns losses."""
    losses = 0
    with engine.connect() as conn:
        for line in reported:
            kind, what, *rest = line.split(" ", 2)
            if kind == "payment":
                found = conn.execute(text("SELECT amount_pence FROM payment WHERE id = :id"), {"id": int(what)}).first()
                losses += found is None or found[0] != int(rest[0])
            elif kind == "import":
                ref = f"{what} {rest[0]}"
                found = conn.execute(text("SELECT COUNT(*) FROM deliverable d JOIN contract c ON c.id = d.contract_id "
                                          "WHERE c.reference = :ref"), {"ref": ref}).scalar_one()
                losses += found != 3
            else:
                manifest_path = Path(what)
                manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
                for name, meta in manifest["files"].items():
                    data = (manifest_path.parent / name).read_bytes()
                    losses += hashlib.sha256(data).hexdigest() != meta["sha256"]
                losses += not verify_store(engine, head=parse_head(manifest["audit_chain_head"])).ok
    return losses


@pytest.mark.slow
def test_random_kills_lose_nothing_reported_and_leave_a_sound_store(store: str, tmp_path: Path) -> None:
    db, work = store, tmp_path / "work"
    work.mkdir()
    engine = open_store(db)
    _starting_folder(tmp_path / "start")
    import_folder(Context(engine, ALICE, fixed_clock(DEMO_TODAY)), tmp_path / "start")
    engine.dispose()
    rng = random.Random(20151019)
    kills = losses = broken = 0
    reported: dict[str, int] = dict.fromkeys(LANES, 0)
    started = time.monotonic()
    for life in range(KILLS):
        lane = LANES[life % len(LANES)]
        pid, fd = _spawn(lane, db, work)
        time.sleep(rng.uniform(0.03, 0.3))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status), f"life {life} ({lane}) ended before it was killed"
        kills += 1
        lines = _drain(fd)
        reported[lane] += len(lines)
        problems = integrity_problems(engine)
        verified = verify_store(engine)
        broken += bool(problems) + (not verified.ok)
        assert not problems, (life, lane, problems)
        assert verified.ok, (life, lane, verified.problems[:3])
        losses += _check_reported(engine, lines)
        assert losses == 0, (life, lane, lines)
    with engine.connect() as conn:
        payments = conn.execute(text("SELECT COUNT(*) FROM payment")).scalar_one()
    print(f"crash: {kills} kills survived in {time.monotonic() - started:.0f} s, successes reported before the kill "
          f"{reported}, losses {losses}, broken stores {broken}, {payments} payment rows")
    assert reported["pay"] > 0 and reported["import"] > 0 and reported["export"] > 0
