"""The dashboard's waiting work on a generated workload: the counts over the whole year agree with the full list,
and with the workload's own rows."""

import datetime as dt

from tracker.domain.fiscal import FiscalYear
from tracker.reports.dashboard import count_waiting, work_items
from tracker.reports.dashboard_rows import WaitingCounts
from tracker.store.session import read_session

from .conftest import Loaded

TODAY = dt.date(2017, 10, 1)


def test_counts_of_waiting_work_match_the_whole_list_and_the_files(workload: Loaded) -> None:
    year = FiscalYear(2017)
    with read_session(workload.engine) as session:
        counts = count_waiting(session, year, TODAY)
        everything, more = work_items(session, year, TODAY, limit=1_000_000)
        first_page, first_more = work_items(session, year, TODAY, limit=20)
    assert not more and first_more and first_page == everything[:20]
    assert counts == WaitingCounts(sum(item.needs == "sign-off" for item in everything),
                                   sum(item.needs == "payment" for item in everything),
                                   sum(item.overdue for item in everything))
    line_year = {line["code"]: line["fiscal_year"] for line in workload.lines}
    awarded = {c["reference"] for c in workload.contracts
               if c["awarded_on"] and line_year[c["budget_line"]] == "2017/18"}
    submitted = [d for d in workload.deliverables if d["contract_reference"] in awarded and d["status"] == "submitted"]
    assert counts.signoff == len(submitted) > 0
    assert counts.overdue > 0 and counts.payment >= 0
