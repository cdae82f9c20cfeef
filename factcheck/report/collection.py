"""Collection reports: the totals of many articles, then each article's methodology record.

Pure writers. They take the collection as plain data (factcheck.domain.collections.
collection_record) and the articles' records as an iterable, and yield the report a piece at a
time: the totals first, then one piece per article, so a report of thousands of articles is
written as it is read and never held whole. The same data always gives the same bytes.

The HTML report is the Markdown report rendered: each piece goes through the one Markdown
function (factcheck.rendering.render_markdown: render, then sanitize with an allowlist), so the
two formats say the same thing and the HTML is exactly as safe as every rendered rationale. It is
a standalone document (to keep, mail or print), with its own small stylesheet and a policy that
lets nothing run or load but its own styles and its embedded charts.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import re
from collections.abc import Iterable, Iterator, Mapping
from types import MappingProxyType
from typing import Any

from factcheck.rendering import render_markdown
from factcheck.report import charts
from factcheck.report.markdown import _one_line, article_markdown, escape, scale_legend

#: What the totals table calls the claims with a free-text conclusion instead of a label.
CONCLUSION_ROW = "Conclusion (free text)"
#: Above this many characters a piece of the HTML report is shown as its Markdown, unrendered:
#: rendering is linear but not free, and one article must not stall a whole report.
HTML_PIECE_MAX_CHARS = 1_000_000
NO_CHARTS: Mapping[str, str] = MappingProxyType({})

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; line-height: 1.5; color: #1d232a;
  max-width: 60rem; margin: 0 auto; padding: 1rem; }
table { border-collapse: collapse; margin: .5rem 0 1rem; }
th, td { border-bottom: 1px solid #d8dde3; padding: .3rem .7rem; text-align: left; vertical-align: top; }
blockquote { margin: .5rem 0; padding-left: .8rem; border-left: 3px solid #d8dde3; color: #5b6470; }
article { border-top: 2px solid #1d232a; margin-top: 2rem; }
pre { white-space: pre-wrap; }
figure { margin: 1rem 0; }
figure img { max-width: 100%; height: auto; }
@media print { article { break-before: page; } a { color: inherit; } }
""".strip()
#: The downloaded file runs nothing and fetches nothing: its own styles and embedded charts only.
POLICY = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def collection_charts(collection: dict[str, Any]) -> dict[str, str]:
    """The charts of a collection report, by name (a file-name-safe word, "verdicts"): SVG text.

    The one place charts enter a report: the HTML report embeds each after the totals, and the
    Markdown report written to a file (`factcheck report -o FILE`) links each, written beside it
    as FILE-STEM-<name>.svg. Drawn by factcheck/report/charts.py: the signed-off verdicts, those
    verdicts by outlet, and the verdicts given per day, week or month. A collection without any
    signed-off verdict or verdict given has no charts.
    """
    figures = collection.get("figures") or {}
    verdicts = [(row["label"] or CONCLUSION_ROW, row["claims"]) for row in collection["totals"]["verdicts"]]
    given = [(dt.date.fromisoformat(row["day"]), row["claims"]) for row in figures.get("verdicts_given", [])]
    if not verdicts and not given:
        return {}
    tones: dict[str, float | None] = {}
    for scale in collection.get("rating_scales", []):  # a label on two scales takes the first's tone
        tones = charts.scale_tones(scale["ratings"]) | tones
    labels = list(dict.fromkeys(label for label, _ in verdicts))
    groups = [(row["outlet"], [(v["label"], v["claims"]) for v in row["verdicts"]]) for row in figures.get("by_outlet", [])]
    return {
        "verdicts": charts.verdict_distribution(verdicts, title="Signed-off verdicts", tones=tones),
        "outlets": charts.verdicts_by_group(groups, labels, title="Signed-off verdicts by outlet", tones=tones),
        "reviews": charts.reviews_over_time(given, title="Verdicts given or changed"),
    }


def chart_file_names(stem: str, charts: Mapping[str, str]) -> dict[str, str]:
    """The file each chart is written to beside a report named `stem`: <stem>-<name>.svg."""
    return {name: f"{stem}-{_safe_name(name)}.svg" for name in sorted(charts)}


def collection_markdown(
    collection: dict[str, Any], records: Iterable[dict[str, Any]], *, chart_files: Mapping[str, str] = NO_CHARTS
) -> Iterator[str]:
    """The collection report in Markdown, a piece at a time: its title and totals (and links to
    `chart_files`, chart name -> file name beside the report), the rating scales' legends once,
    then each article's methodology record a heading level down."""
    yield _text(_totals(collection) + _chart_links(chart_files) + _legends(collection))
    for record in records:
        yield "\n" + article_markdown(record, level=2, legend=False)


