"""Every page a newsroom user opens, timed at 1k, 10k and 100k articles, beside a bare Flask route.

**The databases.** For each size, a newsroom of that many articles, 25 claims each, built as
factcheck would have stored it:

- the schema comes from factcheck's own migrations (Alembic, as `factcheck db upgrade` runs them):
  a new database is taken to revision BUILT_AT, the tables this script writes, the rows are loaded,
  and any later revision is then applied to them as it would be to a newsroom's database, so what
  a newer revision derives from the rows is derived by that revision;
- the rows go in through SQLAlchemy Core `insert()` on the models' tables (their column types, so
  enums, dates and booleans are stored as the app stores them), executemany in batches of
  thousands, one transaction;
- article texts come from a pool of 1,000 texts of CLEF CheckThat! 2024 task 1 sentences (train,
  in Sentence_id order, in paragraphs), each split into claims once by the project's own splitter
  and scored by its model (what `create_article` does): a claim is a real span of its article's
  text, `text[start:end]`;
- about half the claims are reviewed, more of the older articles than of the newer: a verdict
  (or a conclusion on the free-text scale), a Markdown rationale, statuses from "in progress" to
  "published" through the workflow's steps (approval by an editor other than the reviewer, with a
  source), a source on some others, a few dismissed spans, comments; each change leaves the claim
  revisions and version the app writes for it;
- a team of 20 reviewers (and 3 editors, an admin, 2 former reviewers): each article but the
  newest tenth assigned to one reviewer, some single claims to a second one, and one in eight in
  blind double review (two reviewers, blind verdicts that agree seven times in ten; the older
  ones settled by an editor, the newer waiting), about 50,000 blind verdicts at 10k articles;
- the change stamps (`changestamp`, factcheck.domain.changes) count the transactions that would
  have bumped them: each article's (creation, assignments, blind review switched on, saves,
  sources, comments, dismissals, blind verdicts, settling), `site`'s (users added, two of them
  switched off later) and, when factcheck has that scope, `blind`'s (blind review switched on,
  blind verdicts, settling). A scope constant of factcheck.domain.changes this script does not
  know is reported at build time.

Built databases are kept in --cache-dir (default /tmp/factcheck-scale), one SQLite file per size,
schema revision, version of this generator and set of change-stamp scopes, so a rerun starts at
once. On PostgreSQL (--database-url, the server's maintenance database) each size gets a new
database, dropped after the run, or kept and reused with --keep.

**The pages**, each timed in process with the Flask test client, signed in as the admin (My queue as
the reviewer with the most assignments): the median of --runs requests after one warm-up (three
runs when the warm-up took over a second, one when it took over five), the number of SQL statements
per request (a before_cursor_execute listener on the app's engine), the response's bytes and the
process's resident memory at its highest during them; then, for the slowest pages at the largest
size, how much of the request was spent in SQL and its slowest statement. The app runs with
PAGE_CACHE_MB=0, so every page is drawn afresh (what the first view after each change costs); the
review and agreement pages are also timed from the page cache. Every list page is timed again at
its last page when its first page links `?page=N` (the last the pager names: "Page 1 of N").
The peer is a bare Flask app whose one route answers "hello", timed the same way in the same
process. Each size is measured in a fresh process, so its memory figures are its own.

Targets (the script exits 1 when one is missed): home at most 100 ms at 10k and 100k articles and
at most 1.5x slower at 100k than at 1k (its first page, and its last when paged); My queue at
most 100 ms at 10k, with the same number of queries at every size; the assignments overview at
most 150 ms at 10k; the agreement page at most 150 ms with about 50,000 blind verdicts (the size
nearest that count).

    .venv/bin/python bench/scale.py [DATA_DIR] [--sizes 1000,10000,100000] [--runs 5]
        [--pages home,queue,...] [--cache-dir /tmp/factcheck-scale] [--build-only]
        [--database-url postgresql+psycopg://postgres@/postgres?host=/tmp/pgdev [--keep]]

DATA_DIR defaults to ../shared/data. The article texts are CLEF CheckThat! 2024 task 1 English
check-worthiness sentences (released for research; see that folder's README.md for its terms).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import html
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402 (after the checkout is put first on the path)

from factcheck.vocabulary import ClaimStatus, Role, Stance  # noqa: E402

#: The revision whose tables this script writes; later ones are applied after the load.
BUILT_AT = "0003"
#: Bumped whenever the generated rows change, so cached databases are built again.
DATA_VERSION = 1
DEFAULT_SIZES = (1_000, 10_000, 100_000)
CLAIMS_PER_ARTICLE = 25
POOL_TEXTS = 1_000
BATCH = 5_000  # rows per executemany
REVIEWERS = 20
EDITORS = 3
PASSWORD = "scale bench password"
START = dt.datetime(2024, 1, 1, 8, 0, tzinfo=dt.UTC)
SPAN = dt.timedelta(days=700)  # from the oldest article to the newest
BLIND_EVERY = 8  # one assigned article in eight is reviewed blind

# Targets from the issue.
HOME_MS = 100.0
HOME_GROWTH = 1.5
QUEUE_MS = 100.0
OVERVIEW_MS = 150.0
AGREEMENT_MS = 150.0
AGREEMENT_VERDICTS = 50_000
TARGET_SIZES = (10_000, 100_000)

#: How far along an article is, by age (oldest first): the share of its claims reviewed, and the
#: statuses its reviewed claims reach (status, weight).
STAGES = {
    "done": (0.8, [("published", 5), ("approved", 3), ("needs_second_review", 2)]),
    "reviewing": (0.5, [("in_progress", 4), ("needs_second_review", 4), ("approved", 2)]),
    "started": (0.2, [("in_progress", 1)]),
    "new": (0.0, []),
}
STATUS_PATH = ["to_review", "in_progress", "needs_second_review", "approved", "published"]

NAMES = [
    "Amara Okafor", "Ben Halloran", "Chiara Bassi", "Dmitri Volkov", "Elif Demir", "Farah Haddad",
    "Gustav Lind", "Hana Sato", "Ines Carvalho", "Jonas Weber", "Kwame Mensah", "Lena Novak",
    "Mateo Ruiz", "Nadia Rahman", "Oskar Berg", "Priya Nair", "Quentin Roux", "Rosa Delgado",
    "Sami Laine", "Tara Byrne", "Uma Iyer", "Victor Petit", "Wen Li", "Yusuf Aydin", "Zofia Kral",
    "Ada Quinn",
]
OUTLETS = ["Reuters", "Associated Press", "The Guardian", "Le Monde", "Der Spiegel", "El País", "BBC News", ""]
RATIONALES = [
    "Checked against the record: see **source {n}**, which gives the figure in full.",
    "The speaker's number matches the official statistics for that year. The wider claim leaves out "
    "that the series was revised in the following year, which changes the trend.",
    "No record supports this. The office quoted says it never published such a figure, and the "
    "closest one we found (*{n} per cent*) measures something else.",
    "Broadly right. The bill did pass, but with a majority of {n}, not the margin claimed, and two "
    "of its provisions were struck out in conference:\n\n- the funding clause\n- the sunset date",
    "Unverifiable as stated: it depends on a private poll that has not been released. We asked the "
    "campaign for it on three occasions.",
    "The quote is accurate but cut: the full sentence, in the transcript linked below, qualifies it "
    "with \"in the first year\".",
    "Misleading. The comparison uses a nominal figure for one year and a real one for the other; "
    "on the same basis the change is about {n} per cent, not the tripling suggested.",
    "True. Both the committee report and the agency's own data (table {n}) give this number.",
]
CONCLUSIONS = [
    "Misleading: the figure is from 2019",
    "Accurate, with context missing",
    "Unsupported: no record of the vote",
    "Correct",
    "Exaggerated: the real figure is about half",
]
COMMENTS = [
    "Can someone with access to the archive check the second source?",
    "I called their press office; waiting to hear back.",
    "This overlaps with the claim two lines down: same figure, different year.",
    "Second reviewer here: the rationale reads fine, one link is dead.",
    "Left this for tomorrow, the report is 300 pages.",
    "Same claim was checked last month, see the earlier article.",
]
SOURCE_TITLES = ["Official statistics release", "Committee report", "Full transcript", "Agency data table", "Court filing"]
PUBLISHERS = ["National Statistics Office", "Parliament", "Reuters", "The Record", "Ministry of Finance", ""]


# --- The article texts -----------------------------------------------------------------------


@dataclass
class PoolClaim:
    """A claim of a pool text as create_article would store it."""

    start: int
    end: int
    text: str
    checkworthiness: float | None
    kind: Any
    signals: str


@dataclass
class PoolText:
    """An article text of the pool: its body, title, content hash and its first 25 claims."""

    text: str
    title: str
    content_hash: str
    claims: list[PoolClaim]


def _sentences(data: Path) -> list[str]:
    """CheckThat! 2024 train sentences in Sentence_id order (neighbouring ids come from one debate)."""
    path = data / "ct24_checkworthy_english_train.tsv"
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    found = [(int(row[0]), " ".join(row[1].split())) for row in rows[1:] if len(row) >= 2 and row[0].isdigit()]
    return [text for _, text in sorted(found) if text]


def _split_as_stored(text: str) -> tuple[str, list[Any]]:
    """The body and claim spans create_article stores for this text (a header line is not a claim)."""
    from factcheck.extract import ClaimSpan, parse_header, split_claims

    header = parse_header(text)
    spans = [ClaimSpan(s.start - header.end, s.end - header.end, s.text) for s in split_claims(text)]
    return text[header.end :], spans


def text_pool(data: Path, count: int = POOL_TEXTS) -> list[PoolText]:
    """`count` article texts of exactly 25 claims each, split and scored by factcheck's own code."""
    from factcheck.domain.articles import content_hash
    from factcheck.domain.claims import score_claim
    from factcheck.models import Claim

    sentences = _sentences(data)
    chance = random.Random(2024)
    pool: list[PoolText] = []
    start = 0
    for _attempt in range(count * 20):
        if len(pool) == count:
            break
        if start + 40 > len(sentences):
            start = chance.randint(0, 400)  # the next round of windows, shifted
        window = sentences[start : start + 40]
        paragraphs, at = [], 0
        while at < len(window):
            length = chance.randint(3, 7)
            paragraphs.append(" ".join(window[at : at + length]))
            at += length
        body, spans = _split_as_stored("\n\n".join(paragraphs))
        start += chance.randint(18, 26)
        if len(spans) < CLAIMS_PER_ARTICLE:
            continue
        # The text ends with the 25th claim; kept only if it splits again into the same 25.
        cut = body[: spans[CLAIMS_PER_ARTICLE - 1].end]
        again, spans = _split_as_stored(cut)
        if again != cut or len(spans) != CLAIMS_PER_ARTICLE:
            continue
        claims = []
        for span in spans:
            assert cut[span.start : span.end] == span.text
            claim = Claim(article_id=0, position=0, start=span.start, end=span.end, text=span.text)
            score_claim(claim)
            claims.append(PoolClaim(span.start, span.end, span.text, claim.checkworthiness, claim.kind, claim.signals))
        title = " ".join(spans[0].text.split())
        pool.append(PoolText(cut, title if len(title) <= 80 else title[:79].rsplit(" ", 1)[0] + "…", content_hash(cut), claims))
    if not pool:
        raise SystemExit(f"no article texts of {CLAIMS_PER_ARTICLE} claims could be made from {data}")
    return pool


