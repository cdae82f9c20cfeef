"""Seen before, on the database: earlier checks of a claim found, stored, linked and reused.

Finding is two stages. The first stage's index of rare words (factcheck.matching.index: a
bounded lookup however big the archive) offers candidates, from the archive and from other
articles' claims with an approved or published verdict; the ranker (factcheck.matching.ranker)
orders them and scores each 0-1. A claim's best
matches are stored (ClaimMatch) when its article is imported, and again when the archive grows
or a reviewer asks, so a card only reads them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import Row, bindparam, delete, text
from sqlmodel import Session, col, select

from factcheck.matching import index
from factcheck.matching.ranker import Candidate, model_version, rank
from factcheck.matching.text import QUERY_TERMS, query_terms
from factcheck.models import ArchiveEntry, Claim, ClaimMatch
from factcheck.vocabulary import ClaimStatus

#: Candidates the first stage offers the ranker, from the archive and from verified claims (the
#: model is trained on as many: its "first_stage"/"depth"). 70 ranked as well as 100 on the dev
#: queries (MAP@5 0.919 both; 50: 0.914) and costs the ranker 30% less.
ARCHIVE_CANDIDATES = 70
CLAIM_CANDIDATES = 20
#: Matches kept for each claim, and the least score a kept one needs (weaker ones are noise). On
#: the CLEF 2022 dev queries against the 14,231 Snopes fact-checks, 0.1 keeps every right first
#: match (178 of 178) and 37 of the 811 wrong ones in the top 5 (bench/README.md, "Claim matching").
KEPT_PER_CLAIM = 5
MIN_SCORE = 0.1
#: Characters of a verified claim's rationale the ranker reads as its summary.
RATIONALE_CHARS = 600

#: The largest id a database integer column holds (PostgreSQL's integer): larger ones name nothing.
MAX_ID = 2**31 - 1


@dataclass(frozen=True, kw_only=True)
class Match:
    """An earlier check, as `factcheck match` prints it and a card shows it."""

    ref: str  # "archive:<key as imported>" or "claim:<id>"
    score: float
    claim: str
    verdict: str | None
    url: str | None  # the published fact-check; for a claim, None (its review page is in-app)
    publisher: str | None = None  # the archive entry's publisher, or the claim's outlet
    title: str = ""  # the fact-check's title, or the claim's article's
    published: dt.date | None = None
    archive_entry_id: int | None = None
    claim_id: int | None = None  # the earlier claim
    article_id: int | None = None  # its article

    def as_json(self) -> dict[str, object]:
        """The `factcheck match` contract's fields, in its order."""
        return {"ref": self.ref, "score": round(self.score, 4), "claim": self.claim, "verdict": self.verdict, "url": self.url}


def find_matches(session: Session, text_: str, *, top: int = 10, exclude_article_id: int | None = None) -> list[Match]:
    """The best `top` earlier checks of a claim's text, best first (none for text without words)."""
    weights = query_terms(text_, QUERY_TERMS)
    if not weights:
        return []
    archived = index.archive_candidates(session, weights, ARCHIVE_CANDIDATES)
    verified = index.claim_candidates(session, weights, CLAIM_CANDIDATES, exclude_article_id or 0, RATIONALE_CHARS)
    # Each source's own first-stage order: the ranker reads a candidate's place in it. The rows
    # bring what a match shows too, so the best need no second round trip.
    shown: dict[str, tuple[Callable[[Row, float], Match], Row]] = {}
    candidates = []
    for position, row in enumerate(archived):
        candidates.append(Candidate(f"archive:{row.key}", row.claim, row.title, row.summary, position))
        shown[candidates[-1].ref] = (_archive_match, row)
    for position, row in enumerate(verified):
        candidates.append(Candidate(f"claim:{row.claim_id}", row.claim, row.title, row.summary, position))
        shown[candidates[-1].ref] = (_claim_match, row)
    matches = []
    for candidate, score in rank(text_, candidates)[:top]:
        make, row = shown[candidate.ref]
        matches.append(make(row, score))
    return matches


def _archive_match(row: Row, score: float) -> Match:
    """A match of an index.ARCHIVE_SHOWN row."""
    return Match(ref=f"archive:{row.key}", score=score, claim=row.claim, verdict=row.rating, url=row.url,
                 publisher=row.publisher, title=row.title, published=_date(row.published), archive_entry_id=row.entry_id)


def _claim_match(row: Row, score: float) -> Match:
    """A match of an index.CLAIM_SHOWN row."""
    return Match(ref=f"claim:{row.claim_id}", score=score, claim=row.claim, verdict=row.verdict, url=None,
                 publisher=row.outlet or None, title=row.title, published=_date(row.published), claim_id=row.claim_id,
                 article_id=row.article_id)


