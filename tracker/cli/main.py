"""`tracker`: the root command, its global options, and the one place errors become messages."""

from __future__ import annotations

import io
import os
import shlex
import sys
from typing import Any

import typer
from typer.core import TyperGroup

from tracker import __version__
from tracker.cli import (
    audit,
    backup,
    budget,
    contract,
    data,
    db,
    deliverable,
    export,
    intake,
    invoice,
    payment,
    people,
    report,
    show,
    year_end,
)
from tracker.cli.failures import environment_failure
from tracker.cli.output import (
    EXIT_INTERNAL,
    EXIT_INVALID,
    EXIT_IO,
    EXIT_REFUSED,
    EXIT_STORE,
    OutputLost,
    flush,
    internal_error,
    one_line,
    output_failure,
    warn,
)
from tracker.cli.state import CliState, state
from tracker.domain.errors import NotFound, Refusal, TrackerError
from tracker.store.errors import StoreError
from tracker.support.crash_log import write_crash_log
from tracker.support.os_errors import describe_os_error


class TrackerGroup(TyperGroup):
    """Turns every failure into one line on stderr and an exit code; a traceback never reaches the user."""

    def parse_args(self, ctx: typer.Context, args: list[str]) -> list[str]:  # type: ignore[override]
        return super().parse_args(ctx, acting_as_first(args))

    def invoke(self, ctx: typer.Context) -> Any:  # type: ignore[override]
        try:
            outcome = super().invoke(ctx)
            flush()
            return outcome
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except BrokenPipeError as error:  # a report written straight to stdout, its reader gone
            _quiet_stdout()
            warn(f"error: could not print the result ({output_failure(error)}); nothing was changed")
            raise typer.Exit(EXIT_IO) from None
        except OutputLost as lost:
            _quiet_stdout()
            if lost.recorded is not None:
                warn(f"{lost.recorded}; could not print the confirmation ({lost.reason})")
                raise typer.Exit(0) from None
            warn(f"error: could not print the result ({lost.reason}); nothing was changed")
            raise typer.Exit(EXIT_IO) from None
        except Refusal as refusal:
            from tracker.cli.hints import refusal_hint  # only on a refusal: the rule book loads the models

            hint = refusal_hint(refusal.rule, ctx.invoked_subcommand)
            warn(f"refused: {one_line(refusal.message)}" + (f" ({hint})" if hint else ""))
            raise typer.Exit(EXIT_REFUSED) from None
        except NotFound as missing:
            from tracker.cli.hints import missing_hint

            hint = missing_hint(missing.missing, missing.reference)
            warn(f"error: {one_line(missing.message)}" + (f"; {hint}" if hint else ""))
            raise typer.Exit(EXIT_INVALID) from None
        except TrackerError as error:
            warn(f"error: {one_line(error.message)}")
            raise typer.Exit(EXIT_INVALID) from None
        except StoreError as error:
            warn(f"error: {one_line(error.message)}")
            raise typer.Exit(EXIT_STORE) from None
        except Exception as error:
            if state(ctx).changed:
                _after_the_change(error)
            known = environment_failure(error, state(ctx).target)
            if known is not None:
                warn(f"error: {one_line(known)}")
                raise typer.Exit(EXIT_IO) from None
            warn(internal_error(error))
            raise typer.Exit(EXIT_INTERNAL) from None


app = typer.Typer(
    cls=TrackerGroup,
    name="tracker",
    help="Milestone-based contract payments: budget lines, contracts, deliverables, sign-off and payments.",
    no_args_is_help=False,
    invoke_without_command=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    rich_markup_mode=None,
)


