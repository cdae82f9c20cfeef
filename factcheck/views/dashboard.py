"""The dashboard: charts of signed-off verdicts, of verdicts by outlet and of reviews over time,
each with a table of its numbers, narrowed by period and outlet (a GET form; htmx swaps the charts).

The figures are counted in factcheck.domain.dashboard, the charts drawn by factcheck.report.charts.
"""

from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, Response, request

from factcheck.db import get_session
from factcheck.domain.dashboard import dashboard, dashboard_charts, parse_filters
from factcheck.errors import FactcheckError, InvalidInput
from factcheck.models import utcnow
from factcheck.rendering import inline_svg
from factcheck.views.web import refused_with, render

bp = Blueprint("dashboard", __name__)


def _refused(error: FactcheckError) -> Response | None:
    """Filters that cannot be used: the form as it was sent, and why, in place of the charts."""
    if not isinstance(error, InvalidInput):
        return None
    return render("dashboard/dashboard.html", blocks=["charts"], status=422, args=request.args, error=str(error),
                  board=None, charts=None)


@bp.get("/dashboard")
@refused_with(_refused)
def show() -> Response:
    """The charts and their numbers, for the period and outlet in the address (htmx: the charts only)."""
    args = request.args
    filters = parse_filters(args.get("from", ""), args.get("to", ""), args.get("outlet", ""))
    board = dashboard(get_session(), filters, utcnow().date())
    drawn = dashboard_charts(board)
    # Inlined rather than linked as images: no request per chart, and a screen reader reads each
    # chart's title and description. The SVG is checked against an allowlist and marked safe by
    # factcheck.rendering (the one place that turns HTML into Markup); the template uses no |safe.
    charts = {name: inline_svg(svg) for name, svg in asdict(drawn).items()}
    return render("dashboard/dashboard.html", blocks=["charts"], args=args, error=None, board=board, charts=charts)
