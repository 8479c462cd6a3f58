"""budget lines, contracts, deliverables, payments, audit trail"""

from alembic import op

from tracker.domain.schema import step

revision = "0001"
down_revision = None


def upgrade() -> None:
    step(1).apply(op.get_bind())
