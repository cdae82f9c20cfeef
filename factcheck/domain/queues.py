"""Who has what: each person's queue of assigned claims, and the editors' overview of all assignments."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, case, false, func, or_, union_all
from sqlalchemy.orm import aliased, defer
from sqlmodel import Session, col, select

from factcheck.domain.blind import settled_among
from factcheck.domain.claims import has_verdict_sql
from factcheck.domain.paging import Page, page_of
from factcheck.models import Article, Assignment, BlindVerdict, Claim, User
from factcheck.vocabulary import SIGNED_OFF_STATUSES, ClaimStatus

#: The statuses of claims that need nothing more from their reviewer, as SQL compares them.
SIGNED_OFF = [status for status in ClaimStatus if status.signed_off]


def is_finished(claim: Claim) -> bool:
    """True once a claim is approved or published: it needs nothing more from its reviewer."""
    return str(getattr(claim.status, "value", claim.status)) in SIGNED_OFF_STATUSES


@dataclass
class QueueItem:
    """A claim in someone's queue; `blind` if they review it blind, `given` once they have."""

    claim: Claim
    blind: bool = False
    given: bool = False


@dataclass
class QueueGroup:
    """An article's claims in someone's queue: those on this page, and how many in all."""

    article: Article
    items: list[QueueItem] = field(default_factory=list)
    in_queue: int = 0


@dataclass
class QueuePage:
    """A page of someone's queue: its claims grouped by article, and where the page is."""

    groups: list[QueueGroup]
    page: Page[Claim]


#: Claims on one page of a queue.
QUEUE_PER_PAGE = 50


def queue_claims(user_id: int) -> Any:
    """The claims in someone's queue, as an entity to select, filter, count or page: assigned to
    them, directly or through their article, not dismissed and not yet approved or published.
    Each kind of assignment leads to its claims by an index (a union of the two), so the query
    reads the assigned claims only, however many claims are stored."""
    pending = (col(Claim.dismissed) == false(), col(Claim.status).not_in(SIGNED_OFF))
    whole_article = and_(Assignment.reviewer_id == user_id, col(Assignment.claim_id).is_(None))
    # IN, not a join: an article assigned twice to the same person (a double submit) lists its claims once.
    by_article = select(Claim).where(col(Claim.article_id).in_(select(Assignment.article_id).where(whole_article)), *pending)
    whole = aliased(Assignment)
    article_assigned = (
        select(whole.id)
        .where(whole.reviewer_id == user_id, col(whole.claim_id).is_(None), whole.article_id == Claim.article_id)
        .correlate(Claim)
        .exists()
    )
    by_claim = (
        select(Claim)
        .join(Assignment, col(Assignment.claim_id) == Claim.id)
        .where(Assignment.reviewer_id == user_id, ~article_assigned, *pending)
    )
    return aliased(Claim, union_all(by_article, by_claim).subquery("queue"))


def queue_for(session: Session, user: User, page: int = 1) -> QueuePage:
    """A page of the claims assigned to the user, by article (six queries, however many claims
    and articles the queue holds)."""
    queued = queue_claims(user.id)
    claims = page_of(session, select(queued).order_by(queued.article_id, queued.position), page, QUEUE_PER_PAGE)
    article_ids = sorted({c.article_id for c in claims.rows})
    if not article_ids:
        return QueuePage([], claims)
    articles = session.exec(
        select(Article).options(defer(Article.text)).where(col(Article.id).in_(article_ids)).order_by(Article.id)
    ).all()
    in_queue = dict(
        session.exec(
            select(queued.article_id, func.count())
            .where(col(queued.article_id).in_(article_ids))
            .group_by(queued.article_id)
        ).all()
    )
    groups = {a.id: QueueGroup(a, in_queue=in_queue.get(a.id, 0)) for a in articles}
    blind_claims = [c.id for c in claims.rows if groups[c.article_id].article.blind_review]
    given = set(session.exec(
        select(BlindVerdict.claim_id).where(BlindVerdict.reviewer_id == user.id, col(BlindVerdict.claim_id).in_(blind_claims))
    ).all()) if blind_claims else set()
    settled = settled_among(session, blind_claims)
    for claim in claims.rows:
        blind = groups[claim.article_id].article.blind_review and claim.id not in settled
        groups[claim.article_id].items.append(QueueItem(claim, blind=blind, given=claim.id in given))
    return QueuePage(list(groups.values()), claims)


@dataclass
class AssignmentProgress:
    """One assignment and how far its claims have come."""

    assignment: Assignment
    article: Article
    claim: Claim | None
    total: int = 0
    reviewed: int = 0  # with a verdict this assignee gave (they are the claim's reviewer), or their blind verdict
    finished: int = 0  # approved or published


