"""A deliverable's status as of a day, from its status now and the days it was submitted and decided.

Reports and exports as of an earlier day must not show a sign-off that came later.
"""

from tracker.domain.enums import DeliverableStatus

_DECIDED = (DeliverableStatus.ACCEPTED.value, DeliverableStatus.REJECTED.value)
_PENDING = DeliverableStatus.PENDING.value
_SUBMITTED = DeliverableStatus.SUBMITTED.value
_REJECTED = DeliverableStatus.REJECTED.value


def status_as_of(status: str, submitted_on: str | None, decided_on: str | None, day: str) -> str:
    """The deliverable's status at the end of `day` (ISO dates compare as text), from its current status and dates."""
    if status in _DECIDED and (decided_on is None or decided_on <= day):
        return status
    if status == _PENDING:
        return status
    if submitted_on is None or submitted_on <= day:
        return _SUBMITTED
    return _REJECTED if decided_on is not None and decided_on <= day else _PENDING
