"""Assignment: editors give reviewers whole articles or single claims; everyone's "My queue".

A reviewer may edit exactly the claims they are assigned (factcheck.permissions.is_assigned);
this module makes and lists those assignments.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from flask import Blueprint, Response, abort, g, redirect, render_template, request, url_for
from sqlmodel import Session, col, select

from factcheck.articles import get_article_or_404
from factcheck.auth import signed_in_user
from factcheck.blind import set_blind_review, settled_claim_ids
from factcheck.db import get_session
from factcheck.models import SIGNED_OFF_STATUSES, Article, Assignment, BlindVerdict, Claim, Role, User
from factcheck.numbers import is_digits
from factcheck.review import Filters, page_filters, review_context
from factcheck.store import InvalidInput, claims_for_article
from factcheck.web import render, wants_fragment

bp = Blueprint("assignments", __name__)

ASSIGNABLE_ROLES = frozenset({Role.REVIEWER, Role.EDITOR})


def is_finished(claim: Claim) -> bool:
    """True once a claim is approved or published: it needs nothing more from its reviewer."""
    return str(getattr(claim.status, "value", claim.status)) in SIGNED_OFF_STATUSES


# --- Queries and writes -------------------------------------------------------------------


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


@dataclass
class TeamView:
    """Who works on an article, for the editor's panel and the per-claim controls."""

    article: list[tuple[Assignment, User]] = field(default_factory=list)
    claims: dict[int, list[tuple[Assignment, User]]] = field(default_factory=dict)
    assignable: list[User] = field(default_factory=list)


def team_view(article: Article) -> TeamView:
    """The article's TeamView, computed once per request (two queries) for the review page."""
    cache = g.setdefault("team_views", {})
    if article.id not in cache:
        session = get_session()
        view = TeamView(assignable=assignable_users(session))
        by_claim: dict[int, list[tuple[Assignment, User]]] = defaultdict(list)
        for assignment, user in assignments_with_users(session, article.id):
            if assignment.claim_id is None:
                view.article.append((assignment, user))
            else:
                by_claim[assignment.claim_id].append((assignment, user))
        view.claims = dict(by_claim)
        cache[article.id] = view
    return cache[article.id]


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
    """The claims assigned to the user (directly or by article) not yet approved or published."""
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
    settled = {cid for aid in blind_ids for cid in settled_claim_ids(session, aid)}
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
    reviewed: int = 0  # with a verdict on the claim, or this reviewer's blind verdict
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
        select(Assignment, User).join(User, col(User.id) == Assignment.reviewer_id).order_by(User.username, Assignment.article_id, Assignment.id)
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
        progress = AssignmentProgress(assignment, articles[assignment.article_id], scope[0] if assignment.claim_id and scope else None)
        progress.total = len(scope)
        progress.reviewed = sum(1 for c in scope if c.verdict_id is not None or (c.id, user.id) in blind_given)
        progress.finished = sum(1 for c in scope if is_finished(c))
        work.setdefault(user.id, AssigneeWork(user)).rows.append(progress)
    return list(work.values())


# --- Views ----------------------------------------------------------------------------------


def _int(value: str) -> int | None:
    value = value.strip()
    return int(value) if is_digits(value) else None


@bp.post("/articles/<int:article_id>/assignments")
def create(article_id: int) -> Response:
    """Assign a reviewer the whole article, or the claim named by the form's claim_id."""
    session = get_session()
    article = get_article_or_404(session, article_id)
    claim_id = _int(request.form.get("claim_id", ""))
    try:
        assign(session, article, _int(request.form.get("reviewer_id", "")), claim_id, signed_in_user())
        session.commit()
    except InvalidInput as error:
        session.rollback()
        return panel_response(session, article, claim_id=claim_id, error=str(error))
    return panel_response(session, article, claim_id=claim_id)


@bp.post("/articles/<int:article_id>/unassign")
def delete(article_id: int) -> Response:
    """Take an article or a claim back from a reviewer (the form names the assignment)."""
    session = get_session()
    article = get_article_or_404(session, article_id)
    assignment_id = _int(request.form.get("assignment_id", ""))
    assignment = session.get(Assignment, assignment_id) if assignment_id is not None else None
    if assignment is None or assignment.article_id != article.id:
        abort(404, description=f"Article {article_id} has no assignment {assignment_id}: it may have been taken back already.")
    claim_id = assignment.claim_id
    session.delete(assignment)
    session.commit()
    return panel_response(session, article, claim_id=claim_id)


@bp.post("/articles/<int:article_id>/blind-review")
def blind_switch(article_id: int) -> Response:
    """Switch blind double review on (two people assigned the article) or off."""
    session = get_session()
    article = get_article_or_404(session, article_id)
    try:
        set_blind_review(session, article, request.form.get("on") == "1")
        session.commit()
    except InvalidInput as error:
        session.rollback()
        return panel_response(session, article, error=str(error))
    return panel_response(session, article)


def panel_response(session: Session, article: Article, *, claim_id: int | None = None, error: str | None = None) -> Response:
    """After an assignment change: the panel (or claim control) for htmx, else back to the page."""
    g.pop("team_views", None)
    g.pop("blind_views", None)
    status = 422 if error else 200
    if wants_fragment():
        claim = session.get(Claim, claim_id) if claim_id is not None else None
        if claim is not None and claim.article_id == article.id:
            template, context = "assignments/_claim_control.html", {"claim": claim, "assignment_error_claim": claim.id}
        else:
            template, context = "assignments/_panel.html", {}
        body = render_template(template, article=article, assignment_error=error, **context)
        if not error:
            body += _the_other_views(session, article, claim)
        response = Response(body, status=status, mimetype="text/html")
        response.vary.add("HX-Request")
        return response
    if error:
        context = review_context(session, article, Filters())
        context["assignment_error"] = error
        context["assignment_error_claim"] = claim_id
        return render("review/show.html", status=status, **context)
    anchor = f"claim-{claim_id}" if claim_id is not None else "assignment-panel"
    return redirect(url_for("review.show", article_id=article.id, _anchor=anchor), code=303)


def _the_other_views(session: Session, article: Article, changed: Claim | None) -> str:
    """What else on the page names assignees, swapped out of band: after a claim's change the panel
    (its counts), after an article's the control of every claim card the page shows (its filters
    are in its URL, so no swap misses its target)."""
    if changed is not None:
        return render_template("assignments/_panel.html", article=article, assign_oob=True)
    shown = page_filters().apply(claims_for_article(session, article.id))
    return "".join(
        render_template("assignments/_claim_control.html", article=article, claim=claim, assign_oob=True)
        for claim in shown
    )


@bp.get("/assignments")
def overview() -> Response:
    """Who has what, and how far along: every assignment by assignee."""
    return render("assignments/overview.html", work=assignment_overview(get_session()))


@bp.get("/queue")
def queue() -> Response:
    """My queue: the claims assigned to me that are not approved or published yet."""
    user = signed_in_user()
    return render("assignments/queue.html", groups=queue_for(get_session(), user))


def _globals() -> dict:
    return {"team_view": team_view}


bp.app_context_processor(_globals)
