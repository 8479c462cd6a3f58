"""What the progress bar costs: the import and `audit verify` with the bar and without it, run alternately.

With the bar, the command's stderr is a pseudo-terminal (read to the end by this process, as a terminal
would); without it, stderr is /dev/null, so nothing is drawn. The runs alternate (bar, none, bar, none ...)
so that a shared machine's load falls on both alike; the medians of wall time and of the child's CPU time
(user + system, from wait4) are printed with their ratios, the load average before and after, and the date.
CPU time is the steadier figure on a busy machine. The target: with the bar within 2 % of without.

    .venv/bin/python tests/benchmarks/progress_cost.py /tmp/wl1m --runs 3
    .venv/bin/python tests/benchmarks/progress_cost.py /tmp/wl1m --only verify --runs 5

DIR is a workload of ../shared/bench/gen_workload.py (keep it out of git). Each import goes into a fresh
store in --scratch; verify runs on the store the last import made (or imports once, unwatched, if none is there).
"""

import argparse
import datetime as dt
import os
import platform
import pty
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

TODAY = "2019-12-31"
TRACKER = str(Path(sys.executable).parent / "tracker")


def timed(command: list[str], env: dict[str, str], *, bar: bool) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one whole run; a failed run stops the benchmark."""
    if bar:
        master, slave = pty.openpty()
        stderr = slave
    else:
        master, stderr = -1, os.open(os.devnull, os.O_WRONLY)
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # the child: stdout to /dev/null, stderr to the terminal or /dev/null
        os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
        os.dup2(stderr, 2)
        os.execve(command[0], command, env)
    os.close(stderr)
    reader = threading.Thread(target=_drain, args=(master,), daemon=True) if bar else None
    if reader:
        reader.start()
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - started
    if reader:
        reader.join(timeout=5)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed with {os.waitstatus_to_exitcode(status)}")
    return wall, usage.ru_utime + usage.ru_stime


def _drain(master: int) -> None:
    """Read what the bar draws, as a terminal would, until the child closes its end."""
    try:
        while os.read(master, 1 << 16):
            pass
    except OSError:
        pass
    finally:
        os.close(master)


def alternate(label: str, runs: int, one: Callable[[bool], tuple[float, float]], *, bar_first: bool = True) -> None:
    samples: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
    for number in range(runs):
        for bar in (True, False) if bar_first else (False, True):
            samples[bar].append(one(bar))
            wall, cpu = samples[bar][-1]
            print(f"  {label} run {number + 1} {'bar' if bar else 'no bar'}: {wall:.1f} s wall, {cpu:.1f} s CPU "
                  f"(load {os.getloadavg()[0]:.1f})", flush=True)
    with_bar = [statistics.median(s) for s in zip(*samples[True], strict=True)]
    without = [statistics.median(s) for s in zip(*samples[False], strict=True)]
    print(f"{label}: median with bar {with_bar[0]:.1f} s wall / {with_bar[1]:.1f} s CPU, without "
          f"{without[0]:.1f} s wall / {without[1]:.1f} s CPU; ratio {with_bar[0] / without[0]:.3f} wall, "
          f"{with_bar[1] / without[1]:.3f} CPU ({runs} runs each)", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("workload", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", default="import,verify")
    parser.add_argument("--scratch", type=Path, default=Path("/tmp/progress-cost"))
    parser.add_argument("--without-first", action="store_true", help="Each pair starts without the bar (a machine "
                        "whose load falls during the runs favours whichever runs second).")
    args = parser.parse_args()
    args.scratch.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "TRACKER_TODAY": TODAY, "COLUMNS": "120"}
    env.pop("TRACKER_DB", None)
    kept = args.scratch / "import.db"
    print(f"{dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} cores, Python {platform.python_version()},"
          f" load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)

    def fresh(path: Path) -> Path:
        for stale in path.parent.glob(path.name + "*"):
            stale.unlink()
        return path

    if "import" in args.only:
        def one_import(bar: bool) -> tuple[float, float]:
            store = fresh(args.scratch / "import.db")
            return timed([TRACKER, "--db", str(store), "import", str(args.workload)], env, bar=bar)

        alternate("import", args.runs, one_import, bar_first=not args.without_first)
    if "verify" in args.only:
        if not kept.exists():
            timed([TRACKER, "--db", str(fresh(kept)), "import", str(args.workload)], env, bar=False)
        alternate("audit verify", args.runs,
                  lambda bar: timed([TRACKER, "--db", str(kept), "audit", "verify"], env, bar=bar),
                  bar_first=not args.without_first)
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}", flush=True)


if __name__ == "__main__":
    main()
