"""The first stage's index of rare words (factcheck.matching.index): kept in step with the archive and
the verified claims by every flush, rebuilt the same from the rows, and answering exactly what the
training script emulates, so the ranker is trained on the candidates the app offers."""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlmodel import Session, select

from factcheck.db import transaction
from factcheck.matching import index
from factcheck.matching.text import QUERY_TERMS, best_by_terms, query_terms, signature
from factcheck.models import ArchiveEntry, ArchiveTerm, ClaimTerm
from factcheck.vocabulary import ClaimStatus
from tests.conftest import claims_of, post

ARCHIVE = Path(__file__).parent / "data" / "archive" / "good.jsonl"
FIXTURE = Path(__file__).parent / "data" / "claim_matching"


def words_of(db, table, owner) -> dict[int, set[str]]:
    db.rollback()
    found: dict[int, set[str]] = {}
    for row in db.exec(select(table)).all():
        found.setdefault(getattr(row, owner), set()).add(row.term)
    return found


def test_an_archive_import_writes_each_entrys_rare_words_and_a_change_replaces_them(runner, db):
    assert runner.invoke(args=["archive", "import", str(ARCHIVE)]).exit_code == 0
    entries = db.exec(select(ArchiveEntry)).all()
    stored = words_of(db, ArchiveTerm, "archive_entry_id")
    assert stored == {e.id: set(index.entry_words(e.claim, e.title)) for e in entries if index.entry_words(e.claim, e.title)}
    entry = entries[0]
    entry.claim = "Zanzibar zebras yodel quadratically"
    db.add(entry)
    db.commit()
    assert words_of(db, ArchiveTerm, "archive_entry_id")[entry.id] == set(signature(f"{entry.claim} {entry.title}"))
    db.delete(entry)
    db.commit()
    listed = words_of(db, ArchiveTerm, "archive_entry_id")
    assert entry.id not in listed
    # The deleted entry's words are counted out, and a word no entry keeps any more has no count.
    assert counts_of(db) == dict(Counter(word for words in listed.values() for word in words))
    assert "yodel" not in counts_of(db)


def test_a_claim_is_found_by_its_words_only_while_signed_off_and_not_dismissed(client, db):
    response = post(client, "/articles", {"text": "The Dnipro bridge was destroyed on Tuesday. Other news.", "title": "Bridge"})
    claim = claims_of(db, int(response.headers["Location"].rsplit("/", 1)[1]))[0]
    assert claim.id not in words_of(db, ClaimTerm, "claim_id")
    for status, dismissed, found in [
        (ClaimStatus.APPROVED, False, True),
        (ClaimStatus.APPROVED, True, False),
        (ClaimStatus.PUBLISHED, False, True),
        (ClaimStatus.IN_PROGRESS, False, False),
    ]:
        claim.status, claim.dismissed = status, dismissed
        db.add(claim)
        db.commit()
        assert (claim.id in words_of(db, ClaimTerm, "claim_id")) is found, (status, dismissed)
    claim.status = ClaimStatus.APPROVED
    db.add(claim)
    db.commit()
    assert words_of(db, ClaimTerm, "claim_id")[claim.id] == set(signature(claim.text))


def test_rebuild_writes_what_the_flushes_wrote(client, runner, db):
    assert runner.invoke(args=["archive", "import", str(ARCHIVE)]).exit_code == 0
    response = post(client, "/articles", {"text": "The Dnipro bridge was destroyed on Tuesday. Other news.", "title": "Bridge"})
    claim = claims_of(db, int(response.headers["Location"].rsplit("/", 1)[1]))[0]
    claim.status = ClaimStatus.PUBLISHED
    db.add(claim)
    db.commit()
    before = words_of(db, ArchiveTerm, "archive_entry_id"), words_of(db, ClaimTerm, "claim_id")
    db.execute(text("DELETE FROM archiveterm"))
    db.execute(text("DELETE FROM claimterm"))
    counts = index.rebuild(db)
    db.commit()
    assert (words_of(db, ArchiveTerm, "archive_entry_id"), words_of(db, ClaimTerm, "claim_id")) == before
    assert counts == {"archive": sum(map(len, before[0].values())), "claims": sum(map(len, before[1].values()))}
    result = runner.invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    assert (words_of(db, ArchiveTerm, "archive_entry_id"), words_of(db, ClaimTerm, "claim_id")) == before


