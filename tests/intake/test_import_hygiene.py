"""Reading a decision pays for neither the desk nor the PDF library unless a PDF is read."""

import subprocess
import sys


def test_intake_imports_neither_textual_nor_pypdf() -> None:
    code = ("import sys, pkgutil, importlib, tracker.intake, tracker.cli.intake\n"
            "for module in pkgutil.iter_modules(tracker.intake.__path__):\n"
            "    importlib.import_module(f'tracker.intake.{module.name}')\n"
            "print(sorted({name.split('.')[0] for name in sys.modules} & {'textual', 'pypdf'}))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
