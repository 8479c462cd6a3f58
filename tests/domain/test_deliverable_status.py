"""A deliverable's status as of a day is a domain rule: an earlier day never shows a later sign-off."""

import pytest

from tracker.domain.deliverable_status import status_as_of


@pytest.mark.parametrize(("status", "submitted", "decided", "day", "expected"), [
    ("accepted", "2015-09-01", "2015-09-10", "2015-09-10", "accepted"),
    ("accepted", "2015-09-01", "2015-09-10", "2015-09-09", "submitted"),
    ("accepted", "2015-09-01", "2015-09-10", "2015-08-31", "pending"),
    ("rejected", "2015-09-01", "2015-09-02", "2015-09-01", "submitted"),
    ("submitted", "2015-09-05", "2015-09-02", "2015-09-03", "rejected"),  # resubmitted after a rejection
    ("submitted", "2015-09-05", None, "2015-09-03", "pending"),
    ("pending", None, None, "2015-09-03", "pending"),
])
def test_status_as_of_a_day(status: str, submitted: str | None, decided: str | None, day: str,
                            expected: str) -> None:
    assert status_as_of(status, submitted, decided, day) == expected
