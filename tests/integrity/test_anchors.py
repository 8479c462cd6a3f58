"""Heads kept outside the store, unsound stores kept as evidence, and a store without its schema record refused."""

import json
from pathlib import Path

from typer.testing import CliRunner

from tests.integrity.helpers import counts, populated_store, raw
from tracker.cli.main import app


def _run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stdout, result.stderr


def _store(tmp_path: Path) -> Path:
    db = tmp_path / "live.db"
    populated_store(db).dispose()
    return db


def test_audit_head_prints_a_line_that_verify_heads_reads_back(tmp_path: Path) -> None:
    db = _store(tmp_path)
    code, out, _ = _run("--db", str(db), "audit", "head")
    assert code == 0
    head, stamp = out.split()
    assert head.startswith("12:") and len(head) == 3 + 64
    assert stamp.endswith("+00:00")
    heads = tmp_path / "heads.txt"
    heads.write_text(f"# mailed to the auditor\n{out}\n", encoding="utf-8")
    code, out, err = _run("--db", str(db), "audit", "verify", "--heads", str(heads))
    assert code == 0, err
    assert "checked against 1 recorded head, the latest event 12; events after it are protected only by the next " \
           "head recorded" in out


def test_every_head_in_the_files_is_checked_and_a_manifest_counts_as_one(tmp_path: Path) -> None:
    db = _store(tmp_path)
    conn = raw(db)
    hashes = dict(conn.execute("SELECT seq, hash FROM audit_event").fetchall())
    conn.close()
    heads = tmp_path / "heads.txt"
    heads.write_text(f"3:{hashes[3]}\n7:{'0' * 64} 2015-10-19T11:00:00+00:00\n", encoding="utf-8")
    manifest = tmp_path / "commitments-2015-10-19.manifest.json"
    manifest.write_text(json.dumps({"audit_chain_head": f"12:{hashes[12]}"}), encoding="utf-8")
    code, _out, err = _run("--db", str(db), "audit", "verify", "--heads", str(manifest), "--heads", str(heads))
    assert code == 1
    assert err.splitlines()[0] == (f"audit verify FAILED: audit event 7: hash {hashes[7][:12]}... differs from the "
                                   f"head recorded earlier 000000000000... (the chain was rewritten)")


def test_a_heads_file_that_is_not_one_is_refused_in_one_line(tmp_path: Path) -> None:
    db = _store(tmp_path)
    heads = tmp_path / "heads.txt"
    heads.write_text("12:abc\n", encoding="utf-8")
    code, _out, err = _run("--db", str(db), "audit", "verify", "--heads", str(heads))
    assert code == 2
    assert err.strip() == f'error: {heads}, line 1: head "12:abc" is not SEQ:HASH (a number, a colon and 64 hex ' \
                          f'digits)'
    code, _, err = _run("--db", str(db), "audit", "verify", "--heads", str(tmp_path / "missing.txt"))
    assert code == 2 and err.count("\n") == 1 and "cannot read the heads" in err


def test_an_unsound_store_can_be_kept_as_labelled_evidence(tmp_path: Path) -> None:
    db = _store(tmp_path)
    conn = raw(db)
    conn.executescript("UPDATE contract SET supplier = 'Mallory Ltd' WHERE id = 7")
    conn.close()
    folder = tmp_path / "evidence"
    folder.mkdir()
    code, _, err = _run("--db", str(db), "backup", str(folder))
    assert code == 1 and "does not verify" in err
    assert list(folder.iterdir()) == []
    code, _out, err = _run("--db", str(db), "backup", str(folder), "--even-if-unsound")
    assert code == 0, err
    copy, note = sorted(folder.iterdir(), key=lambda p: p.suffix)
    assert copy.name.endswith("-UNSOUND.db") and note.name == copy.name + ".UNSOUND.txt"
    assert err.startswith(f"UNSOUND backup written to {copy} (")
    assert "contract 7: supplier is 'Mallory Ltd' in the table, 'Acme' in audit event 12" in err
    assert "- contract 7: supplier is 'Mallory Ltd'" in note.read_text(encoding="utf-8")
    assert counts(copy) == counts(db)


def test_a_store_without_its_schema_record_is_not_opened_or_migrated(tmp_path: Path) -> None:
    db = _store(tmp_path)
    conn = raw(db)
    conn.execute("DROP TABLE schema_version")
    conn.close()
    before = counts(db)
    for args in (("audit", "verify"), ("pay", "DEMO 2015 91", "1"), ("budget", "list")):
        code, out, err = _run("--db", str(db), *args)
        assert code == 3, (args, out, err)
        assert err.count("\n") == 1 and "has tables but no schema_version record" in err
    assert counts(db) == before
    conn = raw(db)
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'schema_version'").fetchone() is None
    conn.close()


def test_two_records_of_one_head_that_disagree_fail(tmp_path: Path) -> None:
    db = _store(tmp_path)
    conn = raw(db)
    digest = conn.execute("SELECT hash FROM audit_event WHERE seq = 12").fetchone()[0]
    conn.close()
    heads = tmp_path / "heads.txt"
    heads.write_text(f"12:{digest}\n12:{'f' * 64}\n", encoding="utf-8")
    code, _out, err = _run("--db", str(db), "audit", "verify", "--heads", str(heads))
    assert code == 1
    assert err.splitlines()[0] == ("audit verify FAILED: the recorded heads disagree about audit event 12: two "
                                   "different hashes (at least one record of the head was forged or miscopied)")
