"""OCDS 1.1.5 release packages: what the tracker did, published as open contracting data.

Releases are in event mode: one per award, deliverable added after the award, acceptance, rejection, payment,
reversal, close or cancel, read from the audit trail in sequence order. A release's id is `{ocid}-{audit seq}` and
its date the event's time, so a nightly package holds exactly what happened since the last one and any day can be
reproduced byte for byte. Every release carries the contract's parties, budget, award and contract (so each stands
on its own) and only the milestones and transactions its event changed; merging a contract's releases by id gives
its record. An import is one event: each contract it brought in gets one release with everything imported for it.

The package is written one release at a time (memory does not grow with the store), and the events of a window
are found by time through an index, so a nightly `--since` package costs what the day's events cost.
"""

import datetime as dt
import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, and_, bindparam, exists, func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from tracker.domain.audit import AuditAction, chain_head
from tracker.domain.fiscal import day_start_utc, london_midnight
from tracker.domain.models import AuditEvent, BudgetLine, Contract, Deliverable, Payment, sum_pence
from tracker.domain.money import format_pounds
from tracker.domain.variations import variation_terms
from tracker.exports.files import ExportRefused, Published, publishing
from tracker.store.engine import byte_order
from tracker.support.progress import QUIET, Progress, counted

OCDS_VERSION = "1.1"
EXTENSIONS = (
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_transactions_relatedMilestone_extension/"
    "master/extension.json",
    "https://raw.githubusercontent.com/open-contracting-extensions/ocds_metrics_extension/1.1/extension.json",
)
OPEN_GOVERNMENT_LICENCE = "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
REDACTED = "REDACTED PERSONAL DATA"
_PAGE = 2000
"""Contracts of an import read at a time."""
_BUYER_ID = "buyer"
_PREFIX = re.compile(r"ocds-[a-z0-9]{6}")
_NOT_ALPHANUMERIC = re.compile(r"[^A-Za-z0-9]")
_MONEY_MARK = "\x00P"
_MONEY = re.compile(r'"\\u0000P(-?[0-9]+\.[0-9]{2})"')
_PUBLISHED_ACTIONS = (
    AuditAction.CONTRACT_AWARDED, AuditAction.CONTRACT_CLOSED, AuditAction.CONTRACT_CANCELLED,
    AuditAction.DELIVERABLE_ADDED, AuditAction.DELIVERABLE_ACCEPTED, AuditAction.DELIVERABLE_REJECTED,
    AuditAction.PAYMENT_RELEASED, AuditAction.PAYMENT_REVERSED, AuditAction.CONTRACT_VARIED, AuditAction.IMPORT,
)
_DECISIONS = (AuditAction.DELIVERABLE_SUBMITTED, AuditAction.DELIVERABLE_ACCEPTED, AuditAction.DELIVERABLE_REJECTED)


@dataclass(frozen=True)
class Publisher:
    """Who publishes, where, under which licence, and the ocid prefix registered for them."""

    name: str
    uri: str
    ocid_prefix: str
    license: str = OPEN_GOVERNMENT_LICENCE


def publisher(name: str | None, uri: str | None, ocid_prefix: str | None,
              license: str | None = None) -> Publisher:
    """The publisher settings, each required: an ocid prefix is registered by each publisher, never defaulted."""
    missing = [label for label, value in (("publisher name (--publisher or TRACKER_OCDS_PUBLISHER)", name),
                                          ("base URI (--uri or TRACKER_OCDS_URI)", uri),
                                          ("ocid prefix (--ocid-prefix or TRACKER_OCDS_PREFIX)", ocid_prefix))
               if not (value or "").strip()]
    if missing:
        raise ExportRefused(f"an OCDS package needs its {', '.join(missing)}")
    assert name is not None and uri is not None and ocid_prefix is not None
    prefix = ocid_prefix.strip()
    if not _PREFIX.fullmatch(prefix):
        raise ExportRefused(f'ocid prefix "{prefix[:40]}" is not a registered prefix like ocds-213czf '
                            f"(ocds- and six lowercase letters or digits)")
    base = uri.strip().rstrip("/")
    if not base.startswith(("https://", "http://")):
        raise ExportRefused(f'base URI "{base[:60]}" must start with https:// or http://')
    return Publisher(name.strip(), base, prefix, (license or "").strip() or OPEN_GOVERNMENT_LICENCE)


