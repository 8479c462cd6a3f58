"""References in natural order (`DEMO 2015 46` before `DEMO 2015 120`): the stored key's byte order is
`natural_key`'s order, every way a contract gets or changes its reference writes the key, and `audit verify` names
a key that disagrees with its reference."""

import itertools
import sqlite3
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from tracker.domain.context import Context
from tracker.domain.contracts import add_contract
from tracker.domain.corrections import rename_contract
from tracker.domain.fiscal import fixed_clock
from tracker.domain.importing import import_folder
from tracker.domain.natural import KEY_LENGTH, NUMBER_MARK, natural_key, reference_key
from tracker.domain.people import Actor
from tracker.domain.schema import ANY_CASE, open_store
from tracker.domain.verify import verify_store
from tracker.reports.dashboard import line_contracts

from ..conftest import DEMO, DEMO_TODAY
from .ledger import REF, founding_case
from .test_invoice_history_scale import SCHEMA_12_IMPORT


def by_key(references: list[str]) -> list[str]:
    """In the stores' byte order of the stored key (UTF-8 bytes, as SQLite's BINARY and PostgreSQL's "C")."""
    return sorted(references, key=lambda reference: reference_key(reference).encode())


def test_numbers_sort_by_value_and_words_whatever_their_case() -> None:
    assert by_key(["DEMO 2015 120", "DMPCD 2015 76", "DEMO 2015 46", "demo 2015 91", "DEMO 2014 110"]) == [
        "DEMO 2014 110", "DEMO 2015 46", "demo 2015 91", "DEMO 2015 120", "DMPCD 2015 76"]
    assert reference_key("DEMO 2015 46") == f"demo {NUMBER_MARK}04201599 {NUMBER_MARK}024699"


def test_the_key_orders_as_natural_key_where_byte_order_alone_would_not() -> None:
    """Each pair is in natural order; a padded key without a mark, or without lengths, gets some of them wrong."""
    pairs = [
        ("DEMO2015 46", "DEMO 2015 46"),        # a word that ends sorts before one that goes on, even with a space
        ("CPF 7", "CPF-7"), ("A1", "A 1"), ("A", "A1"), ("A1", "AB"),
        ("7", "A"), ("1A", "A1"),                 # a number first sorts before a word
        ("X 999999999999", "X 1000000000000"),  # a run longer than any padding, by its value
        ("X 99", "X 12345678901234567890123456789012345678901234567890"),
        ("X 007", "X 7"), ("X 07", "X 7"),      # as written: more leading zeros first
        ("X 0", "X 00"), ("X 00", "X 000"),     # zero: fewer first, as the digits compare as text
        ("X 007 B", "X 7 A"),                   # and that is decided where the number is, not at the end
        ("X 0 A", "X 1"), ("X 9", "X 10"),
        ("étude 2", "ÉTUDE 10"), ("Straße 2", "STRASSE 3"), ("Σ 5", "σ 40"),
        ("Z 1", "É 1"),                         # beyond ASCII, by code point as the stores compare bytes
    ]
    for first, second in pairs:
        assert natural_key(first) < natural_key(second), (first, second)
        assert reference_key(first).encode() < reference_key(second).encode(), (first, second)


def test_one_order_for_references_that_differ_only_in_case() -> None:
    assert reference_key("Étude 12") == reference_key("ÉTUDE 12") == reference_key("étude 12")


def test_the_longest_reference_has_room_for_its_key() -> None:
    worst = ["1ΐ" * 40, "ΐ" * 80, "0ΐ" * 40, "9" * 80, "1 " * 40]
    assert max(len(reference_key(reference)) for reference in worst) <= KEY_LENGTH


_PIECES = st.one_of(
    st.text(st.characters(codec="utf-8", exclude_categories=("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")),
            max_size=4),
    st.sampled_from(["0", "00", "7", "07", "007", "46", "120", "999999999999", "1000000000000", "9" * 30,
                     " ", "-", "/", "ß", "İ", "ΐ", "Σ", "\u00a0"]),
    st.integers(min_value=0, max_value=10**15).map(str),
)
_REFERENCES = st.lists(_PIECES, max_size=6).map("".join).filter(str.isprintable)


