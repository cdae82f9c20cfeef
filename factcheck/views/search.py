"""The search page (and the header's search box): the newsroom's claims, or the archive of
published fact-checks, found by words, narrowed by filters, a page at a time."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, request
from sqlmodel import Session, select

from factcheck.db import get_session
from factcheck.domain.paging import page_number
from factcheck.errors import FactcheckError, InvalidInput
from factcheck.forms import is_digits, parse_date
from factcheck.matching.store import MAX_ID
from factcheck.models import Rating, User
from factcheck.search.store import Filters, search_archive, search_claims
from factcheck.views.web import refused_with, render
from factcheck.vocabulary import ClaimStatus

bp = Blueprint("search", __name__)

#: Where a search looks: the claims (default) or the archive.
SCOPES = {"claims": "Claims", "archive": "Archive of fact-checks"}
#: What the pager's links keep of the address: the query and the filters, nothing else.
LINK_KEYS = ("q", "in", "verdict", "status", "outlet", "reviewer", "from", "to")


def filters_from(args: Any) -> Filters:
    """The filters a search address carries; InvalidInput (one line) for one that is not a filter."""
    if any(not value.isprintable() for value in args.values()):
        raise InvalidInput("A search or a filter cannot hold control characters.")
    status = args.get("status", "")
    if status and status not in ClaimStatus._value2member_map_:
        raise InvalidInput(f"There is no status {status!r}: choose one from the list.")
    reviewer = args.get("reviewer", "").strip()
    if reviewer and not (is_digits(reviewer) and int(reviewer) <= MAX_ID):
        raise InvalidInput("Choose the reviewer from the list.")
    published_from = parse_date(args.get("from", ""), "The first publication date")
    published_to = parse_date(args.get("to", ""), "The last publication date")
    if published_from and published_to and published_from > published_to:
        raise InvalidInput("The first publication date is after the last one.")
    return Filters(
        verdict=args.get("verdict", "").strip()[:200],
        status=ClaimStatus(status) if status else None,
        outlet=args.get("outlet", "").strip()[:200],
        reviewer_id=int(reviewer) if reviewer else None,
        published_from=published_from,
        published_to=published_to,
    )


def _choices(session: Session) -> dict[str, Any]:
    labels = session.exec(select(Rating.label).distinct().order_by(Rating.label)).all()
    reviewers = session.exec(select(User).where(User.active).order_by(User.username).limit(500)).all()
    return {"labels": labels, "statuses": list(ClaimStatus), "reviewers": reviewers, "scopes": SCOPES}


def _refused(error: FactcheckError) -> Response | None:
    if not isinstance(error, InvalidInput):
        return None
    args = request.args
    return render("search/index.html", blocks=["results"], status=422, error=str(error), args=args, results=None,
                  scope=_scope(args), **_choices(get_session()))


def _scope(args: Any) -> str:
    return args.get("in") if args.get("in") in SCOPES else "claims"


@bp.get("/search")
@refused_with(_refused)
def index() -> Response:
    """The search form; with words in `q`, a page of what they find (htmx: the results only)."""
    session = get_session()
    args = request.args
    scope = _scope(args)
    results = None
    if args.get("q", "").strip():
        number = page_number(args.get("page"))
        if scope == "archive":
            results = search_archive(session, args["q"], number=number)
        else:
            results = search_claims(session, args["q"], filters_from(args), number=number)
    link_args = {k: v for k, v in args.items() if k in LINK_KEYS and v}
    return render("search/index.html", blocks=["results"], args=args, link_args=link_args, results=results, scope=scope,
                  error=None, **_choices(session))
