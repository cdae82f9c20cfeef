"""Category 11: the audit log: entries stored escaped, and never changed or deleted."""

from __future__ import annotations

from sqlalchemy import func, text
from sqlmodel import select

from bench.attack.client import from_address
from bench.attack.results import category, check, note
from bench.attack.world import World
from factcheck.models import AuditEvent


def audit_log(world: World) -> None:
    name = category(11)
    db = world.db
    for typed, stored in (("admin\nlogin ok from 1.2.3.4", "admin\\nlogin ok from 1.2.3.4"), ("\u202eadmin", "\\u202eadmin"),
                          ("ad\tmin\\x", "ad\\tmin\\\\x"), ("a\u2028b\rc", "a\\u2028b\\rc")):
        answer = from_address(world.proxied.port, "192.0.2.200").log_in(typed, "not the password")
        last = db.last_audit(AuditEvent.kind == "login_failed")
        check(name, answer.status == 401 and last.username == stored,
              f"login as {typed!r}: {answer.status}, stored as {last.username!r}, expected {stored!r}")
    with db.session() as session:
        raw = session.exec(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.username.contains("\n") | AuditEvent.detail.contains("\n") | AuditEvent.target.contains("\n")
            | AuditEvent.username.contains("\u202e"))).one()
    check(name, raw == 0, f"{raw} audit entries hold a raw line break or direction override")
    total = db.count(AuditEvent)
    for statement in ("UPDATE auditevent SET detail = 'rewritten'", "DELETE FROM auditevent",
                      "UPDATE auditevent SET username = 'x' WHERE id = (SELECT MAX(id) FROM auditevent)"):
        try:
            with db.engine.begin() as connection:
                connection.execute(text(statement))
            refused = False
        except Exception:  # noqa: BLE001 (whatever the guard raises, the statement must not run)
            refused = True
        check(name, refused and db.count(AuditEvent) == total, f"{statement!r} through the app's engine was run")
    with db.session() as session:
        kinds = dict(session.exec(select(AuditEvent.kind, func.count()).group_by(AuditEvent.kind)).all())
    note(name, f"audit entries by kind: {dict(sorted(kinds.items()))}")

