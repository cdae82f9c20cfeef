"""Who may do what: one table, checked on the server before every request.

Every endpoint of the app has a row in PERMISSIONS; an endpoint without one is refused to
everyone (a test checks that none is missing), so a new route is closed until it is listed.
The README's permission table is generated from this one (`factcheck permissions`), and a
test checks that the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from factcheck.models import Article, Assignment, Claim, Role, User

ADMIN, EDITOR, REVIEWER = Role.ADMIN, Role.EDITOR, Role.REVIEWER
EVERYONE = frozenset(Role)
EDITORS = frozenset({ADMIN, EDITOR})
ADMINS = frozenset({ADMIN})


@dataclass(frozen=True)
class Rule:
    """Who may use an endpoint.

    `roles` may always; `assigned` roles only for the article or claim they are assigned to
    (the one named by the URL's article_id or claim_id). `public` endpoints need no login.
    """

    summary: str
    roles: frozenset[Role] = frozenset()
    assigned: frozenset[Role] = frozenset()
    public: bool = False

    def cell(self, role: Role) -> str:
        """This rule's answer for one role, as the README table shows it."""
        if self.public or role in self.roles:
            return "yes"
        if role in self.assigned:
            return "if assigned"
        return "no"


def _public(summary: str) -> Rule:
    return Rule(summary, public=True)


def _signed_in(summary: str) -> Rule:
    return Rule(summary, roles=EVERYONE)


def _editors(summary: str) -> Rule:
    return Rule(summary, roles=EDITORS)


def _reviewing(summary: str) -> Rule:
    return Rule(summary, roles=EDITORS, assigned=frozenset({REVIEWER}))


def _admins(summary: str) -> Rule:
    return Rule(summary, roles=ADMINS)


#: endpoint -> rule. Keep it in the order a reader meets the features.
PERMISSIONS: dict[str, Rule] = {
    "static": _public("Stylesheet and script"),
    "web.htmx_js": _public("htmx, served from its package"),
    "auth.login_form": _public("Log in page"),
    "auth.login": _public("Log in"),
    "auth.logout": _signed_in("Log out"),
    "auth.password_form": _signed_in("Change own password page"),
    "auth.change_password": _signed_in("Change own password"),
    "articles.index": _signed_in("List articles"),
    "review.show": _signed_in("Read an article's claims"),
    "claims.show": _signed_in("Read a claim card"),
    "claims.history": _signed_in("Read a claim's history"),
    "claims.preview": _signed_in("Preview a rationale"),
    "export.report_preview": _signed_in("Read the report"),
    "export.report_download": _signed_in("Download the Markdown report"),
    "export.json_download": _signed_in("Download the JSON export"),
    "articles.new": _editors("New article page"),
    "articles.create": _editors("Add an article"),
    "claims.update": _reviewing("Save a verdict, rationale, status"),
    "claims.add_source_view": _reviewing("Add a source"),
    "claims.remove_source_view": _reviewing("Remove a source"),
    "editorial.add_comment_view": _reviewing("Comment on a claim"),
    "shaping.create": _reviewing("Make a claim from a selection"),
    "shaping.split": _reviewing("Split a claim"),
    "shaping.merge": _reviewing("Merge a claim with the next"),
    "shaping.dismiss": _reviewing("Dismiss a claim"),
    "shaping.restore": _reviewing("Restore a dismissed claim"),
    "shaping.worth_checking": _reviewing("Mark a claim (not) check-worthy"),
    "review.change_scale": _editors("Change an article's rating scale"),
    "scales.index": _signed_in("Read the rating scales"),
    "scales.new": _admins("New rating scale page"),
    "scales.create": _admins("Add a rating scale"),
    "scales.edit": _admins("Edit rating scale page"),
    "scales.update": _admins("Change a rating scale"),
    "assignments.queue": _signed_in("My queue: the claims assigned to me"),
    "assignments.overview": _editors("Assignments overview"),
    "assignments.create": _editors("Assign an article or a claim"),
    "assignments.delete": _editors("Unassign an article or a claim"),
    "assignments.blind_switch": _editors("Switch blind double review on or off"),
    "blind.give": Rule("Give one's own blind verdict", assigned=frozenset({REVIEWER, EDITOR})),
    "blind.board": _editors("Compare blind verdicts"),
    "blind.settle_claim": _editors("Settle a claim's blind verdicts"),
    "blind.accept": _editors("Accept the agreed blind verdicts"),
    "blind.agreement": _editors("Agreement between reviewers (kappa)"),
    "editorial.rules": _editors("Approval rules page"),
    "editorial.save_rules": _editors("Set the sources each verdict needs for approval"),
    "users.index": _admins("List users"),
    "users.create": _admins("Add a user"),
    "users.update": _admins("Change a user's name, role or active flag"),
    "users.reset_password": _admins("Set a user's password"),
}


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


def allowed(session: Session, user: User, rule: Rule, view_args: dict) -> bool:
    """May this signed-in user use an endpoint with this rule, for these URL arguments?"""
    if rule.public or user.role in rule.roles:
        return True
    return user.role in rule.assigned and is_assigned(session, user, view_args)


def permission_table() -> str:
    """The permission table as Markdown, for the README."""
    roles = list(Role)
    lines = [
        "| what | endpoint | " + " | ".join(r.value for r in roles) + " |",
        "|---|---|" + "---|" * len(roles),
    ]
    for endpoint, rule in PERMISSIONS.items():
        cells = " | ".join(rule.cell(r) for r in roles)
        lines.append(f"| {rule.summary} | `{endpoint}` | {cells} |")
    return "\n".join(lines) + "\n"
