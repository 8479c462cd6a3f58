"""Bad input, generated: never a traceback, always one line and a non-zero exit, and nothing changes."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from tests.integrity.helpers import counts, populated_store
from tracker.cli.main import app
from tracker.domain.errors import InvalidInput
from tracker.domain.fiscal import parse_date, parse_fiscal_year
from tracker.domain.money import parse_money

from ..stores import STORES, clone_store, drop_store, new_target

NASTY = ["1e6", "£-5", "12.345", "NaN", "nan", "inf", str(2**63), f"{2**63}.00", "92233720368547758.08", "",
         " ", "\x00", "2015-02-30", "2015/17", "2015-13-01", "0", "-0", "£", "1,00,000", "１２", "12\n3",
         "x" * 10_000, "\ufeff12", "12\r\n"]
TEXTS = st.one_of(st.sampled_from(NASTY), st.text(max_size=60), st.from_regex(r"-?[0-9,.£e]{0,24}", fullmatch=True))
FUZZ = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
tried = {"count": 0}


@FUZZ
@given(TEXTS)
def test_parsers_answer_a_value_or_one_line(value: str) -> None:
    for parse in (parse_money, parse_date, parse_fiscal_year):
        tried["count"] += 1
        try:
            parse(value)
        except InvalidInput as error:
            assert "\n" not in error.message and error.message


def test_the_named_bad_values_are_refused() -> None:
    for value in ("1e6", "£-5", "12.345", "NaN", str(2**63)):
        with pytest.raises(InvalidInput):
            parse_money(value)
    with pytest.raises(InvalidInput, match="does not exist in the calendar"):
        parse_date("2015-02-30")
    with pytest.raises(InvalidInput, match="does not exist"):
        parse_fiscal_year("2015/17")


@pytest.fixture(scope="module", params=STORES)
def template(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> str:
    """A store with one of everything, on each store, cloned for every example."""
    target = new_target(request.param, tmp_path_factory.mktemp("bad"))
    populated_store(target).dispose()
    return target


def _run(db: str, args: list[str]) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["--db", str(db), "--as", "Bob Pays", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr


HEADERS = {
    "budget_lines.csv": "code,name,fiscal_year,allocation",
    "contracts.csv": "reference,supplier,title,budget_line,value,awarded_on",
    "deliverables.csv": "contract_reference,seq,name,amount,due_on,status,accepted_on",
    "payments.csv": "contract_reference,deliverable_seq,amount,paid_on",
}
CELLS = st.one_of(st.sampled_from([*NASTY, "DMPCD 2015 76", "VG-1516", "2015-07-02", "2015/16", "accepted", "1"]),
                  st.text(max_size=20))
ROWS = st.lists(st.lists(CELLS, min_size=3, max_size=8).map(lambda cells: ",".join(cells)), max_size=4)


@FUZZ
@given(name=st.sampled_from(sorted(HEADERS)), header=st.one_of(st.sampled_from(sorted(HEADERS.values())),
                                                               st.text(max_size=40)),
       rows=ROWS, bom=st.booleans(), crlf=st.booleans(), junk=st.binary(max_size=40))
def test_import_of_bad_files_changes_nothing(template: str, tmp_path_factory: pytest.TempPathFactory, name: str,
                                            header: str, rows: list[str], bom: bool, crlf: bool, junk: bytes) -> None:
    work = tmp_path_factory.mktemp("import")
    db = clone_store(template, work)
    try:
        folder = work / "in"
        folder.mkdir()
        ending = "\r\n" if crlf else "\n"
        body = ("\ufeff" if bom else "") + ending.join([header, *rows]) + ending
        (folder / name).write_bytes(body.encode("utf-8", "surrogatepass") + junk)
        before = counts(db)
        tried["count"] += 1
        code, err = _run(db, ["import", str(folder)])
        if code != 0:
            assert code in (1, 2), err
            assert err.count("\n") == 1 and err.startswith(("refused: ", "error: ")), err
            assert counts(db) == before
    finally:
        drop_store(db)


COMMANDS = st.sampled_from([
    ["pay", "DMPCD 2015 76", "{0}"], ["pay", "DMPCD 2015 76", "2", "--amount", "{0}"],
    ["pay", "{0}", "1"], ["pay", "DEMO 2015 120", "1", "--on", "{0}"],
    ["pay", "DEMO 2015 120", "1", "--invoice", "{0}", "--amount", "{0}"],
    ["budget", "add", "{0}", "--name", "{0}", "--year", "{0}", "--allocation", "{0}"],
    ["contract", "award", "{0}"], ["reverse", "{0}", "--reason", "{0}"],
    ["deliverable", "accept", "DMPCD 2015 76", "{0}"], ["audit", "verify", "--head", "{0}"],
    ["audit", "log", "--limit", "{0}"], ["report", "budget", "--year", "{0}"],
])


@FUZZ
@given(command=COMMANDS,
       value=st.one_of(st.sampled_from(NASTY), st.text(max_size=30).filter(lambda s: "\x00" not in s)))
def test_commands_with_bad_values_answer_in_one_line(template: str, tmp_path_factory: pytest.TempPathFactory,
                                                     command: list[str], value: str) -> None:
    db = clone_store(template, tmp_path_factory.mktemp("cli"))
    try:
        before = counts(db)
        tried["count"] += 1
        code, err = _run(db, [part.format(value) for part in command])
        if code != 0:
            assert err.strip(), "a refusal says why"
            assert counts(db) == before
            if code != 2 or not err.startswith("Usage"):
                assert err.count("\n") == 1, err
    finally:
        drop_store(db)


def test_report_how_many_were_tried() -> None:
    print(f"bad inputs tried: {tried['count']}")
