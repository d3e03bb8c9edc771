"""The app: holds what every screen reads (rule files, forecast, comparison) and routes between
screens. Each screen is a mode of its own (keys 1-5), made when first shown; screens watch the
app's reactives. Quitting stops any forecast under way, and with it the simulator's processes."""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.reactive import reactive

from tui.commands import NurtureCommands
from tui.forecasting import Job, Settings, SettingsError, scenario_settings
from tui.messages import RulesReloaded
from tui.rulefile import RuleFile, load_rule_file, mtime_of, unchecked_rule_file

if TYPE_CHECKING:
    from textual.screen import Screen


@dataclass(frozen=True)
class Launch:
    """What `nurture tui` was given."""

    files: tuple[str, ...]
    scenario: str | None = None
    db: str | None = None
    values: tuple[dict[str, str], ...] = ()  # each file's `--set` values (none: as written)
    watch_seconds: float = 1.0  # how often the rule files are looked at for changes (0: never)


SCREENS = {
    "rules": ("tui.screens.rules", "RulesScreen"),
    "forecast": ("tui.screens.forecast", "ForecastScreen"),
    "sequences": ("tui.screens.sequences", "SequencesScreen"),
    "leads": ("tui.screens.leads", "LeadsScreen"),
    "compare": ("tui.screens.compare", "CompareScreen"),
}


def _screen(name: str) -> Screen[None]:
    module, cls = SCREENS[name]
    return getattr(importlib.import_module(module), cls)()


class NurtureApp(App[None]):
    TITLE = "nurture"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]  # (textual's is not a ClassVar)
    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {NurtureCommands}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "switch_mode('rules')", "Rules"),
        Binding("2", "switch_mode('forecast')", "Forecast"),
        Binding("3", "switch_mode('sequences')", "Sequences"),
        Binding("4", "switch_mode('leads')", "Leads"),
        Binding("5", "switch_mode('compare')", "Compare"),
        Binding("ctrl+r", "reload", "Reload"),
        Binding("t", "toggle_theme", "Theme", show=False),
        Binding("question_mark", "help", "Help"),
        Binding("q", "quit", "Quit"),
    ]

    rule_files: reactive[list[RuleFile]] = reactive(list, always_update=True)
    forecast: reactive[Any] = reactive(None, always_update=True)
    comparison: reactive[Any] = reactive(None, always_update=True)

    def __init__(self, launch: Launch) -> None:
        # screens are made (and their modules imported) when first shown: the first screen
        # does not wait for plotext, numpy or the simulator
        self.MODES = {name: partial(_screen, name) for name in SCREENS}  # type: ignore[misc]  # read by __init__
        super().__init__()
        self.launch = launch
        self.settings: Settings | None = None  # the last forecast's (else the scenario's)
        self.jobs: list[Job] = []  # forecasts and comparisons under way (stopped on quit)
        # the text at once; the check (a second on a cold start) runs in a worker after mount
        self.set_reactive(NurtureApp.rule_files, [unchecked_rule_file(p) for p in launch.files])

    def on_mount(self) -> None:
        self.switch_mode("rules")
        self.call_after_refresh(self._check_files)  # the first screen before the check

    def _values(self, index: int) -> dict[str, str]:
        return self.launch.values[index] if index < len(self.launch.values) else {}

    @work(thread=True, exclusive=True, group="check")
    def _check_files(self) -> None:
        checked = [load_rule_file(f.path, self._values(i)) for i, f in enumerate(self.rule_files)]
        self.call_from_thread(self._checked, checked)

    def _checked(self, checked: list[RuleFile]) -> None:
        from tui.running import freeze_collector

        self.rule_files = checked
        freeze_collector()  # the parser's and checker's modules, the first screen's widgets
        program = checked[0].program
        self.title = f"nurture — {program.campaign}" if program else "nurture"
        if self.launch.watch_seconds:
            self.set_interval(self.launch.watch_seconds, self._look_for_changes)

    def _look_for_changes(self) -> None:
        if any(mtime_of(f.path) != f.mtime for f in self.rule_files if not f.checking):
            self.action_reload(quiet=True)

    def action_reload(self, quiet: bool = False) -> None:
        """Read every rule file again; say which changed."""
        fresh = [load_rule_file(f.path, self._values(i)) for i, f in enumerate(self.rule_files)]
        changed = [
            a.path for a, b in zip(fresh, self.rule_files, strict=True) if a.source != b.source
        ]
        self.rule_files = fresh
        self.post_message(RulesReloaded(changed))
        broken = [f for f in fresh if not f.ok]
        if broken:
            self.notify(
                f"{broken[0].path}: {broken[0].summary()}", title="Reloaded", severity="error"
            )
        elif changed or not quiet:
            self.notify(", ".join(changed) or "no change", title="Reloaded")

    def stop_jobs(self) -> None:
        """Stop every forecast and comparison under way (their processes end with them)."""
        for job in self.jobs:
            job.stop.set()

    async def action_quit(self) -> None:
        self.stop_jobs()
        await super().action_quit()

    def on_unmount(self) -> None:
        self.stop_jobs()

    def action_toggle_theme(self) -> None:
        self.theme = "textual-light" if self.current_theme.dark else "textual-dark"

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        self.push_screen(HelpScreen())

    def forecast_settings(self) -> Settings | str:
        """The last forecast's settings, else the scenario's; or what is wrong with them."""
        if self.settings is not None:
            return self.settings
        program = self.rule_files[0].program
        if program is None:
            return f"{self.rule_files[0].path} has errors"
        try:
            return scenario_settings(program, self.launch.scenario)
        except SettingsError as err:
            return "; ".join(err.messages)

    async def run_forecast_command(self) -> None:
        await self.switch_mode("forecast")
        self.screen.action_run()  # type: ignore[attr-defined]  # the forecast screen's

    async def cancel_forecast_command(self) -> None:
        await self.switch_mode("forecast")
        self.screen.action_cancel()  # type: ignore[attr-defined]  # the forecast screen's

    async def go_to_definition(self, file_index: int, item: Any) -> None:
        await self.switch_mode("rules")
        screen = self.screen
        if screen.file_index != file_index:  # type: ignore[attr-defined]  # the rules screen's
            screen.file_index = file_index  # type: ignore[attr-defined]  # as above
            screen._files_changed()  # type: ignore[attr-defined]  # as above
        screen.select_item(item)  # type: ignore[attr-defined]  # as above
