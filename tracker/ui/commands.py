"""The command palette: the same actions as the keys, found by name, and the contracts and lines themselves."""

from __future__ import annotations

import asyncio
from functools import partial
from typing import cast

from sqlalchemy import Engine
from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

from tracker.reports.contract_list import ContractListRow, ContractQuery, contracts_page
from tracker.reports.registers import LineRow, budget_lines
from tracker.store.session import read_session
from tracker.ui.keymap import EVERYWHERE, SECTIONS, DeskAction


class DeskCommands(Provider):
    def _actions(self) -> list[tuple[DeskAction, bool]]:
        """Everywhere-actions run on the app; the current screen's own actions run on that screen."""
        screen_actions = {action.id for _, actions in SECTIONS[1:] for action in actions}
        bound = {binding.id for binding in self.screen.BINDINGS if isinstance(binding, Binding)}
        found = [(action, True) for action in EVERYWHERE]
        for _, actions in SECTIONS[1:]:
            found.extend((action, False) for action in actions if action.id in bound and action.id in screen_actions)
        return found

    def _run(self, action: DeskAction, on_app: bool) -> None:
        target = self.app if on_app else self.screen
        self.app.call_later(self.app.run_action, action.action, target)

    async def discover(self) -> Hits:
        for action, on_app in self._actions():
            yield DiscoveryHit(action.label, partial(self._run, action, on_app), help=action.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for action, on_app in self._actions():
            score = matcher.match(f"{action.label} {action.help}")
            if score > 0:
                yield Hit(score, matcher.highlight(action.label), partial(self._run, action, on_app), help=action.help)


FOUND = 10
"""Contracts the palette lists for what is typed; the contracts screen's filter lists them all."""


class RecordCommands(Provider):
    """Contracts found by reference or supplier, budget lines by code or name, as in Harlequin's and Posting's
    palettes: choosing one opens it."""

    async def search(self, query: str) -> Hits:
        from tracker.ui.desk import Desk

        text = query.strip()
        if len(text) < 2:
            return
        engine = cast(Desk, self.app).context.engine
        contracts, lines = await asyncio.to_thread(_find, engine, text)
        matcher = self.matcher(query)
        for row in contracts:
            label = f"{row.reference} · {row.supplier}"
            yield Hit(max(matcher.match(label), 0.5), matcher.highlight(label),
                      partial(self._open_contract, row.reference),
                      help=f"Contract on {row.line_code}, {row.status}: open it")
        for line in lines:
            label = f"{line.code} · {line.name}"
            yield Hit(max(matcher.match(label), 0.5), matcher.highlight(label), partial(self._open_line, line.code),
                      help=f"Budget line {line.fiscal_year}: show it on the dashboard")

    def _open_contract(self, reference: str) -> None:
        from tracker.ui.screens.contract import ContractScreen

        self.app.push_screen(ContractScreen(reference))

    def _open_line(self, code: str) -> None:
        from tracker.ui.screens.dashboard import DashboardScreen

        app = self.app
        if app.current_mode != "dashboard":
            app.switch_mode("dashboard")
        while len(app.screen_stack) > 1:
            app.pop_screen()

        def show() -> None:
            if isinstance(app.screen, DashboardScreen):
                app.screen.show_line(code)

        app.call_later(show)


def _find(engine: Engine, text: str) -> tuple[list[ContractListRow], list[LineRow]]:
    """Contracts of any year matching the text, and the budget lines whose code or name holds it."""
    with read_session(engine) as session:
        contracts = list(contracts_page(session, ContractQuery(None, text), limit=FOUND, count=False).rows)
        wanted = text.casefold()
        lines = [line for line in budget_lines(session) if wanted in f"{line.code} {line.name}".casefold()]
    return contracts, lines
