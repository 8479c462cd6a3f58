"""The scale benchmark: the tracker beside references doing the same job on the same data, in one run.

Generates (or reuses) the workloads with ../shared/bench/gen_workload.py, then for each size runs every
tracker command and its reference alternately, several whole-process runs each, and prints a table of
medians, ratios, peak memory and the pass/fail of each target. A ratio holds on a noisy machine; an
absolute time does not, so every target but start-up is a ratio against a reference run right beside it.

    .venv/bin/python tests/benchmarks/run.py                     # 10k, 100k, 1M; 5 runs each
    .venv/bin/python tests/benchmarks/run.py --sizes 10000 --runs 3
    .venv/bin/python tests/benchmarks/run.py --only import,startup
    .venv/bin/python tests/benchmarks/run.py --sizes 1000000 --only desk

Workloads go to tests/benchmarks/workloads/ (gitignored) unless --workloads says otherwise; the JSON of
each run goes to tests/benchmarks/results/.
"""

import argparse
import datetime as dt
import itertools
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from desk_terminal import with_bytecode

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
SHARED = Path(os.environ.get("TRACKER_BENCH_SHARED", REPO.parent / "shared" / "bench"))
VENV_BIN = Path(sys.executable).parent
TRACKER = str(VENV_BIN / "tracker")
PYTHON = sys.executable
TARGET_SIZE = 1_000_000
"""The targets are set at a million payments; smaller sizes are shown for the growth, not judged."""
TODAY = "2019-12-31"
"""The workloads' payments run to March 2018; a later pinned day keeps every payment in the past."""
AS_OF = "2016-09-30"
"""A day in the middle of the data (2015/16 to 2017/18)."""
JOBS = ("import", "report", "export", "startup", "desk")
DESK_PAYMENTS = 270_000
"""The desk's targets are set at 100,000 contracts: this workload makes 101,063."""
DESK_TODAY = "2017-10-01"
"""The desk shows the financial year of its day: 2017/18, the workload's last and largest (33,451 contracts)."""
DESK_TYPED = "consult"


@dataclass
class Sample:
    seconds: float
    peak_mb: float


@dataclass
class Row:
    target: str
    size: int
    tracker: list[Sample] = field(default_factory=list)
    reference: list[Sample] = field(default_factory=list)
    reference_name: str = ""
    limit: str = ""
    passed: bool | None = None
    note: str = ""

    @property
    def tracker_s(self) -> float:
        return statistics.median(s.seconds for s in self.tracker)

    @property
    def reference_s(self) -> float | None:
        return statistics.median(s.seconds for s in self.reference) if self.reference else None

    @property
    def peak_mb(self) -> float:
        return max(s.peak_mb for s in self.tracker)


def run(command: Sequence[str], *, env: dict[str, str], stdin: Path | None = None, check: bool = True) -> Sample:
    """One whole process: wall time, and the peak resident memory the kernel saw for it."""
    stdin_file = stdin.open("rb") if stdin else subprocess.DEVNULL
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdin=stdin_file, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    stderr = process.stderr.read().decode(errors="replace") if process.stderr else ""
    if stdin is not None:
        stdin_file.close()  # type: ignore[union-attr]
    if check and os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"failed ({os.waitstatus_to_exitcode(status)}): {' '.join(command)}\n{stderr}")
    return Sample(seconds, usage.ru_maxrss / 1024)


def workload(root: Path, size: int) -> Path:
    folder = root / f"wl{size}"
    if not (folder / "MANIFEST.txt").exists():
        print(f"generating {size:,} payments in {folder} ...", flush=True)
        subprocess.run([PYTHON, str(SHARED / "gen_workload.py"), "--payments", str(size), "--seed", "1",
                        "--out", str(folder)], check=True)
    return folder


