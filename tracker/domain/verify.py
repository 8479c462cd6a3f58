"""`audit verify`: does the database still say what the audit trail says happened?

Passes, each streaming, none holding more than the events' own figures and images:
1. the chain: gap-free seq from 1, each prev_hash the previous hash, each hash
   recomputed from the row, each event's time not behind an earlier one's, and every head
   recorded earlier still there with the same hash (which catches a truncated tail and a
   recomputed chain); each event's row images folded in: the image of a row before an event
   must be what the last event left, and the balances an event states must be its images';
2. events against rows: every row an action created is replayed from its event and compared
   (and each contract's natural sort key recomputed from its reference);
   every column of every row an event imaged against its last image; the rows each import
   inserted against the digest per table it recorded (and its id ranges, counts and total);
3. running totals against detail: paid per deliverable, contract and line summed from
   the payment rows, commitments from the contracts (and the deliverables carried forward
   or released at a year end, or put on a later year's line), each by one SQL aggregate;
   the year each payment is charged to recomputed from the line that pays it; every closed year closed by an event; each
   invoice's paid total from the payments matched to it, and every invoice made by an event;
4. the store's own guards: the append-only triggers and the version records (schema_version, alembic_version).
The first disagreement found is the headline; a few more follow it.
"""

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.engine import Connection

from tracker.domain.audit import GENESIS_HASH, AuditAction, chain_hash, event_body
from tracker.domain.errors import InvalidInput
from tracker.domain.fiscal import FiscalYear
from tracker.domain.images import BATCH, TRACKED, Image, TableDigest, columns_of, read_images, stream_batches
from tracker.domain.invoice_history import links_digest
from tracker.domain.money import format_gbp
from tracker.domain.natural import reference_key
from tracker.domain.schema import MIGRATIONS
from tracker.store.engine import ever_written, guard_problems
from tracker.store.migrations import read_version, revision
from tracker.store.session import read_session
from tracker.support.progress import QUIET, Progress
from tracker.support.wording import plural

MAX_PROBLEMS = 20
CLOCK_TOLERANCE = dt.timedelta(minutes=2)
"""How far an event's time may fall behind an earlier one's (clocks are stepped, and an office's PCs drift)."""
_HEAD = re.compile(r"([0-9]{1,18}):([0-9a-f]{64})")


@dataclass(frozen=True)
class Verified:
    """What verify found: the head it checked up to and every disagreement (empty when sound)."""

    events: int
    head_seq: int
    head_hash: str
    rows: dict[str, int]
    problems: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def head(self) -> str:
        return f"{self.head_seq}:{self.head_hash}"


def parse_head(value: str) -> tuple[int, str]:
    """SEQ:HASH as printed by `audit verify` and carried by the export manifest."""
    match = _HEAD.fullmatch(value.strip().lower())
    if match is None:
        raise InvalidInput(f'head "{value.strip()[:90]}" is not SEQ:HASH (a number, a colon and 64 hex digits)')
    return int(match[1]), match[2]


def read_heads(path: Path) -> list[tuple[int, str]]:
    """Every head in a file of recorded heads: lines starting SEQ:HASH (as `audit head` prints them; blank lines and
    lines starting with # are skipped), or an export manifest (JSON with `audit_chain_head`)."""
    try:
        content = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"cannot read the heads in {path}: {getattr(error, 'strerror', None) or error}") from None
    if content.lstrip().startswith("{"):
        try:
            manifest = json.loads(content)
            return [parse_head(str(manifest["audit_chain_head"]))]
        except (ValueError, KeyError, TypeError):
            raise InvalidInput(f"{path} is not an export manifest with an audit_chain_head") from None
    heads = []
    for number, line in enumerate(content.splitlines(), start=1):
        if line.strip() and not line.lstrip().startswith("#"):
            try:
                heads.append(parse_head(line.split()[0]))
            except InvalidInput as error:
                raise InvalidInput(f"{path}, line {number}: {error}") from None
    if not heads:
        raise InvalidInput(f"{path} holds no head (lines SEQ:HASH, or an export manifest)")
    return heads


class _Full(Exception):
    """Enough problems gathered: the headline and a few after it."""


@dataclass
class _Import:
    seq: int
    ranges: dict[str, tuple[int, int]]
    rows: dict[str, int]
    payments_pence: int | None
    seen: dict[str, int] = field(default_factory=dict)
    payments_sum: int = 0


@dataclass
class _Replay:
    """What the events say the rows should be, for rows made by actions (a few per person per day)."""

    lines: dict[str, tuple[int, tuple[int, str]]] = field(default_factory=dict)
    contracts: dict[str, tuple[int, tuple[int, str]]] = field(default_factory=dict)
    contract_status: dict[str, tuple[int, str]] = field(default_factory=dict)
    deliverables: dict[tuple[str, int], tuple[int, int]] = field(default_factory=dict)
    deliverable_status: dict[tuple[str, int], tuple[int, str]] = field(default_factory=dict)
    payments: dict[int, tuple[int, str, tuple[Any, ...]]] = field(default_factory=dict)
    imports: list[_Import] = field(default_factory=list)
    images: dict[tuple[str, int], tuple[int, Image]] = field(default_factory=dict)
    """Each row's image after the last event that touched it: what the table must hold, column for column."""
    first_before: dict[tuple[str, int], Image] = field(default_factory=dict)
    """A row first seen already made (by an import): its image before that event, for the import's digest."""
    digests: list[tuple[int, str, dict[str, Any]]] = field(default_factory=list)
    links: list[tuple[int, dict[str, Any]]] = field(default_factory=list)
    """The payments a migration linked to the invoices it made: (its event, the digest of the links)."""
    imaged_from: int = 0
    latest_at: dt.datetime | None = None
    closed_years: dict[str, tuple[int, tuple[str, str, str]]] = field(default_factory=dict)
    """Each year closed, by its label: the event, and its closing day, settlement window and decision."""


