"""A bug in the desk ends it with one line and the same private crash log as the command line."""

import os
import stat

import pytest

from tracker.support.places import data_dir

from .conftest import DeskFactory
from .helpers import desk_test


@desk_test
async def test_a_desk_crash_exits_70_with_a_private_log(empty_desk: DeskFactory) -> None:
    app = empty_desk()

    def broken() -> None:
        raise RuntimeError("postgresql://clerk:s3cret@db/tracker is down")

    with pytest.raises(RuntimeError):
        async with app.run_test() as pilot:
            app.call_later(broken)
            await pilot.pause()
    assert app.return_code == 70
    logs = list((data_dir() / "crash-logs").iterdir())
    assert len(logs) == 1
    assert stat.S_IMODE(os.stat(logs[0]).st_mode) == 0o600
    assert "s3cret" not in logs[0].read_text() and "RuntimeError" in logs[0].read_text()
