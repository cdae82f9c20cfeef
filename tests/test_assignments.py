"""Assigning articles and claims, what assignment lets a reviewer do, My queue and the overview."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from factcheck.domain.queues import is_finished
from factcheck.models import User
from tests.conftest import claims_of, html, login_as, make_user, post, rating
from tests.teamwork import assign, assignments_of, user_id


@pytest.fixture
def editor(app):
    """A client signed in as an editor called eddie."""
    return login_as(app, "editor", "eddie")


@pytest.fixture
def rita(app):
    """A client signed in as a reviewer called rita."""
    return login_as(app, "reviewer", "rita")


def test_editor_assigns_an_article_with_the_plain_form(editor, rita, db, seed_article):
    response = assign(editor, seed_article, user_id(db, "rita"))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/articles/{seed_article}#assignment-panel")
    [assignment] = assignments_of(db, seed_article)
    assert (assignment.reviewer_id, assignment.claim_id, assignment.assigned_by_id) == (user_id(db, "rita"), None, user_id(db, "eddie"))
    panel = html(editor.get(f"/articles/{seed_article}")).find(id="assignment-panel")
    assert "rita" in panel.find("ul", class_="assignees").get_text()


def test_assigning_the_same_person_twice_is_a_no_op(editor, rita, db, seed_article):
    claim = claims_of(db, seed_article)[2]
    for _ in range(2):
        assert assign(editor, seed_article, user_id(db, "rita")).status_code == 303
        assert assign(editor, seed_article, user_id(db, "rita"), claim.id, htmx=True).status_code == 200
    assert [(a.claim_id) for a in assignments_of(db, seed_article)] == [None, claim.id]


def test_htmx_assign_returns_the_panel_and_the_claim_control(editor, rita, db, seed_article):
    response = assign(editor, seed_article, user_id(db, "rita"), htmx=True)
    page = html(response)
    assert response.status_code == 200 and "HX-Request" in response.headers["Vary"]
    assert page.find(id="assignment-panel") is not None and "rita" in page.get_text()
    claim = claims_of(db, seed_article)[0]
    control = html(assign(editor, seed_article, user_id(db, "rita"), claim.id, htmx=True)).find(id=f"claim-assign-{claim.id}")
    assert "rita" in control.find("ul", class_="assignees").get_text()


def test_an_assignment_redraws_what_names_assignees_on_the_page(editor, rita, db, seed_article):
    """An article's assignment: the panel, and out of band the list as the page shows it (its filters
    are in HX-Current-URL), every row naming the assignee. A claim's: the list with its editor, and
    the panel's counts out of band."""

    def assigned(page_url: str, claim_id: int | None = None):
        data = {"reviewer_id": str(user_id(db, "rita"))} | ({"claim_id": str(claim_id)} if claim_id else {})
        headers = {"HX-Current-URL": f"http://localhost{page_url}"}
        return html(post(editor, f"/articles/{seed_article}/assignments", data, htmx=True, headers=headers))

    claims = claims_of(db, seed_article)
    page = assigned(f"/articles/{seed_article}?show=all")
    assert [e["id"] for e in page.select("[hx-swap-oob]")] == ["claims"]
    assert page.select_one("#assignment-panel") is not None
    assert [row.select_one(".assignee").get_text() for row in page.select("#claims .claim-row")] == ["rita"] * len(claims)
    page = assigned(f"/articles/{seed_article}?status=approved")
    assert page.select("#claims .claim-row") == []  # no row on that page
    page = assigned(f"/articles/{seed_article}", claims[0].id)
    assert "assignment-panel" in [e["id"] for e in page.select("[hx-swap-oob]")]
    assert page.select_one(f"#claim-{claims[0].id} .claim-assign") is not None  # the editor, open


