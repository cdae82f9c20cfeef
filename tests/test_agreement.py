"""Cohen's kappa on textbook cases, and the per-pair, per-article and per-month tables."""

from __future__ import annotations

import datetime as dt

import pytest

from factcheck.domain.agreement import BlindRating, agreement_tables, cohen_kappa, describe, rated_pairs


def table(yes_yes: int, yes_no: int, no_yes: int, no_no: int) -> list[tuple[str, str]]:
    """Pairs from a 2×2 contingency table (first rater's label, second rater's label)."""
    return [("yes", "yes")] * yes_yes + [("yes", "no")] * yes_no + [("no", "yes")] * no_yes + [("no", "no")] * no_no


@pytest.mark.parametrize(
    ("pairs", "observed", "expected", "kappa"),
    [
        # Wikipedia, "Cohen's kappa", worked example: 50 proposals, two readers.
        (table(20, 5, 10, 15), 0.70, 0.50, 0.40),
        # Wikipedia's two tables with the same agreement (60%) but different kappa.
        (table(45, 15, 25, 15), 0.60, 0.54, 0.1304),
        (table(25, 35, 5, 35), 0.60, 0.46, 0.2593),
        # Perfect agreement on three labels.
        ([("a", "a"), ("b", "b"), ("c", "c"), ("a", "a")], 1.0, 0.375, 1.0),
        # Chance agreement: independent raters who each use both labels half the time.
        ([("x", "x"), ("x", "y"), ("y", "x"), ("y", "y")], 0.5, 0.5, 0.0),
        # Systematic disagreement: worse than chance.
        ([("x", "y"), ("y", "x"), ("x", "y"), ("y", "x")], 0.0, 0.5, -1.0),
        # Each rater always uses one label, a different one: no agreement, none expected.
        ([("x", "y")] * 5, 0.0, 0.0, 0.0),
    ],
    ids=["wikipedia", "wikipedia-a", "wikipedia-b", "perfect", "chance", "opposite", "one-label-each"],
)
def test_kappa_known_cases(pairs, observed, expected, kappa):
    result = cohen_kappa(pairs)
    assert result.n == len(pairs)
    assert result.observed == pytest.approx(observed)
    assert result.expected == pytest.approx(expected)
    assert result.value == pytest.approx(kappa, abs=5e-5)


def test_both_raters_always_using_one_label_is_undefined_not_a_number():
    result = cohen_kappa([("True", "True")] * 6)
    assert (result.observed, result.expected, result.value) == (1.0, 1.0, None)
    assert result.undefined
    assert describe(result) == "undefined (one label only)"


def test_no_pairs_gives_no_kappa():
    result = cohen_kappa([])
    assert (result.n, result.value, result.undefined) == (0, None, False)
    assert describe(result) == "no pairs yet"


def rating(claim: int, article: int, reviewer: int, label: str, day: str) -> BlindRating:
    return BlindRating(claim, article, reviewer, label, dt.datetime.fromisoformat(day))


def test_tables_group_by_pair_article_and_month_of_the_later_verdict():
    ratings = [
        # article 1, reviewers 1 and 2: agree on claim 10, disagree on 11
        rating(10, 1, 2, "True", "2025-01-30"), rating(10, 1, 1, "True", "2025-02-02"),
        rating(11, 1, 1, "True", "2025-01-05"), rating(11, 1, 2, "False", "2025-01-06"),
        # article 2, reviewers 1 and 3
        rating(20, 2, 3, "False", "2025-02-10"), rating(20, 2, 1, "False", "2025-02-11"),
        # one verdict alone makes no pair
        rating(30, 2, 3, "True", "2025-03-01"),
    ]
    pairs = rated_pairs(ratings)
    assert [(p.claim_id, p.first, p.second, p.month) for p in pairs] == [
        (10, 1, 2, "2025-02"), (11, 1, 2, "2025-01"), (20, 1, 3, "2025-02")
    ]
    tables = agreement_tables(ratings)
    assert list(tables.by_pair) == [(1, 2), (1, 3)]
    assert tables.by_pair[(1, 2)].n == 2 and tables.by_pair[(1, 2)].observed == 0.5
    assert tables.by_pair[(1, 3)].undefined  # both said False, once
    assert {k: v.n for k, v in tables.by_article.items()} == {1: 2, 2: 1}
    assert {k: v.n for k, v in tables.by_month.items()} == {"2025-01": 1, "2025-02": 2}
