"""The desk's header says who is acting, under which login, and whether segregation of duties can tell people apart."""

from sqlalchemy import Engine

from tracker.domain.context import Context
from tracker.domain.fiscal import fixed_clock
from tracker.domain.people import Actor, Permission, add_person
from tracker.ui.app import build_app

from ..conftest import DEMO_TODAY
from .conftest import OFFICER, DeskFactory
from .helpers import desk_test


@desk_test
async def test_the_header_names_the_login_beside_the_claimed_name_in_single_officer_mode(desk: DeskFactory) -> None:
    app = desk()
    async with app.run_test(size=(120, 30)):
        assert app.sub_title == "2015/16 · Bob Pays (login bob) · today 19 Oct 2015 · single-officer mode · demo"


@desk_test
async def test_with_a_people_register_the_header_drops_single_officer_mode(demo_engine: Engine) -> None:
    admin = Context(demo_engine, Actor("Ada Admin", "ada"), fixed_clock(DEMO_TODAY))
    add_person(admin, "Ada Admin", login="ada", may=(Permission.ADMIN,))
    add_person(admin, "Bob Pays", login="bob", may=(Permission.PAY,))
    app = build_app(demo_engine, OFFICER, fixed_clock(DEMO_TODAY), cursor_blink=False)
    async with app.run_test(size=(120, 30)):
        assert app.sub_title == "2015/16 · Bob Pays (login bob) · today 19 Oct 2015"


@desk_test
async def test_a_login_acting_in_its_own_name_is_named_once(demo_engine: Engine) -> None:
    app = build_app(demo_engine, Actor("bob", "bob"), fixed_clock(DEMO_TODAY), cursor_blink=False)
    async with app.run_test(size=(120, 30)):
        assert app.sub_title == "2015/16 · bob · today 19 Oct 2015 · single-officer mode"
