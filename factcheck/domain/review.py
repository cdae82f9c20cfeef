"""The review page's rules: which claims the list shows and in what order, the part of the text shown
with its highlights, why the model scored a claim, and everything the page shows, in a handful of
queries whatever the article's length.

The page is bounded by what is on screen: the list shows one page of claims (ROWS_PER_PAGE), filtered
and counted in SQL; the text shows one part of the article (CLAIMS_PER_PART claims, in text order);
and one claim, the open one, has its editor. By default the list is triage: the claims worth
checking (the model's decision threshold, or the reviewer's call), and those already in the
workflow, with a count of the rest, one click away.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from dataclasses import dataclass, field, fields
from typing import Any

from sqlalchemy import ColumnElement, case, false, func, or_, true
from sqlmodel import Session, col, select

from factcheck.domain.assignments import TeamView, assignments_with_users, team_view
from factcheck.domain.blind import BlindView, blind_view
from factcheck.domain.claims import has_verdict_sql, sources_for_claims
from factcheck.domain.history import comment_threads
from factcheck.domain.paging import page_number
from factcheck.domain.permissions import claim_access
from factcheck.domain.scales import all_scales, ratings_for_scale
from factcheck.domain.seen_before import SeenBefore, seen_before
from factcheck.domain.workflow import is_editor
from factcheck.extract.checkworthy import decision_threshold
from factcheck.forms import CONCLUSION_MAX_CHARS, is_digits
from factcheck.models import Article, Claim, Comment, Rating, RatingScale, Source, User
from factcheck.vocabulary import ClaimKind, ClaimStatus

SORTS = {"position": "Text order", "score": "Check-worthiness, highest first"}
DISMISSED = {"": "Hide them", "include": "Show them too", "only": "Show only them"}
UNSCORED = "unscored"  # the type filter's value for claims the model has not scored yet
SHOW_ALL = "all"  # the `show` argument that turns triage off
ROWS_PER_PAGE = 40  # claims in one page of the list
CLAIMS_PER_PART = 40  # claims in one part of the text


@dataclass
class Filters:
    """The claim list's filters, sort order and page, read from the query string."""

    status: str = ""
    verdict: int | None = None
    kind: str = ""  # a ClaimKind value, or UNSCORED
    min_score: float | None = None
    sort: str = "position"
    dismissed: str = ""  # a key of DISMISSED
    show: str = ""  # "" for triage (the claims worth checking), SHOW_ALL for every claim
    page: int = 1

    @classmethod
    def from_args(cls, args: Any) -> Filters:
        """Read filters, ignoring values that are not statuses, verdict ids, types, scores or sorts."""
        status = args.get("status", "")
        verdict = args.get("verdict", "")
        kind = args.get("kind", "")
        sort = args.get("sort", "")
        dismissed = args.get("dismissed", "")
        page = args.get("page", "")
        return cls(
            status=status if status in set(ClaimStatus) else "",
            verdict=int(verdict) if is_digits(verdict) else None,
            kind=kind if kind in set(ClaimKind) or kind == UNSCORED else "",
            min_score=_score_arg(args.get("min_score", "")),
            sort=sort if sort in SORTS else "position",
            dismissed=dismissed if dismissed in DISMISSED else "",
            show=SHOW_ALL if args.get("show", "") == SHOW_ALL else "",
            page=page_number(page),
        )

    def args(self, **changes: Any) -> dict[str, str]:
        """The filters that differ from the defaults, as query arguments (for links and redirects),
        with `changes` applied first (e.g. page=2)."""
        chosen = Filters(**{**self.__dict__, **changes})
        values = {
            "status": chosen.status,
            "verdict": "" if chosen.verdict is None else str(chosen.verdict),
            "kind": chosen.kind,
            "min_score": "" if chosen.min_score is None else f"{chosen.min_score:g}",
            "sort": "" if chosen.sort == "position" else chosen.sort,
            "dismissed": chosen.dismissed,
            "show": chosen.show,
            "page": "" if chosen.page == 1 else str(chosen.page),
        }
        return {name: value for name, value in values.items() if value}

    @property
    def triage(self) -> bool:
        """Whether the list leaves out the claims not worth checking: by default, unless the
        reviewer asked for every claim, set their own minimum score, or looks at dismissed ones."""
        return self.show != SHOW_ALL and self.min_score is None and self.dismissed != "only"

    def conditions(self) -> list[ColumnElement[bool]]:
        """The filters as SQL conditions on Claim (triage apart)."""
        found: list[ColumnElement[bool]] = []
        if self.dismissed == "only":
            found.append(col(Claim.dismissed) == true())
        elif not self.dismissed:
            found.append(col(Claim.dismissed) == false())
        if self.status:
            found.append(col(Claim.status) == ClaimStatus(self.status))
        if self.verdict == 0:
            found.append(~has_verdict_sql())
        elif self.verdict:
            found.append(col(Claim.verdict_id) == self.verdict)
        if self.kind == UNSCORED:
            found.append(col(Claim.kind).is_(None))
        elif self.kind:
            found.append(col(Claim.kind) == ClaimKind(self.kind))
        if self.min_score is not None:
            found.append(effective_score_sql() >= self.min_score)
        return found

    def order(self) -> list[Any]:
        """The list's order: text order, or check-worthiness (unscored last), then text order."""
        if self.sort == "score":
            score = effective_score_sql()
            return [score.is_(None), score.desc(), Claim.position]
        return [Claim.position]


