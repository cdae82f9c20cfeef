"""render_markdown: reviewer Markdown in, allowlisted HTML out, never an exception, never unbounded work."""

from __future__ import annotations

import random
import re
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit

import markdown
import pytest
from bs4 import BeautifulSoup
from markdown.inlinepatterns import BACKTICK_RE, BacktickInlineProcessor, LinkInlineProcessor
from markupsafe import Markup

from factcheck import rendering
from factcheck.rendering import ALLOWED_TAGS, MAX_BLOCK_NESTING, RATIONALE_MAX_CHARS, render_markdown

ALLOWED_ATTRIBUTES = {"a": {"href", "title", "rel"}, "ol": {"start"}, "th": {"align"}, "td": {"align"}}
ALLOWED_SCHEMES = {"http", "https", "mailto"}
FORBIDDEN_TAGS = {
    "script", "style", "iframe", "frame", "form", "svg", "math", "object", "embed", "input",
    "button", "textarea", "select", "option", "link", "meta", "base", "img", "noscript",
    "template", "details", "video", "audio", "source",
}  # fmt: skip
C0_AND_SPACE = "".join(map(chr, range(0x21)))


def parse(html: str) -> BeautifulSoup:
    return BeautifulSoup(str(html), "html.parser")


def browser_url(value: str) -> str:
    """The URL as a browser reads an attribute: tabs and newlines dropped, controls and spaces trimmed."""
    return re.sub(r"[\t\n\r]", "", value).strip(C0_AND_SPACE)


def assert_safe(html: str) -> None:
    """Only allowlisted elements and attributes, and only absolute http(s)/mailto links."""
    for element in parse(html).find_all(True):
        assert element.name not in FORBIDDEN_TAGS, element
        assert element.name in ALLOWED_TAGS, element
        for name, value in element.attrs.items():
            assert not name.startswith(("on", "style", "hx-", "data-")), element
            assert name in ALLOWED_ATTRIBUTES.get(element.name, set()), element
            if name == "href":
                url = browser_url(value)
                assert not url.startswith("//"), element
                assert urlsplit(url).scheme.lower() in ALLOWED_SCHEMES, element
            flat = re.sub(r"\s", "", str(value)).lower()
            assert "javascript:" not in flat and "vbscript:" not in flat and "data:" not in flat, element


