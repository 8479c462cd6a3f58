"""The schema's versions, and opening a store at the latest one.

Each step is a `Migration` below and an Alembic revision in `migrations/versions` that runs it: adding a step is a
new `Migration(n, …)` here and a new revision file `rNNNN_<what>.py` whose `down_revision` is the step before.

Each step names its tables as they were made (`frozen_tables`, loaded by the steps that build them), never
through today's models: opening a store at the latest version loads neither, so the desk's first screen waits
for neither.
"""

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.engine import Connection

from tracker.store import migrations
from tracker.store.engine import (
    APPEND_ONLY_TABLES,
    append_only_ddl,
    case_key_index_ddl,
    case_keyed,
    drop_append_only_ddl,
    is_embedded,
    make_engine,
    no_truncate_ddl,
    read_only_view,
)
from tracker.store.errors import StoreError
from tracker.store.migrations import Migration, refuse_newer


def _initial_schema(conn: Connection) -> None:
    """The first version's tables, as it made them: the later steps make them today's."""
    from tracker.domain import frozen_tables

    frozen_tables.create(conn, frozen_tables.FIRST)
    for statement in append_only_ddl("audit_event", conn):
        conn.exec_driver_sql(statement)


_REPORT_INDEXES = (
    # per line as of a date: every contract figure read from the index, in line order
    "CREATE INDEX IF NOT EXISTS contract_line_figures ON contract "
    "(budget_line_id, awarded_on, ended_on, value_pence, committed_pence, status)",
    # accepted amounts per contract as of a date, and the next deliverable due
    "CREATE INDEX IF NOT EXISTS deliverable_contract_decided ON deliverable "
    "(contract_id, status, decided_on, amount_pence)",
    # what is owed now: only accepted, not fully paid deliverables are in it, so it stays small
    "CREATE INDEX IF NOT EXISTS deliverable_owed ON deliverable "
    "(status, contract_id, amount_pence, paid_pence, decided_on) "
    "WHERE status = 'accepted' AND paid_pence < amount_pence",
    # paid per deliverable as of a date, without touching the payment rows
    "CREATE INDEX IF NOT EXISTS payment_deliverable_amount ON payment (deliverable_id, paid_on, amount_pence)",
)


_DESK_INDEXES = (
    # the desk's contract list walks the index of its sort key and stops at the end of a page
    "CREATE INDEX IF NOT EXISTS contract_value ON contract (value_pence)",
    "CREATE INDEX IF NOT EXISTS contract_paid ON contract (paid_pence)",
)


_EXPORT_INDEXES = (
    # live contracts in reference order: the commitments export's streams test each contract on the index alone,
    # so the deliverables stream never reads a contract row and the contracts stream reads only the live ones
    "CREATE INDEX IF NOT EXISTS contract_reference_live ON contract "
    "(reference, id, awarded_on, ended_on, value_pence, paid_pence)",
)


_YEAR_INDEXES = (
    # the desk's contract list of one financial year, walked in the order of its sort key
    "CREATE INDEX IF NOT EXISTS contract_year_reference ON contract (fiscal_year, reference)",
    "CREATE INDEX IF NOT EXISTS contract_year_supplier ON contract (fiscal_year, supplier)",
    "CREATE INDEX IF NOT EXISTS contract_year_value ON contract (fiscal_year, value_pence)",
    "CREATE INDEX IF NOT EXISTS contract_year_paid ON contract (fiscal_year, paid_pence)",
    "CREATE INDEX IF NOT EXISTS contract_year_status ON contract (fiscal_year, status)",
    # the dashboard's waiting work: only deliverables not yet accepted, or accepted and not fully paid
    "CREATE INDEX IF NOT EXISTS deliverable_waiting ON deliverable "
    "(contract_id, status, due_on, seq, amount_pence, paid_pence, name, decided_by) "
    "WHERE status <> 'accepted' OR paid_pence < amount_pence",
)
_SUPERSEDED_INDEXES = ("ix_contract_supplier", "contract_value", "contract_paid")


