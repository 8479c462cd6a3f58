"""Text from files, arguments and errors made safe to show: no terminal control sequences, no passwords."""

import re
import unicodedata

_URL_PASSWORD = re.compile(r"(?P<head>[A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@]*:)[^\s@/]*@")


def redact_passwords(text: str) -> str:
    """postgresql://clerk:s3cret@host/db -> postgresql://clerk:***@host/db."""
    return _URL_PASSWORD.sub(r"\g<head>***@", text)


def escape_controls(text: str, *, keep: str = "") -> str:
    """Control characters (ESC, BEL, C1 controls, bidi overrides) shown as escapes such as \\x1b, not obeyed."""
    if text.isprintable() and not keep:
        return text
    return "".join(ch if ch in keep or ch.isprintable() or ch == " " or not _is_control(ch) else _escape(ch)
                   for ch in text)


def _is_control(ch: str) -> bool:
    return unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp")


def _escape(ch: str) -> str:
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
