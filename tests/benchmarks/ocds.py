"""The OCDS export at scale: the full package streams (peak memory), and a nightly `--since` package costs what
the day's events cost, not what the store holds.

    .venv/bin/python tests/benchmarks/ocds.py --payments 100000
    .venv/bin/python tests/benchmarks/ocds.py --payments 1000000 --day-events 200

Imports the generated workload (one import event: a release per awarded contract with all it brought), then
records a day of sign-offs on a later day and exports the full package and that day's package, each in a process
of its own (wall time and peak resident memory). Prints `uptime` beside the figures: the machine is shared.
"""

import argparse
import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

from run import PYTHON, SHARED, TRACKER, fresh_store, run, workload

HERE = Path(__file__).resolve().parent
DAY = "2019-12-31"
PUBLISHER = {"TRACKER_OCDS_PUBLISHER": "Benchmark Body", "TRACKER_OCDS_URI": "https://example.org",
             "TRACKER_OCDS_PREFIX": "ocds-213czf"}


def day_of_sign_offs(store: Path, events: int) -> int:
    """Submit and accept `events` pending deliverables of awarded contracts on DAY: two audit events each."""
    code = f"""
import datetime as dt
from sqlalchemy import text
from tracker.domain.context import Context
from tracker.domain.deliverables import accept_deliverable, submit_deliverable
from tracker.domain.fiscal import fixed_clock
from tracker.domain.people import Actor
from tracker.domain.schema import open_store
engine = open_store({str(store)!r}, create=False)
with engine.connect() as conn:
    rows = conn.execute(text("SELECT c.reference, d.seq FROM deliverable d JOIN contract c ON c.id = d.contract_id "
                             "WHERE c.status = 'awarded' AND d.status = 'pending' ORDER BY d.id LIMIT {events}")).all()
ctx = Context(engine, Actor("Bench Officer", "bench"), fixed_clock(dt.date.fromisoformat({DAY!r})))
for reference, seq in rows:
    submit_deliverable(ctx, reference, seq)
    accept_deliverable(ctx, reference, seq)
print(len(rows))
"""
    done = subprocess.run([PYTHON, "-c", code], check=True, capture_output=True, text=True)
    return int(done.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--payments", type=int, default=100_000)
    parser.add_argument("--day-events", type=int, default=100)
    parser.add_argument("--workloads", type=Path, default=HERE / "workloads")
    args = parser.parse_args()
    env = {**os.environ, "TRACKER_TODAY": "2019-12-30", **PUBLISHER}
    data = workload(args.workloads, args.payments)
    store = args.workloads / f"ocds-{args.payments}.db"
    fresh_store(store, env)
    imported = run([TRACKER, "--db", str(store), "import", str(data)], env=env)
    print(f"import: {imported.seconds:.1f} s", flush=True)
    signed = day_of_sign_offs(store, args.day_events)
    out = args.workloads / "ocds-out"
    env = {**env, "TRACKER_TODAY": DAY}
    full = run([TRACKER, "--db", str(store), "export", "ocds", "--dir", str(out), "--as-of", DAY], env=env)
    size = (out / f"ocds-{DAY}.json").stat().st_size
    nightly = run([TRACKER, "--db", str(store), "export", "ocds", "--dir", str(out), "--as-of", DAY,
                   "--since", DAY], env=env)
    nightly_size = (out / f"ocds-{DAY}-since-{DAY}.json").stat().st_size
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"{args.payments:,} payments; {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC; {load}")
    print(f"full package:   {full.seconds:7.1f} s  peak {full.peak_mb:6.0f} MB  {size / 1e6:8.1f} MB written")
    print(f"--since {DAY}: {nightly.seconds:7.1f} s  peak {nightly.peak_mb:6.0f} MB  {nightly_size / 1e3:8.1f} kB "
          f"({signed} sign-offs: {signed} releases)")
    assert full.peak_mb <= 150, "the full package must stream"


if __name__ == "__main__":
    sys.path.insert(0, str(SHARED))
    main()