@dataclass
class AssigneeWork:
    """What one person has on this page of the overview, and in all (claims counted once per
    assignment)."""

    user: User
    rows: list[AssignmentProgress] = field(default_factory=list)
    total: int = 0  # claims assigned, on every page
    finished: int = 0  # of those, approved or published


@dataclass
class Overview:
    """A page of the editors' overview: assignments by assignee, and where the page is."""

    work: list[AssigneeWork]
    page: Page[tuple[Assignment, User]]
    reviewer_id: int | None  # the one assignee shown, if the editor picked one


def assignees(session: Session) -> list[User]:
    """Everyone with at least one assignment, by username (one query, a probe per user)."""
    has_work = select(Assignment.id).where(Assignment.reviewer_id == User.id).exists()
    return list(session.exec(select(User).where(has_work).order_by(User.username)).all())


#: Assignments on one page of the overview.
OVERVIEW_PER_PAGE = 50


def _progress_columns() -> tuple[Any, ...]:
    """Per assignment (joined with its claims): claims, claims finished, claims this assignee
    reviewed: a verdict they gave (they last wrote the claim's verdict or rationale,
    Claim.submitted_by_id; a colleague's verdict on a shared article is not their work), or
    their blind verdict."""
    blind_given = (
        select(BlindVerdict.id)
        .where(BlindVerdict.claim_id == Claim.id, BlindVerdict.reviewer_id == Assignment.reviewer_id)
        .exists()
    )
    theirs = or_(and_(has_verdict_sql(), col(Claim.submitted_by_id) == Assignment.reviewer_id), blind_given)
    finished = col(Claim.status).in_(SIGNED_OFF)
    return (
        func.count(Claim.id),
        func.coalesce(func.sum(case((finished, 1), else_=0)), 0),
        func.coalesce(func.sum(case((theirs, 1), else_=0)), 0),
    )


def _with_claims(query: Any) -> Any:
    """Join assignments to the claims they give (the whole article's, or the one), dismissed ones aside."""
    return query.join(
        Claim,
        and_(
            Claim.article_id == Assignment.article_id,
            or_(col(Assignment.claim_id).is_(None), Claim.id == Assignment.claim_id),
            col(Claim.dismissed) == false(),
        ),
        isouter=True,
    )


def assignment_overview(session: Session, page: int = 1, reviewer_id: int | None = None) -> Overview:
    """Who has what and how far along, by assignee, a page of assignments at a time; every count
    is made in SQL (five queries, however many assignments and claims there are)."""
    query = (
        select(Assignment, User)
        .join(User, col(User.id) == Assignment.reviewer_id)
        .order_by(User.username, Assignment.article_id, Assignment.id)
    )
    if reviewer_id is not None:
        query = query.where(Assignment.reviewer_id == reviewer_id)
    rows = page_of(session, query, page, OVERVIEW_PER_PAGE)
    if not rows.rows:
        return Overview([], rows, reviewer_id)
    article_ids = {a.article_id for a, _ in rows.rows}
    claim_ids = {a.claim_id for a, _ in rows.rows if a.claim_id is not None}
    articles = {
        a.id: a for a in session.exec(select(Article).options(defer(Article.text)).where(col(Article.id).in_(article_ids)))
    }
    claims = {c.id: c for c in session.exec(select(Claim).where(col(Claim.id).in_(claim_ids)))} if claim_ids else {}
    counted = {
        assignment_id: (total, finished, reviewed)
        for assignment_id, total, finished, reviewed in session.exec(
            _with_claims(select(Assignment.id, *_progress_columns()))
            .where(col(Assignment.id).in_([a.id for a, _ in rows.rows]))
            .group_by(Assignment.id)
        )
    }
    user_ids = {u.id for _, u in rows.rows}
    per_user = {
        user_id: (total, finished)
        for user_id, total, finished, _ in session.exec(
            _with_claims(select(Assignment.reviewer_id, *_progress_columns()))
            .where(col(Assignment.reviewer_id).in_(user_ids))
            .group_by(Assignment.reviewer_id)
        )
    }
    work: dict[int, AssigneeWork] = {}
    for assignment, user in rows.rows:
        total, finished, reviewed = counted.get(assignment.id, (0, 0, 0))
        claim = claims.get(assignment.claim_id) if assignment.claim_id is not None else None
        progress = AssignmentProgress(assignment, articles[assignment.article_id], claim, total, reviewed, finished)
        if user.id not in work:
            work[user.id] = AssigneeWork(user, total=per_user[user.id][0], finished=per_user[user.id][1])
        work[user.id].rows.append(progress)
    return Overview(list(work.values()), rows, reviewer_id)
