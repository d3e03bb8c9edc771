"""The page every HTML report is made of: a header, sections, a footer, one inline style sheet.

    page = Page("Forecast: B2B trial", "rules/x.nurture · 2,000 leads over 90 days")
    page.section("Headline", paragraph("Of 2,000 leads ..."), cards([...]))
    page.section("Funnel", figure(chart, "what the chart shows"))
    html_text = page.render()

Nothing in a page is fetched and nothing runs: the charts are inline SVG, the style sheet is
inline, there is no script. Every text that comes from a rule file, a scenario or a command line
goes through `escape` (the helpers here do it); `Html` marks text that is already markup. The
page prints on A4/Letter (each section kept on one page where it fits) and reads on a laptop.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from importlib import resources
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from htmlreport.charts import Chart


class Html(str):
    """Text that is markup already (made by these helpers): put in a page as it is."""


def escape(text: object) -> Html:
    """Any text as safe markup (`Html` is kept as it is)."""
    return text if isinstance(text, Html) else Html(html.escape(str(text), quote=True))


def join(*parts: Html | str) -> Html:
    return Html("".join(escape(p) for p in parts))


def tag(name: str, *children: Html | str, cls: str = "", **attrs: str) -> Html:
    """`<name class=cls attrs>children</name>`, every child and attribute value escaped."""
    attr = f' class="{escape(cls)}"' if cls else ""
    attr += "".join(f' {k.rstrip("_").replace("_", "-")}="{escape(v)}"' for k, v in attrs.items())
    return Html(f"<{name}{attr}>{join(*children)}</{name}>")


def paragraph(text: str, cls: str = "") -> Html:
    return tag("p", text, cls=cls)


def figure(chart: Chart, caption: str) -> Html:
    """A chart with its caption (what it shows, in words)."""
    return Html(
        f'<figure class="chart" data-name="{escape(chart.name)}">{chart.svg}'
        f"{tag('figcaption', caption)}</figure>"
    )


def grid(*items: Html) -> Html:
    """Items side by side, two a row where the page is wide enough (one when printed narrow)."""
    return tag("div", *items, cls="grid2")


@dataclass
class Page:
    """A report page: `section()` adds a titled part, `render()` gives the whole document."""

    title: str
    subtitle: str
    note: str = ""
    footer: str = ""
    sections: list[Html] = field(default_factory=list)
    params: tuple[str, ...] = ()  # lines under the subtitle: the rule files' params in force

    def section(self, title: str, *content: Html, key: str = "") -> None:
        """A titled part; `key` names it for tests and links (`id="s-key"`)."""
        if not content:
            return
        ident = key or title.lower().replace(" ", "-")
        self.sections.append(tag("section", tag("h2", title), *content, id=f"s-{ident}"))

    def render(self) -> str:
        lines = [tag("h1", self.title), paragraph(self.subtitle, "sub")]
        lines += [paragraph(line, "sub params") for line in self.params]
        if self.note:
            lines.append(paragraph(self.note, "note"))
        head = tag("header", *lines)
        foot = tag("footer", paragraph(self.footer)) if self.footer else Html("")
        body = join(head, tag("main", *self.sections), foot)
        return (
            "<!DOCTYPE html>\n"
            '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{escape(self.title)}</title>\n"
            f"<style>\n{stylesheet()}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n"
        )


def stylesheet() -> str:
    """The report's style sheet (`htmlreport/report.css`)."""
    return resources.files("htmlreport").joinpath("report.css").read_text(encoding="utf-8")