def _score_arg(value: str) -> float | None:
    try:
        score = float(value)
    except ValueError:
        return None
    return min(max(score, 0.0), 1.0) if math.isfinite(score) else None


def _place_in(rows: list[Claim], claim: Claim, sort: str) -> int:
    """Where `claim` goes among rows listed in this sort order (text order, or score highest first
    with unscored claims last)."""

    def key(row: Claim) -> tuple:
        if sort == "score":
            score = effective_score(row)
            return (score is None, -(score or 0.0), row.position)
        return (row.position,)

    return next((index for index, row in enumerate(rows) if key(row) > key(claim)), len(rows))


def effective_score(claim: Claim) -> float | None:
    """How check-worthy a claim is: the reviewer's call (1 or 0) if they made one, else the model's score."""
    if claim.worth_checking is not None:
        return 1.0 if claim.worth_checking else 0.0
    return claim.checkworthiness


def effective_score_sql() -> ColumnElement[float]:
    """effective_score as SQL."""
    return case(
        (col(Claim.worth_checking) == true(), 1.0),
        (col(Claim.worth_checking) == false(), 0.0),
        else_=col(Claim.checkworthiness),
    )


def worth_checking_sql(threshold: float) -> ColumnElement[bool]:
    """Claims triage keeps: worth checking by the reviewer's call or the model's score (or not
    scored, so nobody decided), or already in the workflow (a verdict, or past "to review")."""
    score = effective_score_sql()
    return or_(score >= threshold, score.is_(None), has_verdict_sql(), col(Claim.status) != ClaimStatus.TO_REVIEW)


def worth_band(claim: Claim, threshold: float) -> str:
    """How the text shades a claim by check-worthiness: high, worth (over the threshold), low, no
    (the reviewer said not check-worthy) or unscored."""
    if claim.worth_checking is False:
        return "no"
    score = effective_score(claim)
    if score is None:
        return "unscored"
    if score >= max(0.8, threshold):
        return "high"
    return "worth" if score >= threshold else "low"


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


def text_segments(text: str, claims: list[Claim], offset: int = 0) -> list[tuple[str, Claim | None]]:
    """`text` cut into plain runs and claim spans, in order, for highlighting; `text` starts at
    character `offset` of the article."""
    segments: list[tuple[str, Claim | None]] = []
    cursor = 0
    for claim in sorted(claims, key=lambda c: c.start):
        start, end = claim.start - offset, claim.end - offset
        if start < cursor or start < 0 or end > len(text):  # overlapping or outside: no highlight
            continue
        if start > cursor:
            segments.append((text[cursor:start], None))
        segments.append((text[start:end], claim))
        cursor = end
    if cursor < len(text):
        segments.append((text[cursor:], None))
    return segments


# --- What the page shows -------------------------------------------------------------------------


@dataclass
class Counts:
    """How many claims an article has, where they are in the workflow (one GROUP BY query)."""

    total: int = 0  # not dismissed
    dismissed: int = 0
    with_verdict: int = 0  # not dismissed
    any_verdict: bool = False  # dismissed ones included: the scale is fixed then
    statuses: dict[ClaimStatus, int] = field(default_factory=lambda: dict.fromkeys(ClaimStatus, 0))


