"""Train the check-worthiness model and write factcheck/extract/checkworthy_model.json.

    .venv/bin/python scripts/train_checkworthy.py [DATA_DIR] [--out PATH]

DATA_DIR (default: ../shared/data next to the repository) holds the CLEF 2024 CheckThat! task 1
English files `ct24_checkworthy_english_{train,dev,dev-test}.tsv`. The model is a logistic
regression over `factcheck.extract.checkworthy.features` (cue features plus hashed n-grams), so the
runtime scorer reads exactly the features it was trained on.

Tuning is for unseen debates, not for the dev split: dev's sentences come from the same debates as
train's, so the regularisation strength and the decision threshold are chosen by leave-one-era-out
cross-validation over train+dev (Sentence_id runs in debate order; see `eras`). The final model is
fitted on train+dev, its intercept shifted so that a score of 0.5 is the tuned threshold, and its
weights rounded, so that the same data and library versions rebuild the same bytes. dev-test is only
reported. The script prints the artifact's sha256.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import math
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import f1_score

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from factcheck.extract.checkworthy import features, hash_index, score_features  # noqa: E402

VERSION = 1
DEFAULT_DATA = REPO.parent / "shared" / "data"
DEFAULT_OUT = REPO / "factcheck" / "extract" / "checkworthy_model.json"
PREFIX = "ct24_checkworthy_english_"
BUCKETS = 2**14
C_GRID = (0.1, 0.3, 1.0, 3.0, 10.0)
ERAS = 5
DECIMALS = 4
SEED = 0


@dataclass(frozen=True)
class Sentence:
    """One labelled sentence of the CheckThat! data."""

    sentence_id: int
    text: str
    worthy: bool


def read_split(data_dir: Path, split: str) -> list[Sentence]:
    """Read `ct24_checkworthy_english_<split>.tsv` (quoted TSV, header row, Yes/No labels)."""
    with (data_dir / f"{PREFIX}{split}.tsv").open(encoding="utf-8", newline="") as handle:
        rows = csv.reader(handle, delimiter="\t")
        next(rows)
        return [Sentence(int(row[0]), row[1], row[2].strip() == "Yes") for row in rows if row]


def file_sha256(path: Path) -> str:
    """Hex sha256 of a file's bytes."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def eras(sentences: list[Sentence], count: int = ERAS) -> list[list[Sentence]]:
    """Split by Sentence_id into `count` contiguous runs of equal size.

    Ids follow the debates in order (1988 around id 20, 1992 around 14,000, 2020 in dev-test), so
    a run is a group of neighbouring debates and holding one out tests on debates never seen.
    """
    ordered = sorted(sentences, key=lambda sentence: sentence.sentence_id)
    size = len(ordered)
    return [ordered[k * size // count : (k + 1) * size // count] for k in range(count)]


class Vectorizer:
    """Turns feature dicts into a sparse matrix: named cue features first, then hashed n-grams."""

    def __init__(self, buckets: int = BUCKETS) -> None:
        self.buckets = buckets
        self.named: list[str] = []

    def fit(self, rows: list[dict[str, float]]) -> Vectorizer:
        names = set()
        for row in rows:
            names.update(name for name in row if not name.startswith("h:"))
        self.named = sorted(names)
        return self

    def transform(self, rows: list[dict[str, float]]) -> csr_matrix:
        column = {name: index for index, name in enumerate(self.named)}
        offset = len(self.named)
        indptr, cols, values = [0], [], []
        for row in rows:
            merged: dict[int, float] = {}
            for name, value in row.items():
                if name.startswith("h:"):
                    index = offset + hash_index(name, self.buckets)
                elif name in column:
                    index = column[name]
                else:
                    continue
                merged[index] = merged.get(index, 0.0) + value
            for index in sorted(merged):
                cols.append(index)
                values.append(merged[index])
            indptr.append(len(cols))
        shape = (len(rows), offset + self.buckets)
        return csr_matrix((values, cols, indptr), shape=shape, dtype=np.float64)


def fit(matrix: csr_matrix, labels: list[bool], c: float) -> LogisticRegression:
    """A class-balanced L2 logistic regression (liblinear: deterministic with a fixed seed)."""
    model = LogisticRegression(
        C=c, class_weight="balanced", solver="liblinear", dual=True, max_iter=5000,
        random_state=SEED,
    )
    return model.fit(matrix, np.asarray(labels, dtype=int))


def best_threshold(labels: list[bool], scores: np.ndarray) -> tuple[float, float]:
    """The threshold (on a 0.01 grid, lowest on ties) with the best positive-class F1."""
    best = (0.0, 0.5)
    truth = np.asarray(labels, dtype=bool)
    for step in range(5, 96):
        threshold = step / 100
        f1 = f1_score(truth, scores >= threshold, zero_division=0.0)
        if f1 > best[0] + 1e-12:
            best = (f1, threshold)
    return best


def cross_validate(
    pool: list[Sentence], rows: dict[int, dict[str, float]], c: float, buckets: int
) -> np.ndarray:
    """Out-of-era scores for every sentence of `pool`, in `eras(pool)` order.

    `rows` maps a Sentence_id to its features, computed once for all folds.
    """
    scores = []
    groups = eras(pool)
    for held_out in range(len(groups)):
        train = [s for k, group in enumerate(groups) if k != held_out for s in group]
        train_rows = [rows[s.sentence_id] for s in train]
        vectorizer = Vectorizer(buckets).fit(train_rows)
        model = fit(vectorizer.transform(train_rows), [s.worthy for s in train], c)
        test = vectorizer.transform([rows[s.sentence_id] for s in groups[held_out]])
        scores.append(model.predict_proba(test)[:, 1])
    return np.concatenate(scores)


def artifact(
    vectorizer: Vectorizer, model: LogisticRegression, threshold: float, meta: dict
) -> dict:
    """The JSON-able model: rounded weights, intercept shifted so that 0.5 is `threshold`."""
    weights = model.coef_[0]
    intercept = float(model.intercept_[0]) - math.log(threshold / (1 - threshold))
    offset = len(vectorizer.named)
    named = {
        name: round(float(weights[index]), DECIMALS)
        for index, name in enumerate(vectorizer.named)
        if round(float(weights[index]), DECIMALS) != 0.0
    }
    hashed = {
        str(bucket): round(float(weights[offset + bucket]), DECIMALS)
        for bucket in range(vectorizer.buckets)
        if round(float(weights[offset + bucket]), DECIMALS) != 0.0
    }
    return {
        "version": VERSION,
        "kind": "logistic regression over factcheck.extract.checkworthy.features",
        "buckets": vectorizer.buckets,
        "intercept": round(intercept, DECIMALS),
        "weights": named,
        "hashed": hashed,
        **meta,
    }


def dump(model: dict) -> bytes:
    """Stable JSON bytes: sorted keys, fixed separators, trailing newline."""
    text = json.dumps(model, sort_keys=True, separators=(",", ":"), ensure_ascii=True)
    return (text + "\n").encode("ascii")


def train(
    data_dir: Path, buckets: int = BUCKETS, c_grid: tuple[float, ...] = C_GRID, log=print
) -> tuple[bytes, dict]:
    """Tune, fit and serialise the model from `data_dir`; returns (artifact bytes, report).

    The report holds the chosen C and threshold, the leave-one-era-out F1, and `max_difference`:
    the largest gap, over every training sentence, between the fitted scikit-learn model and the
    pure-Python scorer reading the rounded JSON weights.
    """
    splits = {split: read_split(data_dir, split) for split in ("train", "dev")}
    pool = splits["train"] + splits["dev"]
    ordered = [s for group in eras(pool) for s in group]
    truth = [s.worthy for s in ordered]
    rows = {s.sentence_id: features(s.text) for s in pool}
    tuning = []
    for c in c_grid:
        f1, threshold = best_threshold(truth, cross_validate(pool, rows, c, buckets))
        log(f"  C={c:<5} leave-one-era-out F1 {f1:.3f} at threshold {threshold:.2f}")
        tuning.append((f1, -c, threshold))
    f1, negative_c, threshold = max(tuning)
    c = -negative_c
    pool_rows = [rows[s.sentence_id] for s in pool]
    vectorizer = Vectorizer(buckets).fit(pool_rows)
    model = fit(vectorizer.transform(pool_rows), [s.worthy for s in pool], c)
    meta = {
        "C": c,
        "threshold": threshold,
        "leave_one_era_out_f1": round(f1, 4),
        "data": {
            f"{PREFIX}{split}.tsv": file_sha256(data_dir / f"{PREFIX}{split}.tsv")
            for split in sorted(splits)
        },
    }
    result = artifact(vectorizer, model, threshold, meta)
    shift = math.log(threshold / (1 - threshold))
    fitted = model.decision_function(vectorizer.transform(pool_rows)) - shift
    pure = [score_features(row, result) for row in pool_rows]
    difference = max(abs(_sigmoid(z) - p) for z, p in zip(fitted, pure, strict=True))
    report = {
        "C": c,
        "threshold": threshold,
        "cv_f1": f1,
        "max_difference": difference,
        "artifact": result,
    }
    return dump(result), report


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument("--buckets", type=int, default=BUCKETS)
    args = parser.parse_args(argv)
    data, report = train(args.data, args.buckets)
    print(
        f"chose C={report['C']} threshold={report['threshold']:.2f}: "
        f"leave-one-era-out F1 {report['cv_f1']:.3f}"
    )
    print(f"pure-Python vs scikit-learn scores: max difference {report['max_difference']:.2e}")
    if report["max_difference"] > 1e-3:
        print("error: the rounded weights do not reproduce the fitted model", file=sys.stderr)
        return 1
    dev_test = args.data / f"{PREFIX}dev-test.tsv"
    if dev_test.exists():
        sentences = read_split(args.data, "dev-test")
        scores = [score_features(features(s.text), report["artifact"]) for s in sentences]
        f1 = f1_score([s.worthy for s in sentences], [score >= 0.5 for score in scores])
        print(f"dev-test F1 (positive class, reported only) {f1:.3f}")
    args.out.write_bytes(data)
    print(f"wrote {args.out}: {len(data)} bytes, sha256 {hashlib.sha256(data).hexdigest()}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
