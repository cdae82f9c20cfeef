"""Train the claim matcher and write factcheck/matching/matcher_model.json.

    .venv/bin/python scripts/train_matcher.py [DATA_DIR] [--out PATH]

DATA_DIR (default: ../shared/data next to the repository) holds `ct22_claim_retrieval/` (or is
that folder): CLEF 2022 CheckThat! task 2A English, `vclaims.jsonl` (the archive of fact-checks),
`train_dev_queries.tsv`, `train_qrels.tsv` and `dev_qrels.tsv`.

The model has two parts. The vocabulary comes from the archive alone: idf of every stem and of
every character 4-gram used by at least two fact-checks, and the average field lengths. The
weights are a logistic regression over `factcheck.matching.ranker.Analyser.feature_rows`, fitted
on the train queries' first-stage candidates (the app's first stage emulated in memory: each
fact-check's rare-word `signature`, looked up with the query's `query_terms` and ordered by
`best_by_terms`, the top 100); its strength C is
chosen by MAP@5 on the dev queries. The feature standardisation is folded into the weights, which
are rounded, so that the same data and library versions rebuild the same bytes. dev-test
(`dev_test_queries.tsv`, `dev_test_qrels.tsv`) is only reported, never used. The script prints the
artifact's sha256.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from factcheck.matching.ranker import FIELDS, Analyser, Candidate, char_grams, score_row  # noqa: E402
from factcheck.matching.text import (  # noqa: E402
    QUERY_TERMS,
    SIGNATURE_TERMS,
    TERM_POSTINGS,
    best_by_terms,
    query_terms,
    signature,
    tokens,
)

VERSION = 1
DEFAULT_DATA = REPO.parent / "shared" / "data"
DEFAULT_OUT = REPO / "factcheck" / "matching" / "matcher_model.json"
FOLDER = "ct22_claim_retrieval"
C_GRID = (0.01, 0.03, 0.1, 0.3, 1.0, 3.0)
TERMS = QUERY_TERMS
DEPTH = 70  # factcheck.matching.store.ARCHIVE_CANDIDATES: as deep as 100 on dev (MAP@5 0.919), cheaper to rank
MIN_DF = 2
DECIMALS = 4
SEED = 0
DATA_FILES = ("dev_qrels.tsv", "train_dev_queries.tsv", "train_qrels.tsv", "vclaims.jsonl")

@dataclass(frozen=True)
class FactCheck:
    """One archived fact-check of `vclaims.jsonl`."""

    ref: str
    claim: str
    title: str
    summary: str


@dataclass(frozen=True)
class Query:
    """A tweet (or claim) and the fact-checks it repeats."""

    query_id: str
    text: str
    relevant: frozenset[str]


def claims_dir(data_dir: Path) -> Path:
    """The folder holding the task's files: DATA_DIR/ct22_claim_retrieval, or DATA_DIR itself."""
    nested = data_dir / FOLDER
    return nested if nested.is_dir() else data_dir


