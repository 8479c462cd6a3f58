"""Free text from people and files: trimmed, bounded, and free of control characters; names compared as they read."""

import unicodedata

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


def clean_name(field: str, value: str | None) -> str:
    """A person's name as it may be stored: NFKC, no control characters, no word mixing alphabets."""
    text = " ".join(clean_text(field, unicodedata.normalize("NFKC", value or "")).split())
    for word in text.split():
        scripts = {_script(ch) for ch in word if ch.isalpha()} - _COMBINABLE
        if len(scripts) > 1:
            raise InvalidInput(f"{field} {word!r} mixes letters of {' and '.join(sorted(s.title() for s in scripts))} "
                               f"alphabets; type it in one alphabet")
    return text


def same_name(first: str, second: str) -> bool:
    return _skeleton(first) == _skeleton(second)


def normalise_name(name: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", name).split()).casefold()


def _script(ch: str) -> str:
    return unicodedata.name(ch, "UNKNOWN").split(" ")[0]


_COMBINABLE = {"CJK", "HIRAGANA", "KATAKANA"}
"""Japanese names mix these by nature; only the Han/kana set may share a word."""

_LOOK_ALIKES = str.maketrans({
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t",
    "у": "y", "х": "x", "і": "i", "ї": "i", "ј": "j", "ѕ": "s", "ԁ": "d", "ԛ": "q", "ԝ": "w", "ӏ": "l",
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u",
    "χ": "x", "γ": "y", "ω": "w",
})


def _skeleton(name: str) -> str:
    """How a name reads: NFKC, case-folded, spacing collapsed, look-alike Cyrillic and Greek letters as Latin."""
    return normalise_name(name).translate(_LOOK_ALIKES)
