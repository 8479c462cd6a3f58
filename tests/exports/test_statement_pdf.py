"""The contract statement PDF: fonts embedded, the same bytes twice, history in plain words, rejections under
"Rejected by"."""

from pathlib import Path

from sqlalchemy import Engine
from typer.testing import CliRunner

from tracker.cli.main import app
from tracker.exports.statement_pdf import _signed, describe, write_statement_pdf
from tracker.reports.audit_log import contract_history
from tracker.reports.registers import contract_statement
from tracker.store.session import read_session

from .founding import FOUNDING, october, tour


def test_the_statement_embeds_its_font_and_is_reproducible(engine: Engine, tmp_path: Path) -> None:
    tour(engine)
    with read_session(engine) as session:
        statement = contract_statement(session, FOUNDING)
        history = contract_history(session, FOUNDING)
    write_statement_pdf(tmp_path / "one.pdf", statement, history)
    write_statement_pdf(tmp_path / "two.pdf", statement, history)
    data = (tmp_path / "one.pdf").read_bytes()
    assert data.startswith(b"%PDF-") and b"/FontFile2" in data and b"DejaVuSans" in data
    assert data == (tmp_path / "two.pdf").read_bytes()


def test_history_in_plain_words_and_who_rejected(engine: Engine) -> None:
    tour(engine)
    october(engine)
    with read_session(engine) as session:
        founding = contract_history(session, FOUNDING)
        pilot = contract_statement(session, "DEMO 2015 91")
        pilot_history = contract_history(session, "DEMO 2015 91")
    sentences = [describe(e.action, {d.name: d.text for d in e.details}) for e in founding]
    assert sentences == [
        "Deliverable 1 accepted by Sarah Okafor on 4 Sep 2015: Mapping report v1.2 reviewed at programme board",
        "Payment 5 of £44,880.00 released for deliverable 1, dated 10 Sep 2015, invoice IMP-2015-031"]
    assert "amount_pence" not in " ".join(sentences)
    report = next(d for d in pilot.deliverables if d.seq == 2)
    assert (_signed(report, "accepted"), _signed(report, "rejected")) == ("", "Sarah Okafor, 2 Oct 2015")
    assert describe(pilot_history[-1].action, {d.name: d.text for d in pilot_history[-1].details}) == (
        "Deliverable 2 rejected by Sarah Okafor: The report leaves out the second borough")


def test_cli_writes_the_pdf(engine: Engine, tmp_path: Path) -> None:
    tour(engine)
    result = CliRunner().invoke(app, ["--db", str(engine.url), "report", "contract", FOUNDING, "--format", "pdf",
                                      "--out", str(tmp_path / "statement.pdf")])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"wrote the statement of {FOUNDING} to {tmp_path / 'statement.pdf'}\n"
    assert (tmp_path / "statement.pdf").read_bytes().startswith(b"%PDF-")
    assert not list(tmp_path.glob(".*.part"))