@pytest.mark.parametrize(
    ("who", "message"),
    [("admin", "active reviewer or editor"), ("gone", "active reviewer or editor"), ("nobody", "active reviewer or editor")],
)
def test_only_active_reviewers_and_editors_can_be_assigned(app, editor, db, seed_article, who, message):
    if who == "gone":
        make_user(app, "gone", "reviewer")
        user = db.get(User, user_id(db, "gone"))
        user.active = False
        db.add(user)
        db.commit()
    reviewer = user_id(db, who) if who != "nobody" else 999
    for htmx in (False, True):
        response = assign(editor, seed_article, reviewer, htmx=htmx)
        assert response.status_code == 422
        assert message in html(response).find(id="assignment-panel").get_text()
    assert assignments_of(db, seed_article) == []


def test_a_claim_of_another_article_cannot_be_assigned(client, editor, rita, db, seed_article, seed_text):
    other = post(client, "/articles", {"text": "A second article. It says 42 things happened in 2024.", "allow_duplicate": "1"})
    other_id = int(other.headers["Location"].rsplit("/", 1)[1])
    claim = claims_of(db, other_id)[0]
    response = assign(editor, seed_article, user_id(db, "rita"), claim.id, htmx=True)
    assert response.status_code == 422 and f"has no claim {claim.id}" in response.get_data(as_text=True)


def test_unassign_with_and_without_htmx(editor, rita, db, seed_article):
    claim = claims_of(db, seed_article)[1]
    assign(editor, seed_article, user_id(db, "rita"))
    assign(editor, seed_article, user_id(db, "rita"), claim.id)
    whole, single = (a.id for a in assignments_of(db, seed_article))
    response = post(editor, f"/articles/{seed_article}/unassign", {"assignment_id": str(single)}, htmx=True)
    assert response.status_code == 200 and html(response).find(id=f"claim-assign-{claim.id}") is not None
    response = post(editor, f"/articles/{seed_article}/unassign", {"assignment_id": str(whole)})
    assert response.status_code == 303
    assert assignments_of(db, seed_article) == []
    assert post(editor, f"/articles/{seed_article}/unassign", {"assignment_id": str(whole)}).status_code == 404


def review_form(claim_id: int, verdict_id: int) -> dict:
    return {"verdict": str(verdict_id), "rationale": "Checked.", "status": "in_progress"}


@pytest.mark.parametrize("htmx", [False, True], ids=["plain", "htmx"])
def test_reviewer_edits_assigned_claims_only(editor, rita, db, seed_article, htmx):
    claims = claims_of(db, seed_article)
    true = rating(db, "True").id
    # Nothing assigned: every claim write is refused, fragment routes included.
    for url, data in (
        (f"/claims/{claims[0].id}", review_form(claims[0].id, true)),
        (f"/claims/{claims[0].id}/sources", {"url": "https://example.org/x"}),
        (f"/claims/{claims[0].id}/worth-checking", {"worth_checking": "no"}),
    ):
        assert post(rita, url, data, htmx=htmx).status_code == 403, url
    # One claim assigned: that claim only.
    assign(editor, seed_article, user_id(db, "rita"), claims[0].id)
    assert post(rita, f"/claims/{claims[0].id}", review_form(claims[0].id, true), htmx=htmx).status_code == (200 if htmx else 303)
    assert post(rita, f"/claims/{claims[1].id}", review_form(claims[1].id, true), htmx=htmx).status_code == 403
    # The whole article: every claim of it.
    assign(editor, seed_article, user_id(db, "rita"))
    assert post(rita, f"/claims/{claims[1].id}", review_form(claims[1].id, true), htmx=htmx).status_code == (200 if htmx else 303)
    assert [c.verdict_id for c in claims_of(db, seed_article)[:3]] == [true, true, None]


