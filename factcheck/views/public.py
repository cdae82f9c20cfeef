"""The public pages of published fact-checks: an index, a page per claim with its ClaimReview, an Atom feed.

No login, and the same page for everyone: these endpoints are `sessionless` in the permission
table, so the session is never read (no cookie is set, nothing varies by one) and shared caches
may keep them for PUBLIC_MAX_AGE seconds. They show only what factcheck.domain.publishing calls
public; anything else is the same 404 as a claim that does not exist.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, render_template, request

from factcheck.db import get_session
from factcheck.domain.paging import page_number
from factcheck.domain.publishing import latest_published_checks, published_checks, published_fact_check
from factcheck.errors import NotFound
from factcheck.forms import check_http_url
from factcheck.rendering import json_ld
from factcheck.report.atom import FeedEntry, atom_feed
from factcheck.report.claimreview import claim_review, review_date, verdict_text
from factcheck.views.web import NOT_FOUND_PAGES, claim_page_url, organisation, public_url

bp = Blueprint("public", __name__)

PER_PAGE = 20
#: Seconds a browser or shared cache may keep a public page; a correction shows within this.
PUBLIC_MAX_AGE = 300
CREDITS = ("names", "desk")


@bp.get("/fact-checks/")
def index() -> Response:
    """The published fact-checks, newest first, 20 a page."""
    page = published_checks(get_session(), page_number(request.args.get("page")), PER_PAGE)
    return _public(render_template("public/index.html", page=page, organisation=organisation()))


@bp.get("/fact-checks/<int:claim_id>")
def show(claim_id: int) -> Response:
    """A published fact-check: the claim, the verdict on its scale, the rationale, sources,
    corrections and credits, with its ClaimReview as JSON-LD."""
    fact_check = published_fact_check(get_session(), claim_id)
    record, claim = fact_check.record, fact_check.claim
    url = claim_page_url(claim_id)
    review = claim_review(record, claim, organisation=organisation(), url=url)
    return _public(render_template(
        "public/show.html", fact_check=fact_check, claim=claim, article=record["article"], scale=record["rating_scale"],
        verdict=verdict_text(claim), published=review_date(record, claim), url=url, review=review, json_ld=json_ld(review),
        credits=current_app.config["PUBLIC_CREDITS"], organisation=organisation(),
    ))


@bp.get("/fact-checks/feed.atom")
def feed() -> Response:
    """The newest 50 published fact-checks as an Atom feed."""
    entries = [
        FeedEntry(
            url=claim_page_url(check.claim_id),
            title=check.claim,
            summary=f"Verdict: {check.verdict}." + (f" Claimed by {check.claimant}." if check.claimant else ""),
            updated=check.updated.isoformat(),
        )
        for check in latest_published_checks(get_session())
    ]
    name = organisation().name
    body = atom_feed(entries, title=f"{name}: fact-checks", feed_url=public_url("public.feed"),
                     home_url=public_url("public.index"), author=name)
    return _public(body, "application/atom+xml; charset=utf-8")


def _public(body: str, mimetype: str = "text/html; charset=utf-8", status: int = 200) -> Response:
    response = Response(body, status, content_type=mimetype)
    if status == 200:
        response.cache_control.public = True
        response.cache_control.max_age = PUBLIC_MAX_AGE
    return response


@bp.errorhandler(NotFound)
def not_found(error: NotFound) -> Response:
    """The public 404: the same for a missing claim and one that is not published."""
    return _public(render_template("public/not_found.html", message=str(error), organisation=organisation()), status=404)


@bp.record_once
def _own_not_found_page(state: Any) -> None:
    """Addresses under /fact-checks/ that no route matches get this page too."""
    NOT_FOUND_PAGES["/fact-checks/"] = not_found


@bp.record_once
def _check_settings(state: Any) -> None:
    """Refuse to start with publishing settings that would publish the wrong thing."""
    config = state.app.config
    if config["PUBLIC_CREDITS"] not in CREDITS:
        raise ValueError(f"PUBLIC_CREDITS must be one of {', '.join(CREDITS)}, not {config['PUBLIC_CREDITS']!r}.")
    for name in ("PUBLIC_BASE_URL", "ORGANISATION_URL"):
        try:
            check_http_url(str(config[name] or ""), required=False)
        except ValueError as error:
            raise ValueError(f"{name} {error}: {config[name]!r}.") from None

