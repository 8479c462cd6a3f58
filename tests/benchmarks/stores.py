"""The same jobs on SQLite and on PostgreSQL, run alternately on one machine: medians, ratio, load, same answers.

Each job is a whole `tracker` process: the import of a workload into a new store, `report budget --fy all --format
json` with and without `--as-of`, and `export commitments --format csv`. Runs alternate store by store, and the
order flips every round (SQLite first, then PostgreSQL first), so a shared machine's load falls on both alike. The
load average is read before every run and printed beside the medians. Every report's JSON and every export's CSV
files must be byte-identical on the two stores (SHA-256), or the benchmark says so and exits non-zero.

    .venv/bin/python tests/benchmarks/stores.py --url postgresql+psycopg://me@127.0.0.1:5432/postgres /tmp/wl100k
    .venv/bin/python tests/benchmarks/stores.py --url ... /tmp/wl1m --runs 3 --import-runs 1

--url names a PostgreSQL server and a database the role may connect to; the benchmark creates its own database
there (bench_<pid>), and drops it at the end. DIR is a workload of ../shared/bench/gen_workload.py.
The target: PostgreSQL within 3x of SQLite for each job.
"""

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from sqlalchemy import create_engine, make_url, text
from sqlalchemy.pool import NullPool

HERE = Path(__file__).resolve().parent
TRACKER = str(Path(sys.executable).parent / "tracker")
TODAY = "2019-12-31"
"""The workloads' payments run to March 2018; a later pinned day keeps every payment in the past."""
AS_OF = "2016-09-30"
"""A day in the middle of the data (2015/16 to 2017/18), as run.py uses."""
LIMIT = 3.0
STORES = ("sqlite", "postgresql")
SETTINGS = ("server_version", "shared_buffers", "work_mem", "effective_cache_size", "maintenance_work_mem", "fsync",
            "synchronous_commit", "full_page_writes", "max_wal_size", "random_page_cost", "jit")


@dataclass
class Run:
    seconds: float
    cpu_s: float
    load: float
    digest: str


@dataclass
class Job:
    name: str
    runs: dict[str, list[Run]] = field(default_factory=lambda: {store: [] for store in STORES})

    def median(self, store: str) -> float:
        return statistics.median(r.seconds for r in self.runs[store])

    def loads(self) -> str:
        values = [r.load for store in STORES for r in self.runs[store]]
        return f"{min(values):.1f} to {max(values):.1f}"

    def identical(self) -> bool:
        return len({r.digest for store in STORES for r in self.runs[store]}) == 1


def load_average() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def run(command: list[str], env: dict[str, str], stdout: Path | None = None) -> tuple[float, float]:
    """One whole process: wall seconds and the child's CPU seconds (the server's work is not in them)."""
    out = stdout.open("wb") if stdout else subprocess.DEVNULL
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if stdout:
        out.close()  # type: ignore[union-attr]
    if os.waitstatus_to_exitcode(status) != 0:
        stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
        raise SystemExit(f"failed ({os.waitstatus_to_exitcode(status)}): {' '.join(command)}\n{stderr}")
    return seconds, usage.ru_utime + usage.ru_stime


