"""The command palette (ctrl+p): every action of the app, and a jump to any definition."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

if TYPE_CHECKING:
    from tui.app import NurtureApp


class NurtureCommands(Provider):
    def _commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        app: NurtureApp = self.app  # type: ignore[assignment]  # Provider.app is an App; ours
        out: list[tuple[str, str, Callable[[], object]]] = [
            ("Rules", "the file, its tree and diagnostics (1)", partial(app.switch_mode, "rules")),
            ("Forecast", "run and read a forecast (2)", partial(app.switch_mode, "forecast")),
            ("Sequences", "step funnels and split arms (3)", partial(app.switch_mode, "sequences")),
            ("Leads", "simulated leads and their timelines (4)", partial(app.switch_mode, "leads")),
            ("Compare", "two files side by side (5)", partial(app.switch_mode, "compare")),
            ("Run forecast", "with the form's settings", app.run_forecast_command),
            ("Cancel forecast", "stop the running forecast", app.cancel_forecast_command),
            ("Reload rules", "read the rule files again", app.action_reload),
            ("Toggle light/dark", "switch the theme", app.action_toggle_theme),
            ("Help", "keys and what each screen shows", app.action_help),
        ]
        for index, rule_file in enumerate(app.rule_files):
            if rule_file.program is None:
                continue
            from tui.outline import outline

            def walk(items: list, index: int = index) -> None:
                for item in items:
                    if item.span is not None and item.kind != "rule":
                        out.append(
                            (
                                f"Go to {item.kind} {item.label}",
                                f"{app.rule_files[index].path}:{item.span.line}",
                                partial(app.go_to_definition, index, item),
                            )
                        )
                    walk(item.children)

            walk(outline(rule_file.program, rule_file.source))
        return out

    async def discover(self) -> Hits:
        for name, help_text, run in self._commands()[:10]:
            yield DiscoveryHit(name, run, help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, run in self._commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), run, help=help_text)
