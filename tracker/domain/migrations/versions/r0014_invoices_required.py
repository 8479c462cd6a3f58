"""invoices required per budget line; each payment's invoice text becomes an invoice record"""

from alembic import op

from tracker.domain.schema import step

revision = "0014"
down_revision = "0013"


def upgrade() -> None:
    step(14).apply(op.get_bind())