def _contract_year(conn: Connection) -> None:
    """Contracts carry their line's year, and the desk's indexes lead with it.

    Walking an index of all years for one year's page skipped every earlier year's contracts first
    (references such as DMPCD 2017 … sort after all of 2015 and 2016).
    """
    if "fiscal_year" not in {column["name"] for column in inspect(conn).get_columns("contract")}:
        conn.exec_driver_sql("ALTER TABLE contract ADD COLUMN fiscal_year INTEGER NOT NULL DEFAULT 0")
        conn.exec_driver_sql("UPDATE contract SET fiscal_year = "
                             "(SELECT fiscal_year FROM budget_line WHERE budget_line.id = contract.budget_line_id)")
    for name in _SUPERSEDED_INDEXES:
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
    _statements(_YEAR_INDEXES)(conn)


def _payments_append_only(conn: Connection) -> None:
    """Payments are never edited or deleted, by the tracker or by anything else on the store: a reversal is a new
    payment. The store refuses it as it refuses an edit of the audit trail."""
    for statement in append_only_ddl("payment", conn):
        conn.exec_driver_sql(statement)


_PUBLICATION_COLUMNS = (
    ("supplier_is_individual", "BOOLEAN NOT NULL DEFAULT FALSE"),
    ("expense_type", "VARCHAR(200) NOT NULL DEFAULT ''"),
    ("published", "BOOLEAN NOT NULL DEFAULT FALSE"),
    ("value_for_money_reason", "VARCHAR(500)"),
)


def _publication(conn: Connection) -> None:
    """What publishing spending needs of a contract (individual supplier, expense type, published, the
    value-for-money reason), and events found by time so that a nightly OCDS package reads only the day's."""
    present = {column["name"] for column in inspect(conn).get_columns("contract")}
    for name, ddl in _PUBLICATION_COLUMNS:
        if name not in present:
            conn.exec_driver_sql(f"ALTER TABLE contract ADD COLUMN {name} {ddl}")
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS audit_event_at ON audit_event (at, seq)")


_IDENTITY_COLUMNS = (
    ("deliverable", "recorded_by", "VARCHAR(200)"),
    ("deliverable", "recorded_login", "VARCHAR(200)"),
    ("payment", "released_login", "VARCHAR(200)"),
)


def _identity(conn: Connection) -> None:
    """Who recorded a sign-off and who released a payment, as principals; and the people register."""
    from tracker.domain import frozen_tables

    for table, column, kind in _IDENTITY_COLUMNS:
        if column not in {found["name"] for found in inspect(conn).get_columns(table)}:
            conn.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")
    frozen_tables.create(conn, frozen_tables.PEOPLE_REGISTER)


_ORIGINAL_COLUMNS = (
    ("contract", "original_value_pence", "BIGINT"),
    ("contract", "variations", "INTEGER NOT NULL DEFAULT 0"),
    ("deliverable", "original_due_on", "DATE"),
)


def _originals(conn: Connection) -> None:
    """A varied contract keeps its original value, a reprofiled deliverable its original due date (issue 13)."""
    for table, column, kind in _ORIGINAL_COLUMNS:
        if column not in {found["name"] for found in inspect(conn).get_columns(table)}:
            conn.exec_driver_sql(f"ALTER TABLE {table} ADD COLUMN {column} {kind}")


def _no_truncate(conn: Connection) -> None:
    """Append-only holds against TRUNCATE too, on the server that has it."""
    for table in APPEND_ONLY_TABLES:
        for statement in no_truncate_ddl(table, conn):
            conn.exec_driver_sql(statement)


def _year_end(conn: Connection) -> None:
    """Each payment records the financial year it is charged to: its line's, even when it settles an accrual after
    that year ended. Payments are append-only, so their guards are lifted for the one fill and put back with it.
    A deliverable can be carried forward to a line of the next year, or released, when its year is closed; the
    closed years are recorded. Invoices are records, unique per supplier, and a payment names the one it matched."""
    from tracker.domain import frozen_tables

    _add_payment_column(conn, "charged_year", "INTEGER NOT NULL DEFAULT 0",
                        "(SELECT b.fiscal_year FROM contract c JOIN budget_line b ON b.id = c.budget_line_id "
                        "WHERE c.id = payment.contract_id)")
    present = {column["name"] for column in inspect(conn).get_columns("deliverable")}
    for name, ddl in _YEAR_END_COLUMNS:
        if name not in present:
            conn.exec_driver_sql(f"ALTER TABLE deliverable ADD COLUMN {name} {ddl}")
    frozen_tables.create(conn, frozen_tables.YEAR_END)
    if "invoice_id" not in {column["name"] for column in inspect(conn).get_columns("payment")}:
        conn.exec_driver_sql("ALTER TABLE payment ADD COLUMN invoice_id INTEGER REFERENCES invoice (id)")
    # the few deliverables carried forward, for the reports that move their payments to the line that funds them
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS deliverable_carried ON deliverable "
                         "(carried_to_line_id, contract_id, id) WHERE carried_to_line_id IS NOT NULL")
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS deliverable_released ON deliverable "
                         "(released_in, contract_id, id) WHERE released_in IS NOT NULL")


