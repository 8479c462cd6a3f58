"""The payments register: every payment and reversal of a period, with who accepted and who released."""

import csv
import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import Engine

from tracker.exports.files import ExportRefused, prepare_directory
from tracker.exports.payments_register import COLUMNS, export_register
from tracker.store.session import read_session

from .founding import october, tour


def register(engine: Engine, folder: Path, first: dt.date, last: dt.date) -> list[dict[str, str]]:
    with read_session(engine) as session:
        result = export_register(session, prepare_directory(folder), first, last,
                                 generated_at="2015-10-19T23:00:00+00:00", version="test")
    with open(folder / result.name, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        assert tuple(reader.fieldnames or ()) == COLUMNS
        return list(reader)


def test_payments_and_reversals_with_who_accepted_and_released(engine: Engine, tmp_path: Path) -> None:
    tour(engine)
    october(engine)
    rows = register(engine, tmp_path, dt.date(2015, 9, 1), dt.date(2015, 10, 31))
    assert [(r["Date"], r["Amount"], r["Kind"], r["Invoice"], r["Contract"]) for r in rows] == [
        ("2015-09-10", "44880.00", "payment", "IMP-2015-031", "DMPCD 2015 76"),
        ("2015-10-13", "15000.00", "payment", "EV-0001", "DEMO 2015 120"),
        ("2015-10-14", "-15000.00", "reversal", "", "DEMO 2015 120"),
        ("2015-10-15", "40000.00", "payment", "EV-0002", "DEMO 2015 120")]
    founding = rows[0]
    assert (founding["Accepted by"], founding["Accepted on"], founding["Released by"], founding["Budget line"]) == (
        "Sarah Okafor", "2015-09-04", "Tom Whitfield", "VG-1516")
    assert (rows[2]["Reverses"], rows[2]["Reason"]) == (rows[1]["Payment"], "paid to the wrong account")


def test_a_period_that_ends_before_it_starts_is_refused(engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(ExportRefused, match="ends"):
        register(engine, tmp_path, dt.date(2015, 10, 1), dt.date(2015, 9, 1))
