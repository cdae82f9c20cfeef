"""Articles: the list with review progress and the new-article form (paste, upload or web address)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, redirect, request, url_for
from sqlmodel import Session

from factcheck.db import default_scale, get_session
from factcheck.importing import DuplicateArticle, read_document, read_web_page, store_article, submission
from factcheck.ingest import ExtractedArticle
from factcheck.models import Article, ArticleCreate, RatingScale
from factcheck.numbers import is_digits
from factcheck.store import InvalidInput, all_scales, articles_with_progress, parse_date
from factcheck.web import render

bp = Blueprint("articles", __name__)

#: Form fields that describe the article; what the reviewer types wins over what a page says.
DETAIL_FIELDS = ("title", "url", "outlet", "author", "dateline", "source_url")


@bp.get("/")
def index() -> Response:
    """Home: every article with how many claims have a verdict and their verdict mix."""
    return render("articles/index.html", articles=articles_with_progress(get_session()))


@bp.get("/articles/new")
def new() -> Response:
    """The form to paste or upload an article, or give its web address, and pick its rating scale."""
    return _form_page({}, None)


def _form_page(form: Any, error: str | None, status: int = 200) -> Response:
    session = get_session()
    chosen = form.get("rating_scale_id") or str(default_scale(session).id)
    return render("articles/new.html", form=form, error=error, scales=all_scales(session), chosen_scale=chosen, status=status)


@bp.post("/articles")
def create() -> Response:
    """Store the article, split into claims, and open its review page; a known one gets a 409 page."""
    session = get_session()
    try:
        scale = _chosen_scale(session, request.form.get("rating_scale_id", ""))
        submitted = _submitted_article()
        allow_duplicate = request.form.get("allow_duplicate") == "1"
        article = store_article(session, submitted, allow_duplicate=allow_duplicate, scale=scale)
        session.commit()
    except DuplicateArticle as duplicate:
        session.rollback()
        fields = _repost_fields(duplicate.submitted) + [("rating_scale_id", str(scale.id))]
        return render("articles/duplicate.html", duplicate=duplicate, fields=fields, status=409)
    except InvalidInput as error:
        session.rollback()
        return _form_page(request.form, str(error), status=422)
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
        extracted = read_web_page(address, allow_private=current_app.config["FETCH_PRIVATE_ADDRESSES"])
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


def _chosen_scale(session: Session, value: str) -> RatingScale:
    """The scale picked on the form (the default when none is), or InvalidInput."""
    if not value.strip():
        return default_scale(session)
    scale = session.get(RatingScale, int(value)) if is_digits(value.strip()) else None
    if scale is None:
        raise InvalidInput("That rating scale does not exist (any more). Choose one from the list.")
    return scale


def get_scale_or_404(session: Session, scale_id: int | str) -> RatingScale:
    """The rating scale, or a 404 page naming the missing id."""
    scale = session.get(RatingScale, int(scale_id)) if is_digits(str(scale_id)) else None
    if scale is None:
        abort(404, description=f"There is no rating scale {scale_id}. It may have been deleted.")
    return scale


def get_article_or_404(session: Session, article_id: int) -> Article:
    """The article, or a 404 page naming the missing id."""
    article = session.get(Article, article_id)
    if article is None:
        abort(404, description=f"There is no article {article_id}. It may have been deleted.")
    return article
