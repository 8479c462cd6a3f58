"""The CLI runner of tests/cli, for intake's own command tests."""

from ..cli.conftest import tracker

__all__ = ["tracker"]
