"""Search, "seen before" matching and archive import with 1,000,000 claims, on SQLite and PostgreSQL.

**The databases.** Built once per size and kept (SQLite files and a PostgreSQL 15 cluster of this
script's own under --cache-dir, default /tmp/factcheck-archive-scale), each holding:

- `--rows` archive entries (default 1,000,000): the 14,231 Snopes fact-checks of CheckThat! 2022
  task 2A as bench/archive_jsonl.py converts them, then variants of them, each with some numbers,
  names (capitalised words of other seeds) and about one word in eight (from another seed claim)
  swapped, the same swaps in its claim, title and summary, so words keep the seeds' spread of
  frequencies; a unique key, an address, a rating, a publisher and a date near the seed's;
- `--rows` claims in articles of 50 sentences (20,000 articles at 1,000,000), each sentence a variant
  of a seed claim (one in six of its summary); 5% of the claims approved or published with a verdict
  and a rationale (the matcher's candidates among claims), 5% more in review, some with a rationale.

The schema is factcheck's own: `create_app` makes a new SQLite file by the migrations, and
`factcheck db upgrade` a new PostgreSQL database. Rows go in on the DB-API connection
(`executemany` on SQLite, `COPY` on PostgreSQL) in transactions of 100,000, through the triggers
of migration 0005, so the full-text indexes are filled as the app would fill them; the load rates
are printed. PostgreSQL's tables are then VACUUM ANALYZEd (what autovacuum would have done).

**What is timed**, on each database in one process, every figure the p50 / p95 / max of at least
--runs calls (each in a session of its own) after a warm-up, beside a peer in the same run:

- search: `search_claims` and `search_archive` (the search page: count up to 1,001, one page of
  20, highlighted) for a mix of queries made from the seeds (one of the 150 commonest words, two,
  a word of only 2 or 3 seeds, three words of one claim, a quoted phrase, a prefix of 3 to 5
  letters, and for claims a status filter and a 180-day range); peer: the bare full-text query,
  `... MATCH ? LIMIT 20` (FTS5) or `... @@ to_tsquery(...) LIMIT 20` (PostgreSQL), alternating
  with it; the slowest query of each kind over the target is run again with its statements' plans;
- matching one claim: `find_matches` for the 401 CheckThat! dev and dev-test tweets, with the time
  its SQL statements take (read as they run, so the first stage timed is the matcher's own, however
  its code changes); peers: its first-stage statements run again alone, and the bare OR unranked;
- a 300-sentence article: `create_article`, with its matching and with the matcher (`matches_of`,
  `store_matches` in factcheck.domain.articles) replaced by no-ops, alternately, rolled back;
- archive import: `import_archive` of --import-rows new records (JSON lines, committed) into a copy
  of the database, the same file again (every record unchanged), and the peer: the same rows by
  raw `executemany`; then the copy is dropped;
- the size on disk: the SQLite file and its WAL, or pg_database_size, and their biggest parts.

Targets (the script exits 1 when one is missed): search p95 at most 50 ms (claims, and the
archive, over the whole mix), matching one claim p95 at most 50 ms, and matching adding at most
2 s to the import of a 300-sentence article.

    .venv/bin/python bench/archive_scale.py [--rows 1000000] [--database sqlite|postgresql|both]
        [--data ../shared/data] [--runs 200] [--import-rows N] [--article-runs 3]
        [--parts size,search,import,matching,article] [--explain 3] [--wait-model SECONDS]
        [--cache-dir /tmp/factcheck-archive-scale] [--build-only] [--keep-server]

`--rows 20000` runs in about 3 minutes (databases built in 10-15 s); 1,000,000 about 90 minutes
once built (SQLite about 5 minutes to build, PostgreSQL about 10). The matcher's model (factcheck/matching/matcher_model.json)
is needed for the matching figures and the article's: without it they are left out, unless
--wait-model gives it time to appear. Data: CLEF 2022 CheckThat! task 2A (../shared/data's README).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(1, str(ROOT / "bench"))

import sqlalchemy as sa  # noqa: E402 (after the checkout is put first on the path)
from archive_jsonl import VCLAIMS, convert  # noqa: E402 (bench/archive_jsonl.py: Snopes to JSON lines)
from scale import describe_checkout  # noqa: E402 (bench/scale.py: the commit measured)
from sqlmodel import Session  # noqa: E402

from factcheck.matching.index import RECOUNT, entry_words  # noqa: E402
from factcheck.matching.text import signature  # noqa: E402

#: Bumped whenever the generated rows change, so cached databases are built again.
DATA_VERSION = 3  # 3: with the first stage's rare words (migration 0006)
DEFAULT_ROWS = 1_000_000
CLAIMS_PER_ARTICLE = 50
ARTICLE_SENTENCES = 300
CHUNK = 10_000  # rows made from one random stream, and written by one executemany or COPY
COMMIT_EVERY = 100_000
START = dt.datetime(2024, 1, 1, 8, 0, tzinfo=dt.UTC)
SPAN = dt.timedelta(days=700)  # from the first article to the last, whatever their number

# Targets from the issue.
SEARCH_MS = 50.0
MATCH_MS = 50.0
ARTICLE_ADDED_S = 2.0

PG_BIN = Path("/usr/lib/postgresql/15/bin")
#: The throwaway cluster's settings: a modest production-like memory budget, and room for a bulk load.
PG_SETTINGS = {
    "listen_addresses": "''",
    "shared_buffers": "1GB",
    "work_mem": "16MB",
    "maintenance_work_mem": "512MB",
    "max_wal_size": "8GB",
    "effective_cache_size": "8GB",
}

RATINGS = [("False", 30), ("Mostly False", 10), ("Mixture", 8), ("True", 8), ("Mostly True", 5), ("Miscaptioned", 5),
           ("Unproven", 4), ("Scam", 3), ("Legend", 2), ("Labeled Satire", 3), ("Correct Attribution", 3),
           ("Misattributed", 3), ("Outdated", 2)]
PUBLISHERS = ["Snopes"] * 6 + ["PolitiFact", "AFP Fact Check", "Full Fact", "Reuters Fact Check"]
OUTLETS = ["Reuters", "Associated Press", "The Guardian", "BBC News", "Le Monde", "Der Spiegel", "The Record", ""]
RATIONALE_TAIL = [
    "We found no record that supports it; the earliest version we traced is a post shared {n} times.",
    "The figure comes from a {n} report, which says something narrower than the claim.",
    "Checked against the original footage and the agency's statement (source {n}).",
    "The quote is real but cut; the full transcript qualifies it.",
]


# --- The seeds and their variants ------------------------------------------------------------


@dataclass(frozen=True)
class Seed:
    """A Snopes fact-check as bench/archive_jsonl.py converts it."""

    key: str
    claim: str
    title: str
    summary: str
    published: dt.date | None


def load_seeds(data: Path, cache: Path) -> list[Seed]:
    """The 14,231 Snopes fact-checks, converted once into the cache by archive_jsonl.convert."""
    converted = cache / "snopes.jsonl"
    if not converted.exists():
        part = converted.with_name(converted.name + ".part")
        convert(data / VCLAIMS, part)
        part.replace(converted)
    seeds = []
    with converted.open(encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            published = dt.date.fromisoformat(record["published"]) if record.get("published") else None
            seeds.append(Seed(record["id"], record["claim"], record.get("title", ""), record.get("summary", ""), published))
    return seeds


_SPLIT = re.compile(r"([^\W_]+)")
_WORD = re.compile(r"[^\W\d_]+")


def _stopwords() -> frozenset[str]:
    from factcheck.matching.text import STOPWORDS

    return STOPWORDS


class Variants:
    """Varied copies of the seeds: numbers, names and some words swapped, alike in claim, title and summary."""

    def __init__(self, seeds: list[Seed]) -> None:
        self.seeds = seeds
        stop = _stopwords()
        names: set[str] = set()
        self.donors: list[list[str]] = []
        for seed in seeds:
            words = _WORD.findall(seed.claim)
            names.update(w for w in words[1:] if w[0].isupper() and len(w) > 2 and not w.isupper())
            self.donors.append([w for w in words if len(w) >= 4 and w.lower() not in stop and not w[0].isupper()])
        self.names = sorted(names)

    def variant(self, index: int, chance: random.Random) -> tuple[str, str, str]:
        """Claim, title and summary of a variant of seed `index` (the same swaps in all three)."""
        seed = self.seeds[index]
        donor = self.donors[chance.randrange(len(self.seeds))]
        swaps: dict[str, str] = {}

        def swap(word: str, first: bool) -> str:
            if word in swaps:
                return swaps[word]
            new = word
            if word.isdigit():
                if len(word) == 4 and word[:2] in ("19", "20"):
                    new = str(chance.randint(1990, 2024))
                else:
                    new = str(chance.randint(10 ** (len(word) - 1) if len(word) > 1 else 0, 10 ** len(word) - 1))
            elif word[0].isupper() and not first and len(word) > 2 and chance.random() < 0.5:
                new = chance.choice(self.names)
            elif donor and len(word) >= 4 and word.islower() and chance.random() < 0.13:
                new = chance.choice(donor)
            swaps[word] = new
            return new

        def varied(text: str) -> str:
            parts = _SPLIT.split(text)
            for at in range(1, len(parts), 2):
                parts[at] = swap(parts[at], at == 1)
            return "".join(parts)

        return varied(seed.claim), varied(seed.title), varied(seed.summary)


def _chance(salt: str, number: int) -> random.Random:
    return random.Random(f"{salt}:{number}")


def archive_rows(variants: Variants, first: int, count: int, *, salt: str = "archive", prefix: str = "") -> Iterator[list[tuple]]:
    """Archive entries `first` .. `first + count - 1` in chunks of CHUNK rows, as
    (id, key, claim, title, summary, url, published, rating, publisher, imported): the first
    len(seeds) are the seeds themselves (unless `prefix` names a set of new keys)."""
    seeds = variants.seeds
    labels, weights = zip(*RATINGS, strict=True)
    imported = START - dt.timedelta(days=30)
    for chunk_start in range(first, first + count, CHUNK):
        chance = _chance(salt, chunk_start // CHUNK)
        rows = []
        for number in range(chunk_start, min(chunk_start + CHUNK, first + count)):
            index = number % len(seeds)
            seed = seeds[index]
            if number < len(seeds) and not prefix:
                claim, title, summary = seed.claim, seed.title, seed.summary
                key, url, publisher, published = seed.key, None, "Snopes", seed.published
            else:
                claim, title, summary = variants.variant(index, chance)
                key = f"{prefix}{seed.key}~{number // len(seeds)}"
                url = f"https://archive.example/{key}"
                publisher = chance.choice(PUBLISHERS)
                base = seed.published or dt.date(2015, 1, 1)
                published = base + dt.timedelta(days=chance.randint(-900, 900))
            rating = chance.choices(labels, weights)[0]
            rows.append((number + 1, key, claim, title, summary, url, published, rating, publisher, imported))
        yield rows


ARCHIVE_COLUMNS = ("id", "key", "claim", "title", "summary", "url", "published", "rating", "publisher", "imported", "updated")


def _archive_row(row: tuple) -> tuple:
    return (*row, row[-1])  # updated = imported


def archive_record(row: tuple) -> dict[str, Any]:
    """An archive row as a JSON-lines fact-check (factcheck.archive.formats)."""
    _id, key, claim, title, summary, url, published, rating, publisher, _imported = row
    record = {"id": key, "claim": claim, "title": title, "summary": summary, "url": url,
              "published": published.isoformat() if published else None, "rating": rating, "publisher": publisher}
    return {k: v for k, v in record.items() if v}


@dataclass
class Article:
    """An article's row and its claims' rows, as the app stores them."""

    row: tuple
    claims: list[tuple]


ARTICLE_COLUMNS = ("id", "title", "outlet", "author", "url", "published", "dateline", "source_url", "content_hash",
                   "text", "rating_scale_id", "blind_review", "created")
CLAIM_COLUMNS = ("id", "article_id", "position", "start", "end", "text", "status", "verdict_id", "conclusion",
                 "rationale", "checkworthiness", "kind", "signals", "worth_checking", "dismissed", "updated", "version",
                 "submitted_by_id")
KINDS = ["FACTUAL", "FACTUAL", "STATISTIC", "ATTRIBUTION", "PREDICTION", "OPINION"]


def sentences(variants: Variants, chance: random.Random, count: int) -> list[str]:
    """`count` sentences, each a variant of a seed's claim (one in six of its summary), ending with a stop."""
    found = []
    while len(found) < count:
        claim, _title, summary = variants.variant(chance.randrange(len(variants.seeds)), chance)
        sentence = " ".join((summary if summary and chance.random() < 1 / 6 else claim).split())
        if not sentence:
            continue
        found.append(sentence if sentence[-1] in ".?!\"”’'" else sentence + ".")
    return found