def test_my_queue_lists_assigned_claims_grouped_by_article(app, client, editor, rita, db, seed_article):
    claims = claims_of(db, seed_article)
    other = post(client, "/articles", {"text": "Another story. Prices rose 7% in 2024, the bureau said.", "allow_duplicate": "1"})
    other_id = int(other.headers["Location"].rsplit("/", 1)[1])
    assign(editor, other_id, user_id(db, "rita"))
    assign(editor, seed_article, user_id(db, "rita"), claims[3].id)
    login_as(app, "reviewer", "rob")
    assign(editor, seed_article, user_id(db, "rob"), claims[4].id)  # someone else's
    post(client, f"/claims/{claims_of(db, other_id)[0].id}/dismiss", {})
    page = html(rita.get("/queue"))
    sections = page.find_all("section", class_="queue-article")
    assert [s.h2.a["href"] for s in sections] == [f"/articles/{seed_article}", f"/articles/{other_id}"]
    rows = {row["id"] for row in page.select("tr[id^=queue-claim-]")}
    expected = {f"queue-claim-{claims[3].id}"} | {f"queue-claim-{c.id}" for c in claims_of(db, other_id) if not c.dismissed}
    assert rows == expected
    row = page.find(id=f"queue-claim-{claims[3].id}")
    assert row.a["href"] == f"/articles/{seed_article}?claim={claims[3].id}#claim-{claims[3].id}"
    cells = [td.get_text(" ", strip=True) for td in row.find_all("td")]
    assert cells[1] == "To review" and cells[2] == f"{claims[3].checkworthiness:.2f}"


def test_my_queue_is_linked_for_everyone_and_says_what_to_do_when_empty(app, rita):
    page = html(rita.get("/queue"))
    assert page.find("nav").find("a", string="My queue")["href"] == "/queue"
    assert "Nothing is waiting for you" in page.find(class_="empty").get_text()
    assert "ask an editor" in page.find(class_="empty").get_text()


@pytest.mark.parametrize(
    ("status", "finished"),
    [("to_review", False), ("in_progress", False), ("needs_second_review", False), ("done", False), ("approved", True), ("published", True)],
)
def test_approved_and_published_claims_leave_the_queue(status, finished):
    assert is_finished(SimpleNamespace(status=status)) is finished
    assert is_finished(SimpleNamespace(status=SimpleNamespace(value=status))) is finished


def test_assignments_overview_shows_who_has_what_and_how_far(editor, rita, db, seed_article):
    claims = claims_of(db, seed_article)
    assign(editor, seed_article, user_id(db, "rita"))
    post(rita, f"/claims/{claims[0].id}", review_form(claims[0].id, rating(db, "False").id))
    page = html(editor.get("/assignments"))
    body = page.find(id=f"assignee-{user_id(db, 'rita')}")
    cells = [td.get_text(" ", strip=True) for td in body.find("tr").find_all("td")]
    total = sum(1 for c in claims if not c.dismissed)
    assert cells[1:] == ["Whole article", str(total), "1", "0"]
    assert f"0 of {total} finished" in body.th.get_text()
    assert html(editor.get("/queue")).find(class_="empty") is not None


def test_the_overview_counts_each_persons_own_verdicts(app, editor, rita, db, seed_article):
    """Two people assigned one article: Rita's verdict is Rita's, not Rob's too."""
    claims = claims_of(db, seed_article)
    rob = login_as(app, "reviewer", "rob")
    for name in ("rita", "rob"):
        assign(editor, seed_article, user_id(db, name))
    post(rita, f"/claims/{claims[0].id}", review_form(claims[0].id, rating(db, "False").id))
    post(rob, f"/claims/{claims[1].id}", review_form(claims[1].id, rating(db, "True").id))
    post(rob, f"/claims/{claims[2].id}", review_form(claims[2].id, rating(db, "True").id))
    page = html(editor.get("/assignments"))

    def reviewed(name: str) -> str:
        row = page.find(id=f"assignee-{user_id(db, name)}").find("tr")
        return [td.get_text(" ", strip=True) for td in row.find_all("td")][3]

    assert (reviewed("rita"), reviewed("rob")) == ("1", "2")


def test_editor_panel_is_for_editors_only(editor, rita, db, seed_article):
    assign(editor, seed_article, user_id(db, "rita"))
    assert html(editor.get(f"/articles/{seed_article}")).find(id="assignment-panel") is not None
    page = html(rita.get(f"/articles/{seed_article}"))
    assert page.find(id="assignment-panel") is None and not page.select(".claim-assign")


