"""Invoice texts of payments made before invoices were records: each becomes an invoice received on its payment date.

A store from before invoice records holds only the text a payment carried. The text becomes an invoice of the
supplier, for the deliverable the payment paid, dated and received on the day of the first payment that named it,
its net the sum of those payments (no VAT: the history does not say), paid by them less any reversal of them. The
payments (and their reversals) then name it, as a payment released today does. Invoice numbers are unique per
supplier, as compared case-folded without spaces, dashes and dots; a number the supplier's history used again on
another deliverable (a duplicate the old rule let through) is recorded as "NUMBER (payment N)", so that nothing
is merged and nothing is lost. It is one audited event, which says so: a digest of the invoices made and one of the
links, as an import records its rows, and the images only of the payments earlier events imaged (an imported
payment is proven by its import's digest), so that it stays small however many payments were imported.
"""

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import bindparam, insert, text
from sqlalchemy.engine import Connection
from sqlmodel import Session

from tracker.domain.audit import AuditAction, record_event
from tracker.domain.fiscal import system_clock
from tracker.domain.images import BATCH, TableDigest, imported_digest, read_images
from tracker.domain.invoices import due_on, number_key, regime_of, supplier_key
from tracker.domain.models import Invoice, InvoiceStatus, Payment
from tracker.domain.people import Actor, os_login, resolve_actor
from tracker.store.engine import append_only_ddl, drop_append_only_ddl, is_embedded, stream_tuples, sync_id_sequences

WHAT = ("each payment's invoice text became an invoice received on the payment date: its net the payments that "
        "named it, no VAT, paid by them less their reversals; a number used again on another deliverable of the "
        "same supplier is recorded as NUMBER (payment N)")
"""What the migration's audit event says it did."""


@dataclass
class _Invoice:
    contract_id: int
    deliverable_id: int
    number: str
    first_paid_on: dt.date
    awarded_on: dt.date | None
    supplier: str
    renumbered: bool = False
    payments: list[int] = field(default_factory=list)
    net: int = 0
    reversed: int = 0


def record_invoices(conn: Connection) -> int:
    """Make the invoice records, link the payments to them, and record the event; the number of invoices made.

    The event stays small at any size: the invoices made are a digest over their id range, as an import records
    its rows, and the links a digest of (payment, invoice) pairs; only payments that earlier events imaged are
    imaged again, before and after, so that their last image stays what the table holds."""
    found = _gather(conn)
    if not found:
        return 0
    reversals = _reversals(conn, [p for invoice in found for p in invoice.payments])
    low = int(conn.execute(text("SELECT COALESCE(MAX(id), 0) FROM invoice")).scalar_one()) + 1
    high = low + len(found) - 1
    links: list[dict[str, int]] = []
    for number, invoice in enumerate(found, start=low):
        reversed_by = [reversals[p] for p in invoice.payments if p in reversals]
        invoice.reversed = sum(amount for _, amount in reversed_by)
        links += [{"p": payment, "i": number} for payment in invoice.payments + [r for r, _ in reversed_by]]
    links.sort(key=lambda link: link["p"])
    imported = _imported_payments(conn)
    imaged = [link["p"] for link in links if not _imported(link["p"], imported)]
    before = read_images(conn, "payment", imaged)
    for start in range(0, len(found), BATCH):
        rows = [_row(invoice).model_dump() | {"id": number}
                for number, invoice in enumerate(found[start:start + BATCH], start=low + start)]
        conn.execute(insert(Invoice), rows)
    sync_id_sequences(conn, [Invoice.__tablename__])
    for statement in drop_append_only_ddl(Payment.__tablename__, conn):
        conn.exec_driver_sql(statement)
    for start in range(0, len(links), BATCH):
        conn.execute(text("UPDATE payment SET invoice_id = :i WHERE id = :p"), links[start:start + BATCH])
    for statement in append_only_ddl(Payment.__tablename__, conn):
        conn.exec_driver_sql(statement)
    after = read_images(conn, "payment", imaged)
    images = [{"table": "payment", "id": row_id, "before": before[row_id], "after": after[row_id]}
              for row_id in imaged]
    linked = (links[0]["p"], links[-1]["p"])
    renumbered = [invoice.number for invoice in found if invoice.renumbered]
    session = Session(bind=conn)
    record_event(session, actor=_migrating(conn), at=system_clock().timestamp(), action=AuditAction.STORE_MIGRATED,
                 contract_ref=None, details={
                     "migration": 14, "what": WHAT, "invoices": len(found), "payments": len(links),
                     "renumbered": renumbered, "images": images,
                     "tables": {"invoice": imported_digest(conn, "invoice", low, high)},
                     "links": links_digest(conn, payments=linked, invoices=(low, high))})
    session.close()
    return len(found)


