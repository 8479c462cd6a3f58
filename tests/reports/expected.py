"""The budget report recomputed in plain Python from the import CSVs: the independent check."""

import datetime as dt
from collections import defaultdict

from .conftest import Loaded, pence


def _day(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text) if text.strip() else None


def expected_lines(data: Loaded, as_of: dt.date) -> dict[str, tuple[int, int, int, int]]:
    """code -> (allocation, committed, paid, accepted unpaid) at the end of `as_of`."""
    line_of = {c["reference"]: c["budget_line"] for c in data.contracts}
    awarded = {c["reference"]: _day(c["awarded_on"]) for c in data.contracts}
    committed: dict[str, int] = defaultdict(int)
    for c in data.contracts:
        when = awarded[c["reference"]]
        if when is not None and when <= as_of:
            committed[c["budget_line"]] += pence(c["value"])
    paid: dict[str, int] = defaultdict(int)
    paid_on_item: dict[tuple[str, str], int] = defaultdict(int)
    for p in data.payments:
        if dt.date.fromisoformat(p["paid_on"]) <= as_of:
            paid[line_of[p["contract_reference"]]] += pence(p["amount"])
            paid_on_item[(p["contract_reference"], p["deliverable_seq"])] += pence(p["amount"])
    owed: dict[str, int] = defaultdict(int)
    for d in data.deliverables:
        accepted = _day(d.get("accepted_on", ""))
        if d["status"] == "accepted" and accepted is not None and accepted <= as_of:
            ref = d["contract_reference"]
            owed[line_of[ref]] += pence(d["amount"]) - paid_on_item[(ref, d["seq"])]
    return {line["code"]: (pence(line["allocation"]), committed[line["code"]], paid[line["code"]],
                           owed[line["code"]]) for line in data.lines}
