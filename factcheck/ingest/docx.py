"""An article's text from a Word document (.docx), with python-docx.

Body paragraphs become paragraphs of the article; a leading paragraph styled as a title or
first-level heading becomes the title, not a claim. Tables, headers and footers are left out.
"""

from __future__ import annotations

import io
import zipfile

import docx

from factcheck.errors import InvalidInput
from factcheck.ingest.extracted import ExtractedArticle, clean_line

TITLE_STYLES = frozenset({"Title", "Heading 1"})
# A .docx is a zip archive, and python-docx unpacks its parts into memory. An upload is at most
# 2 MB, but deflate packs repeated bytes about 1,000 to 1, so a crafted file of that size could
# unpack to gigabytes; an article's document, pictures included, is far below this.
DOCX_MAX_UNPACKED_BYTES = 64 * 1024 * 1024
#: python-docx takes about 0.2 ms a paragraph: a long feature has a few thousand.
DOCX_MAX_PARAGRAPHS = 20_000
_CHUNK = 1024 * 1024


def extract_docx(data: bytes, name: str) -> ExtractedArticle:
    """The text of a .docx file, its first Title/Heading 1 paragraph as the title."""
    unpacked = _unpacked(data, name)
    try:
        document = docx.Document(io.BytesIO(unpacked))
        paragraphs = [(_style_name(p), p.text.strip()) for p in document.paragraphs]
        core_title = document.core_properties.title or ""
    except Exception:  # noqa: BLE001 (a damaged file fails in the zip, XML or python-docx layer alike)
        raise InvalidInput(f"{name}: not a Word document factcheck can read (.docx).") from None
    paragraphs = [(style, text) for style, text in paragraphs if text]
    title = ""
    if paragraphs and paragraphs[0][0] in TITLE_STYLES:
        title = paragraphs.pop(0)[1]
    text = "\n\n".join(text for _, text in paragraphs)
    if not text:
        raise InvalidInput(f"{name}: the document has no text.")
    return ExtractedArticle(text=text, title=clean_line(title or core_title))


def _unpacked(data: bytes, name: str) -> bytes:
    """The document again as a zip of the parts as actually unpacked, read a megabyte at a time
    and counted, with no more than DOCX_MAX_UNPACKED_BYTES in all and DOCX_MAX_PARAGRAPHS
    paragraphs; python-docx then reads that, never the upload itself.

    Counting what comes out is what holds: a part's declared size can lie (a 1.5 GB part declared
    as 1,000 bytes), and zipfile's read() of a whole part inflates up to 2 GB before it cuts the
    result to the declared size.
    """
    unreadable = InvalidInput(f"{name}: not a Word document factcheck can read (.docx).")
    limit = DOCX_MAX_UNPACKED_BYTES // (1024 * 1024)
    too_big = InvalidInput(f"{name}: the document unpacks to more than {limit} MB, more than factcheck reads.")
    rebuilt, total = io.BytesIO(), 0
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive, zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_STORED) as out:
            if sum(member.file_size for member in archive.infolist()) > DOCX_MAX_UNPACKED_BYTES:
                raise too_big
            for member in archive.infolist():
                chunks = []
                with archive.open(member) as part:
                    while chunk := part.read(_CHUNK):
                        total += len(chunk)
                        if total > DOCX_MAX_UNPACKED_BYTES:
                            raise too_big
                        chunks.append(chunk)
                body = b"".join(chunks)
                if member.filename == "word/document.xml":
                    paragraphs = body.count(b"<w:p>") + body.count(b"<w:p ") + body.count(b"<w:p/>")
                    if paragraphs > DOCX_MAX_PARAGRAPHS:
                        raise InvalidInput(f"{name}: the document has {paragraphs:,} paragraphs; factcheck reads at most "
                                           f"{DOCX_MAX_PARAGRAPHS:,}.")
                out.writestr(member.filename, body)
    except InvalidInput:
        raise
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, RuntimeError, NotImplementedError):
        raise unreadable from None
    return rebuilt.getvalue()


def _style_name(paragraph) -> str:  # noqa: ANN001
    style = paragraph.style
    return style.name if style is not None else ""
