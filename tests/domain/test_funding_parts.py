"""A contract funded over two financial years: £62,400 from 2015/16's line and £41,600 from 2016/17's.

An 18-month evaluation (October 2015 to March 2017) of £104,000 in four reports; each year's part is committed
against that year's line under that line's control, each payment is charged to the line of its deliverable's year,
and the year end of 2015/16 sees only the old year's part.
"""

import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from tracker.domain.budget import add_budget_line
from tracker.domain.context import Context
from tracker.domain.contracts import add_contract, award_contract, cancel_contract, close_contract
from tracker.domain.corrections import revoke_acceptance
from tracker.domain.deliverables import accept_deliverable, add_deliverable, submit_deliverable
from tracker.domain.errors import Refusal
from tracker.domain.fiscal import FiscalYear, fixed_clock
from tracker.domain.funding import Part, contract_parts, parse_part
from tracker.domain.importing import import_folder
from tracker.domain.models import BudgetLine, Control, Payment
from tracker.domain.payments import release_payment
from tracker.domain.rules import Rule
from tracker.domain.variations import NewDeliverable, vary_contract
from tracker.domain.verify import verify_store
from tracker.domain.year_end import Carry, Release, close_year
from tracker.exports.payments_register import register_rows
from tracker.reports.budget import budget_by_contract, budget_report
from tracker.reports.dashboard import count_waiting, line_contracts, work_items
from tracker.reports.dashboard_rows import WaitingCounts
from tracker.reports.year_end import year_end_review
from tracker.store.session import read_session

from .ledger import snapshot

REF = "EVAL 2015 18"
OLD, NEW = "EVAL-1516", "EVAL-1617"
REPORTS = (("Inception report", 2_080_000, dt.date(2015, 11, 30)),
           ("Interim report", 4_160_000, dt.date(2016, 3, 15)),
           ("Fieldwork report", 2_080_000, dt.date(2016, 9, 30)),
           ("Final report", 2_080_000, dt.date(2017, 3, 15)))


def on(ctx: Context, day: dt.date) -> Context:
    return dataclasses.replace(ctx, clock=fixed_clock(day))


def evaluation(ctx: Context, *, new_allocation: int = 5_000_000, new_control: Control = Control.HARD) -> None:
    """Two lines of one fund, a year apart, and the evaluation drafted with its four reports."""
    add_budget_line(ctx, OLD, name="Evaluation 2015/16", fiscal_year=FiscalYear(2015), allocation_pence=12_000_000,
                    fund="Evaluation", invoices_required=False)
    add_budget_line(ctx, NEW, name="Evaluation 2016/17", fiscal_year=FiscalYear(2016),
                    allocation_pence=new_allocation, fund="Evaluation", control=new_control, invoices_required=False)
    add_contract(ctx, REF, title="Evaluation of victim services", supplier="Ipsos MORI", value_pence=10_400_000,
                 budget_line=OLD, decision_date=dt.date(2015, 9, 14), start_date=dt.date(2015, 10, 1),
                 end_date=dt.date(2017, 3, 31))
    for name, amount, due in REPORTS:
        add_deliverable(ctx, REF, name=name, amount_pence=amount, due_on=due)


def lines(engine: Engine) -> dict[str, tuple[int, int]]:
    """Committed and paid per line."""
    with read_session(engine) as session:
        return {line.code: (line.committed_pence, line.paid_pence) for line in session.exec(select(BudgetLine))}


def parts(engine: Engine, reference: str = REF) -> tuple[Part, ...]:
    from tracker.domain import lookup

    with read_session(engine) as session:
        return contract_parts(session, lookup.contract(session, reference))


def sound(engine: Engine) -> None:
    verified = verify_store(engine)
    assert verified.ok, verified.problems


def test_each_years_part_is_committed_against_its_own_line(alice: Context, engine: Engine) -> None:
    evaluation(alice)
    award_contract(alice, REF, on=dt.date(2015, 9, 30), lines=[NEW])
    assert lines(engine) == {OLD: (6_240_000, 0), NEW: (4_160_000, 0)}
    assert parts(engine) == (Part(OLD, "2015/16", 6_240_000, 0), Part(NEW, "2016/17", 4_160_000, 0))
    sound(engine)


def test_a_hard_line_without_headroom_for_its_part_refuses_the_award(alice: Context, engine: Engine) -> None:
    evaluation(alice, new_allocation=4_000_000)
    before = snapshot(engine)
    with pytest.raises(Refusal) as refused:
        award_contract(alice, REF, on=dt.date(2015, 9, 30), lines=[NEW])
    assert refused.value.rule == Rule.LINE_COMMITMENT
    assert refused.value.message == ("awarding EVAL 2015 18 would over-commit EVAL-1617: it has £40,000.00 "
                                     "uncommitted of £40,000.00; its part there is £41,600.00")
    assert snapshot(engine) == before


