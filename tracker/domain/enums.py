"""The states of contracts and deliverables and what a person may do: enumerations apart from the tables.

`tracker.domain.models` gives them with the tables; here they load without the ORM, so that a read written in
SQLAlchemy Core alone (the desk's first screen) can name them.
"""

from enum import StrEnum


class ContractStatus(StrEnum):
    DRAFT = "draft"
    AWARDED = "awarded"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class DeliverableStatus(StrEnum):
    PENDING = "pending"
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class Permission(StrEnum):
    """What a registered person may do: sign off, release money, or run the office's records."""

    ACCEPT = "accept"
    PAY = "pay"
    ADMIN = "admin"
