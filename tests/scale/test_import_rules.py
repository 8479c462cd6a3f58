# ruff: noqa: E501  (the messages are pinned verbatim, one string each, so a changed word shows in the diff)
"""Every rule and message of the bulk import, pinned: the fast paths must say exactly what the careful ones said.

Each case changes one cell, line or file of the demo folder. A refused import changes nothing, so the refused
cases share one store and check it stays empty; each accepted variant imports into a store of its own and must
give the same figures and the same stored rows (a digest) as the plain demo values do.
"""

import csv
import hashlib
import io
import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from tracker.domain.context import Context
from tracker.domain.errors import TrackerError
from tracker.domain.importing import import_folder
from tracker.domain.schema import open_store

from ..conftest import DEMO

B, C, D, P = "budget_lines.csv", "contracts.csv", "deliverables.csv", "payments.csv"
Case = tuple[str, str, int | bytes | str, str, str] | tuple[str, str, int | bytes | str]

BAD = [
    (
        ("cell", "budget_lines.csv", 2, "code", ""),
        "RowError",
        None,
        "budget_lines.csv line 2, column code: code is required",
    ),
    (
        ("cell", "budget_lines.csv", 2, "code", "XXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXXX"),
        "RowError",
        None,
        "budget_lines.csv line 2, column code: code is 41 characters long; the most it can be is 40",
    ),
    (
        ("cell", "budget_lines.csv", 3, "code", "VG-1415"),
        "Refusal",
        "unique-code",
        "budget_lines.csv line 3, column code: budget line VG-1415 already exists; codes are unique",
    ),
    (
        ("cell", "budget_lines.csv", 2, "name", "Victims\tGrant"),
        "RowError",
        None,
        "budget_lines.csv line 2, column name: name contains control characters; use plain text",
    ),
    (
        ("cell", "budget_lines.csv", 2, "name", ""),
        "RowError",
        None,
        "budget_lines.csv line 2, column name: name is required",
    ),
    (
        ("cell", "budget_lines.csv", 2, "fiscal_year", "2014/16"),
        "RowError",
        None,
        'budget_lines.csv line 2, column fiscal_year: financial year "2014/16" does not exist; a year runs 1 April to 31 March, e.g. 2014/15',
    ),
    (
        ("cell", "budget_lines.csv", 2, "fiscal_year", "next year"),
        "RowError",
        None,
        'budget_lines.csv line 2, column fiscal_year: financial year "next year" is not a year like 2015/16',
    ),
    (
        ("cell", "budget_lines.csv", 2, "allocation", "-5.00"),
        "RowError",
        None,
        'budget_lines.csv line 2, column allocation: amount "-5.00" is negative; amounts must be zero or more',
    ),
    (
        ("cell", "budget_lines.csv", 2, "allocation", "5.001"),
        "RowError",
        None,
        'budget_lines.csv line 2, column allocation: amount "5.001" has more than two decimal places',
    ),
    (
        ("cell", "budget_lines.csv", 2, "allocation", "1e6"),
        "RowError",
        None,
        'budget_lines.csv line 2, column allocation: amount "1e6" is not an amount of money; write it like 149600 or £149,600.00',
    ),
    (
        ("cell", "budget_lines.csv", 2, "allocation", ""),
        "RowError",
        None,
        "budget_lines.csv line 2, column allocation: an amount is required, e.g. 149600 or £149,600.00",
    ),
    (
        ("cell", "budget_lines.csv", 2, "allocation", "99999999999999999999"),
        "RowError",
        None,
        'budget_lines.csv line 2, column allocation: amount "99999999999999999999" is larger than the largest amount the tracker holds',
    ),
    (
        ("cell", "budget_lines.csv", 2, "control", "soft"),
        "RowError",
        None,
        'budget_lines.csv line 2, column control: control "soft" is not one of: hard (refuse overspend), warn (allow with a warning)',
    ),
    (
        ("cell", "budget_lines.csv", 2, "fund", "a\x07b"),
        "RowError",
        None,
        "budget_lines.csv line 2, column fund: fund contains control characters; use plain text",
    ),
    (
        (
            "cell",
            "budget_lines.csv",
            2,
            "funder",
            "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
        ),
        "RowError",
        None,
        "budget_lines.csv line 2, column funder: funder is 201 characters long; the most it can be is 200",
    ),
    (
        ("line", "budget_lines.csv", 1, "code,name,fiscal_year,fund,funder,control"),
        "RowError",
        None,
        "budget_lines.csv line 1: missing column(s) allocation",
    ),
    (
        ("line", "budget_lines.csv", 1, "code,name,fiscal_year,allocation,fund,funder,control,colour"),
        "RowError",
        None,
        "budget_lines.csv line 1: unknown column(s) 'colour'; expected code, name, fiscal_year, allocation, fund, funder, control, invoices",
    ),
    (
        ("line", "budget_lines.csv", 1, "code,name,fiscal_year,allocation,fund,fund,control"),
        "RowError",
        None,
        "budget_lines.csv line 1: column(s) fund appear more than once",
    ),
    (
        ("line", "budget_lines.csv", 3, "VG-1516,Victims Grant 2015/16,2015/16"),
        "RowError",
        None,
        "budget_lines.csv line 3: 3 fields, the header has 8",
    ),
    (
        ("bytes", "budget_lines.csv", b""),
        "RowError",
        None,
        "budget_lines.csv is empty; it needs a header row: code,name,fiscal_year,allocation",
    ),
    (
        ("bytes", "budget_lines.csv", b"code,name,fiscal_year,allocation\nX,Caf\xe9,2015/16,1.00\n"),
        "RowError",
        None,
        "budget_lines.csv line 2: not UTF-8 text; save the file as UTF-8",
    ),
    (
        ("bytes", "budget_lines.csv", b'code,name,fiscal_year,allocation\nX,"Caf\n'),
        "RowError",
        None,
        "budget_lines.csv line 2: 2 fields, the header has 4",
    ),
    (
        ("cell", "payments.csv", 2, "deliverable_seq", "x"),
        "RowError",
        None,
        'payments.csv line 2, column deliverable_seq: "x" is not a deliverable number (1, 2, 3 ...)',
    ),
    (
        ("cell", "payments.csv", 2, "deliverable_seq", "0"),
        "RowError",
        None,
        'payments.csv line 2, column deliverable_seq: "0" is not a deliverable number (1, 2, 3 ...)',
    ),
    (
        ("cell", "payments.csv", 2, "deliverable_seq", "²"),
        "RowError",
        None,
        'payments.csv line 2, column deliverable_seq: "²" is not a deliverable number (1, 2, 3 ...)',
    ),
    (
        ("cell", "payments.csv", 2, "amount", "0.00"),
        "RowError",
        None,
        "payments.csv line 2, column amount: the amount is zero; it must be more than £0.00",
    ),
    (
        ("cell", "payments.csv", 2, "amount", "-1.00"),
        "RowError",
        None,
        'payments.csv line 2, column amount: amount "-1.00" is negative; amounts must be zero or more',
    ),
    (
        ("cell", "payments.csv", 2, "amount", "ten pounds"),
        "RowError",
        None,
        'payments.csv line 2, column amount: amount "ten pounds" is not an amount of money; write it like 149600 or £149,600.00',
    ),
    (
        ("cell", "payments.csv", 2, "amount", "1.234"),
        "RowError",
        None,
        'payments.csv line 2, column amount: amount "1.234" has more than two decimal places',
    ),
    (
        ("cell", "payments.csv", 2, "amount", "١٢"),
        "RowError",
        None,
        'payments.csv line 2, column amount: amount "١٢" is not an amount of money; write it like 149600 or £149,600.00',
    ),
    (
        ("cell", "payments.csv", 2, "paid_on", "30/01/2015"),
        "RowError",
        None,
        'payments.csv line 2, column paid_on: date "30/01/2015" is not a date like 2015-07-02 (year-month-day)',
    ),
    (
        ("cell", "payments.csv", 2, "paid_on", "2015-02-30"),
        "RowError",
        None,
        'payments.csv line 2, column paid_on: date "2015-02-30" does not exist in the calendar',
    ),
    (
        ("cell", "payments.csv", 2, "paid_on", ""),
        "RowError",
        None,
        'payments.csv line 2, column paid_on: date "" is not a date like 2015-07-02 (year-month-day)',
    ),
    (
        ("cell", "payments.csv", 2, "paid_on", "2016-01-30"),
        "Refusal",
        "no-future-dates",
        "payments.csv line 2: a payment cannot be dated 2016-01-30, after today (2015-10-19)",
    ),
    (
        (
            "cell",
            "payments.csv",
            2,
            "invoice",
            "IIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIIII",
        ),
        "RowError",
        None,
        "payments.csv line 2, column invoice: invoice is 81 characters long; the most it can be is 80",
    ),
    (
        ("cell", "payments.csv", 3, "invoice", "GR-1041"),
        "Refusal",
        "invoice-once",
        "payments.csv line 3: invoice GR-1041 has already been paid on DEMO 2014 110",
    ),
    (
        ("cell", "payments.csv", 2, "released_by", "Tom\x0bWhitfield"),
        "RowError",
        None,
        "payments.csv line 2, column released_by: released_by contains control characters; use plain text",
    ),
    (
        ("cell", "payments.csv", 2, "contract_reference", "DMPCD 2099 1"),
        "RowError",
        None,
        "payments.csv line 2: no deliverable DMPCD 2099 1 #1 in deliverables.csv (an import pays the deliverables it brings)",
    ),
    (
        ("cell", "payments.csv", 2, "deliverable_seq", "3"),
        "RowError",
        None,
        "payments.csv line 2: no deliverable DEMO 2014 110 #3 in deliverables.csv (an import pays the deliverables it brings)",
    ),
    (
        ("append", "payments.csv", "DEMO 2015 46,2,100.00,2015-09-01,GR-1200,Tom Whitfield"),
        "Refusal",
        "pay-on-acceptance",
        "payments.csv line 6 (deliverables.csv line 5): DEMO 2015 46 #2 (Survey of victims) is rejected; a payment is released only for an accepted deliverable",
    ),
    (
        ("cell", "payments.csv", 2, "amount", "30000.01"),
        "Refusal",
        "contract-value",
        "contracts.csv line 2: DEMO 2014 110 has £60,000.00 left of £60,000.00; its payments total £60,000.01",
    ),
    (
        ("cell", "payments.csv", 4, "paid_on", "2015-07-01"),
        "Refusal",
        "dates-in-order",
        "payments.csv line 4 (deliverables.csv line 4): a payment dated 2015-07-01 would come before DEMO 2015 46 #1 was accepted (2015-07-03)",
    ),
    (
        ("cell", "contracts.csv", 2, "awarded_on", "2015-04-10"),
        "Refusal",
        "financial-year",
        "contracts.csv line 2: DEMO 2014 110 cannot be awarded on 2015-04-10, after VG-1415's financial year 2014/15 ended (2015-03-31)",
    ),
    (
        ("cell", "contracts.csv", 2, "reference", ""),
        "RowError",
        None,
        "contracts.csv line 2, column reference: reference is required",
    ),
    (
        (
            "cell",
            "contracts.csv",
            2,
            "reference",
            "RRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRRR",
        ),
        "RowError",
        None,
        "contracts.csv line 2, column reference: reference is 81 characters long; the most it can be is 80",
    ),
    (
        ("cell", "contracts.csv", 3, "reference", "DEMO 2014 110"),
        "Refusal",
        "unique-reference",
        "contracts.csv line 3, column reference: contract DEMO 2014 110 already exists; references are unique",
    ),
    (
        ("cell", "contracts.csv", 2, "supplier", " "),
        "RowError",
        None,
        "contracts.csv line 2, column supplier: supplier is required",
    ),
    (
        (
            "cell",
            "contracts.csv",
            2,
            "title",
            "TTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTTT",
        ),
        "RowError",
        None,
        "contracts.csv line 2, column title: title is 301 characters long; the most it can be is 300",
    ),
    (
        ("cell", "contracts.csv", 2, "title", "Bell\x07"),
        "RowError",
        None,
        "contracts.csv line 2, column title: title contains control characters; use plain text",
    ),
    (
        ("cell", "contracts.csv", 2, "budget_line", "NOPE-1"),
        "RowError",
        None,
        "contracts.csv line 2, column budget_line: no budget line 'NOPE-1' in budget_lines.csv or the database",
    ),
    (
        ("cell", "contracts.csv", 2, "value", "0"),
        "RowError",
        None,
        "contracts.csv line 2, column value: the amount is zero; it must be more than £0.00",
    ),
    (
        ("cell", "contracts.csv", 2, "value", "abc"),
        "RowError",
        None,
        'contracts.csv line 2, column value: amount "abc" is not an amount of money; write it like 149600 or £149,600.00',
    ),
    (
        ("cell", "contracts.csv", 2, "ceiling", "x"),
        "RowError",
        None,
        'contracts.csv line 2, column ceiling: amount "x" is not an amount of money; write it like 149600 or £149,600.00',
    ),
    (
        ("cell", "contracts.csv", 2, "ceiling", "59999.99"),
        "Refusal",
        "within-ceiling",
        "contracts.csv line 2: value £60,000.00 is over the tender ceiling £59,999.99",
    ),
    (
        ("cell", "contracts.csv", 2, "decision_date", "2014-13-01"),
        "RowError",
        None,
        'contracts.csv line 2, column decision_date: date "2014-13-01" does not exist in the calendar',
    ),
    (
        ("cell", "contracts.csv", 2, "start_date", "soon"),
        "RowError",
        None,
        'contracts.csv line 2, column start_date: date "soon" is not a date like 2015-07-02 (year-month-day)',
    ),
    (
        ("cell", "contracts.csv", 2, "end_date", "2015/03/31"),
        "RowError",
        None,
        'contracts.csv line 2, column end_date: date "2015/03/31" is not a date like 2015-07-02 (year-month-day)',
    ),
    (
        ("cell", "contracts.csv", 2, "awarded_on", "10 Nov 2014"),
        "RowError",
        None,
        'contracts.csv line 2, column awarded_on: date "10 Nov 2014" is not a date like 2015-07-02 (year-month-day)',
    ),
    (
        ("cell", "contracts.csv", 2, "value", "190000.00"),
        "Refusal",
        "within-ceiling",
        "contracts.csv line 2: value £190,000.00 is over the tender ceiling £60,000.00",
    ),
    (
        ("cell", "contracts.csv", 2, "value", "50000.00"),
        "Refusal",
        "contract-value",
        "contracts.csv line 2: DEMO 2014 110 has £50,000.00 left of £50,000.00; its payments total £60,000.00",
    ),
    (
        ("cell", "deliverables.csv", 2, "contract_reference", "DMPCD 2099 1"),
        "RowError",
        None,
        "deliverables.csv line 2, column contract_reference: no contract 'DMPCD 2099 1' in contracts.csv (an import adds deliverables to the contracts it brings)",
    ),
    (
        ("cell", "deliverables.csv", 2, "seq", "one"),
        "RowError",
        None,
        'deliverables.csv line 2, column seq: "one" is not a deliverable number (1, 2, 3 ...)',
    ),
    (
        ("cell", "deliverables.csv", 3, "seq", "1"),
        "Refusal",
        "unique-seq",
        "deliverables.csv line 3: DEMO 2014 110 already has a deliverable 1; numbers are unique within a contract",
    ),
    (
        ("cell", "deliverables.csv", 2, "name", ""),
        "RowError",
        None,
        "deliverables.csv line 2, column name: name is required",
    ),
    (
        (
            "cell",
            "deliverables.csv",
            2,
            "name",
            "NNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNN",
        ),
        "RowError",
        None,
        "deliverables.csv line 2, column name: name is 301 characters long; the most it can be is 300",
    ),
    (
        ("cell", "deliverables.csv", 2, "amount", "0"),
        "RowError",
        None,
        "deliverables.csv line 2, column amount: the amount is zero; it must be more than £0.00",
    ),
    (
        ("cell", "deliverables.csv", 2, "amount", "£-3"),
        "RowError",
        None,
        'deliverables.csv line 2, column amount: amount "£-3" is negative; amounts must be zero or more',
    ),
    (
        ("cell", "deliverables.csv", 2, "due_on", "2015-1-16"),
        "RowError",
        None,
        'deliverables.csv line 2, column due_on: date "2015-1-16" is not a date like 2015-07-02 (year-month-day)',
    ),
    (
        ("cell", "deliverables.csv", 2, "status", "approved"),
        "RowError",
        None,
        "deliverables.csv line 2, column status: 'approved' is not one of accepted, pending, rejected, submitted",
    ),
    (
        ("cell", "deliverables.csv", 2, "status", "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"),
        "RowError",
        None,
        "deliverables.csv line 2, column status: 'xxxxxxxxxxxxxxxxxxxx' is not one of accepted, pending, rejected, submitted",
    ),
    (
        ("cell", "deliverables.csv", 2, "accepted_on", "yesterday"),
        "RowError",
        None,
        'deliverables.csv line 2, column accepted_on: date "yesterday" is not a date like 2015-07-02 (year-month-day)',
    ),
    (
        ("cell", "deliverables.csv", 2, "accepted_by", "Sarah\x00Okafor"),
        "RowError",
        None,
        "deliverables.csv line 2, column accepted_by: accepted_by contains control characters; use plain text",
    ),
    (
        ("cell", "deliverables.csv", 2, "amount", "30000.01"),
        "Refusal",
        "deliverables-within-value",
        "deliverables.csv line 3: DEMO 2014 110 is worth £60,000.00 and its deliverables already total £30,000.01; this one is £30,000.00, £0.01 too much",
    ),
    (
        ("cell", "deliverables.csv", 16, "status", "submitted"),
        "Refusal",
        "contract-status",
        "deliverables.csv line 16: DEMO 2016 14 is draft; deliverables can be submitted only on an awarded contract",
    ),
    (
        ("cell", "deliverables.csv", 5, "accepted_on", "2015-08-01"),
        "RowError",
        None,
        "deliverables.csv line 5, column accepted_on: give a date exactly when status is accepted",
    ),
    (
        ("cell", "deliverables.csv", 2, "accepted_on", ""),
        "RowError",
        None,
        "deliverables.csv line 2, column accepted_on: give a date exactly when status is accepted",
    ),
    (
        ("cell", "deliverables.csv", 2, "accepted_on", "2014-11-01"),
        "Refusal",
        "dates-in-order",
        "deliverables.csv line 2: DEMO 2014 110 #1 accepted on 2014-11-01 would come before the award (2014-11-10)",
    ),
    (
        ("cell", "deliverables.csv", 2, "status", "submitted"),
        "RowError",
        None,
        "deliverables.csv line 2, column accepted_on: give a date exactly when status is accepted",
    ),
    (
        ("line", "deliverables.csv", 1, "contract_reference,seq,name,amount,due_on,status,accepted_by"),
        "RowError",
        None,
        "deliverables.csv line 1: missing column(s) accepted_on",
    ),
    (
        ("cell", "payments.csv", 2, "amount", "9223372036854775808"),
        "RowError",
        None,
        'payments.csv line 2, column amount: amount "9223372036854775808" is larger than the largest amount the tracker holds',
    ),
    (
        ("cell", "budget_lines.csv", 2, "allocation", "92233720368547758.08"),
        "RowError",
        None,
        'budget_lines.csv line 2, column allocation: amount "92233720368547758.08" is larger than the largest amount the tracker holds',
    ),
    (
        ("cell", "payments.csv", 2, "amount", "."),
        "RowError",
        None,
        'payments.csv line 2, column amount: amount "." is not an amount of money; write it like 149600 or £149,600.00',
    ),
    (
        ("cell", "payments.csv", 2, "paid_on", "2015-01-30T00:00"),
        "RowError",
        None,
        'payments.csv line 2, column paid_on: date "2015-01-30T00:00" is not a date like 2015-07-02 (year-month-day)',
    ),
    (
        ("cell", "payments.csv", 2, "paid_on", "20150130"),
        "RowError",
        None,
        'payments.csv line 2, column paid_on: date "20150130" is not a date like 2015-07-02 (year-month-day)',
    ),
    (
        ("cell", "payments.csv", 2, "paid_on", "２０１５-01-30"),
        "RowError",
        None,
        'payments.csv line 2, column paid_on: date "２０１５-01-30" is not a date like 2015-07-02 (year-month-day)',
    ),
    (
        ("cell", "deliverables.csv", 2, "due_on", ""),
        "RowError",
        None,
        'deliverables.csv line 2, column due_on: date "" is not a date like 2015-07-02 (year-month-day)',
    ),
    (
        ("cell", "contracts.csv", 2, "awarded_on", " "),
        "Refusal",
        "contract-status",
        "deliverables.csv line 2: DEMO 2014 110 is draft; deliverables can be accepted only on an awarded contract",
    ),
    (
        ("cell", "contracts.csv", 2, "supplier", "Zoë\u2028Hart"),
        "RowError",
        None,
        "contracts.csv line 2, column supplier: supplier contains control characters; use plain text",
    ),
    (
        (
            "cell",
            "contracts.csv",
            2,
            "supplier",
            "SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS",
        ),
        "RowError",
        None,
        "contracts.csv line 2, column supplier: supplier is 201 characters long; the most it can be is 200",
    ),
]

