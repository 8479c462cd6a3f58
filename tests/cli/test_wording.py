"""Counts and articles read right in every command's output: "1 budget line", "an awarded contract"; and --help
wraps its text under its own column at 80 columns."""

import re
from itertools import pairwise
from pathlib import Path

import pytest

from tracker.support.wording import article, plural

from .conftest import Tracker

ONE_WITH_A_PLURAL = re.compile(r"(?<![\d,.£#:-])\b1 (?!of\b)[a-z]+s\b")
A_BEFORE_A_VOWEL = re.compile(r"\ba [aeiou]", re.IGNORECASE)


def test_plural_and_article() -> None:
    assert [plural(n, "budget line") for n in (0, 1, 2, 1000)] == [
        "0 budget lines", "1 budget line", "2 budget lines", "1,000 budget lines"]
    assert plural(1, "payment or reversal", "payments and reversals") == "1 payment or reversal"
    assert plural(3, "payment or reversal", "payments and reversals") == "3 payments and reversals"
    assert [article(w) for w in ("awarded", "accepted or rejected", "draft", "pending")] == [
        "an awarded", "an accepted or rejected", "a draft", "a pending"]


def one_of_each(folder: Path) -> Path:
    folder.mkdir()
    (folder / "budget_lines.csv").write_text("code,name,fiscal_year,allocation,invoices\nVG-1516,Victims Grant,"
                                             "2015/16,200000,not required\n")
    (folder / "contracts.csv").write_text("reference,supplier,title,budget_line,value,awarded_on\nC1,Impower,"
                                          "Re-design,VG-1516,1000,2015-07-02\nC2,Impower,Draft,VG-1516,10,\n")
    (folder / "deliverables.csv").write_text("contract_reference,seq,name,amount,due_on,status,accepted_on,"
                                             "accepted_by\nC1,1,Mapping,1000,2015-08-31,accepted,2015-09-04,"
                                             "Sarah Okafor\n")
    return folder


def test_one_of_each_is_said_in_the_singular(tracker: Tracker, tmp_path: Path) -> None:
    env = {"TRACKER_TODAY": "2015-10-19"}
    out = tmp_path / "out"
    said: list[str] = []

    def run(*args: str, code: int = 0) -> str:
        result = tracker(*args, code=code, env=env)
        said.append(result.stdout + result.stderr)
        return said[-1]

    imported = run("import", str(one_of_each(tmp_path / "one")))
    assert imported.startswith("imported 1 budget line, 2 contracts, 1 deliverable;")
    assert run("export", "commitments", "--dir", str(out)).startswith("exported 1 contract and 1 deliverable as of")
    run("--as", "Tom Whitfield", "pay", "C1", "1", "--on", "2015-09-10", "--invoice", "IMP-1")
    assert run("export", "payments", "--from", "2015-09-01", "--dir", str(out)).startswith(
        "exported 1 payment or reversal to")
    assert run("export", "contracts", "--over", "500", "--dir", str(out)).startswith("exported 1 contract to")
    verified = run("audit", "verify")
    assert "1 budget line, 2 contracts, 1 deliverable, 1 payment;" in verified
    assert run("contract", "close", "C2", code=1) == "refused: C2 is draft; only an awarded contract can be closed\n"
    for text in said:
        assert ONE_WITH_A_PLURAL.search(text) is None, text
        assert A_BEFORE_A_VOWEL.search(text) is None, text


@pytest.mark.parametrize("command", [[], ["import"], ["pay"], ["export", "commitments"], ["audit", "verify"],
                                     ["backup"], ["contract", "add"]])
def test_help_wraps_under_its_own_column_at_80_columns(tracker: Tracker, command: list[str]) -> None:
    shown = tracker(*command, "--help", env={"COLUMNS": "80"}).stdout
    lines = shown.splitlines()
    assert all(len(line) <= 80 for line in lines), shown
    for before, line in pairwise(lines):
        if before.startswith("  -") and line.strip() and not line.lstrip().startswith("-"):
            # an option's help continues under the help's own column, never at the left edge
            assert line.startswith(" " * 10), shown
