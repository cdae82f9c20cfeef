"""Inter-rater agreement from blind verdicts: Cohen's kappa per reviewer pair, per article, per month.

Pure functions on plain values (no Flask, no database), so the agreement page and the tests
call the same code.

Cohen's kappa is κ = (p_o − p_e) / (1 − p_e): p_o is the share of claims both reviewers rated
alike, p_e the share they would rate alike by chance, given how often each uses each label.
1 is perfect agreement, 0 is what chance gives, below 0 is worse than chance.

The degenerate case: when both reviewers used one and the same label for every claim, p_e is 1
and κ is 0/0. We do not invent a number then: `Kappa.value` is None and the page says
"undefined (one label only)", next to the observed agreement (100%). With no pairs at all there
is nothing to compute either, and `Kappa.value` is None too.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations


@dataclass(frozen=True)
class Kappa:
    """Cohen's kappa over `n` paired ratings, with the agreement it is computed from."""

    n: int
    observed: float | None  # p_o; None when n == 0
    expected: float | None  # p_e; None when n == 0
    value: float | None  # κ; None when n == 0 or p_e == 1 (see the module docstring)

    @property
    def undefined(self) -> bool:
        """True when there were pairs but kappa is 0/0 (both used a single, identical label)."""
        return self.n > 0 and self.value is None


#: Kappa where there are no pairs at all.
NO_PAIRS = Kappa(0, None, None, None)


def cohen_kappa(pairs: Sequence[tuple[Hashable, Hashable]]) -> Kappa:
    """Cohen's kappa for two raters: one (first rater's label, second rater's label) per item."""
    return kappa_of_counts(Counter(pairs))


def kappa_of_counts(counts: Mapping[tuple[Hashable, Hashable], int]) -> Kappa:
    """Cohen's kappa from how many items got each (first rater's label, second rater's label)."""
    n = sum(counts.values())
    if n == 0:
        return NO_PAIRS
    observed = sum(number for (a, b), number in counts.items() if a == b) / n
    first: Counter[Hashable] = Counter()
    second: Counter[Hashable] = Counter()
    for (a, b), number in counts.items():
        first[a] += number
        second[b] += number
    expected = sum(first[label] * second[label] for label in first) / (n * n)
    if expected >= 1.0:
        return Kappa(n, observed, expected, None)
    return Kappa(n, observed, expected, (observed - expected) / (1.0 - expected))


@dataclass(frozen=True)
class BlindRating:
    """One reviewer's blind verdict on one claim, as agreement needs it."""

    claim_id: int
    article_id: int
    reviewer_id: int
    label: Hashable  # the verdict (a rating id, or its label: anything comparable)
    given: dt.datetime


@dataclass(frozen=True)
class RatedPair:
    """Two reviewers' verdicts on the same claim; the lower reviewer id is the first rater."""

    claim_id: int
    article_id: int
    first: int
    second: int
    first_label: Hashable
    second_label: Hashable
    month: str  # YYYY-MM of the later of the two verdicts: when the pair was complete


def rated_pairs(ratings: Iterable[BlindRating]) -> list[RatedPair]:
    """Every pair of reviewers who both rated a claim, one RatedPair per claim and pair."""
    by_claim: dict[int, list[BlindRating]] = defaultdict(list)
    for rating in ratings:
        by_claim[rating.claim_id].append(rating)
    pairs = []
    for claim_id in sorted(by_claim):
        raters = sorted(by_claim[claim_id], key=lambda r: r.reviewer_id)
        for a, b in combinations(raters, 2):
            if a.reviewer_id == b.reviewer_id:
                continue
            month = max(a.given, b.given).strftime("%Y-%m")
            pairs.append(RatedPair(claim_id, a.article_id, a.reviewer_id, b.reviewer_id, a.label, b.label, month))
    return pairs


def kappa_by(pairs: Iterable[RatedPair], key) -> dict[Hashable, Kappa]:  # noqa: ANN001 (a key function)
    """Kappa for each group of pairs, grouped by key(pair), in key order."""
    groups: dict[Hashable, list[tuple[Hashable, Hashable]]] = defaultdict(list)
    for pair in pairs:
        groups[key(pair)].append((pair.first_label, pair.second_label))
    return {group: cohen_kappa(groups[group]) for group in sorted(groups)}


@dataclass(frozen=True)
class AgreementTables:
    """The agreement page's three tables."""

    by_pair: dict[tuple[int, int], Kappa]  # (first reviewer id, second reviewer id)
    by_article: dict[int, Kappa]
    by_month: dict[str, Kappa]  # "YYYY-MM"


def agreement_tables(ratings: Iterable[BlindRating]) -> AgreementTables:
    """Kappa per reviewer pair, per article and per month, from blind verdicts.

    An article or a month with more than two reviewers pools the pairs of all of them, each
    pair ordered by reviewer id.
    """
    pairs = rated_pairs(ratings)
    return AgreementTables(
        by_pair=kappa_by(pairs, lambda p: (p.first, p.second)),
        by_article=kappa_by(pairs, lambda p: p.article_id),
        by_month=kappa_by(pairs, lambda p: p.month),
    )


@dataclass(frozen=True)
class LabelCount:
    """How many pairs of verdicts in a group (a reviewer pair, an article or a month) have these
    two labels, the lower reviewer id's first: what the tables need, counted in SQL."""

    group: Hashable
    first_label: Hashable
    second_label: Hashable
    n: int


def tables_from_counts(
    by_pair: Iterable[LabelCount], by_article: Iterable[LabelCount], by_month: Iterable[LabelCount]
) -> AgreementTables:
    """agreement_tables, from pairs already counted per group (the same tables, in the same order)."""

    def kappas(counts: Iterable[LabelCount]) -> dict:
        groups: dict[Hashable, Counter] = defaultdict(Counter)
        for count in counts:
            groups[count.group][(count.first_label, count.second_label)] += count.n
        return {group: kappa_of_counts(groups[group]) for group in sorted(groups)}

    return AgreementTables(kappas(by_pair), kappas(by_article), kappas(by_month))


def describe(kappa: Kappa) -> str:
    """Kappa as the page shows it: two decimals, or why there is no number."""
    if kappa.n == 0:
        return "no pairs yet"
    if kappa.value is None:
        return "undefined (one label only)"
    return f"{kappa.value:.2f}"
