"""How fast the desk answers on a large store: first screen after start, and each keystroke of the contracts filter.

Not a test: it prints figures. The desk runs headless (Textual's test driver) at 120x40, so terminal output is not
timed; what is timed is Python and the store: imports, the dashboard's reads, and per keystroke the filter's pause,
its query, the rows put into the table and the table drawn again (the count of matches comes after, apart, and
is not waited for).

    .venv/bin/python tests/benchmarks/desk.py --db /tmp/perf1m.db --today 2017-10-01 --typed "cons"
"""

import time

STARTED = time.perf_counter()

import argparse  # noqa: E402
import asyncio  # noqa: E402
import datetime as dt  # noqa: E402
import json  # noqa: E402
import statistics  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

from textual import events  # noqa: E402
from textual.screen import Screen  # noqa: E402

from tracker.domain.fiscal import fixed_clock  # noqa: E402
from tracker.domain.people import Actor  # noqa: E402
from tracker.domain.schema import open_store  # noqa: E402
from tracker.ui.app import TrackerApp, build_app  # noqa: E402
from tracker.ui.screens.contracts import FILTER_DELAY, ContractsScreen  # noqa: E402
from tracker.ui.screens.dashboard import DashboardScreen  # noqa: E402
from tracker.ui.widgets.desk_table import DeskTable  # noqa: E402
from tracker.ui.widgets.line_table import LineTable  # noqa: E402

SIZE = (120, 40)
POLL = 0.002


async def until(condition: Any, limit: float = 60.0) -> float:
    """Seconds until `condition()` holds, polled every 2 ms."""
    start = time.perf_counter()
    while not condition():
        if time.perf_counter() - start > limit:
            raise SystemExit("the desk did not answer within a minute")
        await asyncio.sleep(POLL)
    return time.perf_counter() - start


async def repainted(screen: Screen[Any]) -> None:
    """Returns once the screen has drawn what it was last given."""
    drawn = asyncio.get_running_loop().create_future()
    screen.call_after_refresh(lambda: drawn.done() or drawn.set_result(None))
    await drawn


def type_key(app: TrackerApp, character: str) -> None:
    """A letter as the terminal sends it; `pilot.press` would also wait for the process to go idle, which a
    count still running in its thread delays by hundreds of milliseconds."""
    key = events.Key(character, character)
    key.set_sender(app)
    assert app._driver is not None
    app._driver.send_message(key)


def settled(app: TrackerApp) -> bool:
    screen = app.screen
    idle = all(worker.is_finished for worker in app.workers)
    return idle and not (isinstance(screen, DashboardScreen | ContractsScreen) and screen.is_busy())


async def measure(app: TrackerApp, typed: str, imported: float, figures: Path | None) -> None:
    async with app.run_test(size=SIZE) as pilot:
        await until(lambda: isinstance(app.screen, DashboardScreen) and settled(app)
                    and app.screen.query_one("#lines", DeskTable).row_count > 0)
        first_screen = time.perf_counter() - STARTED
        await pilot.press("2")
        opened = await until(lambda: isinstance(app.screen, ContractsScreen) and app.screen.page is not None
                             and settled(app))
        screen = app.screen
        assert isinstance(screen, ContractsScreen)
        table = screen.query_one("#contracts", LineTable)
        await pilot.press("slash")
        keystrokes = []
        for count in range(1, len(typed) + 1):
            wanted = typed[:count]
            start = time.perf_counter()
            type_key(app, typed[count - 1])
            await until(lambda shown=wanted: screen.page is not None and screen.page.query.text == shown)
            await repainted(screen)
            keystrokes.append((wanted, time.perf_counter() - start, table.row_count))
        print(f"imports {imported * 1000:.0f} ms; first screen painted {first_screen * 1000:.0f} ms after start "
              f"(target <= 1000 ms)")
        print(f"contracts table opened in {opened * 1000:.0f} ms ({table.row_count} rows loaded of the year)")
        for wanted, seconds, rows in keystrokes:
            print(f"  filter {wanted!r:<10} {seconds * 1000:6.1f} ms to rows drawn ({rows} shown)")
        times = [seconds for _, seconds, _ in keystrokes]
        print(f"keystroke median {statistics.median(times) * 1000:.1f} ms, worst {max(times) * 1000:.1f} ms "
              f"(target <= 100 ms, including the filter's {FILTER_DELAY * 1000:.0f} ms pause for typing)")
        if figures is not None:
            figures.write_text(json.dumps({"imports_s": imported, "first_screen_s": first_screen,
                                           "keystroke_median_s": statistics.median(times),
                                           "keystroke_worst_s": max(times)}))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="a store made by `tracker import` of a large workload")
    parser.add_argument("--today", required=True, help="the desk's day (YYYY-MM-DD); its financial year is shown")
    parser.add_argument("--typed", default="cons", help="what is typed into the contracts filter, a key at a time")
    parser.add_argument("--figures", type=Path, help="also write the figures to this file as JSON (for run.py)")
    args = parser.parse_args()
    imported = time.perf_counter() - STARTED
    engine = open_store(args.db)
    app = build_app(engine, Actor("Bench Officer", "bench"), fixed_clock(dt.date.fromisoformat(args.today)),
                    cursor_blink=False)
    asyncio.run(measure(app, args.typed, imported, args.figures))


if __name__ == "__main__":
    main()
