"""Layouts the shared examples do not show: an officer's decision, a variation, no deliverables, a scan, a PDF."""

import datetime as dt
import re
from pathlib import Path

import pytest

from tracker.domain.fiscal import FiscalYear
from tracker.intake.proposal import Sureness
from tracker.intake.reading import read_proposal
from tracker.intake.shape import proposal_record
from tracker.intake.source import read_form

from .forms import DECISIONS, expected, write_pdf

OFFICER_DECISION = """\
MAYOR'S OFFICE FOR POLICING AND CRIME
DIRECTOR DECISION

Decision number: DD 2099/07
Subject: Victims' Needs Survey 2099 - purchase order

Supplier: Fieldwise Social Research Limited
Contract value: £24,500.00
Duration: 6 months
Funding: Victims Services Fund (2099/00), funded by the Ministry of Justice

Executive summary
The Director is asked to approve a purchase order with Fieldwise Social Research Limited for a survey
of victims' needs, following the approach agreed in PCD 9870.

Payment schedule
1. Fieldwork complete: £12,250, due 30 September 2099
2. Final survey report: £12,250, due 31st January 2100

Signed                       Date: 2nd July 2099
Director of Strategy
"""

VARIATION = """\
REQUEST FOR DMPC DECISION - DMPCD 2100 03**Title: Witness Care Pathway Review - variation**

Executive Summary:
This paper asks the DMPC to vary the contract with Northgate Analytica LLP awarded in DMPCD 2099 41,
extending it by two months to cover the courts in the north of the capital.

Recommendation:
That the DMPC approves an increase in the value of the contract from £86,250 to £98,000.

Signature Date 03/03/2100

2. Financial Comments
2.1 The additional £11,750 falls in 2099/00 and will be met from the Witness Support Fund.
"""

NO_DELIVERABLES = """\
DECISION - PCD 9950

Title: Community Safety Grants Administration

Executive summary:
This decision approves the award of a contract to Brightwater Consulting Ltd to administer
the community safety grants for twelve months at a cost of £40,000, met from the Community Safety Fund 2099/00.

Deputy Mayor for Policing and Crime
Signature                      Date 14 May 2099
"""


def test_an_officer_decision_with_labelled_fields_and_a_payment_schedule() -> None:
    record = proposal_record(read_proposal(OFFICER_DECISION))
    assert record == {
        "reference": "DD 2099 07", "title": "Victims' Needs Survey 2099 - purchase order",
        "supplier": "Fieldwise Social Research Limited", "value_pence": 2450000, "ceiling_pence": None,
        "decision_date": "2099-07-02", "fiscal_year": "2099/00", "fund": "Victims Services Fund",
        "funder": "Ministry of Justice", "duration_months": 6, "related_decisions": ["PCD 9870"],
        "deliverables": [
            {"seq": 1, "name": "Fieldwork complete", "amount_pence": 1225000, "due_on": "2099-09-30"},
            {"seq": 2, "name": "Final survey report", "amount_pence": 1225000, "due_on": "2100-01-31"},
        ],
    }


def test_labelled_fields_read_as_stated_and_show_their_line() -> None:
    proposal = read_proposal(OFFICER_DECISION)
    assert (proposal.supplier.value, proposal.supplier.line, proposal.supplier.sureness) == (
        "Fieldwise Social Research Limited", 7, Sureness.STATED)
    assert (proposal.value.line, proposal.value.sureness) == (8, Sureness.STATED)
    assert proposal.decision_date.line == 20
    assert [item.line for item in proposal.deliverables] == [17, 18]


def test_a_variation_takes_the_new_value_and_cites_its_parent_decision() -> None:
    proposal = read_proposal(VARIATION)
    assert proposal.reference.value == "DMPCD 2100 03"
    assert proposal.value.value == 9800000
    assert proposal.related_decisions.value == ("DMPCD 2099 41",)
    assert proposal.supplier.value == "Northgate Analytica LLP"
    assert proposal.duration_months.value == 2
    assert proposal.decision_date.value == dt.date(2100, 3, 3)
    assert proposal.deliverables == ()