def test_a_warn_line_takes_its_part_and_says_so(alice: Context, engine: Engine) -> None:
    evaluation(alice, new_allocation=4_000_000, new_control=Control.WARN)
    awarded = award_contract(alice, REF, on=dt.date(2015, 9, 30), lines=[NEW])
    assert awarded.warning == ("warning: EVAL-1617 is now over-committed by £1,600.00 (£41,600.00 committed of "
                               "£40,000.00); allowed because the line's control is 'warn'")
    assert lines(engine) == {OLD: (6_240_000, 0), NEW: (4_160_000, 0)}
    sound(engine)


def test_an_explicit_profile_puts_each_named_deliverable_on_its_line(alice: Context, engine: Engine) -> None:
    evaluation(alice)
    award_contract(alice, REF, on=dt.date(2015, 9, 30), parts={2: NEW})
    assert lines(engine) == {OLD: (6_240_000, 0), NEW: (4_160_000, 0)}
    assert [p.line_code for p in parts(engine)] == [OLD, NEW]
    sound(engine)


def test_a_single_line_award_is_unchanged(alice: Context, engine: Engine) -> None:
    evaluation(alice)
    award_contract(alice, REF, on=dt.date(2015, 9, 30))
    assert lines(engine) == {OLD: (10_400_000, 0), NEW: (0, 0)}
    assert parts(engine) == ()


def test_payments_are_charged_to_the_line_of_their_deliverables_year(alice: Context, bob: Context,
                                                                     engine: Engine) -> None:
    evaluation(alice)
    award_contract(alice, REF, on=dt.date(2015, 9, 30), lines=[NEW])
    autumn = on(alice, dt.date(2016, 10, 20))
    for seq, day in ((1, dt.date(2015, 12, 1)), (3, dt.date(2016, 10, 3))):
        submit_deliverable(autumn, REF, seq, on=day)
        accept_deliverable(autumn, REF, seq, on=day)
    first = release_payment(on(bob, dt.date(2016, 10, 20)), REF, 1, paid_on=dt.date(2015, 12, 10))
    third = release_payment(on(bob, dt.date(2016, 10, 20)), REF, 3, paid_on=dt.date(2016, 10, 10))
    assert (first.line_code, first.charged_to, third.line_code, third.charged_to) == (OLD, "2015/16", NEW, "2016/17")
    assert lines(engine) == {OLD: (6_240_000, 2_080_000), NEW: (4_160_000, 2_080_000)}
    with read_session(engine) as session:
        assert sorted(session.exec(select(Payment.charged_year, Payment.amount_pence))) == [
            (2015, 2_080_000), (2016, 2_080_000)]
    assert parts(engine) == (Part(OLD, "2015/16", 6_240_000, 2_080_000), Part(NEW, "2016/17", 4_160_000, 2_080_000))
    with read_session(engine) as session:  # the payments register names the line each payment was charged to
        assert [(row[1], row[6]) for row in register_rows(session, dt.date(2015, 4, 1), dt.date(2017, 3, 31))] == [
            (dt.date(2015, 12, 10), OLD), (dt.date(2016, 10, 10), NEW)]
    sound(engine)


def test_the_year_end_sees_only_the_old_years_part(alice: Context, engine: Engine) -> None:
    evaluation(alice, new_allocation=12_000_000)
    award_contract(alice, REF, on=dt.date(2015, 9, 30), lines=[NEW])
    with read_session(engine) as session:
        review = year_end_review(session, FiscalYear(2015))
    assert [(c.line_code, c.reference, c.seq, c.amount_pence) for c in review.commitments] == [
        (OLD, REF, 1, 2_080_000), (OLD, REF, 2, 4_160_000)]
    close_year(on(alice, dt.date(2016, 4, 5)), FiscalYear(2015), decision="DMPCD 2016 31",
               carry=[Carry(REF, 1, NEW), Carry(REF, 2, NEW)])
    assert lines(engine) == {OLD: (0, 0), NEW: (10_400_000, 0)}
    sound(engine)


def test_budget_report_shows_each_years_part_on_its_line(alice: Context, engine: Engine) -> None:
    evaluation(alice)
    award_contract(alice, REF, on=dt.date(2015, 9, 30), lines=[NEW])
    with read_session(engine) as session:
        now = budget_report(session)
        then = budget_report(session, as_of=dt.date(2015, 10, 19))
    for report in (now, then):
        assert [(r.code, r.committed_pence) for r in report.lines] == [(OLD, 6_240_000), (NEW, 4_160_000)]