def read_archive(folder: Path) -> list[FactCheck]:
    """`vclaims.jsonl`: the claim, title and verdict summary (`subtitle`) of each fact-check."""
    archive = []
    with (folder / "vclaims.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                row = json.loads(line)
                archive.append(FactCheck(row["vclaim_id"], row["vclaim"], row["title"], row["subtitle"]))
    return archive


def read_texts(path: Path) -> dict[str, str]:
    """`query_id<TAB>text` lines; a text wrapped in double quotes has its quotes doubled inside."""
    texts = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        query_id, tab, text = line.partition("\t")
        if not tab:
            continue
        text = text.strip()
        if len(text) >= 2 and text[0] == text[-1] == '"':
            text = text[1:-1].replace('""', '"')
        texts[query_id.strip()] = text
    return texts


def read_qrels(path: Path) -> dict[str, set[str]]:
    """TREC qrels (`query_id 0 vclaim_id 1`): the relevant fact-checks of each query."""
    relevant: dict[str, set[str]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 4 and parts[3] != "0":
            relevant.setdefault(parts[0], set()).add(parts[2])
    return relevant


def read_split(folder: Path, split: str) -> list[Query]:
    """The queries of `train`, `dev` or `dev_test` with their relevant fact-checks, in id order."""
    texts = read_texts(folder / ("dev_test_queries.tsv" if split == "dev_test" else "train_dev_queries.tsv"))
    qrels = read_qrels(folder / f"{split}_qrels.tsv")
    return [Query(query_id, texts[query_id], frozenset(qrels[query_id])) for query_id in sorted(qrels, key=_natural)]


def _natural(query_id: str) -> tuple:
    head, _, tail = query_id.rpartition("-")
    return (head, int(tail)) if tail.isdigit() else (query_id, 0)


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _idf(df: int, documents: int) -> float:
    return round(math.log(1.0 + (documents - df + 0.5) / (df + 0.5)), DECIMALS)


def _gram_idf(df: int, documents: int) -> float:
    return round(math.log((documents + 1.0) / (df + 1.0)) + 1.0, DECIMALS)


def vocabulary(archive: Sequence[FactCheck]) -> dict:
    """What the archive alone tells: stem and 4-gram idf (df ≥ MIN_DF), average field lengths.

    Rarer stems and grams are left out of the file: the ranker gives a word it does not know the
    idf of one used once, which is what they would have had.
    """
    stem_df: dict[str, int] = {}
    gram_df: dict[str, int] = {}
    lengths = dict.fromkeys(FIELDS, 0)
    for fact_check in archive:
        stems: set[str] = set()
        grams: set[str] = set()
        for field in FIELDS:
            words = tokens(getattr(fact_check, field))
            content = [token.stem for token in words if token.content]
            lengths[field] += len(content)
            stems.update(content)
            if field != "summary":
                for token in words:
                    if token.content:
                        grams.update(char_grams(token.surface))
        for word in stems:
            stem_df[word] = stem_df.get(word, 0) + 1
        for gram in grams:
            gram_df[gram] = gram_df.get(gram, 0) + 1
    documents = len(archive)
    average = {field: round(lengths[field] / documents, DECIMALS) for field in FIELDS}
    average["all"] = round(sum(lengths.values()) / documents, DECIMALS)
    return {
        "documents": documents,
        "idf": {word: _idf(df, documents) for word, df in sorted(stem_df.items()) if df >= MIN_DF},
        "unknown_idf": _idf(1, documents),
        "gram_idf": {gram: _gram_idf(df, documents) for gram, df in sorted(gram_df.items()) if df >= MIN_DF},
        "unknown_gram_idf": _gram_idf(1, documents),
        "average_length": average,
    }


def archive_index(archive: Sequence[FactCheck], vocab: dict) -> dict[str, list[int]]:
    """The app's first-stage index, emulated: each fact-check's `signature` stems (of its claim
    and title) → the ids (index + 1, as imported) of the fact-checks that keep them, ascending."""
    index: dict[str, list[int]] = {}
    for number, fact_check in enumerate(archive, start=1):
        for stem in signature(f"{fact_check.claim} {fact_check.title}", SIGNATURE_TERMS, vocab["idf"], vocab["unknown_idf"]):
            index.setdefault(stem, []).append(number)
    return index


def first_stage(index: dict[str, list[int]], text: str, vocab: dict, depth: int = DEPTH) -> list[int]:
    """Archive indexes the app's first stage offers for `text`, best first."""
    weights = query_terms(text, TERMS, vocab["idf"], vocab["unknown_idf"])
    return [number - 1 for number in best_by_terms(index, weights, depth, TERM_POSTINGS)]


def candidates_for(index: dict[str, list[int]], archive: Sequence[FactCheck], text: str, vocab: dict) -> list[Candidate]:
    """The first stage's candidates for one text, as the app passes them to `rank`."""
    found = first_stage(index, text, vocab)
    return [Candidate(archive[i].ref, archive[i].claim, archive[i].title, archive[i].summary, at) for at, i in enumerate(found)]


def average_precision(ranked: Sequence[str], relevant: Iterable[str], depth: int = 5) -> float:
    """CheckThat!'s AP@depth: precision at each hit in the top `depth`, over min(#relevant, depth)."""
    relevant = set(relevant)
    hits = 0
    total = 0.0
    for place, ref in enumerate(ranked[:depth]):
        if ref in relevant:
            hits += 1
            total += hits / (place + 1)
    return total / min(len(relevant), depth) if relevant else 0.0


def mean_ap(runs: dict[str, Sequence[str]], queries: Sequence[Query], depth: int = 5) -> float:
    """MAP@depth over all `queries` (a query with no run scores 0)."""
    return sum(average_precision(runs.get(q.query_id, []), q.relevant, depth) for q in queries) / max(len(queries), 1)


def recall(runs: dict[str, Sequence[str]], queries: Sequence[Query]) -> float:
    """Mean share of each query's relevant fact-checks found anywhere in its run."""
    return sum(len(q.relevant & set(runs.get(q.query_id, []))) / len(q.relevant) for q in queries) / max(len(queries), 1)


@dataclass
class Pool:
    """The candidates and features of one split's queries."""

    queries: list[Query]
    candidates: list[list[Candidate]]
    rows: list[list[dict[str, float]]]

    def matrix(self, names: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        values = [[row[name] for name in names] for rows in self.rows for row in rows]
        labels = [c.ref in q.relevant for q, found in zip(self.queries, self.candidates, strict=True) for c in found]
        return np.asarray(values, dtype=np.float64).reshape(len(labels), len(names)), np.asarray(labels, dtype=int)

    def runs(self, scores: Sequence[float]) -> dict[str, list[str]]:
        runs, start = {}, 0
        for query, found in zip(self.queries, self.candidates, strict=True):
            part = scores[start : start + len(found)]
            order = sorted(range(len(found)), key=lambda index: (-part[index], index))
            runs[query.query_id] = [found[index].ref for index in order]
            start += len(found)
        return runs

    def first_stage_runs(self) -> dict[str, list[str]]:
        return {q.query_id: [c.ref for c in found] for q, found in zip(self.queries, self.candidates, strict=True)}


def pool(queries: list[Query], index: dict[str, list[int]], archive, vocab: dict, analyser: Analyser) -> Pool:
    """First-stage candidates and their features for `queries`."""
    found = [candidates_for(index, archive, q.text, vocab) for q in queries]
    rows = [analyser.feature_rows(q.text, c) for q, c in zip(queries, found, strict=True)]
    return Pool(queries, found, rows)


def fit(matrix: np.ndarray, labels: np.ndarray, c: float) -> tuple[LogisticRegression, np.ndarray, np.ndarray]:
    """L2 logistic regression on standardised features (liblinear: deterministic with a fixed seed)."""
    mean = matrix.mean(axis=0)
    scale = matrix.std(axis=0)
    scale[scale == 0] = 1.0
    model = LogisticRegression(C=c, solver="liblinear", max_iter=5000, random_state=SEED)
    return model.fit((matrix - mean) / scale, labels), mean, scale


def weights(model: LogisticRegression, mean: np.ndarray, scale: np.ndarray, names: Sequence[str]) -> tuple[dict, float]:
    """Weights on the raw features, the standardisation folded in, rounded."""
    raw = model.coef_[0] / scale
    intercept = float(model.intercept_[0]) - float(np.dot(raw, mean))
    return {name: round(float(w), 6) for name, w in zip(names, raw, strict=True)}, round(intercept, 6)


def dump(model: dict) -> bytes:
    """Stable JSON bytes: sorted keys, fixed separators, trailing newline."""
    return (json.dumps(model, sort_keys=True, separators=(",", ":"), ensure_ascii=True) + "\n").encode("ascii")


def train(data_dir: Path, c_grid: Sequence[float] = C_GRID, log: Callable[[str], None] = print) -> tuple[bytes, dict]:
    """Build, tune, fit and serialise the model; returns (artifact bytes, report).

    The report holds the chosen C, dev MAP@1/@5 of the first stage and of the reranker, dev
    recall@100, and `max_difference`: the largest gap, over every train and dev candidate, between
    scikit-learn's probability and the pure-Python scorer reading the rounded JSON weights.
    """
    folder = claims_dir(data_dir)
    archive = read_archive(folder)
    vocab = vocabulary(archive)
    analyser = Analyser(vocab, cache_size=len(archive) + 1)
    index = archive_index(archive, vocab)
    train_pool = pool(read_split(folder, "train"), index, archive, vocab, analyser)
    dev_pool = pool(read_split(folder, "dev"), index, archive, vocab, analyser)
    names = sorted(train_pool.rows[0][0]) if train_pool.rows and train_pool.rows[0] else []
    train_x, train_y = train_pool.matrix(names)
    dev_x, _dev_y = dev_pool.matrix(names)
    tuning = []
    for c in c_grid:
        model, mean, scale = fit(train_x, train_y, c)
        scores = model.decision_function((dev_x - mean) / scale)
        dev_map = mean_ap(dev_pool.runs(list(scores)), dev_pool.queries)
        log(f"  C={c:<5} dev MAP@5 {dev_map:.4f}")
        tuning.append((round(dev_map, 6), -c))
    best_map, negative_c = max(tuning)
    c = -negative_c
    model, mean, scale = fit(train_x, train_y, c)
    named, intercept = weights(model, mean, scale, names)
    artifact = {
        "version": VERSION,
        "kind": "logistic regression over factcheck.matching.ranker.Analyser.feature_rows",
        "C": c,
        "first_stage": {
            "kind": "rare-word signatures",
            "terms": TERMS,
            "signature": SIGNATURE_TERMS,
            "per_term": TERM_POSTINGS,
            "depth": DEPTH,
        },
        "weights": named,
        "intercept": intercept,
        "data": {name: file_sha256(folder / name) for name in DATA_FILES},
        **vocab,
    }
    pure_dev = [score_row(row, artifact) for rows in dev_pool.rows for row in rows]
    pure_train = [score_row(row, artifact) for rows in train_pool.rows for row in rows]
    fitted = np.concatenate(
        [model.predict_proba((train_x - mean) / scale)[:, 1], model.predict_proba((dev_x - mean) / scale)[:, 1]]
    )
    difference = float(np.max(np.abs(fitted - np.asarray(pure_train + pure_dev)))) if len(fitted) else 0.0
    dev_runs = dev_pool.runs(pure_dev)
    first = dev_pool.first_stage_runs()
    report = {
        "C": c,
        "tuned_dev_map5": best_map,
        "dev": {
            "first_stage_map1": mean_ap(first, dev_pool.queries, 1),
            "first_stage_map5": mean_ap(first, dev_pool.queries, 5),
            "rerank_map1": mean_ap(dev_runs, dev_pool.queries, 1),
            "rerank_map5": mean_ap(dev_runs, dev_pool.queries, 5),
            "recall": recall(first, dev_pool.queries),
        },
        "max_difference": difference,
        "artifact": artifact,
        "context": (folder, archive, vocab, analyser, index),
    }
    return dump(artifact), report


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    data, report = train(args.data)
    dev = report["dev"]
    print(f"chose C={report['C']}")
    print(
        f"dev: first stage MAP@1 {dev['first_stage_map1']:.3f} MAP@5 {dev['first_stage_map5']:.3f},"
        f" recall@{DEPTH} {dev['recall']:.3f}; reranked MAP@1 {dev['rerank_map1']:.3f} MAP@5 {dev['rerank_map5']:.3f}"
    )
    print(f"pure-Python vs scikit-learn scores: max difference {report['max_difference']:.2e}")
    if report["max_difference"] > 1e-4:
        print("error: the rounded weights do not reproduce the fitted model", file=sys.stderr)
        return 1
    folder, archive, vocab, analyser, index = report["context"]
    if (folder / "dev_test_qrels.tsv").exists():
        queries = read_split(folder, "dev_test")
        held_out = pool(queries, index, archive, vocab, analyser)
        scores = [score_row(row, report["artifact"]) for rows in held_out.rows for row in rows]
        runs = held_out.runs(scores)
        print(f"dev-test (reported only): MAP@1 {mean_ap(runs, queries, 1):.3f} MAP@5 {mean_ap(runs, queries, 5):.3f}")
    args.out.write_bytes(data)
    print(f"wrote {args.out}: {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
