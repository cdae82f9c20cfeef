"""Pages served again while nothing they show has changed.

A page drawn for a signed-in user is kept in this process's memory under everything it was drawn
from: the page's arguments as the view reads them (so a query with junk in it is the same page),
whether htmx asked for a fragment, the user's id, name and role, the session's CSRF token (every
form carries it), and the change stamps of the scopes it shows, read from the database
(factcheck.domain.changes). Any change to those rows, made by any process,
bumps a stamp in its own transaction, so the next request reads a new key and draws the page
afresh: a stale page is never served, and nothing has to be told to forget one.

Only whole successful answers are kept (status 200, no htmx instructions), least recently used
first out, within PAGE_CACHE_MB megabytes per process (0 turns the cache off).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable

from flask import Flask, Response, current_app, request

from factcheck.db import get_session
from factcheck.domain.changes import stamps
from factcheck.views.auth import current_user
from factcheck.views.web import csrf_token, html_response, wants_fragment


class PageCache:
    """Least recently used pages within a byte budget; safe to share between threads."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._pages: OrderedDict[Hashable, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> bytes | None:
        with self._lock:
            body = self._pages.get(key)
            if body is not None:
                self._pages.move_to_end(key)
            return body

    @staticmethod
    def _cost(key: Hashable, body: bytes) -> int:
        return len(body) + len(repr(key))  # the key's strings count too

    def put(self, key: Hashable, body: bytes) -> None:
        size = self._cost(key, body)
        if size > self.max_bytes:
            return
        with self._lock:
            old = self._pages.pop(key, None)
            self._size -= self._cost(key, old) if old is not None else 0
            self._pages[key] = body
            self._size += size
            while self._size > self.max_bytes:
                dropped_key, dropped = self._pages.popitem(last=False)
                self._size -= self._cost(dropped_key, dropped)

    def __len__(self) -> int:
        return len(self._pages)


def served_again(scopes: Iterable[str], page: Hashable, draw: Callable[[], Response]) -> Response:
    """The page kept for these arguments (`page`: all the view reads of the request, normalised)
    and these stamps, or `draw()`'s answer, kept if it is a whole successful page."""
    cache: PageCache | None = current_app.extensions.get("factcheck.page_cache")
    user = current_user()
    if cache is None or user is None:
        return draw()
    key = (
        request.endpoint,
        page,
        wants_fragment(),
        user.id,
        user.name,  # read before the stamps: a rename in between must not be kept under the new ones
        user.role,
        csrf_token(),
        stamps(get_session(), scopes),
    )
    body = cache.get(key)
    if body is not None:
        return html_response(body)
    response = draw()
    if response.status_code == 200 and not any(name.startswith("HX-") for name, _ in response.headers):
        cache.put(key, response.get_data())
    return response


def init_app(app: Flask) -> None:
    """Give the app its page cache (none when PAGE_CACHE_MB is 0)."""
    megabytes = float(app.config["PAGE_CACHE_MB"])
    if megabytes > 0:
        app.extensions["factcheck.page_cache"] = PageCache(int(megabytes * 1024 * 1024))
