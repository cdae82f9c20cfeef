"""Accounts: logging in and out, server-side sessions, passwords, user management, create-user."""

from __future__ import annotations

import pytest
from sqlmodel import select

from factcheck import create_app
from factcheck.config import DEFAULTS
from factcheck.domain.accounts import HashParameters, hash_password
from factcheck.models import LoginSession, User
from factcheck.vocabulary import Role
from tests.conftest import PASSWORD, html, log_in, login_as, make_user, post

NEW_PASSWORD = "a different long passphrase"


def users(db) -> dict[str, User]:
    db.expire_all()
    return {u.username: u for u in db.exec(select(User)).all()}


def session_rows(db, user: User) -> int:
    db.expire_all()
    return len(db.exec(select(LoginSession).where(LoginSession.user_id == user.id)).all())


# --- Passwords ---------------------------------------------------------------------------


def test_default_password_hash_is_argon2id_above_the_owasp_minimum():
    params = HashParameters(DEFAULTS["ARGON2_TIME_COST"], DEFAULTS["ARGON2_MEMORY_KIB"], DEFAULTS["ARGON2_PARALLELISM"])
    encoded = hash_password("whatever it is here", params)
    assert encoded.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
    # OWASP's minimum for argon2id: 19 MiB of memory, 2 iterations.
    assert params.memory_kib >= 19 * 1024 and params.time_cost >= 2


def test_passwords_are_stored_hashed_with_a_salt(app, db):
    make_user(app, "ana")
    make_user(app, "ben")
    stored = users(db)
    assert stored["ana"].password_hash.startswith("$argon2id$")
    assert PASSWORD not in stored["ana"].password_hash
    assert stored["ana"].password_hash != stored["ben"].password_hash


def test_login_rehashes_a_password_stored_with_weaker_parameters(app, db):
    make_user(app, "ana")  # stored with the test's cheapest cost
    app.config["ARGON2_TIME_COST"] = 2
    assert log_in(app.test_client(), "ana").status_code == 303
    assert ",t=2," in users(db)["ana"].password_hash


# --- Logging in --------------------------------------------------------------------------


def test_signed_out_visitors_are_sent_to_the_login_page(anonymous):
    response = anonymous.get("/articles/new?x=1")
    assert response.status_code == 303
    assert response.headers["Location"] == "/login?next=/articles/new?x%3D1"


def test_a_signed_out_htmx_request_gets_401_and_a_redirect_to_login(anonymous):
    response = anonymous.get("/claims/1", headers={"HX-Request": "true", "HX-Current-URL": "http://h/articles/1"})
    assert response.status_code == 401
    assert response.headers["HX-Redirect"] == "/login?next=/articles/1"


def test_login_goes_to_the_page_asked_for(app, anonymous):
    make_user(app, "ana", "editor")
    page = html(anonymous.get("/login?next=/articles/new"))
    token = page.find("input", attrs={"name": "csrf_token"})["value"]
    assert page.find("input", attrs={"name": "next"})["value"] == "/articles/new"
    response = anonymous.post(
        "/login", data={"username": " ANA ", "password": PASSWORD, "next": "/articles/new", "csrf_token": token}
    )
    assert response.headers["Location"] == "/articles/new"
    assert anonymous.get("/articles/new").status_code == 200


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"])
def test_login_never_redirects_off_site(app, anonymous, target):
    make_user(app, "ana")
    page = html(anonymous.get("/login"))
    token = page.find("input", attrs={"name": "csrf_token"})["value"]
    response = anonymous.post("/login", data={"username": "ana", "password": PASSWORD, "next": target, "csrf_token": token})
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize(("username", "password"), [("ana", "wrong password!"), ("nobody", PASSWORD), ("", "")])
def test_a_failed_login_says_the_same_thing_whatever_was_wrong(app, anonymous, username, password):
    make_user(app, "ana")
    response = log_in(anonymous, username, password)
    assert response.status_code == 401
    assert "Wrong username or password" in html(response).find(role="alert").get_text()
    assert anonymous.get("/").status_code == 303  # still signed out


def test_repeated_failed_logins_lock_the_username_for_a_while(app, anonymous):
    make_user(app, "ana")
    make_user(app, "ben")
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert log_in(anonymous, "ana", "wrong password!").status_code == 401
    response = log_in(anonymous, "ANA", PASSWORD)  # even the right password, until the window passes
    assert response.status_code == 429
    assert "Too many failed logins" in html(response).find(role="alert").get_text()
    assert log_in(app.test_client(), "ben").status_code == 303  # other users are not affected


def test_a_successful_login_forgets_earlier_failures(app, anonymous):
    make_user(app, "ana")
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        log_in(anonymous, "ana", "wrong password!")
    assert log_in(anonymous, "ana").status_code == 303
    assert log_in(app.test_client(), "ana", "wrong password!").status_code == 401
    assert log_in(app.test_client(), "ana").status_code == 303


