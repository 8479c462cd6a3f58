"""The desk's queries: keyset pages join up to exactly the fully sorted list, and the work list is right."""

import datetime as dt
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from tracker.domain.fiscal import FiscalYear
from tracker.domain.schema import open_store
from tracker.domain.verify import verify_store
from tracker.reports.audit_log import AuditQuery, audit_page
from tracker.reports.contract_list import SORT_KEYS, ContractQuery, contracts_page
from tracker.reports.dashboard import count_waiting, dashboard, work_items
from tracker.reports.dashboard_rows import WaitingCounts
from tracker.store.session import read_session

from ..stores import as_at, issued_selects

TODAY = dt.date(2015, 10, 19)


def test_pages_of_two_join_up_to_the_whole_sorted_list_for_every_sort(demo_engine: Engine) -> None:
    with read_session(demo_engine) as session:
        for sort in SORT_KEYS:
            for descending in (False, True):
                query = ContractQuery(None, "", sort, descending)
                whole = contracts_page(session, query).rows
                paged, after = [], None
                while True:
                    page = contracts_page(session, query, after=after, limit=2, count=False)
                    paged.extend(page.rows)
                    if not page.more:
                        break
                    after = page.last_key
                assert [row.reference for row in paged] == [row.reference for row in whole], (sort, descending)
                assert len(whole) == 6


def test_values_sort_as_money_and_the_filter_matches_supplier_or_line(demo_engine: Engine) -> None:
    with read_session(demo_engine) as session:
        by_value = contracts_page(session, ContractQuery(FiscalYear(2015), sort="value", descending=True))
        assert [(row.reference, row.value_pence) for row in by_value.rows][:2] == [
            ("DMPCD 2015 76", 14_960_000), ("DEMO 2015 120", 12_000_000)]
        assert by_value.matching == 4
        assert [row.reference for row in contracts_page(session, ContractQuery(None, "VG-16")).rows] == [
            "DEMO 2016 14"]
        assert contracts_page(session, ContractQuery(None, "100%")).rows == ()


def test_the_dashboard_work_list_on_the_demo(demo_engine: Engine) -> None:
    with read_session(demo_engine) as session:
        board = dashboard(session, FiscalYear(2015), TODAY)
    assert [(item.reference, item.seq, item.needs, item.days_late) for item in board.work] == [
        ("DMPCD 2015 76", 1, "sign-off", 49), ("DEMO 2015 120", 1, "payment", 0),
        ("DEMO 2015 46", 2, "delivery", 52), ("DEMO 2015 91", 2, "delivery", 19)]
    assert len(board.overdue) == 3 and not board.store_empty
    with read_session(demo_engine) as session:
        assert count_waiting(session, FiscalYear(2015), TODAY) == WaitingCounts(signoff=1, payment=1, overdue=3)


def test_audit_log_newest_first_filtered_by_person(demo_engine: Engine) -> None:
    with read_session(demo_engine) as session:
        everything = audit_page(session, AuditQuery())
        nobody = audit_page(session, AuditQuery(person="Nobody"))
        importer = audit_page(session, AuditQuery(person="import"))
    assert [row.action for row in everything.rows] == ["import"]
    assert nobody.rows == () and [row.seq for row in importer.rows] == [1]


def query_plans(engine: Engine, read: Callable[..., object]) -> list[str]:
    """The store's plan for every SELECT that `read` issues."""
    selects = issued_selects(engine, read)
    with engine.connect() as conn:
        return [" | ".join(str(row[3]) for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, params))
                for statement, params in selects]


def test_a_years_contract_page_walks_a_year_index_and_stops_at_the_page(demo_engine: Engine) -> None:
    """Year first in the index: a page of 2017/18 never reads past every contract of 2015/16 and 2016/17."""
    for sort, index in (("reference", "contract_year_reference_key"), ("supplier", "contract_year_supplier"),
                        ("value", "contract_year_value"), ("paid", "contract_year_paid"),
                        ("status", "contract_year_work")):
        plans = query_plans(demo_engine, lambda session, by=sort: contracts_page(
            session, ContractQuery(FiscalYear(2015), "", by), count=False))
        page_ids = plans[0].split(" | SCAN page")[0]
        assert index in page_ids and "TEMP B-TREE" not in page_ids, (sort, plans[0])


@pytest.mark.parametrize("descending", [False, True])
def test_a_years_contract_page_in_natural_order_walks_the_key_index_without_a_sort(demo_engine: Engine,
                                                                                  descending: bool) -> None:
    """References in natural order are the stored key's byte order (schema step 17): the first page and the next
    walk its index, with nothing to sort but the page itself."""
    query = ContractQuery(FiscalYear(2015), "", "reference", descending)

    def read(session: Session) -> None:
        first = contracts_page(session, query, limit=2, count=False)
        contracts_page(session, query, after=first.last_key, limit=2, count=False)

    for plan in query_plans(demo_engine, read):
        page_ids = plan.split(" | SCAN page")[0]
        assert "contract_year_reference_key" in page_ids and "TEMP B-TREE" not in page_ids, plan


def test_the_work_list_reads_only_the_waiting_deliverables(demo_engine: Engine) -> None:
    """The year's own from two covering indexes (the year's awarded contracts, and the partial one of waiting
    deliverables), reading no row of either table; the few funded off their contract's line (a later year's part,
    carried forward, released) off their own partial indexes, before it."""
    *elsewhere, own = query_plans(demo_engine, lambda session: work_items(session, FiscalYear(2015), TODAY))
    assert own.startswith("SEARCH contract USING COVERING INDEX contract_year_work (fiscal_year=? AND status=?)"), own
    assert "COVERING INDEX deliverable_waiting" in own, own
    for plan, index in zip(elsewhere, ("deliverable_carried", "deliverable_part", "deliverable_released"),
                           strict=True):
        assert plan.startswith(f"SEARCH deliverable USING INDEX {index}"), plan


def test_a_store_from_before_contracts_carried_their_year_is_upgraded(tmp_path: Path, demo_engine: Engine) -> None:
    """Stores from before migration 5 get the column filled from each contract's line, and verify clean."""
    path = str(demo_engine.url.database)
    demo_engine.dispose()
    old = sqlite3.connect(path)
    for name in ("contract_year_reference_key", "contract_year_supplier", "contract_year_value",
                 "contract_year_paid", "contract_year_work", "deliverable_waiting"):
        old.execute(f"DROP INDEX {name}")
    old.execute("ALTER TABLE contract DROP COLUMN fiscal_year")
    for statement in as_at(4):
        old.execute(statement)
    old.commit()
    old.close()
    upgraded = open_store(path)
    with upgraded.connect() as conn:
        years = dict(conn.exec_driver_sql("SELECT c.reference, c.fiscal_year - b.fiscal_year FROM contract c "
                                          "JOIN budget_line b ON b.id = c.budget_line_id").all())
    assert len(years) == 6 and set(years.values()) == {0}
    assert verify_store(upgraded).ok
    with read_session(upgraded) as session:
        assert contracts_page(session, ContractQuery(FiscalYear(2015))).matching == 4
