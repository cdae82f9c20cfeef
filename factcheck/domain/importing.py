"""Importing articles from the web, uploads, files and folders, shared by the views and the CLI.

Text and Markdown are read as they are; HTML pages and Word documents go through
factcheck.ingest; a factcheck JSON export is restored as it was. Every import is checked for
an article already stored with the same text or address before anything is written.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable
from dataclasses import replace
from pathlib import Path

from pydantic import ValidationError
from sqlmodel import Session

from factcheck.domain.articles import create_article, find_duplicate
from factcheck.domain.records import import_record
from factcheck.domain.scales import default_scale
from factcheck.errors import Conflict, InvalidInput
from factcheck.forms import ArticleCreate, validation_message
from factcheck.ingest.docx import extract_docx
from factcheck.ingest.extracted import ExtractedArticle
from factcheck.ingest.fetch import fetch_page, is_web_address
from factcheck.ingest.html import extract_article
from factcheck.ingest.text import TEXT_SUFFIXES, decode_text
from factcheck.models import Article, RatingScale

HTML_SUFFIXES = (".html", ".htm")
DOCX_SUFFIXES = (".docx",)
DOCUMENT_SUFFIXES = TEXT_SUFFIXES + HTML_SUFFIXES + DOCX_SUFFIXES
EXPORT_SUFFIX = ".json"
IMPORTABLE_SUFFIXES = DOCUMENT_SUFFIXES + (EXPORT_SUFFIX,)
IMPORTABLE = ".txt, .md, .html, .docx or .json"  # for messages: the common spelling of each kind


class DuplicateArticle(Conflict):
    """The article is already stored: `existing` is that article, `submitted` what was about to be
    (an outcome more than an error: the reviewer may import it anyway)."""

    def __init__(self, existing: Article, submitted: ArticleCreate, reason: str) -> None:
        super().__init__(f"already imported as article {existing.id} ({reason})")
        self.existing = existing
        self.existing_id = existing.id  # read now: still there once the transaction is rolled back
        self.submitted = submitted
        self.reason = reason


def read_document(data: bytes, name: str) -> ExtractedArticle:
    """The article in an uploaded or read file, by its suffix: text, Markdown, HTML or .docx."""
    suffix = Path(name).suffix.lower()
    if suffix in HTML_SUFFIXES:
        return extract_article(data, name=name)
    if suffix in DOCX_SUFFIXES:
        return extract_docx(data, name)
    if suffix in TEXT_SUFFIXES:
        return ExtractedArticle(text=decode_text(data, name))
    raise InvalidInput(f"{name}: only .txt and .md text files, .html pages and .docx documents can be imported.")


def read_web_page(url: str, *, allow_private: bool = False, private_hosts: Collection[str] = ()) -> ExtractedArticle:
    """Fetch a page and extract its article; `url` is the canonical address, else the one answered.

    The page's server must be public unless `allow_private` or its name is in `private_hosts`
    (factcheck.ingest.fetch.fetch_page).
    """
    page = fetch_page(url, allow_private=allow_private, private_hosts=private_hosts)
    extracted = extract_article(page.html, url=page.final_url, name=page.url)
    return replace(extracted, url=extracted.url or page.final_url, source_url=page.url)


def submission(extracted: ExtractedArticle, name: str | None = None, **details: object) -> ArticleCreate:
    """The article to store: what the reviewer typed in `details` wins over what was extracted."""
    fields = {
        "text": extracted.text,
        "title": extracted.title,
        "author": extracted.author,
        "outlet": extracted.outlet,
        "published": extracted.published,
        "url": extracted.url,
        "source_url": extracted.source_url,
    }
    fields.update({key: value for key, value in details.items() if value not in ("", None)})
    try:
        return ArticleCreate(**fields)
    except ValidationError as error:
        message = validation_message(error)
        raise InvalidInput(f"{name}: {message}" if name else message) from None


def store_article(
    session: Session, submitted: ArticleCreate, *, allow_duplicate: bool = False, scale: RatingScale | None = None
) -> Article:
    """Store the article and its claims on `scale` (the default one if None); DuplicateArticle if already known."""
    urls = [submitted.url, submitted.source_url]
    if not allow_duplicate:
        existing = find_duplicate(session, submitted.text, urls)
        if existing is not None:
            same_address = next((u for u in urls if u and u in (existing.url, existing.source_url)), None)
            reason = f"the same address ({same_address})" if same_address else "the same text"
            raise DuplicateArticle(existing, submitted, reason)
    return create_article(session, submitted, scale or default_scale(session))


def import_file(session: Session, path: Path) -> Article:
    """Store one file as a new article: a .json export is restored, other files are split into claims."""
    if path.is_dir():
        raise InvalidInput(f"{path}: a folder without {IMPORTABLE} files in it.")
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InvalidInput(f"{path}: {error.strerror or error}") from None
    if path.suffix.lower() == EXPORT_SUFFIX:
        try:
            return import_record(session, read_export(data, str(path)))
        except InvalidInput as error:
            message = str(error)
            raise InvalidInput(message if message.startswith(str(path)) else f"{path}: {message}") from None
    return store_article(session, submission(read_document(data, str(path)), name=str(path)))


def read_export(data: bytes, name: str) -> object:
    """The JSON value in an export file, or InvalidInput naming the file, whatever the bytes.

    Python's parser fails on some valid JSON too: nesting deeper than its recursion limit
    (RecursionError) and integers of more than 4,300 digits (ValueError); no export holds either.
    """
    try:
        return json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise InvalidInput(f"{name}: not valid JSON ({error}).") from None
    except RecursionError:
        raise InvalidInput(f"{name}: not a factcheck export (its JSON is nested too deeply to read).") from None
    except ValueError:  # int()'s limit: "Exceeds the limit (4300 digits) for integer string conversion"
        raise InvalidInput(f"{name}: not a factcheck export (a number in it has more digits than can be read).") from None


def import_source(
    session: Session, source: str | Path, *, allow_private: bool = False, private_hosts: Collection[str] = ()
) -> Article:
    """Store the article at a web address, or in a file, as the command line names it."""
    if isinstance(source, str) and is_web_address(source):
        page = read_web_page(source, allow_private=allow_private, private_hosts=private_hosts)
        return store_article(session, submission(page, name=source))
    return import_file(session, Path(source))


def expand_sources(sources: Iterable[str]) -> list[str | Path]:
    """Web addresses as given, files as paths, folders as the importable files in them (recursively).

    Hidden files and folders are skipped; a folder with nothing to import stays in the list,
    so that importing it fails with a message.
    """
    expanded: list[str | Path] = []
    for source in sources:
        if is_web_address(source):
            expanded.append(source.strip())
            continue
        path = Path(source)
        if not path.is_dir():
            expanded.append(path)
            continue
        found = sorted(
            p
            for p in path.rglob("*")
            if p.suffix.lower() in IMPORTABLE_SUFFIXES
            and p.is_file()
            and not any(part.startswith(".") for part in p.relative_to(path).parts)
        )
        expanded.extend(found or [path])
    return expanded

