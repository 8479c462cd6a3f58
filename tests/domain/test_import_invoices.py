"""Imported history may carry its invoices: each payment's invoice becomes an invoice record, under the invoice rules,
and a refusal names the file, line and column."""

import datetime as dt
import shutil
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlmodel import select

from tracker.domain.context import Context
from tracker.domain.errors import Refusal, TrackerError
from tracker.domain.importing import import_folder
from tracker.domain.models import Invoice, Payment
from tracker.domain.verify import verify_store
from tracker.store.session import read_session

from ..conftest import DEMO
from .ledger import snapshot
from .test_workbook_import import demo_rows, workbook

HEADER = "contract_reference,deliverable_seq,amount,paid_on,invoice,released_by,invoice_date,invoice_received," \
         "invoice_net,invoice_vat\n"
PAYMENTS = {
    "GR-1041": "DEMO 2014 110,1,30000.00,2015-01-30,GR-1041,Tom Whitfield,2015-01-02,2015-01-05,25000.00,5000.00",
    "GR-1077": "DEMO 2014 110,2,30000.00,2015-03-27,GR-1077,Tom Whitfield,,,,",
    "GR-1102": "DEMO 2015 46,1,12000.00,2015-07-15,GR-1102,Tom Whitfield,2015-07-01,2015-07-03,12000.00,",
    "NCT-0007": "DEMO 2015 91,1,25000.00,2015-08-20,NCT-0007,Tom Whitfield,2015-08-01,2015-08-04,25000.00,0",
}


def folder_with(tmp_path: Path, **changed: str) -> Path:
    folder = tmp_path / "history"
    shutil.copytree(DEMO, folder)
    rows = {**PAYMENTS, **changed}
    (folder / "payments.csv").write_text(HEADER + "".join(f"{row}\n" for row in rows.values()), encoding="utf-8")
    return folder


def test_each_payment_s_invoice_becomes_a_record_with_its_dates_net_and_vat(alice: Context, engine: Engine,
                                                                           tmp_path: Path) -> None:
    import_folder(alice, folder_with(tmp_path))
    with read_session(engine) as session:
        found = [(i.number, i.invoice_date, i.received_on, i.net_pence, i.vat_pence, i.paid_pence, i.status, i.due_on)
                 for i in session.exec(select(Invoice).order_by(Invoice.id))]
        linked = [(p.invoice, p.invoice_id) for p in session.exec(select(Payment).order_by(Payment.id))]
    assert found == [
        ("GR-1041", dt.date(2015, 1, 2), dt.date(2015, 1, 5), 2_500_000, 500_000, 3_000_000, "paid",
         dt.date(2015, 2, 4)),
        ("GR-1077", dt.date(2015, 3, 27), dt.date(2015, 3, 27), 3_000_000, 0, 3_000_000, "paid", dt.date(2015, 4, 26)),
        ("GR-1102", dt.date(2015, 7, 1), dt.date(2015, 7, 3), 1_200_000, 0, 1_200_000, "paid", dt.date(2015, 8, 2)),
        ("NCT-0007", dt.date(2015, 8, 1), dt.date(2015, 8, 4), 2_500_000, 0, 2_500_000, "paid", dt.date(2015, 9, 3)),
    ]
    assert linked == [("GR-1041", 1), ("GR-1077", 2), ("GR-1102", 3), ("NCT-0007", 4)]
    assert verify_store(engine).problems == ()


def test_an_invoice_larger_than_its_payment_is_recorded_part_paid(alice: Context, engine: Engine,
                                                                 tmp_path: Path) -> None:
    import_folder(alice, folder_with(tmp_path, **{
        "GR-1102": "DEMO 2015 46,1,6000.00,2015-07-15,GR-1102,Tom Whitfield,2015-07-01,2015-07-03,12000.00,"}))
    with read_session(engine) as session:
        invoice = session.exec(select(Invoice).where(Invoice.number == "GR-1102")).one()
    assert (invoice.net_pence, invoice.paid_pence, invoice.status) == (1_200_000, 600_000, "valid")
    assert verify_store(engine).problems == ()


