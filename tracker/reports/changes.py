"""A contract's corrections and variations, in the order they were recorded, each as one sentence (issue 13).

Read from the audit trail, which is where they live: a correction edits no history, so the trail is the only
place that still says what a record held before. A renamed contract's earlier events carry its earlier
reference, so the trail is followed back through each rename.
"""

import datetime as dt
import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from tracker.domain.audit import AuditAction
from tracker.domain.models import AuditEvent
from tracker.domain.money import format_gbp
from tracker.domain.variations import variation_terms

CHANGES = (AuditAction.CONTRACT_AMENDED, AuditAction.CONTRACT_RENAMED, AuditAction.CONTRACT_REOPENED,
           AuditAction.CONTRACT_VARIED, AuditAction.DELIVERABLE_AMENDED, AuditAction.DELIVERABLE_REVOKED,
           AuditAction.DELIVERABLE_REPROFILED)


@dataclass(frozen=True)
class ChangeRow:
    seq: int
    on: dt.date
    action: str
    text: str


def contract_changes(session: Session, reference: str) -> tuple[ChangeRow, ...]:
    names, visited, found = [reference], {reference}, {}
    while names:
        name = names.pop()
        for seq, at, action, payload in session.execute(
                sa_select(col(AuditEvent.seq), col(AuditEvent.at), col(AuditEvent.action), col(AuditEvent.payload))
                .where(col(AuditEvent.contract_ref) == name, col(AuditEvent.action).in_([a.value for a in CHANGES]))
                .order_by(col(AuditEvent.seq))):
            d = json.loads(payload)
            if action == AuditAction.CONTRACT_RENAMED and d["renamed_from"] not in visited:
                visited.add(d["renamed_from"])
                names.append(d["renamed_from"])
            found[seq] = ChangeRow(seq, dt.date.fromisoformat(at[:10]), action, describe(action, d))
    return tuple(found[seq] for seq in sorted(found))


def _fields(fields: dict[str, list[Any]]) -> str:
    shown = []
    for name, (before, after) in fields.items():
        if name.endswith("_pence"):
            before, after = format_gbp(before) if before is not None else "none", format_gbp(after)
        shown.append(f"{name.removesuffix('_pence').replace('_', ' ')} {before} -> {after}")
    return "; ".join(shown)


def describe(action: str, d: dict[str, Any]) -> str:
    """One sentence for one correction or variation, from its recorded details."""
    if action == AuditAction.CONTRACT_VARIED:
        return f"V{d['number']} {d['decided_on']} {d['decision']}: {variation_terms(d)} ({d['rationale']})"
    if action == AuditAction.CONTRACT_AMENDED:
        return f"corrected {_fields(d['fields'])} ({d['reason']})"
    if action == AuditAction.CONTRACT_RENAMED:
        return f"renamed from {d['renamed_from']} to {d['renamed_to']} ({d['reason']})"
    if action == AuditAction.CONTRACT_REOPENED:
        return f"reopened after its close on {d['closed_on_before']} ({d['reason']})"
    if action == AuditAction.DELIVERABLE_AMENDED:
        return f"#{d['seq']} corrected {_fields(d['fields'])} ({d['reason']})"
    if action == AuditAction.DELIVERABLE_REVOKED:
        return (f"#{d['seq']} acceptance by {d['accepted_by_before']} on {d['accepted_on_before']} revoked "
                f"({d['reason']})")
    decision = f" under {d['decision']}" if d.get("decision") else ""
    return f"#{d['seq']} due {d['due_before']} -> {d['due_after']}{decision} ({d['reason']})"