def test_the_session_cookie_is_httponly_and_samesite_lax(app, anonymous):
    make_user(app, "ana")
    cookie = log_in(anonymous, "ana").headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie


def test_the_session_cookie_is_secure_over_https(app):
    make_user(app, "ana")
    client = app.test_client()
    page = html(client.get("/login", base_url="https://factcheck.example"))
    token = page.find("input", attrs={"name": "csrf_token"})["value"]
    response = client.post(
        "/login", base_url="https://factcheck.example", data={"username": "ana", "password": PASSWORD, "csrf_token": token}
    )
    assert "Secure" in response.headers["Set-Cookie"]


def test_logging_in_starts_a_new_session(app, anonymous):
    """No session fixation: the cookie before login (with its CSRF token) is not the one after."""
    make_user(app, "ana")
    before = html(anonymous.get("/login")).find("input", attrs={"name": "csrf_token"})["value"]
    log_in(anonymous, "ana")
    after = html(anonymous.get("/")).find("input", attrs={"name": "csrf_token"})["value"]
    assert before != after


# --- Ending sessions on the server ---------------------------------------------------------


def test_logout_ends_the_session_on_the_server(app, db):
    client = login_as(app, "reviewer", "ana")
    stolen = client.get_cookie("session").value  # a copy of the cookie, as an attacker might have
    assert post(client, "/logout").headers["Location"] == "/login"
    assert session_rows(db, users(db)["ana"]) == 0
    replay = app.test_client()
    replay.set_cookie("session", stolen)
    assert replay.get("/").status_code == 303


def test_changing_the_password_signs_out_every_other_browser(app, db):
    laptop = login_as(app, "reviewer", "ana")
    phone = app.test_client()
    log_in(phone, "ana")
    response = post(laptop, "/account/password", {"current": PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 200
    assert "Password changed" in html(response).get_text()
    assert phone.get("/").status_code == 303
    assert laptop.get("/").status_code == 200
    assert session_rows(db, users(db)["ana"]) == 1
    assert log_in(app.test_client(), "ana", NEW_PASSWORD).status_code == 303
    assert log_in(app.test_client(), "ana", PASSWORD).status_code == 401


@pytest.mark.parametrize(
    ("current", "new", "confirm", "message"),
    [
        ("wrong current pass", NEW_PASSWORD, NEW_PASSWORD, "current password is wrong"),
        (PASSWORD, NEW_PASSWORD, NEW_PASSWORD + "x", "differ"),
        (PASSWORD, "short", "short", "at least 12"),
        (PASSWORD, "x" * 129, "x" * 129, "at most 128"),
    ],
)
def test_a_refused_password_change_keeps_the_old_password(app, current, new, confirm, message):
    client = login_as(app, "reviewer", "ana")
    response = post(client, "/account/password", {"current": current, "new": new, "confirm": confirm})
    assert response.status_code == 422
    assert message in html(response).find(role="alert").get_text()
    assert log_in(app.test_client(), "ana").status_code == 303


# --- Managing users ------------------------------------------------------------------------


def test_an_admin_adds_a_user_who_can_then_log_in(app, client, db):
    response = post(client, "/users", {"username": "Bea", "display_name": "Bea  Smith", "role": "editor", "password": PASSWORD})
    assert response.status_code == 303
    bea = users(db)["bea"]
    assert (bea.role, bea.display_name, bea.active) == (Role.EDITOR, "Bea Smith", True)
    row = html(client.get("/users")).find(id=f"user-{bea.id}")
    assert row.th.get_text(strip=True) == "bea"
    assert log_in(app.test_client(), "bea").status_code == 303


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"username": "admin", "role": "reviewer", "password": PASSWORD}, "already a user called admin"),
        ({"username": "x y", "role": "reviewer", "password": PASSWORD}, "2 to 40 characters"),
        ({"username": "cara", "role": "owner", "password": PASSWORD}, "no role 'owner'"),
        ({"username": "cara", "role": "reviewer", "password": "too short"}, "at least 12"),
        ({"username": "cara", "role": "reviewer", "password": "CARA"}, "at least 12"),
        ({"username": "cara-the-reviewer", "role": "reviewer", "password": "Cara-The-Reviewer"}, "not be the username"),
    ],
)
def test_a_user_that_cannot_be_added_gets_422_and_nothing_is_stored(client, db, form, message):
    before = set(users(db))
    response = post(client, "/users", form)
    assert response.status_code == 422
    assert message in html(response).find(role="alert").get_text()
    assert set(users(db)) == before