def test_a_form_without_deliverables_names_them_as_not_stated() -> None:
    proposal = read_proposal(NO_DELIVERABLES)
    record = proposal_record(proposal)
    assert record["deliverables"] == []
    assert (record["supplier"], record["value_pence"], record["duration_months"]) == (
        "Brightwater Consulting Ltd", 4000000, 12)
    assert (record["fund"], record["fiscal_year"], record["decision_date"]) == (
        "Community Safety Fund", "2099/00", "2099-05-14")
    assert proposal.not_stated() == ["ceiling", "funder", "deliverables"]
    assert record["related_decisions"] == []


def test_a_scanned_looking_text_with_broken_lines_reads_like_the_clean_one() -> None:
    """The PCD form hard-wrapped at 34 columns, a word split by a hyphen, sections in the wrong order."""
    clean = (DECISIONS / "PCD-9912.txt").read_text(encoding="utf-8")
    head, rest = clean.split("1. Introduction", 1)
    sections = re.split(r"\n(?=\d\. )", "1. Introduction" + rest)
    shuffled = head + "\n".join(reversed(sections))
    wrapped = "\n".join(_wrap(line, 34) for line in shuffled.splitlines())
    wrapped = wrapped.replace("final evaluation report", "final evalu-\nation report", 1)
    assert "evalu-\nation" in wrapped
    assert proposal_record(read_proposal(wrapped)) == expected(DECISIONS / "PCD-9912.txt")


def test_bold_markers_fused_into_words_do_not_leak_into_fields() -> None:
    form = ("DECISION – PCD 9913**Title: Hate Crime Advocacy**The DMPC is recommended to award a contract to"
            " **Safe Voices CIC** with a total value of **£30,000**, over **nine months**.")
    proposal = read_proposal(form)
    assert (proposal.reference.value, proposal.title.value) == ("PCD 9913", "Hate Crime Advocacy")
    assert (proposal.value.value, proposal.duration_months.value) == (3000000, 9)


def test_percentages_that_do_not_divide_evenly_add_up_to_the_value_to_the_penny() -> None:
    form = ("DECISION – PCD 9914\nTitle: Thirds\nAward of a contract to Even Split Ltd (value £1,000.00).\n"
            "Payment: 33.3% for the first report, 33.3% for the second report and 33.4% for the final report.")
    amounts = [item.amount.value for item in read_proposal(form).deliverables]
    assert amounts == [33300, 33300, 33400]
    assert sum(a or 0 for a in amounts) == 100000
    uneven = form.replace("£1,000.00", "£1,000.01")
    assert [item.amount.value for item in read_proposal(uneven).deliverables] == [33300, 33300, 33401]


def test_a_value_split_across_years_is_shown_per_year() -> None:
    proposal = read_proposal((DECISIONS / "PCD-9912.txt").read_text(encoding="utf-8"))
    assert proposal.fiscal_years.value == {FiscalYear(2098): 6240000, FiscalYear(2099): 4160000}
    assert proposal.fiscal_year is None


def test_one_supplier_written_several_ways_is_one_supplier_in_its_fullest_form() -> None:
    proposal = read_proposal((DECISIONS / "DMPCD-2099-41.txt").read_text(encoding="utf-8"))
    assert proposal.supplier.value == "Northgate Analytica LLP"
    assert "NORTHGATE ANALYTICA" in proposal.supplier.note


@pytest.mark.parametrize("form", sorted(DECISIONS.glob("*.txt")), ids=lambda form: form.stem)
def test_a_published_pdf_reads_like_its_text(tmp_path: Path, form: Path) -> None:
    """The form set as a PDF (bold labels, wrapped paragraphs), read back through its text layer."""
    lines = [line.replace("–", "-") for line in form.read_text(encoding="utf-8").splitlines()]
    pdf = write_pdf(tmp_path / f"{form.stem}.pdf", [_bold_labels(line) for line in lines])
    source = read_form(pdf)
    want = expected(form)
    want["title"] = want["title"].replace("–", "-")
    assert proposal_record(read_proposal(source.text)) == want


