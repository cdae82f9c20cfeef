"""Categories 1 and 2: ids past the database's integer, and malformed HX-Current-URL headers."""

from __future__ import annotations

import re

from bench.attack.client import to_login
from bench.attack.results import category, check, note
from bench.attack.world import World, fill, form_for, rules

HUGE_IDS = [str(2**31), str(2**63), str(2**64), "-1", "99999999999999999999"]
BAD_CURRENT_URLS = {"unclosed [::1": "http://[::1", "NUL": "http://example.org/\x00x", "8,000 characters":
                    "http://example.org/" + "a" * 8_000, "//evil": "//evil", "bare [": "http://[", "DEL": "\x7f"}
WHO = ("admin", "anonymous")


def huge_ids(world: World) -> None:
    name = category(1)
    before, statuses = world.db.snapshot(), set()
    for endpoint, method, rule in rules():
        for field in re.findall(r"<int:(\w+)>", rule):
            for number in HUGE_IDS:
                path = fill(rule, world.values, **{field: number})
                for who in WHO:
                    answer = world.client(who).send(method, path, form_for(world.values))
                    statuses.add(answer.status)
                    held = 400 <= answer.status < 500 or (who == "anonymous" and to_login(answer))
                    if who == "admin" and endpoint != "public.show":
                        held = held and answer.status in (404, 405)  # the README: a 404 like any missing id
                    check(name, held, f"{who} {method} {path} -> {answer.status} (expected 404)")
    changed = world.db.changed(before)
    check(name, not changed, f"tables changed by the huge-id requests: {changed}")
    note(name, f"statuses seen: {sorted(statuses)}")


def malformed_current_url(world: World) -> None:
    name = category(2)
    for endpoint, method, rule in rules():
        if method != "GET" or endpoint == "static":
            continue
        path = fill(rule, world.values)
        for label, value in BAD_CURRENT_URLS.items():
            for who in WHO[::-1]:
                answer = world.client(who).get(path, headers={"HX-Current-URL": value}, htmx=True)
                check(name, answer.status < 500, f"{who} GET {path} HX-Current-URL {label} -> {answer.status}")
    claim = world.db.claims(world.articles["general"])[3]
    for label, value in BAD_CURRENT_URLS.items():
        for who in WHO[::-1]:
            answer = world.client(who).send("POST", f"/claims/{claim.id}/dismiss", {}, headers={"HX-Current-URL": value},
                                            htmx=True)
            dismissed = world.db.claim(claim.id).dismissed
            agrees = dismissed if answer.status < 300 else not dismissed
            check(name, answer.status < 500 and agrees,
                  f"{who} POST /claims/{claim.id}/dismiss HX-Current-URL {label} -> {answer.status}, dismissed={dismissed}")
            if dismissed:
                world.clients["admin"].post(f"/claims/{claim.id}/restore", htmx=True)
