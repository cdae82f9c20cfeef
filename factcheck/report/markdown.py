"""The per-article Markdown report of verdicts, the methodology record the IFCN's principles ask
for: the rating scale's legend, each verdict with who wrote and who approved it, sources with
their access dates, correction notes, and how check-worthy the claims left unreviewed are. The
same record always gives the same bytes; a collection report (factcheck.report.collection) is
made of these, a heading level down."""

from __future__ import annotations

import html
import re
import unicodedata
from collections import Counter
from typing import Any

from factcheck.vocabulary import SIGNED_OFF_STATUSES

_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~])")
_BULLET_START = re.compile(r"^(\s*)([-+])(\s)", re.MULTILINE)
_NUMBER_START = re.compile(r"^(\s*\d+)([.)])(\s)", re.MULTILINE)
#: A line of `=` or `-` alone (spaces allowed): a setext heading's underline, or a thematic break.
_RULE_START = re.compile(r"^([ \t]*)([=-])(?=[ \t=-]*$)", re.MULTILINE)


def escape(text: str) -> str:
    """Make article or source text show literally in Markdown (no accidental links, emphasis,
    lists, headings, rules, HTML or character references: `&` is written `&amp;`)."""
    text = _SPECIAL.sub(r"\\\1", text.replace("&", "&amp;"))
    text = _BULLET_START.sub(r"\1\\\2\3", text)
    text = _RULE_START.sub(r"\1\\\2", text)
    return _NUMBER_START.sub(r"\1\\\2\3", text)


def _inline(value: Any) -> str:
    """A value shown within a line of the report: on one line, escaped."""
    return escape(_one_line(str(value)))


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _quote(text: str) -> str:
    lines = [escape(_one_line(line)) for line in text.strip().splitlines() if line.strip()]
    return "\n".join(f"> {line}" for line in lines) or ">"


def _link(text: str, url: str) -> str:
    if not _safe_address(url):  # a record from elsewhere: shown, never followed
        return f"{_inline(text)} ({_inline(url)})"
    return f"[{_inline(text)}](<{_url(url)}>)"


def _url(url: str) -> str:
    # Angle brackets keep URLs with parentheses or underscores intact; what could end them (or
    # the link) is percent-encoded, so an address cannot write Markdown or HTML of its own.
    return "".join(f"%{ord(c):02X}" if c in "<>\\\"'" or ord(c) <= 32 or ord(c) == 127 else c for c in url)


def _autolink(url: str) -> str:
    return f"<{_url(url)}>" if _safe_address(url) else _inline(url)


#: The schemes a link in the report may have; any other address is shown as text.
SAFE_SCHEMES = ("http:", "https:", "mailto:")
_MARKDOWN_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")


def _safe_address(address: str) -> bool:
    """Whether a link to `address` is one to http(s) or mailto in every reading of it: after
    character references and backslash escapes are decoded (as renderers and then browsers do,
    twice over), and with the white space and control or format characters a browser skips
    taken out."""
    for _ in range(4):
        decoded = _MARKDOWN_ESCAPE.sub(r"\1", html.unescape(address))
        if decoded == address:
            break
        address = decoded
    bare = "".join(c for c in address if not c.isspace() and unicodedata.category(c) not in ("Cc", "Cf"))
    return bare.lower().startswith(SAFE_SCHEMES)


#: A list item's marker, which puts what follows it at the start of a block of its own.
_LIST_MARKER = re.compile(r"(?:[-+*]|\d+[.)])(?=\s|$)")
#: What would open a block of the report's kind at the start of a line (or of a list item in it):
#: an ATX heading, a setext underline, a thematic break, a code fence, a link reference definition
#: (any line starting with `[` that is not a plain link, `[text](`, as one may span lines).
_BLOCK_START = re.compile(r"#|=+\s*$|-+\s*$|(?:-\s*){3,}$|(?:\*\s*){3,}$|(?:_\s*){3,}$|`{3,}|~{3,}|\[(?![^\[\]\\]*\]\()")
#: Where an inline link's address starts; the link is kept only if the address is safe.
_LINK_TARGET = re.compile(r"\]\(")
#: An image, `![`, unless its `!` is escaped already (an odd number of backslashes before it).
_IMAGE = re.compile(r"(\\*)!(?=\[)")


