"""Shared data for report and export tests: the demo and a generated workload, each with its CSV rows."""

import csv
import datetime as dt
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tracker.domain.context import Context
from tracker.domain.fiscal import fixed_clock
from tracker.domain.importing import import_folder
from tracker.domain.people import Actor
from tracker.domain.schema import open_store

from ..conftest import DEMO, GENERATOR
from ..stores import STORES, new_target


def pence(text: str) -> int:
    return int(Decimal(text) * 100)


@dataclass
class Loaded:
    folder: Path
    engine: Engine
    lines: list[dict[str, str]]
    contracts: list[dict[str, str]]
    deliverables: list[dict[str, str]]
    payments: list[dict[str, str]]


def _read(folder: Path, name: str) -> list[dict[str, str]]:
    with open(folder / name, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def load(folder: Path, db: str, today: dt.date) -> Loaded:
    engine = open_store(db)
    import_folder(Context(engine, Actor("Importer", "importer"), fixed_clock(today)), folder)
    return Loaded(folder, engine, *(_read(folder, n) for n in ("budget_lines.csv", "contracts.csv",
                                                               "deliverables.csv", "payments.csv")))


@pytest.fixture(scope="session", params=STORES)
def demo_store(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    loaded = load(DEMO, new_target(request.param, tmp_path_factory.mktemp("demo")), dt.date(2015, 10, 19))
    yield loaded
    loaded.engine.dispose()


@pytest.fixture(scope="session", params=STORES)
def workload(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Loaded]:
    assert GENERATOR.exists(), f"the workload generator should be at {GENERATOR} (shared/ beside the repository)"
    folder = tmp_path_factory.mktemp("workload")
    subprocess.run([sys.executable, str(GENERATOR), "--payments", "3000", "--seed", "1", "--out", str(folder)],
                   check=True, capture_output=True)
    loaded = load(folder, new_target(request.param, folder), dt.date(2019, 12, 31))
    yield loaded
    loaded.engine.dispose()
