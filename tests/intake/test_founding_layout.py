"""A form in the founding case's shape: products named without their split, a grant without its allocation.

Written as a real published PCD reads after PDF-to-text: the officer approval block with its own
dates, ligatures, a deferred-publication box, numbered paragraphs out of order.
"""

import datetime as dt
from pathlib import Path

from tracker.intake.reading import read_proposal
from tracker.intake.shape import proposal_record
from tracker.intake.source import read_form

from ..cli.conftest import Tracker
from .forms import write_pdf

FOUNDING_SHAPE = """\
MOPAC
MAYOR OF LONDON OFFICE FOR POLICING AND CRIME

DMPC Decision – PCD 2099 76

Title: Victim Service Re-design

Executive Summary:
Responsibility for commissioning most emotional and practical support services for victims of crime devolves
to MOPAC from 1 October 2099. This decision approves a contract with Impower Consulting Ltd to help re-design
victim services, funded by the Ministry of Justice through the Victims Grant.

Recommendation:
The DMPC is asked to approve expenditure of £149,600 for a two year contract with Impower Consulting Ltd.

Deputy Mayor for Policing and Crime
I conﬁrm I have considered whether or not I have any personal or prejudicial interest in this matter.
Signature
Date 02/07/2099

PART I - NON-CONFIDENTIAL FACTS AND ADVICE TO THE DMPC
2. Financial Comments
2.1 The cost will be met from the Victims Grant.
1. Introduction and background
1.2 The work will produce three products: a mapping exercise of current services, an options appraisal and a
business case for the new service.
1.1 A tender for up to £150,000 was advertised in May 2099 (see PCD 2099 12).
3. Legal Comments
3.1 Impower Consulting Limited was selected in line with the procurement rules.

Is there a Part 2 form? NO
ORIGINATING OFFICER DECLARATION
Head of Unit: The Head of Victims Commissioning has signed oﬀ this request. ✓
Financial Advice: The Strategic Finance team has been consulted. ✓
Signature (Chief Operating Officer) Date 01/07/2099
"""


def test_the_founding_shape_reads_and_names_what_it_leaves_out() -> None:
    proposal = read_proposal(FOUNDING_SHAPE)
    assert proposal_record(proposal) == {
        "reference": "PCD 2099 76", "title": "Victim Service Re-design", "supplier": "Impower Consulting Limited",
        "value_pence": 14960000, "ceiling_pence": 15000000, "decision_date": "2099-07-02",
        "fiscal_year": None, "fund": "Victims Grant", "funder": "Ministry of Justice", "duration_months": 24,
        "related_decisions": ["PCD 2099 12"],
        "deliverables": [
            {"seq": 1, "name": "Mapping exercise of current services", "amount_pence": None},
            {"seq": 2, "name": "Options appraisal", "amount_pence": None},
            {"seq": 3, "name": "Business case", "amount_pence": None},
        ],
    }
    assert proposal.not_stated() == [
        "financial year", "amount of deliverable 1", "due date of deliverable 1", "amount of deliverable 2",
        "due date of deliverable 2", "amount of deliverable 3", "due date of deliverable 3"]
    assert proposal.decision_date.line == 19
    assert "Impower Consulting Ltd" in proposal.supplier.note


def test_the_founding_shape_as_a_pdf(tmp_path: Path) -> None:
    lines = [line.replace("–", "-").replace("✓", "").replace("ﬁ", "fi").replace("ﬀ", "ff")
             for line in FOUNDING_SHAPE.splitlines()]
    source = read_form(write_pdf(tmp_path / "pcd-2099-76.pdf", lines))
    proposal = read_proposal(source.text)
    assert (proposal.reference.value, proposal.supplier.value, proposal.value.value, proposal.ceiling.value) == (
        "PCD 2099 76", "Impower Consulting Limited", 14960000, 15000000)
    assert proposal.decision_date.value == dt.date(2099, 7, 2)
    names = [item.name for item in proposal.deliverables]
    assert names == ["Mapping exercise of current services", "Options appraisal", "Business case"]


def test_apply_adds_the_draft_and_names_the_products_left_to_add(tracker: Tracker, tmp_path: Path) -> None:
    later = {"TRACKER_TODAY": "2099-07-03"}
    form = tmp_path / "pcd-2099-76.txt"
    form.write_text(FOUNDING_SHAPE, encoding="utf-8")
    tracker("budget", "add", "VG-2099", "--name", "Victims Grant 2099/00", "--fy", "2099/00", "--allocation",
            "£200,000", "--fund", "Victims Grant", env=later)
    added = tracker("intake", str(form), "--apply", env=later)
    assert added.stdout.splitlines()[-2:] == [
        "added contract PCD 2099 76 (draft) on VG-2099 with 0 deliverables; check it, then award it with "
        "`tracker contract award`",
        "the form gives no amounts for Mapping exercise of current services, Options appraisal, Business case: "
        "add them with "
        "`tracker deliverable add` once the split is agreed",
    ]
    tracker("deliverable", "add", "PCD 2099 76", "--name", "Mapping exercise", "--amount", "44880",
            "--due", "31/08/2099", env=later)
    tracker("contract", "award", "PCD 2099 76", "--on", "3 July 2099", env=later)