ATTACKS = {
    "script": "<script>alert(1)</script>",
    "script split by NUL": "<scr\x00ipt>alert(1)</script>",
    "NUL then script": "\x00<script>alert(1)</script>",
    "nested script tags": "<<script>script>alert(1)<</script>/script>",
    "img onerror": "<img src=x onerror=alert(1)>",
    "svg onload": "<svg onload=alert(1)>",
    "script in svg": "<svg><script>alert(1)</script></svg>",
    "iframe": '<iframe src="https://evil.example"></iframe>',
    "form and button": '<form action="https://evil.example"><button>Go</button></form>',
    "style element": "<style>body{display:none}</style>",
    "style attribute": '<p style="position:fixed;inset:0">x</p>',
    "html javascript link": '<a href="javascript:alert(1)">x</a>',
    "html link with control character": '<a href="&#1;javascript:alert(1)">x</a>',
    "markdown javascript link": "[x](javascript:alert(1))",
    "mixed-case scheme": "[x](JaVaScRiPt:alert(1))",
    "entity-encoded scheme": "[x](&#106;avascript:alert(1))",
    "hex entities and colon": "[x](&#x6A;avascript&#58;alert(1))",
    "newline inside scheme": "[x](<java\nscript:alert(1)>)",
    "control character before scheme": "[x](\x01javascript:alert(1))",
    "data URL": "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "vbscript": "[x](vbscript:msgbox(1))",
    "image with javascript": "![x](javascript:alert(1))",
    "image attribute breakout": '![x](https://example.org/x.png" onerror="alert(1))',
    "link attribute breakout": '[x](https://example.org/" onmouseover="alert(1))',
    "title attribute breakout": '[x](https://example.org/ "a\\" onmouseover=\\"alert(1)")',
    "protocol-relative link": "[x](//evil.example/path)",
    "protocol-relative html link": '<a href="//evil.example">x</a>',
    "htmx attribute": '<a hx-get="/claims/1/delete" hx-trigger="load">x</a>',
    "data-hx attribute": '<div data-hx-post="/claims/1" data-hx-trigger="load">x</div>',
    "math mXSS": "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "noscript mXSS": '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    "comment": "<!-- <script>alert(1)</script> -->",
    "autolink javascript": "<javascript:alert(1)>",
    "autolink javascript with slashes": "<javascript://%0Aalert(1)>",
    "reference javascript": "[x][evil]\n\n[evil]: javascript:alert(1)",
    "short reference javascript": "[evil]\n\n[evil]: javascript:alert(1)",
    "image reference javascript": "![x][evil]\n\n[evil]: javascript:alert(1)",
    "object": '<object data="javascript:alert(1)"></object>',
    "embed": '<embed src="javascript:alert(1)">',
    "base": '<base href="https://evil.example/">',
    "meta refresh": '<meta http-equiv="refresh" content="0;url=https://evil.example">',
    "input autofocus": "<input autofocus onfocus=alert(1)>",
    "stylesheet link": '<link rel=stylesheet href="https://evil.example/x.css">',
    "textarea": "<textarea><script>alert(1)</script></textarea>",
    "template": "<template><script>alert(1)</script></template>",
    "details ontoggle": "<details open ontoggle=alert(1)>",
    "unknown element onclick": "<x onclick=alert(1)>x</x>",
    "fenced code breakout": "```\n</code></pre><script>alert(1)</script>\n```",
    "code span breakout": "`</code><script>alert(1)</script>`",
    "attribute list syntax": '[x](https://example.org){: onclick="alert(1)" }',
    "html inside table": "|a|b|\n|-|-|\n|<script>alert(1)</script>|<img src=x onerror=alert(1)>|",
}


@pytest.mark.parametrize("text", ATTACKS.values(), ids=ATTACKS.keys())
def test_attack_renders_safe(text: str) -> None:
    html = render_markdown(text)
    assert isinstance(html, Markup)
    assert_safe(html)


@pytest.mark.parametrize("text", ATTACKS.values(), ids=ATTACKS.keys())
def test_sanitizer_alone_stops_attack_as_raw_html(text: str) -> None:
    # Markdown escapes raw HTML, but the guarantee is the sanitizer: it must hold by itself.
    assert_safe(rendering._CLEANER.clean(text))


def test_raw_html_is_shown_as_text() -> None:
    soup = parse(render_markdown("<b>bold</b> & <script>alert(1)</script>"))
    assert soup.find("b") is None and soup.find("script") is None
    assert soup.get_text() == "<b>bold</b> & <script>alert(1)</script>"


def test_returns_markup() -> None:
    assert isinstance(render_markdown("*x*"), Markup)
    assert isinstance(render_markdown(""), Markup)


def test_emphasis_and_inline_code() -> None:
    soup = parse(render_markdown("*one* **two** `<three>`"))
    assert soup.em.get_text() == "one"
    assert soup.strong.get_text() == "two"
    assert soup.code.get_text() == "<three>"


def test_headings() -> None:
    soup = parse(render_markdown("# Claim\n\n## Sources\n\nVerdict\n-------"))
    assert [(h.name, h.get_text()) for h in soup.find_all(["h1", "h2"])] == [
        ("h1", "Claim"),
        ("h2", "Sources"),
        ("h2", "Verdict"),
    ]


def test_lists() -> None:
    soup = parse(render_markdown("- one\n- two\n\n3. three\n4. four"))
    assert [li.get_text() for li in soup.ul.find_all("li")] == ["one", "two"]
    assert soup.ol["start"] == "3"
    assert [li.get_text() for li in soup.ol.find_all("li")] == ["three", "four"]


