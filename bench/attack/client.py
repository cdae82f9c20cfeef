"""HTTP as a browser speaks it: one cookie jar, the session's CSRF token, forms, uploads, login."""

from __future__ import annotations

import http.client
import os
import time
from dataclasses import dataclass
from urllib.parse import urlencode

from bs4 import BeautifulSoup

PASSWORD = "correct horse battery staple"


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    seconds: float

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")

    def header(self, name: str) -> str:
        return self.headers.get(name, "")

    def page(self) -> BeautifulSoup:
        return BeautifulSoup(self.text, "html.parser")


class Client:
    """A browser's share of HTTP: one cookie jar, the CSRF token of its session, forms and uploads."""

    def __init__(self, port: int, headers: dict[str, str] | None = None) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.headers = dict(headers or {})
        self.csrf = ""
        self.set_cookies: list[str] = []

    def request(self, method: str, path: str, form: dict | None = None, *, files: dict | None = None,
                headers: dict[str, str] | None = None, htmx: bool = False) -> Answer:
        sent = {**self.headers, **(headers or {})}
        if htmx:
            sent["HX-Request"] = "true"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if files is not None:
            body, sent["Content-Type"] = multipart(form or {}, files)
        elif form is not None:
            body = urlencode(form, doseq=True).encode()
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            connection.request(method, path, body=body, headers=sent)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()
        self.set_cookies = response.headers.get_all("Set-Cookie") or []
        for cookie in self.set_cookies:
            name, _, rest = cookie.partition("=")
            value = rest.split(";", 1)[0]
            if value and "Expires=Thu, 01 Jan 1970" not in cookie and "Max-Age=0" not in cookie:
                self.cookies[name] = value
            else:
                self.cookies.pop(name, None)
        return Answer(response.status, response.headers, data, time.perf_counter() - started)

    def get(self, path: str, **kwargs) -> Answer:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, form: dict | None = None, *, token: bool = True, **kwargs) -> Answer:
        """POST with this session's CSRF token (unless told not to, or the form names its own)."""
        form = dict(form or {})
        if token and "csrf_token" not in form:
            form["csrf_token"] = self.token()
        return self.request("POST", path, form, **kwargs)

    def send(self, method: str, path: str, form: dict | None = None, **kwargs) -> Answer:
        """GET, or POST with the token when this client has a session, without one otherwise."""
        if method == "GET":
            return self.get(path, **kwargs)
        return self.post(path, form, token="session" in self.cookies, **kwargs)

    def token(self) -> str:
        if not self.csrf:
            page = self.get("/account/password" if "session" in self.cookies else "/login").page()
            found = page.find("input", attrs={"name": "csrf_token"})
            if found is None:  # not signed in (any more): the login page's
                found = self.get("/login").page().find("input", attrs={"name": "csrf_token"})
            self.csrf = found["value"]
        return self.csrf

    def log_in(self, username: str, password: str = PASSWORD) -> Answer:
        self.csrf = ""
        answer = self.post("/login", {"username": username, "password": password})
        self.csrf = ""
        return answer


def multipart(form: dict, files: dict[str, tuple[str, bytes]]) -> tuple[bytes, str]:
    boundary = "----attack" + os.urandom(8).hex()
    parts = []
    for name, value in form.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode())
    for name, (filename, content) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                     f"Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def from_address(port: int, address: str) -> Client:
    """A client behind the trusted proxy, naming its address in X-Forwarded-For."""
    return Client(port, {"X-Forwarded-For": address})


def to_login(answer: Answer) -> bool:
    """The answer a closed route gives someone not signed in: a redirect, or htmx's HX-Redirect."""
    return (answer.status == 303 and answer.header("Location").startswith("/login")) or (
        answer.status == 401 and answer.header("HX-Redirect").startswith("/login"))
