"""The servers and commands the probes run against: gunicorn as Deployment runs it, `factcheck` commands."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

from bench.attack import ROOT
from bench.attack.client import Client

GUNICORN_CONFIG = "control_socket_disable = True\n"


def environment(database_url: str, instance: Path, **settings: str) -> dict[str, str]:
    """This process's environment without any factcheck, gunicorn or forwarding setting, then the
    run's database and instance folder, the worktree on PYTHONPATH, and FACTCHECK_<name> settings."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("FACTCHECK_", "GUNICORN_", "FORWARDED_"))}
    env |= {"FACTCHECK_DATABASE_URL": database_url, "FACTCHECK_INSTANCE_PATH": str(instance),
            "FACTCHECK_MATCH_IN_BACKGROUND": "false", "PYTHONPATH": str(ROOT)}
    return env | {f"FACTCHECK_{k}": v for k, v in settings.items()}


def factcheck_command(database_url: str, instance: Path, *args: str) -> subprocess.CompletedProcess:
    """`factcheck <args>` on the run's database, its output captured."""
    return subprocess.run([sys.executable, "-m", "factcheck", *args], capture_output=True, text=True,
                          env=environment(database_url, instance), timeout=600)


class Server:
    """`gunicorn -w 1 -b 127.0.0.1:0 factcheck.wsgi:app` on the run's database, with some settings."""

    def __init__(self, folder: Path, database_url: str, instance: Path, name: str, *options: str, **settings: str) -> None:
        (folder / "gunicorn.conf.py").write_text(GUNICORN_CONFIG)
        self.log = folder / f"gunicorn-{name}.log"
        command = [sys.executable, "-m", "gunicorn", "-w", "1", "-b", "127.0.0.1:0", "-c", str(folder / "gunicorn.conf.py"),
                   "--timeout", "120", "--graceful-timeout", "5", *options, "factcheck.wsgi:app"]
        with open(self.log, "wb") as output:
            self.process = subprocess.Popen(command, cwd=folder, env=environment(database_url, instance, **settings),
                                            stdout=output, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 60
        self.port = 0
        while time.monotonic() < deadline:
            found = re.search(r"Listening at: http://127\.0\.0\.1:(\d+)", self.log.read_text())
            if found and self.worker_pid():
                self.port = int(found[1])
                if Client(self.port).get("/login").status == 200:
                    return
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise SystemExit(f"gunicorn did not start:\n{self.log.read_text()[-3000:]}")

    def client(self, headers: dict[str, str] | None = None) -> Client:
        """A new browser, signed in as no one."""
        return Client(self.port, headers)

    def worker_pid(self) -> int | None:
        try:
            children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()
        except OSError:
            return None
        return int(children[0]) if children else None

    def memory(self) -> tuple[int, int]:
        """The worker's resident memory and its peak so far, in MB."""
        status = Path(f"/proc/{self.worker_pid()}/status").read_text()
        kb = [int(re.search(rf"{key}:\s+(\d+)", status)[1]) for key in ("VmRSS", "VmHWM")]
        return kb[0] // 1024, kb[1] // 1024

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