GOOD = [
    (
        ("cell", "contracts.csv", 2, "value", "£60,000"),
        "imported 4 budget lines, 4 payments, 6 contracts, 16 deliverables; allocated £8,015,000.00, committed £462,600.00, paid £97,000.00",
        "78095edf088689d0",
    ),
    (
        ("cell", "payments.csv", 2, "amount", " 30,000.0 "),
        "imported 4 budget lines, 4 payments, 6 contracts, 16 deliverables; allocated £8,015,000.00, committed £462,600.00, paid £97,000.00",
        "78095edf088689d0",
    ),
    (
        ("cell", "payments.csv", 2, "amount", "GBP30000."),
        "imported 4 budget lines, 4 payments, 6 contracts, 16 deliverables; allocated £8,015,000.00, committed £462,600.00, paid £97,000.00",
        "78095edf088689d0",
    ),
    (
        ("cell", "deliverables.csv", 2, "amount", "30000"),
        "imported 4 budget lines, 4 payments, 6 contracts, 16 deliverables; allocated £8,015,000.00, committed £462,600.00, paid £97,000.00",
        "78095edf088689d0",
    ),
    (
        ("cell", "payments.csv", 2, "deliverable_seq", " 1 "),
        "imported 4 budget lines, 4 payments, 6 contracts, 16 deliverables; allocated £8,015,000.00, committed £462,600.00, paid £97,000.00",
        "78095edf088689d0",
    ),
    (
        ("cell", "payments.csv", 2, "paid_on", " 2015-01-30 "),
        "imported 4 budget lines, 4 payments, 6 contracts, 16 deliverables; allocated £8,015,000.00, committed £462,600.00, paid £97,000.00",
        "78095edf088689d0",
    ),
    (
        ("cell", "contracts.csv", 2, "reference", " DEMO 2014 110 "),
        "imported 4 budget lines, 4 payments, 6 contracts, 16 deliverables; allocated £8,015,000.00, committed £462,600.00, paid £97,000.00",
        "78095edf088689d0",
    ),
    (
        ("cell", "deliverables.csv", 2, "status", " Accepted "),
        "imported 4 budget lines, 4 payments, 6 contracts, 16 deliverables; allocated £8,015,000.00, committed £462,600.00, paid £97,000.00",
        "78095edf088689d0",
    ),
    (
        ("cell", "budget_lines.csv", 2, "allocation", "92233720368547758.07"),
        "imported 4 budget lines, 4 payments, 6 contracts, 16 deliverables; allocated £92,233,720,374,762,758.07, committed £462,600.00, paid £97,000.00",
        "94b4e31e72e0b5a2",
    ),
    (
        ("cell", "payments.csv", 2, "amount", "0030000"),
        "imported 4 budget lines, 4 payments, 6 contracts, 16 deliverables; allocated £8,015,000.00, committed £462,600.00, paid £97,000.00",
        "78095edf088689d0",
    ),
    (
        ("cell", "payments.csv", 2, "amount", ".5"),
        "imported 4 budget lines, 4 payments, 6 contracts, 16 deliverables; allocated £8,015,000.00, committed £462,600.00, paid £67,000.50",
        "9f27af4ee3cf3caa",
    ),
    (
        (
            "cell",
            "contracts.csv",
            2,
            "supplier",
            "SSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSSS",
        ),
        "imported 4 budget lines, 4 payments, 6 contracts, 16 deliverables; allocated £8,015,000.00, committed £462,600.00, paid £97,000.00",
        "8a91f7ff0c815486",
    ),
]


