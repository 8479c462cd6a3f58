"""One revision per step of `tracker.domain.schema.MIGRATIONS`, each revising the one before."""
