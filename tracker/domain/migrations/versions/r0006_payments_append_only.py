"""payments are append-only in the store itself, as the audit trail is"""

from alembic import op

from tracker.domain.schema import step

revision = "0006"
down_revision = "0005"


def upgrade() -> None:
    step(6).apply(op.get_bind())