_YEAR_END_COLUMNS = (
    ("carried_to_line_id", "INTEGER REFERENCES budget_line (id)"),
    ("released_in", "INTEGER"),
)


_ANY_CASE = (
    ("budget_line", "code", "budget_line_code_any_case", "budget lines", "budget rename"),
    ("contract", "reference", "contract_reference_any_case", "contracts", "contract rename"),
)


def _any_case(conn: Connection) -> None:
    """A code or reference names one record whatever its case, held by a unique index on its case key. A store that
    already holds two that differ only in case is refused, unchanged: which one a command means is the officer's
    to say, by renaming one (which runs on the store as it is, before this step)."""
    _refuse_pairs_differing_in_case(conn)
    for table, column, index, _, _ in _ANY_CASE:
        conn.exec_driver_sql(case_key_index_ddl(index, table, column, conn))


def _refuse_pairs_differing_in_case(conn: Connection) -> None:
    from tracker.domain import frozen_tables

    for name, column, _, records, command in _ANY_CASE:
        table = frozen_tables.FROZEN.tables[name]
        key = case_keyed(table.c[column])
        pair = conn.execute(select(func.min(table.c.id), func.max(table.c.id)).group_by(key)
                            .having(func.count() > 1).order_by(func.min(table.c.id)).limit(1)).first()
        if pair is not None:
            first, second = (conn.execute(select(table.c[column]).where(table.c.id == row_id)).scalar_one()
                             for row_id in pair)
            raise StoreError(f"{records} {first!r} and {second!r} differ only in case, and this tracker takes them "
                             f"for one; rename one first, e.g. `tracker {command} {second!r} NEW --reason \"…\"`. "
                             f"Nothing was changed")


def _invoices_required(conn: Connection) -> None:
    """A payment needs a recorded invoice unless its line says otherwise; the invoice texts payments carried
    become invoice records (the audited fill is the domain's, in `invoice_history`)."""
    if "invoices_required" not in {column["name"] for column in inspect(conn).get_columns("budget_line")}:
        conn.exec_driver_sql("ALTER TABLE budget_line ADD COLUMN invoices_required BOOLEAN NOT NULL DEFAULT TRUE")
    from tracker.domain import invoice_history  # the audited fill writes events through the ORM

    invoice_history.record_invoices(conn)


def _funding_parts(conn: Connection) -> None:
    """A contract funded over several years puts each deliverable's part on the line of its year; the few such
    deliverables are indexed for the reports that move their figures to the line that funds them."""
    if "budget_line_id" not in {column["name"] for column in inspect(conn).get_columns("deliverable")}:
        conn.exec_driver_sql("ALTER TABLE deliverable ADD COLUMN budget_line_id INTEGER REFERENCES budget_line (id)")
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS deliverable_part ON deliverable "
                         "(budget_line_id, contract_id, id) WHERE budget_line_id IS NOT NULL")


def _add_payment_column(conn: Connection, name: str, ddl: str, fill: str) -> None:
    """A new column of the append-only payments, filled once: their guards are lifted for the fill and put back
    with it, in the step's transaction."""
    if name in {column["name"] for column in inspect(conn).get_columns("payment")}:
        return
    for statement in drop_append_only_ddl("payment", conn):
        conn.exec_driver_sql(statement)
    conn.exec_driver_sql(f"ALTER TABLE payment ADD COLUMN {name} {ddl}")
    conn.exec_driver_sql(f"UPDATE payment SET {name} = {fill}")
    for statement in append_only_ddl("payment", conn):
        conn.exec_driver_sql(statement)


