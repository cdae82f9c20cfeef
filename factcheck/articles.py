"""Articles: the list with review progress and the new-article form."""

from __future__ import annotations

from flask import Blueprint, Response, abort, redirect, request, url_for
from pydantic import ValidationError
from sqlmodel import Session

from factcheck.db import default_scale, get_session
from factcheck.importing import decode_text
from factcheck.models import Article, ArticleCreate
from factcheck.store import InvalidInput, articles_with_progress, create_article, parse_date, validation_message
from factcheck.web import render

bp = Blueprint("articles", __name__)


@bp.get("/")
def index() -> Response:
    """Home: every article with how many claims have a verdict and their verdict mix."""
    return render("articles/index.html", articles=articles_with_progress(get_session()))


@bp.get("/articles/new")
def new() -> Response:
    """The form to paste or upload an article."""
    return render("articles/new.html", form={}, error=None)


@bp.post("/articles")
def create() -> Response:
    """Store a pasted or uploaded article, split into claims, and open its review page."""
    session = get_session()
    try:
        submitted = _submitted_article()
        article = create_article(session, submitted, default_scale(session))
        session.commit()
    except InvalidInput as error:
        session.rollback()
        return render("articles/new.html", form=request.form, error=str(error), status=422)
    return redirect(url_for("review.show", article_id=article.id), code=303)


def _submitted_article() -> ArticleCreate:
    form = request.form
    upload = request.files.get("file")
    text = form.get("text", "")
    if upload is not None and upload.filename:
        if text.strip():
            raise InvalidInput("Paste the text or upload a file, not both.")
        text = decode_text(upload.read(), upload.filename)
    try:
        return ArticleCreate(
            text=text.replace("\r\n", "\n"),
            title=form.get("title", ""),
            url=form.get("url", ""),
            outlet=form.get("outlet", ""),
            author=form.get("author", ""),
            published=parse_date(form.get("published", ""), "Publication date"),
        )
    except ValidationError as error:
        raise InvalidInput(validation_message(error)) from None


def get_article_or_404(session: Session, article_id: int) -> Article:
    """The article, or a 404 page naming the missing id."""
    article = session.get(Article, article_id)
    if article is None:
        abort(404, description=f"There is no article {article_id}. It may have been deleted.")
    return article
