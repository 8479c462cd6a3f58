"""What every state change needs: the store, who is acting, and what time it is.

`Context.change()` is the one way to change anything: a write transaction that
takes the lock at BEGIN, and an audit event recorded inside it.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine
from sqlmodel import Session

from tracker.domain.audit import record_event
from tracker.domain.fiscal import Clock, system_clock
from tracker.domain.models import Permission
from tracker.domain.people import Actor, authorise, resolve_actor
from tracker.store.session import write_session


@dataclass
class Change:
    """One open write transaction; `record` adds its audit event."""

    session: Session
    context: "Context"

    def record(self, action: str, contract_ref: str | None, **details: Any) -> None:
        record_event(self.session, actor=self.context.actor, at=self.context.clock.timestamp(),
                     action=action, contract_ref=contract_ref, details=details)


@dataclass(frozen=True)
class Context:
    engine: Engine
    actor: Actor = field(default_factory=resolve_actor)
    clock: Clock = field(default_factory=system_clock)

    @contextmanager
    def change(self, may: Permission = Permission.ADMIN) -> Iterator[Change]:
        """A write transaction for an action that needs `may`: with a people register, the principal must have it."""
        with write_session(self.engine) as session:
            authorise(session, self.actor, may)
            yield Change(session=session, context=self)
