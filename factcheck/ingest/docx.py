"""An article's text from a Word document (.docx), with python-docx.

Body paragraphs become paragraphs of the article; a leading paragraph styled as a title or
first-level heading becomes the title, not a claim. Tables, headers and footers are left out.
"""

from __future__ import annotations

import io
import zipfile

import docx
from lxml import etree

from factcheck.errors import InvalidInput
from factcheck.ingest.extracted import ExtractedArticle, clean_line

TITLE_STYLES = frozenset({"Title", "Heading 1"})
# A .docx is a zip archive, and python-docx unpacks its parts into memory. An upload is at most
# 2 MB, but deflate packs repeated bytes about 1,000 to 1, so a crafted file of that size could
# unpack to gigabytes; an article's document, pictures included, is far below this.
DOCX_MAX_UNPACKED_BYTES = 64 * 1024 * 1024
#: python-docx takes about 0.2 ms a paragraph: a long feature has a few thousand.
DOCX_MAX_PARAGRAPHS = 20_000
#: Runs (stretches of text in one formatting) take about 25 µs each: one paragraph of 500,000 took
#: 12 s. An article of 1,000,000 characters split into runs of 10 has 100,000.
DOCX_MAX_RUNS = 100_000
#: XML elements of any kind, in all the parts: each costs memory once parsed (1,000,000 took 0.7 s
#: and 200 MB), and Word writes about seven a run.
DOCX_MAX_ELEMENTS = 1_000_000
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_COUNTED = {f"{_W}p": "paragraphs", f"{_W}r": "runs of text"}
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
    and counted, with no more than DOCX_MAX_UNPACKED_BYTES in all, and no more than
    DOCX_MAX_PARAGRAPHS, DOCX_MAX_RUNS and DOCX_MAX_ELEMENTS in all its XML parts (_count);
    python-docx then reads that, never the upload itself.

    Counting what comes out is what holds: a part's declared size can lie (a 1.5 GB part declared
    as 1,000 bytes), and zipfile's read() of a whole part inflates up to 2 GB before it cuts the
    result to the declared size.
    """
    unreadable = InvalidInput(f"{name}: not a Word document factcheck can read (.docx).")
    limit = DOCX_MAX_UNPACKED_BYTES // (1024 * 1024)
    too_big = InvalidInput(f"{name}: the document unpacks to more than {limit} MB, more than factcheck reads.")
    rebuilt, total, counts = io.BytesIO(), 0, {"paragraphs": 0, "runs of text": 0, "XML elements": 0}
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
                _count(body, counts, name)
                out.writestr(member.filename, body)
    except InvalidInput:
        raise
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, RuntimeError, NotImplementedError):
        raise unreadable from None
    return rebuilt.getvalue()


def _count(part: bytes, counts: dict[str, int], name: str) -> None:
    """Add the part's paragraphs, runs and elements to `counts`, parsing it as a stream and
    stopping as soon as one is past its limit.

    Every part is counted, whatever its name: python-docx finds the main one through the package's
    relationships, not by name. Elements are matched by namespace, not by the prefix the file
    happens to use, and are dropped once counted.
    """
    limits = {"paragraphs": DOCX_MAX_PARAGRAPHS, "runs of text": DOCX_MAX_RUNS, "XML elements": DOCX_MAX_ELEMENTS}
    try:
        for _, element in etree.iterparse(io.BytesIO(part), resolve_entities=False, no_network=True):
            for kind in ("XML elements", _COUNTED.get(element.tag)):
                if kind is not None:
                    counts[kind] += 1
                    if counts[kind] > limits[kind]:
                        raise InvalidInput(f"{name}: the document has more than {limits[kind]:,} {kind}, "
                                           "more than factcheck reads.")
            element.clear()
            while element.getprevious() is not None:
                del element.getparent()[0]
    except etree.XMLSyntaxError:
        return  # not XML (a picture), or broken: python-docx refuses a broken part it needs


def _style_name(paragraph) -> str:  # noqa: ANN001
    style = paragraph.style
    return style.name if style is not None else ""