def test_closing_frees_each_lines_unpaid_part(alice: Context, bob: Context, engine: Engine) -> None:
    evaluation(alice)
    award_contract(alice, REF, on=dt.date(2015, 9, 30), lines=[NEW])
    submit_deliverable(alice, REF, 1, on=dt.date(2015, 10, 1))
    accept_deliverable(alice, REF, 1, on=dt.date(2015, 10, 2))
    release_payment(bob, REF, 1, paid_on=dt.date(2015, 10, 5))
    close_contract(alice, REF, on=dt.date(2015, 10, 19))
    assert lines(engine) == {OLD: (2_080_000, 2_080_000), NEW: (0, 0)}
    sound(engine)


def test_cancelling_frees_every_part(alice: Context, engine: Engine) -> None:
    evaluation(alice)
    award_contract(alice, REF, on=dt.date(2015, 9, 30), lines=[NEW])
    cancel_contract(alice, REF, reason="withdrawn", on=dt.date(2015, 10, 19))
    assert lines(engine) == {OLD: (0, 0), NEW: (0, 0)}
    sound(engine)


def test_a_variation_moves_a_part_and_adds_one_to_its_years_line(alice: Context, engine: Engine) -> None:
    evaluation(alice, new_allocation=10_000_000)
    award_contract(alice, REF, on=dt.date(2015, 9, 30), lines=[NEW])
    vary_contract(alice, REF, decision="PCD 1507", on=dt.date(2015, 10, 19), rationale="a second fieldwork wave",
                  value_pence=11_440_000, parts={2: NEW},
                  add=(NewDeliverable("Second fieldwork report", 1_040_000, dt.date(2016, 12, 15)),))
    assert lines(engine) == {OLD: (2_080_000, 0), NEW: (9_360_000, 0)}
    sound(engine)


def test_a_variation_past_a_hard_lines_headroom_is_refused(alice: Context, engine: Engine) -> None:
    evaluation(alice)
    award_contract(alice, REF, on=dt.date(2015, 9, 30), lines=[NEW])
    before = snapshot(engine)
    with pytest.raises(Refusal) as refused:
        vary_contract(alice, REF, decision="PCD 1507", on=dt.date(2015, 10, 19), rationale="earlier", parts={2: NEW})
    assert refused.value.rule == Rule.LINE_COMMITMENT
    assert refused.value.message == ("varying EVAL 2015 18 would over-commit EVAL-1617: it has £8,400.00 "
                                     "uncommitted of £50,000.00; this variation adds £41,600.00")
    assert snapshot(engine) == before


def test_a_part_cannot_be_funded_by_an_earlier_or_same_years_other_line(alice: Context, engine: Engine) -> None:
    evaluation(alice)
    add_budget_line(alice, "OTHER-1516", name="Other 2015/16", fiscal_year=FiscalYear(2015),
                    allocation_pence=1_000_000)
    with pytest.raises(Refusal) as refused:
        award_contract(alice, REF, on=dt.date(2015, 9, 30), parts={1: "OTHER-1516"})
    assert refused.value.rule == Rule.FUNDING_PARTS
    assert refused.value.message == ("EVAL 2015 18 is funded from EVAL-1516 (2015/16); a part can be funded only by "
                                     "it or a line of a later year, and OTHER-1516 is of 2015/16")


def test_an_accepted_part_stays_on_its_line(alice: Context, engine: Engine) -> None:
    evaluation(alice)
    award_contract(alice, REF, on=dt.date(2015, 9, 30), lines=[NEW])
    submit_deliverable(alice, REF, 1, on=dt.date(2015, 10, 1))
    accept_deliverable(alice, REF, 1, on=dt.date(2015, 10, 2))
    with pytest.raises(Refusal) as refused:
        vary_contract(alice, REF, decision="PCD 1507", on=dt.date(2015, 10, 19), rationale="move", parts={1: NEW})
    assert refused.value.message == "EVAL 2015 18 #1 cannot move to another line: it is accepted"


def test_a_deliverable_added_later_goes_to_its_years_line(alice: Context, engine: Engine) -> None:
    evaluation(alice, new_allocation=6_000_000)
    vary_contract(alice, REF, decision="PCD 1507", on=dt.date(2015, 10, 1), rationale="room", value_pence=11_400_000)
    award_contract(alice, REF, on=dt.date(2015, 10, 2), lines=[NEW])
    add_deliverable(alice, REF, name="Dissemination", amount_pence=1_000_000, due_on=dt.date(2017, 3, 31))
    assert lines(engine) == {OLD: (6_240_000, 0), NEW: (5_160_000, 0)}
    sound(engine)


def test_a_deliverable_added_past_a_warn_lines_allocation_says_so(alice: Context, engine: Engine) -> None:
    evaluation(alice, new_allocation=5_000_000, new_control=Control.WARN)
    vary_contract(alice, REF, decision="PCD 1507", on=dt.date(2015, 10, 1), rationale="room", value_pence=11_400_000)
    award_contract(alice, REF, on=dt.date(2015, 10, 2), lines=[NEW])
    added = add_deliverable(alice, REF, name="Dissemination", amount_pence=1_000_000, due_on=dt.date(2017, 3, 31))
    assert added.warning == ("warning: EVAL-1617 is now over-committed by £1,600.00 (£51,600.00 committed of "
                             "£50,000.00); allowed because the line's control is 'warn'")
    assert lines(engine) == {OLD: (6_240_000, 0), NEW: (5_160_000, 0)}
    sound(engine)


