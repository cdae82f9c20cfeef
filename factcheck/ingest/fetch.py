"""Fetching a web page to import: http(s) only, within a time limit and a size cap.

Every failure raises `InvalidInput` with one line that names the address and says what went
wrong in a reviewer's words (no server found, connection refused, the server's HTTP status,
not a web page, too large, too slow), so the caller can show it and store nothing.
"""

from __future__ import annotations

import ipaddress
import re
import socket
import ssl
import time
from dataclasses import dataclass
from http.client import HTTPException, HTTPResponse
from urllib.error import HTTPError, URLError
from urllib.parse import quote, urlsplit, urlunsplit
from urllib.request import HTTPRedirectHandler, Request, build_opener

from factcheck.errors import InvalidInput

FETCH_TIMEOUT = 20.0  # seconds: no answer within it fails, and so does a download still running after it
FETCH_MAX_BYTES = 5 * 1024 * 1024  # news pages are well under 1 MB; this is a guard, not a target
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
WEB_SCHEMES = ("http", "https")
USER_AGENT = "factcheck/0.2 (fact-check article import)"
_CHUNK = 64 * 1024
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
# Characters that may stay as they are in a URL's path, query and fragment.
_URL_SAFE = "/?#[]@!$&'()*+,;=:%~-._"


@dataclass(frozen=True)
class FetchedPage:
    """A downloaded page: the address asked for, the one answered after redirects, and the HTML."""

    url: str
    final_url: str
    # Decoded when the server named its charset; otherwise bytes, for the HTML's own <meta charset>.
    html: str | bytes


def is_web_address(value: str) -> bool:
    """Whether a command-line argument is an address (scheme://…) rather than a file path."""
    return bool(_SCHEME.match(value.strip()))


def fetch_page(
    url: str, *, timeout: float = FETCH_TIMEOUT, max_bytes: int = FETCH_MAX_BYTES, allow_private: bool = False
) -> FetchedPage:
    """Download an HTML page, following redirects between http(s) addresses only.

    Unless `allow_private`, every address (redirects included) must resolve to public IP
    addresses: a reviewer's paste must not make the server read its own network.
    """
    address = url.strip()
    ascii_address = _ascii_address(address)
    if not allow_private:
        _require_public(address, urlsplit(ascii_address).hostname or "")
    request = Request(ascii_address, headers={"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml"})
    deadline = time.monotonic() + timeout
    opener = build_opener(_WebRedirects(address, allow_private))
    try:
        response = opener.open(request, timeout=timeout)
    except HTTPError as error:
        error.close()
        raise InvalidInput(f"{address}: {_http_problem(error.code, error.reason)}") from None
    except URLError as error:
        raise InvalidInput(f"{address}: {_connection_problem(error.reason, address, timeout)}") from None
    except (OSError, HTTPException) as error:
        raise InvalidInput(f"{address}: {_connection_problem(error, address, timeout)}") from None
    with response:
        content_type = response.headers.get_content_type() if response.headers.get("Content-Type") else None
        if content_type is not None and content_type not in HTML_TYPES:
            raise InvalidInput(f"{address}: not a web page (the server sent {content_type}, not HTML).")
        length = response.headers.get("Content-Length", "")
        if length.isdigit() and int(length) > max_bytes:
            raise InvalidInput(f"{address}: {_too_large(max_bytes)}")
        try:
            body = _read_capped(response, address, max_bytes, deadline, timeout)
        except (OSError, HTTPException) as error:
            raise InvalidInput(f"{address}: {_connection_problem(error, address, timeout)}") from None
        final_url = response.geturl()
        charset = response.headers.get_content_charset()
    return FetchedPage(url=address, final_url=final_url, html=_decode(body, charset))


