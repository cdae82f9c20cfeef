"""The review page: the article text with its claims highlighted, and the claim cards."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from flask import Blueprint, Response, abort, redirect, request, url_for
from sqlmodel import Session
from werkzeug.datastructures import MultiDict

from factcheck.articles import get_article_or_404, get_scale_or_404
from factcheck.auth import current_user
from factcheck.db import get_session
from factcheck.models import CONCLUSION_MAX_CHARS, Article, Claim, ClaimKind, ClaimStatus, RatingScale
from factcheck.numbers import is_digits
from factcheck.records import article_record
from factcheck.report import report_markdown
from factcheck.reshape import default_split, split_points
from factcheck.store import (
    ScaleLocked,
    all_scales,
    change_article_scale,
    claims_for_article,
    has_verdict,
    ratings_for_scale,
    sources_for_claims,
)
from factcheck.web import render, wants_fragment
from factcheck.workflow import comment_threads, is_editor

bp = Blueprint("review", __name__)


SORTS = {"position": "Text order", "score": "Check-worthiness, highest first"}
DISMISSED = {"": "Hide them", "include": "Show them too", "only": "Show only them"}
UNSCORED = "unscored"  # the type filter's value for claims the model has not scored yet


@dataclass
class Filters:
    """The review page's claim filters and sort order, read from the query string."""

    status: str = ""
    verdict: int | None = None
    kind: str = ""  # a ClaimKind value, or UNSCORED
    min_score: float | None = None
    sort: str = "position"
    dismissed: str = ""  # a key of DISMISSED

    @classmethod
    def from_args(cls, args: Any) -> Filters:
        """Read filters, ignoring values that are not statuses, verdict ids, types, scores or sorts."""
        status = args.get("status", "")
        verdict = args.get("verdict", "")
        kind = args.get("kind", "")
        sort = args.get("sort", "")
        dismissed = args.get("dismissed", "")
        return cls(
            status=status if status in set(ClaimStatus) else "",
            verdict=int(verdict) if is_digits(verdict) else None,
            kind=kind if kind in set(ClaimKind) or kind == UNSCORED else "",
            min_score=_score_arg(args.get("min_score", "")),
            sort=sort if sort in SORTS else "position",
            dismissed=dismissed if dismissed in DISMISSED else "",
        )

    def args(self) -> dict[str, str]:
        """The filters that differ from the defaults, as query arguments (for links and redirects)."""
        values = {
            "status": self.status,
            "verdict": "" if self.verdict is None else str(self.verdict),
            "kind": self.kind,
            "min_score": "" if self.min_score is None else f"{self.min_score:g}",
            "sort": "" if self.sort == "position" else self.sort,
            "dismissed": self.dismissed,
        }
        return {name: value for name, value in values.items() if value}

    def matches(self, claim: Claim) -> bool:
        """Whether the claim passes every filter."""
        if (self.dismissed == "only" and not claim.dismissed) or (not self.dismissed and claim.dismissed):
            return False
        if self.status and claim.status != self.status:
            return False
        if self.verdict == 0 and has_verdict(claim):
            return False
        if self.verdict and claim.verdict_id != self.verdict:
            return False
        if self.kind and (claim.kind or UNSCORED) != self.kind:
            return False
        score = effective_score(claim)
        return self.min_score is None or (score is not None and score >= self.min_score)

    def apply(self, claims: list[Claim]) -> list[Claim]:
        """The claims that pass, in text order or by check-worthiness (unscored last)."""
        shown = [c for c in claims if self.matches(c)]
        if self.sort == "score":
            shown.sort(key=lambda c: (effective_score(c) is None, -(effective_score(c) or 0.0), c.position))
        return shown


def _score_arg(value: str) -> float | None:
    try:
        score = float(value)
    except ValueError:
        return None
    return min(max(score, 0.0), 1.0) if math.isfinite(score) else None


def effective_score(claim: Claim) -> float | None:
    """How check-worthy a claim is: the reviewer's call (1 or 0) if they made one, else the model's score."""
    if claim.worth_checking is not None:
        return 1.0 if claim.worth_checking else 0.0
    return claim.checkworthiness


def signal_reasons(claim: Claim) -> list[tuple[str, str]]:
    """Why the model scored a claim as it did, from its signals JSON: (what, words) pairs for the card."""
    try:
        signals = json.loads(claim.signals) if claim.signals else {}
    except ValueError:
        return []
    if not isinstance(signals, dict):
        return []
    reasons = []
    numbers = _strings(signals.get("numbers"))
    if numbers:
        reasons.append(("Number" if len(numbers) == 1 else "Numbers", ", ".join(numbers)))
    for key, what in (("speaker", "Speaker"), ("verb", "Attribution verb")):
        value = _strings([signals.get(key)])
        if value:
            reasons.append((what, value[0]))
    loaded = _strings(signals.get("loaded"))
    if loaded:
        reasons.append(("Loaded words", ", ".join(loaded)))
    return reasons


