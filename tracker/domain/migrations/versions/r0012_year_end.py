"""the year end and invoices: payments record the year they are charged to and the invoice they matched; carried and
released deliverables; closed years; invoices"""

from alembic import op

from tracker.domain.schema import step

revision = "0012"
down_revision = "0011"


def upgrade() -> None:
    step(12).apply(op.get_bind())
