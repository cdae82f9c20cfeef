"""The login throttle kept in the database (per account and per client address), and sessions
that end when idle or at their absolute lifetime. Runs on PostgreSQL too (FACTCHECK_TEST_POSTGRES_URL)."""

from __future__ import annotations

import datetime as dt
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import event, func
from sqlmodel import Session, select

from factcheck import create_app
from factcheck.domain import login_guard
from factcheck.domain.login_guard import LoginLimits
from factcheck.models import LoginFailure, LoginSession, utcnow
from tests.conftest import FAST_HASHING, PASSWORD, html, log_in, make_user

WRONG = "wrong password!"


def client_from(app, address: str):
    """A test client whose requests come from this address (request.remote_addr)."""
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    return client


def stored(app, kind: str | None = None, key: str | None = None) -> int:
    """How many failures are stored (of one kind, or one key), read afresh."""
    query = select(func.count()).select_from(LoginFailure)
    if kind is not None:
        query = query.where(LoginFailure.kind == kind)
    if key is not None:
        query = query.where(LoginFailure.key == key)
    with Session(app.extensions["factcheck.engine"]) as session:
        return session.exec(query).one()


def alert(response) -> str:
    return html(response).find(role="alert").get_text()


@pytest.fixture
def worker(database_url):
    """Make another app on the test's database, as another server process (a gunicorn worker) would."""
    made = []

    def make(**settings):
        app = create_app({"TESTING": True, "DATABASE_URL": database_url, "SECRET_KEY": "test-secret", **FAST_HASHING, **settings})
        made.append(app)
        return app

    yield make
    for app in made:
        app.extensions["factcheck.engine"].dispose()


# --- Failures are kept in the database --------------------------------------------------------------


def test_failed_logins_are_stored_although_the_answer_rolls_back(app):
    make_user(app, "ana")
    client = client_from(app, "192.0.2.7")
    assert log_in(client, "ANA ", WRONG).status_code == 401
    assert log_in(client, "nobody", PASSWORD).status_code == 401
    assert stored(app, "account", "ana") == 1 and stored(app, "account", "nobody") == 1
    assert stored(app, "address", "192.0.2.7") == 2


def test_a_lock_holds_in_every_worker_and_across_a_restart(app, worker):
    make_user(app, "ana")
    second = worker()
    limit = app.config["LOGIN_MAX_FAILURES"]
    for number in range(limit):  # the guesses alternate between two processes
        assert log_in(client_from(app if number % 2 else second, f"198.51.100.{number}"), "ana", WRONG).status_code == 401
    for each in (app, second):
        response = log_in(client_from(each, "203.0.113.1"), "ana")
        assert response.status_code == 429
        assert "Too many failed logins for this username" in alert(response)
    app.extensions["factcheck.engine"].dispose()
    second.extensions["factcheck.engine"].dispose()
    restarted = worker()  # the server restarted: nothing was in its memory
    assert log_in(client_from(restarted, "203.0.113.1"), "ana").status_code == 429


def test_a_spray_of_junk_usernames_cannot_unlock_a_locked_account(worker):
    """The in-memory throttle kept 10,000 usernames: the 10,001st pushed a locked one out, and its
    right password worked again. Rows have no such limit; they leave only with the window."""
    app = worker(LOGIN_MAX_FAILURES=3)
    make_user(app, "ana")
    for _ in range(3):
        log_in(client_from(app, "192.0.2.1"), "ana", WRONG)
    now = utcnow()
    with Session(app.extensions["factcheck.engine"]) as session:
        for number in range(10_001):  # from as many addresses, so no address limit is reached
            session.add(LoginFailure(kind="account", key=f"spray{number}", at=now))
            session.add(LoginFailure(kind="address", key=f"10.0.{number // 256}.{number % 256}", at=now))
        session.commit()
    response = log_in(client_from(app, "192.0.2.2"), "ana")
    assert response.status_code == 429
    # And through the domain, one junk username after another, each attempt recorded the same way.
    limits = LoginLimits(per_account=3, per_address=0, window=dt.timedelta(minutes=15))
    engine = app.extensions["factcheck.engine"]
    for number in range(200):
        login_guard.attempt(engine, f"junk{number}", f"10.1.{number}.1", now, limits)
    with Session(engine) as session:
        assert login_guard.locked(session, "ana", "192.0.2.3", now, limits) == login_guard.ACCOUNT_LOCKED


