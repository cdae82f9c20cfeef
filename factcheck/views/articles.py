"""Articles: the list with review progress and the new-article form (paste, upload or web address)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, redirect, request, url_for

from factcheck.db import get_session
from factcheck.domain.articles import articles_with_progress, get_article, set_archived, set_tags
from factcheck.domain.importing import (
    DuplicateArticle,
    read_document,
    read_web_page,
    store_article,
    submission,
)
from factcheck.domain.paging import page_number
from factcheck.domain.scales import all_scales, chosen_scale, default_scale
from factcheck.errors import FactcheckError, InvalidInput
from factcheck.forms import ArticleCreate, parse_date
from factcheck.ingest.extracted import ExtractedArticle
from factcheck.views.web import audit_change, refused_with, render

bp = Blueprint("articles", __name__)

#: Form fields that describe the article; what the reviewer types wins over what a page says.
DETAIL_FIELDS = ("title", "url", "outlet", "author", "dateline", "source_url")


@bp.get("/")
def index() -> Response:
    """Home: the articles, newest first, a page at a time, with how many claims have a verdict
    and their verdict mix; `?archived=1` lists the archived ones instead."""
    archived = request.args.get("archived") == "1"
    articles = articles_with_progress(get_session(), page_number(request.args.get("page")), archived=archived)
    return render("articles/index.html", articles=articles, archived=archived)


@bp.post("/articles/<int:article_id>/tags")
def update_tags(article_id: int) -> Response:
    """Replace an article's tags with those typed, comma-separated ("ukraine, elections 2026")."""
    session = get_session()
    article = get_article(session, article_id)
    set_tags(session, article, request.form.get("tags", ""))
    return redirect(url_for("review.show", article_id=article.id), code=303)


@bp.post("/articles/<int:article_id>/archive")
def archive(article_id: int) -> Response:
    """Archive an article (hidden from the list, kept in reports, exports and public pages), or
    bring it back (`archived=0`)."""
    session = get_session()
    article = get_article(session, article_id)
    set_archived(session, article, request.form.get("archived", "1") == "1")
    return redirect(url_for("review.show", article_id=article.id), code=303)


@bp.get("/articles/new")
def new() -> Response:
    """The form to paste or upload an article, or give its web address, and pick its rating scale."""
    return _form_page({}, None)


def _form_page(form: Any, error: str | None, status: int = 200) -> Response:
    session = get_session()
    chosen = form.get("rating_scale_id") or str(default_scale(session).id)
    return render("articles/new.html", form=form, error=error, scales=all_scales(session), chosen_scale=chosen, status=status)


def _create_refused(error: FactcheckError) -> Response | None:
    """A known article: a 409 page offering to import it anyway; unusable input: the form again."""
    if isinstance(error, DuplicateArticle):
        scale = chosen_scale(get_session(), request.form.get("rating_scale_id", ""))
        fields = _repost_fields(error.submitted) + [("rating_scale_id", str(scale.id))]
        return render("articles/duplicate.html", duplicate=error, fields=fields, status=409)
    if isinstance(error, InvalidInput):
        return _form_page(request.form, str(error), status=422)
    return None


@bp.post("/articles")
@refused_with(_create_refused)
def create() -> Response:
    """Store the article, split into claims, and open its review page; a known one gets a 409 page."""
    session = get_session()
    scale = chosen_scale(session, request.form.get("rating_scale_id", ""))
    allow_duplicate = request.form.get("allow_duplicate") == "1"
    article = store_article(session, _submitted_article(), allow_duplicate=allow_duplicate, scale=scale)
    audit_change("article_created", target=f"article {article.id}", detail=f"title: {article.title}")
    return redirect(url_for("review.show", article_id=article.id), code=303)


def _submitted_article() -> ArticleCreate:
    """The article from the form: fetched from its web address, read from the upload, or pasted."""
    form = request.form
    address = form.get("import_url", "").strip()
    text = form.get("text", "")
    upload = request.files.get("file")
    uploaded = upload is not None and bool(upload.filename)
    if address and (text.strip() or uploaded):
        raise InvalidInput("Give a web address, paste the text or upload a file: only one of the three.")
    if text.strip() and uploaded:
        raise InvalidInput("Paste the text or upload a file, not both.")
    published = parse_date(form.get("published", ""), "Publication date")
    name = None
    if address:
        config = current_app.config
        extracted = read_web_page(
            address, allow_private=config["FETCH_PRIVATE_ADDRESSES"], private_hosts=config["FETCH_PRIVATE_HOSTS"]
        )
    elif uploaded:
        name = upload.filename
        extracted = read_document(upload.read(), name)
    else:
        extracted = ExtractedArticle(text=text.replace("\r\n", "\n"))
    details = {field: form.get(field, "") for field in DETAIL_FIELDS}
    return submission(extracted, name, published=published, **details)


def _repost_fields(submitted: ArticleCreate) -> list[tuple[str, str]]:
    """The article as hidden form fields, so "Import anyway" stores exactly what was refused."""
    published = submitted.published.isoformat() if submitted.published else ""
    return [("text", submitted.text), ("published", published)] + [(f, getattr(submitted, f)) for f in DETAIL_FIELDS]