def _ascii_address(address: str) -> str:
    """The address as urllib can send it (IDNA host, percent-encoded path), or InvalidInput."""
    parts = urlsplit(address)
    if parts.scheme.lower() not in WEB_SCHEMES:
        raise InvalidInput(f"{address}: only http:// and https:// addresses can be imported.")
    if any(char.isspace() for char in address):
        raise InvalidInput(f"{address}: a web address cannot contain spaces.")
    try:
        parts.port  # noqa: B018 (raises ValueError for a port that is not a number in range)
        netloc = parts.netloc.encode("idna").decode("ascii")
    except (ValueError, UnicodeError):
        raise InvalidInput(f"{address}: not a valid web address.") from None
    if not parts.hostname:
        raise InvalidInput(f"{address}: not a valid web address.")
    path, query = (quote(part, safe=_URL_SAFE) for part in (parts.path, parts.query))
    return urlunsplit((parts.scheme, netloc, path, query, ""))


def _read_capped(response: HTTPResponse, address: str, max_bytes: int, deadline: float, timeout: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while chunk := response.read(_CHUNK):
        size += len(chunk)
        if size > max_bytes:
            raise InvalidInput(f"{address}: {_too_large(max_bytes)}")
        if time.monotonic() > deadline:
            raise InvalidInput(f"{address}: the download took longer than {timeout:g} seconds.")
        chunks.append(chunk)
    return b"".join(chunks)


def _decode(body: bytes, charset: str | None) -> str | bytes:
    if charset:
        try:
            return body.decode(charset, errors="replace")
        except LookupError:  # a charset Python does not know: let the page's own <meta> decide
            pass
    return body


def _too_large(max_bytes: int) -> str:
    size = f"{max_bytes / 2**20:g} MB" if max_bytes >= 2**20 else f"{max_bytes / 1024:g} KB"
    return f"the page is larger than the {size} limit for an article."


def _http_problem(code: int, reason: str) -> str:
    answered = f"the server answered {code} {reason}".rstrip()
    if code in (401, 402, 403, 407, 451):
        return f"{answered}: it does not let factcheck read the page; paste the text instead."
    if code in (404, 410):
        return f"{answered}: there is no page at this address; check it."
    if code == 429 or code >= 500:
        return f"{answered}: the site has a problem or is busy; try again later."
    return f"{answered}."


def _connection_problem(reason: object, address: str, timeout: float) -> str:
    """What stopped the connection, from the exception urllib wraps in URLError (or raises bare)."""
    host = urlsplit(address).netloc
    if isinstance(reason, socket.gaierror):
        return f"cannot find the server {host}; check the address."
    if isinstance(reason, ConnectionRefusedError):
        return f"the server {host} refused the connection (nothing is listening there)."
    if isinstance(reason, TimeoutError):
        return f"no answer from {host} within {timeout:g} seconds."
    if isinstance(reason, ssl.SSLError):
        return f"the secure connection to {host} failed ({getattr(reason, 'reason', None) or reason})."
    if isinstance(reason, ConnectionError | HTTPException):
        return f"the connection to {host} broke off ({type(reason).__name__})."
    if isinstance(reason, OSError) and reason.strerror:
        return f"cannot connect to {host} ({reason.strerror})."
    return f"cannot connect to {host} ({reason})."


def _require_public(address: str, host: str) -> None:
    """Raise InvalidInput if `host` resolves to a loopback, private, link-local or reserved address."""
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (socket.gaierror, UnicodeError):
        return  # the fetch itself reports an unknown host in the reviewer's words
    for info in infos:
        ip = ipaddress.ip_address(info[4][0].split("%", 1)[0])
        if not ip.is_global:
            raise InvalidInput(
                f"{address}: {host} is a private or local network address ({ip}); "
                "factcheck only imports public web pages."
            )


class _WebRedirects(HTTPRedirectHandler):
    """Follow redirects only to http(s) addresses (urllib's own handler also follows ftp://),
    and, unless private addresses are allowed, only to public hosts."""

    def __init__(self, address: str, allow_private: bool) -> None:
        super().__init__()
        self.address = address
        self.allow_private = allow_private

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001, ANN201
        if urlsplit(newurl).scheme.lower() not in WEB_SCHEMES:
            raise HTTPError(newurl, code, f"{msg}, a redirect to {newurl}, which is not a web address", headers, fp)
        if not self.allow_private:
            _require_public(self.address, urlsplit(newurl).hostname or "")
        return super().redirect_request(req, fp, code, msg, headers, newurl)
