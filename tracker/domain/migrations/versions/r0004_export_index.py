"""covering index for the commitments export's contracts in reference order"""

from alembic import op

from tracker.domain.schema import step

revision = "0004"
down_revision = "0003"


def upgrade() -> None:
    step(4).apply(op.get_bind())
