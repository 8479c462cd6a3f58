"""payments and the audit trail refuse TRUNCATE (PostgreSQL)"""

from alembic import op

from tracker.domain.schema import step

revision = "0010"
down_revision = "0009"


def upgrade() -> None:
    step(10).apply(op.get_bind())