# --- The newsroom ----------------------------------------------------------------------------


@dataclass
class Team:
    """The users, by role, and the rating scales with their ratings (ids as stored)."""

    admin: int
    editors: list[int]
    reviewers: list[int]
    users: list[dict]
    scales: dict[str, list[int]]  # "default", "politifact", "free" -> rating ids in scale order
    scale_ids: dict[str, int]
    labels: dict[int, str]  # rating id -> label, as revisions name a verdict


def team_rows(scales: dict[str, list[int]], scale_ids: dict[str, int], labels: dict[int, str]) -> Team:
    """The admin, the editors, 20 reviewers and 2 former ones, all with one (cheap) password hash."""
    from factcheck.domain.accounts import HashParameters, hash_password

    password_hash = hash_password(PASSWORD, HashParameters(1, 8, 1))
    users, created = [], START - dt.timedelta(days=30)
    people = [("admin", Role.ADMIN, True)]
    people += [(f"editor{n}", Role.EDITOR, True) for n in range(1, EDITORS + 1)]
    people += [(f"reviewer{n:02d}", Role.REVIEWER, True) for n in range(1, REVIEWERS + 1)]
    people += [(f"former{n}", Role.REVIEWER, False) for n in (1, 2)]
    for number, (username, role, active) in enumerate(people, start=1):
        users.append({
            "id": number, "username": username, "display_name": NAMES[(number - 1) % len(NAMES)], "role": role,
            "password_hash": password_hash, "active": active, "created": created,
        })
    editors = [u["id"] for u in users if u["role"] == Role.EDITOR]
    reviewers = [u["id"] for u in users if u["role"] == Role.REVIEWER and u["active"]]
    return Team(1, editors, reviewers, users, scales, scale_ids, labels)


