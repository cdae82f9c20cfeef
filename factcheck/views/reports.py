"""Reports: a collection of articles (a date range, an outlet, a tag, a reviewer) with the totals of
its verdicts, its articles a page at a time, and the collection report to download (Markdown or HTML)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from flask import Blueprint, Response, request, stream_with_context
from sqlmodel import Session, select

from factcheck.db import get_session
from factcheck.domain.articles import all_tags, outlets
from factcheck.domain.collections import (
    CollectionFilter,
    articles_in_collection,
    collection_filter,
    collection_page,
    collection_record,
    collection_records,
    collection_totals,
)
from factcheck.domain.paging import page_number
from factcheck.errors import FactcheckError, InvalidInput, NotFound
from factcheck.models import User
from factcheck.report.collection import collection_charts, collection_html, collection_markdown
from factcheck.report.record import report_filename
from factcheck.views.web import refused_with, render

bp = Blueprint("reports", __name__)

#: Rows of each totals table the page shows; the downloads hold them all.
TOTALS_SHOWN = 20
#: Users the reviewer filter offers (by username).
REVIEWERS_OFFERED = 500


def _filter(session: Session) -> CollectionFilter:
    args = request.args
    return collection_filter(
        session,
        start=args.get("from", ""),
        end=args.get("to", ""),
        outlet=args.get("outlet", ""),
        tag=args.get("tag", ""),
        reviewer=args.get("reviewer", ""),
    )


def _choices(session: Session) -> dict[str, Any]:
    reviewers = session.exec(select(User).order_by(User.username).limit(REVIEWERS_OFFERED)).all()
    return {"outlets": outlets(session), "tags": all_tags(session), "reviewers": reviewers, "args": request.args}


def _refused(error: FactcheckError) -> Response | None:
    """A filter that is not one: the form as sent, with why, as a 400."""
    if not isinstance(error, InvalidInput):
        return None
    return render("reports/index.html", blocks=["results"], status=400, error=str(error), chosen=None,
                  **_choices(get_session()))


@bp.get("/reports")
@refused_with(_refused)
def index() -> Response:
    """The filter form, the collection's totals and a page of its articles (htmx: the results only)."""
    session = get_session()
    chosen = _filter(session)
    totals = collection_totals(session, chosen, limit=TOTALS_SHOWN)
    articles = collection_page(session, chosen, page_number(request.args.get("page")))
    return render("reports/index.html", blocks=["results"], error=None, chosen=chosen, totals=totals, articles=articles,
                  totals_shown=TOTALS_SHOWN, **_choices(session))


@bp.get("/reports/collection.md")
@refused_with(_refused)
def markdown_download() -> Response:
    """Download the collection report in Markdown (written as it is sent, an article at a time)."""
    return _download("md", "text/markdown; charset=utf-8", collection_markdown)


@bp.get("/reports/collection.html")
@refused_with(_refused)
def html_download() -> Response:
    """Download the collection report as a standalone HTML document (written as it is sent)."""
    return _download(
        "html", "text/html; charset=utf-8", lambda c, records: collection_html(c, records, charts=collection_charts(c))
    )


Writer = Callable[[dict[str, Any], Iterable[dict[str, Any]]], Iterator[str]]


def _download(extension: str, mimetype: str, write: Writer) -> Response:
    session = get_session()
    chosen = _filter(session)
    article_ids = articles_in_collection(session, chosen)
    if not article_ids:
        raise NotFound(f"No articles match: {chosen.describe()}.")
    collection = collection_record(session, chosen)

    @stream_with_context
    def pieces() -> Iterator[bytes]:
        # Sent after the request's own session has closed: the records are read in a session of
        # their own (get_session opens it; the app context's teardown closes it).
        for piece in write(collection, collection_records(get_session(), article_ids)):
            yield piece.encode("utf-8")

    response = Response(pieces(), mimetype=mimetype)
    filename = report_filename(collection["title"], extension)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
