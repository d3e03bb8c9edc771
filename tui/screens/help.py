"""The help screen (?): the keys of every screen and what each screen shows."""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

if TYPE_CHECKING:
    from textual.app import ComposeResult

HELP = """\
# nurture tui — keys

| key | does |
|---|---|
| `1` … `5` | rules · forecast · sequences · leads · compare |
| `ctrl+p` | command palette: every action, and *Go to* any definition |
| `ctrl+r` | read the rule files again (also done when a file changes on disk) |
| `t` | light or dark theme |
| `?` | this help; `escape` closes it |
| `q` | quit (a forecast under way is stopped) |

**Rules** — the file with its diagnostics under their lines (`●` error, `▲` warning).
Arrow keys move in the tree; the selected definition is shown under the file, with its
forecast figures once a forecast has run. `e` jumps to the next diagnostic; `f` shows the
next file when two were given; `tab` moves between the tree and the file.

**Forecast** — edit leads, days, runs and seed, `r` runs on every core, `c` cancels (within
a second). Each card shows the mean over runs and, under it, where 90% of runs fall (5th –
95th percentile). Then the report's *Watch* notes, the funnel (leads that reached each stage,
then MQL, SQL, customers), customers per week, touches and cost by channel, and the sales
queue over time.

**Sequences** — per sequence: the step funnel, who entered and exited, lift against
the holdout, and each split's arms with their difference from arm 1.

**Leads** — run 0's simulated leads; with `--db DB`, the live database's leads at its clock.
`/` filters: `segment:trial stage:decision lifecycle:mql persona:NAME` (lifecycle: lead, mql,
sql, customer, unsubscribed, sunset) and any word of the id. `s` sorts by the next column, `d`
reverses, a click on a header sorts by it. `enter` opens the lead's timeline: every event,
score change, stage move, send, postponement and suppression with the rule's file:line (a live
lead's as `nurture explain` prints it).

**Compare** — with two files: `r` runs both on the same synthetic leads and random
streams; each difference has its 90% interval, and `*` marks the ones clear of zero.
"""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "app.pop_screen", "Close"),
        Binding("question_mark", "app.pop_screen", "Close", show=False),
        Binding("q", "app.pop_screen", "Close", show=False),
    ]

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help"):
            yield Markdown(HELP)
