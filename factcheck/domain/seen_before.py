"""Seen before, for a reviewer: a claim's stored matches with the links made, one click to say
"same claim as…", one click to start from an earlier verdict, and a fresh look on request.

Finding and storing matches is factcheck.matching.store's; here are the rules of using them. A
link is recorded in the claim's history. Starting from a match goes through the workflow like
any save (factcheck.domain.workflow.save_review): the earlier label where the article's scale
has one, a rationale citing the earlier check, status "in progress": a draft that still needs
its own review and approval.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session, col, select

from factcheck.domain.claims import record_changes
from factcheck.domain.scales import get_scale, ratings_for_scale
from factcheck.domain.workflow import save_review
from factcheck.errors import Conflict, InvalidInput, NotFound
from factcheck.matching.queue import match_now
from factcheck.matching.store import Match, earlier_checks, match_of_ref, store_matches, stored_matches
from factcheck.models import Article, Claim, ClaimLink, User
from factcheck.vocabulary import ClaimStatus

#: The longest ref a form may send: "archive:" and an archive key (300), or "claim:" and an id.
REF_MAX_CHARS = 320


@dataclass(frozen=True)
class SeenBefore:
    """What a claim's card shows of its earlier checks: the links made, then the other matches."""

    links: list[Match]
    matches: list[Match]  # stored, best first, without the linked ones


def seen_before(session: Session, claim: Claim) -> SeenBefore:
    """A claim's linked and matched earlier checks: a few rows read, computed only for a claim
    opened before the background matcher came to it (factcheck.matching.queue)."""
    match_now(session, claim)
    links = links_for_claims(session, [claim.id]).get(claim.id, [])
    refs = {link.ref for link in links}
    return SeenBefore(links, [m for m in stored_matches(session, claim.id) if m.ref not in refs])


def links_for_claims(session: Session, claim_ids: list[int]) -> dict[int, list[Match]]:
    """The earlier checks linked to each claim, in the order they were linked (for the card and
    the record), in three queries however many claims and links."""
    if not claim_ids:
        return {}
    rows = session.exec(select(ClaimLink).where(col(ClaimLink.claim_id).in_(claim_ids)).order_by(col(ClaimLink.id))).all()
    found: dict[int, list[Match]] = {}
    described = earlier_checks(session, [(row.archive_entry_id, row.other_claim_id, 1.0) for row in rows])
    for row, match in zip(rows, described, strict=True):
        found.setdefault(row.claim_id, []).append(match)
    return found


def _match(session: Session, claim: Claim, ref: str) -> Match:
    ref = ref.strip()
    if not ref or len(ref) > REF_MAX_CHARS or not ref.isprintable():
        raise InvalidInput("Choose an earlier check from the claim's matches.")
    match = match_of_ref(session, ref)
    if match is None:
        raise NotFound(f"There is no earlier check {ref!r} (any more).")
    if match.claim_id == claim.id:
        raise InvalidInput("A claim cannot be the same claim as itself.")
    return match


def _refuse_signed_off(claim: Claim) -> None:
    if claim.status.signed_off:
        raise Conflict(f"Claim {claim.position + 1} is {claim.status.label.lower()}: its links to earlier checks "
                       "change with a correction (reopen it first).")


def describe(match: Match) -> str:
    """One line naming an earlier check, for the history and the report."""
    who = match.publisher or ("this newsroom" if match.claim_id is not None else "an earlier fact-check")
    verdict = f", rated “{match.verdict}”" if match.verdict else ""
    when = f" ({match.published.isoformat()})" if match.published else ""
    return f"“{match.claim}” — {who}{verdict}{when} [{match.ref}]"


def link_match(session: Session, claim: Claim, ref: str, user: User | None) -> ClaimLink:
    """Record that a claim is the same claim as an earlier check (Conflict if it is already linked,
    or signed off: its report would change outside a correction)."""
    _refuse_signed_off(claim)
    match = _match(session, claim, ref)
    if session.exec(select(ClaimLink).where(ClaimLink.claim_id == claim.id, ClaimLink.ref == match.ref)).first():
        raise Conflict("This claim is already linked to that earlier check.")
    link = ClaimLink(
        claim_id=claim.id, ref=match.ref, archive_entry_id=match.archive_entry_id, other_claim_id=match.claim_id,
        user_id=user.id if user else None,
    )
    session.add(link)
    record_changes(session, claim, [("linked", None, f"Same claim as {describe(match)}")], user.id if user else None)
    session.flush()
    return link


