"""What every command shares: which database, who is acting, and the one way errors reach the user.

Nothing here imports the store or the domain models at module level: `tracker --help`
must start fast and never pay for what it does not use.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from tracker.domain.context import Context


@dataclass
class CliState:
    database: str | None = None
    acting_as: str | None = None
    _engine: Engine | None = field(default=None, repr=False)

    @property
    def target(self) -> str:
        from tracker.cli.paths import default_database

        return self.database or os.environ.get("TRACKER_DB") or default_database()

    def engine(self, *, create: bool = True) -> Engine:
        if self._engine is None:
            from sqlalchemy.exc import ArgumentError, DBAPIError

            from tracker.domain.schema import open_store
            from tracker.store.errors import StoreError

            try:
                self._engine = open_store(self.target, create=create)
            except ArgumentError as error:  # an unknown URL scheme or a missing database driver
                raise StoreError(f"cannot use --db {self.target!r}: {error}") from None
            except ImportError as error:
                raise StoreError(f"cannot use --db {self.target!r}: its database driver is not installed "
                                 f"({error.name})") from None
            except DBAPIError as error:
                raise StoreError(f"cannot open the database at --db {self.target!r}: {error.orig}") from None
        return self._engine

    def context(self) -> Context:
        from tracker.domain.context import Context
        from tracker.domain.fiscal import system_clock
        from tracker.domain.people import resolve_actor
        from tracker.store.engine import session_principal

        engine = self.engine()
        actor = resolve_actor(self.acting_as, principal=session_principal(engine))
        return Context(engine=engine, actor=actor, clock=system_clock())


def state(ctx: typer.Context) -> CliState:
    found = ctx.find_root().obj
    if not isinstance(found, CliState):
        found = CliState()
        ctx.find_root().obj = found
    return found
