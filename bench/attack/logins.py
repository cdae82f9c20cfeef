"""Categories 6 and 7: the login throttle (on the server behind a "proxy": each probe names its own
address) and sessions (idle and absolute limits, the proxy's headers, no-store)."""

from __future__ import annotations

import datetime as dt
import os
import time

from sqlmodel import select

from bench.attack.client import from_address, to_login
from bench.attack.results import category, check, note
from bench.attack.snapshot import Database
from bench.attack.world import World, fill, rules
from factcheck.domain.permissions import PERMISSIONS
from factcheck.models import LoginFailure, LoginSession

JUNK_PASSWORD = "wrong password, wrong"


def login_throttle(world: World, flood_seconds: float) -> None:
    name, audit = category(6), category(11)
    port, db = world.proxied.port, world.db
    failed, locked = db.audit("login_failed"), db.audit("lockout")
    statuses: dict[int, int] = {}
    # 10,001 made-up usernames from one address: 50 failures, then the address is refused.
    flood = from_address(port, "203.0.113.10")
    started = time.perf_counter()
    for number in range(10_001):
        answer = flood.log_in(f"junk-{number:05d}-{os.urandom(3).hex()}", JUNK_PASSWORD)
        statuses[answer.status] = statuses.get(answer.status, 0) + 1
        wanted = 401 if number < 50 else 429
        check(name, answer.status == wanted, f"junk login {number} from one address -> {answer.status}, expected {wanted}")
    seconds = time.perf_counter() - started
    note(name, f"10,001 junk logins from one address in {seconds:.0f} s ({10_001 / seconds:.0f}/s): {statuses}")
    note(name, f"loginfailure holds {db.count(LoginFailure)} rows after the flood "
               "(the address's 50 failures and their accounts')")
    for number in range(11):
        answer = flood.log_in("thea", "not thea's password")
        check(name, answer.status == 429, f"failure {number + 1} on a real account from the locked address -> {answer.status}")
    answer = flood.log_in("thea")
    check(name, answer.status == 429, f"the right password from the locked address -> {answer.status}, expected 429")
    # Made-up usernames from many addresses (each one costs a password hash), for flood_seconds.
    started, count, tally = time.perf_counter(), 0, {}
    while time.perf_counter() - started < flood_seconds and count < 10_001:
        answer = from_address(port, f"198.18.{count // 250}.{count % 250 + 1}").log_in(f"junk-{count}", JUNK_PASSWORD)
        tally[answer.status] = tally.get(answer.status, 0) + 1
        check(name, answer.status == 401, f"junk login {count} from its own address -> {answer.status}, expected 401")
        count += 1
    seconds = time.perf_counter() - started
    note(name, f"{count:,} junk logins from as many addresses in {seconds:.0f} s ({count / seconds:.1f}/s, one argon2id "
               f"hash each at the production cost): {tally}")
    for number in range(11):
        answer = from_address(port, f"198.19.0.{number + 1}").log_in("thea", "not thea's password")
        wanted = 401 if number < 10 else 429
        check(name, answer.status == wanted, f"failure {number + 1} on thea, own address -> {answer.status}, expected {wanted}")
    answer = from_address(port, "198.19.1.1").log_in("thea")
    check(name, answer.status == 429, f"thea's right password after 11 failures -> {answer.status}, expected 429")
    # A 1.9 MB username: refused before anything is hashed or stored.
    client = from_address(port, "198.19.2.1")
    token = client.token()
    rss_before, _ = world.proxied.memory()
    rows_before = db.count(LoginFailure)
    answer = client.post("/login", {"username": "x" * 1_900_000, "password": "x", "csrf_token": token})
    rss_after, peak = world.proxied.memory()
    rows_after = db.count(LoginFailure)
    check(name, answer.status == 401 and answer.seconds < 2 and rows_after == rows_before,
          f"1.9 MB username -> {answer.status} in {answer.seconds:.2f} s, loginfailure {rows_before} -> {rows_after}")
    check(name, rss_after - rss_before < 32, f"1.9 MB username: worker RSS {rss_before} -> {rss_after} MB")
    note(name, f"1.9 MB username: {answer.status} in {answer.seconds:.2f} s, RSS {rss_before} -> {rss_after} MB (peak {peak})")
    failures = statuses.get(401, 0) + tally.get(401, 0) + 10 + 1
    lockouts = statuses.get(429, 0) + 12 + 2
    check(audit, db.audit("login_failed") - failed == failures,
          f"login_failed entries: {db.audit('login_failed') - failed}, expected {failures}")
    check(audit, db.audit("lockout") - locked == lockouts,
          f"lockout entries: {db.audit('lockout') - locked}, expected {lockouts}")


def move_session(db: Database, username: str, **changes: dt.datetime) -> None:
    with db.session() as session:
        login = session.exec(select(LoginSession).where(LoginSession.user_id == db.user_id(username))
                             .order_by(LoginSession.id.desc())).first()
        for field, value in changes.items():
            setattr(login, field, value)
        session.add(login)
        session.commit()


def sessions(world: World) -> None:
    from factcheck.models import utcnow

    name, db = category(7), world.db
    for what, changes in (("idle 31 minutes", {"last_seen": utcnow() - dt.timedelta(minutes=31)}),
                          ("made 12 h 1 min ago", {"created": utcnow() - dt.timedelta(hours=12, minutes=1),
                                                   "expires": utcnow() - dt.timedelta(minutes=1)})):
        for htmx in (False, True):
            client = world.main.client()
            check(name, client.log_in("olga").status == 303, "olga could not log in")
            check(name, client.get("/").status == 200, "olga's first page")
            move_session(db, "olga", **changes)
            answer = client.get("/", htmx=htmx)
            ended = to_login(answer) and (not htmx or "session has ended" in answer.text)
            check(name, ended, f"a session {what}: GET / (htmx={htmx}) -> {answer.status} {answer.header('Location')}")
    for server, trusted in ((world.proxied, True), (world.main, False)):
        client = server.client({"X-Forwarded-Proto": "https", "X-Forwarded-For": "192.0.2.77"})
        answer = client.log_in("olga")
        cookies = client.set_cookies
        secure = bool(cookies) and all("Secure" in c for c in cookies)
        hsts = answer.header("Strict-Transport-Security")
        if trusted:
            check(name, answer.status == 303 and secure and hsts == "max-age=31536000",
                  f"TRUSTED_PROXIES=1, X-Forwarded-Proto https: {answer.status}, cookies {cookies}, HSTS {hsts!r}")
        else:
            check(name, answer.status == 303 and not any("Secure" in c for c in cookies) and not hsts,
                  f"without TRUSTED_PROXIES, X-Forwarded-Proto https believed: cookies {cookies}, HSTS {hsts!r}")
    # Without TRUSTED_PROXIES an X-Forwarded-For is not the address logged either.
    world.main.client({"X-Forwarded-For": "203.0.113.99"}).log_in("nobody-here", "wrong password")
    last = db.last_audit()
    check(name, last.address == "127.0.0.1", f"without TRUSTED_PROXIES the audit address is {last.address!r}")
    admin = world.clients["admin"]
    for endpoint, method, rule in rules():
        if method != "GET" or endpoint in ("static", "web.htmx_js") or PERMISSIONS[endpoint].public:
            continue
        answer = admin.get(fill(rule, world.values))
        check(name, answer.header("Cache-Control") == "no-store",
              f"signed-in GET {fill(rule, world.values)} -> {answer.status}, Cache-Control {answer.header('Cache-Control')!r}")
