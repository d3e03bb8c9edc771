"""The Textual app of `nurture tui`: browse the rules, run forecasts, explore what they predict.

    app.py / app.tcss     the App: what every screen reads (rule files, forecast, comparison),
                          the modes (keys 1-5), theme, reload and file watching
    screens/              rules, forecast, sequences, leads, compare; help, a lead's timeline
    widgets/              the rules view, outline tree, detail panel, forecast form, KPI cards,
                          charts, the leads table (line API: 100k rows)
    rulefile.py           a rule file read, checked and linted (never raises for a mistake)
    highlight.py          the nurture lexer and the numbered, annotated source
    outline.py            a program as a tree (steps numbered as the forecast numbers them)
    figures.py            which forecast figures are shown where, read from the simulator's result
    forecasting.py        the simulator's public calls the app makes, with progress and cancel
    leads_data.py         the leads table's columns; filter and sort with numpy (in a worker)
    messages.py           what happened, as messages (ForecastFinished, LeadsFiltered, ...)
    commands.py           the command palette

No simulation or engine logic lives here: figures come from `simulator.api`'s results, lead
trails from `simulator.api.lead_timeline`.
"""

from tui.app import Launch, NurtureApp

__all__ = ["Launch", "NurtureApp"]
