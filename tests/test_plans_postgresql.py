"""PostgreSQL's plans for the queries whose SQLite plans the EXPLAIN QUERY PLAN tests check: the same indexes.

PostgreSQL picks a plan from table statistics, so a plan is only worth checking on a store big enough that an
index beats reading the table: 30,000 generated payments (11,255 contracts, 33,765 deliverables), imported once,
then VACUUM ANALYZE (statistics, and the visibility map that lets an index-only scan skip the table). Each plan is
read as `EXPLAIN (FORMAT JSON)` and walked node by node. Where PostgreSQL's best plan differs from SQLite's for a
reason of its own (reading every row of a table is quicker in one pass than through an index), the test says so.
"""

import datetime as dt
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import Engine

from tracker.domain.fiscal import FiscalYear
from tracker.exports import records
from tracker.reports.budget import budget_by_contract, budget_report, period_profile
from tracker.reports.contract_list import ContractQuery, contracts_page
from tracker.reports.dashboard import work_items

from .conftest import GENERATOR
from .reports.conftest import load
from .stores import issued_selects, server

PAYMENTS = 30_000
DAY = dt.date(2016, 9, 30)
YEAR = FiscalYear(2016)

@dataclass(frozen=True)
class Node:
    kind: str
    table: str | None
    index: str | None


@dataclass(frozen=True)
class Plan:
    statement: str
    nodes: tuple[Node, ...]

    def scans(self, table: str) -> set[str]:
        return {node.kind for node in self.nodes if node.table == table}

    def indexes(self) -> set[str]:
        return {node.index for node in self.nodes if node.index}

    def sorts(self) -> bool:
        return any(node.kind in ("Sort", "Incremental Sort") for node in self.nodes)


def _walk(plan: dict[str, Any]) -> Iterator[Node]:
    yield Node(plan["Node Type"], plan.get("Relation Name"), plan.get("Index Name"))
    for child in plan.get("Plans", ()):
        yield from _walk(child)


