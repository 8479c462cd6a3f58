"""Counts and articles in messages: "1 budget line", "2 budget lines", "an awarded contract"."""


def plural(count: int, noun: str, many: str | None = None) -> str:
    """The count with its noun, singular for exactly one; `many` where adding an s is wrong ("payments and
    reversals" for "payment or reversal")."""
    return f"{count:,} {noun if count == 1 else many or noun + 's'}"


def article(word: str) -> str:
    """The word with "a" or "an" before it, by its first letter (the tracker's nouns and statuses have no silent h
    and no "u" sounded as "you")."""
    return f"{'an' if word[:1].lower() in 'aeiou' else 'a'} {word}"