@pytest.mark.parametrize(("per_term", "budget"), [(3, index.ROW_BUDGET), (5000, index.ROW_BUDGET), (5000, 8)])
def test_the_database_answers_what_the_training_script_emulates(runner, db, tmp_path, monkeypatch, per_term, budget):
    # 112 real fact-checks; the training script's in-memory first stage against the database's.
    lines = []
    for line in (FIXTURE / "vclaims.jsonl").read_text(encoding="utf-8").splitlines():
        fact_check = json.loads(line)
        lines.append(json.dumps({"id": fact_check["vclaim_id"], "claim": fact_check["vclaim"],
                                 "title": fact_check.get("title", ""), "summary": ""}))
    archive = tmp_path / "archive.jsonl"
    archive.write_text("\n".join(lines), encoding="utf-8")
    assert runner.invoke(args=["archive", "import", str(archive)]).exit_code == 0
    monkeypatch.setattr(index, "TERM_POSTINGS", per_term)
    monkeypatch.setattr(index, "ROW_BUDGET", budget)
    entries = db.exec(select(ArchiveEntry).order_by(ArchiveEntry.id)).all()
    postings: dict[str, list[int]] = {}
    for entry in entries:
        for word in signature(f"{entry.claim} {entry.title}"):
            postings.setdefault(word, []).append(entry.id)
    tweets = [line.split("\t", 1)[1] for line in (FIXTURE / "train_dev_queries.tsv").read_text(encoding="utf-8").splitlines()]
    compared = 0
    for tweet in tweets:
        weights = query_terms(tweet, QUERY_TERMS)
        expected = best_by_terms(postings, weights, 30, per_term, budget)
        found = [row[0] for row in index.archive_candidates(db, weights, 30)]
        assert found == expected, tweet
        compared += bool(expected)
    assert compared > 25


def test_the_lookup_reads_at_most_term_postings_rows_of_a_word(runner, db, tmp_path, monkeypatch):
    records = [json.dumps({"id": f"c{n}", "claim": f"Zanzibar ferry number {n} sank"}) for n in range(12)]
    archive = tmp_path / "ferries.jsonl"
    archive.write_text("\n".join(records), encoding="utf-8")
    assert runner.invoke(args=["archive", "import", str(archive)]).exit_code == 0
    # Counts lost (rows written with SQL, past the app): still the newest TERM_POSTINGS of a word at most.
    db.execute(text("DELETE FROM archivetermcount"))
    monkeypatch.setattr(index, "TERM_POSTINGS", 4)
    found = index.archive_candidates(db, query_terms("A ferry sank near Zanzibar"), 100)
    # Two words, each read for its newest four entries: the newest four entries, no more.
    assert [row[1] for row in found] == ["c11", "c10", "c9", "c8"]


def test_a_word_in_term_postings_entries_or_more_is_not_looked_up(runner, db, tmp_path, monkeypatch):
    records = [json.dumps({"id": f"z{n}", "claim": f"Zanzibar ferry number {n} sank"}) for n in range(5)]
    records += [json.dumps({"id": f"p{n}", "claim": f"Pemba ferry {n} capsized"}) for n in range(2)]
    archive = tmp_path / "ferries.jsonl"
    archive.write_text("\n".join(records), encoding="utf-8")
    assert runner.invoke(args=["archive", "import", str(archive)]).exit_code == 0
    weights = query_terms("A ferry capsized near Pemba and Zanzibar")
    everything = [row[1] for row in index.archive_candidates(db, weights, 100)]
    assert everything[:2] == ["p1", "p0"] and sorted(everything[2:]) == [f"z{n}" for n in range(5)]
    monkeypatch.setattr(index, "TERM_POSTINGS", 5)
    # "ferry" (7 entries) and "zanzibar" (5) are too common now: Pemba's two are found by their own words.
    assert [row[1] for row in index.archive_candidates(db, weights, 100)] == ["p1", "p0"]
    monkeypatch.setattr(index, "TERM_POSTINGS", 100)
    monkeypatch.setattr(index, "ROW_BUDGET", 4)
    # Fewest entries first: "pemba" and "capsiz" (2 each) fit in 4 rows, "zanzibar" (5) would not.
    assert [row[1] for row in index.archive_candidates(db, weights, 100)] == ["p1", "p0"]
    monkeypatch.setattr(index, "ROW_BUDGET", 9)
    assert sorted(row[1] for row in index.archive_candidates(db, weights, 100)) == ["p0", "p1", "z0", "z1", "z2", "z3", "z4"]


def counts_of(db) -> dict[str, int]:
    return {term: entries for term, entries in db.execute(text("SELECT term, entries FROM archivetermcount")) if entries}


