"""The audit trail: one event per state change, hash-chained so that tampering shows.

Each event's hash is SHA-256 over the previous event's hash and the canonical
serialisation of the event (sorted keys, no spaces, UTF-8). Sequence numbers
are gap-free, so a deleted event shows as a gap and an inserted one breaks the chain.
"""

import hashlib
import json
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection
from sqlalchemy import select as sa_select

from tracker.domain.tables import audit_event

if TYPE_CHECKING:
    from sqlmodel import Session

    from tracker.domain.models import AuditEvent
    from tracker.domain.people import Actor

GENESIS_HASH = "0" * 64


class AuditAction(StrEnum):
    """Every kind of event the trail holds: the names are stored in events, so they never change."""

    BUDGET_LINE_ADDED = "budget_line.added"
    CONTRACT_ADDED = "contract.added"
    CONTRACT_AWARDED = "contract.awarded"
    CONTRACT_CLOSED = "contract.closed"
    CONTRACT_CANCELLED = "contract.cancelled"
    CONTRACT_PUBLICATION_SET = "contract.publication_set"
    PERSON_ADDED = "person.added"
    DELIVERABLE_ADDED = "deliverable.added"
    DELIVERABLE_SUBMITTED = "deliverable.submitted"
    DELIVERABLE_ACCEPTED = "deliverable.accepted"
    DELIVERABLE_REJECTED = "deliverable.rejected"
    PAYMENT_RELEASED = "payment.released"
    PAYMENT_REVERSED = "payment.reversed"
    IMPORT = "import"
    # -- corrections and variations (issue 13) --
    CONTRACT_AMENDED = "contract.amended"
    CONTRACT_RENAMED = "contract.renamed"
    CONTRACT_REOPENED = "contract.reopened"
    CONTRACT_VARIED = "contract.varied"
    DELIVERABLE_AMENDED = "deliverable.amended"
    DELIVERABLE_REVOKED = "deliverable.revoked"
    DELIVERABLE_REPROFILED = "deliverable.reprofiled"
    BUDGET_LINE_AMENDED = "budget_line.amended"
    BUDGET_LINE_REVISED = "budget_line.revised"
    BUDGET_LINE_TRANSFERRED = "budget_line.transferred"
    # -- the year end (issue 14) --
    YEAR_CLOSED = "year.closed"
    # -- invoices (issue 14) --
    INVOICE_RECEIVED = "invoice.received"
    INVOICE_DISPUTED = "invoice.disputed"
    INVOICE_RESOLVED = "invoice.resolved"
    INVOICE_REJECTED = "invoice.rejected"
    BUDGET_LINE_RENAMED = "budget_line.renamed"
    BUDGET_LINE_INVOICES_SET = "budget_line.invoices_set"
    STORE_MIGRATED = "store.migrated"


def canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def event_body(seq: int, at: str, claimed_by: str, login: str, action: str,
               contract_ref: str | None, payload: str) -> str:
    """Exactly the text that is hashed, so `audit verify` can rebuild it from a row."""
    return canonical(
        {"seq": seq, "at": at, "claimed_by": claimed_by, "login": login, "action": action,
         "contract_ref": contract_ref, "payload": payload}
    )


def chain_hash(prev_hash: str, body: str) -> str:
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


def chain_head(conn: Connection) -> tuple[int, str]:
    """(seq, hash) of the newest event: (0, genesis) on an empty trail."""
    event = audit_event.c
    last = conn.execute(sa_select(event.seq, event.hash).order_by(event.seq.desc()).limit(1)).first()
    return (0, GENESIS_HASH) if last is None else (last[0], last[1])


def record_event(session: "Session", *, actor: "Actor", at: str, action: AuditAction,
                 contract_ref: str | None, details: dict[str, Any]) -> "AuditEvent":
    """Append one event inside the caller's transaction."""
    from tracker.domain.models import AuditEvent

    prev_seq, prev_hash = chain_head(session.connection())
    seq = prev_seq + 1
    payload = canonical(details)
    body = event_body(seq, at, actor.claimed, actor.login, str(action), contract_ref, payload)
    event = AuditEvent(
        seq=seq, at=at, claimed_by=actor.claimed, login=actor.login, action=str(action),
        contract_ref=contract_ref, payload=payload, prev_hash=prev_hash, hash=chain_hash(prev_hash, body),
    )
    session.add(event)
    session.flush()
    return event