def ocid(prefix: str, reference: str) -> str:
    """One contracting process per contract: "DMPCD 2015 76" is ocds-213czf-DMPCD-2015-76."""
    return f"{prefix}-{_NOT_ALPHANUMERIC.sub('-', reference)}"


@dataclass(frozen=True)
class Window:
    """Events up to the end of `as_of`, and after `since` (an audit sequence number, or a day from its start)."""

    as_of: dt.date
    since: int | dt.date | None = None

    @property
    def stem(self) -> str:
        if self.since is None:
            return f"ocds-{self.as_of.isoformat()}"
        after = self.since.isoformat() if isinstance(self.since, dt.date) else f"seq-{self.since}"
        return f"ocds-{self.as_of.isoformat()}-since-{after}"


@dataclass(frozen=True)
class OcdsResult:
    directory: Path
    package: str
    manifest: str
    releases: int
    files: tuple[Published, ...]


def export_ocds(session: Session, directory: Path, who: Publisher, window: Window, *, generated_at: str,
                version: str, progress: Progress = QUIET) -> OcdsResult:
    """Write the release package, then its manifest; `directory` must come from `prepare_directory`.
    `progress` hears writing (releases, of about as many as the window's events and imported contracts), then
    publishing."""
    name = f"{window.stem}.json"
    head_seq, head_hash = chain_head(session.connection())
    count = 0
    manifest_name = f"{window.stem}.manifest.json"
    with publishing(directory, window.stem) as writer:
        with open(writer.new(name), "w", encoding="utf-8", buffering=1 << 20) as handle:
            handle.write(_package_head(who, window, name))
            separator = "\n"
            progress.phase("writing", _expected_releases(session.connection(), window, progress), "releases")
            for release in counted(releases(session, who, window), progress, every=500):
                handle.write(separator + encode(release))
                separator = ",\n"
                count += 1
            handle.write("\n]}\n")

        def manifest(files: list[Published]) -> str:
            return json.dumps({"as_of": window.as_of.isoformat(), "since": _since_text(window.since),
                               "generated_at": generated_at, "tool": "tracker", "version": version,
                               "audit_chain_head": f"{head_seq}:{head_hash}", "releases": count,
                               "files": {f.name: {"sha256": f.sha256, "bytes": f.bytes} for f in files}},
                              indent=2, sort_keys=True) + "\n"

        progress.phase("publishing", None, "")
        files = writer.publish(manifest_name, manifest)
    return OcdsResult(directory, name, manifest_name, count, tuple(files))


def encode(value: Any) -> str:
    """JSON text in which amounts are exact decimals (44880.00) written from pence, never through a float."""
    return _MONEY.sub(r"\1", json.dumps(value, ensure_ascii=False, separators=(",", ":")))


def _since_text(since: int | dt.date | None) -> str | None:
    if since is None:
        return None
    return since.isoformat() if isinstance(since, dt.date) else str(since)


def _package_head(who: Publisher, window: Window, name: str) -> str:
    """Everything but the releases, which follow as the last member. The package is dated the end of its as-of
    day, so the same day gives the same bytes."""
    head = {"uri": f"{who.uri}/ocds/{name}", "version": OCDS_VERSION, "extensions": list(EXTENSIONS),
            "publishedDate": day_start_utc(window.as_of + dt.timedelta(days=1)),
            "publisher": {"name": who.name, "uri": who.uri}, "license": who.license}
    return encode(head)[:-1] + ',"releases":['


def releases(session: Session, who: Publisher, window: Window) -> Iterator[dict[str, Any]]:
    """The window's releases in audit order."""
    connection = session.connection()
    low, high = _seq_bounds(connection, window)
    if high <= low:
        return
    events = (select(col(AuditEvent.seq), col(AuditEvent.at), col(AuditEvent.action), col(AuditEvent.contract_ref),
                     col(AuditEvent.payload))
              .where(col(AuditEvent.seq) > low, col(AuditEvent.seq) <= high,
                     col(AuditEvent.action).in_(_PUBLISHED_ACTIONS))
              .order_by(col(AuditEvent.seq)))
    builder = _Builder(connection, who)
    for seq, at, action, reference, payload in connection.execute(events).yield_per(500):
        yield from builder.releases(seq, at, action, reference, json.loads(payload))


