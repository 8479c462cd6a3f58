"""`contract list --search` takes what is typed literally, as the desk's filter does."""

from ..conftest import DEMO
from .conftest import Tracker


def test_an_underscore_or_percent_sign_is_not_a_wildcard(tracker: Tracker) -> None:
    tracker("import", str(DEMO))
    for text in ("_", "%", "DMPCD_2015"):
        assert tracker("contract", "list", "--search", text).stdout.strip() == "No contracts match."
    found = tracker("contract", "list", "--search", "cpf-1516").stdout
    assert "DEMO 2015 91" in found and "DEMO 2015 120" in found and "DMPCD 2015 76" not in found


def _listed(text: str) -> list[str]:
    return [line.split("  ")[0].strip() for line in text.splitlines()
            if line.strip().startswith(("DEMO", "DMPCD", "SOC"))]


def test_references_are_listed_in_their_natural_order(tracker: Tracker) -> None:
    tracker("import", str(DEMO))
    assert _listed(tracker("contract", "list").stdout) == [
        "DEMO 2014 110", "DEMO 2015 46", "DEMO 2015 91", "DEMO 2015 120", "DEMO 2016 14", "DMPCD 2015 76"]
    assert _listed(tracker("contract", "list", "--limit", "2").stdout) == ["DEMO 2014 110", "DEMO 2015 46"]
    by_contract = tracker("report", "budget", "--by", "contract", "--line", "CPF-1516").stdout
    assert by_contract.index("DEMO 2015 91") < by_contract.index("DEMO 2015 120")


def test_searching_ignores_case_beyond_ascii(tracker: Tracker) -> None:
    tracker("budget", "add", "L1", "--name", "Line", "--fy", "2015/16", "--allocation", "1000")
    for reference, supplier in (("SOC 1", "Société Générale de Conseil"), ("SOC 2", "ÉTUDES ÅNGSTRÖM SA"),
                                ("SOC 3", "Societe Sans Accents")):
        tracker("contract", "add", reference, "--title", "T", "--supplier", supplier, "--value", "10",
                "--budget-line", "L1")
    assert _listed(tracker("contract", "list", "--search", "SOCIÉTÉ").stdout) == ["SOC 1"]
    assert _listed(tracker("contract", "list", "--search", "générale").stdout) == ["SOC 1"]
    assert _listed(tracker("contract", "list", "--search", "études ångström").stdout) == ["SOC 2"]
    assert _listed(tracker("contract", "list", "--search", "SOCIETE").stdout) == ["SOC 3"]


def test_an_unknown_status_is_refused_with_the_valid_ones(tracker: Tracker) -> None:
    tracker("import", str(DEMO))
    refused = tracker("contract", "list", "--status", "paid", code=2)
    assert refused.stderr == ("error: --status 'paid' is not a contract status; use one of draft, awarded, closed, "
                              "cancelled\n")
    assert _listed(tracker("contract", "list", "--status", "Draft").stdout) == ["DEMO 2016 14"]