def _charged_lines(conn: Connection) -> None:
    """Each deliverable keeps the line that funds it, and each payment the line it was charged to (its deliverable's
    funding line: a part moves only while unpaid and unaccepted), so the as-of report sums a line's payments and
    acceptances off one index each instead of visiting every contract of the line."""
    if "funding_line_id" not in {column["name"] for column in inspect(conn).get_columns("deliverable")}:
        conn.exec_driver_sql("ALTER TABLE deliverable ADD COLUMN funding_line_id INTEGER REFERENCES budget_line (id)")
        conn.exec_driver_sql("UPDATE deliverable SET funding_line_id = COALESCE(carried_to_line_id, budget_line_id, "
                             "(SELECT c.budget_line_id FROM contract c WHERE c.id = deliverable.contract_id))")
    _add_payment_column(conn, "budget_line_id", "INTEGER REFERENCES budget_line (id)",
                        "(SELECT d.funding_line_id FROM deliverable d WHERE d.id = payment.deliverable_id)")
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS payment_line_paid ON payment "
                         "(budget_line_id, paid_on, amount_pence)")
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS deliverable_line_status ON deliverable "
                         "(funding_line_id, status, decided_on, amount_pence)")


_BYTE_ORDER_INDEXES = (
    ("contract_reference_live", '(reference COLLATE "C", id, awarded_on, ended_on, value_pence, paid_pence)'),
    ("contract_year_reference", '(fiscal_year, reference COLLATE "C")'),
    ("contract_year_supplier", '(fiscal_year, supplier COLLATE "C")'),
)


def _byte_order_indexes(conn: Connection) -> None:
    """The lists walk these indexes in byte order (`byte_order`); PostgreSQL builds an index on text in the
    database's collation, which cannot give that order, so it sorted every row instead. The embedded store's
    indexes are in byte order already."""
    if is_embedded(conn.engine):
        return
    for name, columns in _BYTE_ORDER_INDEXES:
        conn.exec_driver_sql(f"DROP INDEX IF EXISTS {name}")
        conn.exec_driver_sql(f"CREATE INDEX {name} ON contract {columns}")


def _reference_key(conn: Connection) -> None:
    """Each contract carries its reference's natural sort key, and the desk's list of a year walks an index of it:
    the reference's own index gave byte order, `DEMO 2015 120` before `DEMO 2015 46`. The key is filled here from
    each reference; it is derived, so `audit verify` recomputes it rather than reading it from an event. The index
    ends with the id, the list's own tie-break, so a page is read from it in order with nothing left to sort."""
    from tracker.domain.natural import KEY_LENGTH, reference_key

    if "reference_key" not in {column["name"] for column in inspect(conn).get_columns("contract")}:
        conn.exec_driver_sql(f"ALTER TABLE contract ADD COLUMN reference_key VARCHAR({KEY_LENGTH}) NOT NULL DEFAULT ''")
    last = 0
    while found := conn.execute(text("SELECT id, reference FROM contract WHERE id > :last ORDER BY id LIMIT 10000"),
                                {"last": last}).all():
        conn.execute(text("UPDATE contract SET reference_key = :key WHERE id = :id"),
                     [{"id": row_id, "key": reference_key(reference)} for row_id, reference in found])
        last = found[-1][0]
    conn.exec_driver_sql("DROP INDEX IF EXISTS contract_year_reference")
    collation = "" if is_embedded(conn.engine) else ' COLLATE "C"'  # the embedded store's is byte order already
    conn.exec_driver_sql("CREATE INDEX IF NOT EXISTS contract_year_reference_key ON contract "
                         f"(fiscal_year, reference_key{collation}, id)")


_WORK_INDEX = (
    # the dashboard's waiting work joins a year's awarded contracts to their deliverables; with the columns it reads
    # in the index it reads no contract's row (at a million payments, the first screen's read of them fell from
    # about 260 to 130 ms on a store not yet in the process's cache, as when the desk opens). It leads with
    # contract_year_status's columns and the id, the order that one gave, so it replaces it: the contract list
    # sorted by status walks this one as it walked that.
    "CREATE INDEX IF NOT EXISTS contract_year_work ON contract "
    "(fiscal_year, status, id, budget_line_id, reference, supplier)",
    "DROP INDEX IF EXISTS contract_year_status",
)


def _statements(statements: tuple[str, ...]) -> Callable[[Connection], None]:
    """A migration step that runs its statements in order (each is idempotent)."""

    def apply(conn: Connection) -> None:
        for statement in statements:
            conn.exec_driver_sql(statement)

    return apply


