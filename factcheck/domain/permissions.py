"""Who may do what: one table, and the one function that checks it before every request.

Every endpoint of the app has a row in PERMISSIONS; an endpoint without one is refused to
everyone (a test checks that none is missing), so a new route is closed until it is listed.
A row gives the roles that may use the endpoint, those that may only where they are assigned,
and the rules of blind review and merging that also decide access; `check_access` (the roles)
and `check_review_rules` (the claim's state) apply all of it, before every request, so no view
checks access itself. The README's permission table is generated from this one
(`factcheck permissions`), and a test checks that the two agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from factcheck.domain.assignments import is_assigned
from factcheck.domain.blind import OWN_BLIND_ARTICLE, awaits_settling, is_blind_reviewer, reviews_blind
from factcheck.domain.shaping import claim_after
from factcheck.errors import Forbidden
from factcheck.models import Article, Claim, User
from factcheck.vocabulary import EDITOR_ROLES, Role

ADMIN, EDITOR, REVIEWER = Role.ADMIN, Role.EDITOR, Role.REVIEWER
EVERYONE = frozenset(Role)
EDITORS = EDITOR_ROLES
ADMINS = frozenset({ADMIN})


@dataclass(frozen=True)
class Rule:
    """Who may use an endpoint.

    `roles` may always; `assigned` roles only for the article or claim they are assigned to
    (the one named by the URL's article_id or claim_id). `public` endpoints need no login;
    `sessionless` ones are also the same page for everyone, drawn without reading the session
    (no cookie is read or set, so a shared cache may keep them).
    Whoever the roles let in is still refused:

    - `writes_claim`: a change to the claim, while they review it blind and it is unsettled
      (the first to answer must not leak their verdict into the claim or its thread);
    - `compares_blind`: the settle page, while they review one of the article's claims blind
      (it shows both blind verdicts);
    - `changes_next_claim`: a merge, unless they may also change the claim after it (a merge
      deletes that claim);
    - `writes_verdict`: a verdict or rationale written to the claim, while its blind review is
      unsettled (whoever writes it: an editor who is not one of the blind reviewers too; the
      claim's verdict then shows to the blind reviewers). Settling writes it.
    """

    summary: str
    roles: frozenset[Role] = frozenset()
    assigned: frozenset[Role] = frozenset()
    public: bool = False
    sessionless: bool = False
    writes_claim: bool = False
    compares_blind: bool = False
    changes_next_claim: bool = False
    writes_verdict: bool = False

    def cell(self, role: Role) -> str:
        """This rule's answer for one role, as the README table shows it."""
        if self.public or role in self.roles:
            return "yes"
        if role in self.assigned:
            return "if assigned"
        return "no"


def _public(summary: str) -> Rule:
    return Rule(summary, public=True)


def _published(summary: str) -> Rule:
    """Public pages of published fact-checks: anyone, signed in or not, gets the same page."""
    return Rule(summary, public=True, sessionless=True)


def _signed_in(summary: str) -> Rule:
    return Rule(summary, roles=EVERYONE)


def _editors(summary: str) -> Rule:
    return Rule(summary, roles=EDITORS)


def _reviewing(summary: str, **also: bool) -> Rule:
    """Editors always, reviewers where assigned: a change to an article's claims (see Rule.writes_claim)."""
    return Rule(summary, roles=EDITORS, assigned=frozenset({REVIEWER}), writes_claim=True, **also)


def _comparing(summary: str) -> Rule:
    return Rule(summary, roles=EDITORS, compares_blind=True)


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
    "public.index": _published("Published fact-checks (public, no login)"),
    "public.show": _published("A published fact-check's page (public, no login)"),
    "public.feed": _published("Atom feed of published fact-checks (public, no login)"),
    "articles.index": _signed_in("List articles"),
    "search.index": _signed_in("Search claims and the archive"),
    "dashboard.show": _signed_in("Dashboard: charts of verdicts and reviews"),
    "review.show": _signed_in("Read an article's claims"),
    "claims.show": _signed_in("Read a claim card"),
    "claims.history": _signed_in("Read a claim's history"),
    "claims.preview": _signed_in("Preview a rationale"),
    "export.report_preview": _signed_in("Read the report"),
    "export.report_download": _signed_in("Download the Markdown report"),
    "export.json_download": _signed_in("Download the JSON export"),
    "export.csv_download": _signed_in("Download the claims as CSV"),
    "export.claimreview_download": _signed_in("Download the ClaimReview JSON-LD of published claims"),
    "reports.index": _signed_in("Reports: a collection's totals and articles"),
    "reports.markdown_download": _signed_in("Download a collection report (Markdown)"),
    "reports.html_download": _signed_in("Download a collection report (HTML)"),
    "articles.new": _editors("New article page"),
    "articles.create": _editors("Add an article"),
    "claims.update": _reviewing("Save a verdict, rationale, status", writes_verdict=True),
    "claims.add_source_view": _reviewing("Add a source"),
    "claims.remove_source_view": _reviewing("Remove a source"),
    "claims.update_details_view": _reviewing("Edit a claim's details (claimant, where and when said, summary)"),
    "editorial.add_comment_view": _reviewing("Comment on a claim"),
    "shaping.create": _reviewing("Make a claim from a selection"),
    "shaping.split": _reviewing("Split a claim"),
    "shaping.merge": _reviewing("Merge a claim with the next", changes_next_claim=True),
    "shaping.dismiss": _reviewing("Dismiss a claim"),
    "shaping.restore": _reviewing("Restore a dismissed claim"),
    "shaping.worth_checking": _reviewing("Mark a claim (not) check-worthy"),
    "seen_before.link": _reviewing("Link a claim to an earlier check"),
    "seen_before.unlink": _reviewing("Take back a link to an earlier check"),
    "seen_before.start": _reviewing("Start from an earlier check's verdict", writes_verdict=True),
    "seen_before.refresh": _reviewing("Look again for earlier checks"),
    "archive.index": _signed_in("See the archive of fact-checks"),
    "archive.upload": _editors("Import fact-checks into the archive"),
    "review.change_scale": _editors("Change an article's rating scale"),
    "articles.update_tags": _editors("Tag an article"),
    "articles.archive": _editors("Archive an article, or bring it back"),
    "review.bulk": Rule("Change the claims ticked in the list at once", roles=EDITORS, assigned=frozenset({REVIEWER})),
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
    "blind.board": _comparing("Compare blind verdicts"),
    "blind.settle_claim": _comparing("Settle a claim's blind verdicts"),
    "blind.accept": _comparing("Accept the agreed blind verdicts"),
    "blind.agreement": _editors("Agreement between reviewers (kappa)"),
    "editorial.rules": _editors("Approval rules page"),
    "editorial.save_rules": _editors("Set the sources each verdict needs for approval"),
    "users.index": _admins("List users"),
    "users.create": _admins("Add a user"),
    "users.update": _admins("Change a user's name, role or active flag"),
    "users.reset_password": _admins("Set a user's password"),
    "audit.index": _admins("Read the security and audit log"),
    "audit.download": _admins("Download the audit log as JSON lines"),
}


def allowed(session: Session, user: User, rule: Rule, view_args: dict) -> bool:
    """May this signed-in user use an endpoint with this rule, for these URL arguments?"""
    if rule.public or user.role in rule.roles:
        return True
    return user.role in rule.assigned and is_assigned(session, user, view_args)


def check_access(session: Session, user: User | None, endpoint: str | None, view_args: dict) -> None:
    """Raise Forbidden, with the reason, unless this signed-in user's role lets them use the
    endpoint with these URL arguments (assignment included). Public endpoints and unknown URLs
    (routing answers 404) pass; the caller sends anonymous users of the others to log in first."""
    if endpoint is None:
        return
    rule = PERMISSIONS.get(endpoint)
    if rule is None:
        raise Forbidden(f"{endpoint} is not in the permission table, so nobody may use it.")
    if rule.public or user is None:
        return
    if not allowed(session, user, rule, view_args):
        if user.role in rule.assigned:
            what = "a claim" if "claim_id" in view_args else "an article"
            raise Forbidden(
                f"You may not do this ({rule.summary.lower()}) on {what} you are not assigned: "
                "ask an editor to assign it to you."
            )
        raise Forbidden(f"Your role ({user.role.label}) may not do this: {rule.summary.lower()}.")


def check_review_rules(session: Session, user: User | None, endpoint: str | None, view_args: dict) -> None:
    """Raise Forbidden, with the reason, where the state of the claim or article keeps this user
    out although their role lets them in: blind review and merging (Rule.writes_claim,
    compares_blind, changes_next_claim). Run after check_access."""
    rule = PERMISSIONS.get(endpoint) if endpoint else None
    if rule is None or rule.public or user is None:
        return
    claim = session.get(Claim, view_args["claim_id"]) if "claim_id" in view_args else None
    if rule.writes_claim and claim is not None and is_blind_reviewer(session, user, claim):
        raise Forbidden(
            "This claim is under blind review: give your verdict in the blind form; "
            "the claim itself changes when an editor settles it."
        )
    if rule.writes_verdict and claim is not None and awaits_settling(session, claim):
        raise Forbidden(
            "This claim is under blind review and not settled yet: its verdict comes from settling "
            "the blind reviewers' verdicts (Compare blind verdicts), so that neither sees the other's first."
        )
    if rule.changes_next_claim and claim is not None:
        following = claim_after(session, claim)
        if following is not None and not allowed(session, user, rule, {"claim_id": following.id}):
            raise Forbidden(
                f"You may not change claim {following.position + 1}, so you may not merge it into this one."
            )
    if rule.compares_blind:
        article_id = claim.article_id if claim is not None else view_args.get("article_id")
        article = session.get(Article, article_id) if article_id is not None else None
        if article is not None and reviews_blind(session, user, article):
            raise Forbidden(OWN_BLIND_ARTICLE)


def refusal_of(session: Session, user: User, endpoint: str, view_args: dict) -> str | None:
    """Why check_access or check_review_rules would refuse this user the endpoint, or None."""
    try:
        check_access(session, user, endpoint, view_args)
        check_review_rules(session, user, endpoint, view_args)
    except Forbidden as refused:
        return str(refused)
    return None


def may_use(session: Session, user: User, endpoint: str, view_args: dict) -> bool:
    """Whether check_access and check_review_rules would let this user use the endpoint."""
    return refusal_of(session, user, endpoint, view_args) is None


@dataclass(frozen=True)
class ClaimAccess:
    """What a user may do with one claim, for offering only the controls the server allows."""

    refusal: str | None  # why they may change nothing of it (not assigned, blind review)
    review_refusal: str | None  # why they may not change its verdict, rationale or status


def claim_access(session: Session, user: User, claim: Claim) -> ClaimAccess:
    """The same checks a change to the claim meets, asked before offering it."""
    refused = refusal_of(session, user, "claims.update", {"claim_id": claim.id})
    if refused is not None:
        return ClaimAccess(refused, refused)
    if claim.status.signed_off and user.role not in EDITORS:
        name = f"Claim {claim.position + 1}"
        return ClaimAccess(None, f"{name} is {claim.status.label.lower()}: only an editor can reopen it. "
                                 "Leave a comment for the team instead.")
    return ClaimAccess(None, None)


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