def claim_counts(session: Session, article_id: int) -> Counts:
    """The article's claim counts."""
    reviewed = case((has_verdict_sql(), 1), else_=0)
    query = (
        select(Claim.status, Claim.dismissed, reviewed, func.count())
        .where(Claim.article_id == article_id)
        .group_by(Claim.status, Claim.dismissed, reviewed)
    )
    counts = Counts()
    for status, dismissed, has_verdict, number in session.exec(query).all():
        counts.any_verdict = counts.any_verdict or bool(has_verdict)
        if dismissed:
            counts.dismissed += number
            continue
        counts.total += number
        counts.with_verdict += number if has_verdict else 0
        counts.statuses[ClaimStatus(status)] += number
    return counts


@dataclass
class ClaimList:
    """One page of the claim list."""

    rows: list[Claim]
    matching: int  # claims the filters and triage show, on every page
    hidden: int  # claims triage leaves out ("show all" shows them)
    page: int
    pages: int


def claim_list(session: Session, article_id: int, filters: Filters, threshold: float) -> ClaimList:
    """The page of claims the filters show (three queries: two counts and the page)."""
    base = select(Claim).where(Claim.article_id == article_id, *filters.conditions())
    everything = _count(session, base)
    shown = base.where(worth_checking_sql(threshold)) if filters.triage else base
    matching = _count(session, shown) if filters.triage else everything
    pages = max(1, math.ceil(matching / ROWS_PER_PAGE))
    page = min(filters.page, pages)
    rows = session.exec(shown.order_by(*filters.order()).offset((page - 1) * ROWS_PER_PAGE).limit(ROWS_PER_PAGE)).all()
    return ClaimList(list(rows), matching, everything - matching, page, pages)


def shows(session: Session, claim: Claim, filters: Filters) -> bool:
    """Whether the list, with these filters (triage included), shows this claim."""
    query = select(Claim.id).where(Claim.id == claim.id, *filters.conditions())
    if filters.triage:
        query = query.where(worth_checking_sql(decision_threshold()))
    return session.exec(query).first() is not None


def _count(session: Session, query: Any) -> int:
    return session.exec(select(func.count()).select_from(query.subquery())).one()


@dataclass
class TextPart:
    """One part of the article text, with the claims in it highlighted."""

    number: int  # 1-based
    parts: int
    start: int  # where in article.text the part starts
    display_start: int  # that start as the page counts characters (a CR LF shows as one)
    segments: list[tuple[str, Claim | None]]


def text_part(session: Session, article: Article, number: int, claims_in_article: int) -> TextPart:
    """Part `number` of the text: its CLAIMS_PER_PART claims, in text order, and the text around
    them up to the next part's first claim (one query). Parts cut the text without gaps."""
    parts = max(1, math.ceil(claims_in_article / CLAIMS_PER_PART))
    number = min(max(1, number), parts)
    first = (number - 1) * CLAIMS_PER_PART
    claims = session.exec(
        select(Claim)
        .where(Claim.article_id == article.id, Claim.position >= first, Claim.position <= first + CLAIMS_PER_PART)
        .order_by(Claim.position)
    ).all()
    inside = [c for c in claims if c.position < first + CLAIMS_PER_PART]
    following = [c for c in claims if c.position >= first + CLAIMS_PER_PART]
    start = 0 if number == 1 or not inside else inside[0].start
    end = len(article.text) if number == parts or not following else following[0].start
    before = article.text[:start]
    display_start = len(before) - before.count("\r\n")
    return TextPart(number, parts, start, display_start, text_segments(article.text[start:end], inside, start))


def part_of(position: int) -> int:
    """The text part a claim at this position is in."""
    return position // CLAIMS_PER_PART + 1


