"""Memory per gunicorn worker over thousands of requests, beside a bare Flask app's workers.

Starts factcheck under gunicorn (2 sync workers, `factcheck.wsgi:app`) on a new instance folder
(SQLite, an admin made with `factcheck create-user`), and beside it a bare Flask app whose one
route returns "hello", served the same way. A client logs in, imports the seed article (with a
line of its own, so each round's is new) and, --rounds times, sends --requests requests: the
pages a reviewer opens (home, the review page, My queue, assignments, agreement, users, scales,
the report and the exports) and every fourth request a claim card and a save. After each round it
prints each worker's resident memory (VmRSS) and peak (VmHWM, which includes the 64 MiB a login's
argon2id hash takes for a moment), and hello's workers' after the same number of requests.

Exits 1 if a factcheck worker ends above the issue's target, 120 MB resident.

    .venv/bin/python bench/worker_memory.py [DATA_DIR] [--rounds 4] [--requests 2000] [--page-cache-mb N]

DATA_DIR (default ../shared/data) holds seed-article.txt.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
PASSWORD = "bench password 1234"
TARGET_MB = 120
HELLO = "from flask import Flask\napp = Flask(__name__)\n\n@app.get('/')\ndef hello():\n    return 'hello'\n"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Client:
    """One signed-in browser, as plain HTTP requests with a cookie jar."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None, headers: dict | None = None):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        sent = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()), **(headers or {})}
        body = None
        if form is not None:
            body = urllib.parse.urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body, sent)
        response = connection.getresponse()
        text = response.read().decode()
        connection.close()
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.split(";")[0].partition("=")
                self.cookies[key] = rest
        return response, text

    def token(self, path: str = "/articles/new") -> str:
        return re.search(r'name="csrf_token" value="([^"]+)"', self.request("GET", path)[1])[1]


def serve(app: str, port: int, env: dict[str, str], log: Path) -> subprocess.Popen:
    command = [str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning", app]
    process = subprocess.Popen(command, env=env, stdout=log.open("w"), stderr=subprocess.STDOUT, cwd=env.get("CWD", ROOT))
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit(f"gunicorn did not start: {log.read_text()[-2000:]}")


def workers(master: subprocess.Popen) -> list[int]:
    children = Path(f"/proc/{master.pid}/task/{master.pid}/children").read_text().split()
    return sorted(int(pid) for pid in children)


def memory(pid: int) -> tuple[float, float]:
    """Resident and peak resident megabytes of a process."""
    status = Path(f"/proc/{pid}/status").read_text()
    found = {key: int(value.split()[0]) / 1024 for key, value in re.findall(r"^(VmRSS|VmHWM):\s+(.*)$", status, re.M)}
    return found["VmRSS"], found["VmHWM"]


def review_round(client: Client, seed: str, requests: int) -> None:
    """Import a new copy of the seed, then `requests` requests a reviewer would send."""
    token = client.token()
    response, _ = client.request("POST", "/articles", {"text": f"{seed}\n\nThe council said {time.time()} buses ran late.",
                                                       "csrf_token": token})
    article = response.getheader("Location").rsplit("/", 1)[1]
    claims = re.findall(r'id="row-(\d+)"', client.request("GET", f"/articles/{article}?show=all")[1])
    pages = ["/", f"/articles/{article}", f"/articles/{article}?show=all", "/queue", "/assignments", "/agreement",
             "/users", "/scales", f"/articles/{article}/report", f"/articles/{article}/report.md",
             f"/articles/{article}/export.json"]
    for number in range(requests):
        if number % 4 == 3:
            claim = claims[number % len(claims)]
            card = client.request("GET", f"/claims/{claim}", headers={"HX-Request": "true"})[1]
            version = re.search(r'data-version="(\d+)"', card)[1]
            form = {"csrf_token": token, "rationale": f"Checked {number}.", "status": "in_progress", "version": version}
            client.request("POST", f"/claims/{claim}", form, {"HX-Request": "true"})
        else:
            client.request("GET", pages[number % len(pages)])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--page-cache-mb", type=float, default=None, help="FACTCHECK_PAGE_CACHE_MB (default: the app's)")
    args = parser.parse_args()
    seed = (args.data / "seed-article.txt").read_text(encoding="utf-8")
    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        env = {**os.environ, "FACTCHECK_INSTANCE_PATH": str(folder / "instance")}
        if args.page_cache_mb is not None:
            env["FACTCHECK_PAGE_CACHE_MB"] = str(args.page_cache_mb)
        subprocess.run([str(BIN / "factcheck"), "db", "upgrade"], env=env, check=True, capture_output=True)
        subprocess.run([str(BIN / "factcheck"), "create-user", "admin", "--role", "admin"], env=env, check=True,
                       input=f"{PASSWORD}\n", text=True, capture_output=True)
        (folder / "hello_app.py").write_text(HELLO)
        factcheck_port, hello_port = free_port(), free_port()
        factcheck = serve("factcheck.wsgi:app", factcheck_port, env, folder / "factcheck.log")
        hello = serve("hello_app:app", hello_port, {**env, "CWD": str(folder), "PYTHONPATH": str(folder)}, folder / "hello.log")
        try:
            client = Client(factcheck_port)
            client.request("POST", "/login", {"username": "admin", "password": PASSWORD, "csrf_token": client.token("/login")})
            hello_client = Client(hello_port)
            print(f"2 gunicorn sync workers each; {args.requests} requests a round; "
                  f"page cache {env.get('FACTCHECK_PAGE_CACHE_MB', 'default')} MB")
            print("| after requests | factcheck workers resident MB | factcheck peak MB | hello workers resident MB |")
            print("|---:|---|---|---|")
            start = [memory(pid) for pid in workers(factcheck)]
            hello_start = [memory(pid) for pid in workers(hello)]
            print(f"| 0 | {', '.join(f'{r:.0f}' for r, _ in start)} | {', '.join(f'{p:.0f}' for _, p in start)} | "
                  f"{', '.join(f'{r:.0f}' for r, _ in hello_start)} |")
            for round_number in range(1, args.rounds + 1):
                review_round(client, seed, args.requests)
                for _ in range(args.requests):
                    hello_client.request("GET", "/")
                found = [memory(pid) for pid in workers(factcheck)]
                hello_found = [memory(pid) for pid in workers(hello)]
                print(f"| {round_number * args.requests:,} | {', '.join(f'{r:.0f}' for r, _ in found)} | "
                      f"{', '.join(f'{p:.0f}' for _, p in found)} | {', '.join(f'{r:.0f}' for r, _ in hello_found)} |")
        finally:
            for process in (factcheck, hello):
                process.terminate()
                process.wait(timeout=30)
    worst = max(resident for resident, _ in found)
    print(f"{'met' if worst <= TARGET_MB else 'MISSED'}: the largest factcheck worker ends at {worst:.0f} MB "
          f"(target <= {TARGET_MB} MB resident)")
    return 0 if worst <= TARGET_MB else 1


if __name__ == "__main__":
    sys.exit(main())
