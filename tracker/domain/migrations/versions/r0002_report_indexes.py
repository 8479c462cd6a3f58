"""covering indexes for reports and the commitments export"""

from alembic import op

from tracker.domain.schema import step

revision = "0002"
down_revision = "0001"


def upgrade() -> None:
    step(2).apply(op.get_bind())
