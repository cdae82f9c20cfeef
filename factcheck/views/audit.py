"""The security and audit log, for admins: filtered, a page at a time, and as JSON lines."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Blueprint, Response, current_app, request
from sqlmodel import Session

from factcheck.db import get_session
from factcheck.domain.audit import KINDS, AuditFilter, all_audit_events, audit_events, json_lines
from factcheck.domain.paging import page_number
from factcheck.errors import FactcheckError
from factcheck.views.web import refused_with, render

bp = Blueprint("audit", __name__)


def _filter_refused(error: FactcheckError) -> Response:
    return render("audit/index.html", events=None, audit_filter=AuditFilter(), args=request.args, kinds=KINDS,
                  error=str(error), status=error.status)


@bp.get("/audit")
@refused_with(_filter_refused)
def index() -> Response:
    """The events the filter picks (kind, username, from, to, address), newest first, 50 a page."""
    audit_filter = AuditFilter.from_args(request.args)
    events = audit_events(get_session(), audit_filter, page_number(request.args.get("page")))
    return render("audit/index.html", events=events, audit_filter=audit_filter, args=request.args, kinds=KINDS,
                  error=None)


@bp.get("/audit.jsonl")
def download() -> Response:
    """The events the filter picks as JSON lines, newest first, streamed as a download."""
    audit_filter = AuditFilter.from_args(request.args)
    engine = current_app.extensions["factcheck.engine"]

    def body() -> Iterator[bytes]:
        # A session of its own, read after the request's has ended, closed when the stream is.
        with Session(engine) as session:
            for line in json_lines(all_audit_events(session, audit_filter)):
                yield line.encode("utf-8")

    response = Response(body(), mimetype="application/jsonl")
    response.headers["Content-Disposition"] = 'attachment; filename="audit.jsonl"'
    return response
