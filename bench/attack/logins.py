"""Categories 6 and 7: the login throttle (on the server behind a "proxy": each probe names its own
address) and sessions (idle and absolute limits, the proxy's headers, no-store)."""

from __future__ import annotations

import datetime as dt
import os
import re
import time

from sqlmodel import col, select

from bench.attack.client import PASSWORD, Answer, Client, from_address, to_login
from bench.attack.results import category, check, note
from bench.attack.snapshot import Database
from bench.attack.world import World, fill, rules
from factcheck.domain.permissions import PERMISSIONS
from factcheck.models import AuditEvent, LoginFailure, LoginSession

JUNK_PASSWORD = "wrong password, wrong"


def login_throttle(world: World, flood_seconds: float) -> None:
    name, audit = category(6), category(11)
    port, db = world.proxied.port, world.db
    failed = db.audit("login_failed")
    statuses: dict[int, int] = {}
    refused: dict[str, list[float]] = {}  # when each address was refused (429), for the lockout entries

    def log_in(address: str, client: Client, username: str, password: str = PASSWORD, **form: str) -> Answer:
        answer = client.post("/login", {"username": username, "password": password, **form}) if form else \
            client.log_in(username, password)
        if answer.status == 429:
            refused.setdefault(address, []).append(time.time())
        return answer

    # 10,001 made-up usernames from one address: 50 failures, then the address is refused.
    flood = from_address(port, "203.0.113.10")
    started = time.perf_counter()
    for number in range(10_001):
        answer = log_in("203.0.113.10", flood, f"junk-{number:05d}-{os.urandom(3).hex()}", JUNK_PASSWORD)
        statuses[answer.status] = statuses.get(answer.status, 0) + 1
        wanted = 401 if number < 50 else 429
        check(name, answer.status == wanted, f"junk login {number} from one address -> {answer.status}, expected {wanted}")
    seconds = time.perf_counter() - started
    note(name, f"10,001 junk logins from one address in {seconds:.0f} s ({10_001 / seconds:.0f}/s): {statuses}")
    note(name, f"loginfailure holds {db.count(LoginFailure)} rows after the flood "
               "(the address's 50 failures and their accounts')")
    for number in range(11):
        answer = log_in("203.0.113.10", flood, "thea", "not thea's password")
        check(name, answer.status == 429, f"failure {number + 1} on a real account from the locked address -> {answer.status}")
    answer = log_in("203.0.113.10", flood, "thea")
    check(name, answer.status == 429, f"the right password from the locked address -> {answer.status}, expected 429")
    # Made-up usernames from many addresses (each one costs a password hash), for flood_seconds; the
    # locked address goes on trying once a second meanwhile (its lockouts span minutes: one entry a minute).
    started, count, tally, last_locked = time.perf_counter(), 0, {}, 0.0
    while time.perf_counter() - started < flood_seconds and count < 10_001:
        answer = from_address(port, f"198.18.{count // 250}.{count % 250 + 1}").log_in(f"junk-{count}", JUNK_PASSWORD)
        tally[answer.status] = tally.get(answer.status, 0) + 1
        check(name, answer.status == 401, f"junk login {count} from its own address -> {answer.status}, expected 401")
        count += 1
        if time.perf_counter() - last_locked >= 1:
            last_locked = time.perf_counter()
            answer = log_in("203.0.113.10", flood, f"junk-again-{count}", JUNK_PASSWORD)
            check(name, answer.status == 429,
                  f"the locked address again, {last_locked - started:.0f} s into the flood -> {answer.status}")
    seconds = time.perf_counter() - started
    note(name, f"{count:,} junk logins from as many addresses in {seconds:.0f} s ({count / seconds:.1f}/s, one argon2id "
               f"hash each at the production cost): {tally}")
    for number in range(11):
        address = f"198.19.0.{number + 1}"
        answer = log_in(address, from_address(port, address), "thea", "not thea's password")
        wanted = 401 if number < 10 else 429
        check(name, answer.status == wanted, f"failure {number + 1} on thea, own address -> {answer.status}, expected {wanted}")
    answer = log_in("198.19.1.1", from_address(port, "198.19.1.1"), "thea")
    check(name, answer.status == 429, f"thea's right password after 11 failures -> {answer.status}, expected 429")
    too_long = too_long_usernames(world, log_in)
    failures = statuses.get(401, 0) + tally.get(401, 0) + 10 + too_long
    check(audit, db.audit("login_failed") - failed == failures,
          f"login_failed entries: {db.audit('login_failed') - failed}, expected {failures}")
    for address, times in refused.items():
        lockouts_once_a_minute(world, address, times)