def test_nested_lists_and_quotes_render_as_written() -> None:
    text = "\n".join("    " * level + f"- level {level}" for level in range(10))
    assert len(parse(render_markdown(text)).find_all("ul")) == 10
    text = "\n".join("> " * level + f"level {level}" for level in range(1, 11))
    assert len(parse(render_markdown(text)).find_all("blockquote")) == 10


def test_http_link_kept_with_rel() -> None:
    link = parse(render_markdown('[the report](https://example.org/r?a=1&b=2 "Report")')).a
    assert link["href"] == "https://example.org/r?a=1&b=2"
    assert link["title"] == "Report"
    assert link["rel"] == ["nofollow", "noopener", "noreferrer"]
    assert link.get_text() == "the report"


@pytest.mark.parametrize(
    "text, href",
    [
        ("<https://example.org/a>", "https://example.org/a"),
        ("[x](http://example.org)", "http://example.org"),
        ("[x](mailto:desk@example.org)", "mailto:desk@example.org"),
        ("<desk@example.org>", "mailto:desk@example.org"),
        ("[x][r]\n\n[r]: https://example.org/ref", "https://example.org/ref"),
    ],
)
def test_allowed_links(text: str, href: str) -> None:
    link = parse(render_markdown(text)).a
    assert link["href"] == href
    assert link["rel"] == ["nofollow", "noopener", "noreferrer"]


@pytest.mark.parametrize("target", ["/claims/1", "claims/1", "#note", "//evil.example/x", "?q=1"])
def test_relative_links_lose_their_href(target: str) -> None:
    link = parse(render_markdown(f"[x]({target})")).a
    assert link.get_text() == "x"
    assert not link.has_attr("href")


def test_images_become_links_to_the_image() -> None:
    soup = parse(render_markdown('![A chart](https://example.org/c.png "Chart") ![](https://example.org/d.png)'))
    assert soup.find("img") is None
    first, second = soup.find_all("a")
    assert (first["href"], first["title"], first.get_text()) == ("https://example.org/c.png", "Chart", "A chart")
    assert (second["href"], second.get_text()) == ("https://example.org/d.png", "https://example.org/d.png")


def test_code_blocks_are_escaped() -> None:
    soup = parse(render_markdown("```python\nif a < b:\n    print('<script>')\n```\n\n    <i>indented</i>"))
    fenced, indented = soup.find_all("pre")
    assert fenced.code.get_text() == "if a < b:\n    print('<script>')\n"
    assert not fenced.code.has_attr("class")
    assert indented.code.get_text() == "<i>indented</i>\n"
    assert soup.find("script") is None and soup.find("i") is None


def test_tables() -> None:
    soup = parse(render_markdown("| Claim | Verdict |\n|:--|--:|\n| GDP grew | *False* |"))
    assert [(th.get_text(), th["align"]) for th in soup.find_all("th")] == [("Claim", "left"), ("Verdict", "right")]
    cells = soup.tbody.find_all("td")
    assert [cell.get_text() for cell in cells] == ["GDP grew", "False"]
    assert cells[1].em is not None


def test_blockquote_rule_and_line_break() -> None:
    soup = parse(render_markdown("> quoted\n\n---\n\nline one  \nline two"))
    assert soup.blockquote.get_text(strip=True) == "quoted"
    assert soup.find("hr") is not None
    assert soup.find("br") is not None


WEIRD = {
    "empty": "",
    "blank": "   \n\t\n",
    "lone high surrogate": "\ud800",
    "lone low surrogate": "a\udfffb",
    "reversed pair": "\udc00\ud800",
    "NUL": "\x00",
    "NULs around markdown": "\x00*x*\x00[y](https://example.org)\x00",
    "Python-Markdown placeholder": "\x02wzxhzdk:0\x03 \x02klzzwxh:0\x03",
    "control characters": "".join(map(chr, range(32))) + "\x7f",
    "BOM and bidi override": "\ufeff\u202eevil\u202c",
    "noncharacters": "\ufffe\uffff\U0010ffff",
    "carriage returns": "a\r\nb\rc",
    "entity for NUL": "&#0; &#xD800; &#x110000; &#99999999999;",
    "unclosed things": "[ ( ` ** _ < > ``` ~~~",
    "only punctuation": "]\\[)(!`*_#>|-+=.~:",
    "unicode": "Ελληνικά 中文 العربية 😀 👩‍👩‍👧",
}


