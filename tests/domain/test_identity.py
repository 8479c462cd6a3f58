# ruff: noqa: E501  (messages are pinned verbatim, one string each)
"""Who acted: the principal beside the claimed name, names cleaned and compared as they read, and the five ways
one person paid their own acceptance before (issue 10, "Who acted")."""

import datetime as dt
import shutil
from pathlib import Path

import pendulum
import pytest
from sqlalchemy import Engine

from tracker.domain.context import Context
from tracker.domain.deliverables import accept_deliverable, submit_deliverable
from tracker.domain.errors import InvalidInput, Refusal
from tracker.domain.fiscal import Clock, fixed_clock, system_clock
from tracker.domain.importing import import_folder
from tracker.domain.models import Permission
from tracker.domain.payments import release_payment
from tracker.domain.people import Actor, add_person, registered_people, resolve_actor
from tracker.domain.rules import Rule
from tracker.domain.text import clean_name, same_name

from ..conftest import DEMO, DEMO_TODAY
from .ledger import REF, events, founding_case, scalar, snapshot


def as_(engine: Engine, claimed: str, login: str) -> Context:
    return Context(engine, Actor(claimed, login), fixed_clock(DEMO_TODAY))


def signed_off(ctx: Context, by: str | None = None) -> None:
    submit_deliverable(ctx, REF, 1, on=dt.date(2015, 9, 1))
    accept_deliverable(ctx, REF, 1, accepted_by=by, on=dt.date(2015, 9, 2))


def refused_sod(engine: Engine, ctx: Context) -> Refusal:
    before = snapshot(engine)
    with pytest.raises(Refusal) as refused:
        release_payment(ctx, REF, 1, paid_on=dt.date(2015, 9, 3))
    assert refused.value.rule == Rule.SEGREGATION_OF_DUTIES
    assert snapshot(engine) == before
    return refused.value


# -- the five bypasses ------------------------------------------------------------------------------------------


def test_bypass_1_accept_by_a_colleague_then_pay_as_yourself(engine: Engine) -> None:
    alice = as_(engine, "Alice Accepts", "alice")
    founding_case(alice)
    signed_off(alice, by="Carol Colleague")
    refusal = refused_sod(engine, alice)
    assert refusal.message == (f"Alice Accepts recorded the acceptance of {REF} #1 and so may not release its payment; "
                               f"another officer must, or it is released as an override with a reason")
    stored = scalar(engine, "SELECT decided_by || '/' || recorded_by || '/' || recorded_login FROM deliverable WHERE seq = 1")
    assert stored == "Carol Colleague/Alice Accepts/alice"


def test_bypass_2_a_homoglyph_in_the_name(engine: Engine) -> None:
    alice = as_(engine, "Alice Accepts", "alice")
    founding_case(alice)
    signed_off(alice)
    with pytest.raises(InvalidInput, match="mixes letters of Cyrillic and Latin"):
        resolve_actor("\u0410lice Accepts")  # a Cyrillic capital A
    refused_sod(engine, as_(engine, "\u0410\u043bi\u0441\u0435 Accepts".replace("\u043b", "l"), "other"))
    assert same_name("Аlісе Ассерts", "Alice Accepts")


def test_bypass_3_an_escape_sequence_in_the_name(engine: Engine) -> None:
    with pytest.raises(InvalidInput, match="control characters"):
        resolve_actor("Alice Accepts\x1b[0m")
    with pytest.raises(InvalidInput, match="control characters"):
        clean_name("accepted by", "Alice\x1b[0m")
    assert resolve_actor("Ａｌｉｃｅ").claimed == "Alice"  # NFKC: full-width letters are the same name


def test_bypass_4_two_claimed_names_under_one_login(engine: Engine) -> None:
    admin = as_(engine, "Alice Accepts", "alice")
    founding_case(admin)
    add_person(admin, "Alice Accepts", login="alice", may=(Permission.ACCEPT, Permission.ADMIN))
    add_person(admin, "Bob Pays", login="bob", may=(Permission.PAY,))
    signed_off(admin)
    with pytest.raises(Refusal) as refused:
        release_payment(as_(engine, "Bob Pays", "alice"), REF, 1, paid_on=dt.date(2015, 9, 3))
    assert (refused.value.rule, refused.value.message) == (
        Rule.PEOPLE_REGISTER, "the login alice is Alice Accepts's and cannot act as Bob Pays")
    with pytest.raises(Refusal) as may_not:
        release_payment(admin, REF, 1, paid_on=dt.date(2015, 9, 3))
    assert may_not.value.message == "Alice Accepts may accept, admin, not pay"
    assert release_payment(as_(engine, "Bob Pays", "bob"), REF, 1, paid_on=dt.date(2015, 9, 3)).amount_pence == 4_488_000


