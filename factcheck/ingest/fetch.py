"""Fetching a web page to import: http(s) only, within a time limit and a size cap.

Every failure raises `InvalidInput` with one line that names the address and says what went
wrong in a reviewer's words (no server found, connection refused, the server's HTTP status,
not a web page, too large, too slow), so the caller can show it and store nothing.

A reviewer's paste must not make the server read its own network (cloud metadata, intranet
admin pages). Every connection a fetch opens, redirects' included, goes through one
`_FetchGuard`: it resolves the name itself, refuses it if any of its addresses is not public
(unless the settings allow private addresses for that host), and connects to exactly the address
it checked, so a name that answers differently a moment later (DNS rebinding) gains nothing.
The guard also holds the deadline for the whole fetch: a watchdog cuts every connection when it
passes, even one a server keeps alive by sending a byte at a time.
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
import socket
import ssl
import sys
import threading
import time
from collections.abc import Collection
from dataclasses import dataclass
from http.client import HTTPConnection, HTTPException, HTTPResponse, HTTPSConnection
from types import TracebackType
from urllib.error import HTTPError, URLError
from urllib.parse import quote, urlsplit, urlunsplit
from urllib.request import (
    HTTPHandler,
    HTTPRedirectHandler,
    HTTPSHandler,
    OpenerDirector,
    ProxyHandler,
    Request,
    build_opener,
)

from factcheck.errors import InvalidInput

FETCH_TIMEOUT = 20.0  # seconds for the whole fetch: finding the server, redirects and the download
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
    url: str,
    *,
    timeout: float = FETCH_TIMEOUT,
    max_bytes: int = FETCH_MAX_BYTES,
    allow_private: bool = False,
    private_hosts: Collection[str] = (),
) -> FetchedPage:
    """Download an HTML page within `timeout` seconds in all, following redirects between http(s) addresses only.

    Every server connected to, redirects included, must have only public IP addresses, unless
    `allow_private` (any host) or its name is in `private_hosts` (exact names, or `*.example.org`
    for the names under example.org).
    """
    address = url.strip()
    ascii_address = _ascii_address(address)
    request = Request(ascii_address, headers={"User-Agent": USER_AGENT, "Accept": "text/html,application/xhtml+xml"})
    with _FetchGuard(address, timeout, allow_private=allow_private, private_hosts=private_hosts) as guard:
        # No proxy from the environment: it would resolve the names itself, past the guard.
        opener = build_opener(ProxyHandler({}), _PinnedHTTPHandler(guard), _PinnedHTTPSHandler(guard), _WebRedirects())
        response = _open(opener, request, guard)
        with response:
            content_type = response.headers.get_content_type() if response.headers.get("Content-Type") else None
            if content_type is not None and content_type not in HTML_TYPES:
                raise InvalidInput(f"{address}: not a web page (the server sent {content_type}, not HTML).")
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > max_bytes:
                raise InvalidInput(f"{address}: {_too_large(max_bytes)}")
            body = _read_capped(response, max_bytes, guard)
            final_url = response.geturl()
            charset = response.headers.get_content_charset()
    return FetchedPage(url=address, final_url=final_url, html=_decode(body, charset))


def _open(opener: OpenerDirector, request: Request, guard: _FetchGuard) -> HTTPResponse:
    """The response once its headers are in (redirects followed), or InvalidInput saying why not."""
    address, timeout = guard.address, guard.timeout
    try:
        return opener.open(request, timeout=timeout)
    except HTTPError as error:
        error.close()
        raise InvalidInput(f"{address}: {_http_problem(error.code, error.reason)}") from None
    except (OSError, HTTPException) as error:
        reason = error.reason if isinstance(error, URLError) else error
        if guard.expired:  # cut off by the watchdog: whatever broke, it broke because time ran out
            reason = TimeoutError()
        raise InvalidInput(f"{address}: {_connection_problem(reason, address, timeout)}") from None


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


def _read_capped(response: HTTPResponse, max_bytes: int, guard: _FetchGuard) -> bytes:
    """The body, read as it comes (read1 does not wait for a whole chunk), up to `max_bytes` and the deadline."""
    chunks: list[bytes] = []
    size = 0
    try:
        while chunk := response.read1(_CHUNK):
            size += len(chunk)
            if size > max_bytes:
                raise InvalidInput(f"{guard.address}: {_too_large(max_bytes)}")
            if guard.expired or time.monotonic() > guard.deadline:
                raise guard.too_slow()
            chunks.append(chunk)
    except (OSError, HTTPException) as error:
        if guard.expired:
            raise guard.too_slow() from None
        raise InvalidInput(f"{guard.address}: {_connection_problem(error, guard.address, guard.timeout)}") from None
    if guard.expired:  # the watchdog's cut reads as the end of the page: it is not
        raise guard.too_slow()
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


class _FetchGuard:
    """What every connection of one fetch goes through: the address check, pinning, and the deadline.

    Used as a context manager: the watchdog runs inside the block, and on leaving it no thread or
    socket of the guard's is left behind.
    """

    def __init__(self, address: str, timeout: float, *, allow_private: bool, private_hosts: Collection[str]) -> None:
        self.address = address
        self.timeout = timeout
        self.deadline = time.monotonic() + timeout
        self.expired = False
        self.allow_private = allow_private
        # A single name given as a string is one host, not a collection of letters.
        names = (private_hosts,) if isinstance(private_hosts, str) else private_hosts
        self.private_hosts = frozenset(_host_name(name) for name in names)
        self._lock = threading.Lock()
        self._finished = False
        # Duplicates of the connections' sockets: shutting one down cuts its connection even once
        # TLS has taken the original over, and the guard closes them itself (no descriptor reuse).
        self._watched: list[socket.socket] = []
        self._watchdog = threading.Timer(timeout, self._expire)
        self._watchdog.name = "fetch-deadline"
        self._watchdog.daemon = True

    def __enter__(self) -> _FetchGuard:
        self._watchdog.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self._watchdog.cancel()
        self._watchdog.join()
        with self._lock:
            self._finished = True
            for watched in self._watched:
                watched.close()
            self._watched.clear()

    def too_slow(self) -> InvalidInput:
        """The failure of a download cut off at the deadline."""
        return InvalidInput(f"{self.address}: the download took longer than {self.timeout:g} seconds.")

    def connect(self, host: str, port: int, timeout: float | None) -> socket.socket:
        """A socket connected to one of `host`'s addresses, each of which was checked first."""
        addresses = self._resolve(host, port)
        if not self._may_be_private(host):
            for *_, sockaddr in addresses:
                ip = ipaddress.ip_address(sockaddr[0].split("%", 1)[0])  # without an IPv6 scope (fe80::1%eth0)
                if not _is_public(ip):
                    raise InvalidInput(
                        f"{self.address}: {host} is a private or local network address ({ip}); "
                        "factcheck only imports public web pages."
                    )
        failure: OSError | None = None
        for family, kind, proto, _, sockaddr in addresses:
            left = self.deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no connection within {self.timeout:g} seconds")
            connection = socket.socket(family, kind, proto)
            try:
                # A connect cannot be cut by the watchdog: it may not outlast the deadline on its own.
                connection.settimeout(min(timeout, left) if isinstance(timeout, int | float) else left)
                connection.connect(sockaddr)  # the address checked above, not a new lookup
            except OSError as error:
                connection.close()
                failure = error
                continue
            self._watch(connection)
            return connection
        assert failure is not None  # _resolve returns at least one address
        raise failure

    def _resolve(self, host: str, port: int) -> list[tuple]:
        """`host`'s addresses, or InvalidInput: a name that cannot be found is not fetched, nor checked later."""
        try:
            addresses = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except (OSError, UnicodeError):  # gaierror; UnicodeError for a name too long to look up
            addresses = []
        if not addresses:
            raise InvalidInput(f"{self.address}: cannot find the server {host}; check the address.")
        if time.monotonic() >= self.deadline:
            raise TimeoutError(f"no server found within {self.timeout:g} seconds")
        return addresses

    def _may_be_private(self, host: str) -> bool:
        if self.allow_private:
            return True
        name = _host_name(host)
        return any(name == allowed or (allowed.startswith("*.") and name.endswith(allowed[1:])) for allowed in self.private_hosts)

    def _watch(self, connection: socket.socket) -> None:
        """Let the watchdog cut `connection`; or close it, if the deadline passed while it was made."""
        with self._lock:
            if not (self.expired or self._finished):
                self._watched.append(connection.dup())
                return
        connection.close()
        raise TimeoutError(f"no connection within {self.timeout:g} seconds")

    def _expire(self) -> None:
        """At the deadline: shutting the sockets down wakes every read blocked on them (headers included)."""
        with self._lock:
            if self._finished:
                return
            self.expired = True
            for watched in self._watched:
                with contextlib.suppress(OSError):  # a connection the server has closed already
                    watched.shutdown(socket.SHUT_RDWR)


