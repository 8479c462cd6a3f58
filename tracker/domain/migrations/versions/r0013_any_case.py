"""budget line codes and contract references are unique whatever their case"""

from alembic import op

from tracker.domain.schema import step

revision = "0013"
down_revision = "0012"


def upgrade() -> None:
    step(13).apply(op.get_bind())
