"""Blind double review: a reviewer's own blind verdict, and the editors' settle page and agreement figures.

The rules (who sees what, when a claim is settled) are in factcheck.domain.blind; who may open
these pages is in factcheck.domain.permissions, which also keeps each blind reviewer off the
settle page of their own article.
"""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, request, url_for
from sqlmodel import Session

from factcheck.db import commit_changes, get_session
from factcheck.domain.accounts import users_by_id
from factcheck.domain.agreement import NO_PAIRS, describe
from factcheck.domain.articles import get_article
from factcheck.domain.blind import (
    SignedOff,
    accept_agreements,
    agreement_page,
    blind_view,
    board_labels,
    give_verdict,
    settle_board,
    settle_with,
)
from factcheck.domain.changes import BLIND, SITE
from factcheck.domain.claims import get_claim
from factcheck.domain.paging import page_number
from factcheck.domain.review import Filters
from factcheck.domain.scales import ratings_for_scale
from factcheck.errors import FactcheckError, InvalidInput
from factcheck.forms import is_digits
from factcheck.models import Article, Claim
from factcheck.views.auth import signed_in_user
from factcheck.views.page_cache import served_again
from factcheck.views.review import claim_url
from factcheck.views.web import html_response, refused_with, render, wants_fragment

bp = Blueprint("blind", __name__)


def _give_refused(error: FactcheckError, claim_id: int) -> Response | None:
    """An unusable blind verdict: the form again, with what was sent and why."""
    if not isinstance(error, InvalidInput):
        return None
    return _blind_form(get_session(), get_claim(get_session(), claim_id), error=str(error))


@bp.post("/claims/<int:claim_id>/blind")
@refused_with(_give_refused)
def give(claim_id: int) -> Response:
    """Save the signed-in reviewer's own blind verdict on a claim."""
    session = get_session()
    claim = get_claim(session, claim_id)
    verdict = request.form.get("verdict", "").strip()
    verdict_id = int(verdict) if is_digits(verdict) else None
    give_verdict(session, claim, signed_in_user(), verdict_id, request.form.get("rationale", ""))
    if wants_fragment():
        commit_changes()  # the change is made: what follows only draws it
        return _blind_form(session, claim)
    return redirect(claim_url(claim, Filters()), code=303)


def _blind_form(session: Session, claim: Claim, error: str | None = None) -> Response:
    """The reviewer's blind form for htmx, or its own page (with the message) without JavaScript."""
    article = get_article(session, claim.article_id)
    body = render_template(
        "blind/_verdict_form.html" if wants_fragment() else "blind/verdict_page.html",
        article=article,
        claim=claim,
        blind=blind_view(session, signed_in_user(), article),
        ratings=ratings_for_scale(session, article.rating_scale_id),
        blind_error=error,
        blind_form=request.form if error else None,
    )
    return html_response(body, 422 if error else 200)


@bp.get("/articles/<int:article_id>/blind")
def board(article_id: int) -> Response:
    """The editor's settle page: disagreements side by side, agreements, claims still waiting."""
    session = get_session()
    return _board_page(session, get_article(session, article_id))


def _board_page(session: Session, article: Article, error: str | None = None, status: int = 200) -> Response:
    board = settle_board(session, article)
    return render(
        "blind/board.html",
        article=article,
        board=board,
        ratings_by_id=board_labels(session, article, board),
        users=users_by_id(session),
        error=error,
        status=status,
    )


def _settle_refused(error: FactcheckError, claim_id: int) -> Response | None:
    """A claim that cannot be settled: the board again, with why (409 when it is signed off)."""
    if not isinstance(error, InvalidInput | SignedOff):
        return None
    session = get_session()
    return _board_page(session, get_article(session, get_claim(session, claim_id).article_id), str(error), error.status)


@bp.post("/claims/<int:claim_id>/settle")
@refused_with(_settle_refused)
def settle_claim(claim_id: int) -> Response:
    """Settle one claim with the blind verdict the editor chose."""
    session = get_session()
    claim = get_claim(session, claim_id)
    chosen = request.form.get("blind_verdict_id", "")
    settle_with(session, claim, int(chosen) if is_digits(chosen) else None, signed_in_user())
    return redirect(url_for("blind.board", article_id=claim.article_id), code=303)


def _accept_refused(error: FactcheckError, article_id: int) -> Response | None:
    if not isinstance(error, InvalidInput):
        return None
    session = get_session()
    return _board_page(session, get_article(session, article_id), str(error), 422)


@bp.post("/articles/<int:article_id>/blind/accept")
@refused_with(_accept_refused)
def accept(article_id: int) -> Response:
    """Settle every claim the blind reviewers agree on, in one click; say how many signed-off ones it skipped."""
    session = get_session()
    article = get_article(session, article_id)
    settled, skipped = accept_agreements(session, article, signed_in_user())
    if skipped:
        return _board_page(session, article, error=_skipped_message(settled, skipped))
    return redirect(url_for("blind.board", article_id=article.id), code=303)


def _skipped_message(settled: int, skipped: int) -> str:
    def claims(n: int) -> str:
        return f"{n} claim{'s' if n != 1 else ''}"

    return (
        f"Settled {claims(settled)}. Skipped {claims(skipped)} already approved or published: "
        f"reopen {'them' if skipped != 1 else 'it'} with a correction first, then settle "
        f"{'them' if skipped != 1 else 'it'}."
    )


@bp.get("/agreement")
def agreement() -> Response:
    """Cohen's kappa per reviewer pair, per article (a page at a time) and per month, from blind
    verdicts counted in SQL; served again until a blind verdict, an article or a user changes."""
    number = page_number(request.args.get("page"))
    return served_again([BLIND, SITE], number, lambda: _agreement_page(number))


def _agreement_page(number: int) -> Response:
    session = get_session()
    tables, articles = agreement_page(session, number)
    return render("blind/agreement.html", tables=tables, articles=articles, users=users_by_id(session), describe=describe,
                  no_pairs=NO_PAIRS)