def test_with_a_register_the_recording_login_may_not_pay(engine: Engine) -> None:
    admin = as_(engine, "Alice Accepts", "alice")
    founding_case(admin)
    add_person(admin, "Alice Accepts", login="alice", may=(Permission.ACCEPT, Permission.PAY, Permission.ADMIN))
    signed_off(admin, by="Carol Colleague")
    assert "recorded the acceptance" in refused_sod(engine, admin).message


def test_bypass_5_imported_history_released_by_its_acceptor(alice: Context, engine: Engine, tmp_path: Path) -> None:
    folder = tmp_path / "demo"
    shutil.copytree(DEMO, folder)
    path = folder / "payments.csv"
    path.write_text(path.read_text(encoding="utf-8").replace("GR-1041,Tom Whitfield", "GR-1041,sarah  OKAFOR"), encoding="utf-8")
    before = snapshot(engine)
    with pytest.raises(Refusal) as refused:
        import_folder(alice, folder)
    assert refused.value.message == (
        "payments.csv line 2, column released_by: DEMO 2014 110 #1 was released by sarah OKAFOR, who also accepted "
        "it (Sarah Okafor); history that breaks segregation of duties is imported only as an override with a reason")
    assert snapshot(engine) == before
    import_folder(alice, folder, history_without_sod_reason="legacy system had no SoD control")
    event = events(engine)[-1]
    assert (event["action"], event["payload"]["sod_override_reason"]) == ("import", "legacy system had no SoD control")


# -- principal and names ----------------------------------------------------------------------------------------


def test_the_principal_is_recorded_beside_the_claimed_name(engine: Engine) -> None:
    alice = as_(engine, "Alice Accepts", "alice")
    founding_case(alice)
    signed_off(alice)
    release_payment(as_(engine, "Bob Pays", "bob"), REF, 1, paid_on=dt.date(2015, 9, 3))
    accepted = next(e for e in events(engine) if e["action"] == "deliverable.accepted")
    assert (accepted["claimed_by"], accepted["login"], accepted["payload"]["recorded_login"]) == ("Alice Accepts", "alice", "alice")
    assert scalar(engine, "SELECT released_by || '/' || released_login FROM payment") == "Bob Pays/bob"


def test_resolve_actor_takes_the_principal_the_store_names() -> None:
    assert resolve_actor("Bob Pays", principal="tracker_bob") == Actor("Bob Pays", "tracker_bob")


def test_people_register(engine: Engine) -> None:
    alice = as_(engine, "Alice Accepts", "alice")
    with pytest.raises(Refusal, match="the first person in the register must be you"):
        add_person(alice, "Bob Pays", login="bob", may=(Permission.PAY,))
    assert registered_people_of(engine) == ()
    add_person(alice, "Alice Accepts", login="alice", may=(Permission.ADMIN,))
    with pytest.raises(Refusal, match="already in the people register"):
        add_person(alice, "Alice Again", login="alice", may=(Permission.ADMIN,))
    assert registered_people_of(engine) == (("Alice Accepts", "alice", (Permission.ADMIN,)),)


def registered_people_of(engine: Engine) -> tuple[tuple[str, str, tuple[Permission, ...]], ...]:
    from tracker.store.session import read_session

    with read_session(engine) as session:
        return tuple((p.name, p.login, p.may) for p in registered_people(session))


# -- the clock ---------------------------------------------------------------------------------------------------


def test_tracker_today_pins_the_business_day_not_the_audit_timestamps(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACKER_TODAY", "2015-10-19")
    clock = system_clock()
    assert clock.today() == dt.date(2015, 10, 19)
    assert clock.timestamp()[:4] == str(pendulum.now("UTC").year)


def test_a_test_pins_the_clock_through_the_clock_object() -> None:
    moment = pendulum.datetime(2015, 9, 1, 9, tz="UTC")
    assert Clock(now=lambda: moment).timestamp() == "2015-09-01T09:00:00+00:00"
