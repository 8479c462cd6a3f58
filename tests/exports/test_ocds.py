"""The OCDS export: valid against OCDS 1.1.5 with its extensions (offline), right about the money, and the same
bytes for the same day."""

import copy
import datetime as dt
import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4
from sqlalchemy import Engine
from typer.testing import CliRunner

from tracker.cli.main import app
from tracker.domain.corrections import rename_contract
from tracker.domain.deliverables import accept_deliverable
from tracker.domain.payments import release_payment
from tracker.domain.variations import NewDeliverable, vary_contract
from tracker.exports.files import ExportRefused, prepare_directory
from tracker.exports.ocds import EXTENSIONS, Window, export_ocds, ocid, publisher
from tracker.store.session import read_session

from ..conftest import ROOT
from .founding import DAVID, FOUNDING, TOM, october, on, tour

SCHEMAS = ROOT.parent / "shared" / "ocds-1.1.5"
RELEASE_URL = "https://standard.open-contracting.org/schema/1__1__5/release-schema.json"
PACKAGE_URL = "https://standard.open-contracting.org/schema/1__1__5/release-package-schema.json"
PREFIX = "ocds-213czf"
WHO = publisher("Mayor's Office for Policing and Crime", "https://example.org/mopac", PREFIX)


def merge_patch(target: Any, patch: Any) -> Any:
    """JSON Merge Patch, RFC 7386: objects merge member by member, null deletes, anything else replaces."""
    if not isinstance(patch, dict):
        return patch
    merged = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = merge_patch(merged.get(key), value)
    return merged


def _load(name: str) -> Any:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


def release_schema() -> Any:
    """The release schema with the two extensions the package declares, dependency first."""
    schema = _load("release-schema.json")
    for patch in ("extensions/metrics_MilestoneReference.release-schema.json",
                  "extensions/transaction_milestones.release-schema.json"):
        schema = merge_patch(schema, _load(patch))
    return schema


def validators() -> tuple[jsonschema.Draft4Validator, jsonschema.Draft4Validator]:
    checker = jsonschema.Draft4Validator.FORMAT_CHECKER
    # without rfc3339-validator and rfc3987 these formats are silently not checked
    assert {"date-time", "uri"} <= set(checker.checkers), sorted(checker.checkers)
    release = release_schema()
    registry = Registry().with_resources([(RELEASE_URL, Resource(release, DRAFT4)),
                                          (PACKAGE_URL, Resource(_load("release-package-schema.json"), DRAFT4))])
    return (jsonschema.Draft4Validator(release, format_checker=checker),
            jsonschema.Draft4Validator(_load("release-package-schema.json"), registry=registry,
                                       format_checker=checker))


def export(engine: Engine, folder: Path, window: Window) -> Path:
    with read_session(engine) as session:
        result = export_ocds(session, prepare_directory(folder), WHO, window, generated_at="2015-10-19T23:00:00+00:00",
                             version="test")
    return result.directory / result.package


def read(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)


@pytest.fixture
def founding(engine: Engine) -> Engine:
    tour(engine)
    october(engine)
    return engine


def records(package: Any) -> dict[str, dict[str, Any]]:
    """Each ocid's releases merged in order (objects by member, arrays of objects by id): its record."""
    merged: dict[str, dict[str, Any]] = {}
    for release in package["releases"]:
        merged[release["ocid"]] = _merge(merged.get(release["ocid"], {}), release)
    return merged


def _merge(old: Any, new: Any) -> Any:
    if isinstance(new, dict):
        base = dict(old) if isinstance(old, dict) else {}
        for key, value in new.items():
            base[key] = _merge(base.get(key), value)
        return base
    if isinstance(new, list) and new and all(isinstance(i, dict) and "id" in i for i in new):
        items = {i["id"]: i for i in (old or [])}
        for item in new:
            items[item["id"]] = _merge(items.get(item["id"]), item)
        return list(items.values())
    return new


def test_the_founding_case_validates_offline_with_the_extensions(founding: Engine, tmp_path: Path) -> None:
    package = read(export(founding, tmp_path, Window(dt.date(2015, 10, 19))))
    release_validator, package_validator = validators()
    assert package["extensions"] == list(EXTENSIONS)
    assert sorted(package_validator.iter_errors(_plain(package)), key=str) == []
    for release in package["releases"]:
        assert list(release_validator.iter_errors(_plain(release))) == [], release["id"]


