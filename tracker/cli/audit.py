"""`tracker audit verify`, `tracker audit head` and `tracker audit log`: the trail, checked, anchored and read."""

from __future__ import annotations

from pathlib import Path

import typer

from tracker.cli.output import EXIT_REFUSED, one_line, say, warn
from tracker.cli.state import state
from tracker.support.wording import plural

app = typer.Typer(help="The audit trail: verify it against the tables, list it.", no_args_is_help=True)


@app.command("verify")
def verify(
    ctx: typer.Context,
    head: str | None = typer.Option(None, "--head", help="SEQ:HASH recorded earlier (the export manifest carries "
                                                         "it): also catches a truncated or recomputed chain."),
    heads: list[Path] = typer.Option([], "--heads", help="A file of heads recorded earlier (lines SEQ:HASH as "
                                                         "`audit head` prints them, or an export manifest); "
                                                         "may be given more than once: every head is checked."),
    quiet: bool = typer.Option(False, "--quiet", "-q", help="No progress bar (it is drawn on stderr only when "
                                                           "stderr is a terminal)."),
) -> None:
    """Recompute the hash chain and every running total; exit 1 naming the first event or row that disagrees."""
    from tracker.cli.progress_bar import progress_bar
    from tracker.domain.people import register_state
    from tracker.domain.verify import parse_head, read_heads, verify_store
    from tracker.store.session import read_session

    recorded = parse_head(head) if head is not None else None
    anchors = [found for path in heads for found in read_heads(path)]
    engine = state(ctx).engine(create=False)
    with progress_bar("verify", quiet=quiet) as progress:
        result = verify_store(engine, head=recorded, heads=anchors, progress=progress)
    if not result.ok:
        warn(f"audit verify FAILED: {one_line(result.problems[0])}")
        for problem in result.problems[1:]:
            warn(f"  also: {one_line(problem)}")
        raise typer.Exit(EXIT_REFUSED)
    counts = ", ".join(plural(n, table.replace("_", " ")) for table, n in result.rows.items())
    events = plural(result.events, "event")
    say(f"audit trail verified: {events}, chain intact; {counts}; every running total agrees with its detail")
    say(f"head {result.head}")
    if anchors:
        say(f"checked against {plural(len(anchors), 'recorded head')}, the latest event "
            f"{max(seq for seq, _ in anchors):,}; events after it are protected only by the next head recorded")
    with read_session(engine) as session:
        say(register_state(session))


@app.command("head")
def head(ctx: typer.Context) -> None:
    """Print the trail's head (SEQ:HASH) and the time: keep the line where the database's owner cannot rewrite it."""
    from tracker.domain.audit import chain_head
    from tracker.domain.fiscal import system_clock
    from tracker.store.session import read_session

    with read_session(state(ctx).engine(create=False)) as session:
        seq, digest = chain_head(session.connection())
    say(f"{seq}:{digest} {system_clock().timestamp()}")


@app.command("log")
def log(
    ctx: typer.Context,
    contract: str | None = typer.Option(None, "--contract", help="Only events of this contract reference."),
    person: str | None = typer.Option(None, "--person", help="Only events by this person (claimed name or login)."),
    overrides: bool = typer.Option(False, "--overrides", help="Only payments released with a segregation-of-duties "
                                                              "override."),
    limit: int = typer.Option(50, "--limit", min=1, max=100_000, help="The newest N events (default 50)."),
) -> None:
    """List audit events, oldest first: seq, time, who (claimed name and login), action, contract, details."""
    from tracker.reports.audit_log import audit_log
    from tracker.store.session import read_session

    with read_session(state(ctx).engine(create=False)) as session:
        events = audit_log(session, contract=contract, person=person, overrides=overrides, limit=limit)
    if not events:
        say("no audit events match")
        return
    for event in events:
        details = "; ".join(f"{d.name}={d.text}" for d in event.details)
        flag = f" OVERRIDE: {event.override_reason}" if event.override_reason else ""
        say(one_line(f"{event.seq:>6} {event.at} {event.claimed_by} (login {event.login}) {event.action} "
                     f"{event.contract_ref or '-'}{flag} | {details}"))


def register(root: typer.Typer) -> None:
    root.add_typer(app, name="audit")
