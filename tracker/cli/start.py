"""`tracker`, the console command: with no sub-command in a terminal, the desk opens at once.

A person waits for the desk's first screen, so `tracker [--db URL] [--as NAME]` in a terminal does not build the
command line's tree of commands (Typer and every command module) to find that there is no command. Anything else
(a command, `--help`, `--version`, output to a pipe) goes to the command line, `tracker.cli.main`; so does a store
that cannot be opened, so that the command line says what is wrong in its own words.
"""

import os
import shlex
import sys

_DESK_OPTIONS = ("--db", "--as")


def desk_options(args: list[str]) -> dict[str, str] | None:
    """`--db` and `--as` with their values (`--db X` or `--db=X`) when they are all the arguments; else None."""
    found: dict[str, str] = {}
    words = iter(args)
    for word in words:
        name, equals, value = word.partition("=")
        if name not in _DESK_OPTIONS:
            return None
        if not equals:
            following = next(words, None)
            if following is None:
                return None
            value = following
        found[name] = value
    return found


DESK_OUTCOME = "each change the desk said was recorded stays recorded, and nothing else was"
"""The desk records each change in its own transaction, so a failure ends only the change under way."""


def run() -> None:
    """Console entry point."""
    options = desk_options(sys.argv[1:])
    if options is not None and sys.stdin.isatty() and sys.stdout.isatty():
        from tracker.cli.output import EXIT_INTERNAL, internal_error, warn

        try:
            if _open_desk(options):
                return
        except KeyboardInterrupt:
            warn(f"interrupted; {DESK_OUTCOME}")
            sys.exit(130)
        except Exception as error:
            warn(internal_error(error, DESK_OUTCOME))
            sys.exit(EXIT_INTERNAL)
    from tracker.cli.main import run as run_command

    run_command()


def _open_desk(options: dict[str, str]) -> bool:
    """The desk on the store the options (or TRACKER_DB, TRACKER_USER) name, as `tracker.cli.main` opens it; False,
    having done nothing, when the store cannot be opened."""
    from tracker.cli.state import CliState
    from tracker.ui.launch import open_desk

    database = options.get("--db") or os.environ.get("TRACKER_DB") or None
    officer = CliState(database=database, acting_as=options.get("--as") or os.environ.get("TRACKER_USER") or None)
    return open_desk(officer.context, command=f"tracker --db {shlex.quote(database)}" if database else "tracker")