class Newsroom:
    """Generates the rows of each article as the app would have stored them, in the order it would
    have written them, with every table's ids given here."""

    TABLES = ("article", "claim", "assignment", "blindverdict", "source", "claimrevision", "comment")

    def __init__(self, size: int, pool: list[PoolText], team: Team) -> None:
        self.size = size
        self.pool = pool
        self.team = team
        self.chance = random.Random(size)
        self.next_id = dict.fromkeys(self.TABLES, 1)
        self.rows: dict[str, list[dict]] = defaultdict(list)
        self.stamps: dict[str, int] = {}
        self.blind_changes = 0  # transactions that wrote blind verdicts or changed a stored article

    def _id(self, table: str) -> int:
        number = self.next_id[table]
        self.next_id[table] = number + 1
        return number

    def _add(self, table: str, row: dict) -> dict:
        row["id"] = self._id(table)
        self.rows[table].append(row)
        return row

    def stage(self, index: int) -> str:
        """How far along article `index` (0 the oldest) is."""
        age = index / self.size
        return "done" if age < 0.4 else "reviewing" if age < 0.7 else "started" if age < 0.9 else "new"

    def article(self, index: int) -> None:
        """Article `index` and everything hanging off it."""
        team = self.team
        stage = self.stage(index)
        scale = "free" if index % 20 == 0 else "politifact" if index % 10 == 1 else "default"
        if scale not in team.scale_ids or (scale != "free" and not team.scales[scale]):
            scale = "default"
        blind = stage != "new" and scale != "free" and index % BLIND_EVERY == 3
        text = self.pool[index % len(self.pool)]
        created = (START + SPAN * (index / self.size)).replace(microsecond=0)  # as utcnow() stores it
        article = self._add("article", {
            "title": f"{text.title} ({index + 1})", "outlet": OUTLETS[index % len(OUTLETS)],
            "author": NAMES[index % len(NAMES)], "url": f"https://news.example.org/{index + 1}",
            "published": (created - dt.timedelta(days=1)).date(), "dateline": "", "source_url": "",
            "content_hash": text.content_hash, "text": text.text, "rating_scale_id": team.scale_ids[scale],
            "blind_review": blind, "created": created,
        })
        changes = 1  # stored with its claims
        claims = []
        for position, span in enumerate(text.claims):
            claims.append(self._add("claim", {
                "article_id": article["id"], "position": position, "start": span.start, "end": span.end,
                "text": span.text, "status": ClaimStatus.TO_REVIEW, "verdict_id": None, "conclusion": "", "rationale": "",
                "checkworthiness": span.checkworthiness, "kind": span.kind, "signals": span.signals,
                "worth_checking": None, "dismissed": False, "updated": created, "version": 1, "submitted_by_id": None,
            }))
        if stage != "new":
            reviewer = team.reviewers[(index * 7) % len(team.reviewers)]
            editor = team.editors[index % len(team.editors)]
            at = created + dt.timedelta(hours=1)
            changes += self._assign(article["id"], None, reviewer, editor, at)
            if blind:
                second = team.reviewers[(index * 7 + 1 + index % 5) % len(team.reviewers)]
                changes += self._assign(article["id"], None, second, editor, at) + 1  # and blind review on
                self.blind_changes += 1
                changes += self._blind(article, claims, stage, (reviewer, second), editor, scale)
            else:
                changes += self._reviews(article, claims, stage, reviewer, editor, scale)
                if stage in ("reviewing", "started") and index % 20 == 7:
                    other = team.reviewers[(index * 7 + 3) % len(team.reviewers)]
                    changes += self._assign(article["id"], claims[index % len(claims)]["id"], other, editor, at)
        self.stamps[f"article:{article['id']}"] = changes

    def _assign(self, article_id: int, claim_id: int | None, reviewer: int, editor: int, at: dt.datetime) -> int:
        self._add("assignment", {"article_id": article_id, "claim_id": claim_id, "reviewer_id": reviewer,
                                 "assigned_by_id": editor, "created": at})
        return 1

    def _revise(self, claim: dict, field_name: str, before: str | None, after: str | None, user: int,
                at: dt.datetime) -> None:
        self._add("claimrevision", {"claim_id": claim["id"], "field": field_name, "before": before, "after": after,
                                    "changed": at, "user_id": user})
        claim["updated"] = at

    def _save(self, claim: dict, status: str, user: int, at: dt.datetime) -> None:
        """One status step saved through the workflow: a revision and a new version."""
        self._revise(claim, "status", claim["status"].value, status, user, at)
        claim["status"] = ClaimStatus(status)
        claim["version"] += 1

    def _verdict(self, scale: str) -> tuple[int | None, str]:
        """A verdict on the scale (rating id, label): mostly the middle of the scale."""
        ratings = self.team.scales[scale]
        index = min(len(ratings) - 1, int(abs(self.chance.gauss(len(ratings) / 2 - 0.5, len(ratings) / 4))))
        return ratings[index], self.team.labels[ratings[index]]

    def _reviews(self, article: dict, claims: list[dict], stage: str, reviewer: int, editor: int, scale: str) -> int:
        """Reviews through the workflow's steps: the reviewer's saves and sources, the editor's approval."""
        chance = self.chance
        share, statuses = STAGES[stage]
        changes = 0
        at = article["created"] + dt.timedelta(hours=2)
        # Reviewers take the claims worth checking first (the review page's triage).
        wanted = round(share * len(claims) + chance.uniform(-2, 2)) if share else 0
        ranked = sorted(claims, key=lambda c: -((c["checkworthiness"] or 0.5) + chance.random() * 0.4))
        reviewed = {c["id"] for c in ranked[: max(0, wanted)]}
        for claim in claims:
            at += dt.timedelta(minutes=chance.randint(3, 40))
            if claim["id"] not in reviewed:
                if stage in ("reviewing", "started") and chance.random() < 0.15:
                    self._save(claim, "in_progress", reviewer, at)
                    changes += 1
                elif stage in ("done", "reviewing") and (claim["checkworthiness"] or 1) < 0.1 and chance.random() < 0.3:
                    describe = f"[{claim['start']}:{claim['end']}] {claim['text']}"
                    self._revise(claim, "dismissed", describe, None, reviewer, at)
                    claim["dismissed"] = True
                    changes += 1
                continue
            goal = chance.choices([s for s, _ in statuses], [w for _, w in statuses])[0]
            rationale = chance.choice(RATIONALES).format(n=chance.randint(2, 40))
            if scale == "free":
                conclusion = chance.choice(CONCLUSIONS)
                self._revise(claim, "conclusion", None, conclusion, reviewer, at)
                claim["conclusion"] = conclusion
            else:
                verdict_id, label = self._verdict(scale)
                self._revise(claim, "verdict", None, label, reviewer, at)
                claim["verdict_id"] = verdict_id
            self._revise(claim, "rationale", "", rationale, reviewer, at)
            claim["rationale"] = rationale
            self._save(claim, "in_progress", reviewer, at)
            claim["submitted_by_id"] = reviewer
            changes += 1
            wanted = {"in_progress": 0.3, "needs_second_review": 0.6}.get(goal, 1.0)
            for number in range(1 if chance.random() < wanted else 0):
                at += dt.timedelta(minutes=5)
                changes += self._source(claim, reviewer, at, number)
            if goal == "in_progress":
                continue
            at += dt.timedelta(minutes=10)
            self._save(claim, "needs_second_review", reviewer, at)
            changes += 1
            if chance.random() < 0.1:
                changes += self._comment(claim, chance.choice([reviewer, editor]), at + dt.timedelta(minutes=1))
            for status in STATUS_PATH[3 : STATUS_PATH.index(goal) + 1]:
                at += dt.timedelta(hours=chance.randint(1, 30))
                self._save(claim, status, editor, at)
                changes += 1
        return changes

    def _source(self, claim: dict, user: int, at: dt.datetime, number: int) -> int:
        chance = self.chance
        stance = chance.choice(["supports", "refutes", "context"])
        url = f"https://records.example.org/{claim['article_id']}/{claim['position']}/{number + 1}"
        title = chance.choice(SOURCE_TITLES)
        quote = claim["text"][:120] if chance.random() < 0.3 else ""
        self._add("source", {"claim_id": claim["id"], "url": url, "title": title, "publisher": chance.choice(PUBLISHERS),
                             "quote": quote, "stance": Stance(stance), "accessed": at.date(), "created": at})
        self._revise(claim, "source_added", None, f"{url} ({stance}) — {title}", user, at)
        return 1

    def _comment(self, claim: dict, user: int, at: dt.datetime) -> int:
        self._add("comment", {"claim_id": claim["id"], "user_id": user, "created": at, "body": self.chance.choice(COMMENTS)})
        return 1

    def _blind(self, article: dict, claims: list[dict], stage: str, pair: tuple[int, int], editor: int, scale: str) -> int:
        """Blind verdicts from both reviewers (agreeing seven times in ten); settled by an editor on
        the older articles (all claims) and half the claims of those under review."""
        chance = self.chance
        changes = 0
        at = article["created"] + dt.timedelta(hours=3)
        for claim in claims:
            at += dt.timedelta(minutes=chance.randint(5, 60))
            given = 2
            if stage == "started":
                given = chance.choices([2, 1, 0], [60, 25, 15])[0]
            first_id, _ = self._verdict(scale)
            verdicts = []
            for number, reviewer in enumerate(chance.sample(pair, given)):
                verdict_id = first_id if number == 0 or chance.random() < 0.7 else self._verdict(scale)[0]
                verdicts.append(self._add("blindverdict", {
                    "claim_id": claim["id"], "article_id": article["id"], "reviewer_id": reviewer,
                    "verdict_id": verdict_id, "rationale": chance.choice(RATIONALES).format(n=chance.randint(2, 40)),
                    "given": at + dt.timedelta(minutes=number * 30), "settled": None, "chosen": False,
                }))
                changes += 1
                self.blind_changes += 1
            settles = given == 2 and (stage == "done" or (stage == "reviewing" and claim["position"] < 13))
            if not settles:
                continue
            chosen = chance.choice(verdicts)
            when = at + dt.timedelta(hours=chance.randint(2, 48))
            self._revise(claim, "verdict", None, self.team.labels[chosen["verdict_id"]], editor, when)
            self._revise(claim, "rationale", "", chosen["rationale"], editor, when)
            claim["verdict_id"], claim["rationale"] = chosen["verdict_id"], chosen["rationale"]
            self._save(claim, "needs_second_review", editor, when)
            claim["submitted_by_id"] = chosen["reviewer_id"]
            for verdict in verdicts:
                verdict["settled"], verdict["chosen"] = when, verdict is chosen
            changes += 1
            self.blind_changes += 1
        return changes

    def take(self) -> dict[str, list[dict]]:
        """The rows generated so far, in the order foreign keys need; forgets them."""
        rows, self.rows = self.rows, defaultdict(list)
        return {table: rows[table] for table in self.TABLES if rows[table]}


