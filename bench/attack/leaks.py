"""Categories 9 and 10: what blind review and the agreement page must not show, and the Markdown
report, inert in any renderer."""

from __future__ import annotations

import os

from bs4 import BeautifulSoup

from bench.attack.client import Answer
from bench.attack.results import category, check
from bench.attack.world import World
from factcheck.models import Article

SECRETS = {"rita": "Rita-rationale-7f3a: the ministry's own table says otherwise.",
           "rob": "Rob-rationale-c91e: two agencies confirm it.", "erin": "Erin-rationale-55d0: her own reading."}


def leaks(world: World) -> None:
    name = category(9)
    db, clients, blind = world.db, world.clients, world.articles["blind"]
    eddie, erin, rita, rob = (clients[n] for n in ("eddie", "erin", "rita", "rob"))
    claims = db.claims(blind)
    for reviewer in ("rita", "rob"):
        assert eddie.post(f"/articles/{blind}/assignments", {"reviewer_id": str(db.user_id(reviewer))}).status == 303
    assert eddie.post(f"/articles/{blind}/blind-review", {"on": "1"}).status == 303
    assert eddie.post(f"/articles/{blind}/assignments", {"reviewer_id": str(db.user_id("erin")),
                                                         "claim_id": str(claims[0].id)}).status == 303
    true, false = db.rating("True"), db.rating("False")
    for client, claim, verdict, secret in ((rob, claims[0], true, "rob"), (erin, claims[0], false, "erin"),
                                           (rita, claims[1], true, "rita"), (rob, claims[1], true, "rob"),
                                           (rita, claims[2], true, "rita")):
        answer = client.post(f"/claims/{claim.id}/blind", {"verdict": str(verdict), "rationale": SECRETS[secret]})
        assert answer.status == 303, (answer.status, answer.text[-400:])
    before = db.snapshot()
    answer = rita.post(f"/claims/{claims[3].id}/blind", {"verdict": str(true), "rationale": "Nul\x00here"}, htmx=True)
    check(category(3), answer.status == 400 and not db.changed(before), f"blind verdict with a NUL -> {answer.status}")

    def shows_none(answer: Answer, *names: str) -> bool:
        return not any(SECRETS[n] in answer.text for n in names)

    a = blind
    for answer, what in ((erin.get(f"/articles/{a}/blind"), "GET board"),
                         (erin.get(f"/articles/{a}/blind", htmx=True), "GET board htmx"),
                         (erin.post(f"/claims/{claims[0].id}/settle", {"blind_verdict_id": "1"}), "settle"),
                         (erin.post(f"/articles/{a}/blind/accept", {}), "accept")):
        check(name, answer.status == 403 and shows_none(answer, "rita", "rob"),
              f"erin (editor, blind reviewer) {what} -> {answer.status}, secrets shown: {not shows_none(answer, 'rita', 'rob')}")
    for who in ("erin", "eddie"):
        answer = clients[who].get("/agreement")
        check(name, answer.status in (200, 403) and shows_none(answer, "rita", "rob", "erin")
              and answer.page().find(id="kappa-pairs") is None,
              f"{who} GET /agreement before anything is settled -> {answer.status}: counts unsettled blind verdicts")
    for who, others in (("rita", ("rob", "erin")), ("rob", ("rita", "erin")), ("erin", ("rita", "rob"))):
        client = clients[who]
        for path in (f"/articles/{a}?claim={claims[0].id}", f"/claims/{claims[0].id}", f"/claims/{claims[1].id}",
                     f"/claims/{claims[0].id}/history", f"/articles/{a}/report.md", f"/articles/{a}/export.json",
                     f"/articles/{a}/claims.csv", f"/articles/{a}/report", "/search?q=rationale", "/queue",
                     "/reports/collection.md", "/dashboard"):
            answer = client.get(path, htmx=path.startswith("/claims/"))
            check(name, shows_none(answer, *others), f"{who} GET {path} -> {answer.status} shows another's blind rationale")
    for who in ("eddie", "admin"):
        mine = {"verdict": str(true), "status": "in_progress", "rationale": "Mine.", "version": str(claims[0].version)}
        answer = clients[who].post(f"/claims/{claims[0].id}", mine, htmx=True)
        stored = db.claim(claims[0].id)
        check(name, answer.status == 403 and stored.verdict_id is None and stored.rationale == "",
              f"{who} (not blind) writes a verdict onto an unsettled blind claim -> {answer.status}, stored {stored.verdict_id}")
        answer = clients[who].post(f"/articles/{a}/bulk", {"claim_id": str(claims[0].id), "action": "status",
                                                            "status": "approved"}, htmx=True)
        check(name, answer.status >= 400 and db.claim(claims[0].id).status.value == "to_review",
              f"{who} bulk-approves an unsettled blind claim -> {answer.status}")


