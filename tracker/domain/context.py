"""What every state change needs: the store, who is acting, and what time it is.

`Context.change()` is the one way to change anything: a write transaction that
takes the lock at BEGIN, and an audit event recorded inside it. The event carries
the image of every row the change read or wrote, before and after (every column,
re-read from the store at the end, so that rows moved by guarded UPDATEs are seen
as they are): `audit verify` compares each table row with the last image of it.

The ORM is loaded by the first change, not on import: the desk paints its first screen without it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, event, inspect

from tracker.domain.actor import Actor, resolve_actor
from tracker.domain.enums import Permission
from tracker.domain.fiscal import Clock, system_clock
from tracker.store.session import write_session

if TYPE_CHECKING:
    from sqlmodel import Session

    from tracker.domain.audit import AuditAction
    from tracker.domain.images import Image

RowKey = tuple[str, int]


@dataclass
class Change:
    """One open write transaction; `record` adds its audit event with the images of the rows it touched."""

    session: Session
    context: Context
    before: dict[RowKey, Image] = field(default_factory=dict)
    """Each row as it was when this change first loaded it: the store's state under the write lock."""

    outside: list[dict[str, Any]] = field(default_factory=list)
    """Images of rows written outside the session (the lines an import moved), given by `imaged_outside`."""

    def imaged_outside(self, images: list[dict[str, Any]]) -> None:
        self.outside.extend(images)

    def removed(self, row: Any) -> None:
        """Delete a row (a deliverable a variation takes out of scope): the event images it before, and after as
        nothing."""
        table, row_id = row.__tablename__, int(inspect(row).identity[0])
        self.session.delete(row)
        self.outside.append({"table": table, "id": row_id, "before": self.before.get((table, row_id)),
                             "after": None})

    def record(self, action: AuditAction, contract_ref: str | None, **details: Any) -> None:
        """Write the event, with the images of every row this change read or wrote."""
        from tracker.domain.audit import record_event

        self.session.flush()
        details["images"] = self._images() + self.outside
        record_event(self.session, actor=self.context.actor, at=self.context.clock.timestamp(),
                     action=action, contract_ref=contract_ref, details=details)

    def _images(self) -> list[dict[str, Any]]:
        from tracker.domain.images import TRACKED, read_images

        touched: dict[str, list[int]] = {}
        for row in list(self.session.identity_map.values()):
            table = getattr(row, "__tablename__", None)
            if table in TRACKED:
                touched.setdefault(table, []).append(int(inspect(row).identity[0]))
        conn = self.session.connection()
        images = []
        for table in TRACKED:
            after = read_images(conn, table, touched.get(table, ()))
            for row_id in sorted(after):
                images.append({"table": table, "id": row_id, "before": self.before.get((table, row_id)),
                               "after": after[row_id]})
        return images

    def loaded(self, _session: Session, row: Any) -> None:
        from tracker.domain.images import TRACKED, python_image

        table = getattr(row, "__tablename__", None)
        if table in TRACKED:
            self.before.setdefault((table, int(inspect(row).identity[0])), python_image(row))


@dataclass(frozen=True)
class Context:
    engine: Engine
    actor: Actor = field(default_factory=resolve_actor)
    clock: Clock = field(default_factory=system_clock)

    @contextmanager
    def change(self, may: Permission = Permission.ADMIN) -> Iterator[Change]:
        """A write transaction for an action that needs `may`: with a people register, the principal must have it."""
        from tracker.domain.funding import keep_funding_lines
        from tracker.domain.people import authorise

        with write_session(self.engine) as session:
            change = Change(session=session, context=self)
            event.listen(session, "loaded_as_persistent", change.loaded)
            event.listen(session, "before_flush", keep_funding_lines)
            authorise(session, self.actor, may)
            yield change
