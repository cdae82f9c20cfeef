"""Category 5: hostile uploads (zip bombs, lying headers, too many paragraphs or tags, too long)."""

from __future__ import annotations

import io
import zipfile

from bench.attack.results import category, check, note
from bench.attack.world import World
from factcheck.models import Article

WORD = b'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>'
END = b"</w:body></w:document>"
MAIN_PART = "word/document.xml"
#: Where a zip's local (PK\3\4) and central (PK\1\2) headers keep the name and the uncompressed size.
HEADERS = ((b"PK\x03\x04", 30, 22), (b"PK\x01\x02", 46, 24))


def docx_with(chunks, declared_size: int | None = None, main_part: str = MAIN_PART) -> bytes:  # noqa: ANN001 (bytes)
    """A .docx (python-docx's blank one) whose word/document.xml is `chunks`, deflated as written;
    with `declared_size`, its local and central headers lie that it unpacks to that many bytes;
    with `main_part`, the main part goes by that name (the content types and relationships say so)."""
    from docx import Document

    blank, out = io.BytesIO(), io.BytesIO()
    Document().save(blank)
    with zipfile.ZipFile(blank) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != MAIN_PART:
                data = source.read(item)
                if item.filename in ("[Content_Types].xml", "_rels/.rels"):
                    data = data.replace(MAIN_PART.encode(), main_part.encode())
                if item.filename == "word/_rels/document.xml.rels":
                    item.filename = main_part.replace("word/", "word/_rels/") + ".rels"
                target.writestr(item.filename, data)
                continue
            with target.open(main_part, "w") as stream:
                for chunk in chunks:
                    stream.write(chunk)
    data = bytearray(out.getvalue())
    if declared_size is not None:
        name = MAIN_PART.encode()
        for signature, name_at, size_at in HEADERS:
            found = data.find(signature)
            while found != -1:
                if data[found + name_at:found + name_at + len(name)] == name:
                    data[found + size_at:found + size_at + 4] = declared_size.to_bytes(4, "little")
                found = data.find(signature, found + 4)
    return bytes(data)


def _bomb_chunks(megabytes: int):  # noqa: ANN202
    yield WORD
    block = b"<w:p><w:r><w:t>Go.</w:t></w:r></w:p>" * 29_000  # about 1 MB
    for _ in range(megabytes):
        yield block
    yield END


def html_page(body: bytes) -> bytes:
    return b"<html><body><article>" + body + b"</article></body></html>"


def paragraphs_html(count: int) -> bytes:
    return html_page(b"".join(b"<p>Budget line %d was approved.</p>" % i for i in range(count)))


def docx_probes() -> dict[str, bytes]:
    """Paragraphs past DOCX_MAX_PARAGRAPHS however they are written, and a bomb."""
    run = b"<w:r><w:t>Go.</w:t></w:r>"
    other_prefix = WORD.replace(b"<w:body>", b'<w:body><v:tbl xmlns:v="http://schemas.openxmlformats.org/'
                                b'wordprocessingml/2006/main">')
    return {
        "docx bomb: 80 MB unpacked, headers say 4 kB": docx_with(_bomb_chunks(80), declared_size=4_096),
        "docx of 80 MB, headers true": docx_with(_bomb_chunks(80)),
        "docx of 1.7M empty paragraphs": docx_with([WORD, b"<w:p/>" * 1_700_000, END]),
        "docx of 100,000 paragraphs written <w:p\\n>": docx_with([WORD, (b"<w:p\n>" + run + b"</w:p\n>") * 100_000, END]),
        "docx of 100,000 paragraphs, main part renamed word/body.xml": docx_with(
            [WORD, (b"<w:p>" + run + b"</w:p>") * 100_000, END], main_part="word/body.xml"),
        "docx of 100,000 paragraphs under another prefix (v:p)": docx_with(
            [other_prefix, (b"<v:p>" + run.replace(b"w:", b"v:") + b"</v:p>") * 100_000, b"</v:tbl>", END]),
    }


def html_probes() -> dict[str, bytes]:
    """Pages past HTML_MAX_BLOCKS or HTML_MAX_ELEMENTS however the tags are written, and compressed."""
    import gzip
    import zlib

    big = paragraphs_html(200_000)
    span = b"<span>x</span>" * 45_000
    return {
        "HTML of 38,000 <p>": paragraphs_html(38_000),
        "HTML of 30,000 <h2>": html_page(b"".join(b"<h2>Budget line %d</h2>" % i for i in range(30_000))),
        "HTML of 25,000 <LI\\n> (any case, name ended by a newline)": html_page(b"<ul>" + b"<LI\n>item</LI\n>" * 25_000),
        "HTML of 45,000 <span> in one <p>": html_page(b"<p>" + span + b"</p>"),
        "HTML of 200,000 <p>, gzip": gzip.compress(big),
        "HTML of 200,000 <p>, zlib": zlib.compress(big, 9),
    }


def probes() -> dict[str, tuple[dict, dict | None]]:
    """label: (form, files) of each hostile upload."""
    files = {f"{label} ({len(data) // 1024} kB)": ({}, {"file": ("upload.docx", data)}) for label, data in docx_probes().items()}
    files |= {f"{label} ({len(data) // 1024} kB)": ({}, {"file": ("page.html", data)}) for label, data in html_probes().items()}
    return files | {
        'pasted "Go. " * 250000': ({"text": "Go. " * 250_000}, None),
        "pasted 1,000,026 characters (ARTICLE_MAX_CHARS + 26)": ({"text": "The army took 40 villages. " * 37_038}, None),
        "upload of 2.5 MB (MAX_CONTENT_LENGTH 2 MB)": ({}, {"file": ("big.txt", b"The army took 40 villages. " * 97_000)}),
    }


def hostile_uploads(world: World) -> None:
    name = category(5)
    admin = world.clients["admin"]
    for label, (form, files) in probes().items():
        before_rows, (rss_before, _) = world.db.count(Article), world.main.memory()
        answer = admin.post("/articles", form, files=files) if files else admin.post("/articles", form)
        rss_after, peak = world.main.memory()
        stored = world.db.count(Article) - before_rows
        held = 400 <= answer.status < 500 and answer.seconds < 5 and stored == 0
        check(name, held, f"{label}: {answer.status} in {answer.seconds:.2f} s, {stored} stored")
        error = answer.page().find(class_="error")
        reason = error.get_text(" ", strip=True)[:90] if error else answer.text[:90]
        note(name, f"{label}: {answer.status} ({reason!r}) in {answer.seconds:.2f} s, "
                   f"worker RSS {rss_before} -> {rss_after} MB (peak {peak} MB)")