# --- Loading ---------------------------------------------------------------------------------


def _loadable(connection: sa.Connection, model_table: sa.Table) -> sa.TableClause:
    """The model's table with only the columns the database has at this revision: the models'
    types (enums stored by name, dates) without the defaults of columns a later revision adds."""
    present = {column["name"] for column in sa.inspect(connection).get_columns(model_table.name)}
    return sa.table(model_table.name, *[sa.column(c.name, c.type) for c in model_table.columns if c.name in present])


def _insert(connection: sa.Connection, table: sa.TableClause, rows: list[dict]) -> None:
    """executemany, BATCH rows at a time; keys the database has no column for (yet) are left out."""
    names = set(table.c.keys())
    extra = set(rows[0]) - names if rows else set()
    for start in range(0, len(rows), BATCH):
        chunk = rows[start : start + BATCH]
        if extra:
            chunk = [{k: v for k, v in row.items() if k in names} for row in chunk]
        connection.execute(table.insert(), chunk)


def _scales(connection: sa.Connection) -> tuple[dict[str, list[int]], dict[str, int], dict[int, str]]:
    """The preset scales the migrations seeded: ratings in order, scale ids, labels by rating id."""
    from factcheck.domain.scales import DEFAULT_SCALE_NAME

    names = {"default": DEFAULT_SCALE_NAME, "politifact": "PolitiFact-style (6 levels)",
             "free": "Conclusion only (free text)"}
    stored = dict(connection.execute(sa.text("SELECT name, id FROM ratingscale")).all())
    scale_ids = {key: stored[name] for key, name in names.items() if name in stored}
    ratings: dict[str, list[int]] = {key: [] for key in scale_ids}
    labels = {}
    query = "SELECT id, scale_id, label FROM rating ORDER BY scale_id, position"
    for rating_id, scale_id, label in connection.execute(sa.text(query)).all():
        labels[rating_id] = label
        for key, found in scale_ids.items():
            if found == scale_id:
                ratings[key].append(rating_id)
    return ratings, scale_ids, labels


def load(url: str, size: int, pool: list[PoolText]) -> dict[str, int]:
    """Write the newsroom of `size` articles into a database at revision BUILT_AT; rows by table."""
    from factcheck import models

    engine = sa.create_engine(url)
    counts: dict[str, int] = defaultdict(int)
    try:
        with engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:
                # A database being built is thrown away if the build fails: no journal, no syncs.
                for pragma in ("journal_mode=OFF", "synchronous=OFF", "cache_size=-262144", "temp_store=MEMORY"):
                    connection.exec_driver_sql(f"PRAGMA {pragma}")
                connection.commit()
            tables = {
                name: _loadable(connection, model.__table__)
                for name, model in (
                    ("user", models.User), ("article", models.Article), ("claim", models.Claim),
                    ("assignment", models.Assignment), ("blindverdict", models.BlindVerdict),
                    ("source", models.Source), ("claimrevision", models.ClaimRevision),
                    ("comment", models.Comment), ("changestamp", models.ChangeStamp),
                )
            }
            newsroom = Newsroom(size, pool, team_rows(*_scales(connection)))
            # One transaction (begun by the first statement above), committed once everything is in.
            _insert(connection, tables["user"], newsroom.team.users)
            counts["user"] = len(newsroom.team.users)
            for index in range(size):
                newsroom.article(index)
                if len(newsroom.rows["claim"]) >= BATCH * 4 or index == size - 1:
                    for table, rows in newsroom.take().items():
                        _insert(connection, tables[table], rows)
                        counts[table] += len(rows)
            # Each user's creation bumped `site`, and so did switching off the former ones; see
            # stamp_scopes for `blind`.
            stamps = [{"scope": scope, "version": version} for scope, version in newsroom.stamps.items()]
            users = newsroom.team.users
            shared = {"SITE": len(users) + sum(not u["active"] for u in users), "BLIND": newsroom.blind_changes}
            stamps += [{"scope": scope, "version": shared[name]} for name, scope in stamp_scopes().items()]
            _insert(connection, tables["changestamp"], stamps)
            counts["changestamp"] = len(stamps)
            if not sqlite:
                _reset_sequences(connection, [name for name in tables if name != "changestamp"])
            connection.commit()
            if sqlite:
                connection.exec_driver_sql("PRAGMA journal_mode=WAL")
                connection.commit()
    finally:
        engine.dispose()
    return dict(counts)


#: The shared scopes of factcheck.domain.changes this script knows how to count (see load).
KNOWN_SCOPES = ("SITE", "BLIND")


def stamp_scopes() -> dict[str, str]:
    """The shared change-stamp scopes factcheck has (constant name -> scope), of those this script
    counts; any other public string constant of factcheck.domain.changes is reported, since a
    database built without its stamp may not be what the app would have written."""
    from factcheck.domain import changes

    constants = {
        name: value for name, value in vars(changes).items()
        if name.isupper() and not name.startswith("_") and isinstance(value, str)
    }
    for name in sorted(set(constants) - set(KNOWN_SCOPES)):
        print(f"warning: factcheck.domain.changes.{name} = {constants[name]!r} is a scope this script does not "
              "write: the built databases may lack its stamp", file=sys.stderr)
    return {name: constants[name] for name in KNOWN_SCOPES if name in constants}


