"""The desk's first paint as a person waits for it: the real command in a real terminal, beside Textual's floor.

Not a test: it prints figures. A tmux pane of 120x40 runs a shell; the clock starts as Enter is sent on
`tracker --db URL` and stops when `tmux capture-pane` (polled every 10 ms) shows the dashboard's figures. Each run
alternates with a bare Textual app painting one static table (`bare_table.py`), launched from the same shell, so
the ratio holds on a machine whose speed swings by the hour. Then the contracts filter: each key sent to the pane,
timed to the status line naming what was typed (it is written with the rows).

    .venv/bin/python tests/benchmarks/desk_terminal.py --db /tmp/perf1m.db --today 2017-10-01 --runs 5
    .venv/bin/python tests/benchmarks/desk_terminal.py --db URL --tracker /work/main/.venv/bin/tracker \
        --tracker .venv/bin/tracker          # two builds of the desk, alternately, beside the bare app
"""

import argparse
import json
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
WIDTH, HEIGHT = 120, 40
POLL = 0.010
"""Seconds between two looks at the pane while waiting for the first paint."""
KEY_POLL = 0.003
"""Seconds between two looks while waiting for a keystroke's rows: finer, as the figure is tens of ms."""
LIMIT = 60.0
DASHBOARD_DRAWN = re.compile(r"Budget lines \d{4}/\d{2}.*\n(.*\n){1,4}.*£[0-9,]+\.[0-9]{2}")
"""The lines' title names the year only once the figures are read, and the rows come with it."""
BARE_DRAWN = re.compile(r"Bare table painted(.*\n)+.*£30,000\.00")
SHELL = "bash --norc --noprofile"


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} {five:.2f} {fifteen:.2f}"


class Pane:
    """One tmux server of our own (its own socket) with one 120x40 pane running a shell."""

    def __init__(self, env: dict[str, str]) -> None:
        self.socket = f"desk-paint-{os.getpid()}"
        self.config = tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False)  # noqa: SIM115
        self.config.write("set -g status off\nset -g escape-time 0\n")
        self.config.close()
        self.env = env
        self.tmux("new-session", "-d", "-s", "bench", "-x", str(WIDTH), "-y", str(HEIGHT), SHELL)

    def tmux(self, *args: str, timeout: float = LIMIT) -> str:
        done = subprocess.run(["tmux", "-L", self.socket, "-f", self.config.name, *args], env=self.env,
                              capture_output=True, text=True, timeout=timeout, check=True)
        return done.stdout

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "bench")

    def until(self, drawn: Callable[[str], bool], poll: float = POLL, since: float | None = None) -> float:
        """Seconds until the pane shows what `drawn` looks for, from `since` (default: now)."""
        start = time.perf_counter() if since is None else since
        while not drawn(self.screen()):
            if time.perf_counter() - start > LIMIT:
                raise SystemExit(f"nothing drawn within {LIMIT:.0f} s; the pane shows:\n{self.screen()}")
            time.sleep(poll)
        return time.perf_counter() - start

    def launch(self, command: str, drawn: re.Pattern[str]) -> float:
        """Seconds from Enter on `command` at the shell's prompt to its first screen drawn."""
        self.tmux("send-keys", "-t", "bench", "clear", "Enter")
        self.until(lambda text: len(text.split()) <= 1)  # the prompt alone
        self.tmux("send-keys", "-t", "bench", "-l", f"{command}; tmux -L {self.socket} wait-for -S ended")
        start = time.perf_counter()
        self.tmux("send-keys", "-t", "bench", "Enter")
        return self.until(lambda text: drawn.search(text) is not None, since=start)

    def keys(self, keys: str) -> None:
        self.tmux("send-keys", "-t", "bench", "-l", keys)

    def quit(self) -> None:
        """`q`, then wait for the command to end (its shell line signals the channel)."""
        self.tmux("send-keys", "-t", "bench", "q")
        self.tmux("wait-for", "ended")

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], env=self.env, capture_output=True, check=False)
        os.unlink(self.config.name)


@dataclass
class Contender:
    name: str
    command: str
    desk: bool
    paints: list[float] = field(default_factory=list)
    keystrokes: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.paints)


