"""The audit history of one contract: every recorded change that names it, oldest first."""

import json
from dataclasses import dataclass

from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from tracker.domain.images import FOR_VERIFY
from tracker.domain.models import AuditEvent


@dataclass(frozen=True)
class HistoryEvent:
    seq: int
    at: str
    claimed_by: str
    login: str
    action: str
    details: tuple[tuple[str, str], ...]


def contract_history(session: Session, reference: str) -> tuple[HistoryEvent, ...]:
    e = AuditEvent
    query = (sa_select(col(e.seq), col(e.at), col(e.claimed_by), col(e.login), col(e.action), col(e.payload))
             .where(col(e.contract_ref) == reference).order_by(col(e.seq)))
    return tuple(HistoryEvent(seq, at, who, login, action, _details(payload))
                 for seq, at, who, login, action, payload in session.execute(query))


def _details(payload: str) -> tuple[tuple[str, str], ...]:
    """The event's recorded details as text, without the empty ones."""
    found = json.loads(payload)
    if not isinstance(found, dict):
        return (("payload", str(found)),)
    return tuple((key, str(value)) for key, value in sorted(found.items())
                 if value not in (None, "", [], {}) and key not in FOR_VERIFY)
