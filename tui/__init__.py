"""The Textual app of `nurture tui`: browse the rules, run forecasts, explore what they predict.

    app.py / app.tcss     the App: what every screen reads (rule files, forecast, comparison,
                          jobs under way), the modes (keys 1-5, each made when first shown),
                          theme, reload and file watching
    screens/              rules, forecast, sequences, leads, compare (job_screen.py: what the
                          forecast and compare screens share); help, a lead's timeline
                          (a live lead's: `db_timeline.py`)
    widgets/              the rules view, outline tree, detail panel, forecast form, KPI cards,
                          charts (text bars, weekly bands), run status, the leads table (line
                          API: 100k rows)
    rulefile.py           a rule file read, checked and linted (never raises for a mistake)
    highlight.py          the nurture lexer and the numbered, annotated source
    outline.py            a program as a tree (steps numbered as the forecast numbers them)
    figures.py            which forecast figures are shown where, read from the typed results
    formats.py            how a number is written (as the report does; short forms for cards)
    forecasting.py        the simulator's front-door calls the app makes; a job and its stop
    running.py            the worker's body: a forecast's outcome as messages, never raised
    leads_data.py         the leads table over `SimulatedLeads` (or live's `LiveLeads`):
                          filter and sort with numpy
    livedb.py             `--db`: live's front-door calls (every lead, one lead's trail)
    messages.py           what happened, as messages (ForecastFinished, LeadsFiltered, ...)
    commands.py           the command palette

No simulation or engine logic lives here: every figure is the simulator's (`simulator.Forecast`,
`Comparison`, `SimulatedLeads`), a lead's trail is `simulator.lead_timeline`'s; with `--db`, a
live database's leads and trails are live's (`live.leads_table`, `live.explain`).
"""

from tui.app import Launch, NurtureApp

__all__ = ["Launch", "NurtureApp"]
