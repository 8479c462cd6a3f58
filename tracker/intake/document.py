"""The form as passages of running text, each character traceable to its line in the file.

PDF-to-text conversion fuses bold headings into the text around them ("41**Title: ...**")
and breaks sentences across lines. A piece that continues an unfinished sentence joins the
one before it, so phrases can be read whole; a label ("Supplier:"), a numbered paragraph, a
bullet or a blank line starts a new passage, and so does whatever follows a bold label.
"""

import bisect
import re
import unicodedata
from dataclasses import dataclass

_BOLD = re.compile(r"\*{2,}")
_NUMBERED = re.compile(r"^(?:\d+(?:\.\d+)+\.?|\d+\.|\(?[a-z]\)|[ivx]+\))\s")
_BULLET = re.compile(r"^[-•·▪●*]\s+")
_SENTENCE_END = (".", ":", "!", "?")
_LABEL = re.compile(r"^[A-Z][\w'’]*(?:\s+[\w'’]+){0,3}\s*:(?:\s|$)")


@dataclass(frozen=True)
class Document:
    """Passages joined by newlines; `line_at` gives the file line of any offset."""

    text: str
    offsets: tuple[int, ...]
    lines: tuple[int, ...]

    def line_at(self, offset: int) -> int:
        return self.lines[max(bisect.bisect_right(self.offsets, offset) - 1, 0)]


def read_document(raw: str) -> Document:
    builder = _Builder()
    for number, physical in enumerate(raw.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        pieces = _BOLD.split(physical)
        if len(pieces) == 1 and not physical.strip():
            builder.blank()
            continue
        for index, piece in enumerate(pieces):
            builder.add(_tidy(piece), number, fused=index > 0)
    return builder.document()


def _tidy(piece: str) -> str:
    """Ligatures and odd spaces from the PDF (ﬁnancial, no-break spaces) read as plain letters and spaces."""
    return " ".join(unicodedata.normalize("NFKC", piece).replace("\u00ad", "").split())


class _Builder:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.offsets: list[int] = []
        self.lines: list[int] = []
        self.length = 0
        self.open = False
        self.after_label = False

    def blank(self) -> None:
        self.open = False

    def add(self, piece: str, line: int, *, fused: bool) -> None:
        if not piece:
            self.open = self.open and not fused
            return
        bullet = _BULLET.match(piece)
        if bullet:
            piece = piece[bullet.end():]
        label = bool(_LABEL.match(piece))
        joins = (self.open and self._unfinished() and not bullet and not label and not _NUMBERED.match(piece)
                 and not (fused and self.after_label))
        self.after_label = label
        if joins and self.parts[-1].endswith("-") and piece[:1].islower():
            self._append(piece, line, separator="")
        elif joins:
            self._append(piece, line, separator=" ")
        else:
            self._append(piece, line, separator="\n" if self.parts else "")
        self.open = True

    def _unfinished(self) -> bool:
        return bool(self.parts) and not self.parts[-1].rstrip().endswith(_SENTENCE_END)

    def _append(self, piece: str, line: int, *, separator: str) -> None:
        if separator == "" and self.parts:
            self.parts[-1] = self.parts[-1][:-1]
            self.length -= 1
        self.parts.append(separator)
        self.length += len(separator)
        self.offsets.append(self.length)
        self.lines.append(line)
        self.parts.append(piece)
        self.length += len(piece)

    def document(self) -> Document:
        return Document("".join(self.parts), tuple(self.offsets), tuple(self.lines))
