"""Rerank the first stage's candidates: which archived fact-checks a claim repeats, best first.

`rank(text, candidates)` scores each candidate fact-check (its claim, title and verdict summary)
against a claim or a tweet with a logistic regression over text-overlap features: BM25 per field
with the shipped idf, how much of the fact-check the text covers and the reverse, character
4-gram cosine, shared word pairs, names and numbers, the tweet author's name, the first stage's
order, and each of the main ones beside the best of the list. Weights and idf tables come from
`matcher_model.json` (`scripts/train_matcher.py`, CLEF 2022 CheckThat! task 2A). Pure Python: the
training script computes its feature matrix with `Analyser.feature_rows`, so training and run time
cannot disagree.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain, repeat
from typing import Any

from factcheck.matching.model import load_model, model_version
from factcheck.matching.text import (
    CAPITAL_STEM,
    CONTENT_STEM,
    CONTENT_SURFACE,
    MAX_CHARS,
    NUMBER_STEM,
    parts,
    readings,
    signature_names,
    tokens,
    words,
)

__all__ = ["Analyser", "Candidate", "clear_cache", "model_version", "rank", "score_row"]

FIELDS = ("claim", "title", "summary")
K1 = 1.2
B = 0.75
GRAM = 4
#: Candidates scored per call; the first stage returns 100.
MAX_CANDIDATES = 1000
#: Features also given beside the best of the list: the gap to the best, and 1 / (1 + rank in the list).
RELATIVE = ("bm25_all", "cosine_all", "query_covered", "covered_claim", "grams")


@dataclass(frozen=True)
class Candidate:
    """An archived fact-check offered by the first stage."""

    ref: str  # the archive's id for it
    claim: str
    title: str = ""
    summary: str = ""  # the verdict summary
    position: int | None = None  # 0-based rank in the first stage; None: its place in the list


class _Field:
    """One analysed text: its words' readings, content stems with counts and idf mass, stem pairs."""

    __slots__ = ("counts", "length", "mass", "pairs", "read", "stems")

    def __init__(self, text: str, idf: Mapping[str, float], unknown: float, whole: bool = True) -> None:
        # Each word is read once (a dictionary look-up); stems, names, numbers and surfaces are parts of it.
        self.read = read = readings(words(text[:MAX_CHARS]))
        self.stems = stems = parts(CONTENT_STEM, read)
        counts = dict.fromkeys(stems, 1)
        if len(counts) < len(stems):
            counts = {}
            for word in stems:
                counts[word] = counts.get(word, 0) + 1
        self.counts = counts
        self.length = len(stems)
        # A verdict summary only adds to the candidate's words: its own mass and pairs are not used.
        self.mass = sum(map(idf.get, counts, repeat(unknown))) if whole else 0.0
        self.pairs = set(zip(stems, stems[1:], strict=False)) if whole else set()

    def names(self) -> set[str]:
        """Stems written with a capital, but for the first word's (it has one anyway): names, mostly."""
        return set(parts(CAPITAL_STEM, self.read[1:]))

    def numbers(self) -> set[str]:
        """Stems with a digit in them."""
        return set(parts(NUMBER_STEM, self.read))

    def surfaces(self) -> list[str]:
        """The content words, folded but not stemmed: what the character grams are taken from."""
        return parts(CONTENT_SURFACE, self.read)


class _Archived:
    """One candidate, analysed once (all that does not depend on the query) and kept for reuse."""

    __slots__ = ("every", "fields", "gram_norm", "gram_words", "length", "mass", "names", "norm", "numbers", "pairs")

    def __init__(self, analyser: Analyser, claim: str, title: str, summary: str) -> None:
        idf, unknown = analyser.idf, analyser.unknown
        self.fields = claimed, titled, summarised = (
            _Field(claim, idf, unknown),
            _Field(title, idf, unknown),
            _Field(summary, idf, unknown, whole=False),
        )
        every = dict(claimed.counts)
        for word in titled.stems + summarised.stems:
            every[word] = every.get(word, 0) + 1
        self.every = every
        self.length = claimed.length + titled.length + summarised.length
        weights = list(map(idf.get, every, repeat(unknown)))
        self.mass = sum(weights)
        squares = [(_tf(count) * weight) ** 2 for count, weight in zip(every.values(), weights, strict=True)]
        self.norm = math.sqrt(sum(squares)) or 1.0
        headline = claimed.read + titled.read
        self.names = set(parts(CAPITAL_STEM, claimed.read[1:])).union(parts(CAPITAL_STEM, titled.read[1:]))
        self.numbers = set(parts(NUMBER_STEM, headline))
        self.pairs = claimed.pairs | titled.pairs
        self.gram_words = gram_words = parts(CONTENT_SURFACE, headline)
        self.gram_norm = math.sqrt(sum(map(analyser.gram_squares.__getitem__, gram_words))) or 1.0


