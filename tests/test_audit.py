"""The security and audit log: what is recorded, that refusals stay recorded, log injection,
who may read it, filters, paging, JSON lines, and that nothing changes or deletes an event."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from sqlalchemy import delete, text, update
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session, select

from factcheck.domain import audit
from factcheck.domain.audit import KINDS, AuditLogIsAppendOnly, clean, escape
from factcheck.models import Assignment, AuditEvent, Rating, RatingScale, User
from tests.conftest import PASSWORD, create_seed_article, csrf_of, html, log_in, login_as, make_user, post

ARCHIVE_FILES = Path(__file__).parent / "data" / "archive"


def events(app, kind: str | None = None) -> list[AuditEvent]:
    """The stored events (of a kind), oldest first, read in a session of their own."""
    with Session(app.extensions["factcheck.engine"]) as session:
        query = select(AuditEvent).order_by(AuditEvent.id)
        if kind:
            query = query.where(AuditEvent.kind == kind)
        return list(session.exec(query).all())


def only(app, kind: str) -> AuditEvent:
    found = events(app, kind)
    assert len(found) == 1, [(e.kind, e.username, e.target) for e in events(app)]
    return found[0]


def user_id(app, username: str) -> int:
    with Session(app.extensions["factcheck.engine"]) as session:
        return session.exec(select(User.id).where(User.username == username)).one()


def assert_recent(event: AuditEvent) -> None:
    at = event.at if event.at.tzinfo else event.at.replace(tzinfo=dt.UTC)
    assert abs(dt.datetime.now(dt.UTC) - at) < dt.timedelta(minutes=1)


# --- Logins, refusals and the refused request's own transaction --------------------------------


def test_a_login_is_recorded_with_who_when_and_the_address(app, client):
    event = only(app, "login")
    assert (event.username, event.user_id, event.address) == ("admin", user_id(app, "admin"), "127.0.0.1")
    assert_recent(event)


def test_failed_logins_and_the_lockout_are_recorded_although_the_request_is_refused(app, anonymous):
    app.config["LOGIN_MAX_FAILURES"] = 2
    make_user(app, "rita")
    for _ in range(2):
        assert log_in(anonymous, "Rita", "wrong password!!").status_code == 401
    assert log_in(anonymous, "rita").status_code == 429
    failed = events(app, "login_failed")
    assert [(e.username, e.user_id, e.address) for e in failed] == [("Rita", None, "127.0.0.1")] * 2
    assert only(app, "lockout").username == "rita"
    assert events(app, "login") == []


def test_a_username_too_long_to_log_in_is_recorded_cut_to_40_characters(app, anonymous):
    assert log_in(anonymous, "x" * 500).status_code == 401
    assert only(app, "login_failed").username == "x" * 40


def test_logout_and_changing_ones_password_are_recorded(app, client):
    new = "another long password"
    response = post(client, "/account/password", {"current": PASSWORD, "new": new, "confirm": new})
    assert response.status_code == 200
    assert only(app, "password_changed").username == "admin"
    post(client, "/logout")
    assert only(app, "logout").username == "admin"


def test_a_request_without_the_csrf_token_is_refused_and_recorded(app, client):
    response = client.post("/users", data={"username": "mallory", "password": "x" * 20, "role": "admin"})
    assert response.status_code == 400
    event = only(app, "csrf_refused")
    assert (event.username, event.target, event.address) == ("admin", "POST /users", "127.0.0.1")
    assert events(app, "user_created") == []


@pytest.mark.parametrize("role", ["reviewer", "editor"])
def test_a_refused_permission_is_recorded(app, role):
    user = login_as(app, role)
    assert user.get("/users").status_code == 403
    event = only(app, "forbidden")
    assert (event.username, event.target, event.address) == (role, "GET /users", "127.0.0.1")
    assert "may not do this" in event.detail


# --- Changes, in the change's own transaction ------------------------------------------------------


def test_user_management_is_recorded(app, client):
    assert post(client, "/users", {"username": "rita", "password": "a long enough password", "role": "reviewer"}).status_code == 303
    created = only(app, "user_created")
    assert (created.username, created.target, created.detail, created.address) == ("admin", "user rita", "role: reviewer", "127.0.0.1")
    rita = user_id(app, "rita")
    assert post(client, f"/users/{rita}", {"role": "editor", "active": "1"}).status_code == 303
    assert only(app, "role_changed").detail == "role: reviewer → editor"
    assert post(client, f"/users/{rita}", {"role": "editor", "active": "0"}).status_code == 303
    assert only(app, "user_deactivated").target == "user rita"
    assert post(client, f"/users/{rita}", {"role": "editor", "active": "1"}).status_code == 303
    assert only(app, "user_reactivated").target == "user rita"
    assert post(client, f"/users/{rita}/password", {"password": "yet another password"}).status_code == 303
    assert only(app, "password_reset").target == "user rita"
    assert len(events(app, "role_changed")) == 1  # saving the same role again is no change


def test_a_refused_change_leaves_no_event(app, client):
    response = post(client, "/users", {"username": "x", "password": "short", "role": "reviewer"})
    assert response.status_code == 422
    assert events(app, "user_created") == []


def test_create_user_on_the_command_line_is_recorded(app, runner):
    result = runner.invoke(args=["create-user", "rita", "--role", "editor"], input="a long enough password\n")
    assert result.exit_code == 0, result.output
    event = only(app, "user_created")
    assert (event.target, event.detail, event.address, event.user_id) == ("user rita", "role: editor", "command line", None)


def test_articles_assignments_scales_and_rules_are_recorded(app, client, seed_text):
    article_id = create_seed_article(client, seed_text)
    created = only(app, "article_created")
    assert created.target == f"article {article_id}" and created.username == "admin"
    make_user(app, "rita")
    assert post(client, f"/articles/{article_id}/assignments", {"reviewer_id": str(user_id(app, "rita"))}).status_code == 303
    assigned = only(app, "assigned")
    assert (assigned.target, assigned.detail) == (f"article {article_id}", "reviewer: rita")
    with Session(app.extensions["factcheck.engine"]) as session:
        assignment = session.exec(select(Assignment.id)).one()
    assert post(client, f"/articles/{article_id}/unassign", {"assignment_id": str(assignment)}).status_code == 303
    assert only(app, "unassigned").detail == "reviewer: rita"

    form = {"name": "Newsroom scale", "label": ["Right", "Wrong"], "value": ["1", "0"]}
    assert post(client, "/scales", form).status_code == 303
    scale = only(app, "scale_created")
    assert scale.detail == "name: Newsroom scale"
    scale_id = int(scale.target.removeprefix("scale "))
    assert post(client, f"/scales/{scale_id}", {**form, "name": "Desk scale"}).status_code == 303
    assert only(app, "scale_changed").detail == "name: Newsroom scale → Desk scale"

    with Session(app.extensions["factcheck.engine"]) as session:
        right = session.exec(select(Rating).join(RatingScale).where(RatingScale.name == "Desk scale", Rating.label == "Right")).one()
    assert post(client, "/approval-rules", {f"min_sources-{right.id}": "3"}).status_code == 303
    assert only(app, "approval_rules_changed").detail == "Desk scale, “Right”: 3 sources"
    assert post(client, "/approval-rules", {f"min_sources-{right.id}": "3"}).status_code == 303
    assert len(events(app, "approval_rules_changed")) == 1  # nothing changed, nothing recorded


def test_imports_are_recorded_on_the_web_and_the_command_line(app, client, runner, tmp_path):
    upload = {"file": (io.BytesIO((ARCHIVE_FILES / "list.json").read_bytes()), "list.json")}
    assert post(client, "/archive", upload, content_type="multipart/form-data").status_code == 200
    web = only(app, "archive_imported")
    assert (web.target, web.detail, web.address) == ("file list.json", "added 2, updated 0, unchanged 0, refused 0", "127.0.0.1")
    assert runner.invoke(args=["archive", "import", str(ARCHIVE_FILES / "good.jsonl")]).exit_code == 0
    assert events(app, "archive_imported")[-1].address == "command line"
    article = tmp_path / "article.txt"
    article.write_text("The mayor said 40% of the budget went to roads. Nobody checked.", encoding="utf-8")
    result = runner.invoke(args=["import", str(article)])
    assert result.exit_code == 0, result.output
    event = only(app, "article_created")
    assert (event.target, event.address) == (f"article {result.stdout.strip()}", "command line")


# --- Log injection -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "stored"),
    [
        ("admin\nlogin ok from 1.2.3.4", "admin\\nlogin ok from 1.2.3.4"),
        ("admin\r\n\t", "admin\\r\\n\\t"),
        ("evil\u202etxt.exe", "evil\\u202etxt.exe"),
        ("a\u2028b\u2029c\u2066d\x1b[31m", "a\\u2028b\\u2029c\\u2066d\\u001b[31m"),
        ("back\\nslash", "back\\\\nslash"),  # a typed backslash cannot forge an escape
    ],
)
def test_control_and_direction_characters_are_escaped(raw, stored):
    assert escape(raw) == stored


def test_cutting_never_splits_an_escape():
    assert clean("\u202e" * 20, 40, 64) == "\\u202e" * 10
    assert clean("é" * 2000, 1000) == "é" * 1000


def test_an_injected_username_is_stored_and_shown_escaped(app, client, anonymous):
    typed = "admin\nlogin ok from 1.2.3.4 \u202e"
    assert log_in(anonymous, typed).status_code == 401
    event = only(app, "login_failed")
    assert event.username == "admin\\nlogin ok from 1.2.3.4 \\u202e"
    page = html(client.get("/audit", query_string={"kind": "login_failed"}))
    cell = page.select_one(f"#event-{event.id} td:nth-of-type(3)").get_text()
    assert cell == "admin\\nlogin ok from 1.2.3.4 \\u202e"
    with client.get("/audit.jsonl", query_string={"kind": "login_failed"}) as response:  # closed: the stream ends
        line = response.get_data(as_text=True)
    assert line.count("\n") == 1 and json.loads(line)["username"] == event.username


# --- Reading it: admins only, filters, paging, JSON lines ---------------------------------------------


@pytest.mark.parametrize("role", ["reviewer", "editor"])
@pytest.mark.parametrize("url", ["/audit", "/audit.jsonl"])
def test_only_admins_read_the_audit_log(app, role, url):
    assert login_as(app, role).get(url).status_code == 403


def test_anonymous_visitors_are_sent_to_log_in(anonymous):
    assert anonymous.get("/audit").status_code == 303


def test_the_admin_nav_links_to_the_audit_log(client):
    assert html(client.get("/")).find("nav").find("a", string="Audit log")["href"] == "/audit"


def add_events(app, count: int, kind: str = "login_failed", **fields) -> None:
    with Session(app.extensions["factcheck.engine"]) as session:
        for number in range(count):
            audit.record(session, kind, user=None, username=fields.get("username", f"user{number}"),
                         address=fields.get("address", "10.0.0.1"))
        session.commit()


def test_filters_pick_events_by_kind_username_date_and_address(app, client):
    add_events(app, 3, username="bob", address="10.0.0.9")
    add_events(app, 2, kind="lockout", username="eve")

    def shown(**args) -> list[str]:
        page = html(client.get("/audit", query_string=args))
        return [row.select("td")[1].get_text() for row in page.select("table.audit-log tbody tr")]

    assert shown(kind="lockout") == ["lockout", "lockout"]
    assert shown(username="BOB") == ["login_failed"] * 3
    add_events(app, 1, username="Émile")
    assert shown(username="Émile") == ["login_failed"]  # as typed, whatever SQLite's lower() folds
    assert shown(address="10.0.0.9") == ["login_failed"] * 3
    today = dt.datetime.now(dt.UTC).date()
    assert len(shown(**{"from": today.isoformat(), "to": today.isoformat()})) == 7  # and the admin's login
    assert shown(**{"to": (today - dt.timedelta(days=1)).isoformat()}) == []
    form = html(client.get("/audit", query_string={"kind": "lockout"})).select_one("form.audit-filters")
    assert form.select_one("option[selected]")["value"] == "lockout"
    assert client.get("/audit", query_string={"from": "yesterday"}).status_code == 422
    assert client.get("/audit", query_string={"kind": "nonsense"}).status_code == 422


def test_the_log_is_newest_first_50_a_page(app, client):
    add_events(app, 120)
    first = html(client.get("/audit"))
    rows = first.select("table.audit-log tbody tr")
    assert len(rows) == 50 and rows[0].select("td")[2].get_text() == "user119"
    last = html(client.get("/audit", query_string={"page": "3"}))
    assert [r.select("td")[2].get_text() for r in last.select("table.audit-log tbody tr")][-1] == "admin"
    assert len(last.select("table.audit-log tbody tr")) == 21


def test_the_json_lines_download_has_the_filters_and_one_object_a_line(app, client):
    add_events(app, 1200, username="bob")
    page = html(client.get("/audit", query_string={"username": "bob"}))
    link = page.find("a", string="Download JSON lines")["href"]
    assert link == "/audit.jsonl?username=bob"
    with client.get(link) as response:
        assert response.status_code == 200 and response.is_streamed
        assert response.headers["Content-Disposition"] == 'attachment; filename="audit.jsonl"'
        lines = response.get_data(as_text=True).splitlines()
    records = [json.loads(line) for line in lines]
    assert len(records) == 1200 and {r["username"] for r in records} == {"bob"}
    assert list(records[0]) == list(audit.JSON_KEYS)
    assert [r["id"] for r in records] == sorted((r["id"] for r in records), reverse=True)
    assert records[0]["at"].endswith("Z")


def test_the_audit_command_prints_json_lines(app, client, runner):
    add_events(app, 2, kind="lockout", username="eve")
    result = runner.invoke(args=["audit", "--kind", "lockout"])
    assert result.exit_code == 0, result.output
    assert [json.loads(line)["username"] for line in result.stdout.splitlines()] == ["eve", "eve"]
    result = runner.invoke(args=["audit", "--user", "admin", "--from", dt.date.today().isoformat()])
    assert [json.loads(line)["kind"] for line in result.stdout.splitlines()] == ["login"]
    bad = runner.invoke(args=["audit", "--from", "soon"])
    assert bad.exit_code == 1 and "YYYY-MM-DD" in bad.stderr


def test_every_kind_has_a_label_and_fits_its_column():
    assert all(len(kind) <= 40 and label for kind, label in KINDS.items())
    with pytest.raises(ValueError):
        audit.record(None, "made_up", user=None, address="")  # type: ignore[arg-type]


# --- Append only -------------------------------------------------------------------------------


def test_nothing_changes_or_deletes_an_event(app, client):
    engine = app.extensions["factcheck.engine"]
    with Session(engine) as session:
        event = session.exec(select(AuditEvent)).one()
        event.detail = "nothing happened"
        session.add(event)
        with pytest.raises(AuditLogIsAppendOnly):
            session.flush()
        session.rollback()
        session.delete(session.exec(select(AuditEvent)).one())
        with pytest.raises(AuditLogIsAppendOnly):
            session.flush()
        session.rollback()
        sqlite = engine.dialect.name == "sqlite"
        statements = [update(AuditEvent).values(detail="x"), delete(AuditEvent), update(AuditEvent).values(id=99),
                      text("UPDATE auditevent SET detail = 'x'"), text('delete from "auditevent"'),
                      text("/* c */ DELETE FROM auditevent"), text("WITH x AS (SELECT 1) DELETE FROM auditevent"),
                      text("INSERT INTO auditevent (id, at, kind, username, address, target, detail) "
                           "SELECT id, at, kind, username, address, target, 'forged' FROM auditevent WHERE true "
                           "ON CONFLICT (id) DO UPDATE SET detail = excluded.detail")]
        if sqlite:
            statements += [text("UPDATE OR REPLACE auditevent SET detail = 'x'"), text("DELETE FROM main.auditevent"),
                           text("DELETE FROM [auditevent]"), text("UPDATE OR IGNORE auditevent SET detail = 'x'"),
                           text("REPLACE INTO auditevent (id, at, kind, username, address, target, detail) "
                                "SELECT id, at, kind, username, address, target, 'forged' FROM auditevent")]
        else:
            statements += [text("TRUNCATE auditevent"),
                           text("MERGE INTO auditevent a USING (SELECT 1 AS one) s ON true "
                                "WHEN MATCHED THEN UPDATE SET detail = 'x'")]
        for statement in statements:
            with pytest.raises(DBAPIError, match="append-only"):
                session.exec(statement)
            session.rollback()
    assert [e.detail for e in events(app)] == [""]


def test_an_event_outlives_its_user(app, client):
    make_user(app, "rita")
    log_in(app.test_client(), "rita")
    with Session(app.extensions["factcheck.engine"]) as session:
        session.exec(text("DELETE FROM loginsession"))
        session.exec(text("DELETE FROM \"user\" WHERE username = 'rita'"))
        session.commit()
    rita = [e for e in events(app, "login") if e.username == "rita"]
    assert len(rita) == 1 and rita[0].user_id is None


def test_the_csrf_refusal_uses_a_fresh_token_check(app, client):
    """The token of another session is refused and recorded like a missing one."""
    other = login_as(app, "editor", "eddie")
    response = client.post("/users", data={"csrf_token": csrf_of(other), "username": "m", "password": "p", "role": "admin"})
    assert response.status_code == 400 and only(app, "csrf_refused").username == "admin"
