"""The Archive page: what the archive of published fact-checks holds, and uploading more (editors)."""

from __future__ import annotations

from flask import Blueprint, Response, current_app, request

from factcheck.archive.formats import FormatError
from factcheck.archive.store import ImportSummary, archive_size, import_archive, recent_entries
from factcheck.db import get_session, rollback
from factcheck.errors import InvalidInput
from factcheck.matching.queue import requeue_open
from factcheck.views.web import audit_change, render

bp = Blueprint("archive", __name__)

def _page(*, summary: ImportSummary | None = None, name: str = "", error: str | None = None, looked: int = 0,
          status: int = 200) -> Response:
    session = get_session()
    count, latest = archive_size(session)
    return render("archive/index.html", count=count, latest=latest, entries=recent_entries(session), summary=summary,
                  name=name, error=error, looked=looked, status=status, refused_whole=status == 422 and summary is not None,
                  upload_max_mb=current_app.config["ARCHIVE_UPLOAD_MAX_MB"])


@bp.get("/archive")
def index() -> Response:
    """How many fact-checks the archive holds, the latest ones, and the upload form."""
    return _page()


@bp.post("/archive")
def upload() -> Response:
    """Import an uploaded archive file: stored whole, or (with bad records, unless the editor
    chose to skip them) refused whole with each bad record listed."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _page(error="Choose a file to upload: ClaimReview JSON-LD or JSON lines.", status=422)
    skip_invalid = request.form.get("skip_invalid") == "1"
    session = get_session()
    try:
        summary = import_archive(session, upload.stream, upload.filename, skip_invalid=skip_invalid)
    except (FormatError, InvalidInput) as error:
        rollback()
        return _page(error=str(error), name=upload.filename, status=422)
    if summary.refused and not skip_invalid:
        rollback()
        return _page(summary=summary, name=upload.filename, status=422)
    audit_change("archive_imported", target=f"file {upload.filename}", detail=summary.line())
    # Matched again by the background matcher once this commits (factcheck.matching.queue).
    looked = requeue_open(session, current_app.config["MATCH_REFRESH_LIMIT"]) if summary.stored else 0
    return _page(summary=summary, name=upload.filename, looked=looked)
