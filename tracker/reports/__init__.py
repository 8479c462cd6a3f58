"""Read-side queries: each returns plain rows (frozen dataclasses); rendering happens elsewhere."""
