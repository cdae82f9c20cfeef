"""Category 8: server-side request forgery through the URL import, against a local origin that
redirects to loopback, metadata and file: addresses, and drips a byte a second."""

from __future__ import annotations

import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bench.attack.results import category, check, note
from bench.attack.world import World
from factcheck.models import Article

ARTICLE_PAGE = (b"<html><head><title>Bridge reopens</title></head><body><article><h1>Bridge reopens</h1>"
                b"<p>The bridge on Mill Lane reopened on Friday after six months of repairs, the council said.</p>"
                b"<p>Traffic returned at once, and the council said the repairs cost 2.4 million pounds.</p>"
                b"</article></body></html>")


class Origin(BaseHTTPRequestHandler):
    """The local sites the probes point the server at: a page, redirects, and a server that drips."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        port = self.server.server_address[1]
        targets = {"/to-loopback": f"http://127.0.0.1:{port}/", "/to-metadata": "http://169.254.169.254/latest/meta-data/",
                   "/to-file": "file:///etc/passwd", "/to-mapped": f"http://[::ffff:127.0.0.1]:{port}/"}
        if self.path in targets:
            self.send_response(302)
            self.send_header("Location", targets[self.path])
            self.end_headers()
        elif self.path == "/drip":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            try:
                for _ in range(90):
                    self.wfile.write(b" ")
                    self.wfile.flush()
                    time.sleep(1)
            except OSError:
                return
        else:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(ARTICLE_PAGE)

    def log_message(self, *args: object) -> None:
        pass


def ssrf(world: World) -> None:
    name = category(8)
    admin, db = world.clients["admin"], world.db
    origin = ThreadingHTTPServer(("127.0.0.1", 0), Origin)
    threading.Thread(target=origin.serve_forever, daemon=True).start()
    port = origin.server_address[1]
    refused = [
        f"http://127.0.0.1:{port}/", f"http://127.0.0.1:{world.main.port}/login", "http://[::1]/", f"http://[::1]:{port}/",
        f"http://[::ffff:127.0.0.1]:{port}/", "http://169.254.169.254/latest/meta-data/", "http://10.0.0.1/",
        "http://192.168.1.1/", "http://100.64.0.1/", f"http://0.0.0.0:{port}/", "http://2130706433/", "http://0x7f.0.0.1/",
        "http://no-such-host.invalid/", f"http://localhost.:{port}/to-loopback",
        f"http://localhost:{port}/to-loopback", f"http://localhost:{port}/to-metadata", f"http://localhost:{port}/to-file",
        f"http://localhost:{port}/to-mapped", "file:///etc/passwd", "gopher://127.0.0.1:25/",
    ]
    for address in refused:
        before = db.count(Article)
        answer = admin.post("/articles", {"import_url": address})
        stored = db.count(Article) - before
        check(name, 400 <= answer.status < 500 and stored == 0 and answer.seconds < 21,
              f"import {address} -> {answer.status} in {answer.seconds:.1f} s, {stored} stored")
    answer = admin.post("/articles", {"import_url": f"http://localhost:{port}/"})
    check(name, answer.status == 303, f"control: the allowed host (FETCH_PRIVATE_HOSTS=localhost) -> {answer.status}")
    before = db.count(Article)
    answer = admin.post("/articles", {"import_url": f"http://localhost:{port}/drip"})
    stored = db.count(Article) - before
    check(name, 400 <= answer.status < 500 and 19 <= answer.seconds <= 23 and stored == 0,
          f"a byte a second: {answer.status} after {answer.seconds:.1f} s, {stored} stored (deadline 20 s)")
    note(name, f"a byte a second from an allowed host: {answer.status} after {answer.seconds:.1f} s")
    origin.shutdown()
    note(name, "a redirect from a public host needs the internet: redirects were tried from the allowed intranet "
               "name (localhost) to hosts not named instead")

