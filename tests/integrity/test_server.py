"""A shared store's waits and failures: a held lock is "busy" (exit 3) after TRACKER_BUSY_TIMEOUT_MS, a server
that never answers is one line, a connection lost before COMMIT recorded nothing, one lost with the COMMIT's answer
is "outcome unknown" (never "nothing was recorded"), and a URL's password never appears in any message.

PostgreSQL only: the embedded store has no connection to lose; its busy lock is tested with the race harness.
"""

import time
from collections.abc import Iterator

import pytest
from sqlalchemy import create_engine, make_url
from sqlalchemy.pool import NullPool

from tests.cli.conftest import Tracker, one_line
from tests.conftest import DEMO, DEMO_TODAY
from tests.integrity.helpers import BOB
from tests.integrity.proxy import Fault, Proxy
from tracker.domain import payments
from tracker.domain.context import Context
from tracker.domain.fiscal import fixed_clock
from tracker.domain.schema import open_store
from tracker.store.engine import STORE_LOCK
from tracker.store.errors import StoreError
from tracker.store.session import BUSY, LOST

from ..stores import drop_store, rows, server

REF = "DEMO 2015 120"
"""Its deliverable 1, £40,000.00, is accepted in the demo and not yet paid."""


@pytest.fixture
def demo() -> Iterator[Tracker]:
    """The demo on a PostgreSQL database of the test's own."""
    url = server().migrated()
    tracker = Tracker(url)
    tracker("import", str(DEMO))
    yield tracker
    drop_store(url)


def _with_password(url: str, port: int | None = None) -> str:
    found = make_url(url).set(password="s3cret-pw")
    if port is not None:
        found = found.set(port=port)
    return found.render_as_string(hide_password=False)


def _payments(url: str) -> int:
    return int(rows(url, "SELECT COUNT(*) FROM payment")[0][0])


def test_a_row_lock_held_elsewhere_is_busy_after_the_timeout_exit_3(demo: Tracker) -> None:
    holder = create_engine(demo.db, poolclass=NullPool)
    with holder.begin() as conn:
        conn.exec_driver_sql("SELECT * FROM budget_line FOR UPDATE")  # an officer's psql session, left open
        started = time.monotonic()
        result = demo("pay", REF, "1", code=3, env={"TRACKER_BUSY_TIMEOUT_MS": "700"})
        waited = time.monotonic() - started
    holder.dispose()
    assert one_line(result, "error: ") == BUSY
    assert 0.7 <= waited < 10
    assert _payments(demo.db) == 4


def test_a_server_that_never_answers_is_one_line_within_the_wait(demo: Tracker) -> None:
    silent = Proxy("127.0.0.1", 1, Fault.SILENT)
    try:
        started = time.monotonic()
        result = Tracker(_with_password(demo.db, silent.port))("contract", "list", code=3,
                                                               env={"TRACKER_BUSY_TIMEOUT_MS": "1000"})
        waited = time.monotonic() - started
    finally:
        silent.close()
    message = one_line(result, "error: ")
    assert message.startswith(f"cannot connect to the database at postgresql+psycopg://{make_url(demo.db).username}:***@")
    assert "s3cret-pw" not in result.stdout + result.stderr
    assert waited < 10


def test_a_lost_answer_to_commit_says_the_outcome_is_unknown_never_nothing_recorded(demo: Tracker) -> None:
    url = make_url(demo.db)
    proxy = Proxy(url.host or "127.0.0.1", url.port or 5432, Fault.LOSE_COMMIT_REPLY)
    try:
        result = Tracker(_with_password(demo.db, proxy.port))("pay", REF, "1", code=3)
    finally:
        proxy.close()
    assert proxy.commits_lost == 1
    message = one_line(result, "error: ")
    assert message == ("the connection to the database was lost while the change was being committed: the outcome is "
                       "unknown (it may have been recorded); check with `tracker show REF` before trying again")
    assert "nothing was recorded" not in result.stderr and "s3cret-pw" not in result.stderr
    assert _payments(demo.db) == 5  # it was: the server committed, only its answer was lost
    assert "£40,000.00" in demo("show", REF).stdout


def test_a_connection_killed_before_commit_records_nothing_and_says_so(demo: Tracker,
                                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    """The backend holding the write lock is terminated (pg_terminate_backend) while the payment is checked."""
    engine = open_store(demo.db)
    original = payments._check_release

    def terminated(*args: object, **kwargs: object) -> None:
        with create_engine(demo.db, poolclass=NullPool).connect() as admin:
            admin.exec_driver_sql("SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' "
                                  f"AND objid = {STORE_LOCK & 0xFFFFFFFF} AND pid <> pg_backend_pid()")
        time.sleep(0.2)
        original(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(payments, "_check_release", terminated)
    with pytest.raises(StoreError) as lost:
        payments.release_payment(Context(engine, BOB, fixed_clock(DEMO_TODAY)), REF, 1)
    engine.dispose()
    assert lost.value.message == LOST
    assert _payments(demo.db) == 4
    assert demo("audit", "verify").exit_code == 0


def test_the_password_in_a_url_never_appears(demo: Tracker) -> None:
    with_password = Tracker(_with_password(demo.db))
    shown = with_password("init").stdout
    assert "s3cret-pw" not in shown and ":***@" in shown
    refused = Tracker(_with_password(demo.db, port=1))("contract", "list", code=3)
    assert "s3cret-pw" not in refused.stdout + refused.stderr
    assert one_line(refused, "error: ").startswith("cannot connect to the database at postgresql+psycopg://")