def _mutated(tmp_path: Path, case: tuple) -> Path:
    folder = tmp_path / "in"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(DEMO, folder, ignore=shutil.ignore_patterns("README.md"))
    kind, path = case[0], folder / case[1]
    if kind == "bytes":
        path.write_bytes(case[2])
        return folder
    lines = path.read_text(encoding="utf-8").splitlines()
    if kind == "append":
        lines.append(case[2])
    elif kind == "line":
        lines[case[2] - 1] = case[3]
    else:
        _, _, line_no, column, value = case
        fields = next(csv.reader([lines[line_no - 1]]))
        fields[lines[0].split(",").index(column)] = value
        out = io.StringIO()
        csv.writer(out, lineterminator="").writerow(fields)
        lines[line_no - 1] = out.getvalue()
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def _digest(engine: Engine) -> str:
    digest = hashlib.sha256()
    with engine.connect() as conn:
        for table in ("budget_line", "contract", "deliverable", "payment"):
            for row in conn.execute(text(f"SELECT * FROM {table} ORDER BY id")):
                digest.update(repr(tuple(row)).encode())
    return digest.hexdigest()[:16]


def test_every_refusal_names_file_line_column_and_rule(alice: Context, engine: Engine, tmp_path: Path) -> None:
    for case, kind, rule, message in BAD:
        folder = _mutated(tmp_path, case)
        with pytest.raises(TrackerError) as caught:
            import_folder(alice, folder)
        assert (type(caught.value).__name__, getattr(caught.value, "rule", None), caught.value.message) == (
            kind,
            rule,
            message,
        ), case
    with engine.connect() as conn:
        assert conn.execute(text("SELECT COUNT(*) FROM audit_event")).scalar_one() == 0
        assert conn.execute(text("SELECT COUNT(*) FROM budget_line")).scalar_one() == 0


@pytest.mark.parametrize(("case", "described", "digest"), GOOD, ids=[repr(g[0][1:])[:60] for g in GOOD])
def test_accepted_spellings_store_the_same_rows(
    alice: Context, tmp_path: Path, case: tuple, described: str, digest: str
) -> None:
    engine = open_store(str(tmp_path / "own.db"))
    try:
        ctx = Context(engine, alice.actor, alice.clock)
        assert import_folder(ctx, _mutated(tmp_path, case)).describe() == described
        assert _digest(engine) == digest
    finally:
        engine.dispose()