def test_the_word_counts_follow_the_archive_and_a_reindex_counts_the_same(runner, db, tmp_path):
    assert runner.invoke(args=["archive", "import", str(ARCHIVE)]).exit_code == 0
    listed = words_of(db, ArchiveTerm, "archive_entry_id")
    expected: dict[str, int] = {}
    for words in listed.values():
        for word in words:
            expected[word] = expected.get(word, 0) + 1
    assert counts_of(db) == expected and expected
    # A re-import that rewords an entry moves its counts from the old words to the new ones.
    first = db.exec(select(ArchiveEntry).order_by(ArchiveEntry.id)).first()
    old_words = listed[first.id]
    changed = tmp_path / "changed.jsonl"
    changed.write_text(json.dumps({"id": first.key, "claim": "Quokkas smuggled through Perth airport"}), encoding="utf-8")
    assert runner.invoke(args=["archive", "import", str(changed)]).exit_code == 0
    db.rollback()
    now = counts_of(db)
    new_words = words_of(db, ArchiveTerm, "archive_entry_id")[first.id]
    assert "quokka" in new_words and "quokka" not in expected
    for word in old_words | new_words:
        assert now.get(word, 0) == expected.get(word, 0) - (word in old_words) + (word in new_words), word
    assert runner.invoke(args=["search", "reindex"]).exit_code == 0
    db.rollback()
    assert counts_of(db) == now


def test_the_app_offers_the_ranker_as_many_candidates_as_it_was_trained_on():
    from factcheck.matching.model import load_model
    from factcheck.matching.store import ARCHIVE_CANDIDATES
    from factcheck.matching.text import SIGNATURE_TERMS, TERM_POSTINGS

    first_stage = load_model()["first_stage"]
    assert first_stage["depth"] == ARCHIVE_CANDIDATES
    assert (first_stage["terms"], first_stage["signature"], first_stage["per_term"]) == (QUERY_TERMS, SIGNATURE_TERMS, TERM_POSTINGS)


def test_claims_with_as_many_words_share_one_statement_text(runner, db, monkeypatch):
    # The words and their weights are parameters: one text per number of words, which SQLite's
    # statement cache and psycopg's prepared statements reuse, and no word is ever written into SQL.
    assert runner.invoke(args=["archive", "import", str(ARCHIVE)]).exit_code == 0
    seen: list[tuple[str, dict]] = []
    run = db.execute

    def execute(statement, params=None, **options):
        seen.append((str(statement), params))
        return run(statement, params, **options)

    monkeypatch.setattr(db, "execute", execute)
    first, second = query_terms("Vaccines contain microchips, says Gates"), query_terms("Bananas cure malaria in Ghana")
    assert len(first) == len(second) == 4
    index.archive_candidates(db, first, 10)
    index.archive_candidates(db, second, 10)
    (one, one_params), (other, other_params) = [(s, p) for s, p in seen if "UNION ALL" in s]
    assert one == other
    assert "microchip" not in one and str(first[0][1]) not in one
    assert sorted(one_params.items()) != sorted(other_params.items())


def test_a_reindex_while_an_archive_import_is_under_way_waits_for_it(app, db):
    # On PostgreSQL the reindex's recount once locked count rows the import then needed, and the
    # import the rows the recount needed: a deadlock. Now it takes the site's stamp first, as
    # every flush writing an entry does, and waits for the import's commit.
    engine = app.extensions["factcheck.engine"]
    # Counted words of both batches, the second batch's first (a recount meets those rows first).
    for key, claim in (("s", "Svalbard airport reopened after an invasion last year"), ("h", "Walruses invaded the harbour on a Tuesday")):
        db.add(ArchiveEntry(key=key, claim=claim))
        db.commit()
    flushed, outcome = threading.Event(), {}

    def import_two_batches() -> None:
        try:
            with Session(engine) as session:
                session.add(ArchiveEntry(key="w1", claim="Walruses invaded the harbour on Tuesday"))
                session.flush()
                flushed.set()
                time.sleep(1.0)  # the reindex starts meanwhile
                session.add(ArchiveEntry(key="w2", claim="Svalbard airport reopened after the invasion"))
                session.commit()
            outcome["import"] = "committed"
        except Exception as error:  # noqa: BLE001 (reported below)
            outcome["import"] = repr(error)

    def reindex() -> None:
        flushed.wait(10)
        try:
            with transaction(engine) as session:
                index.rebuild(session)
            outcome["reindex"] = "committed"
        except Exception as error:  # noqa: BLE001
            outcome["reindex"] = repr(error)

    threads = [threading.Thread(target=import_two_batches), threading.Thread(target=reindex)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert outcome == {"import": "committed", "reindex": "committed"}
    listed = words_of(db, ArchiveTerm, "archive_entry_id")
    assert len(listed) == 4
    assert counts_of(db) == dict(Counter(word for words in listed.values() for word in words))