def test_one_address_trying_many_usernames_is_stopped(worker):
    app = worker(LOGIN_MAX_FAILURES_PER_ADDRESS=5)
    make_user(app, "ana")
    sprayer = client_from(app, "192.0.2.66")
    for number in range(5):
        assert log_in(sprayer, f"guess{number}", WRONG).status_code == 401
    response = log_in(sprayer, "ana")  # even a right password, from there
    assert response.status_code == 429
    assert "Too many failed logins from this address" in alert(response)
    assert log_in(client_from(app, "192.0.2.67"), "ana").status_code == 303  # another address
    assert stored(app, "address", "192.0.2.66") == 5  # refused attempts are not counted


def test_an_ipv6_client_is_counted_by_its_network():
    assert login_guard.address_key("2001:db8:1:2:aaaa::1") == login_guard.address_key("2001:db8:1:2:ffff::9")
    assert login_guard.address_key("2001:db8:1:2::1") == "2001:db8:1:2::/64"
    assert login_guard.address_key("::ffff:192.0.2.1") == "192.0.2.1"
    assert login_guard.address_key(None) == ""
    assert len(login_guard.address_key("x" * 500)) == login_guard.ADDRESS_MAX_CHARS


def test_a_lock_does_not_tell_whether_the_username_exists(worker):
    app = worker(LOGIN_MAX_FAILURES=2)
    make_user(app, "ana")
    answers = []
    for username in ("ana", "nobody"):
        client = client_from(app, f"192.0.2.{len(answers) + 10}")
        for _ in range(2):
            log_in(client, username, WRONG)
        response = log_in(client, username, WRONG)
        answers.append((response.status_code, alert(response)))
    assert answers[0] == answers[1] and answers[0][0] == 429


def test_a_success_clears_the_accounts_failures_but_not_the_addresses(app):
    make_user(app, "ana")
    client = client_from(app, "192.0.2.9")
    for _ in range(app.config["LOGIN_MAX_FAILURES"] - 1):
        log_in(client, "ana", WRONG)
    assert log_in(client, "ana").status_code == 303
    assert stored(app, "account", "ana") == 0
    # The failures still count against the address; the successful attempt itself does not.
    assert stored(app, "address", "192.0.2.9") == app.config["LOGIN_MAX_FAILURES"] - 1


def test_parallel_guesses_count_before_their_passwords_are_checked(app):
    limits = LoginLimits(per_account=10, per_address=0, window=dt.timedelta(minutes=15))
    engine = app.extensions["factcheck.engine"]
    now = utcnow()
    with ThreadPoolExecutor(8) as pool:
        answers = list(pool.map(lambda n: login_guard.attempt(engine, "ana", f"192.0.2.{n}", now, limits)[0], range(40)))
    allowed = answers.count(None)
    assert 1 <= allowed <= 10  # never more than the limit, however the attempts interleave
    assert stored(app, "account", "ana") == allowed  # the refused ones took their rows back


def test_old_failures_stop_counting_and_are_pruned(app):
    limits = LoginLimits(per_account=3, per_address=0, window=dt.timedelta(minutes=15))
    engine = app.extensions["factcheck.engine"]
    start = utcnow()
    for number in range(3):
        login_guard.attempt(engine, "ana", f"192.0.2.{number}", start, limits)
    assert login_guard.attempt(engine, "ana", "192.0.2.9", start, limits)[0] == login_guard.ACCOUNT_LOCKED
    later = start + dt.timedelta(minutes=16)
    assert login_guard.attempt(engine, "ana", "192.0.2.9", later, limits)[0] is None
    assert stored(app, "account", "ana") == 1  # the three old ones deleted with the new one
    assert stored(app) == 2  # and the old addresses' rows by the global prune