def fresh_store(path: Path, env: dict[str, str]) -> None:
    """An empty database at the current schema, made by the tracker's own migrations (not timed)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    run([TRACKER, "--db", str(path), "init"], env=env)


def alternate(row: Row, runs: int, tracker: Callable[[], Sample], reference: Callable[[], Sample] | None) -> Row:
    for _ in range(runs):
        row.tracker.append(tracker())
        if reference is not None:
            row.reference.append(reference())
    return row


def bench_import(data: Path, scratch: Path, size: int, runs: int, env: dict[str, str]) -> tuple[Row, Path]:
    ours, theirs = scratch / f"import-{size}.db", scratch / f"reference-{size}.db"

    def tracker() -> Sample:
        fresh_store(ours, env)
        return run([TRACKER, "--db", str(ours), "import", str(data)], env=env)

    def reference() -> Sample:
        fresh_store(theirs, env)
        return run([PYTHON, str(HERE / "reference_load.py"), str(theirs), str(data)], env=env)

    row = alternate(Row("tracker import DIR", size, reference_name="stdlib csv + executemany", limit="<= 3x"),
                    runs, tracker, reference)
    return judge(row, 3.0), ours


def bench_report(data: Path, store: Path, size: int, runs: int, env: dict[str, str],
                 hledger_runs: int) -> list[Row]:
    sqlite_shell = shutil.which("sqlite3")
    hledger = shutil.which("hledger")
    shell = (lambda: run([sqlite_shell, str(data / "raw.sqlite")], env=env, stdin=SHARED / "sql" / "budget_report.sql")
             ) if sqlite_shell else None
    rows = []
    for label, extra, hledger_extra in (("", [], []), (f" --as-of {AS_OF}", ["--as-of", AS_OF],
                                                       ["-e", (dt.date.fromisoformat(AS_OF)
                                                               + dt.timedelta(days=1)).isoformat()])):
        # Every year, as the reference SQL and hledger report (the command's default is the current year).
        command = [TRACKER, "--db", str(store), "report", "budget", "--fy", "all", "--format", "json", *extra]
        row = alternate(Row(f"report budget --format json{label}", size, reference_name="sqlite3 shell + SQL",
                            limit="<= 1.5x"), runs, lambda command=command: run(command, env=env), shell)
        rows.append(judge(row, 1.5))
        if hledger:
            versus = Row(f"report budget{label} vs hledger", size, reference_name="hledger bal", limit=">= 20x faster")
            versus.tracker = row.tracker
            versus.reference = [run([hledger, "-f", str(data / "ledger.journal"), "bal", "expenses", "--depth", "2",
                                     *hledger_extra], env=env) for _ in range(hledger_runs)]
            rows.append(judge(versus, 1 / 20))
    return rows


def bench_export(data: Path, store: Path, scratch: Path, size: int, runs: int, env: dict[str, str]) -> Row:
    out = scratch / f"export-{size}"

    def tracker() -> Sample:
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        return run([TRACKER, "--db", str(store), "export", "commitments", "--format", "csv", "--dir", str(out)],
                   env=env)

    def reference() -> Sample:
        return run([PYTHON, str(SHARED / "export_stdlib.py"), "--db", str(data / "raw.sqlite"), "--out",
                    str(scratch / f"reference-{size}.csv"), "--fsync"], env=env)

    row = alternate(Row("export commitments --format csv", size, reference_name="export_stdlib.py --fsync",
                        limit="<= 2x"), runs, tracker, reference)
    return judge(row, 2.0)


def bench_startup(scratch: Path, runs: int, env: dict[str, str]) -> list[Row]:
    """Absolute, because there is nothing to compare with: what a user waits for before anything happens."""
    store = scratch / "startup.db"
    if not store.exists():
        run([TRACKER, "--db", str(store), "init"], env=env)
    rows = []
    for label, command, judged in (
            ("tracker --help", [TRACKER, "--help"], True),
            ("tracker pay --help", [TRACKER, "pay", "--help"], True),
            ("tracker pay (whole run, refused)", [TRACKER, "--db", str(store), "pay", "NONE", "1"], False)):
        row = Row(label, 0, limit="<= 0.3 s" if judged else "(shown, not a target)")
        row.tracker = [run(command, env=env, check=False) for _ in range(runs)]
        row.passed = row.tracker_s <= 0.3 if judged else None
        rows.append(row)
    return rows


def bench_desk(workloads: Path, scratch: Path, sizes: list[int], runs: int, env: dict[str, str]) -> list[Row]:
    """The desk at about 100,000 contracts (and at a million payments when that size is asked for).

    As a person waits (`desk_terminal.py`): the real `tracker --db` in a 120x40 tmux pane, its first paint judged
    against a bare Textual app painting one static table, launched alternately from the same shell; each filter
    keystroke to its rows drawn, judged at the 95th percentile. And headless (`desk.py`), shown for the Python
    and store time alone.
    """
    rows = []
    for size in (DESK_PAYMENTS, *(size for size in sizes if size >= TARGET_SIZE)):
        store = scratch / f"import-{size}.db"
        if not store.exists():
            fresh_store(store, env)
            run([TRACKER, "--db", str(store), "import", str(workload(workloads, size))], env=env)
        label = "about 100,000 contracts" if size == DESK_PAYMENTS else f"{size:,} payments"
        rows += desk_in_a_terminal(store, size, label, runs, env)
        rows += desk_headless(store, size, label, runs, env)
    return rows


def desk_in_a_terminal(store: Path, size: int, label: str, runs: int, env: dict[str, str]) -> list[Row]:
    figures = store.with_suffix(".terminal.json")
    subprocess.run([PYTHON, str(HERE / "desk_terminal.py"), "--db", str(store), "--today", DESK_TODAY,
                    "--runs", str(runs), "--typed", DESK_TYPED, "--tracker", TRACKER, "--figures", str(figures)],
                   env=env, check=True)
    measured = json.loads(figures.read_text())
    bare, desk = measured["contenders"]
    first = Row(f"desk: first paint in a terminal ({label}; load {measured['load_before']})", size,
                reference_name="bare Textual app, one table", limit="<= 2.0x")
    first.tracker = [Sample(seconds, 0) for seconds in desk["paints"]]
    first.reference = [Sample(seconds, 0) for seconds in bare["paints"]]
    first.passed = first.tracker_s <= 2.0 * (first.reference_s or 0)
    keystroke = Row(f"desk: filter keystroke in a terminal, 95th percentile ({label})", size, limit="<= 0.1 s")
    keystroke.tracker = [Sample(desk["keystroke_p95"], 0)]
    keystroke.passed = desk["keystroke_p95"] <= 0.1
    return [first, keystroke]


def desk_headless(store: Path, size: int, label: str, runs: int, env: dict[str, str]) -> list[Row]:
    first = Row(f"desk: first screen headless, from the interpreter up ({label})", size, limit="(shown, not a target)")
    keystroke = Row(f"desk: filter keystroke headless, median of {len(DESK_TYPED)} ({label})", size,
                    limit="<= 0.1 s")
    figures = store.with_suffix(".headless.json")
    for _ in range(runs):
        process = run([PYTHON, str(HERE / "desk.py"), "--db", str(store), "--today", DESK_TODAY,
                       "--typed", DESK_TYPED, "--figures", str(figures)], env=env)
        measured = json.loads(figures.read_text())
        first.tracker.append(Sample(measured["first_screen_s"], process.peak_mb))
        keystroke.tracker.append(Sample(measured["keystroke_median_s"], process.peak_mb))
    keystroke.passed = keystroke.tracker_s <= 0.1
    return [first, keystroke]


def judge(row: Row, limit: float) -> Row:
    """Passes when tracker <= limit x reference (for a limit below 1: at least 1/limit times faster)."""
    reference = row.reference_s
    if reference is not None and row.size >= TARGET_SIZE:
        row.passed = row.tracker_s <= limit * reference
        if row.target.startswith(("report", "export")):
            row.passed = row.passed and row.peak_mb <= 150
            row.limit += ", <= 150 MB"
    return row


def growth(rows: list[Row]) -> list[str]:
    """Cost per thousand payments at each size: flat or falling is linear or better."""
    lines = []
    for target in dict.fromkeys(r.target for r in rows if r.size and "hledger" not in r.target):
        sized = sorted((r for r in rows if r.target == target), key=lambda r: r.size)
        if len(sized) < 2:
            continue
        per_k = [r.tracker_s / r.size * 1000 for r in sized]
        worst = max(b / a for a, b in itertools.pairwise(per_k))
        verdict = "PASS" if worst <= 1.25 else "FAIL"
        lines.append(f"| {target} | " + " -> ".join(f"{p * 1000:.2f} ms" for p in per_k)
                     + f" | {worst:.2f} | {verdict} |")
    return lines


def table(rows: list[Row]) -> str:
    out = ["| target | N | tracker (median s) | reference | reference (median s) | ratio | limit | peak MB | result |",
           "|---|---:|---:|---|---:|---:|---|---:|---|"]
    for r in rows:
        ref = r.reference_s
        ratio = "" if ref is None else (f"{ref / r.tracker_s:.0f}x faster" if "hledger" in r.target
                                        else f"{r.tracker_s / ref:.2f}x")
        result = "" if r.passed is None else ("PASS" if r.passed else "FAIL")
        out.append(f"| {r.target} | {r.size:,} | {r.tracker_s:.3f} | {r.reference_name} | "
                   f"{'' if ref is None else f'{ref:.3f}'} | {ratio} | {r.limit} | {r.peak_mb:.0f} | {result} |")
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="payments per workload, comma-separated")
    parser.add_argument("--runs", type=int, default=5, help="whole-process runs of each command (median)")
    parser.add_argument("--hledger-runs", type=int, default=1, help="hledger is slow: runs per size")
    parser.add_argument("--only", default=",".join(JOBS), help=f"any of {', '.join(JOBS)}")
    parser.add_argument("--workloads", type=Path, default=HERE / "workloads")
    parser.add_argument("--scratch", type=Path, default=None, help="where the databases go (default: workloads)")
    args = parser.parse_args()
    jobs = set(args.only.split(","))
    scratch = args.scratch or args.workloads / "scratch"
    scratch.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "TRACKER_TODAY": TODAY, "TRACKER_USER": "benchmark", "TRACKER_EXPORT_DIR": str(scratch)}
    env.pop("TRACKER_DB", None)
    with_bytecode(TRACKER)
    rows: list[Row] = []
    if "startup" in jobs:
        rows += bench_startup(scratch, args.runs, env)
    asked = [int(size) for size in args.sizes.split(",")]
    if "desk" in jobs:
        rows += bench_desk(args.workloads, scratch, asked, args.runs, env)
    sizes = asked if jobs & {"import", "report", "export"} else []
    for size in sizes:
        data = workload(args.workloads, size)
        store = scratch / f"import-{size}.db"
        if "import" in jobs:
            row, store = bench_import(data, scratch, size, args.runs, env)
            rows.append(row)
            print(table([row]).splitlines()[-1], flush=True)
        elif not store.exists():
            fresh_store(store, env)
            run([TRACKER, "--db", str(store), "import", str(data)], env=env)
        if "report" in jobs:
            rows += bench_report(data, store, size, args.runs, env, args.hledger_runs)
        if "export" in jobs:
            rows.append(bench_export(data, store, scratch, size, args.runs, env))
    machine = f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    one, five, fifteen = os.getloadavg()
    print(f"\n{dt.date.today().isoformat()}, {machine}, {args.runs} runs per command (medians), load at the end "
          f"{one:.2f} {five:.2f} {fifteen:.2f} (1, 5, 15 min)\n")
    print(table(rows))
    trend = growth(rows)
    if trend:
        print("\n| growth: cost per 1,000 payments | 10k -> 100k -> 1M | worst step | result |\n|---|---|---:|---|")
        print("\n".join(trend))
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    (results / f"{stamp}.json").write_text(json.dumps({"machine": machine, "rows": [asdict(r) for r in rows]},
                                                      indent=1))


if __name__ == "__main__":
    main()
