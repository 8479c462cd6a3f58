"""Who acts: the principal (who is authenticated) and the name they claim (--as, TRACKER_USER).

The principal is what the system vouches for: the operating-system login on the embedded store, the
database's session user on a shared one. The claimed name is what a person types, so it is cleaned like
all text and compared by how it reads, not by its code points: a Cyrillic "а" in a Latin name, an escape
sequence or a compatibility character must not make one officer into two.
"""

from __future__ import annotations

import os
import pwd
from dataclasses import dataclass
from typing import TYPE_CHECKING

from tracker.domain.text import clean_name, same_name

if TYPE_CHECKING:
    from sqlalchemy import Connection
    from sqlmodel import Session


@dataclass(frozen=True)
class Actor:
    claimed: str
    login: str
    """The principal: the OS login, or the database session user on PostgreSQL."""

    def is_same_person(self, name: str | None) -> bool:
        """Names compare by how they read: case, spacing and look-alike letters do not tell people apart."""
        if not name:
            return False
        return same_name(name, self.claimed) or same_name(name, self.login)


def os_login() -> str:
    """The account from the password database, not from environment variables anyone can set."""
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        return f"uid-{os.getuid()}"


def resolve_actor(claimed: str | None = None, *, principal: str | None = None) -> Actor:
    """--as NAME, else TRACKER_USER, else the principal; the principal is the OS login unless the store names one."""
    login = principal or os_login()
    typed = claimed or os.environ.get("TRACKER_USER") or ""
    name = clean_name("acting name", typed) if typed.strip() else login
    return Actor(claimed=name, login=login)


def has_register(conn: Connection | Session) -> bool:
    """Whether the people register names anyone: without it, single-officer mode (principals are not checked).

    In SQLAlchemy Core, so that the desk's header can say so before the ORM is loaded; imported here, as the desk
    paints who acts (an `Actor`) before it loads SQLAlchemy.
    """
    from sqlalchemy import literal_column, select, table

    return conn.execute(select(literal_column("1")).select_from(table("person")).limit(1)).first() is not None