# --- Sessions end when idle, and at their absolute lifetime -------------------------------------------


class Clock:
    """utcnow() for the views, moved by hand."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> dt.datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += dt.timedelta(**delta)


@pytest.fixture
def clock(monkeypatch):
    clock = Clock()
    monkeypatch.setattr("factcheck.views.auth.utcnow", clock)
    return clock


def signed_in(client) -> bool:
    return client.get("/").status_code == 200


def test_a_session_unused_for_longer_than_the_idle_limit_has_ended(app, clock):
    make_user(app, "ana")
    client = app.test_client()
    assert log_in(client, "ana").status_code == 303
    clock.advance(minutes=29)
    assert signed_in(client)
    clock.advance(minutes=31)
    response = client.get("/articles/1", headers={"HX-Request": "true", "HX-Current-URL": "http://h/articles/1"})
    assert response.status_code == 401 and "Your session has ended" in response.get_data(as_text=True)
    assert client.get("/").status_code == 303  # a plain page: to the login page


def test_a_session_used_every_ten_minutes_lasts_until_its_absolute_limit(app, clock):
    make_user(app, "ana")
    client = app.test_client()
    assert log_in(client, "ana").status_code == 303
    for _ in range(app.config["SESSION_LIFETIME_HOURS"] * 6 - 1):
        clock.advance(minutes=10)
        assert signed_in(client)
    clock.advance(minutes=10)  # 12 hours after the login
    assert not signed_in(client)


def test_an_idle_limit_of_zero_keeps_a_session_until_its_lifetime(worker, clock):
    app = worker(SESSION_IDLE_MINUTES=0)
    make_user(app, "ana")
    client = app.test_client()
    assert log_in(client, "ana").status_code == 303
    clock.advance(hours=11)
    assert signed_in(client)


def test_the_last_use_is_written_at_most_once_a_minute_even_by_reads_that_fail(app, clock):
    make_user(app, "ana")
    client = app.test_client()
    assert log_in(client, "ana").status_code == 303
    engine = app.extensions["factcheck.engine"]
    writes: list[str] = []

    def count(_connection, _cursor, statement, *_args) -> None:  # noqa: ANN001
        if statement.lstrip().upper().startswith("UPDATE LOGINSESSION"):
            writes.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        for _ in range(5):
            clock.advance(seconds=10)
            assert signed_in(client)
        assert writes == []  # within the minute: nothing written
        clock.advance(seconds=20)
        assert client.get("/articles/999999").status_code == 404  # a 4xx rolls its unit of work back...
        assert len(writes) == 1
        assert signed_in(client) and len(writes) == 1
    finally:
        event.remove(engine, "before_cursor_execute", count)
    with Session(engine) as session:
        [login] = session.exec(select(LoginSession)).all()
    seen = login.last_seen if login.last_seen.tzinfo else login.last_seen.replace(tzinfo=dt.UTC)
    assert seen == clock.now  # ...but the use was kept: its own transaction
    clock.advance(minutes=29)
    assert signed_in(client)  # idle counted from that last use, not from the login


def test_recording_a_use_costs_little(app, clock):
    """What the last-use write adds to a request that makes it (printed: `pytest -s`)."""
    make_user(app, "ana")
    client = app.test_client()
    assert log_in(client, "ana").status_code == 303
    client.get("/")

    def timed(step: dt.timedelta, rounds: int = 30) -> float:
        start = time.perf_counter()
        for _ in range(rounds):
            clock.now += step
            client.get("/")
        return (time.perf_counter() - start) / rounds

    quiet = timed(dt.timedelta(seconds=1))
    writing = timed(dt.timedelta(minutes=2))
    print(f"\nGET /: {quiet * 1000:.2f} ms; with the last-use write: {writing * 1000:.2f} ms")
    assert writing < quiet + 0.05