def _strings(values: Any) -> list[str]:
    if not isinstance(values, list):
        return []
    return [str(v) for v in values if isinstance(v, (str, int, float)) and not isinstance(v, bool) and str(v).strip()]


def page_filters() -> Filters:
    """The filters of the page the reviewer acted from: its URL for htmx, the form's query without JS."""
    if wants_fragment():
        current = urlsplit(request.headers.get("HX-Current-URL", ""))
        return Filters.from_args(MultiDict(parse_qsl(current.query)))
    return Filters.from_args(request.args)


def review_context(session: Session, article: Article, filters: Filters, **extra: Any) -> dict[str, Any]:
    """Everything the review page shows: text with highlights, filtered claim cards, counts."""
    ratings = ratings_for_scale(session, article.rating_scale_id)
    all_claims = claims_for_article(session, article.id)
    active = [c for c in all_claims if not c.dismissed]
    shown = filters.apply(all_claims)
    return {
        "article": article,
        "scale": session.get(RatingScale, article.rating_scale_id),
        # The scale can change only while no claim has a verdict (dismissed ones included).
        "scales": [] if any(has_verdict(c) for c in all_claims) else all_scales(session),
        "conclusion_max": CONCLUSION_MAX_CHARS,
        "ratings": ratings,
        "ratings_by_id": {r.id: r for r in ratings},
        "segments": text_segments(article.text, all_claims),
        "claims": shown,
        "total": len(active),
        "dismissed_count": len(all_claims) - len(active),
        "with_verdict": sum(1 for c in active if has_verdict(c)),
        "status_counts": {s: sum(1 for c in active if c.status == s) for s in ClaimStatus},
        "sources": sources_for_claims(session, [c.id for c in shown]),
        "comments": comment_threads(session, [c.id for c in shown]),
        "conflicts": {},  # claim id -> the form a stale save sent (factcheck.claims.update)
        "filters": filters,
        "statuses": list(ClaimStatus),
        # What the signed-in user may move a claim to (approving and publishing are editors').
        "status_choices": [s for s in ClaimStatus if is_editor(current_user()) or not s.signed_off],
        "kinds": list(ClaimKind),
        "sorts": SORTS,
        "dismissed_choices": DISMISSED,
        "unscored": UNSCORED,
        "reasons": signal_reasons,
        "split_points": split_points,
        "default_split": default_split,
        # The report preview is part of the full page only; fragments never show it.
        "report": None if wants_fragment() else report_markdown(article_record(session, article)),
        "card_errors": {},
        "source_forms": {},
        "new_claim_error": None,
        "new_claim_form": {},
        **extra,
    }


def text_segments(text: str, claims: list[Claim]) -> list[tuple[str, Claim | None]]:
    """The article text cut into plain runs and claim spans, in order, for highlighting."""
    segments: list[tuple[str, Claim | None]] = []
    cursor = 0
    for claim in sorted(claims, key=lambda c: c.start):
        if claim.start < cursor:  # overlapping spans: the earlier claim keeps the highlight
            continue
        if claim.start > cursor:
            segments.append((text[cursor : claim.start], None))
        segments.append((text[claim.start : claim.end], claim))
        cursor = claim.end
    if cursor < len(text):
        segments.append((text[cursor:], None))
    return segments


@bp.get("/articles/<int:article_id>")
def show(article_id: int) -> Response:
    """The review page; an htmx filter request gets just the claim list."""
    session = get_session()
    article = get_article_or_404(session, article_id)
    context = review_context(session, article, Filters.from_args(request.args))
    return render("review/show.html", blocks=["claims"], **context)


@bp.post("/articles/<int:article_id>/scale")
def change_scale(article_id: int) -> Response:
    """Rate the article on another scale; a 409 once any of its claims has a verdict."""
    session = get_session()
    article = get_article_or_404(session, article_id)
    scale = get_scale_or_404(session, request.form.get("rating_scale_id", ""))
    try:
        change_article_scale(session, article, scale)
        session.commit()
    except ScaleLocked as error:
        session.rollback()
        abort(409, description=str(error))
    return redirect(url_for("review.show", article_id=article.id), code=303)
