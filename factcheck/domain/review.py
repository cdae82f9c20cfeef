"""The review page's rules: which claims the filters show and in what order, the text cut into
highlights, why the model scored a claim, and everything the page shows, in a handful of queries."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from sqlmodel import Session

from factcheck.domain.assignments import TeamView, team_view
from factcheck.domain.blind import BlindView, blind_view
from factcheck.domain.claims import claims_for_article, has_verdict, sources_for_claims
from factcheck.domain.history import comment_threads
from factcheck.domain.scales import all_scales, ratings_for_scale
from factcheck.domain.workflow import is_editor
from factcheck.forms import CONCLUSION_MAX_CHARS, is_digits
from factcheck.models import Article, Claim, Comment, Rating, RatingScale, Source, User
from factcheck.vocabulary import ClaimKind, ClaimStatus

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

@dataclass
class ReviewPage:
    """Everything the review page shows of one article, for one user and one set of filters."""

    article: Article
    scale: RatingScale
    scales: list[RatingScale]  # the scales it may change to: none once a claim has a verdict
    ratings: list[Rating]
    ratings_by_id: dict[int, Rating]
    segments: list[tuple[str, Claim | None]]
    claims: list[Claim]  # the cards the filters show, in their order
    total: int  # claims not dismissed
    dismissed_count: int
    with_verdict: int
    status_counts: dict[ClaimStatus, int]
    sources: dict[int, list[Source]]
    comments: dict[int, list[tuple[Comment, str]]]
    filters: Filters
    status_choices: list[ClaimStatus]  # what this user may move a claim to
    blind: BlindView
    team: TeamView | None  # who works on it: for those who may assign only
    conclusion_max: int = CONCLUSION_MAX_CHARS
    statuses: list[ClaimStatus] = field(default_factory=lambda: list(ClaimStatus))
    kinds: list[ClaimKind] = field(default_factory=lambda: list(ClaimKind))


def review_page(
    session: Session, article: Article, filters: Filters, user: User | None, *, with_team: bool, only: Claim | None = None
) -> ReviewPage:
    """The article's review page as `user` sees it through `filters`; sources and comments are
    loaded for the cards shown, or for `only` (a card redrawn alone)."""
    ratings = ratings_for_scale(session, article.rating_scale_id)
    all_claims = claims_for_article(session, article.id)
    active = [c for c in all_claims if not c.dismissed]
    shown = filters.apply(all_claims)
    carded = [only.id] if only is not None else [c.id for c in shown]
    scale = session.get(RatingScale, article.rating_scale_id)
    return ReviewPage(
        article=article,
        scale=scale,
        # The scale can change only while no claim has a verdict (dismissed ones included).
        scales=[] if any(has_verdict(c) for c in all_claims) else all_scales(session),
        ratings=ratings,
        ratings_by_id={r.id: r for r in ratings},
        segments=text_segments(article.text, all_claims),
        claims=shown,
        total=len(active),
        dismissed_count=len(all_claims) - len(active),
        with_verdict=sum(1 for c in active if has_verdict(c)),
        status_counts={s: sum(1 for c in active if c.status == s) for s in ClaimStatus},
        sources=sources_for_claims(session, carded),
        comments=comment_threads(session, carded),
        filters=filters,
        status_choices=[s for s in ClaimStatus if is_editor(user) or not s.signed_off],
        blind=blind_view(session, user, article),
        team=team_view(session, article) if with_team else None,
    )
