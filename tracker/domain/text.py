"""Free text from people and files: trimmed, bounded, and free of control characters."""

from tracker.domain.errors import InvalidInput


def clean_text(field: str, value: str | None, *, max_length: int = 200, required: bool = True) -> str:
    """The trimmed text, or a one-line reason it cannot be stored."""
    text = "" if value is None else str(value).strip()
    if not text:
        if required:
            raise InvalidInput(f"{field} is required")
        return ""
    if not text.isprintable():
        raise InvalidInput(f"{field} contains control characters; use plain text")
    if len(text) > max_length:
        raise InvalidInput(f"{field} is {len(text)} characters long; the most it can be is {max_length}")
    return text


def optional_text(field: str, value: str | None, *, max_length: int = 200) -> str | None:
    return clean_text(field, value, max_length=max_length, required=False) or None
