"""Reading articles from uploads and files: UTF-8 text, Markdown, or a factcheck JSON export."""

from __future__ import annotations

import json
from pathlib import Path

from pydantic import ValidationError
from sqlmodel import Session

from factcheck.db import default_scale
from factcheck.models import Article, ArticleCreate
from factcheck.records import import_record
from factcheck.store import InvalidInput, create_article, validation_message

TEXT_SUFFIXES = (".txt", ".md", ".markdown", ".text")


def decode_text(data: bytes, name: str) -> str:
    """The text of an uploaded or read file, or InvalidInput if it is not UTF-8 text."""
    if not name.lower().endswith(TEXT_SUFFIXES):
        raise InvalidInput(f"{name}: only .txt and .md files can be imported.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InvalidInput(f"{name}: not UTF-8 text (byte {error.start} cannot be decoded).") from None
    if "\x00" in text:
        raise InvalidInput(f"{name}: not a text file (it contains NUL bytes).")
    return text.replace("\r\n", "\n")


def import_file(session: Session, path: Path) -> Article:
    """Store one file as a new article: a .json export is restored, text files are split into claims."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InvalidInput(f"{path}: {error.strerror or error}") from None
    if path.suffix.lower() == ".json":
        try:
            record = json.loads(data)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise InvalidInput(f"{path}: not valid JSON ({error}).") from None
        return import_record(session, record, default_scale(session))
    text = decode_text(data, str(path))
    try:
        submitted = ArticleCreate(text=text)
    except ValidationError as error:
        raise InvalidInput(f"{path}: {validation_message(error)}") from None
    return create_article(session, submitted, default_scale(session))