def collection_html(
    collection: dict[str, Any], records: Iterable[dict[str, Any]], *, charts: Mapping[str, str] = NO_CHARTS
) -> Iterator[str]:
    """The collection report as a standalone HTML document, a piece at a time: the Markdown
    report rendered and sanitized piece by piece, with `charts` (name -> SVG text) after the totals."""
    title = html.escape(f"Fact-check report: {_one_line(collection['title'])}")
    yield (
        "<!doctype html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{POLICY}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{title}</title>\n<style>\n{STYLE}\n</style>\n</head>\n<body>\n<main>\n"
        f'<section class="totals">\n{_html(_text(_totals(collection)))}\n</section>\n'
        f"{_chart_figures(charts)}"
        f'<section class="legends">\n{_html(_text(_legends(collection)))}\n</section>\n'
    )
    for record in records:
        yield f'<article class="article-report">\n{_html(article_markdown(record, level=2, legend=False))}\n</article>\n'
    yield "</main>\n</body>\n</html>\n"


def _text(lines: list[str]) -> str:
    return "\n".join(lines).rstrip("\n") + "\n"


def _html(markdown: str) -> str:
    if len(markdown) > HTML_PIECE_MAX_CHARS:
        return f'<pre class="markdown-source">{html.escape(markdown)}</pre>'
    return str(render_markdown(markdown, limit=HTML_PIECE_MAX_CHARS))


def _totals(collection: dict[str, Any]) -> list[str]:
    """The title, how many articles and claims, and the tables of signed-off verdicts."""
    claims, totals = collection["claims"], collection["totals"]
    out = [
        f"# Fact-check report: {escape(_one_line(collection['title']))}",
        "",
        f"- **Articles:** {collection['articles']}",
        f"- **Claims:** {claims['total']} ({claims['signed_off']} with an approved or published verdict, "
        f"{claims['in_review']} in review, {claims['unreviewed']} not yet reviewed)",
        "",
        "## Totals",
        "",
        "Claims with an approved or published verdict, counted by verdict, outlet, claimant and reviewer "
        "(who wrote the verdict).",
        "",
        "### Verdicts",
        "",
    ]
    verdicts = totals["verdicts"]
    several_scales = len({v["scale"] for v in verdicts if v["label"]}) > 1
    out += _table(
        ["Verdict", "Claims"],
        [[_verdict_name(v, several_scales), str(v["claims"])] for v in verdicts],
        total=claims["signed_off"],
    )
    out += ["### Outlets", ""]
    out += _table(
        ["Outlet", "Articles", "Claims"],
        [
            [escape(_one_line(o["outlet"])) or "_No outlet named_", str(o["articles"]), str(o["claims"])]
            for o in totals["outlets"]
        ],
        empty="No articles.",
    )
    out += ["### Claimants", ""]
    out += _table(
        ["Claimant", "Claims"],
        [[escape(_one_line(c["name"])) if c["name"] else "_No claimant named_", str(c["claims"])] for c in totals["claimants"]],
    )
    out += ["### Reviewers", ""]
    out += _table(["Reviewer", "Claims"], [[escape(_one_line(r["name"])), str(r["claims"])] for r in totals["reviewers"]])
    return out


def _verdict_name(verdict: dict[str, Any], several_scales: bool) -> str:
    if not verdict["label"]:
        return CONCLUSION_ROW
    label = escape(_one_line(verdict["label"]))
    return f"{label} ({escape(_one_line(verdict['scale']))})" if several_scales else label


def _table(header: list[str], rows: list[list[str]], *, total: int | None = None, empty: str = "") -> list[str]:
    if not rows:
        return [empty or "No claim has an approved or published verdict yet.", ""]
    lines = ["| " + " | ".join(header) + " |", "| --- |" + " ---: |" * (len(header) - 1)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    if total is not None:
        lines.append(f"| **Total** | {total} |")
    return lines + [""]


def _chart_links(chart_files: Mapping[str, str]) -> list[str]:
    if not chart_files:
        return []
    lines = ["## Charts", ""]
    for name, file_name in chart_files.items():
        lines += [f"![{escape(_caption(name))}](<{_safe_file(file_name)}>)", ""]
    return lines


def _chart_figures(charts: Mapping[str, str]) -> str:
    """Each chart as an image of its own (an <img> runs no script, whatever the SVG holds)."""
    if not charts:
        return ""
    figures = []
    for name in sorted(charts):
        data = base64.b64encode(charts[name].encode("utf-8")).decode("ascii")
        caption = html.escape(_caption(name))
        figures.append(
            f'<figure id="chart-{_safe_name(name)}">\n<img src="data:image/svg+xml;base64,{data}" alt="{caption}">\n'
            f"<figcaption>{caption}</figcaption>\n</figure>\n"
        )
    return f'<section class="charts">\n<h2>Charts</h2>\n{"".join(figures)}</section>\n'


def _legends(collection: dict[str, Any]) -> list[str]:
    lines = ["## Rating scales", ""]
    if len(collection["rating_scales"]) == 1:
        lines += ["Every article here is rated on one scale. What its verdicts mean:", ""]
    else:
        lines += ["The articles here are rated on these scales. What their verdicts mean:", ""]
    for scale in collection["rating_scales"]:
        lines += [f"### {escape(_one_line(scale['name']))}", ""] + scale_legend(scale)
    return lines


def _caption(name: str) -> str:
    words = re.sub(r"[_-]+", " ", name).strip()
    return words[:1].upper() + words[1:]


def _safe_name(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-") or "chart"


def _safe_file(file_name: str) -> str:
    return "".join(f"%{ord(c):02X}" if c in "<>\\" or ord(c) <= 32 or ord(c) == 127 else c for c in file_name)