def unlink_match(session: Session, claim: Claim, ref: str, user: User | None) -> None:
    """Take back a link (recorded in the history too)."""
    _refuse_signed_off(claim)
    if not ref.strip().isprintable():
        raise InvalidInput("Choose a linked earlier check.")
    link = session.exec(select(ClaimLink).where(ClaimLink.claim_id == claim.id, ClaimLink.ref == ref.strip())).first()
    if link is None:
        raise NotFound("This claim is not linked to that earlier check.")
    match = match_of_ref(session, link.ref)
    session.delete(link)
    record_changes(session, claim, [("unlinked", f"Same claim as {describe(match) if match else link.ref}", None)],
            user.id if user else None)
    session.flush()


def citation(match: Match) -> str:
    """The rationale's paragraph citing an earlier check, in Markdown with the user text escaped."""
    who = _markdown_text(match.publisher or ("this newsroom" if match.claim_id is not None else "an earlier fact-check"))
    verdict = f" rated it “{_markdown_text(match.verdict)}”" if match.verdict else " checked it"
    when = f" on {match.published.isoformat()}" if match.published else ""
    name = _markdown_text(match.title or match.claim)
    where = f": [{name}]({_markdown_url(match.url)})" if match.url else f": “{name}” ({_markdown_text(match.ref)})"
    return f"Seen before: {who}{verdict}{when}{where}."


def start_from(session: Session, article: Article, claim: Claim, ref: str, user: User | None, version: int | None) -> Match:
    """Draft the claim's review from an earlier check: its label where this article's scale has
    it (on a free-text scale, as the conclusion), a rationale citing it, status "in progress";
    and link the two. Refused once the claim is signed off (that would be a correction)."""
    match = _match(session, claim, ref)
    if claim.status.signed_off:
        raise Conflict(f"Claim {claim.position + 1} is {claim.status.label.lower()}: starting again from an earlier "
                       "check would replace its verdict. Make a correction instead.")
    scale = get_scale(session, article.rating_scale_id)
    ratings = ratings_for_scale(session, article.rating_scale_id)
    wanted = (match.verdict or "").strip().casefold()
    rating = next((r for r in ratings if r.label.casefold() == wanted), None) if wanted else None
    rationale = "\n\n".join(part for part in (claim.rationale.strip(), citation(match)) if part)
    status = ClaimStatus.IN_PROGRESS if claim.status == ClaimStatus.TO_REVIEW else claim.status
    save_review(
        session, claim, ratings,
        verdict_id=rating.id if rating else claim.verdict_id,
        rationale=rationale,
        status=status.value,
        conclusion=(match.verdict or claim.conclusion) if scale.free_text else None,
        free_text=scale.free_text,
        user=user,
        version=version,
    )
    if not session.exec(select(ClaimLink).where(ClaimLink.claim_id == claim.id, ClaimLink.ref == match.ref)).first():
        link_match(session, claim, match.ref, user)
    return match


def look_again(session: Session, claim: Claim) -> int:
    """Find the claim's matches afresh (after the archive or the verified claims changed)."""
    if match_now(session, claim):  # it was queued: now it is not
        return len(stored_matches(session, claim.id))
    return store_matches(session, [claim])


_MARKDOWN_SPECIAL = str.maketrans({c: f"\\{c}" for c in "\\`*_{}[]()<>#+-.!|~"})


def _markdown_text(text: str) -> str:
    """Text that Markdown shows as it is: its special characters escaped, on one line."""
    return " ".join(text.split()).translate(_MARKDOWN_SPECIAL)


def _markdown_url(url: str) -> str:
    """An http(s) address as a Markdown link target: what could end or break it, percent-encoded."""
    return "".join(f"%{ord(c):02X}" if c in " ()<>[]\\\"'`" or ord(c) < 33 else c for c in url)
