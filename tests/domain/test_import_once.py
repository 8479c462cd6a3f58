"""The import reads each file once: what is checked is what is stored, and the recorded SHA-256 is of those bytes."""

import hashlib
import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tracker.domain import importing
from tracker.domain.context import Context
from tracker.domain.importing import import_folder

from ..conftest import DEMO
from .ledger import events, scalar


def test_a_file_swapped_between_the_passes_changes_nothing(alice: Context, engine: Engine, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """Before, the insert pass reopened payments.csv: a swapped file stored £68,690,700.00 on a £68,690.70 item."""
    folder = tmp_path / "demo"
    shutil.copytree(DEMO, folder)
    payments = folder / "payments.csv"
    checked = payments.read_bytes()
    gather = importing._gather_payments

    def gather_then_swap(run: importing._Run) -> None:
        gather(run)
        payments.write_bytes(checked.replace(b"12000.00,2015-07-15", b"12000000.00,2015-07-15"))

    monkeypatch.setattr(importing, "_gather_payments", gather_then_swap)
    import_folder(alice, folder)
    assert scalar(engine, "SELECT SUM(amount_pence) FROM payment") == 9_700_000
    assert events(engine)[-1]["payload"]["files"]["payments.csv"] == hashlib.sha256(checked).hexdigest()


def test_line_totals_are_added_to_not_overwritten(alice: Context, engine: Engine, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A payment that lands after the import read the lines must survive it (on PostgreSQL one was lost)."""
    folder = tmp_path / "demo"
    shutil.copytree(DEMO, folder)
    (folder / "budget_lines.csv").write_text("code,name,fiscal_year,allocation\n", encoding="utf-8")
    load = importing._load_existing_lines
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO budget_line (code, name, fund, funder, fiscal_year, allocation_pence, "
                             "control, committed_pence, paid_pence) VALUES "
                             "('VG-1415', 'V', '', '', 2014, 18000000, 'hard', 0, 0), "
                             "('VG-1516', 'V', '', '', 2015, 20000000, 'hard', 0, 0), "
                             "('CPF-1516', 'C', '', '', 2015, 22000000, 'warn', 0, 0), "
                             "('VG-1617', 'V', '', '', 2016, 40000000, 'hard', 0, 0)")

    def load_then_someone_pays(run: importing._Run) -> None:
        load(run)
        run.conn.exec_driver_sql("UPDATE budget_line SET paid_pence = paid_pence + 100 WHERE code = 'VG-1516'")

    monkeypatch.setattr(importing, "_load_existing_lines", load_then_someone_pays)
    import_folder(alice, folder)
    assert scalar(engine, "SELECT paid_pence FROM budget_line WHERE code = 'VG-1516'") == 1_200_000 + 100