def _date(value: object) -> dt.date | None:
    """A date as the database gives it (SQLite: text, in a statement written as text)."""
    if value is None or isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


_ENTRIES_SHOWN = text(f"SELECT {index.ARCHIVE_SHOWN} FROM archiveentry e WHERE e.id IN :ids").bindparams(
    bindparam("ids", expanding=True))
_CLAIMS_SHOWN = text(f"SELECT {index.CLAIM_SHOWN} FROM claim c JOIN article a ON a.id = c.article_id WHERE c.id IN :ids"
                     ).bindparams(bindparam("ids", expanding=True))


def earlier_checks(session: Session, named: Sequence[tuple[int | None, int | None, float]]) -> list[Match]:
    """The earlier checks named by (archive entry id, claim id, score) rows, as stored matches and
    links keep them, with what a reader needs to judge them (verdict, publisher, date, link), in
    two queries however many there are."""
    entry_ids = [entry for entry, _, _ in named if entry is not None]
    claim_ids = [claim for entry, claim, _ in named if entry is None and claim is not None]
    entries = {row.entry_id: row for row in session.execute(_ENTRIES_SHOWN, {"ids": entry_ids})} if entry_ids else {}
    claims = {row.claim_id: row for row in session.execute(_CLAIMS_SHOWN, {"ids": claim_ids})} if claim_ids else {}
    return [_archive_match(entries[entry], score) if entry is not None else _claim_match(claims[claim], score)
            for entry, claim, score in named]


def matches_of(session: Session, texts: Sequence[tuple[str, int | None]]) -> list[list[Match]]:
    """The matches worth keeping of each (claim text, its article's id): this only reads, so a
    caller finds them before it takes SQLite's write lock (matching takes far longer than storing)."""
    return [
        [m for m in find_matches(session, claim_text, top=KEPT_PER_CLAIM, exclude_article_id=article_id) if m.score >= MIN_SCORE]
        for claim_text, article_id in texts
    ]


def store_matches(session: Session, claims: Iterable[Claim], found: Sequence[list[Match]] | None = None) -> int:
    """Store the best matches of each claim, replacing the ones stored (`found`: from matches_of,
    in the claims' order; else found now, all before the first write); how many stored."""
    claims = list(claims)
    if found is None:
        found = matches_of(session, [(c.text, c.article_id) for c in claims])
    kept = [(claim, matches) for claim, matches in zip(claims, found, strict=True) if not claim.dismissed]
    if not kept:
        return 0
    model = model_version()
    by_article: dict[int, list[int]] = {}
    for claim, _matches in kept:
        by_article.setdefault(claim.article_id, []).append(claim.id)
    for article_id, claim_ids in by_article.items():  # each bumps its own article's change stamp, not the site's
        session.execute(delete(ClaimMatch).where(col(ClaimMatch.claim_id).in_(claim_ids)).execution_options(article_id=article_id))
    stored = 0
    for claim, matches in kept:
        for position, match in enumerate(matches):
            session.add(ClaimMatch(
                claim_id=claim.id, position=position, archive_entry_id=match.archive_entry_id,
                other_claim_id=match.claim_id, score=match.score, model=model,
            ))
            stored += 1
    session.flush()
    return stored


def open_claims(session: Session, limit: int) -> list[int]:
    """The ids of the newest `limit` claims neither signed off nor dismissed: whose matches are
    looked for again when the archive grows."""
    open_statuses = [s for s in ClaimStatus if not s.signed_off]
    newest_open = select(Claim.id).where(col(Claim.status).in_(open_statuses), ~col(Claim.dismissed))
    return list(session.exec(newest_open.order_by(col(Claim.id).desc()).limit(limit)).all())


def stored_matches(session: Session, claim_id: int) -> list[Match]:
    """The matches stored for a claim, best first (what its card shows)."""
    rows = session.exec(select(ClaimMatch).where(ClaimMatch.claim_id == claim_id).order_by(col(ClaimMatch.position))).all()
    return earlier_checks(session, [(row.archive_entry_id, row.other_claim_id, row.score) for row in rows])


def match_of_ref(session: Session, ref: str) -> Match | None:
    """The earlier check a ref names (`archive:<key>` or `claim:<id>`), unscored; None if there is none."""
    kind, _, name = ref.partition(":")
    if kind == "archive":
        entry_id = session.exec(select(ArchiveEntry.id).where(ArchiveEntry.key == name)).first()
        named = (entry_id, None, 0.0) if entry_id is not None else None
    elif kind == "claim" and name.isascii() and name.isdigit() and int(name) <= MAX_ID:
        named = (None, int(name), 0.0) if session.get(Claim, int(name)) else None
    else:
        named = None
    return earlier_checks(session, [named])[0] if named else None

