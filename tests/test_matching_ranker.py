"""Seen-before claim matching: first-stage terms, tweet clean-up, the reranker and its shipped model.

The fixture (tests/data/claim_matching) is a slice of CLEF 2022 CheckThat! task 2A: tweets, the
Snopes fact-check each repeats, and the fact-checks a first stage confuses them with.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from factcheck.matching import model as shipped
from factcheck.matching.ranker import Analyser, Candidate, clear_cache, rank, score_row
from factcheck.matching.text import MAX_TERM, best_by_terms, clean, query_terms, signature, signature_names, stem, tokens

REPO = Path(__file__).parent.parent
FIXTURE = Path(__file__).parent / "data" / "claim_matching"
SAFE_TERM = re.compile(r"[^\W_]+")

ANACONDA = Candidate(
    "vclaim-sno-10-meter-anaconda",
    "A viral video shows a 10-meter-long anaconda swimming across a river in Brazil.",
    "Does Video Show a 10-Meter-Long Anaconda?",
    "The anaconda is one of the largest snakes in the world.",
)
FRIES = Candidate(
    "vclaim-sno-1-mcdonald39s-any-size-fries",
    "McDonald’s restaurants are offering $1 Any Size Fries between May 18 and 31.",
    "$1 McDonald's Any Size Fries",
    "Rumor: McDonald's restaurants are offering $1 Any Size Fries between May 18 and 31.",
)
BABY = Candidate(
    "vclaim-sno-10-month-old-baby-drawing",
    "A video shows a 10-month-old baby drawing cartoons.",
    "Is This Really a Video of a 10-Month-Old Baby Drawing?",
    "Internet users were impressed with (and skeptical of) a video showing a baby drawing cartoon characters.",
)
TWEET = (
    "Incredible footage: a giant anaconda, about 10 meters long, crossing a river in Brazil 🐍 "
    "#Anaconda #Brasil pic.twitter.com/0eJtwJyS1J — Wild Life (@WildLifeDaily) March 6, 2021"
)
HOSTILE = [
    "",
    " ",
    "\x00" * 1000,
    "a\x00b\x00c claim\x00text",
    "?!.,;:'\"()[]{}<>—–-…" * 50,
    "🐍🔥😂🇺🇸" * 500,
    "x" * 1_000_000,
    ("The president said the vaccine is unsafe. " * 25_000)[:1_000_000],
    "AND OR NOT NEAR * ^ \" ' : ( ) { } -- /* */ ; DROP TABLE archive_fts",
    "#",
    "@",
    "— (@handle) January 1, 2020",
    "ǅungla ½ km² Ⅻ ﬁle",
]


def _load_training_script():
    spec = importlib.util.spec_from_file_location("train_matcher", REPO / "scripts" / "train_matcher.py")
    module = importlib.util.module_from_spec(spec)
    # Registered first: dataclasses look their module up in sys.modules.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _fixture_archive() -> list[Candidate]:
    rows = [json.loads(line) for line in (FIXTURE / "vclaims.jsonl").read_text(encoding="utf-8").splitlines()]
    return [Candidate(row["vclaim_id"], row["vclaim"], row["title"], row["subtitle"]) for row in rows]


def _fixture_queries(split: str) -> list[tuple[str, str]]:
    texts = dict(line.split("\t", 1) for line in (FIXTURE / "train_dev_queries.tsv").read_text(encoding="utf-8").splitlines())
    qrels = [line.split("\t") for line in (FIXTURE / f"{split}_qrels.tsv").read_text(encoding="utf-8").splitlines()]
    return [(texts[query_id], ref) for query_id, _zero, ref, _one in qrels]


# --- tweets and words ------------------------------------------------------------------------


def test_clean_drops_links_pictures_and_the_signature():
    cleaned = clean(TWEET + " https://t.co/abc123 see www.example.org/page and snopes.com/x")
    for gone in ("pic.twitter", "0eJtwJyS1J", "t.co", "abc123", "www", "example", "snopes.com", "@WildLifeDaily", "March 6, 2021"):
        assert gone not in cleaned
    assert "anaconda" in cleaned and "Brazil" in cleaned


def test_clean_splits_hashtags_and_handles():
    assert clean("#AustralianFires and @realDonaldTrump and #GE19pic.twitter.com/hv9mk4xrNJ").split() == [
        "Australian", "Fires", "and", "real", "Donald", "Trump", "and", "GE", "19"
    ]


def test_signature_names_are_read_even_mid_text():
    text = (
        "Will you delete this tweet? https://t.co/UewkblF8Oo — Marco Rubio (@marcorubio) July 25, 2019 "
        "You nailed it. — Sean Spicer (@seanspicer) January 29, 2017"
    )
    assert signature_names(text) == ["Marco Rubio", "Sean Spicer"]
    assert "Rubio" not in clean(text) and "2019" not in clean(text)


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("vaccinated", "vaccinat"),
        ("vaccines", "vaccin"),
        ("parties", "party"),
        ("running", "run"),
        ("handcuffed", "handcuff"),
        ("handcuffs", "handcuff"),
        ("reportedly", "report"),
        ("news", "news"),
        ("during", "during"),
        ("bus", "bus"),
        ("2020", "2020"),
    ],
)
def test_stem(word, expected):
    assert stem(word) == expected


def test_tokens_fold_diacritics_and_split_possessives():
    assert [token.surface for token in tokens("Café owner’s CRÈME brûlée")] == ["cafe", "owner", "s", "creme", "brulee"]
    assert [token.content for token in tokens("the Eiffel tower")] == [False, True, True]


# --- first stage -----------------------------------------------------------------------------


def test_query_terms_pick_the_rare_words_and_skip_boilerplate():
    terms = [word for word, _weight in query_terms(TWEET)]
    assert {"anaconda", "brazil"} <= set(terms)
    for boilerplate in ("pic", "twitter", "0ejtwjys1j", "wildlifedaily", "march", "2021", "the", "a"):
        assert boilerplate not in terms


def test_query_terms_are_rarest_first_one_per_stem_and_weighed_by_the_shipped_idf():
    found = query_terms("Trump says the vaccines, the vaccine and a vaccine shed anaconda venom", limit=20)
    model = shipped.load_model()
    assert [weight for _word, weight in found] == [round(model["idf"].get(word, model["unknown_idf"]) * 1000) for word, _ in found]
    assert [weight for _word, weight in found] == sorted((weight for _word, weight in found), reverse=True)
    words = [word for word, _weight in found]
    assert len(set(words)) == len(words) and words.count("vaccin") == 1 and "anaconda" in words
    assert signature("Trump says the vaccines, the vaccine and a vaccine shed anaconda venom", limit=20) == words


@pytest.mark.parametrize("text", [TWEET, *HOSTILE])
@pytest.mark.parametrize("limit", [0, 1, 12, 40])
def test_first_stage_words_are_bounded(text, limit):
    for words in ([word for word, _ in query_terms(text, limit)], signature(text, limit)):
        assert len(words) <= limit and len(set(words)) == len(words)
        assert all(0 < len(word) <= MAX_TERM and word == word.lower() for word in words)


def test_best_by_terms_adds_the_weights_and_skips_a_word_in_per_term_entries_or_more():
    postings = {"ferry": [1, 2, 3, 4], "zanzibar": [2, 4, 5], "sank": [9]}
    weights = [("zanzibar", 3000), ("ferry", 1000), ("absent", 5000)]
    assert best_by_terms(postings, weights, depth=10, per_term=10) == [4, 2, 5, 3, 1]
    assert best_by_terms(postings, weights, depth=10, per_term=4) == [5, 4, 2]  # "ferry" is in 4: skipped
    assert best_by_terms(postings, weights, depth=2, per_term=4) == [5, 4]
    assert best_by_terms(postings, weights, depth=10, per_term=3) == []


def test_best_by_terms_reads_the_words_with_fewest_entries_first_up_to_the_row_budget():
    postings = {"ferry": [1, 2, 3, 4], "zanzibar": [2, 4, 5], "sank": [9]}
    weights = [("ferry", 1000), ("zanzibar", 3000), ("absent", 5000)]
    assert best_by_terms(postings, weights, depth=10, per_term=10, budget=7) == [4, 2, 5, 3, 1]
    assert best_by_terms(postings, weights, depth=10, per_term=10, budget=6) == [5, 4, 2]  # "ferry" would pass 6
    assert best_by_terms(postings, weights, depth=10, per_term=10, budget=2) == []


def test_hostile_text_is_cut_fast():
    started = time.perf_counter()
    for text in HOSTILE:
        query_terms(text)
        signature(text)
    assert time.perf_counter() - started < 2.0


# --- reranking -------------------------------------------------------------------------------


def test_the_obvious_paraphrase_ranks_first():
    ranked = rank(TWEET, [FRIES, BABY, ANACONDA])
    assert ranked[0][0] == ANACONDA
    assert ranked[0][1] > 0.5 > ranked[1][1]


def test_fixture_tweets_find_their_fact_check_among_the_confusable_ones():
    archive = _fixture_archive()
    queries = _fixture_queries("train") + _fixture_queries("dev")
    firsts = [rank(text, archive)[0][0].ref == ref for text, ref in queries]
    assert sum(firsts) / len(firsts) >= 0.75


@pytest.mark.parametrize("text", [TWEET, "Fries for a dollar at McDonald's", *HOSTILE[:6]])
def test_scores_are_probabilities_and_deterministic(text):
    archive = _fixture_archive()[:40]
    ranked = rank(text, archive)
    assert sorted(c.ref for c, _score in ranked) == sorted(c.ref for c in archive)
    assert all(0.0 <= score <= 1.0 for _c, score in ranked)
    assert [score for _c, score in ranked] == sorted((score for _c, score in ranked), reverse=True)
    clear_cache()
    assert rank(text, archive) == ranked


def test_an_unstated_position_is_the_place_in_the_list():
    candidates = [FRIES, BABY, ANACONDA]
    placed = [Candidate(c.ref, c.claim, c.title, c.summary, place) for place, c in enumerate(candidates)]
    assert [score for _c, score in rank(TWEET, candidates)] == [score for _c, score in rank(TWEET, placed)]


def test_no_candidates():
    assert rank(TWEET, []) == []


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_input_neither_crashes_nor_crawls(text):
    hostile = [Candidate(f"h{i}", text, text[:100], text[:50]) for i in range(3)]
    started = time.perf_counter()
    ranked = rank(text, [ANACONDA, *hostile, FRIES])
    assert len(ranked) == 5 and all(0.0 <= score <= 1.0 for _c, score in ranked)
    assert time.perf_counter() - started < 2.0


def test_a_hundred_candidates_rerank_quickly():
    archive = _fixture_archive()[:100]
    rank(TWEET, archive)
    best = float("inf")
    for _ in range(3):
        clear_cache()
        started = time.perf_counter()
        rank(TWEET, archive)
        best = min(best, time.perf_counter() - started)
    # The budget is 10 ms (bench/claim_matching.py measures it); the margin absorbs a busy CI machine.
    assert best < 0.1


# --- the shipped model -----------------------------------------------------------------------


def test_shipped_model_is_small_and_versioned():
    raw = shipped.MODEL_PATH.read_bytes()
    assert len(raw) < 1_500_000
    model = json.loads(raw)
    assert model["version"] >= 1
    assert sorted(model["data"]) == ["dev_qrels.tsv", "train_dev_queries.tsv", "train_qrels.tsv", "vclaims.jsonl"]
    assert all(len(digest) == 64 for digest in model["data"].values())
    assert model["first_stage"]["terms"] == 12
    assert re.fullmatch(r"matcher-\d+-[0-9a-f]{12}", shipped.model_version())
    assert shipped.model_version().endswith(hashlib.sha256(raw).hexdigest()[:12])


def test_rank_scores_with_the_shipped_model():
    model = shipped.load_model()
    rows = Analyser(model).feature_rows(TWEET, [FRIES, BABY, ANACONDA])
    assert sorted(score_row(row, model) for row in rows) == sorted(score for _c, score in rank(TWEET, [FRIES, BABY, ANACONDA]))
    assert set(rows[0]) == set(model["weights"])


@pytest.fixture(scope="module")
def fixture_training():
    pytest.importorskip("sklearn")
    script = _load_training_script()
    return script, script.train(FIXTURE, log=lambda line: None)


def test_training_rebuilds_identical_bytes(fixture_training):
    # expected_model.json was written by an earlier run of the script on the same fixture (README there).
    _script, (data, _report) = fixture_training
    expected = (FIXTURE / "expected_model.json").read_bytes()
    assert hashlib.sha256(data).hexdigest() == hashlib.sha256(expected).hexdigest()


def test_pure_python_scores_match_the_fitted_model(fixture_training):
    _script, (_data, report) = fixture_training
    assert report["max_difference"] < 1e-4


def test_training_records_data_hashes(fixture_training):
    _script, (data, _report) = fixture_training
    model = json.loads(data)
    digest = hashlib.sha256((FIXTURE / "vclaims.jsonl").read_bytes()).hexdigest()
    assert model["data"]["vclaims.jsonl"] == digest


def test_training_reads_quoted_query_lines(tmp_path):
    pytest.importorskip("sklearn")
    script = _load_training_script()
    (tmp_path / "train_dev_queries.tsv").write_text(
        'tweet-sno-1\t"Sen. X: ""As recently as October"" — Forbes (@Forbes) January 28, 2021"\r\n'
        "tweet-sno-2\tplain text\n",
        encoding="utf-8",
    )
    assert script.read_texts(tmp_path / "train_dev_queries.tsv") == {
        "tweet-sno-1": 'Sen. X: "As recently as October" — Forbes (@Forbes) January 28, 2021',
        "tweet-sno-2": "plain text",
    }


def test_runtime_needs_neither_numpy_nor_the_web_nor_the_database():
    code = (
        "import sys; from factcheck.matching.ranker import Candidate, rank;"
        "from factcheck.matching.text import query_terms;"
        "query_terms('Taxes rose 5%.'); rank('Taxes rose 5%.', [Candidate('a', 'Taxes rose.')]);"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in"
        " {'numpy', 'sklearn', 'scipy', 'flask', 'sqlalchemy', 'sqlmodel', 'snowballstemmer'}))"
    )
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
