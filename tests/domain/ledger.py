"""Helpers for rule tests: the founding case built through the domain, and a snapshot of everything stored."""

import datetime as dt
import json
from typing import Any

from sqlalchemy import Engine

from tracker.domain.budget import add_budget_line
from tracker.domain.context import Context
from tracker.domain.contracts import add_contract, award_contract
from tracker.domain.deliverables import add_deliverable
from tracker.domain.fiscal import FiscalYear
from tracker.domain.models import Control

REF = "DMPCD 2015 76"
TABLES = ("budget_line", "contract", "deliverable", "payment", "audit_event")


def snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table: equal snapshots mean nothing at all changed."""
    with engine.connect() as conn:
        return {table: [tuple(row) for row in conn.exec_driver_sql(f"SELECT * FROM {table} ORDER BY 1")]
                for table in TABLES}


def events(engine: Engine, *, images: bool = False) -> list[dict[str, Any]]:
    """The trail; the row images each event carries are left out unless asked for (tests/domain/test_images.py)."""
    with engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT seq, action, claimed_by, login, contract_ref, payload, prev_hash, hash "
                                    "FROM audit_event ORDER BY seq").mappings().all()
    found = [dict(row) | {"payload": json.loads(row["payload"])} for row in rows]
    if not images:
        for event in found:
            event["payload"].pop("images", None)
    return found


def scalar(engine: Engine, sql: str) -> Any:
    with engine.connect() as conn:
        return conn.exec_driver_sql(sql).scalar_one()


def founding_case(ctx: Context, *, control: Control = Control.HARD, award: bool = True,
                  invoices_required: bool = False) -> None:
    """VG-1516 (£200,000) and DMPCD 2015 76 (£149,600 in three products), awarded on 2 July 2015.

    Its line pays without invoices unless asked: the rules these tests are about come before the invoice's."""
    add_budget_line(ctx, "VG-1516", name="Victims Grant 2015/16", fiscal_year=FiscalYear(2015),
                    allocation_pence=20_000_000, fund="Victims Grant", funder="Ministry of Justice", control=control,
                    invoices_required=invoices_required)
    add_contract(ctx, REF, title="Victim Service Re-design", supplier="Impower Consulting Ltd",
                 value_pence=14_960_000, ceiling_pence=15_000_000, budget_line="VG-1516",
                 decision_date=dt.date(2015, 7, 2), start_date=dt.date(2015, 7, 6), end_date=dt.date(2016, 1, 5))
    for name, amount, due in (("Mapping exercise", 4_488_000, dt.date(2015, 8, 31)),
                              ("Options appraisal", 4_488_000, dt.date(2015, 10, 31)),
                              ("Business case", 5_984_000, dt.date(2015, 12, 31))):
        add_deliverable(ctx, REF, name=name, amount_pence=amount, due_on=due)
    if award:
        award_contract(ctx, REF, on=dt.date(2015, 7, 2))