@app.callback()
def root(
    ctx: typer.Context,
    db: str | None = typer.Option(None, "--db", envvar="TRACKER_DB",
                                  help="Database file or SQLAlchemy URL (default: tracker.db in your data folder)."),
    acting_as: str | None = typer.Option(None, "--as", envvar="TRACKER_USER",
                                         help="Who is acting (default: your login); before or after the command. "
                                              "Recorded on every change."),
    version: bool = typer.Option(False, "--version", help="Show the version and exit."),
) -> None:
    """Track contracts paid per deliverable against budget lines, with a tamper-evident audit trail."""
    if version:
        typer.echo(f"tracker {__version__}")
        raise typer.Exit()
    ctx.obj = CliState(database=db, acting_as=acting_as)
    if ctx.invoked_subcommand is None:
        if sys.stdin.isatty() and sys.stdout.isatty():
            from tracker.ui.launch import run_desk

            run_desk(ctx.obj.context(), command=f"tracker --db {shlex.quote(db)}" if db else "tracker")
        else:
            typer.echo(ctx.get_help())


app.add_typer(budget.app, name="budget")
app.add_typer(contract.app, name="contract")
app.add_typer(deliverable.app, name="deliverable")
app.add_typer(report.app, name="report")
app.add_typer(export.app, name="export")
app.add_typer(people.app, name="people")
payment.register(app)
show.register(app)
data.register(app)
audit.register(app)
backup.register(app)
intake.register(app)
# postgres: the shared database's schema
app.add_typer(db.app, name="db")
# -- the year end and invoices (issue 14) --
app.add_typer(year_end.app, name="year-end")
app.add_typer(invoice.app, name="invoice")


_ROOT_VALUED = ("--db", "--as")
"""The root's options that take a value, so the scan for the sub-command can step over them."""


def acting_as_first(args: list[str]) -> list[str]:
    """`--as NAME` where people type it, after the sub-command too (`tracker pay REF 1 --as NAME`): moved in front.

    Only a whole `--as` word (or `--as=NAME`) after the sub-command and before a `--` is moved; no sub-command has
    an option of that name. Two different names are refused rather than one chosen silently.
    """
    command = next((i for i, word in enumerate(args) if not word.startswith("-")
                    and (i == 0 or args[i - 1] not in _ROOT_VALUED)), None)
    if command is None:
        return args
    before, after, moved = args[:command], [], []
    rest = iter(enumerate(args[command:], command))
    for i, word in rest:
        if word == "--":
            after += args[i:]
            break
        if word == "--as" and i + 1 < len(args):
            moved += [word, args[i + 1]]
            next(rest)
        elif word.startswith("--as="):
            moved.append(word)
        else:
            after.append(word)
    if not moved:
        return args
    names = {_claimed(before)} - {None} | {_claimed(moved)}
    if len(names) > 1:
        raise typer.BadParameter(f"two names given ({' and '.join(sorted(map(repr, names)))}); give one",
                                 param_hint="--as")
    return [*before, *moved, *after]


def _claimed(args: list[str]) -> str | None:
    """The last `--as` value in the words (as click reads it), or None."""
    found = None
    for i, word in enumerate(args):
        if word == "--as" and i + 1 < len(args):
            found = args[i + 1]
        elif word.startswith("--as="):
            found = word.removeprefix("--as=")
    return found


def _after_the_change(error: BaseException) -> None:
    """The change stands, whatever failed after it: exit 0, so that a script does not do it again."""
    if isinstance(error, OSError):
        why = describe_os_error(error)
    else:
        why = f"internal error ({type(error).__name__}); details for support: {write_crash_log(error)}"
    warn(f"the change was recorded; then the confirmation failed: {one_line(why)}")
    raise typer.Exit(0) from None


def run() -> None:
    """Console entry point."""
    try:
        app()
    except KeyboardInterrupt:
        warn("interrupted; nothing was recorded")
        sys.exit(130)
    finally:
        _flush_or_quiet_stdout()


def _flush_or_quiet_stdout() -> None:
    """Output still buffered at exit must not fail after the exit status is decided (EPIPE at shutdown)."""
    try:
        if sys.stdout is not None:
            sys.stdout.flush()
    except (OSError, ValueError):
        _quiet_stdout()


def _quiet_stdout() -> None:
    """Point a failed stdout at /dev/null, so that Python's own flush at exit has nowhere to fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError, io.UnsupportedOperation):
        pass


__all__ = ["app", "run", "state"]
