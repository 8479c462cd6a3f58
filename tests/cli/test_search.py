"""`contract list --search` takes what is typed literally, as the desk's filter does."""

from ..conftest import DEMO
from .conftest import Tracker


def test_an_underscore_or_percent_sign_is_not_a_wildcard(tracker: Tracker) -> None:
    tracker("import", str(DEMO))
    for text in ("_", "%", "DMPCD_2015"):
        assert tracker("contract", "list", "--search", text).stdout.strip() == "No contracts match."
    found = tracker("contract", "list", "--search", "cpf-1516").stdout
    assert "DMPCD 2015 91" in found and "DMPCD 2015 120" in found and "DMPCD 2015 76" not in found