def links_digest(conn: Connection, *, payments: tuple[int, int], invoices: tuple[int, int]) -> dict[str, Any]:
    """What the migration records of the links it made: the (payment, invoice) pairs of the payments in its id range
    that name one of its invoices, as a count and a digest. Payments are append-only, so verify finds them as made."""
    query = (f"SELECT id, invoice_id FROM payment WHERE id BETWEEN {int(payments[0])} AND {int(payments[1])} "
             f"AND invoice_id BETWEEN {int(invoices[0])} AND {int(invoices[1])} ORDER BY id")
    digest = TableDigest()
    for batch in stream_tuples(conn, query, BATCH):
        digest.add([(int(payment), int(invoice)) for payment, invoice in batch])
    return {"payments": list(payments), "invoices": list(invoices), "count": digest.rows,
            "sha256": digest.hexdigest()}


def _imported_payments(conn: Connection) -> list[tuple[int, int]]:
    """The payment id ranges imports made: their rows are proven by their digests, not by images."""
    found = []
    for (payload,) in conn.execute(text("SELECT payload FROM audit_event WHERE action = :a ORDER BY seq"),
                                   {"a": AuditAction.IMPORT.value}):
        low, high = json.loads(payload).get("id_ranges", {}).get("payment", (1, 0))
        found.append((int(low), int(high)))
    return found


def _imported(payment: int, ranges: list[tuple[int, int]]) -> bool:
    return any(low <= payment <= high for low, high in ranges)


def _gather(conn: Connection) -> list[_Invoice]:
    """One invoice per supplier's number and deliverable, in the order of the payments that first named them."""
    query = text("SELECT p.id, p.contract_id, p.deliverable_id, p.amount_pence, p.paid_on, p.invoice, c.supplier, "
                 "c.awarded_on FROM payment p JOIN contract c ON c.id = p.contract_id "
                 "WHERE p.invoice IS NOT NULL AND p.invoice_id IS NULL AND p.amount_pence > 0 ORDER BY p.id")
    by_key: dict[tuple[str, str], _Invoice] = {}
    again: dict[tuple[str, str, int], _Invoice] = {}
    found: list[_Invoice] = []
    for payment, contract, item, amount, paid_on, number, supplier, awarded_on in conn.execute(query):
        key = (supplier_key(supplier), number_key(number))
        invoice = by_key.get(key)
        if invoice is not None and invoice.deliverable_id != item:
            invoice = again.get((*key, item))
            if invoice is None:
                invoice = _Invoice(contract, item, f"{number} (payment {payment})", _day(paid_on), _day(awarded_on),
                                   supplier, renumbered=True)
                again[(*key, item)] = invoice
                found.append(invoice)
        elif invoice is None:
            invoice = by_key[key] = _Invoice(contract, item, number, _day(paid_on), _day(awarded_on), supplier)
            found.append(invoice)
        invoice.payments.append(payment)
        invoice.net += amount
    return found


def _reversals(conn: Connection, originals: list[int]) -> dict[int, tuple[int, int]]:
    """Each reversal of these payments, by the payment it reverses: (its id, the amount it took back)."""
    if not originals:
        return {}
    query = text("SELECT reverses_payment_id, id, amount_pence FROM payment WHERE reverses_payment_id IN :ids "
                 "AND invoice_id IS NULL").bindparams(bindparam("ids", expanding=True))
    found: dict[int, tuple[int, int]] = {}
    for start in range(0, len(originals), 500):
        for original, reversal, amount in conn.execute(query, {"ids": originals[start:start + 500]}):
            found[int(original)] = (int(reversal), -int(amount))
    return found


def _row(invoice: _Invoice) -> Invoice:
    regime = regime_of(invoice.awarded_on)
    paid = invoice.net - invoice.reversed
    return Invoice(contract_id=invoice.contract_id, deliverable_id=invoice.deliverable_id, number=invoice.number,
                   number_key=number_key(invoice.number), supplier_key=supplier_key(invoice.supplier),
                   invoice_date=invoice.first_paid_on, received_on=invoice.first_paid_on, net_pence=invoice.net,
                   vat_pence=0, paid_pence=paid, regime=regime.value, valid_from=invoice.first_paid_on,
                   due_on=due_on(regime, invoice.first_paid_on, invoice.first_paid_on),
                   status=(InvoiceStatus.PAID if paid == invoice.net else InvoiceStatus.VALID).value)


def _day(value: Any) -> Any:
    """A date column as a date: the embedded store hands back ISO text from a raw query."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value


def _migrating(conn: Connection) -> Actor:
    """Who upgrades the store: the database's session user on a server, else the operating-system login."""
    if is_embedded(conn.engine):
        return resolve_actor(principal=os_login())
    return resolve_actor(principal=str(conn.exec_driver_sql("SELECT session_user").scalar_one()))
