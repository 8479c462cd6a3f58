"""Who acts: the principal (who is authenticated) and the name they claim (--as, TRACKER_USER).

The principal is what the system vouches for: the operating-system login on the embedded store, the
database's session user on a shared one. The claimed name is what a person types, so it is cleaned like
all text and compared by how it reads, not by its code points: a Cyrillic "а" in a Latin name, an escape
sequence or a compatibility character must not make one officer into two.
"""

import os
import pwd
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlmodel import Session, col, func, select

from tracker.domain import rules
from tracker.domain.audit import AuditAction
from tracker.domain.errors import InvalidInput
from tracker.domain.models import Permission, Person
from tracker.domain.text import clean_name, clean_text, same_name
from tracker.store.engine import byte_order

if TYPE_CHECKING:
    from tracker.domain.context import Context


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


# -- the people register ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RegisteredPerson:
    name: str
    login: str
    may: tuple[Permission, ...]


def parse_permissions(text: str) -> tuple[Permission, ...]:
    """"accept,pay" as Permissions, in the register's fixed order."""
    wanted = {part.strip().lower() for part in str(text).split(",") if part.strip()}
    known = {p.value for p in Permission}
    unknown = sorted(wanted - known)
    if unknown or not wanted:
        raise InvalidInput(f"may {text!r} is not a list of {', '.join(p.value for p in Permission)}")
    return tuple(p for p in Permission if p.value in wanted)


def registered_people(session: Session) -> tuple[RegisteredPerson, ...]:
    """Everyone in the register, by name then login; empty means single-officer mode."""
    rows = session.exec(select(Person).order_by(byte_order(col(Person.name)), byte_order(col(Person.login)))).all()
    return tuple(_registered(row) for row in rows)


SINGLE_OFFICER = ("the people register is empty: single-officer mode. One login may act under several names, so "
                  "segregation of duties compares names only; give each officer their own login and add them with "
                  "`tracker people add` to enforce it between people")


def register_state(session: Session) -> str:
    """One sentence on how segregation of duties is enforced here, for `people list`, `audit verify` and the desk."""
    count = session.exec(select(func.count()).select_from(Person)).one()
    if not count:
        return SINGLE_OFFICER
    return (f"the people register holds {count:,} {'person' if count == 1 else 'people'}: every action's login must "
            "be a registered person acting in their own name")


def has_register(session: Session) -> bool:
    return session.exec(select(Person.id).limit(1)).first() is not None


def authorise(session: Session, actor: Actor, action: Permission) -> None:
    """With a register, the principal must be a registered person who may take `action`, acting in their own name.

    An empty register is single-officer mode: one login may act for several people, so nothing is checked here.
    """
    if not has_register(session):
        return
    person = session.exec(select(Person).where(Person.login == actor.login)).first()
    rules.registered(actor.login, actor.claimed, None if person is None else _registered(person), action)


def add_person(ctx: "Context", name: str, *, login: str, may: tuple[Permission, ...]) -> RegisteredPerson:
    """Register a person. The first entry starts the register, so it must be the acting login, with admin: an office
    cannot lock out the person who set it up."""
    name = clean_name("name", name)
    login = clean_text("login", login)
    with ctx.change() as change:
        first = change.session.exec(select(Person.id).limit(1)).first() is None
        taken = change.session.exec(select(Person.id).where(Person.login == login)).first() is not None
        rules.register_entry(login, taken=taken, first=first, acting_login=ctx.actor.login,
                             admin=Permission.ADMIN in may)
        row = Person(name=name, login=login, may=",".join(may), added_at=ctx.clock.timestamp())
        change.session.add(row)
        change.session.flush()
        change.record(AuditAction.PERSON_ADDED, None, name=name, login=login, may=row.may)
    return _registered(row)


def _registered(row: Person) -> RegisteredPerson:
    return RegisteredPerson(row.name, row.login, tuple(Permission(p) for p in row.may.split(",") if p))
