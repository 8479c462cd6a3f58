"""Where the tracker keeps its own files: one data folder for the database, the demo, exports and crash logs."""

from pathlib import Path


def data_dir() -> Path:
    """The user's data folder for the tracker (platformdirs: XDG_DATA_HOME on Linux)."""
    from platformdirs import user_data_dir

    return Path(user_data_dir("tracker", appauthor=False))
