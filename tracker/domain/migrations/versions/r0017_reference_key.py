"""contracts carry their reference's natural sort key; the desk's list of a year walks its index"""

from alembic import op

from tracker.domain.schema import step

revision = "0017"
down_revision = "0016"


def upgrade() -> None:
    step(17).apply(op.get_bind())