@pytest.mark.parametrize("text", WEIRD.values(), ids=WEIRD.keys())
def test_weird_input_never_raises(text: str) -> None:
    html = render_markdown(text)
    assert isinstance(html, Markup)
    assert_safe(html)
    assert "\x00" not in html and "\x02" not in html and "\x03" not in html


def test_surrogates_joined_or_replaced() -> None:
    assert parse(render_markdown("\ud83d\ude00 \ud800")).get_text() == "\U0001f600 \ufffd"


def test_length_cap_boundary() -> None:
    at_cap = render_markdown("x" * RATIONALE_MAX_CHARS)
    assert parse(at_cap).p.get_text() == "x" * RATIONALE_MAX_CHARS
    over = render_markdown("x" * (RATIONALE_MAX_CHARS + 1))
    assert isinstance(over, Markup)
    assert parse(over).p.get_text() == "This text is too long to render (20,001 characters; the limit is 20,000)."


def test_length_cap_counts_characters_not_markup() -> None:
    over = render_markdown("<script>" * 2_501)
    assert parse(over).p.get_text() == "This text is too long to render (20,008 characters; the limit is 20,000)."


def test_caller_may_set_a_larger_limit() -> None:
    text = "word " * 5_000
    assert "too long" in parse(render_markdown(text)).get_text()
    assert parse(render_markdown(text, limit=30_000)).p.get_text().startswith("word word")
    assert parse(render_markdown("abc", limit=2)).p.get_text() == (
        "This text is too long to render (3 characters; the limit is 2)."
    )


PATHOLOGICAL = {
    "8,000 [": "[" * 8000,
    "[ then ]": "[" * 4000 + "]" * 4000,
    "[a][ repeated": "[a][" * 5000,
    "![ repeated": "![" * 10000,
    "[a]( repeated": "[a](" * 5000,
    "[a]( repeated, closed once": "[a](" * 4999 + ")",
    "[]( with ) every 100": ("[](" * 33 + ")") * 200,
    "1,000 list markers": "- " * 1000 + "x",
    "1,000 ordered markers": "1. " * 1000 + "x",
    "list and quote markers": "- > " * 1000 + "x",
    "nested lists by tabs": "\n".join("\t" * level + "- x" for level in range(196)),
    "nested lists by spaces": "\n".join("    " * level + "- x" for level in range(99)),
    "5,000 >": ">" * 5000 + " x",
    "5,000 '> '": "> " * 5000 + "x",
    "emphasis runs": "*_" * 10000,
    "open emphasis": "*a " * 3000 + "a*" * 3000,
    "escaped backtick runs": "\\```](\"" * 2800,
    "unclosed fences": "\n~~~x" * 4000,
    "heading lines": "\n#x" * 6666,
    "setext pairs": "x\n-\n" * 5000,
    "table-like lines": "|a" * 3300 + "\n" + "|-" * 3300 + "\n" + "|b" * 3300,
}


