"""The desk's contract list puts references in natural order (`P 46` before `P 120`), sorted and paged in SQL: read
across page boundaries either way, no contract is lost or shown twice. The contracts are imported, so the import's
own path writes the key the list is sorted by. The test runs on both stores."""

import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tracker.domain.context import Context
from tracker.domain.fiscal import fixed_clock
from tracker.domain.importing import import_folder
from tracker.domain.natural import natural_key
from tracker.domain.people import Actor
from tracker.domain.schema import open_store
from tracker.reports.paging import PAGE
from tracker.ui.app import build_app
from tracker.ui.screens.contracts import ContractsScreen
from tracker.ui.widgets.line_table import LineTable

from ..conftest import DEMO_TODAY
from .conftest import OFFICER
from .helpers import cell_texts, desk_test, press

SIZE = (100, 32)
REFERENCES = [f"P {n}" for n in range(1, PAGE + 40)] + [
    "P 007", "P 07", "P 0", "P 00", "P 1000000000000", "P 999999999999", "P-2", "P2", "p 46a", "Q 3", "É 1"]
"""More than two pages of one year's references: a page boundary falls among them whichever way they are sorted,
with leading zeros, a run longer than twelve digits, words that end where others go on, and a letter beyond ASCII."""
NATURAL = sorted(REFERENCES, key=natural_key)


def write_folder(folder: Path) -> Path:
    shuffled = REFERENCES.copy()
    random.Random(16).shuffle(shuffled)
    files = {
        "budget_lines.csv": "code,name,fiscal_year,allocation,fund,funder,control,invoices\n"
                            "P-1516,Paging 2015/16,2015/16,1000000.00,Paging,Home Office,hard,not required\n",
        "contracts.csv": "reference,supplier,title,budget_line,value,awarded_on,ceiling,decision_date,start_date,"
                         "end_date\n" + "".join(f"{reference},Acme Ltd,Work,P-1516,100.00,,,,,\n"
                                                for reference in shuffled),
        "deliverables.csv": "contract_reference,seq,name,amount,due_on,status,accepted_on,accepted_by\n",
        "payments.csv": "contract_reference,deliverable_seq,amount,paid_on,invoice,released_by\n",
    }
    for name, content in files.items():
        (folder / name).write_text(content, encoding="utf-8")
    return folder


@pytest.fixture
def paging_engine(store: str, tmp_path: Path) -> Iterator[Engine]:
    engine = open_store(store)
    import_folder(Context(engine, Actor("Importer", "importer"), fixed_clock(DEMO_TODAY)), write_folder(tmp_path))
    yield engine
    engine.dispose()


async def every_row(pilot: object, screen: ContractsScreen) -> list[str]:
    """The references shown once every page has been read, moving to the last row until no more follow."""
    table = screen.query_one("#contracts", LineTable)
    for _ in range(len(REFERENCES) // PAGE + 2):
        if screen.page is not None and not screen.page.more:
            break
        await press(pilot, "end")  # type: ignore[arg-type]
    assert screen.page is not None and not screen.page.more
    return [row[0] for row in cell_texts(table)]


@desk_test
async def test_the_contract_list_is_in_natural_order_across_pages_both_ways(paging_engine: Engine) -> None:
    app = build_app(paging_engine, OFFICER, fixed_clock(DEMO_TODAY), label="paging", cursor_blink=False)
    async with app.run_test(size=SIZE) as pilot:
        await press(pilot, "2")
        screen = app.screen
        assert isinstance(screen, ContractsScreen)
        first = [row[0] for row in cell_texts(screen.query_one("#contracts", LineTable))]
        assert len(first) == PAGE and first[:12] == ["P2", "P 0", "P 00", "P 1", "P 2", "P 3", "P 4", "P 5", "P 6",
                                                     "P 007", "P 07", "P 7"]
        assert first.index("P 46") < first.index("p 46a") < first.index("P 47")
        shown = await every_row(pilot, screen)
        assert shown == NATURAL and shown.index("P 99") < shown.index("P 100") < shown.index("P 139")
        assert shown[-5:] == ["P 999999999999", "P 1000000000000", "P-2", "Q 3", "É 1"]
        await press(pilot, "o")
        assert screen.descending
        assert await every_row(pilot, screen) == NATURAL[::-1]
