"""The tables as SQLAlchemy Core reads them, for reads that must not load the ORM.

The models (`tracker.domain.models`) cost a fifth of a second to import, more than the desk's first screen or
the nightly export of a large store can spare; these name the same tables and columns, as far as those reads go.
"""

from typing import Any

from sqlalchemy import BigInteger, Date, Integer, String, cast, column, func, table

budget_line = table("budget_line", column("id", Integer), column("code", String), column("name", String),
                    column("fund", String), column("funder", String), column("fiscal_year", Integer),
                    column("control", String), column("allocation_pence", BigInteger),
                    column("committed_pence", BigInteger), column("paid_pence", BigInteger))
contract = table("contract", column("id", Integer), column("reference", String), column("supplier", String),
                 column("title", String), column("status", String), column("budget_line_id", Integer),
                 column("fiscal_year", Integer), column("value_pence", BigInteger),
                 column("committed_pence", BigInteger), column("paid_pence", BigInteger),
                 column("awarded_on", Date), column("ended_on", Date), column("reference_key", String))
deliverable = table("deliverable", column("id", Integer), column("contract_id", Integer), column("seq", Integer),
                    column("name", String), column("amount_pence", BigInteger), column("paid_pence", BigInteger),
                    column("due_on", Date), column("submitted_on", Date), column("decided_on", Date),
                    column("status", String), column("decided_by", String), column("budget_line_id", Integer),
                    column("carried_to_line_id", Integer), column("released_in", Integer))
payment = table("payment", column("contract_id", Integer), column("deliverable_id", Integer),
                column("amount_pence", BigInteger), column("paid_on", Date))
audit_event = table("audit_event", column("seq", Integer), column("hash", String))


def sum_pence(amounts: Any) -> Any:
    """The total of a money expression in whole pence, 0 over no rows. PostgreSQL sums 64-bit integers as NUMERIC,
    which its driver returns as Decimal; the cast keeps every total an int on every database."""
    return cast(func.coalesce(func.sum(amounts), 0), BigInteger)