def _reset_sequences(connection: sa.Connection, tables: list[str]) -> None:
    """PostgreSQL: each id sequence continues after the ids given here, as if the app had made them."""
    for table in tables:
        connection.exec_driver_sql(
            f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), "
            f"COALESCE((SELECT max(id) FROM \"{table}\"), 1), (SELECT count(*) > 0 FROM \"{table}\"))"
        )


def migrate(url: str, revision: str) -> None:
    """Run factcheck's migrations up to `revision`, as `factcheck db upgrade` does."""
    from alembic import command

    from factcheck.schema import alembic_config

    command.upgrade(alembic_config(url), revision)


def build(url: str, size: int, data: Path) -> dict[str, Any]:
    """A new database at `url`: migrated to BUILT_AT, loaded, migrated to the latest revision."""
    from factcheck.schema import head_revision

    started = time.perf_counter()
    migrate(url, BUILT_AT)
    pool = text_pool(data)
    pooled = time.perf_counter()
    counts = load(url, size, pool)
    loaded = time.perf_counter()
    if head_revision() != BUILT_AT:
        migrate(url, "head")
    engine = sa.create_engine(url)
    try:
        with engine.connect() as connection:
            if connection.dialect.name == "postgresql":
                connection.commit()
                connection.execution_options(isolation_level="AUTOCOMMIT").exec_driver_sql("VACUUM ANALYZE")
            else:
                dangling = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchmany(3)
                if dangling:
                    raise SystemExit(f"built database has rows pointing at nothing: {dangling}")
    finally:
        engine.dispose()
    done = time.perf_counter()
    return {"counts": counts, "pool_s": pooled - started, "load_s": loaded - pooled, "total_s": done - started}


def cache_key(size: int) -> str:
    """Size, schema revision, generator version and the stamp scopes written: a database built for
    another of these is not this one."""
    from factcheck.schema import head_revision

    return f"{size}-r{head_revision()}-v{DATA_VERSION}-{'-'.join(sorted(stamp_scopes().values()))}"


def sqlite_database(size: int, cache_dir: Path, data: Path) -> tuple[str, dict[str, Any] | None]:
    """The cached SQLite database of this size (built first if missing): its URL and build figures."""
    cache_dir.mkdir(parents=True, exist_ok=True)
    path = cache_dir / f"factcheck-{cache_key(size)}.sqlite"
    if path.exists():
        return f"sqlite:///{path}", None
    building = path.with_name(f"{path.name}.building-{os.getpid()}")
    for leftover in cache_dir.glob(f"{path.name}.building-*"):
        if not _running(leftover.name.split(".building-", 1)[1].split("-")[0]):  # a build that was killed
            leftover.unlink()
    try:
        figures = build(f"sqlite:///{building}", size, data)
    except BaseException:
        for leftover in building.parent.glob(building.name + "*"):
            leftover.unlink()
        raise
    os.replace(building, path)
    return f"sqlite:///{path}", figures


def _running(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


KEPT = "factcheck bench/scale.py: complete"


@contextmanager
def postgres_database(server_url: str, size: int, keep: bool, data: Path) -> Iterator[tuple[str, dict[str, Any] | None]]:
    """A database of this size on the PostgreSQL server: new (dropped afterwards), or with --keep
    the one kept by an earlier run if it was built completely."""
    server = sa.make_url(server_url)
    name = f"factcheck_scale_{cache_key(size).replace('-', '_')}" if keep else f"factcheck_scale_{size}_{os.getpid()}"
    url = server.set(database=name).render_as_string(hide_password=False)
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            comment = connection.exec_driver_sql(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %(name)s", {"name": name}
            ).first()
            if comment is not None and comment[0] == KEPT:
                figures = None
            else:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
                figures = "build"
        if figures == "build":
            figures = build(url, size, data)
            with admin.connect() as connection:
                connection.exec_driver_sql(f"COMMENT ON DATABASE \"{name}\" IS '{KEPT}'")
        yield url, figures
    finally:
        if not keep:
            with admin.connect() as connection:
                connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


# --- Timing ----------------------------------------------------------------------------------


@dataclass
class Figure:
    """One page at one size: median time, SQL statements and bytes per request, peak RSS."""

    status: int
    ms: float
    queries: int
    queries_varied: bool
    kb: float
    runs: int
    peak_rss_mb: float
    sql_ms: float = 0.0  # in cursor.execute, all statements of the request (median run)
    slowest_ms: float = 0.0  # the request's slowest statement
    slowest_sql: str = ""


@dataclass
class SizeResult:
    """Everything measured at one size."""

    size: int
    dialect: str
    rows: dict[str, int]
    figures: dict[str, Figure] = field(default_factory=dict)
    paged: dict[str, str] = field(default_factory=dict)  # page key -> "12 pages" / "no"
    rss_start_mb: float = 0.0
    rss_end_mb: float = 0.0
    rss_peak_mb: float = 0.0
    notes: list[str] = field(default_factory=list)


def _rss_mb() -> float:
    with open("/proc/self/statm") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_rss_mb() -> float:
    """The process's highest resident memory so far (VmHWM: unlike getrusage's maxrss, not carried
    over from the process that started this one)."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


class RssSampler:
    """The process's resident memory at its highest since the last reset, sampled every 5 ms."""

    def __init__(self) -> None:
        self.peak = _rss_mb()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, _rss_mb())

    def reset(self) -> None:
        self.peak = _rss_mb()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


