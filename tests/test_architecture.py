"""Rules about the code itself that no linter knows: where the store's engine is named, where pendulum is used."""

import re

from .conftest import ROOT

PACKAGE = ROOT / "tracker"


def files_mentioning(pattern: str) -> list[str]:
    found = re.compile(pattern, re.IGNORECASE | re.MULTILINE)
    return sorted(str(path.relative_to(ROOT)) for path in PACKAGE.rglob("*")
                  if path.suffix in {".py", ".tcss"} and found.search(path.read_text(encoding="utf-8")))


def test_the_code_names_sqlite_only_where_the_engine_is_made() -> None:
    assert files_mentioning("sqlite") == ["tracker/store/engine.py"]


def test_dates_go_through_pendulum_in_one_module() -> None:
    assert files_mentioning(r"^\s*(import|from)\s+pendulum") == ["tracker/domain/fiscal.py"]