class _Problems:
    def __init__(self, limit: int) -> None:
        self.found: list[str] = []
        self.limit = limit

    def add(self, message: str) -> None:
        self.found.append(message)
        if len(self.found) >= self.limit:
            raise _Full


def verify_store(engine: Engine, *, head: tuple[int, str] | None = None, heads: Sequence[tuple[int, str]] = (),
                 limit: int = MAX_PROBLEMS, progress: Progress = QUIET) -> Verified:
    """Check the chain (against every head recorded earlier), the rows against the events, and the totals against
    the rows, in one read snapshot. `progress` hears the passes: chain (events), rows, totals (queries) and
    digests (imported rows); the counts it is given are only taken when someone is watching."""
    recorded: dict[int, str] = {}
    disagreeing: list[int] = []
    for seq, digest in ([head] if head is not None else []) + list(heads):
        if recorded.setdefault(seq, digest) != digest:
            disagreeing.append(seq)
    problems = _Problems(limit)
    replay = _Replay()
    events, last_seq, last_hash = 0, 0, GENESIS_HASH
    rows: dict[str, int] = {}
    with read_session(engine) as session:
        conn = session.connection()
        try:
            for seq in disagreeing:
                problems.add(f"the recorded heads disagree about audit event {seq}: two different hashes (at least "
                             f"one record of the head was forged or miscopied)")
            progress.phase("chain", _count(conn, ("audit_event",), progress), "events")
            events, last_seq, last_hash = _check_chain(conn, replay, problems, recorded, progress)
            _check_head(recorded, last_seq, problems)
            if events == 0:
                _check_unused(conn, problems)
            progress.phase("rows", _count(conn, tuple(TRACKED), progress), "rows")
            rows["budget_line"] = _check_lines(conn, replay, problems, progress)
            rows["contract"] = _check_contracts(conn, replay, problems, progress)
            rows["deliverable"] = _check_deliverables(conn, replay, problems, progress)
            rows["payment"] = _check_payments(conn, replay, problems, progress)
            _check_invoices(conn, replay, problems, progress)
            _check_imports(replay, problems)
            _check_links(conn, replay, problems)
            _check_closed_years(conn, replay, problems)
            progress.phase("totals", len(_TOTALS), "checks")
            _check_totals(conn, problems, progress)
            progress.phase("digests", sum(int(spec.get("count", 0)) for _, _, spec in replay.digests), "rows")
            for table in TRACKED:
                _check_images(conn, table, replay, problems, progress)
            _check_guards(conn, problems)
        except _Full:
            pass
    return Verified(events, last_seq, last_hash, rows, tuple(problems.found))


# -- 0. the store's own guards ---------------------------------------------------------------------------------


def _count(conn: Connection, tables: tuple[str, ...], progress: Progress) -> int | None:
    """About how many rows a pass will read, for a watcher's bar only: the highest id (seq) of each table, read from
    its primary key at once, where COUNT(*) would read a million rows (exact unless rows were removed, which verify
    is there to find). An unwatched verify does not ask."""
    if progress is QUIET:
        return None
    return sum(int(conn.execute(text(f"SELECT COALESCE(MAX({'seq' if table == 'audit_event' else 'id'}), 0) "
                                     f"FROM {table}")).scalar_one()) for table in tables)


def _check_guards(conn: Connection, problems: _Problems) -> None:
    """The append-only triggers and the schema's version record: dropping them is the first step of a tamper."""
    for problem in guard_problems(conn):
        problems.add(problem)
    known = sorted(m.version for m in MIGRATIONS)
    if not conn.dialect.has_table(conn, "schema_version"):
        problems.add("the schema_version table is missing (deleted behind the tracker's back)")
        return
    versions = [int(v) for (v,) in conn.execute(text("SELECT version FROM schema_version ORDER BY version"))]
    if not versions or versions != [v for v in known if v <= versions[-1]]:
        shown = ", ".join(map(str, versions[:12])) or "none"
        problems.add(f"schema_version lists versions {shown}; a sound store lists the tracker's steps "
                     f"{known[0]} to at most {known[-1]}, each once")
    elif (found := read_version(conn)).stamped and found.version != versions[-1]:
        problems.add(f"Alembic's revision is {revision(found.version)} but schema_version's last step is "
                     f"{versions[-1]}; each step records both")


def _check_unused(conn: Connection, problems: _Problems) -> None:
    """An empty trail is sound only on an empty store: rows without events mean the trail was removed."""
    for table in TRACKED:
        if conn.execute(text(f"SELECT 1 FROM {table} LIMIT 1")).first() is not None:
            problems.add(f"the audit trail is empty but the {table.replace('_', ' ')} table holds rows "
                         f"(the trail was removed or truncated)")
            return
    if ever_written(conn, tuple(TRACKED)):
        problems.add("the audit trail is empty but this store was used (rows were added to it once): "
                     "the trail and the rows were removed or truncated")


# -- 1. the chain ----------------------------------------------------------------------------------------------


def _check_chain(conn: Connection, replay: _Replay, problems: _Problems,
                 heads: dict[int, str], progress: Progress = QUIET) -> tuple[int, int, str]:
    expected_seq, prev_hash, count = 1, GENESIS_HASH, 0
    for seq, at, claimed_by, login, action, ref, payload, stored_prev, stored_hash in _stream(
            conn, "SELECT seq, at, claimed_by, login, action, contract_ref, payload, prev_hash, hash "
                  "FROM audit_event ORDER BY seq", progress):
        count += 1
        if seq != expected_seq:
            what = (f"events {expected_seq} to {seq - 1} are missing" if seq > expected_seq
                    else "the sequence goes backwards")
            problems.add(f"audit event {seq}: follows event {expected_seq - 1}; {what}")
        if stored_prev != prev_hash:
            problems.add(f"audit event {seq}: its prev_hash is not the hash of the event before it "
                         f"(an event was removed, inserted or reordered)")
        recomputed = chain_hash(stored_prev, event_body(seq, at, claimed_by, login, action, ref, payload))
        if recomputed != stored_hash:
            problems.add(f"audit event {seq} ({action}): its content does not match its hash (edited)")
        if seq in heads and stored_hash != heads[seq]:
            problems.add(f"audit event {seq}: hash {stored_hash[:12]}... differs from the head recorded earlier "
                         f"{heads[seq][:12]}... (the chain was rewritten)")
        try:
            details = json.loads(payload)
        except ValueError:
            problems.add(f"audit event {seq} ({action}): its payload is not JSON")
            details = {}
        _check_time(replay, seq, action, at, problems)
        if isinstance(details, dict):
            _replay(replay, seq, action, ref, details, problems)
            _replay_images(replay, seq, action, details, problems)
        expected_seq, prev_hash = seq + 1, stored_hash
    return count, expected_seq - 1, prev_hash


