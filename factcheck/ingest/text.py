"""Reading a text or Markdown file as article text, shared by importing and `factcheck split`."""

from __future__ import annotations

from factcheck.errors import InvalidInput

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
