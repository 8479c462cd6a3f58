"""The audit log as rows: who did what and when, for the command line's log, a contract's history and the desk.

One row type and one reading of an event's recorded details, so every place shows an event the same way:
amounts in pounds, empty fields left out, in the order recorded (the payload's keys are sorted when written).
"""

import json
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, or_
from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from tracker.domain.audit import AuditAction
from tracker.domain.images import FOR_VERIFY
from tracker.domain.models import AuditEvent
from tracker.domain.money import format_gbp
from tracker.reports.paging import PAGE, Page
from tracker.reports.search import has_text, same_text

RELEASED = AuditAction.PAYMENT_RELEASED.value
OVERRIDE = "sod_override_reason"
OVERRIDABLE = (RELEASED, "import")
"""Actions that can be taken against segregation of duties, with a recorded reason."""
PENCE_WITHOUT_SUFFIX = frozenset({"deliverable_paid_before", "deliverable_paid_after", "line_paid_before",
                                  "line_paid_after", "line_committed_before", "line_committed_after",
                                  # corrections and variations (issue 13)
                                  "value_before", "value_after", "original_value", "allocation_before",
                                  "allocation_after", "from_allocation_before", "from_allocation_after",
                                  "to_allocation_before", "to_allocation_after"})
"""Amounts that events record in pence under names that do not say so."""
SIGNATORIES = {AuditAction.DELIVERABLE_ACCEPTED.value: "accepted_by", AuditAction.DELIVERABLE_REJECTED.value:
               "rejected_by"}
"""Events that name, besides whoever recorded them, the person who signed the deliverable off (or rejected it)."""


@dataclass(frozen=True)
class Detail:
    """One recorded field as a person reads it: `amount_pence` 4488000 is `amount` £44,880.00."""

    name: str
    text: str
    nested: bool = False
    """A record or a list: shown when an event is read whole, left out of its one-line summary."""


@dataclass(frozen=True)
class AuditEntry:
    """One event of the trail as the command line and the desk show it."""

    seq: int
    at: str
    claimed_by: str
    login: str
    action: str
    contract_ref: str | None
    details: tuple[Detail, ...]
    override_reason: str | None
    """Why segregation of duties was overridden, for a payment released that way."""

    @property
    def summary(self) -> str:
        """The details on one line, for a list of events."""
        return "; ".join(f"{detail.name} {detail.text}" for detail in self.details if not detail.nested)


def read_details(payload: str) -> tuple[Detail, ...]:
    """An event's recorded JSON as readable fields: amounts in pounds, empty fields and what is written only for
    `audit verify` (row images, import digests) left out."""
    recorded = _recorded(payload)
    return tuple(_detail(name, value) for name, value in recorded.items()
                 if value not in (None, "", [], {}) and name not in FOR_VERIFY)


def _recorded(payload: str) -> dict[str, Any]:
    try:
        found = json.loads(payload)
    except ValueError:
        return {"payload": payload}
    return found if isinstance(found, dict) else {"payload": found}


def _detail(name: str, value: Any) -> Detail:
    label = name.removesuffix("_pence")
    return Detail(label, _text(name, value), nested=isinstance(value, dict | list))


def _text(name: str, value: Any) -> str:
    """Pence as pounds, in records and lists too; everything else as recorded."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{key.removesuffix('_pence')}: {_text(key, item)}" for key, item in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_text(name, item) for item in value) + "]"
    if _in_pence(name) and isinstance(value, int) and not isinstance(value, bool):
        return format_gbp(value)
    return str(value)


def _in_pence(name: str) -> bool:
    return name.endswith("_pence") or name in PENCE_WITHOUT_SUFFIX


def _override(action: str, payload: str) -> str | None:
    reason = _recorded(payload).get(OVERRIDE) if action in OVERRIDABLE else None
    return str(reason) if reason else None


def _events() -> Select[int, str, str, str, str, str | None, str]:
    e = AuditEvent
    return sa_select(col(e.seq), col(e.at), col(e.claimed_by), col(e.login), col(e.action), col(e.contract_ref),
                     col(e.payload))


def _entries(rows: Sequence[Any]) -> tuple[AuditEntry, ...]:
    return tuple(AuditEntry(seq, at, who, login, action, ref, read_details(payload), _override(action, payload))
                 for seq, at, who, login, action, ref, payload in rows)


def audit_log(session: Session, *, contract: str | None = None, person: str | None = None,
              overrides: bool = False, limit: int = 50) -> tuple[AuditEntry, ...]:
    """The newest `limit` matching events, oldest first.

    A person matches their claimed name, their login, or their name as the signatory of a sign-off that someone
    else recorded (`accept --by`).
    """
    e = AuditEvent
    query = _events()
    if contract is not None:
        query = query.where(col(e.contract_ref) == contract.strip())
    if person is not None:
        name = " ".join(unicodedata.normalize("NFKC", person).split())
        query = query.where(or_(same_text(col(e.claimed_by), name), same_text(col(e.login), name),
                                _signed_by(name, whole=True)))
    if overrides:
        query = query.where(col(e.action).in_(OVERRIDABLE), col(e.payload).like(f'%"{OVERRIDE}":"%'))
    rows = session.execute(query.order_by(col(e.seq).desc()).limit(max(1, limit))).all()
    return _entries(list(reversed(rows)))


def contract_history(session: Session, reference: str) -> tuple[AuditEntry, ...]:
    """Every recorded change that names the contract, oldest first."""
    query = _events().where(col(AuditEvent.contract_ref) == reference).order_by(col(AuditEvent.seq))
    return _entries(session.execute(query).all())


@dataclass(frozen=True)
class AuditQuery:
    contract: str = ""
    person: str = ""


@dataclass(frozen=True)
class AuditPage(Page[AuditQuery, AuditEntry]):

    @property
    def last_seq(self) -> int | None:
        return self.rows[-1].seq if self.rows else None


def audit_page(session: Session, query: AuditQuery, *, before_seq: int | None = None,
               limit: int = PAGE) -> AuditPage:
    """Newest first; a contract or person filter matches any part of the reference or name, as typed."""
    statement = _events().where(*_page_conditions(query))
    if before_seq is not None:
        statement = statement.where(col(AuditEvent.seq) < before_seq)
    found = session.execute(statement.order_by(col(AuditEvent.seq).desc()).limit(limit + 1)).all()
    return AuditPage(query, _entries(found[:limit]), more=len(found) > limit, first_page=before_seq is None)


def _page_conditions(query: AuditQuery) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if query.contract.strip():
        conditions.append(has_text(col(AuditEvent.contract_ref), query.contract.strip()))
    if query.person.strip():
        name = query.person.strip()
        conditions.append(or_(has_text(col(AuditEvent.claimed_by), name), has_text(col(AuditEvent.login), name),
                              _signed_by(name, whole=False)))
    return conditions


def _signed_by(name: str, *, whole: bool) -> ColumnElement[bool]:
    """A sign-off event whose signatory is the name (`whole`), or whose details from the signatory on contain it.

    The payload's keys are sorted and written without spaces (`"accepted_by":"Sarah Okafor","accepted_on":...`).
    """
    e = AuditEvent
    written = json.dumps(name, ensure_ascii=False)
    return or_(*(and_(col(e.action) == action, has_text(col(e.payload), f'"{field}":{written}') if whole
                      else has_text(col(e.payload), f'"{field}":"', written[1:-1]))
                 for action, field in SIGNATORIES.items()))