def _check_head(heads: dict[int, str], last_seq: int, problems: _Problems) -> None:
    if heads and max(heads) > last_seq:
        problems.add(f"audit event {last_seq + 1}: missing; the trail ends at event {last_seq} but the head "
                     f"recorded earlier is event {max(heads)} (the trail was truncated)")


_CONTRACT_STEPS = (AuditAction.CONTRACT_AWARDED, AuditAction.CONTRACT_CLOSED, AuditAction.CONTRACT_CANCELLED)
_SIGN_OFFS = (AuditAction.DELIVERABLE_SUBMITTED, AuditAction.DELIVERABLE_ACCEPTED, AuditAction.DELIVERABLE_REJECTED)


def _replay(replay: _Replay, seq: int, action: str, ref: str | None, d: dict[str, Any], problems: _Problems) -> None:
    """Fold one event into the expected rows."""
    try:
        if action == AuditAction.BUDGET_LINE_ADDED:
            replay.lines[d["code"]] = (seq, (d["allocation_pence"], d["control"]))
        elif action == AuditAction.CONTRACT_ADDED and ref:
            replay.contracts[ref] = (seq, (d["value_pence"], d["budget_line"]))
            replay.contract_status[ref] = (seq, "draft")
        elif action in _CONTRACT_STEPS and ref:
            replay.contract_status[ref] = (seq, action.split(".")[1])
        elif action == AuditAction.DELIVERABLE_ADDED and ref:
            replay.deliverables[ref, int(d["seq"])] = (seq, d["amount_pence"])
            replay.deliverable_status[ref, int(d["seq"])] = (seq, "pending")
        elif action in _SIGN_OFFS and ref:
            replay.deliverable_status[ref, int(d["seq"])] = (seq, action.split(".")[1])
        elif action == AuditAction.PAYMENT_RELEASED and ref:
            replay.payments[int(d["payment_id"])] = (seq, action, (
                ref, d["seq"], d["amount_pence"], d["paid_on"], d.get("invoice"), None, d.get("sod_override_reason")))
        elif action == AuditAction.PAYMENT_REVERSED and ref:
            replay.payments[int(d["payment_id"])] = (seq, action, (
                ref, d["seq"], d["amount_pence"], d["paid_on"], None, d["reverses_payment_id"], None))
        elif action == AuditAction.YEAR_CLOSED:
            replay.closed_years[d["fiscal_year"]] = (seq, (d["closed_on"], d["settle_until"], d["decision"]))
        elif action == AuditAction.STORE_MIGRATED and "links" in d:
            low, high = d["tables"]["invoice"]["ids"]
            replay.imports.append(_Import(seq, {"invoice": (int(low), int(high))}, {"invoices": int(d["invoices"])},
                                          None))
            replay.links.append((seq, d["links"]))
        elif action == AuditAction.IMPORT:
            replay.imports.append(_Import(
                seq, {table: (int(r[0]), int(r[1])) for table, r in d.get("id_ranges", {}).items()},
                {name.removesuffix(".csv"): int(n) for name, n in d.get("rows", {}).items()},
                d.get("payments_pence")))
        else:
            _replay_correction(replay, seq, action, ref, d)
    except (KeyError, TypeError, ValueError, IndexError):
        problems.add(f"audit event {seq} ({action}): its payload lacks the figures such an event records")


def _replay_correction(replay: _Replay, seq: int, action: str, ref: str | None, d: dict[str, Any]) -> None:
    """Corrections and variations (issue 13): the figures they move, on rows the replay follows.

    A row an import made is followed by its images alone, so only rows already replayed are updated here."""
    if action == AuditAction.BUDGET_LINE_REVISED:
        _replay_allocation(replay, seq, d["code"], d["allocation_after"], d["control"])
    elif action == AuditAction.BUDGET_LINE_TRANSFERRED:
        _replay_allocation(replay, seq, d["from_line"], d["from_allocation_after"], d["from_control"])
        _replay_allocation(replay, seq, d["to_line"], d["to_allocation_after"], d["to_control"])
    elif action == AuditAction.CONTRACT_REOPENED and ref:
        replay.contract_status[ref] = (seq, "awarded")
    elif action == AuditAction.DELIVERABLE_REVOKED and ref:
        replay.deliverable_status[ref, int(d["seq"])] = (seq, "submitted")
    elif action == AuditAction.CONTRACT_RENAMED and ref:
        _replay_rename(replay, d["renamed_from"], d["renamed_to"])
    elif action == AuditAction.BUDGET_LINE_RENAMED:
        _replay_line_rename(replay, d["renamed_from"], d["renamed_to"])
    elif action == AuditAction.CONTRACT_VARIED and ref:
        if ref in replay.contracts:
            replay.contracts[ref] = (seq, (d["value_after"], d["budget_line"]))
        for key, (_, amount) in d["amounts"].items():
            if (ref, int(key)) in replay.deliverables:
                replay.deliverables[ref, int(key)] = (seq, amount)
        for number in d.get("removed", ()):
            replay.deliverables.pop((ref, int(number)), None)
            replay.deliverable_status.pop((ref, int(number)), None)
        for added in d["added"]:
            replay.deliverables[ref, int(added["seq"])] = (seq, added["amount_pence"])
            replay.deliverable_status[ref, int(added["seq"])] = (seq, "pending")


