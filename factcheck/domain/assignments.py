"""Assignments: editors give reviewers whole articles or single claims; a reviewer may change exactly
the claims they are assigned (factcheck.domain.permissions checks it with `is_assigned`)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from factcheck.errors import InvalidInput, NotFound
from factcheck.models import Article, Assignment, Claim, User
from factcheck.vocabulary import Role

ASSIGNABLE_ROLES = frozenset({Role.REVIEWER, Role.EDITOR})


def is_assigned(session: Session, user: User, view_args: dict) -> bool:
    """True if the user is assigned the claim (or its article) or the article the URL names."""
    claim_id = view_args.get("claim_id")
    article_id = view_args.get("article_id")
    query = select(Assignment.id).where(Assignment.reviewer_id == user.id)
    if claim_id is not None:
        claim = session.get(Claim, claim_id)
        if claim is None:
            return True  # let the view answer 404 rather than hide that the claim is gone
        query = query.where(
            Assignment.article_id == claim.article_id,
            col(Assignment.claim_id).is_(None) | (Assignment.claim_id == claim.id),
        )
    elif article_id is not None:
        if session.get(Article, article_id) is None:
            return True
        query = query.where(Assignment.article_id == article_id, col(Assignment.claim_id).is_(None))
    else:
        return False
    return session.exec(query.limit(1)).first() is not None


def assignable_users(session: Session) -> list[User]:
    """Who may be given work: active reviewers and editors, by username."""
    query = select(User).where(User.active == True, col(User.role).in_(list(ASSIGNABLE_ROLES)))  # noqa: E712
    return list(session.exec(query.order_by(User.username)).all())


def assign(session: Session, article: Article, reviewer_id: int | None, claim_id: int | None, by: User) -> Assignment:
    """Give a reviewer the article (claim_id None) or one of its claims; the same twice is a no-op."""
    reviewer = session.get(User, reviewer_id) if reviewer_id is not None else None
    if reviewer is None or not reviewer.active or reviewer.role not in ASSIGNABLE_ROLES:
        raise InvalidInput("Choose an active reviewer or editor to assign.")
    if claim_id is not None:
        claim = session.get(Claim, claim_id)
        if claim is None or claim.article_id != article.id:
            raise InvalidInput(f"Article {article.id} has no claim {claim_id}.")
    query = select(Assignment).where(
        Assignment.article_id == article.id,
        Assignment.reviewer_id == reviewer.id,
        col(Assignment.claim_id).is_(None) if claim_id is None else Assignment.claim_id == claim_id,
    )
    existing = session.exec(query).first()
    if existing is not None:
        return existing
    assignment = Assignment(article_id=article.id, claim_id=claim_id, reviewer_id=reviewer.id, assigned_by_id=by.id)
    session.add(assignment)
    session.flush()
    return assignment


def assignments_with_users(session: Session, article_id: int) -> list[tuple[Assignment, User]]:
    """The article's assignments (whole article and single claims) with their assignees."""
    query = (
        select(Assignment, User)
        .join(User, col(User.id) == Assignment.reviewer_id)
        .where(Assignment.article_id == article_id)
        .order_by(User.username, Assignment.id)
    )
    return list(session.exec(query).all())


def unassign(session: Session, article: Article, assignment_id: int | None) -> Assignment:
    """Take back one of the article's assignments; returns it (deleted), or NotFound."""
    assignment = session.get(Assignment, assignment_id) if assignment_id is not None else None
    if assignment is None or assignment.article_id != article.id:
        raise NotFound(
            f"Article {article.id} has no assignment {assignment_id}: it may have been taken back already."
        )
    session.delete(assignment)
    return assignment


@dataclass
class TeamView:
    """Who works on an article, for the editor's panel and the per-claim controls."""

    article: list[tuple[Assignment, User]] = field(default_factory=list)
    claims: dict[int, list[tuple[Assignment, User]]] = field(default_factory=dict)
    assignable: list[User] = field(default_factory=list)


def team_view(session: Session, article: Article) -> TeamView:
    """Who works on the article and who could (two queries), for the editor's panel and claim controls."""
    view = TeamView(assignable=assignable_users(session))
    by_claim: dict[int, list[tuple[Assignment, User]]] = defaultdict(list)
    for assignment, user in assignments_with_users(session, article.id):
        if assignment.claim_id is None:
            view.article.append((assignment, user))
        else:
            by_claim[assignment.claim_id].append((assignment, user))
    view.claims = dict(by_claim)
    return view
