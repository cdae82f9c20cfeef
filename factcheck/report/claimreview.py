"""schema.org ClaimReview (JSON-LD) for an article record's published claims: the same record
always gives the same objects, and the same bytes (`claim_reviews_json`).

What goes where, following Google's fact-check structured data documentation:

- `claimReviewed`: the claim's summary when it has one, else its text, whole (a summary is how a
  claim is shortened; nothing is cut here);
- `reviewRating`: a Rating whose `alternateName` is the verdict's label, or the conclusion on a
  free-text scale. `ratingValue`, `bestRating` and `worstRating` are the values of the verdict and
  of the scale's best and worst labels, given only when Google can use them: 1 <= worst < best
  and the verdict between the two. Labels outside that range ("Unverifiable", "Not a claim"), a
  scale with no best or worst, or one whose worst is below 1 give the label alone;
- `url`: the claim's public page; `datePublished`: when it was published, else approved, else
  the article's date; `author`: the organisation that publishes the fact-checks;
- `itemReviewed`: a Claim with its `author` (the claimant, as a Person: claimants are mostly
  people, and the claim details do not say which they are; schema.org and Google take either),
  `datePublished` (when it was said, else the article's date) and `appearance` (where it was
  said, else the article).

A property without a value is left out, never written as "".
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

CONTEXT = "https://schema.org"
PUBLISHED = "published"


@dataclass(frozen=True)
class Organisation:
    """Who publishes the fact-checks (config ORGANISATION_NAME and ORGANISATION_URL)."""

    name: str
    url: str = ""


def is_public(claim: dict[str, Any]) -> bool:
    """Whether a record's claim is a published fact-check: published, with a verdict or conclusion."""
    return claim["status"] == PUBLISHED and bool(claim["verdict"] or claim.get("conclusion"))


def claim_reviews(record: dict[str, Any], *, organisation: Organisation, page_url: Callable[[int], str]) -> list[dict[str, Any]]:
    """The ClaimReview of each published claim of the record, in text order; `page_url` gives a
    claim id's public page (an absolute URL)."""
    return [
        claim_review(record, claim, organisation=organisation, url=page_url(claim["id"]))
        for claim in record["claims"]
        if is_public(claim)
    ]


def claim_review(record: dict[str, Any], claim: dict[str, Any], *, organisation: Organisation, url: str) -> dict[str, Any]:
    """One claim's ClaimReview, with `url` its public page."""
    article = record["article"]
    review: dict[str, Any] = {
        "@context": CONTEXT,
        "@type": "ClaimReview",
        "url": url,
        "claimReviewed": claim_reviewed(claim),
        "reviewRating": _rating(record["rating_scale"], claim),
        "datePublished": review_date(record, claim),
        "author": _organisation(organisation),
        "itemReviewed": _claim(article, claim),
    }
    return _without_empty(review)


def claim_reviewed(claim: dict[str, Any]) -> str:
    """What the review names as the claim: its summary, else its text, on one line."""
    return " ".join((claim.get("summary") or claim["text"]).split())


def review_date(record: dict[str, Any], claim: dict[str, Any]) -> str | None:
    """The fact-check's date (YYYY-MM-DD): published, else approved, else the article's date."""
    return claim.get("published_on") or claim.get("approved_on") or record["article"].get("published")


def verdict_text(claim: dict[str, Any]) -> str:
    """The verdict as readers see it: its label, or the conclusion on a free-text scale."""
    return claim["verdict"] or claim.get("conclusion") or ""


def _rating(scale: dict[str, Any], claim: dict[str, Any]) -> dict[str, Any]:
    rating: dict[str, Any] = {"@type": "Rating"}
    ratings = scale.get("ratings") or []
    chosen = next((r for r in ratings if r["label"] == claim["verdict"]), None) if claim["verdict"] else None
    best = next((r["value"] for r in ratings if r.get("best")), None)
    worst = next((r["value"] for r in ratings if r.get("worst")), None)
    if chosen is not None and best is not None and worst is not None and 1 <= worst < best and worst <= chosen["value"] <= best:
        rating |= {"ratingValue": chosen["value"], "bestRating": best, "worstRating": worst}
    rating["alternateName"] = verdict_text(claim)
    return rating


def _organisation(organisation: Organisation) -> dict[str, Any]:
    return {"@type": "Organization", "name": organisation.name, "url": organisation.url}


def _claim(article: dict[str, Any], claim: dict[str, Any]) -> dict[str, Any]:
    claimant = claim.get("claimant") or ""
    if claim.get("claim_url"):
        appearance: dict[str, Any] = {"@type": "CreativeWork", "url": claim["claim_url"]}
    elif article.get("url"):
        appearance = {
            "@type": "CreativeWork",
            "url": article["url"],
            "headline": article.get("title") or "",
            "publisher": {"@type": "Organization", "name": article.get("outlet") or ""},
        }
    else:
        appearance = {}
    return {
        "@type": "Claim",
        "author": {"@type": "Person", "name": claimant} if claimant else {},
        "datePublished": claim.get("claim_date") or article.get("published"),
        "appearance": appearance,
    }


def _without_empty(node: dict[str, Any]) -> dict[str, Any]:
    """The node without properties that have no value (None, "", or an object with a type alone)."""
    kept: dict[str, Any] = {}
    for key, value in node.items():
        if isinstance(value, dict):
            value = _without_empty(value)
            if not set(value) - {"@type"}:
                continue
        if value is None or value == "":
            continue
        kept[key] = value
    return kept


def claim_reviews_json(reviews: list[dict[str, Any]]) -> str:
    """ClaimReviews as a JSON array: fixed key order and indentation, so equal data give equal bytes."""
    return json.dumps(reviews, ensure_ascii=False, indent=2) + "\n"
