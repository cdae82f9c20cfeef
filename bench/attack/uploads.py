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


def docx_with(chunks, declared_size: int | None = None) -> bytes:  # noqa: ANN001 (an iterable of bytes)
    """A .docx (python-docx's blank one) whose word/document.xml is `chunks`, deflated as written;
    with `declared_size`, its local and central headers lie that it unpacks to that many bytes."""
    from docx import Document

    blank, out = io.BytesIO(), io.BytesIO()
    Document().save(blank)
    with zipfile.ZipFile(blank) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            if item.filename != MAIN_PART:
                target.writestr(item.filename, source.read(item))
                continue
            with target.open(MAIN_PART, "w") as stream:
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


def probes() -> dict[str, tuple[dict, dict | None]]:
    """label: (form, files) of each hostile upload."""
    bomb = docx_with(_bomb_chunks(80), declared_size=4_096)
    honest = docx_with(_bomb_chunks(80))
    paragraphs = docx_with([WORD, b"<w:p/>" * 1_700_000, END])
    page = html_page(b"".join(b"<p>Budget line %d was approved.</p>" % i for i in range(38_000)))
    return {
        f"docx bomb: 80 MB unpacked, headers say 4 kB ({len(bomb) // 1024} kB)": ({}, {"file": ("bomb.docx", bomb)}),
        f"docx of 80 MB, headers true ({len(honest) // 1024} kB)": ({}, {"file": ("honest.docx", honest)}),
        f"docx of 1.7M empty paragraphs ({len(paragraphs) // 1024} kB)": ({}, {"file": ("paragraphs.docx", paragraphs)}),
        f"HTML of 38,000 <p> ({len(page) // 1024} kB)": ({}, {"file": ("page.html", page)}),
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