def article_text(parts: list[str], chance: random.Random) -> tuple[str, list[tuple[int, int]]]:
    """Sentences joined into paragraphs of 3 to 7; the text and each sentence's span in it."""
    text, spans, in_paragraph = "", [], 0
    for sentence in parts:
        if text:
            if in_paragraph >= chance.randint(3, 7):
                text += "\n\n"
                in_paragraph = 0
            else:
                text += " "
        spans.append((len(text), len(text) + len(sentence)))
        text += sentence
        in_paragraph += 1
    return text, spans


def articles(variants: Variants, count: int, ratings: list[int], scale_id: int) -> Iterator[list[Article]]:
    """`count` articles of CLAIMS_PER_ARTICLE claims, in chunks of CHUNK claims."""
    from factcheck.domain.articles import content_hash

    per_chunk = CHUNK // CLAIMS_PER_ARTICLE
    claim_id = 0
    for chunk_start in range(0, count, per_chunk):
        chance = _chance("articles", chunk_start // per_chunk)
        chunk = []
        for number in range(chunk_start, min(chunk_start + per_chunk, count)):
            text, spans = article_text(sentences(variants, chance, CLAIMS_PER_ARTICLE), chance)
            _claim, title, _summary = variants.variant(chance.randrange(len(variants.seeds)), chance)
            created = START + SPAN * number / count
            published = (created - dt.timedelta(days=chance.randint(0, 3))).date()
            row = (number + 1, " ".join(title.split())[:200] or f"Article {number + 1}", chance.choice(OUTLETS), "",
                   "", published, "", "", content_hash(text), text, scale_id, False, created)
            claims = []
            for position, (start, end) in enumerate(spans):
                claim_id += 1
                status, verdict, rationale = _review(chance, ratings, variants)
                claims.append((claim_id, number + 1, position, start, end, text[start:end], status, verdict, "", rationale,
                               round(chance.random(), 3), chance.choice(KINDS), "", None, False, created, 1, None))
            chunk.append(Article(row, claims))
        yield chunk


def _review(chance: random.Random, ratings: list[int], variants: Variants) -> tuple[str, int | None, str]:
    """Status, verdict and rationale: 5% signed off with a verdict, 5% in review (half with a verdict)."""
    draw = chance.random()
    if draw < 0.03:
        status = "PUBLISHED"
    elif draw < 0.05:
        status = "APPROVED"
    elif draw < 0.08:
        status = "IN_PROGRESS"
    elif draw < 0.10:
        status = "NEEDS_SECOND_REVIEW"
    else:
        return "TO_REVIEW", None, ""
    if draw >= 0.05 and chance.random() < 0.5:
        return status, None, ""
    _claim, _title, summary = variants.variant(chance.randrange(len(variants.seeds)), chance)
    tail = chance.choice(RATIONALE_TAIL).format(n=chance.randint(2, 900))
    return status, chance.choice(ratings), f"{summary} {tail}".strip()


# --- Building the databases ------------------------------------------------------------------


def _sqlite_value(value: Any) -> Any:
    """A value as SQLAlchemy's SQLite dialect stores it (naive UTC text for times, 0/1 for flags)."""
    kind = value.__class__
    if kind is dt.datetime:
        return value.astimezone(dt.UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    if kind is dt.date:
        return value.isoformat()
    if kind is bool:
        return int(value)
    return value


def _insert(table: str, columns: tuple[str, ...], marker: str) -> str:
    names = ", ".join(f'"{c}"' for c in columns)
    return f"INSERT INTO {table} ({names}) VALUES ({', '.join([marker] * len(columns))})"


def head_revision() -> str:
    from factcheck.schema import head_revision as head

    return head()


def _default_scale(connection: Any, marker: str) -> tuple[int, list[int]]:
    from factcheck.domain.scales import DEFAULT_SCALE_NAME

    cursor = connection.cursor()
    cursor.execute(f"SELECT id FROM ratingscale WHERE name = {marker}", (DEFAULT_SCALE_NAME,))
    scale_id = cursor.fetchone()[0]
    cursor.execute(f"SELECT id FROM rating WHERE scale_id = {marker} ORDER BY position", (scale_id,))
    return scale_id, [row[0] for row in cursor.fetchall()]


class Loader:
    """Writes the generated rows in transactions of COMMIT_EVERY, timing each table; one per database kind."""

    def __init__(self, rows: int, variants: Variants, report: Callable[[str], None]) -> None:
        self.rows = rows
        self.variants = variants
        self.report = report
        self.figures: dict[str, Any] = {"rows": rows}

    def load(self, connection: Any) -> None:
        scale_id, ratings = self.scale(connection)
        started = time.perf_counter()
        done = 0
        for chunk in archive_rows(self.variants, 0, self.rows):
            self.write_archive(connection, [_archive_row(r) for r in chunk])
            self.write_words(connection, "archiveterm", "archive_entry_id",
                             [(word, row[0]) for row in chunk for word in entry_words(row[2], row[3])])
            done += len(chunk)
            self._progress(connection, "archive entries", done, started)
        connection.execute(RECOUNT)  # each word's count of entries, as factcheck.matching.index.recount writes them
        self.finish(connection)
        self.figures["archive_s"] = time.perf_counter() - started
        started = time.perf_counter()
        done = 0
        for chunk in articles(self.variants, self.rows // CLAIMS_PER_ARTICLE, ratings, scale_id):
            claims = [c for a in chunk for c in a.claims]
            self.write_articles(connection, [a.row for a in chunk], claims)
            # The words of signed-off claims not dismissed, as factcheck.matching.index writes them.
            self.write_words(connection, "claimterm", "claim_id", [
                (word, c[0]) for c in claims if c[6] in ("APPROVED", "PUBLISHED") and not c[14] for word in signature(c[5])
            ])
            done += len(claims)
            self._progress(connection, "claims", done, started)
        self.finish(connection)
        self.figures["claims_s"] = time.perf_counter() - started
        self.figures["articles"] = self.rows // CLAIMS_PER_ARTICLE
        self.figures["claims"] = done

    def _progress(self, connection: Any, what: str, done: int, started: float) -> None:
        if done % COMMIT_EVERY == 0:
            self.finish(connection)
            self.begin(connection)
            seconds = time.perf_counter() - started
            self.report(f"  {done:,} {what} in {seconds:,.0f} s ({done / seconds:,.0f}/s)")

    # Each database's own:
    def scale(self, connection: Any) -> tuple[int, list[int]]: ...
    def write_archive(self, connection: Any, rows: list[tuple]) -> None: ...
    def write_articles(self, connection: Any, articles: list[tuple], claims: list[tuple]) -> None: ...
    def write_words(self, connection: Any, table: str, owner: str, rows: list[tuple]) -> None: ...
    def begin(self, connection: Any) -> None: ...
    def finish(self, connection: Any) -> None: ...


class SQLiteLoader(Loader):
    def scale(self, connection: Any) -> tuple[int, list[int]]:
        found = _default_scale(connection, "?")
        self.begin(connection)
        return found

    def write_archive(self, connection: Any, rows: list[tuple]) -> None:
        sql = _insert("archiveentry", ARCHIVE_COLUMNS, "?")
        connection.executemany(sql, [tuple(map(_sqlite_value, row)) for row in rows])

    def write_articles(self, connection: Any, articles: list[tuple], claims: list[tuple]) -> None:
        connection.executemany(_insert("article", ARTICLE_COLUMNS, "?"), [tuple(map(_sqlite_value, r)) for r in articles])
        connection.executemany(_insert("claim", CLAIM_COLUMNS, "?"), [tuple(map(_sqlite_value, r)) for r in claims])

    def write_words(self, connection: Any, table: str, owner: str, rows: list[tuple]) -> None:
        connection.executemany(_insert(table, ("term", owner), "?"), rows)

    def begin(self, connection: Any) -> None:
        if not connection.in_transaction:
            connection.execute("BEGIN")

    def finish(self, connection: Any) -> None:
        if connection.in_transaction:
            connection.execute("COMMIT")


class PostgresLoader(Loader):
    def scale(self, connection: Any) -> tuple[int, list[int]]:
        return _default_scale(connection, "%s")

    def _copy(self, connection: Any, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
        names = ", ".join(f'"{c}"' for c in columns)
        with connection.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def write_archive(self, connection: Any, rows: list[tuple]) -> None:
        self._copy(connection, "archiveentry", ARCHIVE_COLUMNS, rows)

    def write_articles(self, connection: Any, articles: list[tuple], claims: list[tuple]) -> None:
        self._copy(connection, "article", ARTICLE_COLUMNS, articles)
        self._copy(connection, "claim", CLAIM_COLUMNS, claims)

    def write_words(self, connection: Any, table: str, owner: str, rows: list[tuple]) -> None:
        self._copy(connection, table, ("term", owner), rows)

    def begin(self, connection: Any) -> None:
        pass  # psycopg opens a transaction on the first statement

    def finish(self, connection: Any) -> None:
        connection.commit()


def _dispose(app: Any) -> None:
    app.extensions["factcheck.engine"].dispose()


def make_app(url: str) -> Any:
    """factcheck's app on this database (a new SQLite file gets its schema by the migrations)."""
    from factcheck import create_app

    return create_app({"DATABASE_URL": url, "SECRET_KEY": "archive-scale bench", "PAGE_CACHE_MB": 0})


def sqlite_database(rows: int, cache: Path, variants: Variants) -> tuple[str, dict[str, Any], bool]:
    """The SQLite database of this size (built if the cache has none): its URL, build figures, and
    whether it was built now."""
    import sqlite3

    path = cache / f"archive-{rows}-v{DATA_VERSION}-r{head_revision()}.sqlite"
    described = path.with_suffix(".json")
    if path.exists() and described.exists():
        return f"sqlite:///{path}", json.loads(described.read_text()), False
    part = path.with_name(path.name + ".part")
    for leftover in (part, Path(f"{part}-wal"), Path(f"{part}-shm")):
        leftover.unlink(missing_ok=True)
    print(f"building {path} ...", flush=True)
    started = time.perf_counter()
    _dispose(make_app(f"sqlite:///{part}"))
    loader = SQLiteLoader(rows, variants, lambda line: print(line, flush=True))
    loader.figures["schema_s"] = time.perf_counter() - started
    connection = sqlite3.connect(part, isolation_level=None)
    # The load only: a failed build is thrown away, so no journal and no syncs; a big page cache for FTS5.
    connection.execute("PRAGMA journal_mode=OFF")
    connection.execute("PRAGMA synchronous=OFF")
    connection.execute("PRAGMA cache_size=-1000000")
    loader.load(connection)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.close()
    loader.figures["total_s"] = time.perf_counter() - started
    part.replace(path)
    described.write_text(json.dumps(loader.figures))
    return f"sqlite:///{path}", loader.figures, True


class PostgresCluster:
    """A PostgreSQL 15 cluster of this script's own in the cache folder (never another one):
    started if it is not running, stopped at the end unless --keep-server."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data"
        self.started = False

    def _run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        return subprocess.run([*prefix, *command], capture_output=True, text=True, check=check)

    def start(self) -> None:
        if not (self.data / "PG_VERSION").exists():
            self.root.mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:
                shutil.chown(self.root, "postgres", "postgres")
            self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                      "--locale=C.UTF-8")
        self.started = True  # found running (an earlier run's --keep-server) or started now: stopped at the end
        if self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "status", check=False).returncode == 0:
            return
        options = " ".join(f"-c {k}={v}" for k, v in PG_SETTINGS.items())
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "server.log"), "-w", "-o",
                  f"-k {self.root} {options}", "start")

    def stop(self) -> None:
        if self.started:
            self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)
            self.started = False

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://postgres@/{database}?host={self.root}"

    def connect(self, database: str = "postgres", autocommit: bool = True) -> Any:
        import psycopg

        return psycopg.connect(host=str(self.root), user="postgres", dbname=database, autocommit=autocommit)


def postgres_database(rows: int, cluster: PostgresCluster, variants: Variants) -> tuple[str, dict[str, Any], bool]:
    """The PostgreSQL database of this size in the bench's cluster (built if missing or unfinished)."""
    name = f"archive_{rows}_v{DATA_VERSION}_r{head_revision()}"
    with cluster.connect() as admin:
        found = admin.execute("SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s",
                              (name,)).fetchone()
        if found and found[0]:
            return cluster.url(name), json.loads(found[0]), False
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        print(f"building PostgreSQL database {name} ...", flush=True)
        started = time.perf_counter()
        admin.execute(f'CREATE DATABASE "{name}"')
    environment = {**os.environ, "FACTCHECK_DATABASE_URL": cluster.url(name)}
    subprocess.run([sys.executable, "-m", "factcheck", "db", "upgrade"], cwd=ROOT, env=environment, check=True,
                   capture_output=True)
    loader = PostgresLoader(rows, variants, lambda line: print(line, flush=True))
    loader.figures["schema_s"] = time.perf_counter() - started
    with cluster.connect(name, autocommit=False) as connection:
        loader.load(connection)
        for table in ("archiveentry", "article", "claim"):
            connection.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        connection.commit()
    with cluster.connect(name) as connection:
        vacuum = time.perf_counter()
        connection.execute("VACUUM ANALYZE")
        loader.figures["vacuum_s"] = time.perf_counter() - vacuum
    loader.figures["total_s"] = time.perf_counter() - started
    with cluster.connect() as admin:
        admin.execute(f"COMMENT ON DATABASE \"{name}\" IS '{json.dumps(loader.figures)}'")
    return cluster.url(name), loader.figures, True


# --- Timing ----------------------------------------------------------------------------------


@dataclass
class Series:
    """Milliseconds of one thing timed, and of its peer timed beside it."""

    ms: list[float] = field(default_factory=list)
    peer: list[float] = field(default_factory=list)
    found: list[int] = field(default_factory=list)
    slowest: tuple[float, Any] = (0.0, None)

    def add(self, ms: float, peer: float | None = None, found: int | None = None, what: Any = None) -> None:
        self.ms.append(ms)
        if peer is not None:
            self.peer.append(peer)
        if found is not None:
            self.found.append(found)
        if ms > self.slowest[0]:
            self.slowest = (ms, what)


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[94] if len(values) > 1 else values[0]


def _figures(values: list[float]) -> str:
    return f"{statistics.median(values):,.1f} | {p95(values):,.1f} | {max(values):,.1f}"


def timed_in_session(engine: sa.Engine, work: Callable[[Session], Any]) -> tuple[float, Any]:
    """Milliseconds `work` takes in a session of its own (as a request has), and what it returned."""
    with Session(engine, expire_on_commit=False) as session:
        started = time.perf_counter()
        value = work(session)
        ms = (time.perf_counter() - started) * 1000
        session.rollback()
    return ms, value


@contextmanager
def statements(engine: sa.Engine) -> Iterator[list[list]]:
    """Every statement the engine runs meanwhile: [statement, parameters, milliseconds]."""
    seen: list[list] = []

    def before(_conn, _cursor, statement, parameters, _context, _many) -> None:  # noqa: ANN001
        seen.append([statement, parameters, time.perf_counter()])

    def after(_conn, _cursor, _statement, _parameters, _context, _many) -> None:  # noqa: ANN001
        seen[-1][2] = (time.perf_counter() - seen[-1][2]) * 1000

    sa.event.listen(engine, "before_cursor_execute", before)
    sa.event.listen(engine, "after_cursor_execute", after)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)
        sa.event.remove(engine, "after_cursor_execute", after)


def explain(engine: sa.Engine, statement: str, parameters: Any, limit: int = 30) -> list[str]:
    """The plan of a statement as the app ran it: EXPLAIN QUERY PLAN, or EXPLAIN (ANALYZE, BUFFERS)."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters)
            depth: dict[int, int] = {0: 0}
            lines = []
            for node, parent, _unused, detail in cursor.fetchall():
                depth[node] = depth.get(parent, 0) + 1
                lines.append("  " * depth[node] + detail)
        else:
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + statement, parameters)
            lines = [row[0] for row in cursor.fetchall()]
        raw.rollback()
    finally:
        raw.close()
    return lines[:limit] + ([f"... {len(lines) - limit} more lines"] if len(lines) > limit else [])


def _short(statement: str, limit: int = 400) -> str:
    statement = " ".join(statement.split())
    return statement if len(statement) <= limit else statement[: limit - 1] + "…"


def show_slowest(engine: sa.Engine, title: str, work: Callable[[Session], Any], shown: int = 3) -> None:
    """Run `work` again, listing its slowest statements with their plans."""
    with statements(engine) as seen:
        ms, _ = timed_in_session(engine, work)
    print(f"\n{title}: {ms:,.1f} ms again, {len(seen)} statements\n")
    for statement, parameters, statement_ms in sorted(seen, key=lambda s: -s[2])[:shown]:
        print(f"- {statement_ms:,.1f} ms: `{_short(statement)}`  ")
        print(f"  parameters: `{_short(repr(parameters), 200)}`\n")
        print("  ```")
        for line in explain(engine, statement, parameters):
            print(f"  {line}")
        print("  ```")


# --- The queries -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Query:
    """A search as a reviewer types it, with the claim search's filters."""

    text: str
    filters: Any = None  # factcheck.search.store.Filters, or None for none


CLAIM_KINDS = ["one common word", "two common words", "one rare word", "three words of a claim", "quoted phrase",
               "prefix", "common word + status", "two words + 180 days"]
ARCHIVE_KINDS = CLAIM_KINDS[:6]
#: What --parts can choose, in the order they run.
PARTS = ("size", "search", "import", "matching", "article")


def query_mix(seeds: list[Seed], runs: int) -> dict[str, list[Query]]:
    """`runs` queries of each kind, from the seeds' words (document frequency over the seeds)."""
    from factcheck.search.store import Filters
    from factcheck.vocabulary import ClaimStatus

    stop = _stopwords()
    frequency: Counter[str] = Counter()
    claims_words = []
    for seed in seeds:
        words = [w.lower() for w in _WORD.findall(seed.claim)]
        claims_words.append(words)
        frequency.update({w for w in words if len(w) >= 3 and w not in stop})
    common = [w for w, _ in frequency.most_common(150)]
    rare = sorted(w for w, n in frequency.items() if 2 <= n <= 3 and len(w) >= 6)
    chance = random.Random("queries")

    def content(words: list[str]) -> list[str]:
        return [w for w in words if len(w) >= 3 and w not in stop]

    def of_a_claim(count: int) -> list[str]:
        while True:
            words = content(chance.choice(claims_words))
            if len(words) >= count:
                start = chance.randrange(len(words) - count + 1)
                return words[start : start + count]

    def phrase() -> str:
        while True:
            words = chance.choice(claims_words)
            length = chance.choice((2, 2, 3))
            places = [i for i in range(len(words) - length + 1)
                      if words[i] not in stop and words[i + length - 1] not in stop and len(words[i]) > 2]
            if places:
                at = chance.choice(places)
                return '"' + " ".join(words[at : at + length]) + '"'

    def prefix() -> str:
        word = chance.choice([w for w in common if len(w) >= 6])
        return word[: chance.choice((3, 4, 5))] + "*"

    def year_range() -> Filters:
        start = START.date() + dt.timedelta(days=chance.randint(0, SPAN.days - 180))
        return Filters(published_from=start, published_to=start + dt.timedelta(days=180))

    makers: dict[str, Callable[[], Query]] = {
        "one common word": lambda: Query(chance.choice(common)),
        "two common words": lambda: Query(" ".join(chance.sample(common, 2))),
        "one rare word": lambda: Query(chance.choice(rare)),
        "three words of a claim": lambda: Query(" ".join(of_a_claim(3))),
        "quoted phrase": lambda: Query(phrase()),
        "prefix": lambda: Query(prefix()),
        "common word + status": lambda: Query(chance.choice(common), Filters(status=ClaimStatus.PUBLISHED)),
        "two words + 180 days": lambda: Query(" ".join(of_a_claim(2)), year_range()),
    }
    return {kind: [make() for _ in range(runs)] for kind, make in makers.items()}


def _bare_search(sqlite: bool, archive: bool) -> str:
    if sqlite:
        table = "archive_search" if archive else "claim_search"
        return f"SELECT rowid FROM {table} WHERE {table} MATCH :q LIMIT 20"
    if archive:
        return "SELECT id FROM archiveentry WHERE search_document @@ to_tsquery('english', :q) LIMIT 20"
    return "SELECT claim_id FROM claimsearch WHERE document @@ to_tsquery('english', :q) LIMIT 20"


def time_search(engine: sa.Engine, mix: dict[str, list[Query]], archive: bool, warm_up: int) -> dict[str, Series]:
    """Each query kind: the app's search beside the bare full-text query, alternating which goes first."""
    from factcheck.search import query as parsing
    from factcheck.search.store import Filters, search_archive, search_claims

    sqlite = engine.dialect.name == "sqlite"
    bare = sa.text(_bare_search(sqlite, archive))
    kinds = ARCHIVE_KINDS if archive else CLAIM_KINDS
    results = {}
    for kind in kinds:
        series = Series()
        queries = mix[kind]
        for number, item in enumerate(queries[:warm_up] + queries):
            terms = parsing.parse(item.text)
            expression = parsing.fts5(terms) if sqlite else parsing.tsquery(terms)

            def app(session: Session, item: Query = item) -> int:
                if archive:
                    return search_archive(session, item.text).total
                return search_claims(session, item.text, item.filters or Filters()).total

            def peer(session: Session, expression: str = expression) -> int:
                return len(session.execute(bare, {"q": expression}).all())

            if number % 2:
                peer_ms, _ = timed_in_session(engine, peer)
                ms, found = timed_in_session(engine, app)
            else:
                ms, found = timed_in_session(engine, app)
                peer_ms, _ = timed_in_session(engine, peer)
            if number >= warm_up:
                series.add(ms, peer_ms, found, item)
        results[kind] = series
    return results


def print_search(title: str, results: dict[str, Series]) -> Series:
    """The table of one search; the whole mix's series returned."""
    print(f"\n{title}: milliseconds per search (p50 | p95 | max), beside the bare full-text query, "
          "LIMIT 20 and nothing else\n")
    print("| query kind | runs | found, median (counted to 1,000) | p50 | p95 | max | bare p50 | bare p95 | bare max | "
          "× bare p50 | × bare p95 |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    everything = Series()
    for kind, series in [*results.items(), ("whole mix", everything)]:
        if kind == "whole mix":
            for each in results.values():
                everything.ms += each.ms
                everything.peer += each.peer
                everything.found += each.found
        found = statistics.median(series.found)
        ratio50 = statistics.median(series.ms) / max(statistics.median(series.peer), 1e-3)
        ratio95 = p95(series.ms) / max(p95(series.peer), 1e-3)
        bold = "**" if p95(series.ms) > SEARCH_MS else ""
        print(f"| {bold}{kind}{bold} | {len(series.ms)} | {found:,.0f} | {_figures(series.ms)} | {_figures(series.peer)} "
              f"| {ratio50:,.1f}× | {ratio95:,.1f}× |")
    return everything


# --- Matching --------------------------------------------------------------------------------


def model_path() -> Path:
    """Where the matcher's trained model is read from (the module holding it is being reworked)."""
    try:
        from factcheck.matching.model import MODEL_PATH
    except ImportError:
        from factcheck.matching.ranker import MODEL_PATH
    return MODEL_PATH


def model_ready(wait_s: float) -> bool:
    """Whether the matcher's model file is there, waiting up to `wait_s` seconds for it."""
    deadline = time.monotonic() + wait_s
    while not model_path().exists():
        if time.monotonic() >= deadline:
            return False
        time.sleep(min(30.0, max(deadline - time.monotonic(), 0.1)))
    time.sleep(2)  # a file being written now: let it be finished
    return True


def describe_model() -> str:
    from factcheck.matching.store import model_version

    raw = model_path().read_bytes()
    return f"{model_version()} ({len(raw):,} bytes, sha256 {hashlib.sha256(raw).hexdigest()[:12]}…)"


def tweets(data: Path) -> list[tuple[str, str, set[str]]]:
    """CheckThat! 2022 2A dev and dev-test tweets: (id, text, the keys of the fact-checks they repeat)."""
    folder = data / "ct22_claim_retrieval"
    wanted: dict[str, set[str]] = {}
    for name in ("dev_qrels.tsv", "dev_test_qrels.tsv"):
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) == 4:
                wanted.setdefault(parts[0], set()).add(parts[2])
    found = []
    for name in ("train_dev_queries.tsv", "dev_test_queries.tsv"):
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            query_id, _, text = line.partition("\t")
            if query_id in wanted and text.strip():
                found.append((query_id, text, wanted[query_id]))
    return found


@dataclass
class MatchFigures:
    find: Series
    in_sql: Series
    archive_statement: Series  # the first stage's statement on the archive, inside find_matches
    claims_statement: Series  # and the one on signed-off claims
    first_stage: Series
    bare: Series
    top5: int
    texts: int


def forget_analysed() -> None:
    """Empty the ranker's cache of analysed candidates, if it keeps one: a new article's claims
    would not find theirs there, and a warm-up's would flatter the runs after it."""
    from factcheck.matching import ranker

    clear = getattr(ranker, "clear_cache", None)
    if clear is not None:
        clear()


def _first_stage(statement: str) -> bool:
    return "archiveterm" in statement or "claimterm" in statement


def _run_raw(engine: sa.Engine, statements_run: list[tuple[str, Any]]) -> float:
    """Milliseconds to run these statements again on a connection of the pool, fetching every row."""
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        started = time.perf_counter()
        for statement, parameters in statements_run:
            cursor.execute(statement, parameters)
            cursor.fetchall()
        ms = (time.perf_counter() - started) * 1000
        raw.rollback()
    finally:
        raw.close()
    return ms


def time_matching(engine: sa.Engine, texts: list[tuple[str, str, set[str]]], warm_up: int) -> MatchFigures:
    """find_matches for each text (and how much of it its SQL statements take), beside its first
    stage's statements (those reading the rare-word tables) run again alone, and the bare
    full-text OR query of the same words, unranked. The statements are read as they run, so
    whatever the matcher's code looks like, its own first stage is what is timed."""
    from factcheck.matching.store import find_matches

    sqlite = engine.dialect.name == "sqlite"
    if sqlite:
        bare = ["SELECT rowid FROM archive_search WHERE archive_search MATCH ? LIMIT 60",
                "SELECT rowid FROM claim_search WHERE claim_search MATCH ? LIMIT 20"]
    else:
        bare = ["SELECT id FROM archiveentry WHERE search_document @@ to_tsquery('english', %s) LIMIT 60",
                "SELECT claim_id FROM claimsearch WHERE document @@ to_tsquery('english', %s) LIMIT 20"]
    find, in_sql, first, floor = Series(), Series(), Series(), Series()
    on_archive, on_claims = Series(), Series()
    top5 = 0
    for number, (query_id, text, keys) in enumerate(texts[:warm_up] + texts):
        with statements(engine) as seen:
            ms, found = timed_in_session(engine, lambda session, text=text: find_matches(session, text, top=10))
        stage = [(statement, parameters) for statement, parameters, _ms in seen if _first_stage(statement)]
        stage_ms = _run_raw(engine, stage)
        # The full-text OR of the same words (the archive statement's text parameters).
        words = [p for _s, parameters in stage[:1] for p in _values(parameters) if isinstance(p, str)]
        expression = (" OR ".join(f'"{w}"' for w in words) if sqlite else " | ".join(f"'{w}'" for w in words)) or None
        bare_ms = _run_raw(engine, [(b, (expression,)) for b in bare]) if expression else 0.0
        if number == warm_up - 1:
            forget_analysed()
        if number >= warm_up:
            find.add(ms, what=(query_id, text))
            in_sql.add(sum(statement_ms for _s, _p, statement_ms in seen))
            stage_ms_each = [(statement, statement_ms) for statement, _p, statement_ms in seen if _first_stage(statement)]
            on_archive.add(sum(t for st, t in stage_ms_each if "archive" in st))
            on_claims.add(sum(t for st, t in stage_ms_each if "archive" not in st))
            first.add(stage_ms, found=len(stage))
            floor.add(bare_ms)
            top5 += any(getattr(m, "ref", "").removeprefix("archive:") in keys for m in found[:5])
    return MatchFigures(find, in_sql, on_archive, on_claims, first, floor, top5, len(texts))


def _values(parameters: Any) -> list[Any]:
    return list(parameters.values()) if isinstance(parameters, dict) else list(parameters or ())


def print_matching(title: str, figures: MatchFigures) -> None:
    print(f"\n{title}: matching one claim, {len(figures.find.ms)} tweets (CheckThat! 2022 2A dev + dev-test), "
          f"milliseconds; the first stage is {statistics.median(figures.first_stage.found):,.0f} statements\n")
    print("| what | p50 | p95 | max | × first stage p50 |")
    print("|---|---:|---:|---:|---:|")
    from factcheck.matching.store import ARCHIVE_CANDIDATES, CLAIM_CANDIDATES

    base = statistics.median(figures.first_stage.ms)
    outside = Series(ms=[total - sql for total, sql in zip(figures.find.ms, figures.in_sql.ms, strict=True)])
    for label, series in (("**find_matches**", figures.find),
                          ("… of which in its SQL statements", figures.in_sql),
                          (f"… … the first stage's statement on the archive (rare words, LIMIT {ARCHIVE_CANDIDATES})",
                           figures.archive_statement),
                          (f"… … and on signed-off claims (rare words, filtered, LIMIT {CLAIM_CANDIDATES})",
                           figures.claims_statement),
                          ("… of which outside SQL (the ranker, in Python)", outside),
                          ("peer: the first stage's statements alone, run again", figures.first_stage),
                          ("peer: the bare OR of the same words, unranked (LIMIT 60 + LIMIT 20)", figures.bare)):
        print(f"| {label} | {_figures(series.ms)} | {statistics.median(series.ms) / base:,.2f}× |")
    print(f"\nThe fact-check each tweet repeats is among the first 5 for {figures.top5} of {figures.texts} "
          f"({figures.top5 / figures.texts:.0%}).")


# --- The 300-sentence article ----------------------------------------------------------------


def long_article(variants: Variants) -> str:
    chance = _chance("article", ARTICLE_SENTENCES)
    text, _ = article_text(sentences(variants, chance, ARTICLE_SENTENCES), chance)
    return text


def time_article(engine: sa.Engine, text: str, runs: int) -> tuple[list[float], list[float], list[float], int, int]:
    """Seconds to store the article and commit, as an import does, with its claims queued for the
    matcher and without (the queueing listener removed), alternately; then seconds for the
    background matcher (`match_queued`) to store their matches. Each article is deleted after.
    Returns (with queue, without, matcher, claims as split, matches stored)."""
    from sqlalchemy import event
    from sqlalchemy.orm import Session as OrmSession
    from sqlmodel import func, select

    from factcheck.domain.articles import create_article
    from factcheck.domain.scales import default_scale
    from factcheck.forms import ArticleCreate
    from factcheck.matching import queue
    from factcheck.models import Article, Claim, ClaimMatch

    queued: list[float] = []
    plain: list[float] = []
    matcher: list[float] = []
    claims = stored = 0
    for number in range(runs * 2):
        with_queue = (number % 2 == 0) == (number // 2 % 2 == 0)  # alternate which goes first each round
        if not with_queue:
            event.remove(OrmSession, "after_flush", queue._after_flush)
        forget_analysed()
        try:
            with Session(engine, expire_on_commit=False) as session:
                scale = default_scale(session)
                started = time.perf_counter()
                article = create_article(session, ArticleCreate(text=text, title="A 300-sentence article"), scale)
                session.commit()
                seconds = time.perf_counter() - started
        finally:
            if not with_queue:
                event.listen(OrmSession, "after_flush", queue._after_flush)
        (queued if with_queue else plain).append(seconds)
        with Session(engine) as session:
            claims = session.exec(select(func.count()).where(Claim.article_id == article.id)).one()
        if with_queue:
            started = time.perf_counter()
            queue.match_queued(engine)
            matcher.append(time.perf_counter() - started)
            with Session(engine) as session:
                stored = session.exec(select(func.count()).select_from(ClaimMatch).join(Claim, Claim.id == ClaimMatch.claim_id)
                                      .where(Claim.article_id == article.id)).one()
        with Session(engine) as session:
            session.delete(session.get(Article, article.id))
            session.commit()
    return queued, plain, matcher, claims, stored


# --- Import and size -------------------------------------------------------------------------


def import_file(cache: Path, variants: Variants, count: int) -> Path:
    """`count` new fact-checks as JSON lines (keys unlike the database's), written once."""
    path = cache / f"import-{count}-v{DATA_VERSION}.jsonl"
    if not path.exists():
        part = path.with_name(path.name + ".part")
        with part.open("w", encoding="utf-8") as out:
            for chunk in archive_rows(variants, 0, count, salt="import", prefix="import-"):
                out.writelines(json.dumps(archive_record(row), ensure_ascii=False) + "\n" for row in chunk)
        part.replace(path)
    return path


@dataclass
class ImportFigures:
    records: int
    first_s: float
    again_s: float
    raw_s: float
    summary: str
    size_after: int
    wal_after: int


def time_import(url: str, path: Path, variants: Variants, count: int) -> ImportFigures:
    """import_archive of the file (committed), the same file again, and raw executemany of as many rows."""
    from factcheck.archive.store import import_archive

    app = make_app(url)
    engine = app.extensions["factcheck.engine"]
    try:
        results = []
        for _ in range(2):
            with Session(engine, expire_on_commit=False) as session, path.open("rb") as stream:
                started = time.perf_counter()
                summary = import_archive(session, stream, path.name)
                session.commit()
                results.append((time.perf_counter() - started, summary.line()))
        rows = [_archive_row(r) for chunk in archive_rows(variants, 0, count, salt="import", prefix="raw-") for r in chunk]
        first_id = 10**9  # clear of the ids the database holds
        rows = [(first_id + n, *row[1:]) for n, row in enumerate(rows)]
        raw = engine.raw_connection()
        try:
            cursor = raw.cursor()
            sqlite = engine.dialect.name == "sqlite"
            marker = "?" if sqlite else "%s"
            started = time.perf_counter()
            for at in range(0, len(rows), CHUNK):
                chunk = rows[at : at + CHUNK]
                cursor.executemany(_insert("archiveentry", ARCHIVE_COLUMNS, marker),
                                   [tuple(map(_sqlite_value, r)) for r in chunk] if sqlite else chunk)
            raw.commit()
            raw_s = time.perf_counter() - started
        finally:
            raw.close()
        size, parts = database_size(engine)
    finally:
        engine.dispose()
    wal = sum(bytes_ for name, bytes_ in parts if name == "(WAL file)")
    return ImportFigures(count, results[0][0], results[1][0], raw_s, f"{results[0][1]}; again: {results[1][1]}", size, wal)


def database_size(engine: sa.Engine) -> tuple[int, list[tuple[str, int]]]:
    """Bytes on disk, and the biggest parts (SQLite: tables and indexes by dbstat; PostgreSQL: relations)."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            path = Path(engine.url.database)
            wal = Path(f"{path}-wal")
            total = path.stat().st_size + (wal.stat().st_size if wal.exists() else 0)
            parts = connection.execute(sa.text(
                "SELECT name, sum(pgsize) FROM dbstat GROUP BY name ORDER BY 2 DESC LIMIT 14")).all()
            if wal.exists():
                parts.append(("(WAL file)", wal.stat().st_size))
        else:
            total = connection.execute(sa.text("SELECT pg_database_size(current_database())")).scalar_one()
            parts = connection.execute(sa.text(
                "SELECT c.relname || CASE c.relkind WHEN 'i' THEN ' (index)' WHEN 't' THEN ' (TOAST)' ELSE '' END, "
                "pg_relation_size(c.oid) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname IN ('public', 'pg_toast') ORDER BY 2 DESC LIMIT 24")).all()
            # A TOAST table's name says only its owner's oid.
            toast = dict(connection.execute(sa.text(
                "SELECT t.relname, c.relname FROM pg_class c JOIN pg_class t ON t.oid = c.reltoastrelid")).all())
            parts = [(_toast_name(name, toast), size) for name, size in parts]
            parts = [(name, size) for name, size in parts if not name.startswith("pg_")][:12]
    return total, [(name, int(size)) for name, size in parts]


def _toast_name(name: str, toast: dict[str, str]) -> str:
    for toast_name, owner in toast.items():
        if name.startswith(toast_name):
            return name.replace(toast_name, f"{owner}'s TOAST", 1).replace(" (TOAST)", "")
    return name


def _mb(size: int) -> str:
    return f"{size / 1e6:,.0f} MB" if size >= 1e7 else f"{size / 1e6:,.1f} MB"


# --- One database, measured ------------------------------------------------------------------


@dataclass
class Outcome:
    """What the targets are checked against, for one database."""

    name: str
    checks: list[tuple[bool, str]] = field(default_factory=list)
    lines: list[str] = field(default_factory=list)


@dataclass
class Measured:
    """One database as the parts below measure it."""

    name: str
    url: str
    engine: sa.Engine
    args: argparse.Namespace
    variants: Variants
    outcome: Outcome
    copy: Callable[[], tuple[str, Callable[[], None]]]  # a copy of the database to import into, and its removal


def print_build(name: str, figures: dict[str, Any], outcome: Outcome) -> None:
    archive_rate = figures["rows"] / figures["archive_s"]
    claims_rate = figures["claims"] / figures["claims_s"]
    print(f"\n## {name}: {figures['rows']:,} archive entries, {figures['claims']:,} claims in {figures['articles']:,} "
          "articles\n")
    print(f"Build{'' if figures.get('now') else ' (earlier)'}: {figures['total_s']:,.0f} s (schema "
          f"{figures['schema_s']:,.1f} s; archive {figures['archive_s']:,.0f} s, {archive_rate:,.0f} entries/s; articles "
          f"and claims {figures['claims_s']:,.0f} s, {claims_rate:,.0f} claims/s"
          + (f"; VACUUM ANALYZE {figures['vacuum_s']:,.0f} s" if "vacuum_s" in figures else "")
          + "), rows written on the DB-API connection through the index triggers")
    outcome.lines.append(f"build {figures['total_s']:,.0f} s, raw load {archive_rate:,.0f} entries/s, {claims_rate:,.0f} claims/s")  # noqa: E501


def measure_size(m: Measured) -> None:
    total, parts = database_size(m.engine)
    print(f"\nSize on disk: **{_mb(total)}**, the biggest parts:\n")
    print("| part | size |\n|---|---:|")
    for part, size in parts:
        print(f"| {part} | {_mb(size)} |")
    m.outcome.lines.append(f"size {_mb(total)}")


def measure_search(m: Measured) -> None:
    from factcheck.search.store import Filters, search_archive, search_claims

    mix = query_mix(m.variants.seeds, m.args.runs)
    warm_up = max(5, m.args.runs // 10)
    for archive in (False, True):
        what = "Archive search (`search_archive`)" if archive else "Claim search (`search_claims`)"
        results = time_search(m.engine, mix, archive, warm_up)
        value = p95(print_search(f"{m.name}, {what}", results).ms)
        label = "archive" if archive else "claims"
        slow = [kind for kind, series in results.items() if p95(series.ms) > SEARCH_MS]
        m.outcome.checks.append((value <= SEARCH_MS, f"{m.name}: {label} search p95 {value:,.1f} ms over the mix "
                                 f"(target ≤ {SEARCH_MS:g})" + (f"; kinds over it: {', '.join(slow)}" if slow else "")))
        # The slowest query of the slowest kinds, again, with its statements' plans.
        for kind in sorted(slow, key=lambda k: -p95(results[k].ms))[: m.args.explain]:
            item = results[kind].slowest[1]
            title = f"{m.name}, slowest {label} search of kind “{kind}”: {item.text!r}" + (
                f" with {item.filters}" if item.filters else "")
            if archive:
                show_slowest(m.engine, title, lambda s, item=item: search_archive(s, item.text))
            else:
                show_slowest(m.engine, title, lambda s, item=item: search_claims(s, item.text, item.filters or Filters()))
        sys.stdout.flush()


def measure_import(m: Measured) -> None:
    m.engine.dispose()  # a copy needs the database at rest
    url, drop = m.copy()
    try:
        imported = time_import(url, import_file(m.args.cache_dir, m.variants, m.args.import_rows), m.variants,
                               m.args.import_rows)
    finally:
        drop()
    rate, again, raw = (imported.records / imported.first_s, imported.records / imported.again_s,
                        imported.records / imported.raw_s)
    print(f"\n{m.name}, archive import of {imported.records:,} new fact-checks (JSON lines) into a copy of the database, "
          "committed\n")
    print("| import | seconds | claims/s | × raw |\n|---|---:|---:|---:|")
    print(f"| **`import_archive`**, new records | {imported.first_s:,.1f} | **{rate:,.0f}** | {rate / raw:.2f}× |")
    print(f"| `import_archive`, the same file again (all unchanged) | {imported.again_s:,.1f} | {again:,.0f} | "
          f"{again / raw:.2f}× |")
    print(f"| peer: raw `executemany` of as many rows (the same triggers and indexes) | {imported.raw_s:,.1f} | "
          f"{raw:,.0f} | 1.00× |")
    wal = f", of which the WAL {_mb(imported.wal_after)}" if imported.wal_after else ""
    print(f"\n({imported.summary}; size after both: {_mb(imported.size_after)}{wal})")
    m.outcome.lines.append(f"import_archive {rate:,.0f} claims/s (raw executemany {raw:,.0f})")


def measure_matching(m: Measured) -> None:
    from factcheck.matching.store import find_matches

    texts = tweets(m.args.data)
    matching = time_matching(m.engine, texts, warm_up=min(20, len(texts)))
    print_matching(m.name, matching)
    value = p95(matching.find.ms)
    m.outcome.checks.append((value <= MATCH_MS, f"{m.name}: matching one claim p95 {value:,.1f} ms (target ≤ {MATCH_MS:g})"))
    if value > MATCH_MS:
        query_id, text = matching.find.slowest[1]
        show_slowest(m.engine, f"{m.name}, slowest find_matches ({query_id}: {text[:80]!r}…)",
                     lambda s, text=text: find_matches(s, text, top=10))


def measure_article(m: Measured) -> None:
    text = long_article(m.variants)
    queued, plain, matcher, claims, stored = time_article(m.engine, text, m.args.article_runs)
    added = statistics.median(queued) - statistics.median(plain)
    print(f"\n{m.name}, a {ARTICLE_SENTENCES}-sentence article ({len(text):,} characters, {claims} claims as split) "
          f"stored by `create_article` and committed, {m.args.article_runs} runs each, alternately\n")
    print("| | median s | min s | max s | per claim ms |\n|---|---:|---:|---:|---:|")
    for label, values in (("import, claims queued for the matcher (the app)", queued),
                          ("peer: import without queueing (listener removed)", plain),
                          ("then the background matcher, until all are matched", matcher)):
        print(f"| {label} | {statistics.median(values):,.2f} | {min(values):,.2f} | {max(values):,.2f} | "
              f"{statistics.median(values) / max(claims, 1) * 1000:,.1f} |")
    print(f"\nMatching adds **{added:,.2f} s** to the import ({statistics.median(queued) / statistics.median(plain):,.2f}× "
          f"the import without it); the matches follow {statistics.median(matcher):,.1f} s later ({stored} stored).")
    m.outcome.checks.append((added <= ARTICLE_ADDED_S, f"{m.name}: matching adds {added:,.2f} s to a {claims}-claim "
                             f"article's import (target ≤ {ARTICLE_ADDED_S:g} s)"))


def describe_settings(engine: sa.Engine) -> str:
    """The settings that bear on these figures, as the app's connections have them."""
    with engine.connect() as connection:
        if engine.dialect.name == "sqlite":
            names = ("journal_mode", "synchronous", "cache_size", "mmap_size")
            return ", ".join(f"{n} {connection.exec_driver_sql(f'PRAGMA {n}').scalar()}" for n in names)
        names = ("shared_buffers", "work_mem", "effective_cache_size", "max_parallel_workers_per_gather", "jit")
        return ", ".join(f"{n} {connection.exec_driver_sql(f'SHOW {n}').scalar()}" for n in names)


def measure(name: str, url: str, figures: dict[str, Any], args: argparse.Namespace, variants: Variants,
            copy: Callable[[], tuple[str, Callable[[], None]]]) -> Outcome:
    """Every part asked for, on one database, printed as it is made."""
    outcome = Outcome(name)
    print_build(name, figures, outcome)
    app = make_app(url)
    m = Measured(name, url, app.extensions["factcheck.engine"], args, variants, outcome, copy)
    print(f"Settings: {describe_settings(m.engine)}")
    try:
        for part, run in (("size", measure_size), ("search", measure_search), ("import", measure_import)):
            if part in args.parts:
                run(m)
                sys.stdout.flush()
        wanted = [(p, run) for p, run in (("matching", measure_matching), ("article", measure_article)) if p in args.parts]
        if wanted and not model_ready(args.wait_model):
            print("\n(matching and the article import left out: factcheck/matching/matcher_model.json is not there)")
            outcome.checks.append((False, f"{name}: matching not measured (no matcher model)"))
            return outcome
        if wanted:
            print(f"\nMatcher model: {describe_model()}")
        for _part, run in wanted:
            run(m)
            sys.stdout.flush()
    finally:
        m.engine.dispose()
    return outcome


def sqlite_copy(url: str, cache: Path) -> Callable[[], tuple[str, Callable[[], None]]]:
    def prepare() -> tuple[str, Callable[[], None]]:
        import sqlite3

        source = Path(sa.make_url(url).database)
        with sqlite3.connect(source) as connection:
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        copy = cache / "import-copy.sqlite"
        for leftover in (copy, Path(f"{copy}-wal"), Path(f"{copy}-shm")):
            leftover.unlink(missing_ok=True)
        shutil.copyfile(source, copy)

        def drop() -> None:
            for leftover in (copy, Path(f"{copy}-wal"), Path(f"{copy}-shm")):
                leftover.unlink(missing_ok=True)

        return f"sqlite:///{copy}", drop

    return prepare


def postgres_copy(cluster: PostgresCluster, url: str) -> Callable[[], tuple[str, Callable[[], None]]]:
    def prepare() -> tuple[str, Callable[[], None]]:
        name = sa.make_url(url).database
        copy = f"{name}_import"
        with cluster.connect() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{copy}"')
            admin.execute(f'CREATE DATABASE "{copy}" TEMPLATE "{name}"')

        def drop() -> None:
            with cluster.connect() as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{copy}"')

        return cluster.url(copy), drop

    return prepare


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=lambda s: int(s.replace("_", "").replace(",", "")), default=DEFAULT_ROWS,
                        help="archive entries, and claims, in the database (default %(default)s)")
    parser.add_argument("--database", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--runs", type=int, default=200, help="timed searches of each kind (default %(default)s)")
    parser.add_argument("--import-rows", type=int, help="records imported by import_archive (default: rows / 10, "
                        "at least 2,000, at most 100,000)")
    parser.add_argument("--article-runs", type=int, default=3, help="imports of the long article, each way (default 3)")
    parser.add_argument("--wait-model", type=float, default=0.0, help="seconds to wait for the matcher's model file")
    parser.add_argument("--parts", default=",".join(PARTS), help="a subset of: %(default)s")
    parser.add_argument("--explain", type=int, default=3, help="slow query kinds shown with their plans (default 3)")
    parser.add_argument("--cache-dir", type=Path, default=Path("/tmp/factcheck-archive-scale"))
    parser.add_argument("--build-only", action="store_true", help="build (or find) the databases, time nothing")
    parser.add_argument("--keep-server", action="store_true", help="leave the bench's PostgreSQL cluster running")
    args = parser.parse_args(argv)
    if args.rows < CLAIMS_PER_ARTICLE:
        parser.error(f"--rows must be at least {CLAIMS_PER_ARTICLE}")
    args.parts = {p.strip() for p in args.parts.split(",") if p.strip()}
    if unknown := args.parts - set(PARTS):
        parser.error(f"unknown parts {sorted(unknown)}: choose from {','.join(PARTS)}")
    args.import_rows = args.import_rows or min(100_000, max(2_000, args.rows // 10))
    args.cache_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(args.cache_dir, 0o755)  # the cluster's own folder inside must be reachable by user postgres
    print(describe_checkout(), "·", f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs", flush=True)
    seeds = load_seeds(args.data, args.cache_dir)
    variants = Variants(seeds)
    databases = ["sqlite", "postgresql"] if args.database == "both" else [args.database]
    outcomes = []
    cluster = PostgresCluster(args.cache_dir / "pg15")
    try:
        for database in databases:
            if database == "sqlite":
                url, figures, now = sqlite_database(args.rows, args.cache_dir, variants)
                name, copy = f"SQLite {sqlite_version()}", sqlite_copy(url, args.cache_dir)
            else:
                cluster.start()
                url, figures, now = postgres_database(args.rows, cluster, variants)
                name, copy = f"PostgreSQL {postgres_version(cluster)}", postgres_copy(cluster, url)
            figures["now"] = now
            print(f"{name}: {sa.make_url(url).render_as_string(hide_password=True)} "
                  f"({'built now' if now else 'built earlier'} in {figures['total_s']:,.0f} s)", flush=True)
            if not args.build_only:
                outcomes.append(measure(name, url, figures, args, variants, copy))
    finally:
        if not args.keep_server:
            cluster.stop()
    if not outcomes:
        return 0
    print("\n## Targets\n")
    for outcome in outcomes:
        print(f"- {outcome.name}: " + "; ".join(outcome.lines))
    print()
    for outcome in outcomes:
        for met, what in outcome.checks:
            print(("met:    " if met else "MISSED: ") + what)
    return 0 if all(met for outcome in outcomes for met, _ in outcome.checks) else 1


def sqlite_version() -> str:
    import sqlite3

    return sqlite3.sqlite_version


def postgres_version(cluster: PostgresCluster) -> str:
    with cluster.connect() as admin:
        return admin.execute("SHOW server_version").fetchone()[0].split()[0]


if __name__ == "__main__":
    sys.exit(main())
