"""The command line must not pay for the desk: nothing outside tracker.ui imports Textual."""

import subprocess
import sys


def test_domain_reports_exports_and_cli_do_not_import_textual() -> None:
    code = ("import sys, tracker.domain.context, tracker.domain.payments, tracker.domain.importing, "
            "tracker.reports.registers, tracker.reports.dashboard, tracker.exports, tracker.cli.main; "
            "import pkgutil, importlib, tracker.reports, tracker.exports\n"
            "for package in (tracker.reports, tracker.exports):\n"
            "    for module in pkgutil.iter_modules(package.__path__):\n"
            "        importlib.import_module(f'{package.__name__}.{module.name}')\n"
            "print(sorted(name for name in sys.modules if name.split('.')[0] == 'textual'))")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_desk_does_import_textual() -> None:
    """The check above can fail: importing the desk does load Textual."""
    code = "import sys, tracker.ui.app; print('textual' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "True"
