"""The per-article Markdown report of verdicts: the same record always gives the same bytes."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from factcheck.vocabulary import SIGNED_OFF_STATUSES

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~])")
_BULLET_START = re.compile(r"^(\s*)([-+])(\s)", re.MULTILINE)
_NUMBER_START = re.compile(r"^(\s*\d+)([.)])(\s)", re.MULTILINE)


def escape(text: str) -> str:
    """Make article or source text show literally in Markdown (no accidental links, emphasis, lists)."""
    text = _SPECIAL.sub(r"\\\1", text)
    text = _BULLET_START.sub(r"\1\\\2\3", text)
    return _NUMBER_START.sub(r"\1\\\2\3", text)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _quote(text: str) -> str:
    lines = [escape(_one_line(line)) for line in text.strip().splitlines() if line.strip()]
    return "\n".join(f"> {line}" for line in lines) or ">"


def _link(text: str, url: str) -> str:
    # Angle brackets keep URLs with parentheses or underscores intact; what could end them (or
    # the link) is percent-encoded, so an address cannot write Markdown of its own.
    target = "".join(f"%{ord(c):02X}" if c in "<>\\" or ord(c) <= 32 or ord(c) == 127 else c for c in url)
    return f"[{escape(_one_line(text))}](<{target}>)"


def report_markdown(record: dict[str, Any]) -> str:
    """Render the report: metadata, a summary of approved verdicts, the approved claims, the
    verdicts still in review (drafts, marked so), then the claims without a verdict."""
    article = record["article"]
    scale = record["rating_scale"]
    claims = record["claims"]
    numbered = list(enumerate(claims, start=1))
    approved = [(n, c) for n, c in numbered if _verdict(c) and c["status"] in SIGNED_OFF_STATUSES]
    in_review = [(n, c) for n, c in numbered if _verdict(c) and c["status"] not in SIGNED_OFF_STATUSES]
    unreviewed = [(n, c) for n, c in numbered if not _verdict(c)]
    published = sum(1 for _, c in approved if c["status"] == "published")

    out = [f"# Fact-check: {escape(_one_line(article['title']))}", ""]
    meta = [
        ("Outlet", escape(article["outlet"])),
        ("Author", escape(article["author"])),
        ("Published", article["published"] or ""),
        ("URL", f"<{article['url']}>" if article["url"] else ""),
        ("Rating scale", escape(scale["name"])),
        ("Verdicts approved", f"{len(approved)} of {len(claims)} claims ({published} published)"),
        ("Verdicts in review", f"{len(in_review)}" if in_review else ""),
    ]
    out += [f"- **{name}:** {value}" for name, value in meta if value]
    out += ["", "## Summary of approved verdicts", "", "| Verdict | Claims |", "| --- | ---: |"]
    counts = Counter(c["verdict"] for _, c in approved)
    for rating in scale["ratings"]:
        out.append(f"| {escape(rating['label'])} | {counts.get(rating['label'], 0)} |")
    if scale.get("free_text"):
        out.append(f"| Conclusion approved | {len(approved)} |")
    out += [
        f"| In review (not yet approved) | {len(in_review)} |",
        f"| Not yet reviewed | {len(unreviewed)} |",
        f"| **Total** | {len(claims)} |",
        "",
    ]

    out += ["## Approved verdicts", ""]
    if not approved:
        out += ["No verdict has been approved yet.", ""]
    for number, claim in approved:
        out += _claim_section(number, claim)

    if in_review:
        out += ["## In review (drafts, not yet approved)", ""]
        for number, claim in in_review:
            out += _claim_section(number, claim)

    out += ["## Not yet reviewed", ""]
    if not unreviewed:
        out += ["Every claim has a verdict.", ""]
    # A bullet named by its claim's number: an ordered list would be renumbered 1, 2, 3 by every
    # Markdown renderer, and the numbers would no longer match the claims.
    out += [f"- **Claim {number}:** {escape(_one_line(claim['text']))}" for number, claim in unreviewed]
    return "\n".join(out).rstrip("\n") + "\n"


def _verdict(claim: dict[str, Any]) -> str | None:
    """The claim's verdict as the report shows it: its label, or its conclusion on a free-text scale."""
    return claim["verdict"] or claim.get("conclusion") or None


def _corrections(corrections: list[dict[str, Any]]) -> list[str]:
    """A correction note per correction: when, why, and what the verdict and rationale were."""
    lines = []
    for correction in corrections:
        previous = escape(correction["old_verdict"]) if correction["old_verdict"] else "no verdict"
        status = correction["old_status"].replace("_", " ")
        lines += [
            f"**Correction ({correction['date']}):** {escape(_one_line(correction['reason']))} "
            f"Previously: {previous} (status: {status}).",
            "",
        ]
        if correction["old_rationale"].strip():
            # A rationale is Markdown (as the claim's own is printed): quoted line by line, as written.
            quoted = "\n".join(f"> {line}".rstrip() for line in correction["old_rationale"].strip().splitlines())
            lines += ["Previous rationale:", "", quoted, ""]
    return lines


def _earlier(earlier: dict[str, Any]) -> str:
    """An earlier check linked as the same claim: its claim, who rated it what and when, its link."""
    parts = [f"“{escape(_one_line(earlier['claim']))}”"]
    who = earlier.get("publisher") or ("this newsroom" if str(earlier.get("ref", "")).startswith("claim:") else "")
    rated = f"rated {escape(_one_line(earlier['verdict']))}" if earlier.get("verdict") else ""
    parts += [part for part in (escape(_one_line(who)), rated, earlier.get("published") or "") if part]
    line = " — ".join([parts[0], ", ".join(parts[1:])]) if len(parts) > 1 else parts[0]
    return f"{line} ({_link('fact-check', earlier['url'])})" if earlier.get("url") else line


def _claim_section(number: int, claim: dict[str, Any]) -> list[str]:
    status = claim["status"].replace("_", " ")
    what = "Verdict" if claim["verdict"] else "Conclusion"
    verdict = f"**{what}: {escape(_one_line(_verdict(claim)))}** (status: {status})"
    lines = [f"### Claim {number}", "", _quote(claim["text"]), "", verdict, ""]
    rationale = claim["rationale"].strip()
    lines += [rationale, ""] if rationale else ["_No rationale written._", ""]
    lines += _corrections(claim.get("corrections") or [])
    for earlier in claim.get("same_claim_as") or []:
        lines += [f"**Same claim as:** {_earlier(earlier)}", ""]
    if claim["sources"]:
        lines += ["**Sources**", ""]
        for source in claim["sources"]:
            details = ", ".join(
                part
                for part in (escape(_one_line(source["publisher"])), f"accessed {source['accessed']}", source["stance"])
                if part
            )
            lines.append(f"- {_link(source['title'] or source['url'], source['url'])} — {details}")
            if source["quote"].strip():
                lines += ["", "  " + _quote(source["quote"]).replace("\n", "\n  "), ""]
        lines.append("")
    return lines