#: The permission rows this feature adds: endpoint -> (method, URL, reviewer, editor, admin).
ROWS = {
    "assignments.queue": ("GET", "/queue", "yes", "yes", "yes"),
    "assignments.overview": ("GET", "/assignments", "no", "yes", "yes"),
    "assignments.create": ("POST", "/articles/{article}/assignments", "no", "yes", "yes"),
    "assignments.delete": ("POST", "/articles/{article}/unassign", "no", "yes", "yes"),
    "assignments.blind_switch": ("POST", "/articles/{article}/blind-review", "no", "yes", "yes"),
    "blind.give": ("POST", "/claims/{claim}/blind", "if assigned", "if assigned", "no"),
    "blind.board": ("GET", "/articles/{article}/blind", "no", "yes", "yes"),
    "blind.settle_claim": ("POST", "/claims/{claim}/settle", "no", "yes", "yes"),
    "blind.accept": ("POST", "/articles/{article}/blind/accept", "no", "yes", "yes"),
    "blind.agreement": ("GET", "/agreement", "no", "yes", "yes"),
}


def test_every_new_endpoint_has_its_permission_row(app):
    from factcheck.domain.permissions import PERMISSIONS
    from factcheck.vocabulary import Role

    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    for endpoint, (_method, _url, *cells) in ROWS.items():
        assert endpoint in endpoints
        rule = PERMISSIONS[endpoint]
        assert [rule.cell(role) for role in (Role.REVIEWER, Role.EDITOR, Role.ADMIN)] == cells, endpoint
    mine = {e for e in endpoints if e.split(".")[0] in ("assignments", "blind")}
    assert mine == set(ROWS)


@pytest.mark.parametrize("role", ["reviewer", "editor", "admin"])
@pytest.mark.parametrize("endpoint", list(ROWS))
def test_permission_rows_hold_on_the_server(app, db, seed_article, endpoint, role):
    method, url, *cells = ROWS[endpoint]
    cell = cells[["reviewer", "editor", "admin"].index(role)]
    claim = claims_of(db, seed_article)[0]
    client = login_as(app, role, f"the-{role}")
    url = url.format(article=seed_article, claim=claim.id)
    for htmx in (False, True):
        if method == "GET":
            response = client.get(url, headers={"HX-Request": "true"} if htmx else {})
        else:
            response = post(client, url, {}, htmx=htmx)
        # Nobody is assigned anything here, so "if assigned" means refused.
        assert (response.status_code == 403) is (cell != "yes"), (url, role, htmx, response.status_code)


def test_my_queue_takes_as_many_queries_for_four_blind_articles_as_for_one(app, client, editor, rita, db):
    """My queue reads what it shows in a fixed number of queries, however many articles are in it."""
    from tests.conftest import counted_queries, create_seed_article

    login_as(app, "reviewer", "rob")

    def blind_article(number: int) -> None:
        article_id = create_seed_article(client, f"The mayor said crime fell {number}0% in 2025. Jobs rose by {number}%.")
        for name in ("rita", "rob"):
            assign(editor, article_id, user_id(db, name))
        assert post(editor, f"/articles/{article_id}/blind-review", {"on": "1"}).status_code == 303

    blind_article(1)
    rita.get("/queue")
    with counted_queries(app) as one:
        assert rita.get("/queue").status_code == 200
    for number in (2, 3, 4):
        blind_article(number)
    with counted_queries(app) as four:
        page = html(rita.get("/queue"))
    assert len(page.select("section.queue-article")) == 4
    assert len(four) == len(one), (len(one), len(four))
    # Nor for a full page of articles, some under blind review, of which only one page is read.
    from tests.conftest import store_articles

    for article_id in store_articles(app, 40):
        assign(editor, article_id, user_id(db, "rita"))
    with counted_queries(app) as many:
        page = html(rita.get("/queue?page=2"))
    assert len(page.select("table.queue tbody tr")) > 0
    assert len(many) <= len(one), (len(one), len(many))  # fewer: no blind claims on that page