def _replay_allocation(replay: _Replay, seq: int, code: str, allocation: int, control: str) -> None:
    if code in replay.lines:
        replay.lines[code] = (seq, (allocation, control))


def _replay_rename(replay: _Replay, old: str, new: str) -> None:
    if old in replay.contracts:
        replay.contracts[new] = replay.contracts.pop(old)
    if old in replay.contract_status:
        replay.contract_status[new] = replay.contract_status.pop(old)
    for number in [number for ref, number in replay.deliverables if ref == old]:
        replay.deliverables[new, number] = replay.deliverables.pop((old, number))
    for number in [number for ref, number in replay.deliverable_status if ref == old]:
        replay.deliverable_status[new, number] = replay.deliverable_status.pop((old, number))


def _replay_line_rename(replay: _Replay, old: str, new: str) -> None:
    if old in replay.lines:
        replay.lines[new] = replay.lines.pop(old)
    for ref, (seq, (value, code)) in list(replay.contracts.items()):
        if code == old:
            replay.contracts[ref] = (seq, (value, new))


def _check_time(replay: _Replay, seq: int, action: str, at: str, problems: _Problems) -> None:
    try:
        when = dt.datetime.fromisoformat(at)
    except ValueError:
        problems.add(f"audit event {seq} ({action}): its time {at[:40]!r} is not an ISO 8601 timestamp")
        return
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    latest = replay.latest_at
    if latest is not None and when < latest - CLOCK_TOLERANCE:
        problems.add(f"audit event {seq} ({action}): recorded at {at}, before an earlier event's "
                     f"{latest.isoformat()} (time goes backwards)")
    if latest is None or when > latest:
        replay.latest_at = when


_BALANCES = {"line_paid": ("budget_line", "paid_pence"), "line_committed": ("budget_line", "committed_pence"),
             "deliverable_paid": ("deliverable", "paid_pence")}
"""Before and after figures an event states, and the row and column whose images must show them."""


def _label(table: str, row_id: int) -> str:
    return f"{table.replace('_', ' ')} {row_id}"


def _replay_images(replay: _Replay, seq: int, action: str, d: dict[str, Any], problems: _Problems) -> None:
    """Fold the event's row images in: each row's image before it must be what the last event left."""
    images = d.get("images")
    if images is None:
        if replay.imaged_from:
            problems.add(f"audit event {seq} ({action}): carries no row images, though every event from "
                         f"{replay.imaged_from} on does (forged by something other than the tracker)")
        return
    replay.imaged_from = replay.imaged_from or seq
    try:
        for image in images:
            key = (str(image["table"]), int(image["id"]))
            before, after = image["before"], image["after"]
            known = replay.images.get(key)
            if before is None and known is not None and known[1] is not None:
                problems.add(f"{_label(*key)}: audit event {seq} ({action}) made it, but audit event "
                             f"{known[0]} had already")
            elif before is not None and known is not None and known[1] is None:
                problems.add(f"{_label(*key)}: audit event {seq} ({action}) changed it, but audit event "
                             f"{known[0]} had removed it")
            elif before is not None and known is not None:
                name = _first_difference(before, known[1])
                if name is not None:
                    problems.add(f"{_label(*key)}: {name} was {before[name]!r} when audit event {seq} ({action}) "
                                 f"began, but audit event {known[0]} left it {known[1][name]!r} (changed behind the "
                                 f"tracker's back in between)")
            elif before is not None:
                replay.first_before.setdefault(key, before)
            replay.images[key] = (seq, after)
        _check_balances(seq, action, d, images, problems)
        _check_allocations(seq, action, d, images, problems)
        if action in (AuditAction.IMPORT, AuditAction.STORE_MIGRATED):
            replay.digests.extend((seq, table, spec) for table, spec in d.get("tables", {}).items())
    except (KeyError, TypeError, ValueError, AttributeError):
        problems.add(f"audit event {seq} ({action}): its row images are not in the form the tracker writes")


def _check_balances(seq: int, action: str, d: dict[str, Any], images: list[dict[str, Any]],
                    problems: _Problems) -> None:
    """A balance the event states before and after must be the one its row images show (a stale one fails)."""
    for prefix, (table, column) in _BALANCES.items():
        if f"{prefix}_before" not in d:
            continue
        mine = [i for i in images if i["table"] == table and i["before"] is not None
                and (table != "budget_line" or i["after"].get("code") == d.get("budget_line"))
                and (table != "deliverable" or i["after"].get("seq") == d.get("seq"))]
        if len(mine) != 1:
            problems.add(f"audit event {seq} ({action}): states {prefix}_before but has no image of the "
                         f"{table.replace('_', ' ')} it changed")
            continue
        for when in ("before", "after"):
            stated, shown = d[f"{prefix}_{when}"], mine[0][when][column]
            if stated != shown:
                problems.add(f"audit event {seq} ({action}): states {prefix}_{when} {stated}, but "
                             f"{_label(table, mine[0]['id'])} held {column} {shown} (a stale or edited balance)")


_ALLOCATIONS = (("allocation", "code"), ("from_allocation", "from_line"), ("to_allocation", "to_line"))
"""Allocations a revision or virement states before and after, and the detail naming the line each is of."""


def _check_allocations(seq: int, action: str, d: dict[str, Any], images: list[dict[str, Any]],
                       problems: _Problems) -> None:
    """An allocation a revision or virement states must be the one its line's images show."""
    for prefix, naming in _ALLOCATIONS:
        if f"{prefix}_before" not in d:
            continue
        mine = [i for i in images if i["table"] == "budget_line" and i["before"] is not None
                and i["after"].get("code") == d.get(naming)]
        if len(mine) != 1:
            problems.add(f"audit event {seq} ({action}): states {prefix}_before but has no image of the "
                         f"budget line it changed")
            continue
        for when in ("before", "after"):
            stated, shown = d[f"{prefix}_{when}"], mine[0][when]["allocation_pence"]
            if stated != shown:
                problems.add(f"audit event {seq} ({action}): states {prefix}_{when} {stated}, but "
                             f"{_label('budget_line', mine[0]['id'])} held allocation_pence {shown} (a stale or "
                             f"edited balance)")