def _expected_releases(connection: Connection, window: Window, progress: Progress) -> int | None:
    """About how many releases the window gives, for a watcher's bar only: one per published event, but one per
    contract an import brought in (counting its drafts, which get none)."""
    if progress is QUIET:
        return None
    low, high = _seq_bounds(connection, window)
    seq, action = col(AuditEvent.seq), col(AuditEvent.action)
    window_events = and_(seq > low, seq <= high)
    expected = int(connection.execute(select(func.count()).where(
        window_events, action.in_(_PUBLISHED_ACTIONS), action != AuditAction.IMPORT)).scalar_one())
    for (payload,) in connection.execute(select(col(AuditEvent.payload)).where(
            window_events, action == AuditAction.IMPORT)):
        first, last = json.loads(payload).get("id_ranges", {}).get("contract", (0, -1))
        expected += max(0, int(last) - int(first) + 1)
    return expected


def _seq_bounds(connection: Connection, window: Window) -> tuple[int, int]:
    """The sequence numbers just before and at the end of the window, found on the index of event times
    (events are appended in time order under the write lock)."""
    end = day_start_utc(window.as_of + dt.timedelta(days=1))
    at, seq = col(AuditEvent.at), col(AuditEvent.seq)
    high = connection.execute(select(seq).where(at < end).order_by(at.desc(), seq.desc()).limit(1)).scalar()
    if window.since is None:
        low = 0
    elif isinstance(window.since, int):
        low = window.since
    else:
        first = connection.execute(select(seq).where(at >= day_start_utc(window.since))
                                   .order_by(at, seq).limit(1)).scalar()
        low = (high or 0) if first is None else first - 1
    return low, high or 0


def _money(pence: int) -> dict[str, str]:
    return {"amount": f"{_MONEY_MARK}{format_pounds(pence)}", "currency": "GBP"}


def _slug(text: str) -> str:
    return _NOT_ALPHANUMERIC.sub("-", text.strip().lower())


def _statements() -> tuple[Any, Any, Any, Any, Any]:
    """The lookups made once per contract, built once (building a statement costs more than running it)."""
    c, b, d, p, e = Contract, BudgetLine, Deliverable, Payment, AuditEvent
    contract = (select(col(c.id), col(c.reference), col(c.title), col(c.supplier), col(c.supplier_is_individual),
                       col(c.value_pence), col(c.awarded_on), col(c.start_date), col(c.end_date), col(b.code),
                       col(b.name), col(b.fund), col(b.funder), col(c.original_value_pence))
                .join(b, col(b.id) == col(c.budget_line_id)).where(col(c.reference) == bindparam("reference")))
    deliverables = (select(col(d.seq), col(d.name), col(d.due_on), col(d.amount_pence), col(d.status),
                           col(d.decided_on))
                    .where(col(d.contract_id) == bindparam("contract"), col(d.id) <= bindparam("last"))
                    .order_by(col(d.seq)))
    payments = (select(col(p.id), col(p.amount_pence), col(p.paid_on), col(d.seq))
                .join(d, col(d.id) == col(p.deliverable_id))
                .where(col(p.contract_id) == bindparam("contract"), col(p.imported).is_(True)).order_by(col(p.id)))
    decisions = (select(col(e.action), col(e.payload))
                 .where(col(e.contract_ref).in_(bindparam("names", expanding=True)), col(e.seq) > bindparam("after"),
                        col(e.action).in_(_DECISIONS))
                 .order_by(col(e.seq)))
    earlier = aliased(Payment)
    paid_after = (select(sum_pence(col(earlier.amount_pence))).where(
        col(earlier.deliverable_id) == col(d.id), col(earlier.id) <= bindparam("payment")).scalar_subquery())
    payment = (select(col(p.id), col(p.amount_pence), col(p.paid_on), col(d.seq), col(d.name), col(d.due_on),
                      col(d.amount_pence), paid_after)
               .join(d, col(d.id) == col(p.deliverable_id)).where(col(p.id) == bindparam("payment")))
    return contract, deliverables, payments, decisions, payment


_CONTRACT, _IMPORTED_DELIVERABLES, _IMPORTED_PAYMENTS, _LATER_DECISIONS, _PAYMENT = _statements()


