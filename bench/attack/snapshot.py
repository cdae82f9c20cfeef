"""The run's database read directly: table digests to compare, counts, the rows probes look at."""

from __future__ import annotations

import hashlib

from sqlalchemy import func, text
from sqlmodel import Session, SQLModel, select

from factcheck.db import make_engine
from factcheck.models import Article, AuditEvent, Claim, Rating, User

#: Tables a refused request may write to (its audit entry, a counted login) or a use touches. The
#: change stamps are compared: an audit entry bumps none, so a refused request must change no stamp.
NOT_COMPARED = {"auditevent", "loginfailure", "loginsession"}


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def snapshot(self, *names: str) -> dict[str, str]:
        """A digest of the named tables' rows; by default of every table but those a refused
        request may write (NOT_COMPARED)."""
        digests = {}
        with self.engine.connect() as connection:
            for table in SQLModel.metadata.sorted_tables:
                if table.name not in names if names else table.name in NOT_COMPARED:
                    continue
                rows = connection.execute(table.select().order_by(*table.primary_key.columns)).all()
                digests[table.name] = f"{len(rows)}:" + hashlib.sha256(repr(rows).encode()).hexdigest()[:16]
        return digests

    def changed(self, before: dict[str, str]) -> list[str]:
        after = self.snapshot(*before)
        return [name for name in before if before[name] != after[name]]

    def count(self, model, *where) -> int:  # noqa: ANN001
        with self.session() as session:
            return session.exec(select(func.count()).select_from(model).where(*where)).one()

    def stamps(self) -> dict[str, int]:
        """Every change stamp's version, by scope."""
        with self.engine.connect() as connection:
            return dict(connection.execute(text("SELECT scope, version FROM changestamp")).all())

    def stamps_moved(self, before: dict[str, int]) -> dict[str, tuple[int | None, int]]:
        """The change stamps whose version is not what it was: (before, now) by scope."""
        return {scope: (before.get(scope), version) for scope, version in self.stamps().items() if before.get(scope) != version}

    def audit(self, kind: str) -> int:
        return self.count(AuditEvent, AuditEvent.kind == kind)

    def last_audit(self, *where) -> AuditEvent | None:  # noqa: ANN002
        with self.session() as session:
            return session.exec(select(AuditEvent).where(*where).order_by(AuditEvent.id.desc())).first()

    def claims(self, article_id: int) -> list[Claim]:
        with self.session() as session:
            return list(session.exec(select(Claim).where(Claim.article_id == article_id).order_by(Claim.position)))

    def claim(self, claim_id: int) -> Claim:
        with self.session() as session:
            return session.get(Claim, claim_id)

    def user_id(self, username: str) -> int:
        with self.session() as session:
            return session.exec(select(User.id).where(User.username == username)).one()

    def rating(self, label: str) -> int:
        with self.session() as session:
            article_scale = session.exec(select(Article.rating_scale_id)).first()
            return session.exec(select(Rating.id).where(Rating.label == label, Rating.scale_id == article_scale)).one()
