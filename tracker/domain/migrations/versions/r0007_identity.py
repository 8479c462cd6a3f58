"""principals beside claimed names on sign-offs and payments; the people register"""

from alembic import op

from tracker.domain.schema import step

revision = "0007"
down_revision = "0006"


def upgrade() -> None:
    step(7).apply(op.get_bind())