def _first_difference(have: Image, want: Image) -> str | None:
    """The first column (in the image's order) whose value differs; a column the table no longer has is skipped."""
    for name, value in want.items():
        if name in have and have[name] != value:
            return name
    return None


# -- 2. events against rows ------------------------------------------------------------------------------------


_PLURAL = {"budget_line": "budget_lines", "contract": "contracts", "deliverable": "deliverables",
           "payment": "payments", "invoice": "invoices"}


def _imported_by(replay: _Replay, table: str, row_id: int) -> _Import | None:
    for found in replay.imports:
        low, high = found.ranges.get(table, (1, 0))
        if low <= row_id <= high:
            found.seen[table] = found.seen.get(table, 0) + 1
            return found
    return None


def _unexplained(table: str, row_id: int, name: str, problems: _Problems) -> None:
    problems.add(f"{table.replace('_', ' ')} {row_id} ({name}) is in the table but in no audit event "
                 f"(inserted behind the tracker's back)")


def _check_lines(conn: Connection, replay: _Replay, problems: _Problems, progress: Progress = QUIET) -> int:
    seen, count = set(), 0
    for row_id, code, allocation, control in _stream(
            conn, "SELECT id, code, allocation_pence, control FROM budget_line ORDER BY id", progress):
        count += 1
        expected = replay.lines.get(code)
        if expected is not None:
            seen.add(code)
            _compare(f"budget line {row_id} ({code})", ("allocation_pence", "control"), (allocation, control),
                     expected[1], f"audit event {expected[0]}", problems)
        elif _imported_by(replay, "budget_line", row_id) is None:
            _unexplained("budget_line", row_id, code, problems)
    for code, (seq, _) in replay.lines.items():
        if code not in seen:
            problems.add(f"budget line {code} of audit event {seq} is missing from the table (deleted)")
    return count


def _check_contracts(conn: Connection, replay: _Replay, problems: _Problems, progress: Progress = QUIET) -> int:
    seen, count = set(), 0
    for row_id, ref, value, code, status, key in _stream(
            conn, "SELECT c.id, c.reference, c.value_pence, b.code, c.status, c.reference_key FROM contract c "
                  "LEFT JOIN budget_line b ON b.id = c.budget_line_id ORDER BY c.id", progress):
        count += 1
        if key != reference_key(ref):
            problems.add(f"contract {row_id} ({ref}): reference_key is {key!r} in the table, {reference_key(ref)!r} "
                         f"from its reference (the desk would list it out of order)")
        expected = replay.contracts.get(ref)
        imported = None
        if expected is not None:
            seen.add(ref)
            _compare(f"contract {row_id} ({ref})", ("value_pence", "budget_line"), (value, code), expected[1],
                     f"audit event {expected[0]}", problems)
        else:
            imported = _imported_by(replay, "contract", row_id)
            if imported is None:
                _unexplained("contract", row_id, ref, problems)
        recorded = replay.contract_status.get(ref)
        if recorded is not None and recorded[0] > (imported.seq if imported else 0) and recorded[1] != status:
            problems.add(f"contract {row_id} ({ref}): status is {status} in the table, {recorded[1]} after audit "
                         f"event {recorded[0]}")
    for ref, (seq, _) in replay.contracts.items():
        if ref not in seen:
            problems.add(f"contract {ref} of audit event {seq} is missing from the table (deleted)")
    return count


def _check_deliverables(conn: Connection, replay: _Replay, problems: _Problems, progress: Progress = QUIET) -> int:
    seen, count = set(), 0
    for row_id, ref, seq, amount, status in _stream(
            conn, "SELECT d.id, c.reference, d.seq, d.amount_pence, d.status FROM deliverable d "
                  "LEFT JOIN contract c ON c.id = d.contract_id ORDER BY d.id", progress):
        count += 1
        key = (ref, seq)
        expected = replay.deliverables.get(key)
        imported = None
        if expected is not None:
            seen.add(key)
            _compare(f"deliverable {row_id} ({ref} #{seq})", ("amount_pence",), (amount,), (expected[1],),
                     f"audit event {expected[0]}", problems)
        else:
            imported = _imported_by(replay, "deliverable", row_id)
            if imported is None:
                _unexplained("deliverable", row_id, f"{ref} #{seq}", problems)
        recorded = replay.deliverable_status.get(key)
        if recorded is not None and recorded[0] > (imported.seq if imported else 0) and recorded[1] != status:
            problems.add(f"deliverable {row_id} ({ref} #{seq}): status is {status} in the table, {recorded[1]} "
                         f"after audit event {recorded[0]}")
    for (ref, seq), (event, _) in replay.deliverables.items():
        if (ref, seq) not in seen:
            problems.add(f"deliverable {ref} #{seq} of audit event {event} is missing from the table (deleted)")
    return count


_PAYMENT_FIELDS = ("contract", "deliverable", "amount_pence", "paid_on", "invoice", "reverses_payment_id",
                   "sod_override_reason")


def _check_payments(conn: Connection, replay: _Replay, problems: _Problems, progress: Progress = QUIET) -> int:
    seen: set[int] = set()
    count = 0
    for row_id, ref, seq, amount, paid_on, invoice, reverses, override, imported_flag in _stream(
            conn, "SELECT p.id, c.reference, d.seq, p.amount_pence, p.paid_on, p.invoice, p.reverses_payment_id, "
                  "p.sod_override_reason, p.imported FROM payment p LEFT JOIN contract c ON c.id = p.contract_id "
                  "LEFT JOIN deliverable d ON d.id = p.deliverable_id ORDER BY p.id", progress):
        count += 1
        expected = replay.payments.get(row_id)
        if expected is not None:
            seen.add(row_id)
            event, action, figures = expected
            _compare(f"payment {row_id}", _PAYMENT_FIELDS,
                     (ref, seq, amount, str(paid_on), invoice, reverses, override), figures,
                     f"audit event {event} ({action})", problems)
            continue
        found = _imported_by(replay, "payment", row_id)
        if found is None:
            _unexplained("payment", row_id, f"{ref} #{seq}, {format_gbp(amount or 0)}", problems)
        else:
            found.payments_sum += amount or 0
            if not imported_flag:
                problems.add(f"payment {row_id}: marked as not imported, but in the id range of import event "
                             f"{found.seq}")
    for payment_id, (event, action, _) in sorted(replay.payments.items()):
        if payment_id not in seen:
            problems.add(f"payment {payment_id} of audit event {event} ({action}) is missing from the table "
                         f"(deleted)")
    return count


