"""An article's text from a Word document (.docx), with python-docx.

Body paragraphs become paragraphs of the article; a leading paragraph styled as a title or
first-level heading becomes the title, not a claim. Tables, headers and footers are left out.
"""

from __future__ import annotations

import io

import docx

from factcheck.ingest.extracted import ExtractedArticle, clean_line
from factcheck.store import InvalidInput

TITLE_STYLES = frozenset({"Title", "Heading 1"})


def extract_docx(data: bytes, name: str) -> ExtractedArticle:
    """The text of a .docx file, its first Title/Heading 1 paragraph as the title."""
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


def _style_name(paragraph) -> str:  # noqa: ANN001
    style = paragraph.style
    return style.name if style is not None else ""