def _inert_line(line: str) -> str:
    """One line of reviewer Markdown with nothing that opens a block of the report's kind at its
    start or after any list marker on it, at any depth ("1. - ### Claim 3"), escaped."""
    done = ""
    while True:
        body = line.lstrip()
        indent = line[: len(line) - len(body)]
        if _BLOCK_START.match(body):
            return f"{done}{indent}\\{body}"
        marker = _LIST_MARKER.match(body)
        if not marker:
            return done + line
        done += indent + marker.group()
        line = body[marker.end() :]


def _inert_links(line: str) -> str:
    """Links to anything but http(s) or mailto shown as text (`](` written `]\\(`), and images as
    links (`![` written `\\![`): a reviewer's link never runs script or loads anything."""

    def target(match: re.Match[str]) -> str:
        address = match.string[match.end() :].split(maxsplit=1)
        return "](" if address and _safe_address(address[0]) else "]\\("

    linked = _LINK_TARGET.sub(target, line)
    return _IMAGE.sub(lambda m: m.group(1) + ("!" if len(m.group(1)) % 2 else "\\!"), linked)


def reviewer_markdown(text: str) -> str:
    """A reviewer's Markdown (a rationale) as the report quotes it: their emphasis, lists and links
    kept, but inert and unable to pass for the report's own structure in any Markdown renderer.
    Every line is quoted (nothing in it can end the quote); `&`, `<` and `>` are written as
    entities, so no raw HTML, autolink or character reference survives; whatever would start a
    heading, a setext underline, a rule, a code fence or a link reference definition, at the
    start of a line or after any list marker on it, starts with a backslash instead; a link to
    anything but http(s) or mailto is left as text, and an image is shown as a link."""
    lines = []
    for line in text.strip().splitlines():
        line = line.rstrip().replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        lines.append(f"> {_inert_links(_inert_line(line))}".rstrip())
    return "\n".join(lines)


def report_markdown(record: dict[str, Any]) -> str:
    """Render an article's report, its methodology record: metadata, a summary of approved
    verdicts, the rating scale's legend, the approved claims (each verdict with its reviewer
    and approver, sources with access dates, corrections), the verdicts still in review
    (drafts, marked so), then the claims without a verdict with their check-worthiness."""
    return article_markdown(record)


