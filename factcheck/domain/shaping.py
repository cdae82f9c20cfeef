"""Reshaping an article's claims: split, merge with the next, create from a passage, dismiss, restore.

Plain functions on a Session (no Flask), for the views, the CLI and the tests. Each one keeps
the invariants the review page and the reports rely on:

- a claim is an exact span: ``article.text[claim.start:claim.end] == claim.text``, with no
  whitespace at either end;
- claims never overlap, dismissed ones included, and ``position`` numbers them 0, 1, 2, ... in
  text order;
- every change is a ClaimRevision in the claim's history, its ``before`` and ``after`` naming
  the spans as ``[start:end] text``.

Merging keeps the first claim (its id, links and history) and folds the next one into it: the
next claim's sources, comments, corrections and history move over, and its verdict, rationale and status are taken
only when the first claim has none of its own. Two claims that both carry a review (a verdict
or a rationale) are never merged, so no review is silently lost. Splitting keeps the review,
sources and history with the first part; the second part is a new claim, still to review.
An approved or published claim is not split, merged or dismissed until it is reopened (a
correction, with a reason), and claims with blind verdicts are not merged until settled.

Committing is left to the caller: one reviewer action, one transaction.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session, col, select, update

from factcheck.domain.claims import claims_for_article, has_verdict, score_claim
from factcheck.domain.workflow import claim_version
from factcheck.errors import InvalidInput
from factcheck.models import Article, BlindVerdict, Claim, ClaimLink, ClaimRevision, Comment, Correction, Source, utcnow

# A claim not yet numbered: below every real position, above the ones _renumber parks claims at.
UNNUMBERED = -1

_WORD = re.compile(r"\S+")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*$")


@dataclass(frozen=True)
class SplitPoint:
    """A place a claim can be split: before the word at ``offset`` (an index into the claim's text)."""

    offset: int
    label: str  # "week, | Russian": the words either side of the cut
    sentence: bool  # the word starts a new sentence


def describe(claim: Claim) -> str:
    """A claim's span as its history shows it: ``[start:end] text``."""
    return f"[{claim.start}:{claim.end}] {claim.text}"


def split_points(text: str) -> list[SplitPoint]:
    """Every word start of a claim's text but the first: the places a reviewer can split it."""
    words = list(_WORD.finditer(text))
    return [
        SplitPoint(word.start(), f"{previous.group()} | {word.group()}", bool(_SENTENCE_END.search(previous.group())))
        for previous, word in zip(words, words[1:], strict=False)
    ]


def default_split(points: Sequence[SplitPoint]) -> int | None:
    """The split point to offer first: the first sentence break, else the middle word."""
    if not points:
        return None
    return next((p.offset for p in points if p.sentence), points[len(points) // 2].offset)


# --- Split and merge ----------------------------------------------------------------------


def split_claim(session: Session, claim: Claim, at: int, user_id: int | None = None) -> Claim:
    """Cut a claim before character ``at`` of its text; returns the new claim holding the second part."""
    _refuse_dismissed(claim, "split")
    _refuse_signed_off(claim, "split")
    if not 0 < at < len(claim.text):
        raise InvalidInput(f"Pick a place inside the claim to split it (1 to {len(claim.text) - 1}), not {at}.")
    head = claim.text[:at].rstrip()
    tail = claim.text[at:].lstrip()
    if not head.strip() or not tail.strip():
        raise InvalidInput("Split between words: both parts need some text.")
    article = _article(session, claim)
    claims = claims_for_article(session, claim.article_id)
    before = describe(claim)
    # The review now stands for a shorter text: a card still open on the whole claim is stale.
    claim_version(session, claim, claim.version)
    second = Claim(
        article_id=claim.article_id,
        position=UNNUMBERED,
        start=claim.end - len(tail),
        end=claim.end,
        text=tail,
    )
    claim.end = claim.start + len(head)
    claim.text = head
    _check_span(article, claim)
    _check_span(article, second)
    session.add(second)
    session.flush()
    _renumber(session, [*claims, second])
    score_claim(claim)
    score_claim(second)
    _revise(session, claim, "split", before, f"{describe(claim)}\n{describe(second)}", user_id)
    _revise(session, second, "split", before, describe(second), user_id)
    return second


def merge_with_next(session: Session, claim: Claim, user_id: int | None = None) -> Claim:
    """Fold the next claim into this one (see the module docstring for what happens to reviews)."""
    _refuse_dismissed(claim, "merge")
    claims = claims_for_article(session, claim.article_id)
    later = [c for c in claims if c.position > claim.position]
    if not later:
        raise InvalidInput(f"{_name(claim).capitalize()} is the last claim: there is no next claim to merge it with.")
    following = later[0]
    _refuse_signed_off(claim, "merge")
    _refuse_signed_off(following, "merge")
    if session.exec(select(BlindVerdict.id).where(col(BlindVerdict.claim_id).in_([claim.id, following.id]))).first():
        raise InvalidInput(
            f"{_name(claim).capitalize()} or the next claim has blind verdicts: an editor settles them before a merge."
        )
    if following.dismissed:
        raise InvalidInput(
            f"The next claim, {_name(following)}, is dismissed. Restore it first to merge it, or leave the two apart."
        )
    if _has_review(claim) and _has_review(following):
        raise InvalidInput(
            f"{_name(claim).capitalize()} and {_name(following)} both have a verdict or a rationale. "
            "Clear one of them first, so that no review is lost in the merge."
        )
    article = _article(session, claim)
    claims = [c for c in claims if c.id != following.id]
    before = f"{describe(claim)}\n{describe(following)}"
    if _has_review(following):
        claim.verdict_id, claim.rationale, claim.status = following.verdict_id, following.rationale, following.status
        claim.conclusion = following.conclusion
        claim.submitted_by_id = following.submitted_by_id
    # The claim's text (and maybe its review) changes under any open card of it: its next save
    # there is a conflict.
    claim_version(session, claim, claim.version)
    if claim.worth_checking is None:
        claim.worth_checking = following.worth_checking
    # Sources, comments, corrections and history move to the claim that stays, so deleting the
    # other loses nothing.
    for model in (Source, Comment, Correction, ClaimRevision):
        session.exec(
            update(model)
            .where(col(model.claim_id) == following.id)
            .values(claim_id=claim.id)
            .execution_options(article_id=article.id)
        )
    # Its links to earlier checks too (one per earlier check), and links other claims made to it.
    kept = set(session.exec(select(ClaimLink.ref).where(ClaimLink.claim_id == claim.id)).all())
    for link in session.exec(select(ClaimLink).where(ClaimLink.claim_id == following.id)).all():
        if link.ref in kept:
            session.delete(link)
        else:
            link.claim_id = claim.id
            session.add(link)
    for link in session.exec(select(ClaimLink).where(ClaimLink.other_claim_id == following.id)).all():
        owner = session.exec(select(ClaimLink).where(ClaimLink.claim_id == link.claim_id, ClaimLink.ref == f"claim:{claim.id}"))
        if owner.first() is not None:
            session.delete(link)
        else:
            link.other_claim_id, link.ref = claim.id, f"claim:{claim.id}"
            session.add(link)
    session.flush()
    claim.end = following.end
    claim.text = article.text[claim.start : claim.end]
    session.delete(following)
    session.flush()
    _renumber(session, claims)
    score_claim(claim)
    _revise(session, claim, "merged", before, describe(claim), user_id)
    return claim


def claim_after(session: Session, claim: Claim) -> Claim | None:
    """The claim that follows this one in the text (the one a merge would fold in), if any."""
    later = [c for c in claims_for_article(session, claim.article_id) if c.position > claim.position]
    return later[0] if later else None


def _refuse_signed_off(claim: Claim, action: str) -> None:
    """An approved or published claim is reshaped only after it is reopened (a correction)."""
    if claim.status.signed_off:
        raise InvalidInput(
            f"{_name(claim).capitalize()} is {claim.status.label.lower()}: reopen it with a correction "
            f"(change its status, giving a reason) before you {action} it."
        )


def _has_review(claim: Claim) -> bool:
    return has_verdict(claim) or bool(claim.rationale.strip())


# --- Create, dismiss, restore ---------------------------------------------------------------


def create_claim(session: Session, article: Article, start: int, end: int, user_id: int | None = None) -> Claim:
    """Make ``article.text[start:end]``, trimmed of surrounding whitespace, a new claim."""
    length = len(article.text)
    if not 0 <= start <= end <= length:
        raise InvalidInput(
            f"Characters {start} to {end} are not inside the article text, which has {length:,} characters."
        )
    passage = article.text[start:end]
    if not passage.strip():
        raise InvalidInput("The selection is empty: select some words of the article text.")
    start += len(passage) - len(passage.lstrip())
    end -= len(passage) - len(passage.rstrip())
    claims = claims_for_article(session, article.id)
    overlapping = [c for c in claims if c.start < end and start < c.end]
    if overlapping:
        names = ", ".join(_name(c) for c in overlapping)
        raise InvalidInput(
            f"That passage overlaps {names}. Select text outside the highlights, "
            "or split, merge or dismiss the existing claim instead."
        )
    claim = Claim(article_id=article.id, position=UNNUMBERED, start=start, end=end, text=article.text[start:end])
    session.add(claim)
    session.flush()
    _renumber(session, [*claims, claim])
    score_claim(claim)
    _revise(session, claim, "created", None, describe(claim), user_id)
    return claim


def find_passage(text: str, passage: str) -> tuple[int, int]:
    """Where a passage (copied from the article, surrounding whitespace ignored) is in the text."""
    wanted = passage.replace("\r\n", "\n").strip()
    if not wanted:
        raise InvalidInput("Give the passage, or its start and end, to make it a claim.")
    found = text.find(wanted)
    if found < 0:
        raise InvalidInput("That passage is not in the article text. Copy it exactly, spaces and punctuation included.")
    if text.find(wanted, found + 1) >= 0:
        raise InvalidInput(
            f"That passage occurs {text.count(wanted)} times in the article. "
            "Give a longer passage, or its start and end."
        )
    return found, found + len(wanted)


def displayed_offset(text: str, offset: int) -> int:
    """The index in ``text`` of character ``offset`` of the text as a browser shows it.

    An HTML parser turns each CR LF and lone CR into LF, so the page's text is shorter than the
    stored one wherever a CR was kept (imports, the CLI). Offsets past the end stay past it.
    """
    if "\r" not in text or offset <= 0:
        return offset
    shown = 0
    for index, char in enumerate(text):
        if shown == offset:
            return index
        if not (char == "\r" and text[index + 1 : index + 2] == "\n"):
            shown += 1
    return len(text) + (offset - shown)


def dismiss_claim(session: Session, claim: Claim, user_id: int | None = None) -> list[ClaimRevision]:
    """Set a span aside as not a claim: hidden from the cards and the report, kept with its history."""
    if claim.dismissed:
        return []
    _refuse_signed_off(claim, "dismiss")
    claim.dismissed = True
    return [_revise(session, claim, "dismissed", describe(claim), None, user_id)]


def restore_claim(session: Session, claim: Claim, user_id: int | None = None) -> list[ClaimRevision]:
    """Bring a dismissed claim back."""
    if not claim.dismissed:
        return []
    claim.dismissed = False
    return [_revise(session, claim, "restored", None, describe(claim), user_id)]


WORTH_LABELS = {None: "model's score", False: "not check-worthy", True: "check-worthy"}


def set_worth_checking(session: Session, claim: Claim, worth: bool | None, user_id: int | None = None) -> list[ClaimRevision]:
    """Record the reviewer's call on whether a claim is worth checking (None: go by the model's score)."""
    if claim.worth_checking is worth:
        return []
    before = WORTH_LABELS[claim.worth_checking]
    claim.worth_checking = worth
    return [_revise(session, claim, "worth_checking", before, WORTH_LABELS[worth], user_id)]


# --- Helpers ----------------------------------------------------------------------------------


def _refuse_dismissed(claim: Claim, action: str) -> None:
    if claim.dismissed:
        raise InvalidInput(f"{_name(claim).capitalize()} is dismissed: restore it before you {action} it.")


def _name(claim: Claim) -> str:
    return f"claim {claim.position + 1}" + (" (dismissed)" if claim.dismissed else "")


def _article(session: Session, claim: Claim) -> Article:
    article = session.get(Article, claim.article_id)
    assert article is not None  # a foreign key guarantees it
    return article


def _check_span(article: Article, claim: Claim) -> None:
    # A broken offset would corrupt every highlight after it; fail loudly rather than store it.
    if article.text[claim.start : claim.end] != claim.text or claim.text != claim.text.strip() or not claim.text:
        raise AssertionError(f"claim span [{claim.start}:{claim.end}] does not match the article text")


def _renumber(session: Session, claims: Sequence[Claim]) -> None:
    """Number an article's claims in text order, in two steps past UniqueConstraint(article_id, position).

    Claims whose number changes are first parked at distinct negative positions below UNNUMBERED,
    then given their final ones; at no point do two rows share a position.
    """
    ordered = sorted(claims, key=lambda c: (c.start, c.end))
    moved = [(index, claim) for index, claim in enumerate(ordered) if claim.position != index]
    if not moved:
        return
    for parked, (_, claim) in enumerate(moved):
        claim.position = UNNUMBERED - 1 - parked
        session.add(claim)
    session.flush()
    for index, claim in moved:
        claim.position = index
    session.flush()


def _revise(
    session: Session, claim: Claim, field: str, before: str | None, after: str | None, user_id: int | None = None
) -> ClaimRevision:
    now = utcnow()
    revision = ClaimRevision(claim_id=claim.id, field=field, before=before, after=after, changed=now, user_id=user_id)
    claim.updated = now
    session.add(claim)
    session.add(revision)
    return revision
