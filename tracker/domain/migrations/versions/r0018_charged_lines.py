"""deliverables keep the line that funds them and payments the line they were charged to"""

from alembic import op

from tracker.domain.schema import step

revision = "0018"
down_revision = "0017"


def upgrade() -> None:
    step(18).apply(op.get_bind())