REFUSED = [
    ({"GR-1077": "DEMO 2014 110,2,30000.00,2015-03-27,gr 1041,Tom Whitfield,,,,"}, "invoice-number",
     "payments.csv line 3, column invoice: invoice gr 1041 from Greyfriars Research LLP is already recorded, as "
     "GR-1041 on DEMO 2014 110; an invoice number is recorded once per supplier"),
    ({"GR-1102": "DEMO 2015 46,1,12000.00,2015-07-15,GR-1102,Tom Whitfield,,,11999.99,"}, "invoice-match",
     "payments.csv line 4, column invoice_net: invoice GR-1102 has £11,999.99 unpaid of £11,999.99; this payment "
     "is £12,000.00"),
    ({"GR-1102": "DEMO 2015 46,1,12000.00,2015-07-15,GR-1102,Tom Whitfield,,,12000.01,"}, "invoice-amount",
     "payments.csv line 4, column invoice_net: DEMO 2015 46 #1 is £12,000.00 and its invoices already total £0.00 "
     "net; this one is £12,000.01 net, £0.01 too much"),
    ({"GR-1102": "DEMO 2015 46,1,12000.00,2015-07-15,GR-1102,Tom Whitfield,2015-07-05,2015-07-03,,"},
     "dates-in-order",
     "payments.csv line 4, column invoice_received: a receipt on 2015-07-03 would come before the invoice's date "
     "(2015-07-05)"),
]


@pytest.mark.parametrize(("changed", "rule", "message"), REFUSED, ids=[r[1] for r in REFUSED])
def test_the_invoice_rules_refuse_naming_file_line_and_column(alice: Context, engine: Engine, tmp_path: Path,
                                                             changed: dict[str, str], rule: str, message: str) -> None:
    before = snapshot(engine)
    with pytest.raises(Refusal) as refused:
        import_folder(alice, folder_with(tmp_path, **changed))
    assert (refused.value.rule, refused.value.message) == (rule, message)
    assert snapshot(engine) == before


def test_invoice_figures_without_a_number_are_refused(alice: Context, engine: Engine, tmp_path: Path) -> None:
    with pytest.raises(TrackerError) as refused:
        import_folder(alice, folder_with(tmp_path, **{
            "GR-1077": "DEMO 2014 110,2,30000.00,2015-03-27,,Tom Whitfield,,2015-03-20,,"}))
    assert str(refused.value) == ("payments.csv line 3, column invoice: the row gives the invoice's invoice_received "
                                  "but no invoice number")


def test_an_invoice_already_in_the_store_is_not_imported_again(alice: Context, engine: Engine,
                                                              tmp_path: Path) -> None:
    import_folder(alice, DEMO)
    again = tmp_path / "again"
    again.mkdir()
    (again / "contracts.csv").write_text("reference,supplier,title,budget_line,value,awarded_on\n"
                                         "DMPCD 2015 200,Greyfriars Research LLP,More,VG-1516,1000,2015-07-02\n")
    (again / "deliverables.csv").write_text("contract_reference,seq,name,amount,due_on,status,accepted_on\n"
                                            "DMPCD 2015 200,1,Report,1000,2015-08-01,accepted,2015-08-01\n")
    (again / "payments.csv").write_text("contract_reference,deliverable_seq,amount,paid_on,invoice\n"
                                        "DMPCD 2015 200,1,1000,2015-08-03,GR.1102\n")
    with pytest.raises(Refusal) as refused:
        import_folder(alice, again)
    assert refused.value.message == ("payments.csv line 2, column invoice: invoice GR.1102 from Greyfriars Research "
                                     "LLP is already recorded, as GR-1102 on DEMO 2015 46; an invoice number is "
                                     "recorded once per supplier")


def test_a_workbook_s_payments_sheet_carries_the_same_columns(alice: Context, engine: Engine,
                                                             tmp_path: Path) -> None:
    payments = [HEADER.strip().split(",")] + [row.split(",") for row in PAYMENTS.values()]
    book = workbook(tmp_path / "history.xlsx", {kind: demo_rows(kind) for kind in
                                                ("budget_lines", "contracts", "deliverables")} | {"payments": payments})
    import_folder(alice, book)
    with read_session(engine) as session:
        invoice = session.exec(select(Invoice).where(Invoice.number == "GR-1041")).one()
    assert (invoice.invoice_date, invoice.received_on, invoice.net_pence, invoice.vat_pence) == (
        dt.date(2015, 1, 2), dt.date(2015, 1, 5), 2_500_000, 500_000)
    assert verify_store(engine).problems == ()
