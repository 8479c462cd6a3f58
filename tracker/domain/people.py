"""The people register: who may sign off, release money or run the office's records, and the check of it.

Who acts (the principal and the name they claim) is `tracker.domain.actor`'s; it is given here too.
"""

from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlmodel import Session, col, func, select

from tracker.domain import rules
from tracker.domain.actor import Actor as Actor
from tracker.domain.actor import has_register as has_register
from tracker.domain.actor import os_login as os_login
from tracker.domain.actor import resolve_actor as resolve_actor
from tracker.domain.audit import AuditAction
from tracker.domain.errors import InvalidInput
from tracker.domain.models import Permission, Person
from tracker.domain.text import clean_name, clean_text
from tracker.store.engine import byte_order

if TYPE_CHECKING:
    from tracker.domain.context import Context


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
