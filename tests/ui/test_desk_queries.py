"""The desk's queries: keyset pages join up to exactly the fully sorted list, and the work list is right."""

import datetime as dt

from sqlalchemy import Engine

from tracker.domain.fiscal import FiscalYear
from tracker.reports.desk import (
    SORT_KEYS,
    AuditQuery,
    ContractQuery,
    audit_page,
    contracts_page,
    dashboard,
)
from tracker.store.session import read_session

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
            ("DMPCD 2015 76", 14_960_000), ("DMPCD 2015 120", 12_000_000)]
        assert by_value.matching == 4
        assert [row.reference for row in contracts_page(session, ContractQuery(None, "VG-16")).rows] == [
            "DMPCD 2016 14"]
        assert contracts_page(session, ContractQuery(None, "100%")).rows == ()


def test_the_dashboard_work_list_on_the_demo(demo_engine: Engine) -> None:
    with read_session(demo_engine) as session:
        board = dashboard(session, FiscalYear(2015), TODAY)
    assert [(item.reference, item.seq, item.needs, item.days_late) for item in board.work] == [
        ("DMPCD 2015 76", 1, "sign-off", 49), ("DMPCD 2015 120", 1, "payment", 0),
        ("DMPCD 2015 46", 2, "delivery", 52), ("DMPCD 2015 91", 2, "delivery", 19)]
    assert len(board.overdue) == 3 and not board.store_empty


def test_audit_log_newest_first_filtered_by_person(demo_engine: Engine) -> None:
    with read_session(demo_engine) as session:
        everything = audit_page(session, AuditQuery())
        nobody = audit_page(session, AuditQuery(person="Nobody"))
        importer = audit_page(session, AuditQuery(person="import"))
    assert [row.action for row in everything.rows] == ["import"]
    assert nobody.rows == () and [row.seq for row in importer.rows] == [1]