def test_switching_a_user_off_ends_their_sessions(app, client, db):
    ana = login_as(app, "reviewer", "ana")
    user_id = users(db)["ana"].id
    assert post(client, f"/users/{user_id}", {"role": "reviewer", "active": "0", "display_name": ""}).status_code == 303
    assert ana.get("/").status_code == 303
    assert log_in(app.test_client(), "ana").status_code == 401
    assert "switched off" in html(client.get("/users")).find(id=f"user-{user_id}").get_text()


def test_an_admin_resets_a_password(app, client, db):
    ana = login_as(app, "reviewer", "ana")
    user_id = users(db)["ana"].id
    assert post(client, f"/users/{user_id}/password", {"password": NEW_PASSWORD}).status_code == 303
    assert ana.get("/").status_code == 303
    assert log_in(app.test_client(), "ana", NEW_PASSWORD).status_code == 303


@pytest.mark.parametrize("change", [{"role": "editor", "active": "1"}, {"role": "admin", "active": "0"}])
def test_the_last_admin_cannot_be_demoted_or_switched_off(client, db, change):
    admin = users(db)["admin"]
    response = post(client, f"/users/{admin.id}", change)
    assert response.status_code == 422
    assert "last active admin" in html(response).find(role="alert").get_text()
    assert users(db)["admin"].role == Role.ADMIN and users(db)["admin"].active


def test_the_nav_shows_what_the_role_may_use(app, client):
    assert {a.get_text() for a in html(client.get("/")).select("nav a")} == {"Articles", "My queue", "Archive", "Dashboard", "Reports", "New article", "Assignments", "Approval rules", "Rating scales", "Users", "Audit log"}
    reviewer = login_as(app, "reviewer", "ana")
    page = html(reviewer.get("/"))
    assert {a.get_text() for a in page.select("nav a")} == {"Articles", "My queue", "Archive", "Dashboard", "Reports", "Rating scales"}
    assert "ana (Reviewer)" in page.find(class_="account").get_text()


# --- factcheck create-user -------------------------------------------------------------------


def test_create_user_reads_the_password_from_stdin(app, runner, db):
    result = runner.invoke(args=["create-user", "Chief", "--role", "admin", "--name", "The Chief"], input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    assert "Created admin chief" in result.output
    assert users(db)["chief"].display_name == "The Chief"
    assert log_in(app.test_client(), "chief").status_code == 303


def test_create_user_if_missing_leaves_an_existing_user_alone(client, runner, db):
    before = users(db)["admin"].password_hash
    result = runner.invoke(args=["create-user", "admin", "--role", "admin", "--if-missing"], input="another password\n")
    assert result.exit_code == 0
    assert "exists already" in result.stderr
    assert users(db)["admin"].password_hash == before


@pytest.mark.parametrize(
    ("args", "password", "message"),
    [
        (["create-user", "admin"], PASSWORD, "Error: There is already a user called admin."),
        (["create-user", "newbie"], "short", "Error: A password needs at least 12 characters."),
        (["create-user", "bad name"], PASSWORD, "Error: A username is 2 to 40 characters"),
    ],
)
def test_create_user_refuses_bad_input_with_one_line_on_stderr(client, runner, db, args, password, message):
    before = set(users(db))
    result = runner.invoke(args=args, input=password + "\n")
    assert result.exit_code == 1
    assert result.stderr.startswith(message) and result.stderr.count("\n") == 1
    assert set(users(db)) == before


def test_a_fresh_app_has_no_account_until_one_is_created(tmp_path):
    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite'}", "SECRET_KEY": "x"})
    with app.app_context():
        from factcheck.db import get_session

        assert get_session().exec(select(User)).all() == []
    assert "factcheck create-user" in html(app.test_client().get("/login")).get_text()
    make_user(app, "first", "admin")
    hint = html(app.test_client().get("/login")).select_one("p.hint").get_text()
    assert "Ask an admin" in hint and "create-user" not in hint
    app.extensions["factcheck.engine"].dispose()


def test_the_users_page_is_paged_in_a_fixed_number_of_queries(app, client):
    from factcheck.domain.accounts import USERS_PER_PAGE
    from tests.conftest import counted_queries

    client.get("/users")
    with counted_queries(app) as one:
        client.get("/users")
    for number in range(USERS_PER_PAGE + 4):
        make_user(app, f"user{number:03d}")
    with counted_queries(app) as many:
        first = html(client.get("/users"))
    assert len(many) == len(one)
    assert len(first.select("table.users tbody tr")) == USERS_PER_PAGE
    second = html(client.get(first.select_one("nav.pages a[rel=next]")["href"]))
    assert [th.get_text(strip=True) for th in second.select("table.users tbody th")] == [
        f"user{number:03d}" for number in range(USERS_PER_PAGE - 1, USERS_PER_PAGE + 4)
    ]