@pytest.fixture(scope="module")
def planned(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A PostgreSQL store of 30,000 payments, analysed."""
    target = server().migrated()
    folder = tmp_path_factory.mktemp("planned")
    try:
        subprocess.run([sys.executable, str(GENERATOR), "--payments", str(PAYMENTS), "--seed", "1", "--out",
                        str(folder)], check=True, capture_output=True)
        loaded = load(folder, target, dt.date(2019, 12, 31))
        _vacuum_until_all_visible(loaded.engine)
        yield loaded.engine
        loaded.engine.dispose()
    finally:
        server().drop(target)


def _vacuum_until_all_visible(engine: Engine) -> None:
    """VACUUM ANALYZE until every page of the big tables is marked all-visible: an index-only scan is the plan only
    then, and VACUUM cannot mark pages while another session's snapshot is older than their rows (the other test
    worker's transactions), so it is repeated for up to 30 s."""
    tables = ("contract", "deliverable", "payment")
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        for _ in range(60):
            conn.exec_driver_sql("VACUUM ANALYZE " + ", ".join(tables))
            if all(conn.exec_driver_sql("SELECT relallvisible >= relpages FROM pg_class WHERE oid = to_regclass(%s)",
                                        (table,)).scalar_one() for table in tables):
                return
            time.sleep(0.5)
    pytest.fail("VACUUM could not mark the tables all-visible within 30 s: the plans would not be the store's own")


def plans(engine: Engine, read: Callable[[Any], object], *, without_sorting: bool = False) -> list[Plan]:
    """PostgreSQL's plan for every SELECT that `read` issues, with the parameters it issued them with; with
    `without_sorting`, the plan the planner finds when sorting is priced out (what an index can give)."""
    selects = issued_selects(engine, read)
    with engine.connect() as conn:
        if without_sorting:
            conn.exec_driver_sql("SET enable_sort = off")
        return [Plan(statement, tuple(_walk(conn.exec_driver_sql("EXPLAIN (FORMAT JSON) " + statement, params)
                                           .scalar_one()[0]["Plan"])))
                for statement, params in selects]


def test_report_queries_never_scan_the_payment_table(planned: Engine) -> None:
    """Twin of tests/reports/test_budget.py's: payments are read through their indexes only."""
    found = plans(planned, lambda session: (
        budget_report(session), budget_report(session, as_of=DAY),
        period_profile(session, year=YEAR, today=dt.date(2019, 12, 31), as_of=DAY),
        budget_by_contract(session, as_of=DAY)))
    reading_payments = [plan for plan in found if plan.scans("payment")]
    assert len(found) > 10 and reading_payments
    for plan in reading_payments:
        assert plan.scans("payment") <= {"Index Scan", "Index Only Scan"}, plan
    # A line's contracts as of the day: each contract's payments and decided deliverables off covering indexes.
    by_contract = found[-1]
    assert {"payment_contract", "deliverable_contract_decided"} <= by_contract.indexes()
    assert by_contract.scans("payment") == by_contract.scans("deliverable") == {"Index Only Scan"}, by_contract
    # Paid and accepted per line as of the day: the lines' ranges of the covering indexes, no contract visited.
    paid = [plan for plan in found if "GROUP BY payment.budget_line_id" in plan.statement]
    accepted = [plan for plan in found if plan.statement.lstrip().startswith("SELECT deliverable.funding_line_id")
                and "JOIN" not in plan.statement]
    assert paid and accepted
    for plan in paid:
        assert plan.indexes() == {"payment_line_paid"} and not plan.scans("contract"), plan
    for plan in accepted:
        assert plan.indexes() == {"deliverable_line_status"} and not plan.scans("contract"), plan


@pytest.mark.parametrize("settled", [True, False])
def test_export_query_reads_payments_by_index(planned: Engine, settled: bool) -> None:
    """Twin of tests/exports/test_commitments.py's: the payment detail through its covering indexes, the live
    contracts told apart on contract_reference_live."""
    contracts, deliverables = plans(planned, lambda session: [
        list(session.connection().execute(query)) for query in records._queries(DAY, settled)])
    if settled:
        assert not contracts.scans("payment") and not deliverables.scans("payment")
        return
    assert contracts.scans("payment") == {"Index Only Scan"} and "payment_contract" in contracts.indexes()
    assert deliverables.scans("payment") == {"Index Only Scan"}
    assert {"payment_contract", "payment_deliverable_amount"} <= deliverables.indexes()
    # the deliverables stream tests liveness on the index alone: no contract row is read
    assert deliverables.scans("contract") == {"Index Only Scan"}
    assert "contract_reference_live" in deliverables.indexes()


def test_export_contracts_stream_can_walk_the_reference_index_without_sorting(planned: Engine) -> None:
    """The index is in byte order, so it gives the stream's order: with sorting priced out the planner walks it.
    (Whether it does by choice is cost: at 11,255 contracts an index-only scan of a narrower index and a sort
    is cheaper.) In the database's collation, as before schema step 16, it could not, and the plan sorted."""
    contracts, _ = plans(planned, lambda session: [
        list(session.connection().execute(query)) for query in records._queries(DAY, False)],
        without_sorting=True)
    assert "contract_reference_live" in contracts.indexes() and not contracts.sorts(), contracts


def _page_plan(engine: Engine, sort: str) -> Plan:
    return plans(engine, lambda session: contracts_page(session, ContractQuery(YEAR, "", sort), count=False))[0]


@pytest.mark.parametrize(("sort", "index"), [("value", "contract_year_value"), ("paid", "contract_year_paid")])
def test_a_years_contract_page_walks_a_year_index_and_stops_at_the_page(planned: Engine, sort: str,
                                                                        index: str) -> None:
    """Twin of tests/ui/test_desk_queries.py's, for the sorts whose key is not text."""
    plan = _page_plan(planned, sort)
    assert index in plan.indexes() and "Limit" in {node.kind for node in plan.nodes}, plan
    assert not plan.sorts() or plan.nodes[0].kind == "Sort", plan  # at most the page itself, joined up, is sorted


@pytest.mark.parametrize(("sort", "index"), [("reference", "contract_year_reference_key"),
                                             ("supplier", "contract_year_supplier")])
def test_a_years_contract_page_by_text_walks_its_year_index(planned: Engine, sort: str, index: str) -> None:
    """The year's text indexes are in byte order (schema step 16), so a page walks one and stops."""
    plan = _page_plan(planned, sort)
    assert index in plan.indexes() and "Limit" in {node.kind for node in plan.nodes}, plan


@pytest.mark.parametrize("descending", [False, True])
def test_a_years_contract_page_in_natural_order_walks_the_key_index_without_a_sort(planned: Engine,
                                                                                  descending: bool) -> None:
    """Twin of tests/ui/test_desk_queries.py's: references in natural order are the stored key's byte order (schema
    step 17), so the first page and the next walk its index and stop; only the page itself, joined up, is sorted."""
    query = ContractQuery(YEAR, "", "reference", descending)

    def read(session: Any) -> None:
        first = contracts_page(session, query, count=False)
        contracts_page(session, query, after=first.last_key, count=False)

    for plan in plans(planned, read):
        assert "contract_year_reference_key" in plan.indexes(), plan
        assert "Limit" in {node.kind for node in plan.nodes}, plan
        assert not any(node.kind in ("Sort", "Incremental Sort") for node in plan.nodes[1:]), plan


def test_the_work_list_reads_only_the_waiting_deliverables(planned: Engine) -> None:
    """Twin of tests/ui/test_desk_queries.py's: the waiting deliverables from their partial covering index."""
    *elsewhere, plan = plans(planned, lambda session: work_items(session, YEAR, dt.date(2017, 1, 1)))
    for moved in elsewhere:  # the few funded off their contract's line, never a pass over the table
        assert "Seq Scan" not in moved.scans("deliverable"), moved
    # through the index alone or through its bitmap (the planner's choice by the visibility map), never the table
    assert plan.scans("deliverable") <= {"Index Only Scan", "Bitmap Heap Scan"}, plan
    assert "deliverable_waiting" in plan.indexes(), plan
    assert "Seq Scan" not in plan.scans("contract"), plan


def test_the_import_reads_next_ids_from_the_primary_keys(planned: Engine) -> None:
    """Twin of tests/scale/test_startup.py's. (Reading every reference is one pass over the table on PostgreSQL,
    as it should be: the whole column is wanted.)"""
    with planned.connect() as conn:
        for table in ("budget_line", "contract", "deliverable", "payment"):
            plan = Plan(table, tuple(_walk(conn.exec_driver_sql(
                f"EXPLAIN (FORMAT JSON) SELECT COALESCE(MAX(id), 0) FROM {table}").scalar_one()[0]["Plan"])))
            assert plan.scans(table) == {"Index Only Scan"} and plan.indexes() == {f"{table}_pkey"}, plan
