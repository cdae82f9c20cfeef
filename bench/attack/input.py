"""Categories 3 and 4: NUL characters in every form, malformed exports through `factcheck import`."""

from __future__ import annotations

import copy
import json
import re
from urllib.parse import urlencode

from bs4 import BeautifulSoup

from bench.attack.results import category, check, note
from bench.attack.world import World
from factcheck.models import Article

TEXT_LIKE = {"text", "search", "url", "email", "password", "date", "number", "hidden", "tel", "datetime-local", "month"}
MAX_PAGES = 60


def forms_in(page: BeautifulSoup, here: str) -> list[tuple[str, str, dict[str, object], list[str]]]:
    """(method, action, default fields, fields that take text) of every form on the page."""
    found = []
    for form in page.find_all("form"):
        method = "post" if (form.get("method") or "").lower() == "post" or form.get("hx-post") else "get"
        action = form.get("hx-post") or form.get("action") or form.get("hx-get") or here
        fields: dict[str, object] = {}
        targets = []
        for element in form.find_all(["input", "textarea", "select"]):
            name = element.get("name")
            kind = (element.get("type") or "text").lower()
            if not name or kind in ("submit", "button", "file", "image", "reset"):
                continue
            if element.name == "select":
                option = element.find("option", selected=True) or element.find("option")
                fields[name] = option.get("value", option.get_text()) if option else ""
            elif kind in ("checkbox", "radio"):
                if element.has_attr("checked"):
                    fields[name] = element.get("value", "on")
            else:
                fields[name] = element.get_text() if element.name == "textarea" else element.get("value", "")
                if name != "csrf_token" and (element.name == "textarea" or kind in TEXT_LIKE):
                    targets.append(name)
        if action.startswith("/") and targets:
            found.append((method, action, fields, targets))
    return found


def nul_in_forms(world: World) -> None:
    name = category(3)
    admin, values, general = world.clients["admin"], world.values, world.articles["general"]
    claim = world.db.claims(general)[1]
    queue = ["/", "/articles/new", f"/articles/{general}", f"/claims/{claim.id}", "/users", "/scales/new",
             f"/scales/{values['scale_id']}/edit", "/account/password", "/approval-rules", "/archive", "/assignments",
             "/search", "/reports", "/dashboard", "/queue", f"/articles/{general}/report"]
    seen_pages, forms = set(), {}
    while queue and len(seen_pages) < MAX_PAGES:
        path = queue.pop(0)
        if path in seen_pages:
            continue
        seen_pages.add(path)
        page = admin.get(path, htmx=path.startswith("/claims/")).page()
        for method, action, fields, targets in forms_in(page, path):
            forms.setdefault((method, re.sub(r"\d+", "N", action), tuple(sorted(fields))), (method, action, fields, targets))
        # Panels loaded on demand (the shaping controls, a claim's details): their forms too.
        for element in page.find_all(attrs={"hx-get": True}):
            url = element["hx-get"]
            if url.startswith("/claims/") and url not in seen_pages:
                queue.append(url)
    for method, action, fields, targets in forms_in(world.main.client().get("/login").page(), "/login"):
        forms[(method, action, tuple(sorted(fields)))] = (method, action, fields, targets)
    # A field name holding a NUL (the blind verdict's form is tried in the leaks category, by a blind reviewer).
    extra = [("post", "/articles", {"text": "The army took 40 villages.", "outlet\x00": "x"}, [])]
    covered = set()
    for method, action, fields, targets in [*forms.values(), *extra]:
        client = world.main.client() if action == "/login" else admin
        before = world.db.snapshot()
        for target in targets or ["(field name)"]:
            form = dict(fields)
            if target in form:
                form[target] = f"{form[target] or 'x'}\x00y"
            answer = client.get(action + "?" + urlencode(form)) if method == "get" else client.post(action, form, htmx=True)
            check(name, answer.status == 400, f"{method.upper()} {action} NUL in {target!r} -> {answer.status}")
            covered.add(f"{action.split('?')[0]}:{target}")
        changed = world.db.changed(before)
        check(name, not changed, f"{method.upper()} {action}: tables changed by NUL forms: {changed}")
    note(name, f"{len(forms) + len(extra)} forms from {len(seen_pages)} pages, {len(covered)} fields")


def _spans_changed(change):  # noqa: ANN001, ANN202 (a change to the claims list; a change to the record)
    """The change, then each claim's text made its span's again (so only the spans are wrong)."""

    def changed(record: dict) -> None:
        change(record["claims"])
        for claim in record["claims"]:
            if isinstance(claim["start"], int) and not isinstance(claim["start"], bool):
                claim["text"] = record["article"]["text"][claim["start"]:claim["end"]]

    return changed


SPANS = {
    "overlapping": lambda c: c[1].update(start=c[0]["start"] + 1),
    "reversed": lambda c: c.reverse(),
    "whitespace-edged": lambda c: c[1].update(start=c[1]["start"] - 1),
    "boolean-offset": lambda c: c[2].update(start=True),
    "past-the-end": lambda c: c[-1].update(end=10**6),
}


def malformed_exports(world: World) -> None:
    from tests.test_hardening import MALFORMED_EXPORTS

    name = category(4)
    exported = json.loads(world.clients["admin"].get(f"/articles/{world.articles['general']}/export.json").text)
    folder = world.folder / "exports"
    folder.mkdir()
    expected: dict[str, str | None] = {}

    def write(file: str, change, message: str | None = None) -> None:  # noqa: ANN001 (text, or a change to a copy)
        record = change if isinstance(change, str) else copy.deepcopy(exported)
        if not isinstance(change, str):
            change(record)
        (folder / f"{file}.json").write_text(record if isinstance(record, str) else json.dumps(record), encoding="utf-8")
        expected[file] = message

    for file, (change, message) in MALFORMED_EXPORTS.items():
        write(file, change, message)
    for file, change in SPANS.items():
        write(file, _spans_changed(change))
    write("zz-good", lambda record: record["article"].update(text=record["article"]["text"] + " "))
    files = sorted(expected)
    articles_before = world.db.count(Article)
    result = world.factcheck("import", *(str(folder / f"{n}.json") for n in files))
    lines = result.stderr.splitlines()
    check(name, result.returncode == 1, f"exit status {result.returncode}, expected 1")
    check(name, "Traceback" not in result.stderr + result.stdout, "a traceback was printed")
    for file in files:
        if file == "zz-good":
            continue
        mine = [line for line in lines if line.startswith(f"factcheck import: {folder}/{file}.json:")]
        wanted = expected[file]
        held = len(mine) == 1 and (wanted is None or mine[0] == f"factcheck import: {folder}/{wanted}")
        check(name, held, f"{file}.json: stderr lines {mine!r}, expected one" + (f" {wanted!r}" if wanted else ""))
    summary = f"factcheck import: imported 1, skipped 0 as duplicate, failed {len(files) - 1}."
    check(name, lines[-1:] == [summary], f"last line {lines[-1:]!r}, expected {summary!r}")
    check(name, world.db.count(Article) == articles_before + 1, "the good file was not imported (or more were)")
    check(name, len(result.stdout.split()) == 1, f"stdout {result.stdout!r}: expected the new article's id")
