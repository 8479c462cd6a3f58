"""a covering index for the dashboard's waiting work"""

from alembic import op

from tracker.domain.schema import step

revision = "0019"
down_revision = "0018"


def upgrade() -> None:
    step(19).apply(op.get_bind())
