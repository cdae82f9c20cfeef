"""Who has what: each person's queue of assigned claims, and the editors' overview of all assignments."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from factcheck.domain.blind import settled_claim_ids_in
from factcheck.domain.claims import has_verdict
from factcheck.models import Article, Assignment, BlindVerdict, Claim, User
from factcheck.vocabulary import SIGNED_OFF_STATUSES


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
    """An article's claims in someone's queue."""

    article: Article
    items: list[QueueItem] = field(default_factory=list)


def queue_for(session: Session, user: User) -> list[QueueGroup]:
    """The claims assigned to the user (directly or by article) not yet approved or published
    (five queries, however many articles)."""
    assignments = session.exec(select(Assignment).where(Assignment.reviewer_id == user.id)).all()
    whole = {a.article_id for a in assignments if a.claim_id is None}
    single = {a.claim_id for a in assignments if a.claim_id is not None}
    article_ids = sorted({a.article_id for a in assignments})
    if not article_ids:
        return []
    articles = session.exec(select(Article).where(col(Article.id).in_(article_ids)).order_by(Article.id)).all()
    claims = session.exec(
        select(Claim).where(col(Claim.article_id).in_(article_ids)).order_by(Claim.article_id, Claim.position)
    ).all()
    groups = {a.id: QueueGroup(a) for a in articles}
    blind_ids = [a.id for a in articles if a.blind_review]
    given = set(session.exec(select(BlindVerdict.claim_id).where(BlindVerdict.reviewer_id == user.id)).all())
    settled = settled_claim_ids_in(session, blind_ids)
    for claim in claims:
        if claim.dismissed or is_finished(claim) or (claim.article_id not in whole and claim.id not in single):
            continue
        blind = groups[claim.article_id].article.blind_review and claim.id not in settled
        groups[claim.article_id].items.append(QueueItem(claim, blind=blind, given=claim.id in given))
    return [group for group in groups.values() if group.items]


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
    """Everything assigned to one person."""

    user: User
    rows: list[AssignmentProgress] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Claims assigned, counted once per assignment."""
        return sum(row.total for row in self.rows)

    @property
    def finished(self) -> int:
        """Of those, approved or published."""
        return sum(row.finished for row in self.rows)


def assignment_overview(session: Session) -> list[AssigneeWork]:
    """Who has what and how far along, by assignee (four queries)."""
    rows = session.exec(
        select(Assignment, User)
        .join(User, col(User.id) == Assignment.reviewer_id)
        .order_by(User.username, Assignment.article_id, Assignment.id)
    ).all()
    article_ids = sorted({a.article_id for a, _ in rows})
    if not article_ids:
        return []
    articles = {a.id: a for a in session.exec(select(Article).where(col(Article.id).in_(article_ids))).all()}
    claims_by_article: dict[int, list[Claim]] = defaultdict(list)
    for claim in session.exec(select(Claim).where(col(Claim.article_id).in_(article_ids)).order_by(Claim.position)).all():
        if not claim.dismissed:
            claims_by_article[claim.article_id].append(claim)
    blind_given = set(session.exec(select(BlindVerdict.claim_id, BlindVerdict.reviewer_id)).all())
    work: dict[int, AssigneeWork] = {}
    for assignment, user in rows:
        scope = claims_by_article[assignment.article_id]
        if assignment.claim_id is not None:
            scope = [c for c in scope if c.id == assignment.claim_id]
        single = scope[0] if assignment.claim_id and scope else None
        progress = AssignmentProgress(assignment, articles[assignment.article_id], single)
        progress.total = len(scope)
        # The claim's reviewer is whoever last wrote its verdict or rationale (Claim.submitted_by_id):
        # a colleague's verdict on a shared article is not this assignee's work.
        progress.reviewed = sum(
            1
            for c in scope
            if (has_verdict(c) and c.submitted_by_id == user.id) or (c.id, user.id) in blind_given
        )
        progress.finished = sum(1 for c in scope if is_finished(c))
        work.setdefault(user.id, AssigneeWork(user)).rows.append(progress)
    return list(work.values())