def sha256(*paths: Path) -> str:
    """One digest of the files' names and bytes."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


class Server:
    """The benchmark's own database on the PostgreSQL server, made afresh for each import."""

    def __init__(self, url: str) -> None:
        self.url = make_url(url)
        self.admin = create_engine(self.url, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        self.name = f"bench_{os.getpid()}"
        self.target = self.url.set(database=self.name).render_as_string(hide_password=False)

    def settings(self) -> dict[str, str]:
        with self.admin.connect() as conn:
            return {name: str(conn.execute(text(f"SHOW {name}")).scalar()) for name in SETTINGS}

    def recreate(self) -> None:
        self.drop()
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{self.name}" TEMPLATE template0')

    def drop(self) -> None:
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def alternate(job: Job, rounds: int, once: Callable[[str], Run]) -> Job:
    for n in range(rounds):
        for store in STORES if n % 2 == 0 else reversed(STORES):
            job.runs[store].append(once(store))
            print(f"  {job.name} {store}: {job.runs[store][-1].seconds:.2f} s (load {job.runs[store][-1].load:.1f})",
                  flush=True)
    return job


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("workload", type=Path, help="a folder made by gen_workload.py")
    parser.add_argument("--url", required=True, help="a PostgreSQL server (the benchmark makes its own database)")
    parser.add_argument("--runs", type=int, default=5, help="alternating rounds of each report and export")
    parser.add_argument("--import-runs", type=int, default=3, help="alternating rounds of the import")
    parser.add_argument("--scratch", type=Path, default=HERE / "workloads" / "stores")
    args = parser.parse_args()
    manifest = (args.workload / "MANIFEST.txt").read_text()
    payments = int(next(line for line in manifest.splitlines() if line.startswith("payments:")).split(":")[1])
    scratch = args.scratch
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir(parents=True)
    server = Server(args.url)
    stores = {"sqlite": str(scratch / "tracker.db"), "postgresql": server.target}
    env = {**os.environ, "TRACKER_TODAY": TODAY, "TRACKER_USER": "benchmark", "TRACKER_EXPORT_DIR": str(scratch)}
    env.pop("TRACKER_DB", None)
    settings = server.settings()
    print(f"PostgreSQL: {settings}", flush=True)
    jobs: list[Job] = []
    try:
        def imported(store: str) -> Run:
            if store == "sqlite":
                for suffix in ("", "-wal", "-shm"):
                    Path(f"{stores[store]}{suffix}").unlink(missing_ok=True)
            else:
                server.recreate()
            run([TRACKER, "--db", stores[store], "init"], env)
            load = load_average()
            seconds, cpu = run([TRACKER, "--db", stores[store], "import", str(args.workload)], env)
            return Run(seconds, cpu, load, "")

        jobs.append(alternate(Job("tracker import DIR"), args.import_runs, imported))

        for label, extra in (("report budget --fy all --format json", []),
                             (f"report budget --fy all --format json --as-of {AS_OF}", ["--as-of", AS_OF])):
            def reported(store: str, extra: list[str] = extra) -> Run:
                out = scratch / store / "report.json"
                out.parent.mkdir(exist_ok=True)
                load = load_average()
                seconds, cpu = run([TRACKER, "--db", stores[store], "report", "budget", "--fy", "all", "--format",
                                    "json", *extra], env, stdout=out)
                return Run(seconds, cpu, load, sha256(out))

            jobs.append(alternate(Job(label), args.runs, reported))

        def exported(store: str) -> Run:
            out = scratch / f"export-{store}"
            shutil.rmtree(out, ignore_errors=True)
            out.mkdir()
            load = load_average()
            seconds, cpu = run([TRACKER, "--db", stores[store], "export", "commitments", "--format", "csv", "--dir",
                                str(out)], env)
            return Run(seconds, cpu, load, sha256(*sorted(out.glob("*.csv"))))

        jobs.append(alternate(Job("export commitments --format csv"), args.runs, exported))
    finally:
        server.drop()
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    print(f"\n{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {machine}, {payments:,} payments; PostgreSQL {settings}\n")
    print("| job | N | SQLite (median s) | PostgreSQL (median s) | ratio | limit | load (1 min) | runs | same answer |"
          "\n|---|---:|---:|---:|---:|---|---|---:|---|")
    failed = False
    for job in jobs:
        ratio = job.median("postgresql") / job.median("sqlite")
        same = "n/a" if job.name.startswith("tracker import") else ("yes (sha256)" if job.identical() else "NO")
        failed |= same == "NO"
        print(f"| {job.name} | {payments:,} | {job.median('sqlite'):.2f} | {job.median('postgresql'):.2f} | "
              f"{ratio:.2f}x | <= {LIMIT:g}x {'PASS' if ratio <= LIMIT else 'FAIL'} | {job.loads()} | "
              f"{len(job.runs['sqlite'])} | {same} |")
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    (results / f"stores-{payments}-{dt.datetime.now():%Y%m%d-%H%M%S}.json").write_text(json.dumps(
        {"machine": machine, "payments": payments, "postgresql": settings,
         "jobs": [asdict(job) for job in jobs]}, indent=1))
    if failed:
        raise SystemExit("the stores' answers differ")


if __name__ == "__main__":
    main()