def test_the_founding_payment_is_a_transaction_naming_its_payment_milestone(founding: Engine, tmp_path: Path) -> None:
    package = read(export(founding, tmp_path, Window(dt.date(2015, 10, 19))))
    record = records(package)[ocid(PREFIX, FOUNDING)]
    assert record["ocid"] == "ocds-213czf-DMPCD-2015-76"
    contract = record["contracts"][0]
    assert (contract["status"], contract["value"]) == ("active", {"amount": Decimal("149600.00"), "currency": "GBP"})
    assert record["planning"]["budget"]["id"] == "VG-1516"
    assert {p["name"]: p["roles"] for p in record["parties"]} == {
        "Mayor's Office for Policing and Crime": ["buyer", "payer", "procuringEntity"],
        "Impower Consulting Ltd": ["supplier", "payee"], "Ministry of Justice": ["funder"]}
    milestones = {m["id"]: m for m in contract["implementation"]["milestones"]}
    assert (milestones["delivery-1"]["status"], milestones["delivery-1"]["dateMet"]) == (
        "met", "2015-09-04T00:00:00+01:00")
    assert (milestones["payment-1"]["status"], milestones["payment-1"]["dateMet"]) == (
        "met", "2015-09-10T00:00:00+01:00")
    assert milestones["delivery-2"]["status"] == milestones["payment-2"]["status"] == "scheduled"
    [payment] = contract["implementation"]["transactions"]
    assert (payment["value"]["amount"], payment["date"], payment["relatedImplementationMilestone"]["id"]) == (
        Decimal("44880.00"), "2015-09-10T00:00:00+01:00", "payment-1")
    tags = [r["tag"] for r in package["releases"] if r["ocid"] == record["ocid"]]
    assert tags == [["award", "contract", "implementation"], ["implementationUpdate"], ["implementationUpdate"]]


def test_semantics_beyond_the_schema(founding: Engine, tmp_path: Path) -> None:
    package = read(export(founding, tmp_path, Window(dt.date(2015, 10, 19))))
    ids: dict[str, set[str]] = defaultdict(set)
    for release in package["releases"]:
        assert release["id"] not in ids[release["ocid"]], release["id"]
        ids[release["ocid"]].add(release["id"])
    merged = records(package)
    assert len({r["contracts"][0]["id"] for r in merged.values()}) == len(merged)  # one ocid per contract
    with read_session(founding) as session:
        paid = {(ref, seq): Decimal(pence) / 100 for ref, seq, pence in session.connection().exec_driver_sql(
            "SELECT c.reference, d.seq, d.paid_pence FROM deliverable d JOIN contract c ON c.id = d.contract_id")}
    checked = 0
    for process, record in merged.items():
        contract = record["contracts"][0]
        reference = next(r for (r, _seq) in paid if ocid(PREFIX, r) == process)
        milestones = {m["id"]: m for m in contract.get("implementation", {}).get("milestones", [])}
        sums: dict[str, Decimal] = defaultdict(Decimal)
        for transaction in contract.get("implementation", {}).get("transactions", []):
            related = transaction["relatedImplementationMilestone"]["id"]
            assert milestones[related]["type"] == "payment", (process, related)
            sums[related] += transaction["value"]["amount"]
        for milestone in milestones.values():
            if milestone["type"] != "payment":
                continue
            seq = int(milestone["id"].removeprefix("payment-"))
            assert sums[milestone["id"]] == paid[(reference, seq)], (process, milestone["id"])
            if milestone["status"] == "met":
                assert sums[milestone["id"]] > 0
            checked += 1
    assert checked >= 12
    reversed_then_paid = merged[ocid(PREFIX, "DEMO 2015 120")]["contracts"][0]["implementation"]
    assert [t["value"]["amount"] for t in reversed_then_paid["transactions"]] == [
        Decimal("15000.00"), Decimal("-15000.00"), Decimal("40000.00")]
    closed = merged[ocid(PREFIX, "DEMO 2014 110")]
    assert closed["contracts"][0]["status"] == "terminated"
    rejected = {m["id"]: m for m in merged[ocid(PREFIX, "DEMO 2015 91")]["contracts"][0]["implementation"]
                ["milestones"]}
    assert rejected["delivery-2"]["status"] == "notMet"


@pytest.mark.parametrize("spoil", ["milestone status done", "related milestone without id", "currency GBX",
                                   "no initiationType", "date not a date-time"])
