"""A contract funded over two years from the command line: £62,400 from 2015/16's line, £41,600 from 2016/17's."""

import json

import pytest

from .conftest import Tracker, one_line

REF = "EVAL 2015 18"
AUTUMN_2016 = {"TRACKER_TODAY": "2016-10-20"}


def _lines(tracker: Tracker, *args: str) -> dict[str, tuple[int, int]]:
    document = json.loads(tracker("report", "budget", "--fy", "all", "--format", "json", *args).stdout)
    return {line["code"]: (line["committed_pence"], line["paid_pence"]) for line in document["lines"]}


@pytest.fixture
def evaluation(tracker: Tracker) -> Tracker:
    """Two lines of the Evaluation fund, the second with £50,000, and the 18-month evaluation with four reports."""
    for code, name, year, allocation in (("EVAL-1516", "Evaluation 2015/16", "2015/16", "120000"),
                                         ("EVAL-1617", "Evaluation 2016/17", "2016/17", "40000")):
        tracker("budget", "add", code, "--name", name, "--fy", year, "--allocation", allocation, "--fund",
                "Evaluation", "--invoices", "not-required")
    tracker("contract", "add", REF, "--title", "Evaluation of victim services", "--supplier", "Ipsos MORI",
            "--value", "104000", "--budget-line", "EVAL-1516", "--decision-date", "2015-09-14")
    for name, amount, due in (("Inception report", "20800", "2015-11-30"), ("Interim report", "41600", "2016-03-15"),
                              ("Fieldwork report", "20800", "2016-09-30"), ("Final report", "20800", "2017-03-15")):
        tracker("deliverable", "add", REF, "--name", name, "--amount", amount, "--due", due)
    return tracker


def test_the_hard_line_refuses_a_part_past_its_headroom_then_takes_it(evaluation: Tracker) -> None:
    before = _lines(evaluation)
    refused = evaluation("contract", "award", REF, "--on", "2015-09-30", "--line", "EVAL-1617", code=1)
    assert one_line(refused, "refused: ") == ("awarding EVAL 2015 18 would over-commit EVAL-1617: it has £40,000.00 "
                                              "uncommitted of £40,000.00; its part there is £41,600.00")
    assert _lines(evaluation) == before
    evaluation("budget", "revise", "EVAL-1617", "--allocation", "50000", "--decision", "PCD 1", "--on", "2015-10-01",
               "--reason", "the evaluation's second year")
    evaluation("contract", "award", REF, "--on", "2015-09-30", "--line", "EVAL-1617", "--profile",
               "2015/16=62400,2016/17=41600")
    assert _lines(evaluation) == {"EVAL-1516": (6_240_000, 0), "EVAL-1617": (4_160_000, 0)}
    shown = evaluation("show", REF).stdout
    assert "Funded over several years\n  2015/16  EVAL-1516  committed £62,400.00  paid £0.00\n" \
           "  2016/17  EVAL-1617  committed £41,600.00  paid £0.00\n" in shown
    evaluation("audit", "verify")


def test_payments_are_charged_to_each_years_line(evaluation: Tracker) -> None:
    evaluation("budget", "revise", "EVAL-1617", "--allocation", "50000", "--decision", "PCD 1", "--on", "2015-10-01",
               "--reason", "the evaluation's second year")
    evaluation("contract", "award", REF, "--on", "2015-09-30", "--part", "3=EVAL-1617", "--part", "4=EVAL-1617")
    for seq, submitted, accepted in (("1", "2015-10-01", "2015-10-02"), ("3", "2016-10-01", "2016-10-02")):
        evaluation("--as", "Sarah Okafor", "deliverable", "submit", REF, seq, "--on", submitted, env=AUTUMN_2016)
        evaluation("--as", "Sarah Okafor", "deliverable", "accept", REF, seq, "--on", accepted, env=AUTUMN_2016)
    first = evaluation("--as", "Bob Pays", "pay", REF, "1", "--on", "2015-10-05", env=AUTUMN_2016)
    third = evaluation("--as", "Bob Pays", "pay", REF, "3", "--on", "2016-10-05", env=AUTUMN_2016)
    assert first.stdout.strip() == ("paid £20,800.00 on EVAL 2015 18 #1 (payment 1, dated 5 Oct 2015); EVAL-1516 "
                                    "has £99,200.00 left")
    assert third.stdout.strip() == ("paid £20,800.00 on EVAL 2015 18 #3 (payment 2, dated 5 Oct 2016); EVAL-1617 "
                                    "has £29,200.00 left")
    assert _lines(evaluation) == {"EVAL-1516": (6_240_000, 2_080_000), "EVAL-1617": (4_160_000, 2_080_000)}
    assert _lines(evaluation, "--as-of", "2016-03-31") == {"EVAL-1516": (6_240_000, 2_080_000),
                                                          "EVAL-1617": (4_160_000, 0)}
    review = json.loads(evaluation("year-end", "review", "2015/16", "--format", "json", env=AUTUMN_2016).stdout)
    assert [(c["budget_line"], c["seq"], c["amount_pence"]) for c in review["unaccepted_commitments"]] == [
        ("EVAL-1516", 2, 4_160_000)]
    evaluation("audit", "verify")


