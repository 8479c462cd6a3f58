"""What every command shares: which database, who is acting, and the one way errors reach the user.

Nothing here imports the store or the domain models at module level: `tracker --help`
must start fast and never pay for what it does not use.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typer
    from sqlalchemy import Connection, Engine

    from tracker.domain.context import Context


@dataclass
class CliState:
    database: str | None = None
    acting_as: str | None = None
    _changed: bool = field(default=False, repr=False)
    _pending: bool = field(default=False, repr=False)
    _engine: Engine | None = field(default=None, repr=False)

    @property
    def target(self) -> str:
        from tracker.cli.paths import default_database

        return self.database or os.environ.get("TRACKER_DB") or default_database()

    def engine(self, *, create: bool = True, migrate: bool = False, upto: int | None = None) -> Engine:
        if self._engine is None:
            from sqlalchemy import event
            from sqlalchemy.exc import ArgumentError, DBAPIError

            from tracker.domain.schema import open_store
            from tracker.store.errors import StoreError

            try:
                self._engine = open_store(self.target, create=create, migrate=migrate, upto=upto)
            except ArgumentError as error:  # an unknown URL scheme or a missing database driver
                raise StoreError(f"cannot use --db {self.target!r}: {error}") from None
            except ImportError as error:
                raise StoreError(f"cannot use --db {self.target!r}: its database driver is not installed "
                                 f"({error.name})") from None
            except DBAPIError as error:
                raise StoreError(f"cannot open the database at --db {self.target!r}: {error.orig}") from None
            event.listen(self._engine, "commit", self._committing)
            event.listen(self._engine, "rollback", self._rolled_back)
            event.listen(self._engine, "handle_error", self._rolled_back)
            event.listen(self._engine, "begin", self._began)
        return self._engine

    @property
    def changed(self) -> bool:
        """Whether a write of this command has committed: from then on it must never be reported as not.

        The engine announces a commit before it runs, so a write counts once nothing undid it: a commit that
        fails (a full disk) raises a database error, one that succeeded is followed by the next begin.
        """
        return self._changed or self._pending

    def _committing(self, connection: Connection) -> None:
        from tracker.store.engine import WRITE_OPTION

        if connection.get_execution_options().get(WRITE_OPTION):
            self._pending = True

    def _rolled_back(self, _connection_or_error: object) -> None:
        self._pending = False

    def _began(self, _connection: Connection) -> None:
        self._changed = self._changed or self._pending
        self._pending = False

    def context(self, *, upto: int | None = None) -> Context:
        """`upto` stops the store's upgrade short of a later step (see `open_store`)."""
        from tracker.domain.actor import resolve_actor
        from tracker.domain.context import Context
        from tracker.domain.fiscal import system_clock
        from tracker.store.engine import session_principal

        engine = self.engine(upto=upto)
        actor = resolve_actor(self.acting_as, principal=session_principal(engine))
        return Context(engine=engine, actor=actor, clock=system_clock())


def state(ctx: typer.Context) -> CliState:
    found = ctx.find_root().obj
    if not isinstance(found, CliState):
        found = CliState()
        ctx.find_root().obj = found
    return found