def _check_closed_years(conn: Connection, replay: _Replay, problems: _Problems) -> None:
    """Every closed year against the event that closed it: a year closed or reopened behind the tracker's back."""
    seen = set()
    for start, closed_on, until, decision in _stream(
            conn, "SELECT fiscal_year, CAST(closed_on AS VARCHAR(10)), CAST(settle_until AS VARCHAR(10)), decision "
                  "FROM year_end ORDER BY fiscal_year"):
        label = FiscalYear(int(start)).label
        expected = replay.closed_years.get(label)
        if expected is None:
            problems.add(f"financial year {label} is recorded as closed but no audit event closed it (inserted "
                         f"behind the tracker's back)")
            continue
        seen.add(label)
        _compare(f"closed year {label}", ("closed_on", "settle_until", "decision"), (closed_on, until, decision),
                 expected[1], f"audit event {expected[0]}", problems)
    for label, (seq, _) in sorted(replay.closed_years.items()):
        if label not in seen:
            problems.add(f"financial year {label}, closed by audit event {seq}, is not recorded as closed (reopened "
                         f"behind the tracker's back)")


def _check_invoices(conn: Connection, replay: _Replay, problems: _Problems, progress: Progress = QUIET) -> None:
    """Every invoice was recorded by an event that imaged it (its columns are then checked with every image), or by
    an import whose digest covers it."""
    for row_id, number in _stream(conn, "SELECT id, number FROM invoice ORDER BY id", progress):
        imported = _imported_by(replay, "invoice", row_id)
        if ("invoice", row_id) not in replay.images and imported is None:
            _unexplained("invoice", row_id, number, problems)


def _check_imports(replay: _Replay, problems: _Problems) -> None:
    for found in replay.imports:
        for table, (low, high) in found.ranges.items():
            wanted = max(0, high - low + 1)
            recorded = found.rows.get(_PLURAL.get(table, table), wanted)
            have = found.seen.get(table, 0) + len(_removed(replay, table, low, high))
            if have != wanted or recorded != wanted:
                problems.add(f"{table.replace('_', ' ')} ids {low} to {high} of {_maker(replay, found.seq)} "
                             f"{found.seq}: {plural(have, 'row')} in the table, the event recorded {recorded:,} "
                             f"(rows deleted)")
        if found.payments_pence is not None and found.payments_sum != found.payments_pence:
            problems.add(f"payments of import event {found.seq} total {format_gbp(found.payments_sum)} in the table, "
                         f"the event recorded {format_gbp(found.payments_pence)} (an imported payment was edited)")


def _check_links(conn: Connection, replay: _Replay, problems: _Problems) -> None:
    """The payments a migration linked to the invoices it made, against the digest of the links it recorded."""
    for seq, spec in replay.links:
        payments, invoices = spec["payments"], spec["invoices"]
        found = links_digest(conn, payments=(int(payments[0]), int(payments[1])),
                             invoices=(int(invoices[0]), int(invoices[1])))
        if (found["count"], found["sha256"]) != (spec["count"], spec["sha256"]):
            problems.add(f"payments {payments[0]} to {payments[1]} linked to invoices {invoices[0]} to {invoices[1]} "
                         f"by audit event {seq} (store.migrated): {plural(found['count'], 'link')} in the table, "
                         f"{int(spec['count']):,} recorded, or not the same (a link was added, changed or removed)")


def _maker(replay: _Replay, seq: int) -> str:
    """What made rows recorded by digest: an import, or the migration that made invoices of payments' texts."""
    return "migration event" if any(seq == made for made, _ in replay.links) else "import event"


def _unlinked(replay: _Replay, seq: int, names: list[str]) -> Callable[[tuple[Any, ...]], tuple[Any, ...]] | None:
    """For the payments an import made before a migration linked them to invoices: the row as the import left it,
    without the link (which the migration's own digest proves)."""
    ranges = [(int(spec["invoices"][0]), int(spec["invoices"][1])) for later, spec in replay.links if later > seq]
    if not ranges or "invoice_id" not in names:
        return None
    at = names.index("invoice_id")

    def unlink(row: tuple[Any, ...]) -> tuple[Any, ...]:
        linked = row[at]
        if linked is not None and any(low <= int(linked) <= high for low, high in ranges):
            return (*row[:at], None, *row[at + 1:])
        return row

    return unlink


def _compare(label: str, names: tuple[str, ...], have: tuple[Any, ...], want: tuple[Any, ...], source: str,
             problems: _Problems) -> None:
    for name, mine, theirs in zip(names, have, want, strict=True):
        if mine != theirs:
            problems.add(f"{label}: {name} is {mine!r} in the table, {theirs!r} in {source}")
            return


def _check_images(conn: Connection, table: str, replay: _Replay, problems: _Problems,
                  progress: Progress = QUIET) -> None:
    """Every column of every row against the last image of it, and the rows imports made against their digests."""
    images = {row_id: image for (named, row_id), image in replay.images.items() if named == table}
    current = read_images(conn, table, images)
    for row_id, (seq, want) in sorted(images.items()):
        have = current.get(row_id)
        if want is None:
            if have is not None:
                problems.add(f"{_label(table, row_id)} was removed by audit event {seq} but is in the table")
            continue
        if have is None:
            problems.add(f"{_label(table, row_id)} of audit event {seq} is missing from the table (deleted)")
            continue
        name = _first_difference(have, want)
        if name is not None:
            problems.add(f"{_label(table, row_id)}: {name} is {have[name]!r} in the table, {want[name]!r} in audit "
                         f"event {seq}")
    for seq, named, spec in replay.digests:
        if named == table:
            _check_digest(conn, table, seq, spec, replay, problems, progress)


