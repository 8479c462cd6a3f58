"""Every field of every shared decision form comes out exactly as its expected file says."""

import json
from pathlib import Path

import pytest

from tracker.intake.reading import read_proposal
from tracker.intake.shape import proposal_record

from ..cli.conftest import Tracker
from .forms import expected, shared_forms


@pytest.mark.parametrize("form", shared_forms(), ids=lambda form: form.stem)
def test_each_shared_form_reads_as_expected(form: Path) -> None:
    assert proposal_record(read_proposal(form.read_text(encoding="utf-8"))) == expected(form)


@pytest.mark.parametrize("form", shared_forms(), ids=lambda form: form.stem)
def test_intake_prints_the_expected_json(tracker: Tracker, form: Path) -> None:
    result = tracker("intake", str(form), "--format", "json")
    assert json.loads(result.stdout) == expected(form)
    assert result.stderr == ""


def test_there_are_shared_forms_to_read() -> None:
    assert len(shared_forms()) >= 2