def filter_keystrokes(pane: Pane, typed: str) -> list[float]:
    """Open the contracts list, focus its filter and time each key to the rows drawn for it."""
    pane.keys("2")
    pane.until(lambda text: re.search(r"contracts? in \d{4}/\d{2} ·", text) is not None)
    pane.keys("/")
    pane.until(lambda text: "s Sort" not in text)  # the filter has the focus: the footer shows its keys
    times = []
    for count in range(1, len(typed) + 1):
        shown = f'matching "{typed[:count]}" ·'
        start = time.perf_counter()
        pane.keys(typed[count - 1])
        pane.until(lambda text, shown=shown: shown in text, poll=KEY_POLL)
        times.append(time.perf_counter() - start)
    pane.tmux("send-keys", "-t", "bench", "Escape")  # the filter cleared
    pane.until(lambda text: "matching" not in text)
    pane.tmux("send-keys", "-t", "bench", "Escape")  # and left, so that `q` quits
    pane.until(lambda text: "q Quit" in text)
    return times


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile: the value below which `share` of the values lie."""
    ranked = sorted(values)
    return ranked[max(0, min(len(ranked) - 1, round(share * len(ranked) + 0.5) - 1))]


def measure(contenders: list[Contender], runs: int, typed: str, env: dict[str, str]) -> None:
    pane = Pane(env)
    try:
        for _ in range(runs):
            for contender in contenders:
                drawn = DASHBOARD_DRAWN if contender.desk else BARE_DRAWN
                contender.paints.append(pane.launch(contender.command, drawn))
                if contender.desk and typed:
                    contender.keystrokes += filter_keystrokes(pane, typed)
                pane.quit()
    finally:
        pane.close()


def report(contenders: list[Contender], before: str, after: str) -> dict[str, object]:
    bare = next(c for c in contenders if not c.desk)
    print(f"load (1, 5, 15 min) before {before}, after {after}; {WIDTH}x{HEIGHT} tmux pane, {len(bare.paints)} "
          f"runs each, alternated")
    for contender in contenders:
        line = (f"{contender.name:<40} first paint median {contender.median * 1000:5.0f} ms "
                f"(min {min(contender.paints) * 1000:.0f}, max {max(contender.paints) * 1000:.0f})")
        if contender.desk:
            line += f", {contender.median / bare.median:.2f}x the bare app (target <= 2.0x)"
        if contender.keystrokes:
            line += (f"; filter keystroke median {statistics.median(contender.keystrokes) * 1000:.0f} ms, "
                     f"p95 {percentile(contender.keystrokes, 0.95) * 1000:.0f} ms "
                     f"(target <= 100 ms), worst {max(contender.keystrokes) * 1000:.0f} ms")
        print(line, flush=True)
    return {"load_before": before, "load_after": after,
            "contenders": [asdict(c) | {"ratio": c.median / bare.median,
                                         "keystroke_p95": percentile(c.keystrokes, 0.95) if c.keystrokes else None}
                           for c in contenders]}


def with_bytecode(tracker: str) -> None:
    """Compile the tracker's modules as installing it does: a person's second launch finds them compiled. On a
    machine with PYTHONDONTWRITEBYTECODE set, an editable install would compile its forty-odd modules on the desk's
    path at every launch (about 30 ms of CPU), which no person waits for."""
    compile_package = ("import compileall, os, tracker; "
                       "compileall.compile_dir(os.path.dirname(tracker.__file__), quiet=1)")
    subprocess.run([str(Path(tracker).parent / "python"), "-c", compile_package], check=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a store made by `tracker import` of a large workload")
    parser.add_argument("--today", required=True, help="the desk's day (YYYY-MM-DD); its financial year is shown")
    parser.add_argument("--runs", type=int, default=5, help="launches of each, alternated")
    parser.add_argument("--typed", default="consult", help="typed into the contracts filter; empty to skip")
    parser.add_argument("--tracker", action="append", default=[],
                        help="a `tracker` command to launch (repeat to compare builds; default: this venv's)")
    parser.add_argument("--figures", type=Path, help="also write the figures to this file as JSON (for run.py)")
    args = parser.parse_args()
    if shutil.which("tmux") is None:
        raise SystemExit("tmux is needed to measure in a real terminal")
    trackers = args.tracker or [str(Path(sys.executable).parent / "tracker")]
    contenders = [Contender("bare Textual app, one static table",
                            f"{shlex.quote(sys.executable)} {shlex.quote(str(HERE / 'bare_table.py'))}", False)]
    contenders += [Contender(tracker, f"TRACKER_TODAY={args.today} {shlex.quote(tracker)} --db {shlex.quote(args.db)}",
                             True) for tracker in trackers]
    for tracker in trackers:
        with_bytecode(tracker)
    env = {**os.environ}
    env.pop("TMUX", None)
    before = load()
    measure(contenders, args.runs, args.typed, env)
    figures = report(contenders, before, load())
    if args.figures is not None:
        args.figures.write_text(json.dumps(figures))


if __name__ == "__main__":
    main()