MIGRATIONS = (
    Migration(1, "budget lines, contracts, deliverables, payments, audit trail", _initial_schema),
    Migration(2, "covering indexes for reports and the commitments export", _statements(_REPORT_INDEXES)),
    Migration(3, "indexes for the desk's contract list sorted by value or paid", _statements(_DESK_INDEXES)),
    Migration(4, "covering index for the commitments export's contracts in reference order",
              _statements(_EXPORT_INDEXES)),
    Migration(5, "contracts carry their line's financial year; the desk's list indexes lead with it", _contract_year),
    Migration(6, "payments are append-only in the store itself, as the audit trail is", _payments_append_only),
    Migration(7, "principals beside claimed names on sign-offs and payments; the people register", _identity),
    Migration(9, "contract fields for publishing spending; audit events indexed by time", _publication),
    Migration(10, "payments and the audit trail refuse TRUNCATE (PostgreSQL)", _no_truncate),
    Migration(11, "variations: a contract's original value and its count of variations; a deliverable's original due "
                  "date",
              _originals),
    Migration(12, "the year end and invoices: payments record the year they are charged to and the invoice "
                  "they matched; carried and released deliverables; closed years; invoices", _year_end),
    Migration(13, "budget line codes and contract references are unique whatever their case", _any_case),
    Migration(14, "invoices required per budget line; each payment's invoice text becomes an invoice record",
              _invoices_required),
    Migration(15, "contracts funded over several years: a deliverable's part on a line of its year", _funding_parts),
    Migration(16, "the contract indexes the lists walk in byte order are built in byte order (PostgreSQL)",
              _byte_order_indexes),
    Migration(17, "contracts carry their reference's natural sort key; the desk's list of a year walks its index",
              _reference_key),
    Migration(18, "deliverables keep the line that funds them and payments the line they were charged to",
              _charged_lines),
    Migration(19, "a covering index for the dashboard's waiting work", _statements(_WORK_INDEX)),
)
ANY_CASE = 13
"""The step a store holding two references that differ only in case refuses: a rename runs on it short of that."""
SCRIPTS = Path(__file__).parent / "migrations"
"""Alembic's script directory: one revision per step."""


def step(version: int) -> Migration:
    """The step a revision runs."""
    (found,) = (m for m in MIGRATIONS if m.version == version)
    return found


def upgrade(engine: Engine, *, upto: int | None = None) -> list[int]:
    """Apply every missing step (up to `upto`), each in its own locked transaction: the steps applied."""
    return migrations.upgrade(engine, [m for m in MIGRATIONS if upto is None or m.version <= upto], SCRIPTS)


def history(target: str) -> tuple[int, list[migrations.Revision]]:
    """The store's version and every step's revision, oldest first, with when the store had it: read only, so that
    an administrator can look at a store older or newer than this tracker before upgrading it."""
    engine = make_engine(target, create=False)
    try:
        return migrations.history(engine, SCRIPTS)
    finally:
        engine.dispose()


def open_store(target: str, *, create: bool = True, migrate: bool = False, upto: int | None = None) -> Engine:
    """An engine on the database at `target`, at the current schema.

    The embedded store is brought up to date on first use. A shared (server) store is migrated only when asked
    (`tracker init` on an empty one, `tracker db upgrade`): officers' commands never alter the schema under each
    other; an older one is refused with the command that upgrades it, a newer one is refused outright. `upto` stops
    short of a later step, for the correction that step's refusal asks for.
    """
    engine = make_engine(target, create=create)
    try:
        have = refuse_newer(engine, MIGRATIONS)
        latest = max(m.version for m in MIGRATIONS if upto is None or m.version <= upto)
        carried = have.version > 0 and not have.stamped and (migrate or is_embedded(engine))
        if have.version < latest or carried:
            if not (is_embedded(engine) or migrate):
                raise StoreError(_not_upgraded(have.version, latest))
            if 0 < have.version < ANY_CASE <= latest:  # before any earlier step is applied: a refusal changes nothing
                view = read_only_view(engine)
                try:
                    with view.connect() as conn:
                        _refuse_pairs_differing_in_case(conn)
                finally:
                    if view is not engine:
                        view.dispose()
            upgrade(engine, upto=upto)
    except BaseException:
        engine.dispose()
        raise
    return engine


def _not_upgraded(have: int, latest: int) -> str:
    if have == 0:
        return "this database has no tracker tables yet; create them with `tracker init`. Nothing was changed"
    return (f"this database has schema version {have}, older than this tracker's ({latest}); an administrator "
            f"upgrades it once for everyone with `tracker db upgrade` (after a backup). Nothing was changed")