class _Memo(dict):
    """word → derive(word), worked out on first sight and kept (up to `limit` words)."""

    def __init__(self, derive: Callable[[str], Any], limit: int = 50_000) -> None:
        super().__init__()
        self.derive = derive
        self.limit = limit

    def __missing__(self, word: str) -> Any:
        found = self.derive(word)
        if len(self) < self.limit:
            self[word] = found
        return found


class Analyser:
    """Computes the features of candidates against a text, with one model's idf tables."""

    def __init__(self, model: Mapping, cache_size: int = 2048) -> None:
        self.idf: Mapping[str, float] = model["idf"]
        self.unknown: float = model["unknown_idf"]
        self.gram_idf: Mapping[str, float] = model["gram_idf"]
        self.unknown_gram: float = model["unknown_gram_idf"]
        self.average: Mapping[str, float] = model["average_length"]
        self.cache_size = cache_size
        self._archived: dict[tuple[str, str, str], _Archived] = {}
        self.grams = _Memo(char_grams)
        self.gram_squares = _Memo(self._gram_square)

    def clear(self) -> None:
        """Forget the analysed candidates, not the words (a benchmark's first sight of a candidate list)."""
        self._archived.clear()

    def archived(self, candidate: Candidate) -> _Archived:
        """The candidate's analysed fields, from the cache when it came up before."""
        key = (candidate.claim, candidate.title, candidate.summary)
        found = self._archived.get(key)
        if found is None:
            found = _Archived(self, *key)
            if len(self._archived) >= self.cache_size:
                # Another thread (the background matcher, a request) may evict the same one first.
                with contextlib.suppress(KeyError, RuntimeError, StopIteration):
                    del self._archived[next(iter(self._archived))]
            self._archived[key] = found
        return found

    def _gram_square(self, word: str) -> float:
        """The sum of the squared idf of a word's grams: its share of a gram vector's squared norm."""
        idf, unknown = self.gram_idf, self.unknown_gram
        return sum([idf.get(gram, unknown) ** 2 for gram in self.grams[word]])

    def feature_rows(self, text: str, candidates: Sequence[Candidate]) -> list[dict[str, float]]:
        """The features of each candidate against `text`, in the candidates' order."""
        idf, unknown, average = self.idf, self.unknown, self.average
        query = _Field(text, idf, unknown)
        counts = query.counts
        query_names, query_numbers = query.names(), query.numbers()
        weight = {word: idf.get(word, unknown) for word in counts}
        mass = sum(weight.values()) or 1.0
        cosine_weight = {word: _tf(count) * weight[word] ** 2 for word, count in counts.items()}
        query_norm = math.sqrt(sum([(_tf(count) * weight[word]) ** 2 for word, count in counts.items()])) or 1.0
        gram_weight, gram_norm = self._query_grams(query.surfaces())
        everyone = [self.archived(candidate) for candidate in candidates]
        word_dot = self._gram_dots(everyone, gram_weight)
        signed = {token.stem for name in signature_names(text) for token in tokens(name) if token.content}
        average_all = average["all"]
        average_claim, average_title = average["claim"], average["title"]
        rows = []
        for place, (candidate, archived) in enumerate(zip(candidates, everyone, strict=True)):
            position = candidate.position if candidate.position is not None else place
            row = {"first_stage_reciprocal": 1.0 / (1.0 + position), "first_stage_log": math.log1p(position)}
            claimed, titled, summarised = archived.fields
            row["bm25_claim"] = _bm25(weight, claimed.counts, claimed.length, average_claim) / mass
            row["bm25_title"] = _bm25(weight, titled.counts, titled.length, average_title) / mass
            every = archived.every
            shared = [word for word in every if word in weight]
            row["bm25_all"] = _bm25(weight, every, archived.length, average_all, shared) / mass
            found = sum([weight[word] for word in shared])
            row["covered_claim"] = sum([weight[word] for word in claimed.counts if word in weight]) / (claimed.mass or 1.0)
            row["covered_title"] = sum([weight[word] for word in titled.counts if word in weight]) / (titled.mass or 1.0)
            row["covered_all"] = found / (archived.mass or 1.0)
            row["query_covered"] = found / mass
            row["shared_max_idf"] = max([weight[word] for word in shared], default=0.0) / 10.0
            dot = sum([cosine_weight[word] * _tf(every[word]) for word in shared])
            row["cosine_all"] = dot / (query_norm * archived.norm)
            row["grams"] = sum(map(word_dot.__getitem__, archived.gram_words)) / (gram_norm * archived.gram_norm)
            row["pairs_shared"] = math.log1p(len(query.pairs & archived.pairs))
            names = archived.names
            row["names_found"] = math.log1p(len(query_names & every.keys()))
            row["names_missing"] = len(names - counts.keys()) / (len(names) or 1)
            numbers = archived.numbers
            row["numbers_shared"] = math.log1p(len(query_numbers & numbers))
            row["signature_found"] = 1.0 if signed and not signed.isdisjoint(every) else 0.0
            rows.append(row)
        _relative(rows)
        return rows

    def _gram_dots(self, everyone: list[_Archived], gram_weight: dict[str, float]) -> dict[str, float]:
        """Each candidate word's share of the gram dot product: the query weights of its grams, summed."""
        unique = set(chain.from_iterable(archived.gram_words for archived in everyone))
        weigh = gram_weight.get
        return {word: sum(map(weigh, self.grams[word], repeat(0.0))) for word in unique}

    def _query_grams(self, surfaces: list[str]) -> tuple[dict[str, float], float]:
        """Each 4-gram of the query weighted (1 + log tf) × idf², and the query vector's norm.

        A candidate's gram vector is its grams' idf (each occurrence counted), so a candidate word
        contributes the sum of these weights over its grams to the dot product.
        """
        counts: dict[str, int] = {}
        for gram in chain.from_iterable(map(self.grams.__getitem__, surfaces)):
            counts[gram] = counts.get(gram, 0) + 1
        idf, unknown = self.gram_idf, self.unknown_gram
        weights = {}
        norm = 0.0
        for gram, count in counts.items():
            value = idf.get(gram, unknown)
            weights[gram] = _tf(count) * value * value
            norm += (_tf(count) * value) ** 2
        return weights, math.sqrt(norm) or 1.0