#: IPv6 networks whose addresses carry an IPv4 address in their last 32 bits, which they may reach:
#: NAT64 (RFC 6052, and the local-use 64:ff9b:1::/48), IPv4-compatible (::a.b.c.d), IPv4-translated
#: (::ffff:0:a.b.c.d). IPv4-mapped addresses (::ffff:a.b.c.d) and 6to4 (2002::/16) are read apart.
_CARRY_IPV4 = tuple(
    ipaddress.IPv6Network(network) for network in ("64:ff9b::/96", "64:ff9b:1::/48", "::/96", "::ffff:0:0:0/96")
)


def _is_public(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether `ip` is on the public internet. An IPv6 address that carries an IPv4 address
    (::ffff:127.0.0.1, 64:ff9b::10.0.0.1, 2002:7f00:1::1...) is public only if that one is too."""
    if isinstance(ip, ipaddress.IPv4Address):
        return ip.is_global
    carried = ip.ipv4_mapped or ip.sixtofour
    if carried is None and any(ip in network for network in _CARRY_IPV4):
        carried = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return (carried or ip).is_global


def _host_name(name: str) -> str:
    """A host name as compared: lower case, ASCII (IDNA), without the root's dot or an IPv6 address's brackets."""
    name = name.strip().strip("[]").rstrip(".").lower()
    try:
        return name.encode("idna").decode("ascii")
    except UnicodeError:
        return name


class _PinnedHTTPConnection(HTTPConnection):
    """An http connection made by the fetch's guard (to the address it checked)."""

    def __init__(self, host: str, *, guard: _FetchGuard, **kwargs: object) -> None:
        super().__init__(host, **kwargs)
        self.guard = guard

    def connect(self) -> None:
        sys.audit("http.client.connect", self, self.host, self.port)
        self.sock = self.guard.connect(self.host, self.port, self.timeout)


class _PinnedHTTPSConnection(HTTPSConnection):
    """An https connection made by the fetch's guard; the certificate and SNI are the name's, not the address's."""

    def __init__(self, host: str, *, guard: _FetchGuard, **kwargs: object) -> None:
        super().__init__(host, **kwargs)
        self.guard = guard

    def connect(self) -> None:
        sys.audit("http.client.connect", self, self.host, self.port)
        connection = self.guard.connect(self.host, self.port, self.timeout)
        self.sock = self._context.wrap_socket(connection, server_hostname=self.host)


class _PinnedHTTPHandler(HTTPHandler):
    def __init__(self, guard: _FetchGuard) -> None:
        super().__init__()
        self.guard = guard

    def http_open(self, req: Request) -> HTTPResponse:
        return self.do_open(_PinnedHTTPConnection, req, guard=self.guard)


class _PinnedHTTPSHandler(HTTPSHandler):
    def __init__(self, guard: _FetchGuard) -> None:
        super().__init__()
        self.guard = guard

    def https_open(self, req: Request) -> HTTPResponse:
        return self.do_open(_PinnedHTTPSConnection, req, guard=self.guard, context=self._context)


class _WebRedirects(HTTPRedirectHandler):
    """Follow redirects only to http(s) addresses (urllib's own handler also follows ftp://);
    the new address's server is checked by the guard like the first."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # noqa: ANN001, ANN201
        if urlsplit(newurl).scheme.lower() not in WEB_SCHEMES:
            raise HTTPError(newurl, code, f"{msg}, a redirect to {newurl}, which is not a web address", headers, fp)
        return super().redirect_request(req, fp, code, msg, headers, newurl)