class QueryCounter:
    """SQL statements an engine runs (before_cursor_execute), and how long each takes in
    cursor.execute (after_cursor_execute; SQLite reads the rows after the first while they are
    fetched, so a statement's cost shows here only up to its first row)."""

    def __init__(self, engine: sa.Engine) -> None:
        self.count = 0
        self.sql_ms = 0.0
        self.slowest: tuple[float, str] = (0.0, "")
        self._started = 0.0
        sa.event.listen(engine, "before_cursor_execute", self._before)
        sa.event.listen(engine, "after_cursor_execute", self._after)

    def reset(self) -> None:
        self.count, self.sql_ms, self.slowest = 0, 0.0, (0.0, "")

    def _before(self, *_args: Any) -> None:
        self.count += 1
        self._started = time.perf_counter()

    def _after(self, _connection: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        elapsed = (time.perf_counter() - self._started) * 1000
        self.sql_ms += elapsed
        if elapsed > self.slowest[0]:
            self.slowest = (elapsed, statement)


def timed(client: Any, counter: QueryCounter | None, sampler: RssSampler, runs: int,
          request: Callable[[], dict[str, Any]]) -> tuple[Figure, bytes]:
    """Median of `runs` requests after one warm-up (fewer when the page is slow); the last body."""
    sampler.reset()

    def once() -> tuple[float, int, bytes, tuple[int, float, float, str]]:
        asked = request()  # before the clock starts: a save reads the claim's version here
        if counter:
            counter.reset()
        started = time.perf_counter()
        response = client.open(**asked)
        body = response.get_data()
        elapsed = (time.perf_counter() - started) * 1000
        sql = (counter.count, counter.sql_ms, *counter.slowest) if counter else (0, 0.0, 0.0, "")
        return elapsed, response.status_code, body, sql

    warm_ms, _, _, _ = once()
    runs = runs if warm_ms < 1000 else 3 if warm_ms < 5000 else 1
    samples = sorted((once() for _ in range(runs)), key=lambda sample: sample[0])
    median = samples[len(samples) // 2]
    queries = [sql[0] for _, _, _, sql in samples]
    body = samples[-1][2]
    figure = Figure(
        status=max(status for _, status, _, _ in samples),
        ms=statistics.median(ms for ms, _, _, _ in samples),
        queries=int(statistics.median(queries)),
        queries_varied=len(set(queries)) > 1,
        kb=len(body) / 1024,
        runs=runs,
        peak_rss_mb=sampler.peak,
        sql_ms=median[3][1],
        slowest_ms=median[3][2],
        slowest_sql=" ".join(median[3][3].split()),
    )
    return figure, body


_PAGE_OF = re.compile(r"Page\s+[\d,]+\s+of\s+([\d,]+)")
_HREF = re.compile(r'href="([^"]+)"')


def last_page_url(path: str, body: str) -> tuple[str | None, int]:
    """The address of a list's last page when its first page links `?page=N` (and how many pages
    it says there are), else (None, 1)."""
    own = urlsplit(path).path
    linked: list[tuple[int, str]] = []
    for href in _HREF.findall(body):
        parts = urlsplit(html.unescape(href))
        number = dict(parse_qsl(parts.query)).get("page", "")
        if parts.path == own and number.isdigit():
            linked.append((int(number), parts.query))
    if not linked:
        return None, 1
    said = _PAGE_OF.search(body)
    last = int(said.group(1).replace(",", "")) if said else max(number for number, _ in linked)
    query = dict(parse_qsl(linked[0][1]))
    query["page"] = str(last)
    return urlunsplit(("", "", own, urlencode(query), "")), last


@dataclass(frozen=True)
class PageSpec:
    """A page to time: who opens it, its address (from the size's subjects), how."""

    key: str
    label: str
    path: str  # formatted with the subjects: {article}, {claim}, {blind_article}
    who: str = "admin"  # or "reviewer": the one with the most assignments
    htmx: bool = False
    listing: bool = False  # a list that may be paged: its last page is timed too
    cached: bool = False  # on the app with its page cache


PAGES = [
    PageSpec("home", "Home (article list)", "/", listing=True),
    PageSpec("new", "New article form", "/articles/new"),
    PageSpec("review", "Review page, drawn afresh", "/articles/{article}"),
    PageSpec("review_cached", "Review page, from the page cache", "/articles/{article}", cached=True),
    PageSpec("card", "Claim card (htmx fragment)", "/claims/{claim}", htmx=True),
    PageSpec("save", "Save a verdict (htmx)", "/claims/{claim}", htmx=True),
    PageSpec("history", "Claim history", "/claims/{claim}/history"),
    PageSpec("queue", "My queue (reviewer)", "/queue", who="reviewer", listing=True),
    PageSpec("assignments", "Assignments overview", "/assignments", listing=True),
    PageSpec("agreement", "Agreement (kappa)", "/agreement", listing=True),
    PageSpec("agreement_cached", "Agreement, from the page cache", "/agreement", cached=True),
    PageSpec("board", "Blind review board", "/articles/{blind_article}/blind", listing=True),
    PageSpec("users", "Users", "/users", listing=True),
    PageSpec("scales", "Rating scales", "/scales", listing=True),
    PageSpec("rules", "Approval rules", "/approval-rules"),
    PageSpec("report", "Report (preview)", "/articles/{article}/report"),
    PageSpec("report_md", "Report (Markdown download)", "/articles/{article}/report.md"),
    PageSpec("export", "Export (JSON)", "/articles/{article}/export.json"),
]
PAGE_KEYS = [page.key for page in PAGES]
_CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]+)"')


def subjects(engine: sa.Engine) -> dict[str, Any]:
    """What the pages are opened on: a half-reviewed article with a claim in progress, a blind
    article still being settled, the reviewer with the most assignments; and the size's counts."""
    found: dict[str, Any] = {}
    with engine.connect() as connection:
        def one(query: str, **params: Any) -> Any:
            row = connection.execute(sa.text(query), params).first()
            return row[0] if row is not None else None

        articles = one("SELECT count(*) FROM article")
        found["article"] = one(
            "SELECT a.id FROM article a JOIN claim c ON c.article_id = a.id "
            "WHERE NOT a.blind_review AND c.status = 'IN_PROGRESS' AND c.verdict_id IS NOT NULL AND a.id >= :middle "
            "ORDER BY a.id LIMIT 1", middle=int(articles * 0.55),
        )
        found["claim"] = one(
            "SELECT id FROM claim WHERE article_id = :article AND status = 'IN_PROGRESS' AND verdict_id IS NOT NULL "
            "ORDER BY position LIMIT 1", article=found["article"],
        )
        found["blind_article"] = one("SELECT min(article_id) FROM blindverdict WHERE settled IS NULL")
        found["reviewer"] = one(
            "SELECT u.username FROM assignment a JOIN \"user\" u ON u.id = a.reviewer_id "
            "GROUP BY u.username ORDER BY count(*) DESC, u.username LIMIT 1"
        )
        found["ratings"] = [r for (r,) in connection.execute(sa.text(
            "SELECT r.id FROM rating r JOIN article a ON a.rating_scale_id = r.scale_id WHERE a.id = :article "
            "ORDER BY r.position LIMIT 2"), {"article": found["article"]}).all()]
        counts = {}
        for table in ("article", "claim", "claimrevision", "source", "comment", "assignment", "blindverdict", "changestamp"):
            counts[table] = one(f'SELECT count(*) FROM "{table}"')
        counts["reviewer_assignments"] = one(
            "SELECT count(*) FROM assignment a JOIN \"user\" u ON u.id = a.reviewer_id WHERE u.username = :name",
            name=found["reviewer"],
        )
        found["counts"] = counts
    return found


def _log_in(app: Any, username: str) -> Any:
    client = app.test_client()
    token = _CSRF.search(client.get("/login").get_data(as_text=True)).group(1)
    response = client.post("/login", data={"username": username, "password": PASSWORD, "csrf_token": token})
    if response.status_code != 303:
        raise SystemExit(f"could not log in as {username}: {response.status_code}")
    return client


def _csrf_of(client: Any) -> str:
    return _CSRF.search(client.get("/account/password").get_data(as_text=True)).group(1)