def test_revoking_a_later_years_sign_off_checks_its_own_lines_year(alice: Context, bob: Context,
                                                                   engine: Engine) -> None:
    """The contract's first line's year is closed; the deliverable is funded from the next year's, still open."""
    evaluation(alice)
    award_contract(alice, REF, on=dt.date(2015, 9, 30), lines=[NEW])
    spring = on(alice, dt.date(2016, 4, 20))
    for seq, day in ((1, dt.date(2015, 12, 1)), (2, dt.date(2016, 3, 15))):
        submit_deliverable(spring, REF, seq, on=day)
        accept_deliverable(spring, REF, seq, on=day)
        release_payment(on(bob, dt.date(2016, 4, 20)), REF, seq, paid_on=dt.date(2016, 3, 31))
    later = on(alice, dt.date(2016, 10, 20))
    close_year(later, FiscalYear(2015), decision="PCD 1605")
    submit_deliverable(later, REF, 3, on=dt.date(2016, 10, 3))
    accept_deliverable(later, REF, 3, on=dt.date(2016, 10, 3))
    revoked = revoke_acceptance(later, REF, 3, reason="signed off on the wrong report")
    assert (revoked.what, revoked.fields) == (f"{REF} #3", ("status",))
    sound(engine)


def test_parse_part() -> None:
    assert parse_part("3=CPF-1617") == (3, "CPF-1617")
    with pytest.raises(Exception, match="is not SEQ=LINE"):
        parse_part("CPF-1617")


def test_verify_finds_a_part_moved_behind_the_trackers_back(alice: Context, engine: Engine) -> None:
    evaluation(alice)
    award_contract(alice, REF, on=dt.date(2015, 9, 30), lines=[NEW])
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE deliverable SET budget_line_id = NULL WHERE seq = 4")
    verified = verify_store(engine)
    assert not verified.ok
    assert any("budget_line_id" in problem for problem in verified.problems)


def _folder(tmp_path: Path, *, new_allocation: str = "50000.00", line_of_third: str = NEW) -> Path:
    """The evaluation as an import: its deliverables' budget_line column puts the 2016/17 reports on EVAL-1617."""
    folder = tmp_path / "evaluation"
    folder.mkdir()
    (folder / "budget_lines.csv").write_text(
        "code,name,fiscal_year,allocation,fund,invoices\n"
        f"{OLD},Evaluation 2015/16,2015/16,120000.00,Evaluation,not required\n"
        f"{NEW},Evaluation 2016/17,2016/17,{new_allocation},Evaluation,not required\n", encoding="utf-8")
    (folder / "contracts.csv").write_text(
        "reference,supplier,title,budget_line,value,awarded_on,decision_date\n"
        f"{REF},Ipsos MORI,Evaluation of victim services,{OLD},104000.00,2015-09-30,2015-09-14\n", encoding="utf-8")
    (folder / "deliverables.csv").write_text(
        "contract_reference,seq,name,amount,due_on,status,accepted_on,accepted_by,budget_line\n"
        f"{REF},1,Inception report,20800.00,2015-11-30,accepted,2015-10-02,Sarah Okafor,\n"
        f"{REF},2,Interim report,41600.00,2016-03-15,pending,,,{OLD}\n"
        f"{REF},3,Fieldwork report,20800.00,2016-09-30,pending,,,{line_of_third}\n"
        f"{REF},4,Final report,20800.00,2017-03-15,pending,,,{NEW}\n", encoding="utf-8")
    (folder / "payments.csv").write_text(
        "contract_reference,deliverable_seq,amount,paid_on,released_by\n"
        f"{REF},1,20800.00,2015-10-05,Tom Whitfield\n", encoding="utf-8")
    return folder


def test_an_import_puts_each_deliverables_part_on_its_line(alice: Context, engine: Engine, tmp_path: Path) -> None:
    import_folder(alice, _folder(tmp_path))
    assert lines(engine) == {OLD: (6_240_000, 2_080_000), NEW: (4_160_000, 0)}
    assert parts(engine) == (Part(OLD, "2015/16", 6_240_000, 2_080_000), Part(NEW, "2016/17", 4_160_000, 0))
    sound(engine)


