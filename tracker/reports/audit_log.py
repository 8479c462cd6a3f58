"""The audit log as rows: who did what and when, filtered by contract, person or overrides."""

import json
from dataclasses import dataclass

from sqlalchemy import func, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from tracker.domain.models import AuditEvent
from tracker.domain.text import normalise_name

_OVERRIDABLE = ("payment.released", "import")
"""Actions that can be taken against segregation of duties, with a recorded reason."""


@dataclass(frozen=True)
class LogEvent:
    seq: int
    at: str
    claimed_by: str
    login: str
    action: str
    contract_ref: str | None
    details: tuple[tuple[str, str], ...]
    override_reason: str | None


def audit_log(session: Session, *, contract: str | None = None, person: str | None = None,
              overrides: bool = False, limit: int = 50) -> tuple[LogEvent, ...]:
    """The newest `limit` matching events, oldest first. A person matches their claimed name or their login."""
    e = AuditEvent
    query = sa_select(col(e.seq), col(e.at), col(e.claimed_by), col(e.login), col(e.action), col(e.contract_ref),
                      col(e.payload))
    if contract is not None:
        query = query.where(col(e.contract_ref) == contract.strip())
    if person is not None:
        name = normalise_name(person)
        query = query.where(or_(func.lower(col(e.claimed_by)) == name, func.lower(col(e.login)) == name))
    if overrides:
        query = query.where(col(e.action).in_(_OVERRIDABLE), col(e.payload).like('%"sod_override_reason":"%'))
    rows = session.execute(query.order_by(col(e.seq).desc()).limit(max(1, limit))).all()
    return tuple(_event(*row) for row in reversed(rows))


def _event(seq: int, at: str, claimed_by: str, login: str, action: str, ref: str | None, payload: str) -> LogEvent:
    override = _payload_dict(payload).get("sod_override_reason") if action in _OVERRIDABLE else None
    return LogEvent(seq, at, claimed_by, login, action, ref, event_fields(payload), str(override) if override else None)


def event_fields(payload: str) -> tuple[tuple[str, str], ...]:
    """Every field an event recorded, by name, empty ones left out: the whole of what the log holds."""
    return tuple((key, str(value)) for key, value in sorted(_payload_dict(payload).items())
                 if value not in (None, "", [], {}))


def _payload_dict(payload: str) -> dict[str, object]:
    found = json.loads(payload)
    return found if isinstance(found, dict) else {"payload": found}
