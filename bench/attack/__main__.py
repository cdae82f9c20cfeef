"""The run: start the servers, seed the newsroom, run the categories asked for, print the table."""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import traceback
from pathlib import Path

import bench.attack
from bench.attack.access import authorization
from bench.attack.audit import audit_log
from bench.attack.ids_and_headers import huge_ids, malformed_current_url
from bench.attack.input import malformed_exports, nul_in_forms
from bench.attack.leaks import leaks, report_inertness
from bench.attack.logins import login_throttle, sessions
from bench.attack.results import RESULTS, SHOWN_FAILURES, category, check
from bench.attack.server import Server, factcheck_command
from bench.attack.snapshot import Database
from bench.attack.ssrf import ssrf
from bench.attack.uploads import hostile_uploads
from bench.attack.world import World, build_world


def report(database: str) -> int:
    print(f"\nAttack run on {database}\n")
    print("| category | probes | held | broke | wall s |")
    print("|---|---:|---:|---:|---:|")
    for name, tally in RESULTS.items():
        print(f"| {name} | {tally.tried:,} | {tally.tried - len(tally.broke):,} | {len(tally.broke)} | {tally.seconds:.0f} |")
    for name, tally in RESULTS.items():
        for words in tally.notes:
            print(f"- {name}: {words}")
    total = sum(t.tried for t in RESULTS.values())
    broke = sum(len(t.broke) for t in RESULTS.values())
    print(f"\n{total:,} probes, {total - broke:,} held, {broke} broke.")
    for name, tally in RESULTS.items():
        if tally.broke:
            print(f"\n{name}: {len(tally.broke)} broke, the first {min(SHOWN_FAILURES, len(tally.broke))}:")
            for failure in tally.broke[:SHOWN_FAILURES]:
                print(f"  - {failure}")
    return 1 if broke else 0


def run_steps(world: World, only: set[int], flood_seconds: float) -> None:
    """Each category asked for, in an order where none disturbs the next (the throttle and the
    audit log last), timed; a probe that cannot run counts as broken."""
    steps = [(1, huge_ids), (2, malformed_current_url), (3, nul_in_forms), (9, leaks), (10, report_inertness),
             (4, malformed_exports), (5, hostile_uploads), (8, ssrf), (12, authorization), (7, sessions),
             (6, lambda w: login_throttle(w, flood_seconds)), (11, audit_log)]
    for number, step in steps:
        if number not in only:
            continue
        name = category(number)
        started = time.perf_counter()
        print(f"{name} ...", flush=True)
        try:
            step(world)
        except Exception as error:  # noqa: BLE001 (a probe that cannot run is a failure, reported)
            traceback.print_exc()
            check(name, False, f"the probe run stopped: {type(error).__name__}: {error}")
        tally = RESULTS[name]
        tally.seconds += time.perf_counter() - started
        print(f"  {tally.tried:,} probes, {len(tally.broke)} broke, {tally.seconds:.0f} s", flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.attack", description=bench.attack.__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", metavar="URL", help="a PostgreSQL database at the latest revision (else a new SQLite file)")
    parser.add_argument("--flood-seconds", type=float, default=120.0,
                        help="how long junk logins from many addresses go on (each hashes a password)")
    parser.add_argument("--only", help="comma-separated category numbers to run (the seeding always runs)")
    options = parser.parse_args()
    only = {int(n) for n in options.only.split(",")} if options.only else set(range(1, 13))
    with tempfile.TemporaryDirectory(prefix="factcheck-attack-") as temp:
        folder = Path(temp)
        instance = folder / "instance"
        database_url = options.postgres or f"sqlite:///{instance / 'factcheck.sqlite'}"
        upgraded = factcheck_command(database_url, instance, "db", "upgrade")
        if upgraded.returncode:
            raise SystemExit(f"factcheck db upgrade failed: {upgraded.stderr}")
        # gunicorn believes X-Forwarded-Proto from 127.0.0.1 (its --forwarded-allow-ips default, README's
        # Deployment): the main server trusts another address, so the probes reach it as a direct client would.
        main_server = Server(folder, database_url, instance, "main", "--forwarded-allow-ips", "192.0.2.1",
                             FETCH_PRIVATE_HOSTS="localhost")
        proxied = Server(folder, database_url, instance, "proxied", TRUSTED_PROXIES="1")
        db = Database(database_url)
        try:
            world = build_world(main_server, db, folder)
            world.proxied = proxied
            import factcheck

            print(f"gunicorn on 127.0.0.1:{main_server.port} and, behind a trusted proxy, :{proxied.port}; "
                  f"database {database_url.split('@')[-1]}; factcheck from {Path(factcheck.__file__).parent}", flush=True)
            run_steps(world, only, options.flood_seconds)
        finally:
            main_server.stop()
            proxied.stop()
            db.engine.dispose()
        for name in list(RESULTS):
            if int(name.split()[0]) not in only:
                del RESULTS[name]
        return report("PostgreSQL" if options.postgres else "SQLite")


if __name__ == "__main__":
    sys.exit(main())
