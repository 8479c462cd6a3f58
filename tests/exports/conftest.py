"""The export tests share the report tests' data sets."""

from ..reports.conftest import demo_store, workload

__all__ = ["demo_store", "workload"]