def article_markdown(record: dict[str, Any], *, level: int = 1, legend: bool = True) -> str:
    """The report of one article with its title at heading `level` (a collection report puts it
    at 2, under its own title, so the outline stays valid) and, unless `legend` is False (a
    collection gives each scale's legend once), its scale's legend."""
    article = record["article"]
    scale = record["rating_scale"]
    claims = record["claims"]
    numbered = list(enumerate(claims, start=1))
    approved = [(n, c) for n, c in numbered if _verdict(c) and c["status"] in SIGNED_OFF_STATUSES]
    in_review = [(n, c) for n, c in numbered if _verdict(c) and c["status"] not in SIGNED_OFF_STATUSES]
    unreviewed = [(n, c) for n, c in numbered if not _verdict(c)]
    published = sum(1 for _, c in approved if c["status"] == "published")
    h1, h2, h3 = ("#" * (level + depth) for depth in range(3))

    out = [f"{h1} Fact-check: {_inline(article['title'])}", ""]
    meta = [
        ("Outlet", _inline(article["outlet"])),
        ("Author", _inline(article["author"])),
        ("Published", _inline(article["published"] or "")),
        ("URL", _autolink(article["url"]) if article["url"] else ""),
        ("Tags", ", ".join(_inline(tag) for tag in article.get("tags") or [])),
        ("Rating scale", _inline(scale["name"])),
        ("Verdicts approved", f"{len(approved)} of {len(claims)} claims ({published} published)"),
        ("Verdicts in review", f"{len(in_review)}" if in_review else ""),
    ]
    out += [f"- **{name}:** {value}" for name, value in meta if value]
    out += ["", f"{h2} Summary of approved verdicts", "", "| Verdict | Claims |", "| --- | ---: |"]
    counts = Counter(c["verdict"] for _, c in approved)
    for rating in scale["ratings"]:
        out.append(f"| {_inline(rating['label'])} | {counts.get(rating['label'], 0)} |")
    if scale.get("free_text"):
        out.append(f"| Conclusion approved | {len(approved)} |")
    out += [
        f"| In review (not yet approved) | {len(in_review)} |",
        f"| Not yet reviewed | {len(unreviewed)} |",
        f"| **Total** | {len(claims)} |",
        "",
    ]
    if legend:
        out += [f"{h2} Rating scale: {_inline(scale['name'])}", ""] + scale_legend(scale)

    out += [f"{h2} Approved verdicts", ""]
    if not approved:
        out += ["No verdict has been approved yet.", ""]
    for number, claim in approved:
        out += _claim_section(number, claim, h3)

    if in_review:
        out += [f"{h2} In review (drafts, not yet approved)", ""]
        for number, claim in in_review:
            out += _claim_section(number, claim, h3)

    out += [f"{h2} Not yet reviewed", ""]
    if not unreviewed:
        out += ["Every claim has a verdict.", ""]
    elif any(c.get("checkworthiness") is not None for _, c in unreviewed):
        out += ["Each with how check-worthy the model found it, from 0 to 1 (0.54 or more: worth checking).", ""]
    # A bullet named by its claim's number: an ordered list would be renumbered 1, 2, 3 by every
    # Markdown renderer, and the numbers would no longer match the claims.
    out += [f"- **Claim {number}:** {_inline(claim['text'])}{_unreviewed_note(claim)}" for number, claim in unreviewed]
    return "\n".join(out).rstrip("\n") + "\n"


def scale_legend(scale: dict[str, Any]) -> list[str]:
    """What the scale's verdicts mean: its description, then each label with its own."""
    lines = []
    if scale.get("description", "").strip():
        lines += [_inline(scale["description"]), ""]
    if scale.get("free_text"):
        lines += ["Verdicts on this scale are conclusions the reviewer writes in their own words.", ""]
    for rating in scale["ratings"]:
        meaning = _inline(rating.get("description") or "")
        label = f"- **{_inline(rating['label'])}**"
        lines.append(f"{label}: {meaning}" if meaning else label)
    return lines + [""] if scale["ratings"] else lines


def _unreviewed_note(claim: dict[str, Any]) -> str:
    """After an unreviewed claim: how check-worthy it is, and who made it, when known."""
    notes = []
    if claim.get("checkworthiness") is not None:
        notes.append(f"check-worthiness {claim['checkworthiness']:.2f}")
    if claim.get("claimant"):
        notes.append(f"claimant: {_inline(claim['claimant'])}")
    return f" ({'; '.join(notes)})" if notes else ""


def _verdict(claim: dict[str, Any]) -> str | None:
    """The claim's verdict as the report shows it: its label, or its conclusion on a free-text scale."""
    return claim["verdict"] or claim.get("conclusion") or None


def _corrections(corrections: list[dict[str, Any]]) -> list[str]:
    """A correction note per correction: when, why, and what the verdict and rationale were."""
    lines = []
    for correction in corrections:
        previous = _inline(correction["old_verdict"]) if correction["old_verdict"] else "no verdict"
        status = _inline(correction["old_status"].replace("_", " "))
        lines += [
            f"**Correction ({_inline(correction['date'])}):** {_inline(correction['reason'])} "
            f"Previously: {previous} (status: {status}).",
            "",
        ]
        if correction["old_rationale"].strip():
            lines += ["Previous rationale:", "", reviewer_markdown(correction["old_rationale"]), ""]
    return lines


