"""the contract indexes the lists walk in byte order are built in byte order (PostgreSQL)"""

from alembic import op

from tracker.domain.schema import step

revision = "0016"
down_revision = "0015"


def upgrade() -> None:
    step(16).apply(op.get_bind())