@dataclass(kw_only=True)
class ClaimCard:
    """What the open claim's editor shows, for one user: all a card fragment reads (a handful
    of queries, whatever the article's length)."""

    article: Article
    scale: RatingScale
    ratings: list[Rating]
    ratings_by_id: dict[int, Rating]
    open_claim: Claim | None  # the claim whose editor is open
    sources: dict[int, list[Source]]
    comments: dict[int, list[tuple[Comment, str]]]
    filters: Filters
    threshold: float
    status_choices: list[ClaimStatus]  # what this user may move a claim to
    blind: BlindView
    team: TeamView | None  # who works on it: for those who may assign only
    refusal: str | None = None  # why this user may not change the open claim, if they may not
    review_refusal: str | None = None  # why they may not change its verdict, rationale or status
    has_next: bool = False  # whether a claim follows the open one (to merge with)
    seen_before: SeenBefore | None = None  # the open claim's earlier checks: linked, then matched
    conclusion_max: int = CONCLUSION_MAX_CHARS
    statuses: list[ClaimStatus] = field(default_factory=lambda: list(ClaimStatus))
    kinds: list[ClaimKind] = field(default_factory=lambda: list(ClaimKind))


@dataclass(kw_only=True)
class ReviewPage(ClaimCard):
    """Everything the review page shows of one article: the open claim's card, and a page of the
    list and a part of the text."""

    scales: list[RatingScale]  # the scales it may change to: none once a claim has a verdict
    counts: Counts
    listing: ClaimList
    part: TextPart
    assignees: dict[int, list[str]]  # claim id -> who has it (whole-article assignees for every claim)

    @property
    def claims(self) -> list[Claim]:
        """The rows of the list (the name the templates use)."""
        return self.listing.rows


def claim_card(
    session: Session, article: Article, filters: Filters, user: User | None, *, with_team: bool, open_claim: Claim | None
) -> ClaimCard:
    """The open claim's editor as `user` sees it (none open: what the page around it shares)."""
    ratings = ratings_for_scale(session, article.rating_scale_id)
    carded = [open_claim.id] if open_claim is not None else []
    access = claim_access(session, user, open_claim) if open_claim is not None and user is not None else None
    return ClaimCard(
        article=article,
        scale=session.get(RatingScale, article.rating_scale_id),
        ratings=ratings,
        ratings_by_id={r.id: r for r in ratings},
        open_claim=open_claim,
        sources=sources_for_claims(session, carded),
        comments=comment_threads(session, carded),
        filters=filters,
        threshold=decision_threshold(),
        status_choices=[s for s in ClaimStatus if is_editor(user) or not s.signed_off],
        blind=blind_view(session, user, article),
        team=team_view(session, article) if with_team else None,
        refusal=access.refusal if access else None,
        review_refusal=access.review_refusal if access else None,
        has_next=open_claim is not None and _has_next(session, open_claim),
        seen_before=seen_before(session, open_claim) if open_claim is not None else None,
    )


def _has_next(session: Session, claim: Claim) -> bool:
    following = select(Claim.id).where(Claim.article_id == claim.article_id, Claim.position > claim.position)
    return bool(session.exec(select(following.exists())).one())


def review_page(
    session: Session,
    article: Article,
    filters: Filters,
    user: User | None,
    *,
    with_team: bool,
    open_claim: Claim | None = None,
    part: int | None = None,
) -> ReviewPage:
    """The article's review page as `user` sees it: a page of the list, a part of the text (the
    open claim's, else `part`, else the first row's), and the open claim's editor."""
    card = claim_card(session, article, filters, user, with_team=with_team, open_claim=open_claim)
    counts = claim_counts(session, article.id)
    listing = claim_list(session, article.id, filters, card.threshold)
    if open_claim is not None and all(row.id != open_claim.id for row in listing.rows):
        # Opened from a link or the text although the list leaves it out: shown where the list's
        # order puts it, with its editor, so j and k go on from there.
        listing.rows.insert(_place_in(listing.rows, open_claim, filters.sort), open_claim)
    if part is None and open_claim is not None:
        part = part_of(open_claim.position)
    elif part is None:
        part = part_of(listing.rows[0].position) if listing.rows else 1
    return ReviewPage(
        **{f.name: getattr(card, f.name) for f in fields(ClaimCard)},
        scales=[] if counts.any_verdict else all_scales(session),
        counts=counts,
        listing=listing,
        part=text_part(session, article, part, counts.total + counts.dismissed),
        assignees=assignee_names(session, article),
    )


def assignee_names(session: Session, article: Article) -> dict[int, list[str]]:
    """Who has each claim, by claim id; the whole article's assignees under key 0."""
    found: dict[int, list[str]] = defaultdict(list)
    for assignment, user in assignments_with_users(session, article.id):
        found[assignment.claim_id or 0].append(user.name)
    return found