def test_negative_controls_fail_validation(founding: Engine, tmp_path: Path, spoil: str) -> None:
    package = _plain(read(export(founding, tmp_path, Window(dt.date(2015, 10, 19)))))
    release = copy.deepcopy(next(r for r in package["releases"] if r["ocid"] == ocid(PREFIX, FOUNDING)
                                 and "transactions" in r["contracts"][0].get("implementation", {})))
    implementation = release["contracts"][0]["implementation"]
    if spoil == "milestone status done":
        implementation["milestones"][0]["status"] = "done"
    elif spoil == "related milestone without id":
        implementation["transactions"][0]["relatedImplementationMilestone"] = {"title": "Payment"}
    elif spoil == "currency GBX":
        implementation["transactions"][0]["value"]["currency"] = "GBX"
    elif spoil == "no initiationType":
        del release["initiationType"]
    else:
        release["date"] = "10/09/2015"
    release_validator, _ = validators()
    assert list(release_validator.iter_errors(release)), spoil


def test_as_of_reproduces_a_day_byte_for_byte(engine: Engine, tmp_path: Path) -> None:
    tour(engine)
    first = export(engine, tmp_path / "before", Window(dt.date(2015, 9, 10))).read_bytes()
    october(engine)
    again = export(engine, tmp_path / "after", Window(dt.date(2015, 9, 10))).read_bytes()
    assert again == first
    later = read(export(engine, tmp_path / "later", Window(dt.date(2015, 10, 19))))
    assert len(later["releases"]) > len(json.loads(first)["releases"])


def test_since_holds_only_the_days_events(founding: Engine, tmp_path: Path) -> None:
    day = read(export(founding, tmp_path / "day", Window(dt.date(2015, 10, 14), since=dt.date(2015, 10, 13))))
    assert [(r["ocid"], r["tag"]) for r in day["releases"]] == [
        (ocid(PREFIX, "DEMO 2015 120"), ["implementationUpdate"])] * 2
    full = read(export(founding, tmp_path / "full", Window(dt.date(2015, 10, 19))))
    last_seq = int(full["releases"][-2]["id"].rsplit("-", 1)[1])
    tail = read(export(founding, tmp_path / "tail", Window(dt.date(2015, 10, 19), since=last_seq)))
    assert tail["releases"] == full["releases"][-1:]


def test_the_prefix_is_required_and_checked() -> None:
    with pytest.raises(ExportRefused, match="ocid prefix"):
        publisher("MOPAC", "https://example.org", None)
    with pytest.raises(ExportRefused, match="not a registered prefix"):
        publisher("MOPAC", "https://example.org", "OCDS-213")


def test_cli_writes_the_package_from_configuration(founding: Engine, tmp_path: Path) -> None:
    env = {"TRACKER_OCDS_PUBLISHER": "MOPAC", "TRACKER_OCDS_URI": "https://example.org/mopac",
           "TRACKER_OCDS_PREFIX": PREFIX}
    runner = CliRunner()
    result = runner.invoke(app, ["--db", str(founding.url), "export", "ocds", "--dir", str(tmp_path / "out"),
                                 "--as-of", "2015-10-19"], env=env)
    assert result.exit_code == 0, result.stderr
    assert "exported 13 OCDS releases" in result.stdout  # 5 imported awards, then 8 events
    refused = runner.invoke(app, ["--db", str(founding.url), "export", "ocds", "--dir", str(tmp_path / "no")],
                            env={**env, "TRACKER_OCDS_PREFIX": ""})
    assert refused.exit_code != 0
    assert refused.stderr.startswith("error: an OCDS package needs its ocid prefix")
    assert "Traceback" not in refused.stderr


def _plain(value: Any) -> Any:
    """Amounts back to JSON numbers as the validator reads them (Decimal is not a JSON type to it)."""
    return json.loads(json.dumps(value, default=float))