# --- 10. The Markdown report, inert in any renderer ---------------------------------------------


def rendered_pages(report: str) -> dict[str, BeautifulSoup]:
    import markdown as python_markdown
    from markdown_it import MarkdownIt

    return {"markdown-it (html on)": BeautifulSoup(MarkdownIt("commonmark", {"html": True}).render(report), "html.parser"),
            "python-markdown": BeautifulSoup(python_markdown.markdown(report), "html.parser")}


def headings(page: BeautifulSoup) -> list[str]:
    return [f"{h.name} {h.get_text()}" for h in page.find_all(["h1", "h2", "h3", "h4", "h5", "h6"])]


def report_inertness(world: World) -> None:
    from tests.test_hardening import FORGED, HOSTILE_URL

    name = category(10)
    admin, db, number = world.clients["admin"], world.db, world.articles["report"]
    with db.session() as session:
        stored = session.get(Article, number)
        stored.url = HOSTILE_URL
        session.add(stored)
        session.commit()
    claims = db.claims(number)
    hostile = {claims[1].id: FORGED, claims[2].id: "<details open ontoggle=alert(1)>x</details>\n\n<script>alert(1)</script>",
               claims[3].id: "[a](javascript:alert(1)) [b](JAVASCRIPT:alert(1)) [c]( javascript:alert(1))\n\n"
                             "<a href=\"javascript:alert(1)\">d</a> ![i](javascript:alert(1)) "
                             "<svg/onload=alert(1)>\n\n# Forged H1",
               claims[4].id: "1. ### Claim 3\n2. - ## Approved verdicts\n\n- 1. # Forged",
               claims[5].id: "[x](java&#115;cript:alert(1)) [y](&#106;avascript:alert(1)) "
                             "![pixel](https://pixels.example/p.png)\n\n- [r]: javascript:alert(1)\n\n[s][r]",
               claims[6].id: "Approved verdicts\n---\n\nClaim 9\n==="}

    def add_source(claim_id: int, quote: str) -> None:
        answer = admin.post(f"/claims/{claim_id}/sources", {"url": f"https://example.org/{os.urandom(4).hex()}",
                                                                 "quote": quote}, htmx=True)
        assert answer.status == 200, (answer.status, [e.get_text(" ", strip=True) for e in answer.page().select(".error")])

    def save_all(rationales: dict[int, str]) -> None:
        for claim_id, rationale in rationales.items():
            answer = admin.post(f"/claims/{claim_id}", {"verdict": str(db.rating("False")), "rationale": rationale,
                                                        "status": "needs_second_review",
                                                        "version": str(db.claim(claim_id).version)}, htmx=True)
            error = answer.page().find(class_="error")
            assert answer.status == 200, (answer.status, error.get_text(" ", strip=True) if error else answer.text[-300:])

    save_all({claim_id: "Checked against the maps." for claim_id in hostile})
    add_source(claims[1].id, "A plain quote.")
    baseline = {renderer: headings(page)
                for renderer, page in rendered_pages(admin.get(f"/articles/{number}/report.md").text).items()}
    save_all(hostile)
    add_source(claims[1].id, "Approved verdicts\n---")
    report = admin.get(f"/articles/{number}/report.md").text
    for renderer, page in rendered_pages(report).items():
        handlers = [t.name for t in page.find_all(True) if any(a.lower().startswith("on") for a in t.attrs)]
        check(name, not handlers, f"{renderer}: elements with on* attributes: {handlers}")
        raw = page.find(["script", "details", "svg", "iframe", "object", "embed", "style", "img"])
        check(name, raw is None, f"{renderer}: raw HTML element {raw}")
        addresses = [a["href"] for a in page.find_all(href=True)] + [i["src"] for i in page.find_all(src=True)]
        bad = [a for a in addresses if a.strip().lower().startswith(("javascript:", "data:", "vbscript:"))]
        check(name, not bad, f"{renderer}: links to {bad}")
        check(name, headings(page) == baseline[renderer],
              f"{renderer}: headings the report did not write: {sorted(set(headings(page)) - set(baseline[renderer]))}")
        check(name, all("evil.example/%22%3E" in a["href"] for a in page.find_all(href=True) if "evil.example" in a["href"]),
              f"{renderer}: the article's address closed its own link")

