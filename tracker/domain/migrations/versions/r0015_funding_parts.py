"""contracts funded over several years: a deliverable's part on a line of its year"""

from alembic import op

from tracker.domain.schema import step

revision = "0015"
down_revision = "0014"


def upgrade() -> None:
    step(15).apply(op.get_bind())
