"""What variations, revisions and virements changed after a day, so that a report as of that day can undo it.

A contract's value and a line's allocation are kept as they stand now; each change to them is an audit event
with the row's image before and after and the date of the decision that made it. The events are few (a few per
decision), so they are read from the trail and their images give each row's change by id, whatever the
contract has been renamed since.
"""

import datetime as dt
import json
from dataclasses import dataclass, field

from sqlalchemy import select as sa_select
from sqlmodel import Session, col

from tracker.domain.audit import AuditAction
from tracker.domain.models import AuditEvent

DATED_CHANGES = (AuditAction.CONTRACT_VARIED, AuditAction.BUDGET_LINE_REVISED, AuditAction.BUDGET_LINE_TRANSFERRED)


@dataclass
class LaterChanges:
    """By row id: how much each line's allocation and each contract's value moved by decisions after the day."""

    allocation: dict[int, int] = field(default_factory=dict)
    value: dict[int, int] = field(default_factory=dict)


def changes_after(session: Session, day: dt.date) -> LaterChanges:
    found = LaterChanges()
    for (payload,) in session.execute(
            sa_select(col(AuditEvent.payload)).where(col(AuditEvent.action).in_([a.value for a in DATED_CHANGES]))
            .order_by(col(AuditEvent.seq))):
        details = json.loads(payload)
        if dt.date.fromisoformat(details["decided_on"]) <= day:
            continue
        for image in details["images"]:
            before, after = image["before"], image["after"]
            if before is None:
                continue
            if image["table"] == "budget_line":
                moved = after["allocation_pence"] - before["allocation_pence"]
                found.allocation[image["id"]] = found.allocation.get(image["id"], 0) + moved
            elif image["table"] == "contract":
                moved = after["value_pence"] - before["value_pence"]
                found.value[image["id"]] = found.value.get(image["id"], 0) + moved
    return found