@pytest.mark.parametrize("text", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_pathological_input_renders(text: str) -> None:
    # Timing lives in bench/markdown_pathological.py; here, it renders and stays safe.
    assert len(text) <= RATIONALE_MAX_CHARS
    html = render_markdown(text)
    assert isinstance(html, Markup)
    assert_safe(html)


def _depth(html: Markup, names: tuple[str, ...]) -> int:
    deepest = 0
    for element in parse(html).find_all(list(names)):
        deepest = max(deepest, 1 + len(element.find_parents(list(names))))
    return deepest


@pytest.mark.parametrize("text", ["- " * 1000 + "x", ">" * 5000 + " x", "- > " * 1000 + "x"])
def test_deep_nesting_is_capped_and_the_rest_kept_as_text(text: str) -> None:
    html = render_markdown(text)
    assert _depth(html, ("ul", "blockquote")) == MAX_BLOCK_NESTING
    assert parse(html).get_text().rstrip().endswith("x")


def test_deep_nesting_survives_a_deep_caller_stack() -> None:
    def nested_call(depth: int) -> Markup:
        return nested_call(depth - 1) if depth else render_markdown("- " * 1000 + "x")

    assert _depth(nested_call(400), ("ul",)) == MAX_BLOCK_NESTING


ORDINARY = [
    "A claim, *checked* against [a source](https://example.org/s) and [another][r].\n\n[r]: https://example.org/r",
    "Setext\n======\n\nSub\n---\n\n# Hash\n\ntext\n\n***\n\n> quoted\n> more\n\n- a\n- b\n    - c",
    "Code `a ``b`` c` and ``double ` tick`` and `unclosed and ```three```",
    "```\ncode\n```\n\n~~~~\nwith ``` inside\n~~~~\n\n```js\nlet x = 1 < 2;\n```",
    "| a | b |\n|---|:-:|\n| 1 | 2 |\n| 3 | 4 |\n\n|x|\n|-|\n|y|",
    "[nested [brackets] in text](https://example.org/a_(b)) and [empty]() and [x]",
    "1. one\n2. two\n\n    para\n\n3. three\n\n* star\n+ plus",
    "Line  \nbreak, <https://example.org>, <desk@example.org>, &amp; &copy; \\*not em\\*",
]


@pytest.mark.parametrize("text", ORDINARY)
def test_bounded_pieces_change_nothing_on_ordinary_markdown(text: str) -> None:
    """Same HTML as Python-Markdown's own processors, sanitized the same way."""
    reference = markdown.Markdown(
        extensions=["fenced_code", "sane_lists", "tables"],
        extension_configs={"tables": {"use_align_attribute": True}},
        output_format="html",
    )
    reference.preprocessors.deregister("html_block")
    reference.inlinePatterns.deregister("html")
    assert render_markdown(text) == rendering._CLEANER.clean(reference.convert(text))


def test_link_text_scan_matches_python_markdown() -> None:
    original = LinkInlineProcessor.getText
    rng = random.Random(20_000)
    for _ in range(5_000):
        data = "".join(rng.choice("[[]]ab\n") for _ in range(rng.randint(0, 30)))
        index = rng.randint(0, len(data))
        text, end, handled = original(None, data, index)  # type: ignore[arg-type]
        assert rendering._bounded_get_text(data, index)[2] == handled
        if handled:
            assert rendering._bounded_get_text(data, index) == (text, end, True)


def test_code_span_search_matches_python_markdown() -> None:
    original = BacktickInlineProcessor(BACKTICK_RE)
    rng = random.Random(20_000)
    for _ in range(5_000):
        text = "".join(rng.choice("````a \\") for _ in range(rng.randint(1, 30)))
        starts = [i for i, c in enumerate(text) if c == "`"] or [0]
        start = rng.choice(starts)
        assert rendering._CodeSpans().find_code_spans(start, text) == original.find_code_spans(start, text)


def test_failure_falls_back_to_escaped_text(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    def broken(link_scan_budget: int) -> markdown.Markdown:
        raise RuntimeError("boom")

    monkeypatch.setattr(rendering, "_markdown", broken)
    html = render_markdown("*x* <script>alert(1)</script>")
    assert parse(html).p.get_text() == "*x* <script>alert(1)</script>"
    assert_safe(html)
    assert "Markdown rendering failed" in caplog.text


def test_concurrent_renders_do_not_mix() -> None:
    texts = [f"# Claim {n}\n\n[source {n}](https://example.org/{n}) *{n}*\n\n- {n}" for n in range(200)]
    expected = [render_markdown(text) for text in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        assert list(pool.map(render_markdown, texts)) == expected
