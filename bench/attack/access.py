"""Category 12: authorization and CSRF, every route by every role, as the permission table says."""

from __future__ import annotations

from bench.attack.client import to_login
from bench.attack.results import category, check, note
from bench.attack.world import World, fill, form_for, rules
from factcheck.domain.permissions import PERMISSIONS
from tests.test_permissions import ALLOWED, expected

ACTORS = {"anonymous": None, "reviewer": "olga", "assigned reviewer": "assigned", "editor": "eddie", "admin": "admin"}


def authorization(world: World) -> None:
    name, audit = category(12), category(11)
    db, form = world.db, form_for(world.values)
    routes = rules()
    # CSRF first: every POST, without a token and with a wrong one, plain and htmx, by three roles.
    stamps, refused = db.stamps(), 0
    for endpoint, method, rule in routes:
        if method != "POST":
            continue
        path = fill(rule, world.values)
        before = db.snapshot()
        for actor in ("admin", "editor", "assigned reviewer"):
            client = world.clients[ACTORS[actor]]
            for token in (None, "0" * 64):
                for htmx in (False, True):
                    sent = dict(form) | ({"csrf_token": token} if token else {})
                    refusals = db.audit("csrf_refused")
                    answer = client.post(path, sent, token=False, htmx=htmx)
                    allowed = expected(PERMISSIONS[endpoint], actor) == "allow"
                    wanted = {400} if allowed else {400, 403}
                    check(name, answer.status in wanted,
                          f"CSRF: {actor} POST {path} token={token and 'wrong'} htmx={htmx} -> {answer.status}")
                    if answer.status == 400:
                        refused += 1
                        check(audit, db.audit("csrf_refused") == refusals + 1, f"CSRF refusal of POST {path} not in the log")
        changed = db.changed(before)
        check(name, not changed, f"CSRF: POST {path} without a valid token changed {changed}")
    moved = db.stamps_moved(stamps)
    check(name, not moved, f"{refused} CSRF refusals moved change stamps (before, after): {moved}")
    note(name, f"{refused} CSRF refusals (each one audit entry), change stamps moved: {moved or 'none'}")
    # Every route by every role, as the permission table says; the allowed ones last, logout at the very end.
    mismatches = []
    for actor, username in ACTORS.items():
        for phase in ("deny", "allow"):
            for endpoint, method, rule in routes:
                outcome = expected(PERMISSIONS[endpoint], actor)
                if (phase == "allow") != (outcome == "allow") or endpoint == "auth.logout" and outcome == "allow" and username:
                    continue
                path = fill(rule, world.values)
                for htmx in (False, True) if outcome != "allow" else (False,):
                    client = world.client(username or "anonymous")
                    before = db.snapshot() if outcome != "allow" else None
                    forbidden = db.audit("forbidden")
                    answer = client.send(method, path, form, htmx=htmx)
                    what = f"{actor} {method} {path} htmx={htmx} -> {answer.status}"
                    if outcome == "allow":
                        wanted = 400 if actor == "anonymous" and method == "POST" else ALLOWED[endpoint]
                        held = answer.status not in (401, 403) and answer.status < 500 and not to_login(answer)
                        held = held or (endpoint == "auth.login" and answer.status == wanted)  # FORM's password is no one's
                        if answer.status != wanted:
                            mismatches.append(f"{endpoint} {actor}: {answer.status} (test world: {wanted})")
                        check(name, held, f"{what}, expected allowed")
                    elif outcome == "deny":
                        check(name, answer.status == 403 and "may not" in answer.text, f"{what}, expected 403")
                        check(audit, db.audit("forbidden") == forbidden + 1, f"{what}: no 'forbidden' entry")
                    else:
                        check(name, to_login(answer), f"{what}, expected the way to log in")
                    if before is not None:
                        changed = db.changed(before)
                        check(name, not changed, f"{what}: refused, yet changed {changed}")
        if username:
            answer = world.clients[username].post("/logout")
            check(name, answer.status == 303 and "session" not in world.clients[username].cookies, f"{actor} logout")
            world.clients[username].log_in(username)
    note(name, f"{len(mismatches)} allowed answers differ from the test world's (state differs): {mismatches[:6]}")