def test_an_import_is_published_a_page_of_contracts_at_a_time(founding: Engine, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    """At 1M payments an import brings 374k contracts: their references are read in pages, with the same bytes."""
    whole = export(founding, tmp_path / "whole", Window(dt.date(2015, 10, 19))).read_bytes()
    monkeypatch.setattr("tracker.exports.ocds._PAGE", 2)
    paged = export(founding, tmp_path / "paged", Window(dt.date(2015, 10, 19))).read_bytes()
    assert paged == whole
    assert len(records(json.loads(paged))) >= 5


def _validated(package: Any) -> Any:
    release_validator, package_validator = validators()
    assert sorted(package_validator.iter_errors(_plain(package)), key=str) == []
    for release in package["releases"]:
        assert list(release_validator.iter_errors(_plain(release))) == [], release["id"]
    return package


def test_a_variation_is_published_as_a_contract_amendment(founding: Engine, tmp_path: Path) -> None:
    """The award keeps the value it was made at; the contract's value moves with the amendment, from its release on."""
    before = export(founding, tmp_path / "before", Window(dt.date(2015, 10, 19))).read_bytes()
    vary_contract(on(founding, TOM, dt.date(2015, 10, 20)), FOUNDING, decision="DMPCD 2015 150",
                  on=dt.date(2015, 10, 20), rationale="Implementation support asked for by the programme board",
                  value_pence=15_160_000,
                  add=(NewDeliverable("Implementation support", 200_000, dt.date(2016, 1, 31)),))
    assert export(founding, tmp_path / "again", Window(dt.date(2015, 10, 19))).read_bytes() == before
    package = _validated(read(export(founding, tmp_path / "after", Window(dt.date(2015, 10, 20)))))
    process = ocid(PREFIX, FOUNDING)
    mine = [r for r in package["releases"] if r["ocid"] == process]
    assert [r["tag"] for r in mine] == [["award", "contract", "implementation"], ["implementationUpdate"],
                                        ["implementationUpdate"], ["contractAmendment"]]
    amended = mine[-1]
    contract = amended["contracts"][0]
    assert [r["contracts"][0]["value"]["amount"] for r in mine] == [Decimal("149600.00")] * 3 + [Decimal("151600.00")]
    assert amended["awards"][0]["value"]["amount"] == Decimal("149600.00")
    assert amended["planning"]["budget"]["amount"]["amount"] == Decimal("151600.00")
    assert contract["amendments"] == [{
        "id": "V1", "date": "2015-10-20T00:00:00+01:00",
        "rationale": "Implementation support asked for by the programme board",
        "description": "DMPCD 2015 150: value £149,600.00 -> £151,600.00 (+1.3 % from the original £149,600.00); "
                       "adds #4 Implementation support £2,000.00 due 2016-01-31",
        "releaseID": amended["id"]}]
    assert [(m["id"], m["status"]) for m in contract["implementation"]["milestones"]] == [
        ("delivery-4", "scheduled"), ("payment-4", "scheduled")]
    record = records(package)[process]["contracts"][0]
    assert record["value"]["amount"] == Decimal("151600.00")
    assert [m["id"] for m in record["implementation"]["milestones"]][-2:] == ["delivery-4", "payment-4"]


def test_a_renamed_contract_keeps_the_ocid_it_was_published_under(engine: Engine, tmp_path: Path) -> None:
    """A reference corrected while nothing is paid: events before and after the correction are one process."""
    tour(engine)
    first = export(engine, tmp_path / "first", Window(dt.date(2015, 9, 10))).read_bytes()
    accept_deliverable(on(engine, DAVID, dt.date(2015, 10, 12)), "DEMO 2015 120", 1, on=dt.date(2015, 10, 12))
    rename_contract(on(engine, TOM, dt.date(2015, 10, 13)), "DEMO 2015 120", "DEMO 2015 121",
                    reason="the decision's number was typed wrongly")
    release_payment(on(engine, TOM, dt.date(2015, 10, 15)), "DEMO 2015 121", 1, invoice="EV-0002",
                    paid_on=dt.date(2015, 10, 15))
    assert export(engine, tmp_path / "again", Window(dt.date(2015, 9, 10))).read_bytes() == first
    package = _validated(read(export(engine, tmp_path / "after", Window(dt.date(2015, 10, 19)))))
    assert ocid(PREFIX, "DEMO 2015 121") not in records(package)
    renamed = [r["tag"] for r in package["releases"] if r["ocid"] == ocid(PREFIX, "DEMO 2015 120")]
    assert renamed == [["award", "contract", "implementation"], ["implementationUpdate"], ["implementationUpdate"]]
    implementation = records(package)[ocid(PREFIX, "DEMO 2015 120")]["contracts"][0]["implementation"]
    assert [t["value"]["amount"] for t in implementation["transactions"]] == [Decimal("40000.00")]
