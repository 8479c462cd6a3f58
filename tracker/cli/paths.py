"""The files the command line uses when not told otherwise, all under the one data folder."""

import os
from pathlib import Path

from tracker.support.places import data_dir


def default_database() -> str:
    return str(data_dir() / "tracker.db")


def demo_database() -> str:
    return str(data_dir() / "demo.db")


def default_export_dir() -> Path:
    configured = os.environ.get("TRACKER_EXPORT_DIR", "").strip()
    if configured:
        return Path(configured)
    return data_dir() / "exports"