class SaveUndo:
    """What the timed saves change, put back afterwards so a cached database stays as built: the
    claim, its new revisions, the article's change stamp, and the logins made."""

    def __init__(self, engine: sa.Engine, claim_id: int | None) -> None:
        self.engine = engine
        self.claim_id = claim_id
        with engine.connect() as connection:
            self.claim = connection.execute(
                sa.text("SELECT article_id, verdict_id, rationale, status, updated, version, submitted_by_id "
                        "FROM claim WHERE id = :id"), {"id": claim_id}).mappings().first()
            self.scope = f"article:{self.claim['article_id']}" if self.claim else ""
            self.stamp = connection.execute(
                sa.text("SELECT version FROM changestamp WHERE scope = :scope"), {"scope": self.scope}).scalar()
            self.last_revision = connection.execute(sa.text("SELECT coalesce(max(id), 0) FROM claimrevision")).scalar()
            self.last_login = connection.execute(sa.text("SELECT coalesce(max(id), 0) FROM loginsession")).scalar()

    def version(self) -> int:
        with self.engine.connect() as connection:
            return connection.execute(sa.text("SELECT version FROM claim WHERE id = :id"), {"id": self.claim_id}).scalar()

    def put_back(self) -> None:
        with self.engine.begin() as connection:
            connection.execute(sa.text("DELETE FROM loginsession WHERE id > :last"), {"last": self.last_login})
            if self.claim is None:
                return
            # The saves keep the status ("in progress"): the rest is put back.
            connection.execute(
                sa.text("UPDATE claim SET verdict_id = :verdict_id, rationale = :rationale, updated = :updated, "
                        "version = :version, submitted_by_id = :submitted_by_id WHERE id = :id"),
                {name: self.claim[name] for name in ("verdict_id", "rationale", "updated", "version", "submitted_by_id")}
                | {"id": self.claim_id},
            )
            connection.execute(sa.text("DELETE FROM claimrevision WHERE id > :last"), {"last": self.last_revision})
            connection.execute(sa.text("UPDATE changestamp SET version = :version WHERE scope = :scope"),
                               {"version": self.stamp, "scope": self.scope})


def measure_size(size: int, url: str, runs: int, keys: list[str]) -> SizeResult:
    """In a fresh process: every page at this size, and the hello route beside them."""
    from flask import Flask

    from factcheck import create_app

    rss_start = _rss_mb()
    probe = sa.create_engine(url)
    found = subjects(probe)
    config = {"DATABASE_URL": url, "SECRET_KEY": "scale bench", "ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 8,
              "ARGON2_PARALLELISM": 1}
    afresh, cached = create_app({**config, "PAGE_CACHE_MB": 0}), create_app(config)
    hello = Flask("hello")
    hello.add_url_rule("/hello", "hello", lambda: "hello")
    result = SizeResult(size, probe.dialect.name, found["counts"])
    counters = {id(app): QueryCounter(app.extensions["factcheck.engine"]) for app in (afresh, cached)}
    undo = SaveUndo(probe, found["claim"])  # before the logins, which it also takes back
    clients = {
        ("admin", False): _log_in(afresh, "admin"),
        ("admin", True): _log_in(cached, "admin"),
        ("reviewer", False): _log_in(afresh, found["reviewer"]),
    }
    sampler = RssSampler()
    result.figures["hello"], _ = timed(hello.test_client(), None, sampler, runs, lambda: {"path": "/hello"})
    try:
        for page in PAGES:
            if page.key not in keys:
                continue
            if any(found[name] is None for name in re.findall(r"{(\w+)}", page.path)):
                result.notes.append(f"{page.key}: nothing to open it on at this size")
                continue
            path = page.path.format(**found)
            app = cached if page.cached else afresh
            client = clients[(page.who, page.cached)]
            headers = {"HX-Request": "true"} if page.htmx else {}
            if page.key == "save":
                figure = _time_save(client, counters[id(app)], sampler, runs, path, found, undo)
            else:
                figure, body = timed(client, counters[id(app)], sampler, runs,
                                     lambda path=path, headers=headers: {"path": path, "headers": headers})
            result.figures[page.key] = figure
            if page.listing and page.key != "save":
                last, pages = last_page_url(path, body.decode("utf-8", "replace"))
                result.paged[page.key] = f"{pages:,} pages" if last else "no"
                if last and pages > 1:
                    result.figures[f"{page.key}:last"], _ = timed(
                        client, counters[id(app)], sampler, runs, lambda last=last: {"path": last})
    finally:
        sampler.stop()
        undo.put_back()
        for app in (afresh, cached):
            app.extensions["factcheck.engine"].dispose()
        probe.dispose()
    result.rss_start_mb = rss_start
    result.rss_end_mb = _rss_mb()
    result.rss_peak_mb = _peak_rss_mb()
    return result


def _time_save(client: Any, counter: QueryCounter, sampler: RssSampler, runs: int, path: str,
               found: dict[str, Any], undo: SaveUndo) -> Figure:
    """Saves of the claim's verdict from its editor on the review page, alternating between two
    verdicts and two rationales so each one changes the claim."""
    token = _csrf_of(client)
    turn = [0]
    here = f"http://localhost/articles/{found['article']}?claim={found['claim']}"

    def request() -> dict[str, Any]:
        turn[0] += 1
        rating = found["ratings"][turn[0] % len(found["ratings"])]
        form = {"csrf_token": token, "verdict": str(rating), "status": "in_progress", "version": str(undo.version()),
                "rationale": f"Checked again, round {turn[0]}: see **source 1**."}
        return {"path": path, "method": "POST", "data": form,
                "headers": {"HX-Request": "true", "HX-Current-URL": here}}

    figure, _ = timed(client, counter, sampler, runs, request)
    return figure


# --- Report ----------------------------------------------------------------------------------


def _size_name(size: int) -> str:
    return f"{size // 1000}k" if size >= 1000 and size % 1000 == 0 else str(size)


def _cell(figure: Figure | None) -> str:
    if figure is None:
        return "–"
    text = f"{figure.ms:,.1f}" if figure.ms < 100 else f"{figure.ms:,.0f}"
    return text if figure.status == 200 else f"{text} (status {figure.status})"


def report(results: list[SizeResult]) -> list[str]:
    """Print the page × size table; return the targets missed."""
    sizes = [r.size for r in results]
    largest = results[-1]
    keys = [key for key in ["hello", *[k for p in PAGES for k in (p.key, f"{p.key}:last")]]
            if any(key in r.figures for r in results)]
    labels = {p.key: p.label for p in PAGES} | {f"{p.key}:last": f"{p.label}, last page" for p in PAGES}
    labels["hello"] = "peer: bare Flask \"hello\""
    names = [_size_name(s) for s in sizes]
    print(f"\n{largest.dialect}: median ms per request (SQL statements, KB), growth "
          f"{names[0]}→{names[-1]}, ×hello at {names[-1]}\n")
    print("| page | paged | " + " | ".join(f"ms {n}" for n in names) + f" | growth | ×hello | queries {' / '.join(names)} | "
          f"KB {' / '.join(names)} | peak RSS MB |")
    print("|---|---|" + "---:|" * len(names) + "---:|---:|---:|---:|---:|")
    for key in keys:
        row = [r.figures.get(key) for r in results]
        hello = largest.figures["hello"].ms
        end, start = row[-1], row[0]
        growth = f"{end.ms / start.ms:.2f}×" if end and start and start.ms else "–"
        ratio = f"{end.ms / hello:,.0f}×" if end and key != "hello" else ""
        queries = " / ".join("–" if f is None else f"{f.queries}{'~' if f.queries_varied else ''}" for f in row)
        size_kb = " / ".join("–" if f is None else f"{f.kb:,.0f}" if f.kb >= 10 else f"{f.kb:.1f}" for f in row)
        paged = largest.paged.get(key, "")
        rss = f"{end.peak_rss_mb:,.0f}" if end else "–"
        cells = " | ".join(_cell(f) for f in row)
        print(f"| {labels.get(key, key)} | {paged} | {cells} | {growth} | {ratio} | {queries} | {size_kb} | {rss} |")
    print()
    for r in results:
        counts = r.rows
        print(f"- {_size_name(r.size)}: {counts['article']:,} articles, {counts['claim']:,} claims, "
              f"{counts['claimrevision']:,} revisions, {counts['source']:,} sources, {counts['comment']:,} comments, "
              f"{counts['assignment']:,} assignments ({counts['reviewer_assignments']:,} of the queue's reviewer), "
              f"{counts['blindverdict']:,} blind verdicts; process RSS {r.rss_start_mb:,.0f} MB at start, "
              f"{r.rss_end_mb:,.0f} MB at the end, {r.rss_peak_mb:,.0f} MB at its peak")
        for note in r.notes:
            print(f"  - {note}")
    where_time_goes(largest, labels)
    return targets(results)


