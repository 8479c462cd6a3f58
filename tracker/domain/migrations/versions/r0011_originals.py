"""variations: a contract's original value and its count of variations; a deliverable's original due date"""

from alembic import op

from tracker.domain.schema import step

revision = "0011"
down_revision = "0010"


def upgrade() -> None:
    step(11).apply(op.get_bind())