def _earlier(earlier: dict[str, Any]) -> str:
    """An earlier check linked as the same claim: its claim, who rated it what and when, its link."""
    parts = [f"“{_inline(earlier['claim'])}”"]
    who = earlier.get("publisher") or ("this newsroom" if str(earlier.get("ref", "")).startswith("claim:") else "")
    rated = f"rated {_inline(earlier['verdict'])}" if earlier.get("verdict") else ""
    parts += [part for part in (_inline(who), rated, _inline(earlier.get("published") or "")) if part]
    line = " — ".join([parts[0], ", ".join(parts[1:])]) if len(parts) > 1 else parts[0]
    return f"{line} ({_link('fact-check', earlier['url'])})" if earlier.get("url") else line


def _claim_section(number: int, claim: dict[str, Any], heading: str = "###") -> list[str]:
    status = _inline(claim["status"].replace("_", " "))
    what = "Verdict" if claim["verdict"] else "Conclusion"
    verdict = f"**{what}: {_inline(_verdict(claim))}** (status: {status})"
    lines = [f"{heading} Claim {number}", "", _quote(claim["text"]), ""]
    lines += _claimant(claim)
    lines += [verdict, ""]
    rationale = claim["rationale"].strip()
    lines += ["Rationale:", "", reviewer_markdown(rationale), ""] if rationale else ["_No rationale written._", ""]
    lines += _corrections(claim.get("corrections") or [])
    for earlier in claim.get("same_claim_as") or []:
        lines += [f"**Same claim as:** {_earlier(earlier)}", ""]
    if claim["sources"]:
        lines += ["**Sources**", ""]
        for source in claim["sources"]:
            details = ", ".join(
                part
                for part in (_inline(source["publisher"]), f"accessed {_inline(source['accessed'])}", _inline(source["stance"]))
                if part
            )
            lines.append(f"- {_link(source['title'] or source['url'], source['url'])} — {details}")
            if source["quote"].strip():
                lines += ["", "  " + _quote(source["quote"]).replace("\n", "\n  "), ""]
        lines.append("")
    while lines[-2:] == ["", ""]:  # a source's quote ends with a blank line of its own
        lines.pop()
    # The byline closes the claim's section: who wrote the verdict, who approved it, and when.
    return lines + [_signoff(claim), ""]


def _claimant(claim: dict[str, Any]) -> list[str]:
    """Who made the claim, and when and where when it was not in the article itself."""
    who, when, where = claim.get("claimant") or "", claim.get("claim_date"), claim.get("claim_url")
    if not (who or when or where):
        return []
    line = f"**Claimant:** {_inline(who) if who else 'not named'}"
    if when:
        line += f", {_inline(when)}"
    if where:
        line += f" ({_link('where it was said', where)})"
    return [line, ""]


def _signoff(claim: dict[str, Any]) -> str:
    """Who wrote the verdict and who approved it, and when: the record names both (an import or
    the command line records no one, and says so)."""
    reviewer, approver, approved_on = claim.get("reviewer"), claim.get("approver"), claim.get("approved_on")
    parts = [f"reviewed by {_inline(reviewer)}" if reviewer else "reviewer not recorded"]
    if claim["status"] not in SIGNED_OFF_STATUSES:
        parts.append("not yet approved")
    else:
        signed = f"approved by {_inline(approver)}" if approver else "approved (approver not recorded)"
        parts.append(f"{signed} on {_inline(approved_on)}" if approved_on else signed)
        if claim["status"] == "published" and claim.get("published_on"):
            parts.append(f"published on {_inline(claim['published_on'])}")
    return f"**Sign-off:** {'; '.join(parts)}."
