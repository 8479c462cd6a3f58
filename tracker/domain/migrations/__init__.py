"""The schema's steps as Alembic revisions: `env.py` and one file per step in `versions/` ("0001", "0002", …).

Each revision runs its step from `tracker.domain.schema` (`MIGRATIONS`), on the connection the tracker has opened,
locked and will commit with the step's history row (`tracker.store.migrations.upgrade`).
"""
