"""Category 11: the audit log: entries stored escaped; an anonymous refusal recorded once a minute
per address, a signed-in one each time, neither moving a change stamp; and no statement through the
app's engine changes or deletes an entry."""

from __future__ import annotations

from sqlalchemy import func, text
from sqlmodel import col, select

from bench.attack.client import from_address
from bench.attack.results import category, check, note
from bench.attack.world import World
from factcheck.models import AuditEvent

ESCAPED = (("admin\nlogin ok from 1.2.3.4", "admin\\nlogin ok from 1.2.3.4"), ("\u202eadmin", "\\u202eadmin"),
           ("ad\tmin\\x", "ad\\tmin\\\\x"), ("a\u2028b\rc", "a\\u2028b\\rc"))
#: An existing entry (the newest, the oldest) copied with the same id, so only a change could land.
NEWEST, OLDEST = "(SELECT MAX(id) FROM auditevent)", "(SELECT MIN(id) FROM auditevent)"
COPY = "SELECT id, at, kind, user_id, 'rewritten', address, target, detail FROM auditevent WHERE id = "
COLUMNS = "auditevent (id, at, kind, user_id, username, address, target, detail)"
BOTH = [
    "UPDATE auditevent SET detail = 'rewritten'",
    f"UPDATE auditevent SET username = 'x' WHERE id = {NEWEST}",
    "DELETE FROM auditevent",
    f"DELETE FROM auditevent WHERE id = {OLDEST}",
    f"INSERT INTO {COLUMNS} {COPY}{OLDEST} ON CONFLICT (id) DO UPDATE SET detail = 'rewritten'",
]
SQLITE = [f"REPLACE INTO {COLUMNS} {COPY}{NEWEST}", f"INSERT OR REPLACE INTO {COLUMNS} {COPY}{OLDEST}",
          f"UPDATE OR REPLACE auditevent SET id = {OLDEST} WHERE id = {NEWEST}"]
POSTGRESQL = ["TRUNCATE auditevent", f"MERGE INTO auditevent a USING ({COPY}{NEWEST}) s ON a.id = s.id "
              "WHEN MATCHED THEN UPDATE SET detail = 'rewritten'",
              f"MERGE INTO auditevent a USING ({COPY}{NEWEST}) s ON a.id = s.id WHEN MATCHED THEN DELETE"]


def anonymous_entries(world: World, kind: str, address: str) -> int:
    return world.db.count(AuditEvent, AuditEvent.kind == kind, AuditEvent.address == address,
                          col(AuditEvent.user_id).is_(None))


def refusals(world: World) -> None:
    """Requests without a CSRF token: from two addresses anonymously (one entry each within the
    minute), and by a signed-in admin (one entry each); no change stamp moves."""
    name, db = category(11), world.db
    stamps, before = db.stamps(), db.snapshot()
    for address, times in (("192.0.2.150", 25), ("192.0.2.151", 3)):
        client = from_address(world.proxied.port, address)
        for number in range(times):
            answer = client.post("/login", {"username": f"x{number}", "password": "y"}, token=False, htmx=number % 2 == 1)
            check(name, answer.status == 400, f"anonymous POST /login without a token from {address} -> {answer.status}")
        entries = anonymous_entries(world, "csrf_refused", address)
        check(name, entries == 1,
              f"{times} anonymous CSRF refusals from {address} within a minute: {entries} entries, expected 1")
    admin, signed_in = world.clients["admin"], db.audit("csrf_refused")
    for _ in range(3):
        answer = admin.post("/articles", {"text": "Words."}, token=False)
        check(name, answer.status == 400, f"admin POST /articles without a token -> {answer.status}")
    check(name, db.audit("csrf_refused") == signed_in + 3,
          f"3 signed-in CSRF refusals: {db.audit('csrf_refused') - signed_in} entries, expected 3")
    moved, changed = db.stamps_moved(stamps), db.changed(before)
    check(name, not moved and not changed, f"refused requests moved change stamps {moved}, changed tables {changed}")


def append_only(world: World) -> None:
    """Every statement that would change or delete an entry, sent through the app's engine, refused."""
    name, db = category(11), world.db
    statements = BOTH + (POSTGRESQL if db.engine.dialect.name == "postgresql" else SQLITE)
    refused = []
    for statement in statements:
        before = db.snapshot("auditevent")
        try:
            with db.engine.begin() as connection:
                connection.execute(text(statement))
            error = ""
        except Exception as raised:  # noqa: BLE001 (whatever the guard raises, the statement must not run)
            error = str(raised).splitlines()[0]
        check(name, error != "" and not db.changed(before), f"{statement!r} through the app's engine was run")
        refused.append("append-only" in error)
    # The one change the triggers let through: what deleting a user does to its entries (the foreign
    # key's SET NULL; the username copy stays). Tried in a transaction rolled back.
    with db.engine.connect() as connection, connection.begin() as transaction:
        signed = "(SELECT MAX(id) FROM auditevent WHERE user_id IS NOT NULL)"
        nulled = connection.execute(text(f"UPDATE auditevent SET user_id = NULL WHERE id = {signed}")).rowcount
        transaction.rollback()
    note(name, f"UPDATE auditevent SET user_id = NULL on one entry (what deleting its user does): {nulled} row updated, "
               "allowed by the triggers as the foreign key's ON DELETE SET NULL (rolled back)")
    note(name, f"{len(statements)} UPDATE / DELETE / REPLACE / upsert statements ({db.engine.dialect.name}): "
               f"{sum(refused)} refused by the triggers, {len(refused) - sum(refused)} by the database otherwise")


def audit_log(world: World) -> None:
    name, db = category(11), world.db
    for typed, stored in ESCAPED:
        answer = from_address(world.proxied.port, "192.0.2.200").log_in(typed, "not the password")
        last = db.last_audit(AuditEvent.kind == "login_failed")
        check(name, answer.status == 401 and last.username == stored,
              f"login as {typed!r}: {answer.status}, stored as {last.username!r}, expected {stored!r}")
    with db.session() as session:
        raw = session.exec(select(func.count()).select_from(AuditEvent).where(
            AuditEvent.username.contains("\n") | AuditEvent.detail.contains("\n") | AuditEvent.target.contains("\n")
            | AuditEvent.username.contains("\u202e"))).one()
    check(name, raw == 0, f"{raw} audit entries hold a raw line break or direction override")
    refusals(world)
    append_only(world)
    with db.session() as session:
        kinds = dict(session.exec(select(AuditEvent.kind, func.count()).group_by(AuditEvent.kind)).all())
    note(name, f"audit entries by kind: {dict(sorted(kinds.items()))}")
