"""The proposal as plain data: the shape of the `*.expected.json` files beside the decision forms."""

from typing import Any

from tracker.intake.proposal import Proposal


def proposal_record(proposal: Proposal) -> dict[str, Any]:
    """Amounts in pence, ISO dates, None where the form does not say.

    `fiscal_years` appears only when the value is split across years, and `due_on` only when
    the form dates its deliverables, as in the expected files.
    """
    years = proposal.fiscal_years.value or {}
    record: dict[str, Any] = {
        "reference": proposal.reference.value,
        "title": proposal.title.value,
        "supplier": proposal.supplier.value,
        "value_pence": proposal.value.value,
        "ceiling_pence": proposal.ceiling.value,
        "decision_date": _iso(proposal.decision_date.value),
        "fiscal_year": proposal.fiscal_year.label if proposal.fiscal_year else None,
    }
    if len(years) > 1:
        record["fiscal_years"] = {year.label: pence for year, pence in years.items()}
    record |= {
        "fund": proposal.fund.value,
        "funder": proposal.funder.value,
        "duration_months": proposal.duration_months.value,
        "related_decisions": list(proposal.related_decisions.value or ()),
        "deliverables": [],
    }
    dated = any(item.due_on.value is not None for item in proposal.deliverables)
    for item in proposal.deliverables:
        row: dict[str, Any] = {"seq": item.seq, "name": item.name, "amount_pence": item.amount.value}
        if dated:
            row["due_on"] = _iso(item.due_on.value)
        record["deliverables"].append(row)
    return record


def _iso(day: Any) -> str | None:
    return None if day is None else day.isoformat()
