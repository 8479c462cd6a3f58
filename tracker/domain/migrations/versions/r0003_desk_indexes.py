"""indexes for the desk's contract list sorted by value or paid"""

from alembic import op

from tracker.domain.schema import step

revision = "0003"
down_revision = "0002"


def upgrade() -> None:
    step(3).apply(op.get_bind())
