"""Decision forms for the intake tests: the shared examples, layouts of our own, and PDFs made on the spot."""

import json
from pathlib import Path
from typing import Any

from fpdf import FPDF

from ..conftest import ROOT

DECISIONS = ROOT.parent / "shared" / "decisions"
"""The invented published forms and their expected proposals, beside the repository (in CI too)."""


def shared_forms() -> list[Path]:
    return sorted(DECISIONS.glob("*.txt"))


def expected(form: Path) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(form.with_suffix(".expected.json").read_text(encoding="utf-8"))
    return loaded


def write_pdf(path: Path, lines: list[str]) -> Path:
    """A PDF with a real text layer, as a council's publishing system makes one: bold headings, wrapped text.

    A line starting with "**" is set in bold, as the published form sets its labels.
    """
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    for line in lines:
        bold = line.startswith("**")
        pdf.set_font("Helvetica", "B" if bold else "", 11)
        pdf.multi_cell(0, 6, line.removeprefix("**") or " ", new_x="LMARGIN", new_y="NEXT")
    pdf.output(str(path))
    return path


def write_pdf_without_text(path: Path) -> Path:
    """What a scanner makes: pages with pictures of words and no text layer."""
    pdf = FPDF(format="A4")
    pdf.add_page()
    pdf.set_fill_color(20, 20, 20)
    for row in range(30):
        pdf.rect(20, 20 + row * 8, 170 - (row % 5) * 20, 4, style="F")
    pdf.output(str(path))
    return path