def char_grams(word: str) -> tuple[str, ...]:
    """The character 4-grams of a word padded with spaces (" vote " → " vot", "vote", "ote ")."""
    padded = f" {word} "
    return tuple([padded[start : start + GRAM] for start in range(max(len(padded) - GRAM + 1, 1))])


_TF = [0.0] + [1.0 + math.log(count) for count in range(1, 64)]


def _tf(count: int) -> float:
    """1 + log(count): a word said twice weighs a little more than once."""
    return _TF[count] if count < 64 else 1.0 + math.log(count)


def _bm25(
    weight: dict[str, float], counts: dict[str, int], length: int, average: float, shared: list[str] | None = None
) -> float:
    """Okapi BM25 of a field for the query words in `weight` (their idf), over `shared` if known."""
    if not length:
        return 0.0
    norm = K1 * (1.0 - B + B * length / average)
    if shared is None:
        shared = [word for word in counts if word in weight]
    return sum([weight[word] * counts[word] * (K1 + 1.0) / (counts[word] + norm) for word in shared])


def _relative(rows: list[dict[str, float]]) -> None:
    for name in RELATIVE:
        values = [row[name] for row in rows]
        best = max(values, default=0.0)
        order = sorted(range(len(rows)), key=values.__getitem__, reverse=True)
        for place, index in enumerate(order):
            row = rows[index]
            row[f"{name}_gap"] = best - values[index]
            row[f"{name}_rank"] = 1.0 / (1.0 + place)


def score_row(row: Mapping[str, float], model: Mapping) -> float:
    """The model's probability that a candidate checks the claim: sigmoid(intercept + Σ weight × value)."""
    weights = model["weights"]
    total = model["intercept"]
    for name, value in row.items():
        total += weights.get(name, 0.0) * value
    return _sigmoid(total)


_default: Analyser | None = None


def _analyser() -> Analyser:
    global _default
    if _default is None:
        _default = Analyser(load_model())
    return _default


def clear_cache() -> None:
    """Forget the candidates analysed so far (they are kept, a few thousand at most, for reuse)."""
    _analyser().clear()


def rank(text: str, candidates: Sequence[Candidate]) -> list[tuple[Candidate, float]]:
    """The candidates best first, each with a score in [0, 1]: how likely it checks the same claim.

    Ties keep the first stage's order. At most MAX_CANDIDATES are scored; the rest are dropped.
    """
    candidates = list(candidates[:MAX_CANDIDATES])
    if not candidates:
        return []
    model = load_model()
    scores = [score_row(row, model) for row in _analyser().feature_rows(text, candidates)]
    order = sorted(range(len(candidates)), key=lambda index: (-scores[index], index))
    return [(candidates[index], scores[index]) for index in order]


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)