def _check_digest(conn: Connection, table: str, seq: int, spec: dict[str, Any], replay: _Replay,
                  problems: _Problems, progress: Progress = QUIET) -> None:
    """The rows an import inserted, as they were when it ended (a row changed since by an event counts as the image
    that event recorded before it), against the digest the import recorded."""
    names, low, high = list(spec["columns"]), int(spec["ids"][0]), int(spec["ids"][1])
    missing = [name for name in names if name not in columns_of(table)]
    if missing or "id" not in names:
        problems.add(f"{table.replace('_', ' ')} has no column {(missing or ['id'])[0]}, which import event {seq} "
                     f"recorded")
        return
    at = names.index("id")
    earlier = {row_id: tuple(image.get(name) for name in names)
               for (named, row_id), image in replay.first_before.items() if named == table and low <= row_id <= high}
    digest = TableDigest()
    removed = _removed(replay, table, low, high)
    batches = stream_batches(conn, table, names, low=low, high=high)
    if removed:
        batches = _with_removed(batches, {row_id: earlier[row_id] for row_id in removed if row_id in earlier}, at)
    unlink = _unlinked(replay, seq, names) if table == "payment" else None
    for batch in batches:
        if unlink is not None:
            batch = [unlink(row) for row in batch]
        if earlier and any(batch[0][at] <= row_id <= batch[-1][at] for row_id in earlier):
            batch = [earlier.get(row[at], row) for row in batch]
        digest.add(batch)
        progress.advance(len(batch))
    if digest.rows != int(spec["count"]) or digest.hexdigest() != spec["sha256"]:
        problems.add(f"{table.replace('_', ' ')} ids {low} to {high} of {_maker(replay, seq)} {seq}: the rows do not "
                     f"match the digest it recorded ({plural(digest.rows, 'row')}, {int(spec['count']):,} imported; "
                     f"a row imported was edited, added or removed)")


def _removed(replay: _Replay, table: str, low: int, high: int) -> list[int]:
    """Ids in the range whose row an event removed (a deliverable a variation took out of scope)."""
    return sorted(row_id for (named, row_id), (_, image) in replay.images.items()
                  if named == table and image is None and low <= row_id <= high and (named, row_id) in
                  replay.first_before)


def _with_removed(batches: Iterator[list[tuple[Any, ...]]], removed: dict[int, tuple[Any, ...]],
                  at: int) -> Iterator[list[tuple[Any, ...]]]:
    """The rows as the import left them: removed ones put back in id order (a row that reused a removed id
    gives way to it), batched again as the digest batches them."""
    pending = sorted(removed.items())
    batch: list[tuple[Any, ...]] = []

    def rows() -> Iterator[tuple[Any, ...]]:
        for found in batches:
            for row in found:
                while pending and pending[0][0] < row[at]:
                    yield pending.pop(0)[1]
                if pending and pending[0][0] == row[at]:
                    yield pending.pop(0)[1]
                    continue
                yield row
        for _, row in pending:
            yield row

    for row in rows():
        batch.append(row)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


# -- 3. running totals against detail --------------------------------------------------------------------------

_FUNDING_LINE = "COALESCE(d.carried_to_line_id, d.budget_line_id, c.budget_line_id)"
"""The line that holds a deliverable's commitment and pays it (`year_end.funding_line_id`), over `d` and `c`."""
_MOVED = ("CASE c.status WHEN 'awarded' THEN d.amount_pence WHEN 'closed' THEN d.paid_pence ELSE 0 END")
"""What a deliverable carried or released at a year end, or a later year's part, moved off its contract's line (and
onto the one that funds it)."""