def test_an_import_refuses_a_part_past_a_hard_lines_headroom(alice: Context, engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(Refusal) as refused:
        import_folder(alice, _folder(tmp_path, new_allocation="40000.00"))
    assert refused.value.rule == Rule.LINE_COMMITMENT
    assert refused.value.message == ("deliverables.csv line 5: awarding EVAL 2015 18 would over-commit EVAL-1617: "
                                     "it has £19,200.00 uncommitted of £40,000.00; its part there is £20,800.00")


def test_an_import_refuses_a_part_on_an_earlier_years_line(alice: Context, engine: Engine, tmp_path: Path) -> None:
    folder = _folder(tmp_path, line_of_third="EARLY-1415")
    with open(folder / "budget_lines.csv", "a", encoding="utf-8") as lines_file:
        lines_file.write("EARLY-1415,Earlier,2014/15,1000.00,Evaluation,not required\n")
    with pytest.raises(Refusal) as refused:
        import_folder(alice, folder)
    assert refused.value.rule == Rule.FUNDING_PARTS
    assert "deliverables.csv line 4, column budget_line" in refused.value.message


def test_a_lines_contracts_show_the_contracts_part_there(alice: Context, bob: Context, engine: Engine) -> None:
    evaluation(alice)
    award_contract(alice, REF, on=dt.date(2015, 9, 30), lines=[NEW])
    submit_deliverable(alice, REF, 1, on=dt.date(2015, 10, 1))
    accept_deliverable(alice, REF, 1, on=dt.date(2015, 10, 2))
    with read_session(engine) as session:
        groups = budget_by_contract(session)
        listed = {code: line_contracts(session.connection(), code)[0] for code in (OLD, NEW)}
    assert [(g.line.code, [(c.reference, c.value_pence, c.committed_pence, c.accepted_unpaid_pence)
                           for c in g.contracts]) for g in groups] == [
        (OLD, [(REF, 6_240_000, 6_240_000, 2_080_000)]), (NEW, [(REF, 4_160_000, 4_160_000, 0)])]
    assert {code: [(c.reference, c.committed_pence) for c in rows] for code, rows in listed.items()} == {
        OLD: [(REF, 6_240_000)], NEW: [(REF, 4_160_000)]}


def test_an_explicit_profile_by_year_or_line_checks_where_the_parts_fall(alice: Context, engine: Engine) -> None:
    evaluation(alice)
    before = snapshot(engine)
    with pytest.raises(Refusal) as refused:
        award_contract(alice, REF, on=dt.date(2015, 9, 30), lines=[NEW],
                       profile={"2015/16": 6_000_000, "2016/17": 4_400_000})
    assert (refused.value.rule, refused.value.message) == (
        Rule.FUNDING_PARTS, "EVAL 2015 18's deliverables put £62,400.00 on EVAL-1516 (2015/16), not the £60,000.00 "
                            "its profile gives it")
    with pytest.raises(Refusal) as unnamed:
        award_contract(alice, REF, on=dt.date(2015, 9, 30), profile={"2015/16": 6_240_000, "2016/17": 4_160_000})
    assert unnamed.value.message == ("EVAL 2015 18's profile gives 2016/17 a part but names no line of 2016/17 to "
                                     "fund it")
    assert snapshot(engine) == before
    award_contract(alice, REF, on=dt.date(2015, 9, 30), profile={OLD: 6_240_000, NEW: 4_160_000})
    assert lines(engine) == {OLD: (6_240_000, 0), NEW: (4_160_000, 0)}
    sound(engine)


def test_parse_profile() -> None:
    from tracker.domain.funding import parse_profile

    assert parse_profile("2015/16=62400,2016/17=41600") == {"2015/16": 6_240_000, "2016/17": 4_160_000}
    assert parse_profile("EVAL-1516=£62,400.00,EVAL-1617=41,600") == {OLD: 6_240_000, NEW: 4_160_000}


def test_a_later_years_part_is_carried_forward_from_its_own_line(alice: Context, engine: Engine) -> None:
    evaluation(alice)
    add_budget_line(alice, "EVAL-1718", name="Evaluation 2017/18", fiscal_year=FiscalYear(2017),
                    allocation_pence=5_000_000, fund="Evaluation", invoices_required=False)
    award_contract(alice, REF, on=dt.date(2015, 9, 30), lines=[NEW])
    close_year(on(alice, dt.date(2017, 4, 5)), FiscalYear(2016), decision="DMPCD 2017 9",
               carry=[Carry(REF, 3, "EVAL-1718")], release=[Release(REF, 4)])
    assert lines(engine) == {OLD: (6_240_000, 0), NEW: (0, 0), "EVAL-1718": (2_080_000, 0)}
    with read_session(engine) as session:
        then = budget_report(session, as_of=dt.date(2017, 4, 1))
        now = budget_report(session, as_of=dt.date(2017, 4, 5))
    assert [(r.code, r.committed_pence) for r in then.lines] == [(OLD, 6_240_000), (NEW, 4_160_000),
                                                                  ("EVAL-1718", 0)]
    assert [(r.code, r.committed_pence) for r in now.lines] == [(OLD, 6_240_000), (NEW, 0), ("EVAL-1718", 2_080_000)]
    sound(engine)


def test_a_deliverable_put_on_a_later_line_in_the_draft_is_committed_there_at_the_award(alice: Context,
                                                                                       engine: Engine) -> None:
    evaluation(alice)
    vary_contract(alice, REF, decision="PCD 1507", on=dt.date(2015, 9, 20), rationale="a dissemination event",
                  value_pence=10_500_000)
    add_deliverable(alice, REF, name="Dissemination", amount_pence=100_000, due_on=dt.date(2017, 3, 31), line=NEW)
    award_contract(alice, REF, on=dt.date(2015, 9, 30))
    assert lines(engine) == {OLD: (10_400_000, 0), NEW: (100_000, 0)}
    sound(engine)


def test_reopening_commits_each_years_unpaid_part_again(alice: Context, bob: Context, engine: Engine) -> None:
    from tracker.domain.corrections import reopen_contract

    evaluation(alice)
    award_contract(alice, REF, on=dt.date(2015, 9, 30), lines=[NEW])
    close_contract(alice, REF, on=dt.date(2015, 10, 19))
    assert lines(engine) == {OLD: (0, 0), NEW: (0, 0)}
    reopen_contract(alice, REF, reason="closed by mistake")
    assert lines(engine) == {OLD: (6_240_000, 0), NEW: (4_160_000, 0)}
    sound(engine)


def _waiting(engine: Engine, start_year: int, today: dt.date) -> tuple[list[tuple[str, int, str, str]], WaitingCounts]:
    with read_session(engine) as session:
        items, _ = work_items(session.connection(), FiscalYear(start_year), today)
        counts = count_waiting(session.connection(), FiscalYear(start_year), today)
    return [(item.reference, item.seq, item.needs, item.line_code) for item in items], counts


def test_the_dashboard_files_a_later_years_part_under_its_lines_year(alice: Context, engine: Engine) -> None:
    evaluation(alice)
    award_contract(alice, REF, on=dt.date(2015, 9, 30), lines=[NEW])
    autumn = on(alice, dt.date(2016, 10, 20))
    submit_deliverable(autumn, REF, 1, on=dt.date(2015, 12, 1))
    submit_deliverable(autumn, REF, 3, on=dt.date(2016, 10, 3))
    today = dt.date(2016, 10, 20)
    assert _waiting(engine, 2015, today) == ([(REF, 1, "sign-off", OLD), (REF, 2, "delivery", OLD)],
                                             WaitingCounts(signoff=1, payment=0, overdue=2))
    assert _waiting(engine, 2016, today) == ([(REF, 3, "sign-off", NEW)], WaitingCounts(signoff=1, payment=0,
                                                                                         overdue=1))
    accept_deliverable(autumn, REF, 3, on=dt.date(2016, 10, 4))
    assert _waiting(engine, 2016, today) == ([(REF, 3, "payment", NEW)], WaitingCounts(signoff=0, payment=1,
                                                                                       overdue=0))
    with read_session(engine) as session:  # a page of one: the year's own first, the part's after it
        assert work_items(session.connection(), FiscalYear(2015), today, limit=1) == (
            work_items(session.connection(), FiscalYear(2015), today)[0][:1], True)


def test_the_dashboard_files_carried_work_under_the_new_year_and_released_work_nowhere(alice: Context,
                                                                                        engine: Engine) -> None:
    evaluation(alice, new_allocation=12_000_000)
    award_contract(alice, REF, on=dt.date(2015, 9, 30), lines=[NEW])
    close_year(on(alice, dt.date(2016, 4, 5)), FiscalYear(2015), decision="DMPCD 2016 31",
               carry=[Carry(REF, 2, NEW)], release=[Release(REF, 1)])
    today = dt.date(2016, 10, 20)
    assert _waiting(engine, 2015, today) == ([], WaitingCounts(signoff=0, payment=0, overdue=0))
    assert _waiting(engine, 2016, today) == ([(REF, 2, "delivery", NEW), (REF, 3, "delivery", NEW)],
                                             WaitingCounts(signoff=0, payment=0, overdue=2))


def _closed_with_old_part_accepted(alice: Context, bob: Context) -> Context:
    """2015/16 closed on 20 April 2016 with both its reports accepted, the inception report paid: the variations
    below are decided on 20 October 2016, in 2016/17."""
    evaluation(alice)
    award_contract(alice, REF, on=dt.date(2015, 9, 30), lines=[NEW])
    spring = on(alice, dt.date(2016, 4, 20))
    for seq, day in ((1, dt.date(2015, 12, 1)), (2, dt.date(2016, 3, 15))):
        submit_deliverable(spring, REF, seq, on=day)
        accept_deliverable(spring, REF, seq, on=day)
    release_payment(on(bob, dt.date(2016, 4, 20)), REF, 1, paid_on=dt.date(2016, 3, 31))
    close_year(spring, FiscalYear(2015), decision="PCD 1605")
    return on(alice, dt.date(2016, 10, 20))


CLOSED_OLD = (f"a variation of {REF} would change {OLD}, whose financial year 2015/16 was closed on 2016-04-20; a "
              f"closed year keeps what it closed with")


@pytest.mark.parametrize("change", [
    {"set_amounts": {1: 2_180_000, 2: 4_060_000}},  # the old line's part keeps its total
    {"set_amounts": {2: 4_060_000}, "value_pence": 10_300_000},
    {"set_amounts": {2: 4_060_000, 4: 2_180_000}},
], ids=["within-the-old-part", "with-the-value", "into-the-new-part"])
def test_a_variation_of_a_part_on_a_closed_years_line_is_refused(alice: Context, bob: Context, engine: Engine,
                                                                 change: dict[str, Any]) -> None:
    autumn = _closed_with_old_part_accepted(alice, bob)
    before = snapshot(engine)
    with pytest.raises(Refusal) as refused:
        vary_contract(autumn, REF, decision="PCD 1610", on=dt.date(2016, 10, 20), rationale="rebalance", **change)
    assert (refused.value.rule, refused.value.message) == (Rule.YEAR_CLOSED, CLOSED_OLD)
    assert snapshot(engine) == before


def test_a_variation_adding_a_deliverable_due_in_a_closed_year_is_refused(alice: Context, bob: Context,
                                                                          engine: Engine) -> None:
    """Due in 2015/16, it would be a part of the closed year's line."""
    autumn = _closed_with_old_part_accepted(alice, bob)
    before = snapshot(engine)
    with pytest.raises(Refusal) as refused:
        vary_contract(autumn, REF, decision="PCD 1610", on=dt.date(2016, 10, 20), rationale="late add",
                      value_pence=10_500_000, add=(NewDeliverable("Missed annex", 100_000, dt.date(2016, 2, 1)),))
    assert (refused.value.rule, refused.value.message) == (Rule.YEAR_CLOSED, CLOSED_OLD)
    assert snapshot(engine) == before


def test_a_variation_of_only_the_open_years_parts_passes(alice: Context, bob: Context, engine: Engine) -> None:
    autumn = _closed_with_old_part_accepted(alice, bob)
    varied = vary_contract(autumn, REF, decision="PCD 1610", on=dt.date(2016, 10, 20), rationale="rebalance",
                           set_amounts={3: 1_980_000, 4: 2_180_000}, end_date=dt.date(2017, 6, 30),
                           add=(NewDeliverable("Dissemination", 100_000, dt.date(2017, 3, 31)),),
                           value_pence=10_500_000)
    assert (varied.value_before, varied.value_after) == (10_400_000, 10_500_000)
    assert lines(engine) == {OLD: (6_240_000, 2_080_000), NEW: (4_260_000, 0)}
    sound(engine)


def _by_contract(engine: Engine, day: dt.date | None, year: FiscalYear | None = None
                 ) -> dict[str, list[tuple[str, int, int, int]]]:
    """Per line: each contract's committed, paid and accepted unpaid, after checking that they add up to the
    line's own figures in the budget report by line."""
    with read_session(engine) as session:
        groups = budget_by_contract(session, year=year, as_of=day)
        by_line = {row.code: row for row in budget_report(session, year=year, as_of=day).lines}
    for group in groups:
        line = by_line[group.line.code]
        assert (sum(c.committed_pence for c in group.contracts), sum(c.paid_pence for c in group.contracts),
                sum(c.accepted_unpaid_pence for c in group.contracts)) == (
            line.committed_pence, line.paid_pence, line.accepted_unpaid_pence), (day, group)
    return {g.line.code: [(c.reference, c.committed_pence, c.paid_pence, c.accepted_unpaid_pence)
                          for c in g.contracts] for g in groups}


def test_as_of_by_contract_rows_show_each_years_part_and_add_up_to_the_lines(alice: Context, bob: Context,
                                                                            engine: Engine) -> None:
    """Around the award, acceptances, payments and the close of 2015/16 (the interim report carried forward to
    EVAL-1617), beside a contract of one line with one report carried forward and one released."""
    evaluation(alice, new_allocation=12_000_000)
    add_contract(alice, "EVAL 2015 19", title="Peer review", supplier="RAND Europe", value_pence=900_000,
                 budget_line=OLD, decision_date=dt.date(2015, 9, 14))
    for name, amount, due in (("Protocol", 300_000, dt.date(2015, 10, 30)), ("Review", 400_000, dt.date(2016, 2, 1)),
                              ("Summary", 200_000, dt.date(2016, 3, 1))):
        add_deliverable(alice, "EVAL 2015 19", name=name, amount_pence=amount, due_on=due)
    award_contract(alice, REF, on=dt.date(2015, 9, 30), lines=[NEW])
    award_contract(alice, "EVAL 2015 19", on=dt.date(2015, 10, 1))
    later = on(alice, dt.date(2016, 10, 20))
    payer = on(bob, dt.date(2016, 10, 20))
    submit_deliverable(later, REF, 1, on=dt.date(2015, 12, 1))
    accept_deliverable(later, REF, 1, on=dt.date(2015, 12, 1))
    release_payment(payer, REF, 1, paid_on=dt.date(2015, 12, 10))
    submit_deliverable(later, "EVAL 2015 19", 1, on=dt.date(2015, 10, 30))
    accept_deliverable(later, "EVAL 2015 19", 1, on=dt.date(2015, 10, 30))
    close_year(on(alice, dt.date(2016, 4, 20)), FiscalYear(2015), decision="PCD 1605",
               carry=[Carry(REF, 2, NEW), Carry("EVAL 2015 19", 2, NEW)], release=[Release("EVAL 2015 19", 3)])
    release_payment(payer, "EVAL 2015 19", 1, paid_on=dt.date(2016, 4, 25))
    for seq, day in ((2, dt.date(2016, 6, 1)), (3, dt.date(2016, 10, 3))):
        submit_deliverable(later, REF, seq, on=day)
        accept_deliverable(later, REF, seq, on=day)
    release_payment(payer, REF, 2, paid_on=dt.date(2016, 6, 10))
    days = [dt.date(2015, 9, 29), dt.date(2015, 9, 30), dt.date(2015, 12, 1), dt.date(2015, 12, 10),
            dt.date(2016, 3, 31), dt.date(2016, 4, 19), dt.date(2016, 4, 20), dt.date(2016, 4, 25),
            dt.date(2016, 6, 1), dt.date(2016, 6, 10), dt.date(2016, 10, 3), None]
    for day in days:
        _by_contract(engine, day)
        _by_contract(engine, day, FiscalYear(2016))
    assert _by_contract(engine, dt.date(2015, 12, 10)) == {
        OLD: [(REF, 6_240_000, 2_080_000, 0), ("EVAL 2015 19", 900_000, 0, 300_000)],
        NEW: [(REF, 4_160_000, 0, 0)]}
    assert _by_contract(engine, dt.date(2016, 6, 1)) == {
        OLD: [(REF, 2_080_000, 2_080_000, 0), ("EVAL 2015 19", 300_000, 300_000, 0)],
        NEW: [(REF, 8_320_000, 0, 4_160_000), ("EVAL 2015 19", 400_000, 0, 0)]}
    assert _by_contract(engine, dt.date(2016, 10, 3), FiscalYear(2016)) == {
        NEW: [(REF, 8_320_000, 4_160_000, 2_080_000), ("EVAL 2015 19", 400_000, 0, 0)]}
    with read_session(engine) as session:  # the dashboard's line lists each contract's part there too
        listed = {code: line_contracts(session.connection(), code)[0] for code in (OLD, NEW)}
    assert {code: [(c.reference, c.committed_pence, c.paid_pence) for c in rows] for code, rows in listed.items()} == {
        OLD: [(REF, 2_080_000, 2_080_000), ("EVAL 2015 19", 300_000, 300_000)],
        NEW: [(REF, 8_320_000, 4_160_000), ("EVAL 2015 19", 400_000, 0)]}


def test_a_released_part_accepted_after_its_year_ended_is_owed_on_its_line_now_and_as_of_a_day(
        alice: Context, engine: Engine) -> None:
    """The final report, EVAL-1617's part, accepted on 5 April 2017 and released at 2016/17's close: its acceptance
    is on EVAL-1617 (the line that funded it) today, as of a day by line, and in its contract's row there."""
    evaluation(alice, new_allocation=12_000_000)
    award_contract(alice, REF, on=dt.date(2015, 9, 30), lines=[NEW])
    spring = on(alice, dt.date(2017, 4, 20))
    submit_deliverable(spring, REF, 4, on=dt.date(2017, 4, 5))
    accept_deliverable(spring, REF, 4, on=dt.date(2017, 4, 5))
    close_year(spring, FiscalYear(2016), decision="PCD 1704", release=[Release(REF, 3), Release(REF, 4)])
    for day in (dt.date(2017, 4, 4), dt.date(2017, 4, 5), dt.date(2017, 4, 20), None):
        _by_contract(engine, day)
    assert _by_contract(engine, dt.date(2017, 4, 20), FiscalYear(2016)) == {NEW: [(REF, 0, 0, 2_080_000)]}
    with read_session(engine) as session:
        now = {row.code: row.accepted_unpaid_pence for row in budget_report(session).lines}
    assert now[NEW] == 2_080_000 and now[OLD] == 0
