"""A checker of ClaimReview JSON-LD, written from Google's fact-check structured data documentation
(developers.google.com/search/docs/appearance/structured-data/factcheck) and the schema.org
vocabulary (schema.org/ClaimReview, /Claim, /Rating), for the tests.

Google's properties, and what this checker makes of them:

| type        | property          | Google      | value                                                  |
|-------------|-------------------|-------------|--------------------------------------------------------|
| ClaimReview | claimReviewed     | required    | Text; advice: under 75 characters (a warning)          |
| ClaimReview | reviewRating      | required    | Rating                                                 |
| ClaimReview | url               | required    | URL of the fact-check page, on the page's own domain   |
| ClaimReview | author            | recommended | Organization (or Person) with a name                   |
| ClaimReview | datePublished     | recommended | Date (or DateTime)                                     |
| ClaimReview | itemReviewed      | recommended | Claim                                                  |
| Claim       | author            | recommended | Organization or Person with a name                     |
| Claim       | datePublished     | recommended | Date (or DateTime)                                     |
| Claim       | appearance        | recommended | URL or CreativeWork with a url (or firstAppearance)    |
| Rating      | alternateName     | required    | Text: the verdict shown in search results              |
| Rating      | ratingValue       | recommended | Number, worstRating <= ratingValue <= bestRating       |
| Rating      | bestRating        | recommended | Number, greater than worstRating; required with a ratingValue |
| Rating      | worstRating       | recommended | Number, at least 1, less than bestRating; required with a ratingValue |

The JSON-LD must name the schema.org context, and every node its type. A missing required
property, a value of the wrong kind or out of range, and a property schema.org does not define
for the node's type are errors; a missing recommended property is a warning. (Rating's `name`
is Google's stand-in for a missing `alternateName`, so it is not asked for when that is there;
a rating given as text alone, without numbers, is valid and gives warnings only.)
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

CONTEXTS = ("https://schema.org", "http://schema.org", "https://schema.org/", "http://schema.org/")
CLAIM_REVIEWED_ADVISED_CHARS = 75

# The schema.org properties of each type (its own and those it inherits) that a fact-check may
# carry: not every property schema.org defines, but none that it does not.
_THING = {"@id", "@type", "additionalType", "alternateName", "description", "disambiguatingDescription", "identifier",
          "image", "mainEntityOfPage", "name", "potentialAction", "sameAs", "subjectOf", "url"}
_CREATIVE_WORK = _THING | {
    "about", "abstract", "author", "citation", "contributor", "copyrightHolder", "copyrightYear", "creator", "dateCreated",
    "dateModified", "datePublished", "editor", "headline", "inLanguage", "isBasedOn", "isPartOf", "keywords", "license",
    "publisher", "sourceOrganization", "text", "version",
}
PROPERTIES: dict[str, set[str]] = {
    "ClaimReview": _CREATIVE_WORK | {"itemReviewed", "reviewAspect", "reviewBody", "reviewRating", "negativeNotes",
                                     "positiveNotes", "associatedReview", "associatedClaimReview", "associatedMediaReview",
                                     "claimReviewed", "@context"},
    "Claim": _CREATIVE_WORK | {"appearance", "firstAppearance", "claimInterpreter"},
    "Rating": _THING | {"author", "bestRating", "ratingExplanation", "ratingValue", "reviewAspect", "worstRating"},
    "Organization": _THING | {"address", "email", "legalName", "logo", "telephone"},
    "Person": _THING | {"affiliation", "email", "familyName", "givenName", "jobTitle", "worksFor"},
}
#: Where a claim may appear: a CreativeWork, or one of the kinds a claim is usually seen in.
APPEARANCES = ("CreativeWork", "Article", "NewsArticle", "OpinionNewsArticle", "WebPage", "SocialMediaPosting",
               "VideoObject", "AudioObject", "ImageObject")
PROPERTIES |= {kind: _CREATIVE_WORK | {"articleBody", "contentUrl", "sharedContent"} for kind in APPEARANCES}
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


@dataclass
class Findings:
    """What the checker found: errors make the markup invalid; warnings are recommended properties missing."""

    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors


def check_claim_review(node: Any, *, page_url: str | None = None) -> Findings:
    """Check one ClaimReview node; `page_url`, the page it is embedded in, whose domain its url must share."""
    found = Findings()
    if not isinstance(node, dict):
        found.errors.append(f"a ClaimReview must be a JSON object, not {type(node).__name__}")
        return found
    if node.get("@context") not in CONTEXTS:
        found.errors.append(f"@context must be schema.org, not {node.get('@context')!r}")
    if not _typed(found, node, "ClaimReview", "ClaimReview"):
        return found

    claim = node.get("claimReviewed")
    has_claim = _present(found, node, "claimReviewed", "ClaimReview", required=True) and _text(found, claim, "claimReviewed")
    if has_claim and len(claim) > CLAIM_REVIEWED_ADVISED_CHARS:
        found.warnings.append(f"claimReviewed is {len(claim)} characters; Google advises under {CLAIM_REVIEWED_ADVISED_CHARS}")
    has_url = _present(found, node, "url", "ClaimReview", required=True) and _url(found, node["url"], "url")
    if has_url and page_url is not None and not _same_site(node["url"], page_url):
        found.errors.append(f"url {node['url']} is not on the domain of the page {page_url}")
    if _present(found, node, "reviewRating", "ClaimReview", required=True):
        _rating(found, node["reviewRating"])
    if _present(found, node, "author", "ClaimReview"):
        _agent(found, node["author"], "author", ("Organization", "Person"))
    if _present(found, node, "datePublished", "ClaimReview"):
        _date(found, node["datePublished"], "datePublished")
    if _present(found, node, "itemReviewed", "ClaimReview"):
        _claim(found, node["itemReviewed"])
    return found


def _typed(found: Findings, node: Any, wanted: str | tuple[str, ...], where: str) -> bool:
    """Whether the node is an object of (one of) the wanted types; its unknown properties are errors."""
    wanted = (wanted,) if isinstance(wanted, str) else wanted
    if not isinstance(node, dict):
        found.errors.append(f"{where} must be an object of type {' or '.join(wanted)}, not {type(node).__name__}")
        return False
    kind = node.get("@type")
    if kind not in wanted:
        found.errors.append(f"{where} must have @type {' or '.join(wanted)}, not {kind!r}")
        return False
    unknown = sorted(set(node) - PROPERTIES[kind])
    if unknown:
        found.errors.append(f"{where}: not schema.org properties of {kind}: {', '.join(unknown)}")
    return True


def _present(found: Findings, node: dict[str, Any], key: str, kind: str, *, required: bool = False) -> bool:
    value = node.get(key)
    if value is None or value == "" or value == [] or value == {}:
        (found.errors if required else found.warnings).append(
            f"{kind}.{key} is {'required' if required else 'recommended'} and missing"
        )
        return False
    return True


def _text(found: Findings, value: Any, where: str) -> bool:
    if not isinstance(value, str) or not value.strip():
        found.errors.append(f"{where} must be non-empty text, not {value!r}")
        return False
    return True


def _url(found: Findings, value: Any, where: str) -> bool:
    parts = urlsplit(value) if isinstance(value, str) else None
    if parts is None or parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        found.errors.append(f"{where} must be an absolute http(s) URL, not {value!r}")
        return False
    return True


def _same_site(url: str, page_url: str) -> bool:
    host, page_host = urlsplit(url).hostname or "", urlsplit(page_url).hostname or ""
    return host == page_host or host.endswith("." + page_host)


def _date(found: Findings, value: Any, where: str) -> None:
    ok = isinstance(value, str) and _DATE.match(value) is not None
    if ok:
        try:
            (dt.datetime.fromisoformat(value) if len(value) > 10 else dt.date.fromisoformat(value))
        except ValueError:
            ok = False
    if not ok:
        found.errors.append(f"{where} must be an ISO 8601 date (YYYY-MM-DD, a time may follow), not {value!r}")


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _rating(found: Findings, rating: Any) -> None:
    if not _typed(found, rating, "Rating", "reviewRating"):
        return
    if _present(found, rating, "alternateName", "Rating", required=True):
        _text(found, rating["alternateName"], "reviewRating.alternateName")
    numbers = {key: rating.get(key) for key in ("ratingValue", "bestRating", "worstRating")}
    given = {key: value for key, value in numbers.items() if value is not None}
    if not given:
        found.warnings.append("Rating.ratingValue, bestRating and worstRating are recommended and missing (a text rating only)")
        return
    for key, value in given.items():
        if not _number(value):
            found.errors.append(f"reviewRating.{key} must be a number, not {value!r}")
            return
    if "ratingValue" in given and len(given) < 3:
        missing = ", ".join(sorted(set(numbers) - set(given)))
        found.errors.append(f"reviewRating has a numeric ratingValue, so it needs {missing} too")
        return
    best, worst, value = given.get("bestRating"), given.get("worstRating"), given.get("ratingValue")
    if worst is not None and worst < 1:
        found.errors.append(f"reviewRating.worstRating must be at least 1, not {worst}")
    if best is not None and worst is not None and not worst < best:
        found.errors.append(f"reviewRating.worstRating ({worst}) must be less than bestRating ({best})")
    if value is not None and best is not None and worst is not None and not worst <= value <= best:
        found.errors.append(f"reviewRating.ratingValue ({value}) must lie between worstRating ({worst}) and bestRating ({best})")


def _agent(found: Findings, agent: Any, where: str, kinds: tuple[str, ...]) -> None:
    if _typed(found, agent, kinds, where) and _present(found, agent, "name", agent["@type"], required=True):
        _text(found, agent["name"], f"{where}.name")
    if isinstance(agent, dict) and agent.get("url") is not None:
        _url(found, agent["url"], f"{where}.url")


def _claim(found: Findings, claim: Any) -> None:
    if not _typed(found, claim, "Claim", "itemReviewed"):
        return
    if _present(found, claim, "author", "Claim"):
        _agent(found, claim["author"], "itemReviewed.author", ("Organization", "Person"))
    if _present(found, claim, "datePublished", "Claim"):
        _date(found, claim["datePublished"], "itemReviewed.datePublished")
    appearances = [key for key in ("appearance", "firstAppearance") if claim.get(key)]
    if not appearances:
        found.warnings.append("Claim.appearance (or firstAppearance) is recommended and missing")
    for key in appearances:
        for appearance in claim[key] if isinstance(claim[key], list) else [claim[key]]:
            if isinstance(appearance, str):
                _url(found, appearance, f"itemReviewed.{key}")
            elif _typed(found, appearance, APPEARANCES, f"itemReviewed.{key}") and _present(
                found, appearance, "url", appearance["@type"], required=True
            ):
                _url(found, appearance["url"], f"itemReviewed.{key}.url")