@settings(max_examples=400, deadline=None)
@given(st.lists(_REFERENCES, min_size=2, max_size=12))
def test_byte_order_of_the_key_is_natural_order(references: list[str]) -> None:
    """Any printable references (what a reference may hold), unicode, long runs and leading zeros among them."""
    for first, second in itertools.combinations(references, 2):
        natural = (natural_key(first) > natural_key(second)) - (natural_key(first) < natural_key(second))
        mine, theirs = reference_key(first).encode(), reference_key(second).encode()
        assert natural == (mine > theirs) - (mine < theirs), (first, second)


def stored_keys(engine: Engine) -> dict[str, str]:
    with engine.connect() as conn:
        return dict(conn.exec_driver_sql("SELECT reference, reference_key FROM contract").all())


def test_adding_renaming_and_importing_write_the_key(alice: Context, engine: Engine) -> None:
    import_folder(alice, DEMO)
    add_contract(alice, "T 120", title="Test work", supplier="Acme", value_pence=100, budget_line="VG-1516")
    rename_contract(alice, "T 120", "T 46", reason="typed wrongly")
    keys = stored_keys(engine)
    assert keys["T 46"] == reference_key("T 46") and keys[REF] == reference_key(REF)
    assert keys["DEMO 2015 120"] == f"demo {NUMBER_MARK}04201599 {NUMBER_MARK}0312099"
    assert all(key == reference_key(reference) for reference, key in keys.items()), keys
    found = verify_store(engine)
    assert found.ok, found.problems


def test_verify_names_a_key_that_disagrees_with_its_reference(alice: Context, engine: Engine) -> None:
    founding_case(alice)
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE contract SET reference_key = 'a' WHERE reference = 'DMPCD 2015 76'")
    found = verify_store(engine)
    assert ("contract 1 (DMPCD 2015 76): reference_key is 'a' in the table, 'dmpcd \\x0104201599 \\x01027699' "
            "from its reference (the desk would list it out of order)") in found.problems, found.problems


def test_an_upgrade_fills_the_key_of_every_contract(tmp_path: Path) -> None:
    """A store from before the key (schema 12, the demo imported) gets it from each reference, and verifies."""
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(SCHEMA_12_IMPORT.read_text(encoding="utf-8"))
    engine = open_store(str(path))
    try:
        keys = stored_keys(engine)
        assert len(keys) > 1 and all(key == reference_key(reference) for reference, key in keys.items()), keys
        assert verify_store(engine).ok
    finally:
        engine.dispose()


def test_a_lines_contracts_of_equal_commitment_are_in_natural_order(alice: Context, engine: Engine) -> None:
    founding_case(alice)
    for reference in ("T 120", "T 46", "T 9"):
        add_contract(alice, reference, title="Test work", supplier="Acme", value_pence=100, budget_line="VG-1516")
    with engine.connect() as conn:
        listed, more = line_contracts(conn, "VG-1516")
    assert [row.reference for row in listed] == [REF, "T 9", "T 46", "T 120"] and not more


@pytest.mark.xfail(strict=True, raises=OperationalError, reason="the models carry columns of later steps")
def test_a_rename_runs_on_a_store_an_older_tracker_left_short_of_step_13(tmp_path: Path) -> None:
    """The remedy step 13's refusal names (rename one of a pair on the store as it is, `upto=ANY_CASE - 1`) reads
    the contract through today's model, which has columns of later steps (`reference_key` of step 17, as the budget
    line's has `invoices_required` of step 14), so on a real schema-12 store it fails; the tests of that remedy
    take a store of today stamped back to 12, which has them. Known, not fixed here: it passes, and so fails, when
    the remedy works."""
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as conn:
        conn.executescript(SCHEMA_12_IMPORT.read_text(encoding="utf-8"))
    short = open_store(str(path), upto=ANY_CASE - 1)
    try:
        officer = Context(short, Actor("Alice Accepts", "alice"), fixed_clock(DEMO_TODAY))
        rename_contract(officer, "DMPCD 2016 14", "DMPCD 2016 15", reason="typed wrongly")
    finally:
        short.dispose()
