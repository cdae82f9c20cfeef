"""The run's database read directly: table digests to compare, counts, the rows probes look at."""

from __future__ import annotations

import hashlib

from sqlalchemy import func, text
from sqlmodel import Session, SQLModel, select

from factcheck.db import make_engine
from factcheck.models import Article, AuditEvent, Claim, Rating, User

#: Tables a refused request may write to (its audit entry, a counted login) or a use touches; and
#: the change stamps, which an audit entry bumps (`site`: the audit page shows it), noted apart.
NOT_COMPARED = {"auditevent", "loginfailure", "loginsession", "changestamp"}


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)

    def session(self) -> Session:
        return Session(self.engine, expire_on_commit=False)

    def snapshot(self) -> dict[str, str]:
        """A digest of every table's rows but those a refused request may write (NOT_COMPARED)."""
        digests = {}
        with self.engine.connect() as connection:
            for table in SQLModel.metadata.sorted_tables:
                if table.name in NOT_COMPARED:
                    continue
                rows = connection.execute(table.select().order_by(*table.primary_key.columns)).all()
                digests[table.name] = f"{len(rows)}:" + hashlib.sha256(repr(rows).encode()).hexdigest()[:16]
        return digests

    def changed(self, before: dict[str, str]) -> list[str]:
        after = self.snapshot()
        return [name for name in before if before[name] != after[name]]

    def count(self, model, *where) -> int:  # noqa: ANN001
        with self.session() as session:
            return session.exec(select(func.count()).select_from(model).where(*where)).one()

    def site_stamp(self) -> int:
        with self.engine.connect() as connection:
            return connection.execute(text("SELECT version FROM changestamp WHERE scope = 'site'")).scalar() or 0

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
