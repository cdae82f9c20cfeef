"""Claims waiting for their earlier checks to be found: a queue in the database (MatchQueue).

Finding a claim's matches takes the ranker tens of milliseconds, so an article's import does not
wait for it: every new claim is queued by the flush that stores it (`watch`), the import answers
at once, and the matches follow. In the web app a background thread per process (`wake`, called
when a request that queued claims commits) works through the queue; the commands that import
(`factcheck import`, `factcheck archive import`) work through it before they exit; a claim
opened before its turn came is matched as its card is drawn (`match_now`). The archive growing
queues the newest open claims again (`enqueue`).

`match_queued` takes a batch at a time: finds the batch's matches in a reading transaction (only
reads, however long they take), then in a short one takes the claims off the queue and stores
their matches. A claim taken off the queue meanwhile (matched as it opened, or deleted) is left
alone, so two workers never store one claim's matches twice.
"""

from __future__ import annotations

import logging
import threading
import time
import weakref
from collections.abc import Callable, Iterable, Sequence

from sqlalchemy import Engine, delete, event, insert, select
from sqlalchemy.orm import Session as OrmSession
from sqlmodel import Session, col

from factcheck.matching.store import matches_of, open_claims, store_matches
from factcheck.models import Claim, MatchQueue

#: Claims matched per transaction.
BATCH = 50
#: session.info key: the session queued claims (its commit wakes the background matcher, if asked).
QUEUED = "factcheck.match_queued"
#: session.info key: wake the background matcher when this session commits claims it queued.
IN_BACKGROUND = "factcheck.match_in_background"

log = logging.getLogger(__name__)


def enqueue(session: Session, claim_ids: Iterable[int]) -> int:
    """Queue these claims (those not queued already); how many were queued now."""
    wanted = sorted(set(claim_ids))
    if not wanted:
        return 0
    queued = set()
    for start in range(0, len(wanted), 1000):
        part = wanted[start : start + 1000]
        queued |= set(session.exec(select(MatchQueue.claim_id).where(col(MatchQueue.claim_id).in_(part))).scalars())
    new = [{"claim_id": claim_id} for claim_id in wanted if claim_id not in queued]
    if new:
        session.execute(insert(MatchQueue), new)
        session.info[QUEUED] = True
    return len(new)


def requeue_open(session: Session, limit: int) -> int:
    """Queue the newest `limit` claims still under review again (the archive grew); how many."""
    return enqueue(session, open_claims(session, limit))


def is_queued(session: Session, claim_id: int) -> bool:
    """Whether the claim's matches are still to be found."""
    return session.get(MatchQueue, claim_id) is not None


def _take(session: Session, claims: Sequence[Claim]) -> list[int]:
    """Take these claims off the queue; the positions of those this session took (others did not)."""
    return [
        at for at, claim in enumerate(claims)
        if session.execute(delete(MatchQueue).where(col(MatchQueue.claim_id) == claim.id)).rowcount == 1
    ]


def match_now(session: Session, claim: Claim) -> bool:
    """Find and store a queued claim's matches now, in the session's transaction; whether it was queued."""
    if not is_queued(session, claim.id):
        return False
    found = matches_of(session, [(claim.text, claim.article_id)])
    if _take(session, [claim]):
        store_matches(session, [claim], found)
    return True


def match_queued(engine: Engine, limit: int | None = None, progress: Callable[[int], None] | None = None) -> int:
    """Find and store the matches of queued claims, a batch per transaction, until the queue is
    empty (or `limit` are done); how many claims were matched. `progress(done)` after each batch."""
    done = 0
    while limit is None or done < limit:
        size = BATCH if limit is None else min(BATCH, limit - done)
        with Session(engine) as session:
            ids = list(session.exec(select(MatchQueue.claim_id).order_by(col(MatchQueue.claim_id)).limit(size)).scalars())
            if not ids:
                break
            claims = list(session.exec(select(Claim).where(col(Claim.id).in_(ids)).order_by(col(Claim.id))).scalars())
            found = dict(zip([claim.id for claim in claims], matches_of(
                session, [(claim.text, claim.article_id) for claim in claims]), strict=True))
            session.rollback()  # the reading transaction ends, before the writing one begins
            with session.begin():
                # As they are now (a claim deleted meanwhile took its place in the queue with it).
                claims = list(session.exec(select(Claim).where(col(Claim.id).in_(list(found)))).scalars())
                taken = [claims[at] for at in _take(session, claims)]
                store_matches(session, taken, [found[claim.id] for claim in taken])
        done += len(ids)
        if progress is not None:
            progress(done)
    return done


class _Matcher:
    """A process's background matcher for one engine: a thread that empties the queue when woken."""

    def __init__(self, engine: Engine) -> None:
        self.engine = weakref.ref(engine)
        self.woken = threading.Event()
        self.thread = threading.Thread(target=self._run, name="factcheck-matching", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            self.woken.wait()
            self.woken.clear()
            engine = self.engine()
            if engine is None:
                return
            try:
                match_queued(engine)
            except Exception:  # the queue keeps the claims: the next wake, or their cards, match them
                log.exception("matching queued claims failed")
                time.sleep(1)
            del engine


_matchers: weakref.WeakKeyDictionary[Engine, _Matcher] = weakref.WeakKeyDictionary()
_matchers_lock = threading.Lock()


def wake(engine: Engine) -> None:
    """Have this process's background matcher empty the queue (starting it on first use)."""
    with _matchers_lock:
        matcher = _matchers.get(engine)
        if matcher is None:
            matcher = _matchers[engine] = _Matcher(engine)
    matcher.woken.set()


def _after_flush(session: OrmSession, _context: object) -> None:
    new = [instance.id for instance in session.new if isinstance(instance, Claim)]
    if new:
        session.connection().execute(insert(MatchQueue), [{"claim_id": claim_id} for claim_id in new])
        session.info[QUEUED] = True


def _after_commit(session: OrmSession) -> None:
    if session.info.pop(QUEUED, False) and session.info.get(IN_BACKGROUND):
        wake(session.get_bind())


def _after_rollback(session: OrmSession) -> None:
    session.info.pop(QUEUED, None)


def watch() -> None:
    """Queue every new claim as it is flushed, from now on (once per process; idempotent)."""
    if not event.contains(OrmSession, "after_flush", _after_flush):
        event.listen(OrmSession, "after_flush", _after_flush)
        event.listen(OrmSession, "after_commit", _after_commit)
        event.listen(OrmSession, "after_rollback", _after_rollback)