def _bold_labels(line: str) -> str:
    """Headings and labels in bold, as the published forms set them (the text layer loses the markers)."""
    return "**" + line if line.rstrip().endswith(":") or line.isupper() else line


def _wrap(line: str, width: int) -> str:
    words, lines, current = line.split(" "), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            lines.append(current)
            current = word
        else:
            current = f"{current} {word}" if current else word
    lines.append(current)
    return "\n".join(lines)


@pytest.mark.parametrize(("sentence", "supplier"), [
    ("award of a contract to Acme (UK) Ltd for the review.", "Acme (UK) Ltd"),
    ("award of a contract to Acme Ltd. The contract runs on.", "Acme Ltd"),
    ("award a contract to Smith & Jones Co. Ltd, who scored best.", "Smith & Jones Co. Ltd"),
    ("award a contract to the University of Northshire to evaluate it.", "University of Northshire"),
    ("Supplier: BRIGHT FUTURES CIC\nValue: £5,000", "BRIGHT FUTURES CIC"),
    ("vary the contract with Harrow & Lea Research Ltd (PCD 9912) to add a report.", "Harrow & Lea Research Ltd"),
])
def test_supplier_names_end_where_the_name_ends(sentence: str, supplier: str) -> None:
    assert read_proposal(sentence).supplier.value == supplier


def test_headings_run_together_on_one_line_with_a_title_on_the_next() -> None:
    form = ("MOPAC DECISION PCD 321\nTitle:\nBody Worn Video Evaluation\nExecutive Summary: The DMPC is asked to "
            "approve the award of a contract to Greenfield Evaluation Partners LLP with a total value of £75,000 "
            "over 12 months, funded from the Police Innovation Fund (2099/00 £45,000; 2100/01 £30,000). "
            "Recommendation: approve. Signature Date 17 June 2099\n1. Introduction and background 1.1 This "
            "follows PCD 300. 1.2 Payment: inception report (20%), interim report (30%) and final report (50%).")
    record = proposal_record(read_proposal(form))
    assert record == {
        "reference": "PCD 321", "title": "Body Worn Video Evaluation", "supplier": "Greenfield Evaluation Partners LLP",
        "value_pence": 7500000, "ceiling_pence": None, "decision_date": "2099-06-17", "fiscal_year": None,
        "fiscal_years": {"2099/00": 4500000, "2100/01": 3000000}, "fund": "Police Innovation Fund", "funder": None,
        "duration_months": 12, "related_decisions": ["PCD 300"],
        "deliverables": [{"seq": 1, "name": "Inception report", "amount_pence": 1500000},
                         {"seq": 2, "name": "Interim report", "amount_pence": 2250000},
                         {"seq": 3, "name": "Final report", "amount_pence": 3750000}],
    }


def test_percentages_that_do_not_make_a_hundred_are_flagged_not_stretched() -> None:
    form = ("DECISION – PCD 9915\nTitle: Short\nAward of a contract to Short Ltd (value £1,000).\n"
            "Payment: 40% for the first report and 50% for the final report.")
    items = read_proposal(form).deliverables
    assert [item.amount.value for item in items] == [40000, 50000]
    assert items[1].amount.note == "50% of the value; the shares add up to 90%, not 100%"


@pytest.mark.parametrize(("form", "field", "value"), [
    ("Decision: DMPCD - 2099 - 50\nTitle: Dashes", "reference", "DMPCD 2099 50"),
    ("DECISION – PCD 9980\nAward a contract to Quick Ltd for £12,500 to run the pilot.", "value_pence", 1250000),
    ("DECISION – PCD 9981\nFunded by: Ministry of Justice\nFund: Victims Grant", "funder", "Ministry of Justice"),
    ("DECISION – PCD 9982\nThe contract is funded from the Victims Grant.", "fund", "Victims Grant"),
    ("DECISION – PCD 9983\nThe tender had a ceiling of £20,000.", "ceiling_pence", 2000000),
    ("DECISION – PCD 9984\nDate of decision: 1st April 2099", "decision_date", "2099-04-01"),
])
def test_phrasings_of_other_forms(form: str, field: str, value: object) -> None:
    assert proposal_record(read_proposal(form))[field] == value