_COLUMNS = re.compile(r"^SELECT (.*?) FROM ")
_PARAMETERS = re.compile(r"\((?:\?|%\(\w+\)s|__\[POSTCOMPILE_\w+\]), (?:(?:\?|%\(\w+\)s), )*(?:\?|%\(\w+\)s)\)")


def _brief(statement: str, limit: int = 260) -> str:
    """A statement as the table shows it: a long select list as "…", a long IN list as (…)."""
    columns = _COLUMNS.match(statement)
    if columns and len(columns.group(1)) > 60:
        statement = "SELECT … FROM " + statement[columns.end() :]
    statement = _PARAMETERS.sub("(…)", statement)
    return statement if len(statement) <= limit else statement[: limit - 1] + "…"


def where_time_goes(result: SizeResult, labels: dict[str, str], shown: int = 8) -> None:
    """The slowest pages at the largest size: how much of each request is SQL, and its slowest statement."""
    pages = sorted((item for item in result.figures.items() if item[0] != "hello"), key=lambda item: -item[1].ms)
    print(f"\nWhere the time goes at {_size_name(result.size)}, the {shown} slowest pages (median request):\n")
    print("| page | ms | in SQL ms | slowest statement ms | slowest statement |")
    print("|---|---:|---:|---:|---|")
    for key, figure in pages[:shown]:
        statement = _brief(figure.slowest_sql)
        print(f"| {labels.get(key, key)} | {figure.ms:,.0f} | {figure.sql_ms:,.0f} | {figure.slowest_ms:,.0f} | "
              f"`{statement.replace('|', '¦')}` |")


def targets(results: list[SizeResult]) -> list[str]:
    """Each of the issue's targets that these sizes can check: (met, what) printed; the missed returned."""
    by_size = {r.size: r for r in results}
    checks: list[tuple[bool, str]] = []

    def ms(size: int, key: str) -> float | None:
        figure = by_size[size].figures.get(key) if size in by_size else None
        return figure.ms if figure is not None and figure.status < 400 else None

    for key in ("home", "home:last"):
        for size in TARGET_SIZES:
            value = ms(size, key)
            if value is not None:
                checks.append((value <= HOME_MS, f"{key} at {_size_name(size)}: {value:,.1f} ms (target ≤ {HOME_MS:g})"))
        small, big = results[0].size, results[-1].size
        if big > small and ms(small, key) and ms(big, key):
            growth = ms(big, key) / ms(small, key)
            span = f"{_size_name(small)}→{_size_name(big)}"
            checks.append((growth <= HOME_GROWTH, f"{key} growth {span}: {growth:.2f}× (target ≤ {HOME_GROWTH}×"
                           + ("" if small == 1000 and big == 100_000 else ", issue's span 1k→100k") + ")"))
    value = ms(10_000, "queue")
    if value is not None:
        checks.append((value <= QUEUE_MS, f"queue at 10k: {value:,.1f} ms (target ≤ {QUEUE_MS:g})"))
    queries = {r.size: r.figures["queue"].queries for r in results if "queue" in r.figures}
    if len(queries) > 1:
        same = len(set(queries.values())) == 1
        shown = ", ".join(f"{q} at {_size_name(s)}" for s, q in queries.items())
        checks.append((same, f"queue queries: {shown} (target: the same at every size)"))
    value = ms(10_000, "assignments")
    if value is not None:
        checks.append((value <= OVERVIEW_MS, f"assignments at 10k: {value:,.1f} ms (target ≤ {OVERVIEW_MS:g})"))
    near = [r for r in results if "agreement" in r.figures]
    if near:
        chosen = min(near, key=lambda r: abs(r.rows["blindverdict"] - AGREEMENT_VERDICTS))
        value = ms(chosen.size, "agreement")
        if value is not None:
            checks.append((value <= AGREEMENT_MS, f"agreement at {_size_name(chosen.size)} "
                           f"({chosen.rows['blindverdict']:,} blind verdicts): {value:,.1f} ms (target ≤ {AGREEMENT_MS:g})"))
    print()
    for met, what in checks:
        print(("met:    " if met else "MISSED: ") + what)
    return [what for met, what in checks if not met]


def describe_checkout() -> str:
    """The commit measured, and how many files differ from it (others may be editing them)."""
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True, check=True).stdout.strip()
        changed = subprocess.run(["git", "-C", str(ROOT), "status", "--short"], capture_output=True, text=True,
                                 check=True).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return "factcheck (not a git checkout)"
    return f"factcheck {commit}" + (f" with {len(changed)} files changed or new" if changed else "")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("data", nargs="?", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)), help="articles per database (default %(default)s)")
    parser.add_argument("--runs", type=int, default=5, help="timed requests per page after a warm-up (default 5)")
    parser.add_argument("--pages", default="", help=f"a subset of: {','.join(PAGE_KEYS)}")
    parser.add_argument("--cache-dir", type=Path, default=Path("/tmp/factcheck-scale"))
    parser.add_argument("--database-url", help="a PostgreSQL server (its maintenance database): a database per size")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL databases and reuse them next time")
    parser.add_argument("--build-only", action="store_true", help="build (or find) the databases, time nothing")
    args = parser.parse_args(argv)
    sizes = sorted({int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()})
    keys = [k.strip() for k in args.pages.split(",") if k.strip()] or PAGE_KEYS
    if unknown := set(keys) - set(PAGE_KEYS):
        parser.error(f"unknown pages {sorted(unknown)}: choose from {','.join(PAGE_KEYS)}")
    print(describe_checkout(), "·", f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    results = []
    for size in sizes:
        if args.database_url:
            database = postgres_database(args.database_url, size, args.keep, args.data)
        else:
            database = _already(sqlite_database(size, args.cache_dir, args.data))
        with database as (url, figures):
            shown = sa.make_url(url).render_as_string(hide_password=True)
            if figures is None:
                print(f"{_size_name(size)}: {shown} (built earlier)")
            else:
                print(f"{_size_name(size)}: built {shown} in {figures['total_s']:,.1f} s (texts "
                      f"{figures['pool_s']:,.1f} s, rows {figures['load_s']:,.1f} s): "
                      + ", ".join(f"{n:,} {t}" for t, n in figures["counts"].items()))
            if args.build_only:
                continue
            with ProcessPoolExecutor(1, mp_context=get_context("spawn")) as worker:
                results.append(worker.submit(measure_size, size, url, args.runs, keys).result())
            sys.stdout.flush()
    if not results:
        return 0
    missed = report(results)
    return 1 if missed else 0


@contextmanager
def _already(value: tuple[str, dict[str, Any] | None]) -> Iterator[tuple[str, dict[str, Any] | None]]:
    yield value


if __name__ == "__main__":
    sys.exit(main())