def test_my_queue_is_paged_by_claim_with_each_article_counted_whole(app, editor, rita, db):
    from factcheck.domain.queues import QUEUE_PER_PAGE
    from tests.conftest import store_articles

    ids = store_articles(app, QUEUE_PER_PAGE // 2 + 1)  # two claims each: one more article than a page holds
    for article_id in ids:
        assign(editor, article_id, user_id(db, "rita"))
    # A claim assigned on its own too is in the queue once.
    claim = claims_of(db, ids[-1])[0]
    assert assign(editor, ids[-1], user_id(db, "rita"), claim.id, htmx=True).status_code == 200
    first = html(rita.get("/queue"))
    assert len(first.select("table.queue tbody tr")) == QUEUE_PER_PAGE
    assert "Page 1 of 2" in first.select_one("nav.pages").get_text()
    second = html(rita.get(first.select_one("nav.pages a[rel=next]")["href"]))
    [section] = second.select("section.queue-article")
    assert section.select_one("h2 a").get_text() == f"Article {len(ids) - 1}"
    assert "2 claims" in section.select_one("h2 .meta").get_text()
    assert len(section.select("tbody tr")) == 2


def test_the_overview_is_paged_and_filtered_by_assignee_in_a_fixed_number_of_queries(app, editor, rita, db):
    from factcheck.domain.queues import OVERVIEW_PER_PAGE
    from tests.conftest import counted_queries, store_articles

    login_as(app, "reviewer", "rob")
    first, *others = store_articles(app, OVERVIEW_PER_PAGE + 1)
    assign(editor, first, user_id(db, "rob"))
    editor.get("/assignments")
    with counted_queries(app) as one:
        assert editor.get("/assignments").status_code == 200
    for article_id in others:
        assign(editor, article_id, user_id(db, "rita"))
    claim = claims_of(db, others[0])[0]
    post(rita, f"/claims/{claim.id}", review_form(claim.id, rating(db, "False").id))
    with counted_queries(app) as many:
        page = html(editor.get("/assignments"))
    assert len(many) == len(one), (len(one), len(many))
    rows = page.select("table.assignments tbody tr")
    assert len(rows) == OVERVIEW_PER_PAGE
    # Rita's whole count is in her header, though her rows go on to the next page.
    assert f"0 of {2 * OVERVIEW_PER_PAGE} finished" in page.find(id=f"assignee-{user_id(db, 'rita')}").th.get_text()
    cells = [td.get_text(" ", strip=True) for td in rows[0].find_all("td")]
    assert cells[1:] == ["Whole article", "2", "1", "0"]
    second = html(editor.get(page.select_one("nav.pages a[rel=next]")["href"]))
    assert second.find(id=f"assignee-{user_id(db, 'rob')}") is not None
    only_rob = html(editor.get(f"/assignments?reviewer={user_id(db, 'rob')}"))
    assert [b["id"] for b in only_rob.select("tbody[id^=assignee-]")] == [f"assignee-{user_id(db, 'rob')}"]
    assert only_rob.select_one("#overview-reviewer option[selected]").get_text() == "rob"
    assert only_rob.select_one("nav.pages") is None
    nobody = html(editor.get(f"/assignments?reviewer={user_id(db, 'eddie')}"))
    assert "Nothing is assigned to this person" in nobody.get_text()


def test_an_article_assigned_twice_to_the_same_person_queues_its_claims_once(app, editor, rita, db):
    from factcheck.models import Assignment
    from tests.conftest import store_articles

    [article_id] = store_articles(app, 1)
    db.add_all([Assignment(article_id=article_id, reviewer_id=user_id(db, "rita")) for _ in range(2)])  # a double submit
    db.commit()
    page = html(rita.get("/queue"))
    assert len(page.select("table.queue tbody tr")) == 2
    assert "2 claims" in page.select_one("section.queue-article h2 .meta").get_text()
