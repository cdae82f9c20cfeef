"""Exports of an article's verdicts: the Markdown report (download and preview), the JSON record, the
CSV of its claims, and the ClaimReview JSON-LD of its published claims."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response
from sqlalchemy import func
from sqlmodel import select

from factcheck.db import get_session
from factcheck.domain.articles import get_article
from factcheck.domain.records import article_record
from factcheck.errors import Conflict
from factcheck.forms import LIMITS_KEY, ArticleLimits
from factcheck.models import Article, Claim
from factcheck.report import export_filename, record_json, report_markdown
from factcheck.report.claimreview import claim_reviews, claim_reviews_json
from factcheck.report.csv_export import claims_csv
from factcheck.views.web import claim_page_url, organisation, render

bp = Blueprint("export", __name__)


def _bounded_article(article_id: int) -> Article:
    """The article, if it is within the claim limit. One stored past it, before the limit was
    there, would take the server as long as it is long (250,000 claims: 23 s): Conflict, pointing
    to the command line, which has no deadline."""
    session = get_session()
    article = get_article(session, article_id)
    claims = session.exec(select(func.count()).where(Claim.article_id == article.id)).one()
    limit = session.info.get(LIMITS_KEY, ArticleLimits()).max_claims  # the settings', as imports read them
    if claims > limit:
        raise Conflict(
            f"Article {article.id} has {claims:,} claims, more than the {limit:,} an article may have now: its report "
            f"and exports are made on the command line (factcheck export {article.id} --format md|json|csv|claimreview)."
        )
    return article


def _download(article_id: int, write: Callable[[dict[str, Any]], str | bytes], content_type: str, extension: str) -> Response:
    """The article's record, written by `write`, as a file to save."""
    article = _bounded_article(article_id)
    body = write(article_record(get_session(), article))
    response = Response(body if isinstance(body, bytes) else body.encode("utf-8"), content_type=content_type)
    filename = export_filename(article.id, article.title, extension)
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/articles/<int:article_id>/report.md")
def report_download(article_id: int) -> Response:
    """Download the Markdown report of the article's verdicts."""
    return _download(article_id, report_markdown, "text/markdown; charset=utf-8", "md")


@bp.get("/articles/<int:article_id>/report")
def report_preview(article_id: int) -> Response:
    """The report rendered as it reads; htmx refreshes just the preview after each save."""
    article = _bounded_article(article_id)
    report = report_markdown(article_record(get_session(), article))
    return render("export/report.html", blocks=["report_preview"], article=article, report=report)


@bp.get("/articles/<int:article_id>/export.json")
def json_download(article_id: int) -> Response:
    """Download the full record (format factcheck-article/1) that `factcheck import` restores."""
    return _download(article_id, record_json, "application/json", "json")


@bp.get("/articles/<int:article_id>/claims.csv")
def csv_download(article_id: int) -> Response:
    """Download the article's claims for a spreadsheet: one row per claim (factcheck.report.csv_export)."""
    return _download(article_id, claims_csv, "text/csv; charset=utf-8", "csv")


@bp.get("/articles/<int:article_id>/claimreview.json")
def claimreview_download(article_id: int) -> Response:
    """Download the ClaimReview JSON-LD of the article's published claims (a JSON array, [] if none)."""

    def write(record: dict[str, Any]) -> str:
        return claim_reviews_json(claim_reviews(record, organisation=organisation(), page_url=claim_page_url))

    return _download(article_id, write, "application/ld+json", "claimreview.json")
