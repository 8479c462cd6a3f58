"""Who acts: the name they claim (--as, TRACKER_USER) and the operating-system account they are."""

import os
import pwd
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    claimed: str
    login: str

    def is_same_person(self, name: str | None) -> bool:
        """Names compare without regard to case or surrounding space."""
        if not name:
            return False
        return normalise_name(name) in {normalise_name(self.claimed), normalise_name(self.login)}


def os_login() -> str:
    """The account from the password database, not from environment variables anyone can set."""
    try:
        return pwd.getpwuid(os.getuid()).pw_name
    except KeyError:
        return f"uid-{os.getuid()}"


def resolve_actor(claimed: str | None = None) -> Actor:
    """--as NAME, else TRACKER_USER, else the OS login."""
    login = os_login()
    name = (claimed or os.environ.get("TRACKER_USER") or login).strip()
    return Actor(claimed=name or login, login=login)


def normalise_name(name: str) -> str:
    return " ".join(name.split()).casefold()
