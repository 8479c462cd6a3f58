"""contracts carry their line's financial year; the desk's list indexes lead with it"""

from alembic import op

from tracker.domain.schema import step

revision = "0005"
down_revision = "0004"


def upgrade() -> None:
    step(5).apply(op.get_bind())
