"""contract fields for publishing spending; audit events indexed by time"""

from alembic import op

from tracker.domain.schema import step

revision = "0009"
down_revision = "0007"


def upgrade() -> None:
    step(9).apply(op.get_bind())
