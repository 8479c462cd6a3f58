"""The desk's first screen read in a thread of its own, started before Textual loads (see `tracker.ui.launch`)."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import Future
from dataclasses import dataclass

from sqlalchemy import Engine

from tracker.domain.fiscal import FiscalYear, fiscal_year_of
from tracker.reports.dashboard import Dashboard, first_screen
from tracker.store.session import read_connection


@dataclass(frozen=True)
class FirstRead:
    """The first screen's figures for the year and day the desk opens on, read in a thread of their own."""

    year: FiscalYear
    today: dt.date
    figures: Future[tuple[Dashboard, list[FiscalYear]]]

    def result(self) -> tuple[Dashboard, list[FiscalYear]]:
        """The figures, once read (waiting for them if need be); a failed read raises here, in the desk."""
        return self.figures.result()

    @classmethod
    def start(cls, engine: Engine, today: dt.date) -> FirstRead:
        year = fiscal_year_of(today)
        figures: Future[tuple[Dashboard, list[FiscalYear]]] = Future()

        def read() -> None:
            try:
                with read_connection(engine) as conn:
                    figures.set_result(first_screen(conn, year, today))
            except BaseException as error:  # handed to the desk, which says it could not read
                figures.set_exception(error)

        threading.Thread(target=read, name="first-read", daemon=True).start()
        return cls(year, today, figures)
