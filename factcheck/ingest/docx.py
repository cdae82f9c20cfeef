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


def extract_docx(data: bytes, name: str) -> ExtractedArticle:
    """The text of a .docx file, its first Title/Heading 1 paragraph as the title."""
    _check_unpacked_size(data, name)
    try:
        document = docx.Document(io.BytesIO(data))
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


def _check_unpacked_size(data: bytes, name: str) -> None:
    """Refuse a document whose parts add up to more than DOCX_MAX_UNPACKED_BYTES unpacked.

    The sizes are those the archive declares; zipfile never unpacks more than a part declares.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError):
        raise InvalidInput(f"{name}: not a Word document factcheck can read (.docx).") from None
    if unpacked > DOCX_MAX_UNPACKED_BYTES:
        limit = DOCX_MAX_UNPACKED_BYTES // (1024 * 1024)
        raise InvalidInput(f"{name}: the document unpacks to more than {limit} MB, more than factcheck reads.")


def _style_name(paragraph) -> str:  # noqa: ANN001
    style = paragraph.style
    return style.name if style is not None else ""
