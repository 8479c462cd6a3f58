"""What publishing spending needs to know of a contract, beyond what paying it needs.

The Elected Local Policing Bodies (Specified Information) Order 2011 asks for every item of expenditure over £500
with its recipient, purpose and, below £10,000, why it is value for money; individuals are not named.
"""

from dataclasses import dataclass

from tracker.domain import lookup
from tracker.domain.audit import AuditAction
from tracker.domain.context import Context
from tracker.domain.models import Contract
from tracker.domain.text import clean_text, optional_text

VALUE_FOR_MONEY_LIMIT_PENCE = 1_000_000
"""Below £10,000, a payment on a contract that is not published needs its value-for-money reason."""


@dataclass(frozen=True)
class PublicationDetails:
    supplier_is_individual: bool = False
    expense_type: str = ""
    published: bool = False
    value_for_money_reason: str | None = None

    def cleaned(self) -> "PublicationDetails":
        return PublicationDetails(
            self.supplier_is_individual, clean_text("expense type", self.expense_type, required=False),
            self.published, optional_text("value-for-money reason", self.value_for_money_reason, max_length=500))


def apply_details(contract: Contract, details: PublicationDetails) -> None:
    contract.supplier_is_individual = details.supplier_is_individual
    contract.expense_type = details.expense_type
    contract.published = details.published
    contract.value_for_money_reason = details.value_for_money_reason


def set_publication_details(ctx: Context, reference: str, details: PublicationDetails) -> PublicationDetails:
    """Record how a contract's spending is published; audited like every change."""
    details = details.cleaned()
    with ctx.change() as change:
        contract = lookup.contract(change.session, reference)
        apply_details(contract, details)
        change.session.add(contract)
        change.record(AuditAction.CONTRACT_PUBLICATION_SET, contract.reference,
                      supplier_is_individual=details.supplier_is_individual, expense_type=details.expense_type,
                      published=details.published, value_for_money_reason=details.value_for_money_reason)
    return details