def too_long_usernames(world: World, log_in) -> int:  # noqa: ANN001 (login_throttle's log_in)
    """A 1.9 MB username: refused before its password is hashed, counted as a failure cut to 40
    characters; then 49 more usernames of 41 to 89 characters from the same address, each a
    different account once cut (the account limit is not what stops them), until it is locked.
    Returns the failures counted."""
    name, db, address = category(6), world.db, "198.19.2.1"
    client = from_address(world.proxied.port, address)
    token = client.token()
    rss_before, _ = world.proxied.memory()
    rows_before = db.count(LoginFailure)
    answer = log_in(address, client, "x" * 1_900_000, "x", csrf_token=token)
    rss_after, peak = world.proxied.memory()
    rows_after = db.count(LoginFailure)
    entry = db.last_audit(AuditEvent.kind == "login_failed")
    check(name, answer.status == 401 and answer.seconds < 2 and rows_after == rows_before + 2,
          f"1.9 MB username -> {answer.status} in {answer.seconds:.2f} s, loginfailure {rows_before} -> {rows_after} "
          "(expected 2 more: the account cut to 40 and the address)")
    check(category(11), entry.username == "x" * 40 and entry.address == address,
          f"1.9 MB username: audit entry {entry.username[:50]!r} from {entry.address!r}, expected 40 x from {address}")
    check(name, rss_after - rss_before < 32, f"1.9 MB username: worker RSS {rss_before} -> {rss_after} MB")
    note(name, f"1.9 MB username: {answer.status} in {answer.seconds:.2f} s, RSS {rss_before} -> {rss_after} MB (peak {peak})")
    for length in range(41, 90):
        answer = log_in(address, client, f"long-{length}-".ljust(length, "y"), "x")
        check(name, answer.status == 401, f"a username of {length} characters from {address} -> {answer.status}, expected 401")
    answer = log_in(address, client, "z" * 500, "x")
    check(name, answer.status == 429, f"the 51st too-long username from {address} -> {answer.status}, expected 429")
    answer = log_in(address, client, "thea")
    check(name, answer.status == 429, f"thea's right password from {address} after 51 too-long names -> {answer.status}")
    return 50


def lockouts_once_a_minute(world: World, address: str, refused: list[float]) -> None:
    """The address's lockout entries: the first when it was first refused, then one a minute while
    refusals go on (none sooner, none skipped), none after the last refusal's minute."""
    with world.db.session() as session:
        entries = session.exec(select(AuditEvent.at).where(AuditEvent.kind == "lockout", AuditEvent.address == address,
                                                            col(AuditEvent.user_id).is_(None)).order_by(AuditEvent.id)).all()
    at = [(e if e.tzinfo else e.replace(tzinfo=dt.UTC)).timestamp() for e in entries]
    gaps = [later - earlier for earlier, later in zip(at, at[1:], strict=False)]
    held = bool(at) and abs(at[0] - refused[0]) < 3 and all(60 <= gap <= 63 for gap in gaps) and refused[-1] - at[-1] < 63
    check(category(11), held, f"{len(refused):,} lockouts of {address} over {refused[-1] - refused[0]:.0f} s: {len(at)} "
                              f"entries, gaps {[round(g) for g in gaps]} s, first {at[0] - refused[0] if at else None} s "
                              "after the first refusal (expected one a minute)")
    if len(refused) > 1:
        note(category(11), f"{len(refused):,} lockouts of {address} over {refused[-1] - refused[0]:.0f} s: "
                           f"{len(at)} entries, {[round(g) for g in gaps]} s apart")


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
    public_addresses(world)
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


FORWARDED_HOST = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "192.0.2.78", "X-Forwarded-Host": "evil.example",
                  "X-Forwarded-Port": "6666"}


def publish_one(world: World) -> int:
    """A claim taken through the workflow to published (sources and verdict by an editor, approval
    and publishing by the admin): the public pages then have an entry."""
    eddie, admin, db = world.clients["eddie"], world.clients["admin"], world.db
    claim = db.claims(world.articles["general"])[6]
    for number in range(3):
        answer = eddie.post(f"/claims/{claim.id}/sources", {"url": f"https://example.org/source-{number}",
                                                            "title": "Ministry table", "stance": "supports"}, htmx=True)
        assert answer.status == 200, ("source", answer.status, answer.text[-300:])
    for client, status in ((eddie, "needs_second_review"), (admin, "approved"), (admin, "published")):
        answer = client.post(f"/claims/{claim.id}", {"verdict": str(db.rating("True")), "rationale": "The table says so.",
                                                     "status": status, "version": str(db.claim(claim.id).version)}, htmx=True)
        assert answer.status == 200 and db.claim(claim.id).status.value == status, (status, answer.status, answer.text[-300:])
    return claim.id


def public_addresses(world: World) -> None:
    """Behind TRUSTED_PROXIES=1 the proxy's X-Forwarded-Proto is believed, its X-Forwarded-Host and
    -Port never: no public page (feed, index, a fact-check) names evil.example or port 6666."""
    name = category(7)
    claim_id = publish_one(world)
    client = world.proxied.client(FORWARDED_HOST)
    own = f"127.0.0.1:{world.proxied.port}"
    for endpoint, _, rule in rules():
        if not endpoint.startswith("public."):
            continue
        path = fill(rule, world.values, claim_id=claim_id)
        answer = client.get(path)
        links = re.findall(r'(?:href|src)="([^"]+)"|"url": "([^"]+)"|<id>([^<]+)</id>', answer.text)
        absolute = [next(filter(None, found)) for found in links if "://" in next(filter(None, found))]
        believed = [a for a in absolute if "evil.example" in a or ":6666" in a]
        check(name, answer.status == 200 and not believed and "evil.example" not in answer.text,
              f"X-Forwarded-Host evil.example, -Port 6666: GET {path} -> {answer.status}, addresses {believed[:3]}")
        check(name, endpoint == "public.index" or any(a.startswith(f"https://{own}/") for a in absolute),
              f"GET {path}: no address on the request's own host over the proxy's https: {absolute[:3]}")
