"""Every store is made by the same steps, so a store made today and one made by the first version and upgraded are
the same table for table, column for column and in the same order; the migrations make the tables the models
describe; and both stores have the same columns in the same order."""

import sqlite3
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, inspect
from sqlmodel import SQLModel

from tracker.domain.schema import open_store

FIRST_VERSION_STORE = Path(__file__).parents[1] / "fixtures" / "first_version_store.sql"


def _embedded_schema(path: Path) -> list[Any]:
    """What the file says of itself: each table, index and trigger as made, and each column's place and default."""
    with sqlite3.connect(path) as conn:
        found: list[Any] = []
        for kind, name, sql in conn.execute("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL "
                                            "ORDER BY type, name"):
            found.append((kind, name, sql))
            if kind == "table":
                found += conn.execute(f"SELECT * FROM pragma_table_xinfo('{name}')").fetchall()
    return found


def test_a_store_made_by_the_first_version_and_upgraded_is_a_store_made_today(tmp_path: Path) -> None:
    upgraded, fresh = tmp_path / "first.db", tmp_path / "today.db"
    with sqlite3.connect(upgraded) as conn:
        conn.executescript(FIRST_VERSION_STORE.read_text(encoding="utf-8"))
    open_store(str(upgraded)).dispose()
    open_store(str(fresh)).dispose()
    assert _embedded_schema(upgraded) == _embedded_schema(fresh)


def _columns(engine: Engine) -> dict[str, list[tuple[str, bool]]]:
    """Each table's columns in order, and whether each may be null (a primary key never may, whatever the
    embedded store reports of `INTEGER PRIMARY KEY`)."""
    found = inspect(engine)
    shape = {}
    for table in sorted(found.get_table_names()):
        key = set(found.get_pk_constraint(table)["constrained_columns"])
        shape[table] = [(c["name"], bool(c["nullable"]) and c["name"] not in key) for c in found.get_columns(table)]
    return shape


@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
def test_the_migrations_make_the_tables_the_models_describe(store: str) -> None:
    """Indexes on an expression (the case keys of migration 13) are not reflected, and not declared by the models."""
    engine = open_store(store)
    try:
        made = _columns(engine)
        indexes = {table: {i["name"] for i in inspect(engine).get_indexes(table)} for table in made}
    finally:
        engine.dispose()
    for table in SQLModel.metadata.sorted_tables:
        assert sorted(made[table.name]) == sorted((c.name, bool(c.nullable)) for c in table.columns), table.name
        assert {i.name for i in table.indexes} <= indexes[table.name], table.name


def test_both_stores_have_the_same_columns_in_the_same_order(store: str, tmp_path: Path) -> None:
    engine, embedded = open_store(store), open_store(str(tmp_path / "embedded.db"))
    try:
        assert _columns(engine) == _columns(embedded)
    finally:
        engine.dispose()
        embedded.dispose()
