"""The command palette: the same actions as the keys, found by name."""

from __future__ import annotations

from functools import partial

from textual.binding import Binding
from textual.command import DiscoveryHit, Hit, Hits, Provider

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