_TOTALS: tuple[tuple[str, str], ...] = (
    ("deliverable {0} ({1} #{2}): paid_pence is {3}, its payments add up to {4}",
     "SELECT d.id, c.reference, d.seq, d.paid_pence, COALESCE(p.total, 0) FROM deliverable d "
     "JOIN contract c ON c.id = d.contract_id "
     "LEFT JOIN (SELECT deliverable_id, SUM(amount_pence) AS total FROM payment GROUP BY deliverable_id) p "
     "ON p.deliverable_id = d.id WHERE d.paid_pence <> COALESCE(p.total, 0) ORDER BY d.id LIMIT 1"),
    ("contract {0} ({1}): paid_pence is {2}, its payments add up to {3}",
     "SELECT c.id, c.reference, c.paid_pence, COALESCE(p.total, 0) FROM contract c "
     "LEFT JOIN (SELECT contract_id, SUM(amount_pence) AS total FROM payment GROUP BY contract_id) p "
     "ON p.contract_id = c.id WHERE c.paid_pence <> COALESCE(p.total, 0) ORDER BY c.id LIMIT 1"),
    ("deliverable {0} ({1} #{2}): funding_line_id is {3}, but the line that funds it is {4}",
     f"SELECT d.id, c.reference, d.seq, d.funding_line_id, {_FUNDING_LINE} FROM deliverable d "
     f"JOIN contract c ON c.id = d.contract_id WHERE d.funding_line_id IS NULL OR d.funding_line_id <> {_FUNDING_LINE} "
     "ORDER BY d.id LIMIT 1"),
    ("payment {0}: charged to budget line {1}, but its deliverable is funded by budget line {2}",
     "SELECT p.id, p.budget_line_id, d.funding_line_id FROM payment p JOIN deliverable d ON d.id = p.deliverable_id "
     "WHERE p.budget_line_id IS NULL OR p.budget_line_id <> d.funding_line_id ORDER BY p.id LIMIT 1"),
    ("budget line {0} ({1}): paid_pence is {2}, the payments charged to it add up to {3}",
     "SELECT b.id, b.code, b.paid_pence, COALESCE(p.total, 0) FROM budget_line b "
     "LEFT JOIN (SELECT budget_line_id AS line_id, SUM(amount_pence) AS total FROM payment "
     "GROUP BY budget_line_id) p ON p.line_id = b.id "
     "WHERE b.paid_pence <> COALESCE(p.total, 0) ORDER BY b.id LIMIT 1"),
    ("contract {0} ({1}): committed_pence is {2} while it is {3} (value {4}, paid {5})",
     "SELECT id, reference, committed_pence, status, value_pence, paid_pence FROM contract "
     "WHERE committed_pence <> CASE status WHEN 'awarded' THEN value_pence WHEN 'closed' THEN paid_pence ELSE 0 END "
     "ORDER BY id LIMIT 1"),
    # its contracts' commitments, less what was carried forward, released or put on a later year's line, with what
    # was carried or put on it
    ("budget line {0} ({1}): committed_pence is {2}, its contracts' commitments add up to {3}",
     "SELECT b.id, b.code, b.committed_pence, COALESCE(c.total, 0) - COALESCE(o.moved, 0) + COALESCE(i.moved, 0) "
     "FROM budget_line b "
     "LEFT JOIN (SELECT budget_line_id AS line_id, SUM(committed_pence) AS total FROM contract "
     "GROUP BY budget_line_id) c ON c.line_id = b.id "
     f"LEFT JOIN (SELECT c.budget_line_id AS line_id, SUM({_MOVED}) AS moved FROM deliverable d "
     "JOIN contract c ON c.id = d.contract_id WHERE d.carried_to_line_id IS NOT NULL OR d.released_in IS NOT NULL "
     "OR d.budget_line_id IS NOT NULL "
     "GROUP BY c.budget_line_id) o ON o.line_id = b.id "
     f"LEFT JOIN (SELECT {_FUNDING_LINE} AS line_id, SUM({_MOVED}) AS moved FROM deliverable d "
     "JOIN contract c ON c.id = d.contract_id WHERE (d.carried_to_line_id IS NOT NULL OR d.budget_line_id IS NOT NULL) "
     f"AND d.released_in IS NULL GROUP BY {_FUNDING_LINE}) i ON i.line_id = b.id "
     "WHERE b.committed_pence <> COALESCE(c.total, 0) - COALESCE(o.moved, 0) + COALESCE(i.moved, 0) "
     "ORDER BY b.id LIMIT 1"),
    ("contract {0} ({1}): financial year {2} is not its budget line's {3}",
     "SELECT c.id, c.reference, c.fiscal_year, b.fiscal_year FROM contract c "
     "JOIN budget_line b ON b.id = c.budget_line_id WHERE c.fiscal_year <> b.fiscal_year ORDER BY c.id LIMIT 1"),
    ("payment {0}: charged_year is {1}, but it is paid from budget line {2} of the year starting {3}",
     "SELECT p.id, p.charged_year, b.code, b.fiscal_year FROM payment p JOIN budget_line b ON b.id = p.budget_line_id "
     "WHERE p.charged_year <> b.fiscal_year ORDER BY p.id LIMIT 1"),
    ("invoice {0} ({1}): paid_pence is {2}, the payments matched to it add up to {3}",
     "SELECT i.id, i.number, i.paid_pence, COALESCE(p.total, 0) FROM invoice i "
     "LEFT JOIN (SELECT invoice_id, SUM(amount_pence) AS total FROM payment WHERE invoice_id IS NOT NULL "
     "GROUP BY invoice_id) p ON p.invoice_id = i.id WHERE i.paid_pence <> COALESCE(p.total, 0) ORDER BY i.id LIMIT 1"),
    ("budget line {0} ({1}): paid {2} is more than its allocation {3}",
     "SELECT id, code, paid_pence, allocation_pence FROM budget_line WHERE paid_pence > allocation_pence "
     "ORDER BY id LIMIT 1"),
    ("budget line {0} ({1}): committed {2} is more than its allocation {3} on a hard line",
     "SELECT id, code, committed_pence, allocation_pence FROM budget_line "
     "WHERE control = 'hard' AND committed_pence > allocation_pence ORDER BY id LIMIT 1"),
    ("deliverable {0}: paid {1} is outside 0 to its amount {2}",
     "SELECT id, paid_pence, amount_pence FROM deliverable WHERE paid_pence > amount_pence OR paid_pence < 0 "
     "ORDER BY id LIMIT 1"),
    ("payment {0}: its deliverable {1} belongs to contract {2}, not to the payment's contract {3}",
     "SELECT p.id, p.deliverable_id, d.contract_id, p.contract_id FROM payment p "
     "LEFT JOIN deliverable d ON d.id = p.deliverable_id "
     "WHERE d.contract_id IS NULL OR d.contract_id <> p.contract_id ORDER BY p.id LIMIT 1"),
    ("payment {0}: reverses payment {1} but its amount {2} is not the opposite of that payment's {3}",
     "SELECT p.id, p.reverses_payment_id, p.amount_pence, o.amount_pence FROM payment p "
     "LEFT JOIN payment o ON o.id = p.reverses_payment_id WHERE p.reverses_payment_id IS NOT NULL "
     "AND (o.id IS NULL OR o.amount_pence <> -p.amount_pence OR o.deliverable_id <> p.deliverable_id) "
     "ORDER BY p.id LIMIT 1"),
)


def _check_totals(conn: Connection, problems: _Problems, progress: Progress = QUIET) -> None:
    for message, query in _TOTALS:
        row = conn.execute(text(query)).first()
        progress.advance(1)
        if row is not None:
            problems.add(message.format(*row))


def _stream(conn: Connection, query: str, progress: Progress = QUIET) -> Iterator[Any]:
    """Rows in batches, so a million payments never sit in memory at once."""
    result = conn.execution_options(stream_results=True, yield_per=10_000).execute(text(query))
    for partition in result.partitions(10_000):
        yield from partition
        progress.advance(len(partition))
