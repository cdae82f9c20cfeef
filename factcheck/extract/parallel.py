"""`factcheck split --batch`: JSON lines in, claims out, in this process or in forked workers.

This module imports neither click nor Flask. The console script (factcheck/__main__.py) hands it
a plain `factcheck split --batch [--jobs N] [FILE]` directly (`run_batch_command`), since bulk
users run the command once per batch and importing click would be a large part of a small
batch's time; any other arguments, `--help` and bad options go to the click command in
factcheck/extract/command.py, which calls the same `split_batch`.

A large batch is split by several processes (`--jobs N`; by default, or with 0, one per CPU): the
input is cut into one contiguous shard per process, forked workers split all but the first shard
while this process splits the first, and the outputs are written in input order, so the output is
the same whatever the number of processes.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from itertools import chain

from factcheck.errors import InvalidInput
from factcheck.extract.batch import split_lines

TYPE_CHECKING = False  # not typing's: importing it is a few ms of the command's start-up
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import BinaryIO, TextIO

# Below this much input a batch is split in this process, and each process is given about half
# of it or more: forking a worker and passing its output back would cost more than it saves.
PARALLEL_MIN_BYTES = 256_000


class BatchError(InvalidInput):
    """A line of the batch that is not {"id": ..., "text": "..."}; the message names the line."""


def default_jobs() -> int:
    """The number of CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def split_batch(source: BinaryIO | Iterable[bytes], out: TextIO, jobs: int | None = None) -> None:
    """Split each JSON line {"id", "text"} of `source`; write {"id", "claims"} per line to `out`.

    A bad line raises BatchError, with its line number, after the lines before it are written.
    Up to `jobs` processes (None or 0: one per CPU; 1: this process only, as on a system without
    fork) share a batch of at least PARALLEL_MIN_BYTES: no more processes than there are halves
    of that in the batch, each given a run of lines of about the same size.
    """
    jobs = jobs or default_jobs()
    if jobs > 1 and hasattr(os, "fork") and hasattr(source, "readlines"):
        head = source.readlines(PARALLEL_MIN_BYTES)
        if sum(map(len, head)) >= PARALLEL_MIN_BYTES:
            lines = head + source.readlines()
            shards = sum(map(len, lines)) // max(1, PARALLEL_MIN_BYTES // 2)
            _split_in_workers(lines, out, min(jobs, shards))
            return
        source = chain(head, source)
    error = split_lines(source, 1, out.write)
    if error:
        raise BatchError(error)


def _shards(lines: list[bytes], count: int) -> list[tuple[int, list[bytes]]]:
    """`lines` cut into `count` runs of about the same size, each with its first line's number."""
    target = sum(map(len, lines)) / count
    shards: list[tuple[int, list[bytes]]] = []
    start = 0
    size = 0
    for index, line in enumerate(lines):
        size += len(line)
        if size >= target * (len(shards) + 1) and len(shards) < count - 1:
            shards.append((start + 1, lines[start : index + 1]))
            start = index + 1
    shards.append((start + 1, lines[start:]))
    return shards


def _split_in_workers(lines: list[bytes], out: TextIO, jobs: int) -> None:
    """Split `lines` in `jobs` processes (this one and forked workers) and write in order."""
    first, *rest = _shards(lines, jobs)
    out.flush()  # a forked worker would otherwise write what is still buffered once more
    workers = [_fork_worker(number, shard) for number, shard in rest]
    try:
        error = split_lines(first[1], first[0], out.write)
        for index, (pid, pipe) in enumerate(workers):
            if error:
                break
            with open(pipe, "rb") as output:
                payload = output.read()
            workers[index] = (pid, -1)
            _, status = os.waitpid(pid, 0)
            header, _, text = payload.partition(b"\n")
            if status or not header:
                raise RuntimeError(f"a worker splitting the batch failed (status {status})")
            _write_utf8(out, text)
            error = json.loads(header)
    finally:
        for pid, pipe in workers:  # left after an error: not needed any more
            if pipe >= 0:
                os.close(pipe)
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
    if error:
        raise BatchError(error)


def _write_utf8(out: TextIO, data: bytes) -> None:
    """Write a worker's UTF-8 output to `out`: as it is to a UTF-8 stream's buffer (stdout),
    saving a decode and an encode of each worker's share of the batch."""
    buffer = getattr(out, "buffer", None)
    if buffer is not None and getattr(out, "encoding", "").lower().replace("-", "") == "utf8":
        out.flush()
        buffer.write(data)
    else:
        out.write(data.decode("utf-8"))


def _fork_worker(first_number: int, lines: list[bytes]) -> tuple[int, int]:
    """Fork a process that splits `lines` and sends back its error (JSON) on one line, then
    its output; return its pid and the pipe to read that from."""
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid:
        os.close(write_end)
        return pid, read_end
    status = 1
    try:
        os.close(read_end)
        parts: list[str] = []
        error = split_lines(lines, first_number, parts.append)
        parts.insert(0, json.dumps(error) + "\n")
        with open(write_end, "wb") as pipe:  # no lone surrogates: split_lines refuses them
            pipe.write("".join(parts).encode("utf-8"))
        status = 0
    except BaseException:  # noqa: BLE001 - the parent reports the failure
        import traceback

        traceback.print_exc()
    finally:
        os._exit(status)


def run_batch_command(args: list[str]) -> bool:
    """Run `factcheck split ARGS` if ARGS are `--batch`, maybe `--jobs N` and a FILE; return
    False (doing nothing) for anything else, which the click command then handles."""
    batch = False
    jobs: int | None = None
    path: str | None = None
    remaining = iter(args)
    for arg in remaining:
        if arg == "--batch" and not batch:
            batch = True
        elif arg.startswith("--jobs") and jobs is None:
            value = arg[7:] if arg.startswith("--jobs=") else next(remaining, "") if arg == "--jobs" else ""
            if not value.isdigit() or not value.isascii() or len(value) > 4:
                return False
            jobs = int(value)
        elif not arg.startswith("-") and path is None:
            path = arg
        else:
            return False
    if not batch:
        return False
    try:
        source = open(path, "rb") if path is not None else sys.stdin.buffer  # noqa: SIM115
    except OSError:
        return False  # click's own message for a file it cannot open
    # What click's standalone mode does with these, so that both paths end alike.
    try:
        split_batch(source, sys.stdout, jobs)
    except BatchError as error:
        sys.stdout.flush()
        print(f"Error: {error}", file=sys.stderr)
        sys.exit(1)
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # nothing more to flush
        sys.exit(1)
    except KeyboardInterrupt:
        print("\nAborted!", file=sys.stderr)
        sys.exit(1)
    finally:
        if path is not None:
            source.close()
    return True
