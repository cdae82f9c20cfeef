"""Exports of an article's verdicts: the Markdown report (download and preview) and the JSON record."""

from __future__ import annotations

import json
import re
import unicodedata

from flask import Blueprint, Response

from factcheck.articles import get_article_or_404
from factcheck.db import get_session
from factcheck.models import Article
from factcheck.records import article_record
from factcheck.report import report_markdown
from factcheck.web import render

bp = Blueprint("export", __name__)


def export_filename(article: Article, extension: str) -> str:
    """A safe, readable download name: factcheck-<id>-<title-slug>.<extension>."""
    ascii_title = unicodedata.normalize("NFKD", article.title).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:60].rstrip("-")
    return f"factcheck-{article.id}-{slug or 'article'}.{extension}"


def record_json(record: dict) -> str:
    """The JSON export text: stable key order and indentation, so equal records give equal bytes."""
    return json.dumps(record, ensure_ascii=False, indent=2) + "\n"


def _download(body: str, mimetype: str, filename: str) -> Response:
    response = Response(body.encode("utf-8"), mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/articles/<int:article_id>/report.md")
def report_download(article_id: int) -> Response:
    """Download the Markdown report of the article's verdicts."""
    session = get_session()
    article = get_article_or_404(session, article_id)
    report = report_markdown(article_record(session, article))
    return _download(report, "text/markdown; charset=utf-8", export_filename(article, "md"))


@bp.get("/articles/<int:article_id>/report")
def report_preview(article_id: int) -> Response:
    """The report rendered as it reads; htmx refreshes just the preview after each save."""
    session = get_session()
    article = get_article_or_404(session, article_id)
    report = report_markdown(article_record(session, article))
    return render("export/report.html", blocks=["report_preview"], article=article, report=report)


@bp.get("/articles/<int:article_id>/export.json")
def json_download(article_id: int) -> Response:
    """Download the full record (format factcheck-article/1) that `factcheck import` restores."""
    session = get_session()
    article = get_article_or_404(session, article_id)
    return _download(record_json(article_record(session, article)), "application/json", export_filename(article, "json"))
