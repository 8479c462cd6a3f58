"""`tracker demo` from a normal install, not only an editable one: the demo's files travel inside the package."""

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

from .conftest import DEMO, ROOT

CSV_FILES = ("budget_lines.csv", "contracts.csv", "deliverables.csv", "payments.csv")


def test_data_demo_is_the_package_s_own_demo() -> None:
    """One copy of the demo: `tracker import data/demo` reads the very files the package ships."""
    assert DEMO.resolve() == (ROOT / "tracker" / "demo").resolve()
    assert all((DEMO / name).is_file() for name in CSV_FILES)


@pytest.mark.slow
def test_the_demo_runs_from_an_installed_wheel(tmp_path: Path) -> None:
    source = tmp_path / "source"
    shutil.copytree(ROOT / "tracker", source / "tracker", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    wheels = tmp_path / "wheels"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(wheels), str(source)], check=True,
                   cwd=tmp_path, capture_output=True)
    (wheel,) = wheels.glob("tracker-*.whl")
    shipped = {Path(name).name for name in zipfile.ZipFile(wheel).namelist() if "/demo/" in name}
    assert set(CSV_FILES) <= shipped

    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run([*pip, "--python", str(python), "install", "--no-deps", "--no-index", str(wheel)], check=True,
                   capture_output=True)
    # The dependencies come from the test's own environment (no network), after the venv's own packages, so
    # `tracker` itself is the installed wheel, never this checkout.
    own = Path(subprocess.run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                              check=True, capture_output=True, text=True).stdout.strip())
    (own / "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    env = {key: value for key, value in os.environ.items() if not key.startswith(("TRACKER_", "PYTHON"))}
    env |= {"XDG_DATA_HOME": str(tmp_path / "data"), "TRACKER_USER": "test-officer", "COLUMNS": "120"}
    where = subprocess.run([str(python), "-c", "import tracker; print(tracker.__file__)"], check=True,
                           capture_output=True, text=True, cwd=tmp_path, env=env).stdout
    assert where.startswith(str(venv)), where
    demo = subprocess.run([str(venv / "bin" / "tracker"), "demo"], capture_output=True, text=True, cwd=tmp_path,
                          env=env, stdin=subprocess.DEVNULL, timeout=120)
    assert demo.returncode == 0, demo.stderr
    assert "VG-1516" in demo.stdout and "DMPCD 2015 76" in demo.stdout and "Impower Consulting Ltd" in demo.stdout
    assert f"demo database: {tmp_path / 'data' / 'tracker' / 'demo.db'}" in demo.stdout
