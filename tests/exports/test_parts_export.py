"""The commitments export shows a contract funded over two years as one row per line, each with its part."""

import csv
import datetime as dt
from pathlib import Path

from sqlalchemy import Engine

from tracker.domain.context import Context
from tracker.domain.contracts import award_contract
from tracker.exports.files import prepare_directory
from tracker.exports.nightly import export_commitments
from tracker.store.session import read_session

from ..domain.test_funding_parts import NEW, REF, evaluation


def test_each_years_part_is_a_row_on_its_own_line(alice: Context, engine: Engine, tmp_path: Path) -> None:
    evaluation(alice)
    award_contract(alice, REF, on=dt.date(2015, 9, 30), lines=[NEW])
    with read_session(engine) as session:
        export_commitments(session.connection(), prepare_directory(tmp_path), dt.date(2015, 10, 19), ("csv",),
                           generated_at="2015-10-19T23:00:00+00:00", version="test")
    with open(tmp_path / "commitments-2015-10-19.csv", newline="", encoding="utf-8") as handle:
        rows = [(r["reference"], r["budget_line"], r["fiscal_year"], r["value"], r["outstanding"], r["next_due_seq"])
                for r in csv.DictReader(handle)]
    assert rows == [(REF, "EVAL-1516", "2015/16", "62400.00", "62400.00", "1"),
                    (REF, "EVAL-1617", "2016/17", "41600.00", "41600.00", "3")]
    with open(tmp_path / "commitments-2015-10-19-deliverables.csv", newline="", encoding="utf-8") as handle:
        assert [r["seq"] for r in csv.DictReader(handle)] == ["1", "2", "3", "4"]