@dataclass(frozen=True)
class _Contract:
    id: int
    reference: str
    title: str
    supplier: str
    individual: bool
    value_pence: int
    awarded_on: dt.date | None
    start_date: dt.date | None
    end_date: dt.date | None
    line_code: str
    line_name: str
    fund: str
    funder: str
    original_value_pence: int | None
    names: tuple[str, ...]
    """Every reference it has had: its events are recorded under the one it had at the time."""
    published_as: str
    """The reference it had when first published (awarded or imported), which its ocid keeps for good."""
    published_at: int
    """The audit seq of that first release: its award, or 0 when imported."""


@dataclass(frozen=True)
class _Milestones:
    seq: int
    name: str
    due_on: dt.date


class _Builder:
    """Turns events into releases, looking up what each event names by index."""

    def __init__(self, connection: Connection, who: Publisher) -> None:
        self.connection = connection
        self.who = who
        self.cached: dict[str, _Contract] = {}
        self.renames = [(seq, payload["renamed_from"], payload["renamed_to"]) for seq, payload in (
            (seq, json.loads(text)) for seq, text in connection.execute(
                select(col(AuditEvent.seq), col(AuditEvent.payload))
                .where(col(AuditEvent.action) == AuditAction.CONTRACT_RENAMED).order_by(col(AuditEvent.seq))))]
        """References corrected, in order: few or none, so held whole."""

    def releases(self, seq: int, at: str, action: str, reference: str | None,
                 details: dict[str, Any]) -> Iterator[dict[str, Any]]:
        if action == AuditAction.IMPORT:
            yield from self._imported(seq, at, details)
            return
        if reference is None:
            return
        contract = self._contract(self._name_now(reference, seq))
        if action == AuditAction.CONTRACT_AWARDED:
            yield self._release(contract, seq, at, ["award", "contract"], milestones=self._at_award(contract, seq))
        elif action == AuditAction.CONTRACT_CLOSED:
            yield self._release(contract, seq, at, ["contractTermination"], contract_status="terminated")
        elif action == AuditAction.CONTRACT_CANCELLED and contract.awarded_on is not None:
            yield self._release(contract, seq, at, ["awardCancellation"], award_status="cancelled",
                                contract_status="cancelled")
        elif action == AuditAction.DELIVERABLE_ADDED and self._awarded_before(contract, seq):
            item = _Milestones(details["seq"], details["name"], dt.date.fromisoformat(details["due_on"]))
            yield self._release(contract, seq, at, ["implementationUpdate"], milestones=_scheduled(item))
        elif action in (AuditAction.DELIVERABLE_ACCEPTED, AuditAction.DELIVERABLE_REJECTED):
            yield self._release(contract, seq, at, ["implementationUpdate"],
                                milestones=[self._decision(contract, details, at)])
        elif action in (AuditAction.PAYMENT_RELEASED, AuditAction.PAYMENT_REVERSED):
            milestone, transaction = self._payment(contract, details["payment_id"])
            yield self._release(contract, seq, at, ["implementationUpdate"], milestones=[milestone],
                                transactions=[transaction])
        elif action == AuditAction.CONTRACT_VARIED and self._awarded_before(contract, seq):
            added = [_Milestones(new["seq"], new["name"], dt.date.fromisoformat(new["due_on"]))
                     for new in details["added"]]
            yield self._release(contract, seq, at, ["contractAmendment"],
                                milestones=[m for item in added for m in _scheduled(item)],
                                amendment=self._amendment(contract, seq, details))

    # -- what each event says ------------------------------------------------------------------------------------

    def _at_award(self, contract: _Contract, award_seq: int) -> list[dict[str, Any]]:
        """The deliverables added before the award, all still to come."""
        added = self.connection.execute(
            select(col(AuditEvent.payload)).where(col(AuditEvent.contract_ref).in_(contract.names),
                                                  col(AuditEvent.action) == AuditAction.DELIVERABLE_ADDED,
                                                  col(AuditEvent.seq) < award_seq)
            .order_by(col(AuditEvent.seq))).scalars()
        wanted = {json.loads(payload)["seq"] for payload in added}
        milestones: list[dict[str, Any]] = []
        for item in self._deliverables(contract):
            if item.seq in wanted:
                milestones += _scheduled(item)
        return milestones

    def _awarded_before(self, contract: _Contract, seq: int) -> bool:
        """Awarded when the event happened: by an earlier award event, or imported as awarded."""
        if contract.awarded_on is None:
            return False
        later = self.connection.execute(select(exists().where(
            col(AuditEvent.contract_ref).in_(contract.names), col(AuditEvent.action) == AuditAction.CONTRACT_AWARDED,
            col(AuditEvent.seq) > seq))).scalar()
        return not later

    def _decision(self, contract: _Contract, details: dict[str, Any], at: str) -> dict[str, Any]:
        item = self._deliverable(contract, details["seq"])
        if "accepted_on" in details:
            return _delivery(item, "met", details["accepted_on"])
        return {**_delivery(item, "notMet", None), "dateModified": at}

    def _payment(self, contract: _Contract, payment_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
        """The payment's transaction, and its milestone as the payment left it (paid by payments up to this one)."""
        row = self.connection.execute(_PAYMENT, {"payment": payment_id}).one()
        pid, amount, paid_on, seq, name, due_on, deliverable_pence, paid = row
        item = _Milestones(seq, name, _day(due_on))
        day = _day(paid_on)
        return (_payment_milestone(item, deliverable_pence, paid, day),
                self._transaction(contract, pid, amount, day, item))

    def _imported(self, seq: int, at: str, details: dict[str, Any]) -> Iterator[dict[str, Any]]:
        """One release per awarded contract the import brought in, with what it brought for it."""
        ranges = details.get("id_ranges", {})
        first, last = ranges.get("contract", (0, -1))
        last_deliverable = int(ranges.get("deliverable", (0, -1))[1])
        for reference in self._awarded_between(first, last):
            contract = self._contract(reference)
            milestones, transactions = self._imported_implementation(contract, seq, last_deliverable)
            yield self._release(contract, seq, at, ["award", "contract", "implementation"], milestones=milestones,
                                transactions=transactions)

    def _awarded_between(self, first: int, last: int) -> Iterator[str]:
        """The awarded contracts with ids in [first, last], in reference order, a page at a time: an import of
        hundreds of thousands of contracts must not hold all their references at once."""
        after: tuple[str, int] | None = None
        reference = byte_order(col(Contract.reference))  # sorted and compared in byte order, whatever the server's
        while True:
            reference = byte_order(col(Contract.reference))
            query = (select(col(Contract.reference), col(Contract.id))
                     .where(col(Contract.id) >= first, col(Contract.id) <= last, col(Contract.awarded_on).is_not(None))
                     .order_by(reference, col(Contract.id)).limit(_PAGE))
            if after is not None:
                query = query.where(or_(reference > after[0],
                                        and_(col(Contract.reference) == after[0], col(Contract.id) > after[1])))
            page = self.connection.execute(query).all()
            yield from (reference for reference, _id in page)
            if len(page) < _PAGE:
                return
            after = (page[-1][0], page[-1][1] or 0)

    def _imported_implementation(self, contract: _Contract, import_seq: int,
                                 last_deliverable: int) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """The deliverables and payments the import brought (not those added since, by a variation or by hand)."""
        before = self._status_before_later_decisions(contract, import_seq)
        rows = self.connection.execute(_IMPORTED_DELIVERABLES, {"contract": contract.id,
                                                                "last": last_deliverable}).all()
        payments: Sequence[Any] = self.connection.execute(_IMPORTED_PAYMENTS, {"contract": contract.id}).all()
        paid: dict[int, int] = {}
        last_paid: dict[int, dt.date] = {}
        for _pid, pay_amount, pay_on, pay_seq in payments:
            paid[pay_seq] = paid.get(pay_seq, 0) + pay_amount
            last_paid[pay_seq] = max(_day(pay_on), last_paid.get(pay_seq, dt.date.min))
        milestones: list[dict[str, Any]] = []
        names: dict[int, _Milestones] = {}
        for seq, name, due_on, amount, status, decided_on in rows:
            item = names[seq] = _Milestones(seq, name, _day(due_on))
            status = before.get(seq, status)
            if status == "accepted":
                delivery = _delivery(item, "met", _day(decided_on).isoformat())
            else:
                delivery = _delivery(item, "notMet" if status == "rejected" else "scheduled", None)
            milestones += [delivery, _payment_milestone(item, amount, paid.get(seq, 0), last_paid.get(seq))]
        transactions = [self._transaction(contract, int(pid), amount, _day(paid_on), names[seq])
                        for pid, amount, paid_on, seq in payments]
        return milestones, transactions

    def _status_before_later_decisions(self, contract: _Contract, import_seq: int) -> dict[int, str]:
        """Deliverables submitted, accepted or rejected after the import: their status when imported."""
        later = self.connection.execute(_LATER_DECISIONS, {"names": list(contract.names),
                                                           "after": import_seq}).all()
        status: dict[int, str] = {}
        for action, payload in later:
            details = json.loads(payload)
            if details["seq"] not in status:
                status[details["seq"]] = details["status_before"] if action == _DECISIONS[0] else "submitted"
        return status

    # -- lookups -------------------------------------------------------------------------------------------------

    def _contract(self, reference: str) -> _Contract:
        found = self.cached.get(reference)
        if found is not None:
            return found
        row: Any = self.connection.execute(_CONTRACT, {"reference": reference}).one()
        names, published_as, published_at = self._history(reference, varied=row[13] is not None)
        found = _Contract(int(row[0]), row[1], row[2], row[3], bool(row[4]), row[5], _optional_day(row[6]),
                          _optional_day(row[7]), _optional_day(row[8]), row[9], row[10], row[11], row[12], row[13],
                          names, published_as, published_at)
        if len(self.cached) > 4096:
            self.cached.clear()
        self.cached[reference] = found
        return found

    def _name_now(self, reference: str, seq: int) -> str:
        """The reference a contract has now, from the one an event recorded it under."""
        for renamed_at, old, new in self.renames:
            if renamed_at > seq and old == reference:
                reference = new
        return reference

    def _history(self, reference: str, *, varied: bool) -> tuple[tuple[str, ...], str, int]:
        """A contract's references (newest first), the one it was first published under, and when. Its award is
        looked up only for a contract renamed or varied: the rest, nearly all, need neither (a query per contract
        at a million payments)."""
        names, renamed_at = [reference], []
        for at, old, new in reversed(self.renames):
            if new == names[-1]:
                names.append(old)
                renamed_at.append(at)
        if not renamed_at and not varied:
            return (reference,), reference, 0
        award = self.connection.execute(select(func.min(col(AuditEvent.seq))).where(
            col(AuditEvent.contract_ref).in_(names), col(AuditEvent.action) == AuditAction.CONTRACT_AWARDED)).scalar()
        published_at = int(award or 0)
        published_as = reference
        for at, older in zip(renamed_at, names[1:], strict=True):
            if at > published_at:
                published_as = older
        return tuple(names), published_as, published_at

    def _value_at(self, contract: _Contract, seq: int) -> int:
        """The contract's value when the event happened: variations after it had not yet changed it."""
        if contract.original_value_pence is None:
            return contract.value_pence
        varied = self.connection.execute(
            select(col(AuditEvent.payload)).where(col(AuditEvent.contract_ref).in_(contract.names),
                                                  col(AuditEvent.action) == AuditAction.CONTRACT_VARIED,
                                                  col(AuditEvent.seq) <= seq)
            .order_by(col(AuditEvent.seq).desc()).limit(1)).scalar()
        return contract.original_value_pence if varied is None else int(json.loads(varied)["value_after"])

    def _amendment(self, contract: _Contract, seq: int, details: dict[str, Any]) -> dict[str, Any]:
        """A variation as OCDS amends a contract: numbered V1, V2…, dated by its decision, in the tracker's words."""
        process = ocid(self.who.ocid_prefix, contract.published_as)
        return {"id": f"V{details['number']}", "date": london_midnight(dt.date.fromisoformat(details["decided_on"])),
                "rationale": details["rationale"],
                "description": f"{details['decision']}: {variation_terms(details)}", "releaseID": f"{process}-{seq}"}

    def _deliverables(self, contract: _Contract) -> list[_Milestones]:
        d = Deliverable
        rows = self.connection.execute(select(col(d.seq), col(d.name), col(d.due_on))
                                       .where(col(d.contract_id) == contract.id).order_by(col(d.seq))).all()
        return [_Milestones(seq, name, _day(due)) for seq, name, due in rows]

    def _deliverable(self, contract: _Contract, seq: int) -> _Milestones:
        d = Deliverable
        name, due = self.connection.execute(select(col(d.name), col(d.due_on)).where(
            and_(col(d.contract_id) == contract.id, col(d.seq) == seq))).one()
        return _Milestones(seq, name, _day(due))

    # -- the release ---------------------------------------------------------------------------------------------

    def _supplier(self, contract: _Contract) -> dict[str, str]:
        name = REDACTED if contract.individual else contract.supplier
        return {"id": f"supplier-{_slug(name)}", "name": name}

    def _transaction(self, contract: _Contract, payment_id: int, amount: int, day: dt.date,
                     item: _Milestones) -> dict[str, Any]:
        return {"id": str(payment_id), "date": london_midnight(day), "value": _money(amount),
                "payer": {"id": _BUYER_ID, "name": self.who.name}, "payee": self._supplier(contract),
                "relatedImplementationMilestone": {"id": f"payment-{item.seq}", "title": _payment_title(item)}}

    def _release(self, contract: _Contract, seq: int, at: str, tags: list[str], *, award_status: str = "active",
                 contract_status: str = "active", milestones: list[dict[str, Any]] | None = None,
                 transactions: list[dict[str, Any]] | None = None,
                 amendment: dict[str, Any] | None = None) -> dict[str, Any]:
        """The award keeps the value it was made at; the contract and its budget show the value as of the event."""
        process = ocid(self.who.ocid_prefix, contract.published_as)
        supplier = self._supplier(contract)
        buyer = {"id": _BUYER_ID, "name": self.who.name}
        parties: list[dict[str, Any]] = [{**buyer, "roles": ["buyer", "payer", "procuringEntity"]},
                                         {**supplier, "roles": ["supplier", "payee"]}]
        if contract.funder:
            parties.append({"id": f"funder-{_slug(contract.funder)}", "name": contract.funder, "roles": ["funder"]})
        value = _money(self._value_at(contract, seq))
        signed = london_midnight(contract.awarded_on) if contract.awarded_on else None
        award: dict[str, Any] = {"id": f"{process}-award", "title": contract.title, "status": award_status,
                                 "value": _money(self._value_at(contract, contract.published_at)),
                                 "suppliers": [supplier]}
        agreement: dict[str, Any] = {"id": f"{process}-contract", "awardID": award["id"], "title": contract.title,
                                     "status": contract_status, "value": value}
        if signed:
            award["date"] = agreement["dateSigned"] = signed
        period = {key: london_midnight(day) for key, day in (("startDate", contract.start_date),
                                                             ("endDate", contract.end_date)) if day}
        if period:
            agreement["period"] = period
        implementation: dict[str, Any] = {}
        if milestones:
            implementation["milestones"] = milestones
        if transactions:
            implementation["transactions"] = transactions
        if implementation:
            agreement["implementation"] = implementation
        if amendment:
            agreement["amendments"] = [amendment]
        budget = {"id": contract.line_code, "description": contract.line_name, "amount": value}
        if contract.fund:
            budget["project"] = contract.fund
        return {"ocid": process, "id": f"{process}-{seq}", "date": at, "tag": tags, "initiationType": "tender",
                "language": "en", "parties": parties, "buyer": buyer,
                "planning": {"budget": budget}, "awards": [award], "contracts": [agreement]}


def _payment_title(item: _Milestones) -> str:
    return f"Payment for {item.name}"


def _delivery(item: _Milestones, status: str, met_on: str | None) -> dict[str, Any]:
    milestone: dict[str, Any] = {"id": f"delivery-{item.seq}", "title": item.name, "type": "delivery",
                                 "dueDate": london_midnight(item.due_on), "status": status}
    if met_on is not None:
        milestone["dateMet"] = london_midnight(dt.date.fromisoformat(met_on))
    return milestone


def _payment_milestone(item: _Milestones, amount: int, paid: int, last_paid_on: dt.date | None) -> dict[str, Any]:
    """Met when the deliverable is paid in full, partly met while part is paid, else still scheduled."""
    status = "met" if paid >= amount else "partiallyMet" if paid > 0 else "scheduled"
    milestone: dict[str, Any] = {"id": f"payment-{item.seq}", "title": _payment_title(item), "type": "payment",
                                 "dueDate": london_midnight(item.due_on), "status": status}
    if status == "met" and last_paid_on is not None:
        milestone["dateMet"] = london_midnight(last_paid_on)
    return milestone


def _scheduled(item: _Milestones) -> list[dict[str, Any]]:
    return [_delivery(item, "scheduled", None), _payment_milestone(item, 1, 0, None)]


def _day(value: Any) -> dt.date:
    """A date column as the driver gives it: a date, or ISO text."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def _optional_day(value: Any) -> dt.date | None:
    return None if value is None else _day(value)

