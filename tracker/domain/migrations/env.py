"""Alembic's environment: the revisions run on the connection the tracker opened, inside the transaction that took
the store's write lock; the tracker commits it with the step's history row (`tracker db upgrade`)."""

from alembic import context

context.configure(connection=context.config.attributes["connection"])
with context.begin_transaction():
    context.run_migrations()
