"""Getting the text of a decision form out of a file, refusing what is not one."""

import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from tracker.domain.errors import InvalidInput

MAX_BYTES = 20 * 1024 * 1024
"""A decision form with its supporting report is tens of kilobytes; a bigger file is not one."""


class UnreadableForm(InvalidInput):
    """The file cannot be read as a decision form; nothing is proposed and nothing is created."""


@dataclass(frozen=True)
class FormSource:
    """The form's text, and what identifies the file it came from in the audit trail."""

    name: str
    sha256: str
    text: str


def read_form(path: Path) -> FormSource:
    """Read a `.txt` or `.pdf` decision form, checking size and kind before parsing anything."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise UnreadableForm(f"{path.name} is {size // (1024 * 1024)} MB; a decision form is under "
                                 f"{MAX_BYTES // (1024 * 1024)} MB, so this is not one")
        data = path.read_bytes()
    except FileNotFoundError:
        raise UnreadableForm(f"{path} does not exist") from None
    except IsADirectoryError:
        raise UnreadableForm(f"{path} is a folder, not a decision form") from None
    except OSError as error:
        raise UnreadableForm(f"{path} cannot be read: {error.strerror or error}") from None
    if not data.strip():
        raise UnreadableForm(f"{path.name} is empty; there is no decision to read")
    text = _pdf_text(path.name, data) if data.startswith(b"%PDF-") else _plain_text(path.name, data)
    if not text.strip():
        raise UnreadableForm(f"{path.name} has no text layer (a scanned image?); run it through OCR first")
    return FormSource(name=path.name, sha256=hashlib.sha256(data).hexdigest(), text=text)


def _plain_text(name: str, data: bytes) -> str:
    """UTF-8 (with or without BOM), Windows' "Unicode" (UTF-16 with BOM), else Windows-1252."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise UnreadableForm(f"{name} is a binary file, not a decision form as text or PDF") from None
    if b"\x00" in data[:8192]:
        raise UnreadableForm(f"{name} is a binary file, not a decision form as text or PDF")
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _mostly_text(text):
            return text
    raise UnreadableForm(f"{name} is a binary file, not a decision form as text or PDF")


def _mostly_text(text: str) -> bool:
    sample = text[:8192]
    control = sum(1 for ch in sample if not ch.isprintable() and ch not in "\r\n\t\f")
    return control <= len(sample) // 100


def _pdf_text(name: str, data: bytes) -> str:
    """Page by page, in reading order; a damaged PDF is the user's file, not our bug."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise UnreadableForm(f"{name} is a password-protected PDF; save an unprotected copy first")
        return "\n".join(page.extract_text() or "" for page in reader.pages)
    except UnreadableForm:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
        raise UnreadableForm(f"{name} is not a readable PDF ({type(error).__name__})") from None