def test_a_variation_moves_a_part_to_the_next_years_line(evaluation: Tracker) -> None:
    evaluation("budget", "revise", "EVAL-1617", "--allocation", "90000", "--decision", "PCD 1", "--on", "2015-10-01",
               "--reason", "the evaluation's second year")
    evaluation("contract", "award", REF, "--on", "2015-09-30", "--line", "EVAL-1617")
    evaluation("contract", "vary", REF, "--decision", "PCD 1507", "--on", "2015-10-19", "--rationale",
               "the interim report slips into 2016/17", "--part", "2=EVAL-1617")
    assert _lines(evaluation) == {"EVAL-1516": (2_080_000, 0), "EVAL-1617": (8_320_000, 0)}
    refused = evaluation("contract", "vary", REF, "--decision", "PCD 1508", "--on", "2015-10-19", "--rationale",
                         "back", "--part", "2=EVAL-1516", "--part", "1=EVAL-1415", code=2)
    assert one_line(refused, "error: ") == "no budget line 'EVAL-1415'; `tracker budget list` shows the lines"
    evaluation("audit", "verify")


def test_a_variation_of_the_closed_years_part_is_refused_and_of_the_open_years_passes(evaluation: Tracker) -> None:
    spring, autumn = {"TRACKER_TODAY": "2016-04-20"}, AUTUMN_2016
    evaluation("budget", "revise", "EVAL-1617", "--allocation", "50000", "--decision", "PCD 1", "--on", "2015-10-01",
               "--reason", "the evaluation's second year")
    evaluation("contract", "award", REF, "--on", "2015-09-30", "--line", "EVAL-1617")
    for seq, day in (("1", "2015-12-01"), ("2", "2016-03-15")):
        evaluation("--as", "Sarah Okafor", "deliverable", "submit", REF, seq, "--on", day, env=spring)
        evaluation("--as", "Sarah Okafor", "deliverable", "accept", REF, seq, "--on", day, env=spring)
    evaluation("--as", "Bob Pays", "pay", REF, "1", "--on", "2016-03-31", env=spring)
    evaluation("year-end", "close", "2015/16", "--decision", "PCD 1605", env=spring)
    before = _lines(evaluation)
    refused = evaluation("contract", "vary", REF, "--decision", "PCD 1610", "--on", "2016-10-20", "--rationale",
                         "rebalance", "--set-amount", "1=21800", "--set-amount", "2=40600", code=1, env=autumn)
    assert one_line(refused, "refused: ") == (
        "a variation of EVAL 2015 18 would change EVAL-1516, whose financial year 2015/16 was closed on 2016-04-20; "
        "a closed year keeps what it closed with")
    assert _lines(evaluation) == before
    evaluation("contract", "vary", REF, "--decision", "PCD 1610", "--on", "2016-10-20", "--rationale", "rebalance",
               "--set-amount", "3=19800", "--set-amount", "4=21800", env=autumn)
    assert _lines(evaluation) == before == {"EVAL-1516": (6_240_000, 2_080_000), "EVAL-1617": (4_160_000, 0)}
    evaluation("audit", "verify", env=autumn)


def test_the_budget_by_contract_as_of_a_day_shows_each_years_part(evaluation: Tracker) -> None:
    evaluation("budget", "revise", "EVAL-1617", "--allocation", "50000", "--decision", "PCD 1", "--on", "2015-10-01",
               "--reason", "the evaluation's second year")
    evaluation("contract", "award", REF, "--on", "2015-09-30", "--line", "EVAL-1617")
    evaluation("--as", "Sarah Okafor", "deliverable", "submit", REF, "1", "--on", "2015-10-01")
    evaluation("--as", "Sarah Okafor", "deliverable", "accept", REF, "1", "--on", "2015-10-02")
    evaluation("--as", "Bob Pays", "pay", REF, "1", "--on", "2015-10-05")
    for day in ("2015-10-04", "2015-10-19"):
        document = json.loads(evaluation("report", "budget", "--fy", "all", "--by", "contract", "--as-of", day,
                                         "--format", "json").stdout)
        paid = 2_080_000 if day == "2015-10-19" else 0
        assert {line["code"]: [(c["reference"], c["value_pence"], c["committed_pence"], c["paid_pence"],
                                c["accepted_unpaid_pence"]) for c in line["contracts"]]
                for line in document["lines"]} == {"EVAL-1516": [(REF, 6_240_000, 6_240_000, paid, 2_080_000 - paid)],
                                                   "EVAL-1617": [(REF, 4_160_000, 4_160_000, 0, 0)]}
        assert [(line["committed_pence"], line["paid_pence"]) for line in document["lines"]] == [
            (6_240_000, paid), (4_160_000, 0)]
