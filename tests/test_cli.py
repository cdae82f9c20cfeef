"""The factcheck command: split, import, export, and Flask's own commands."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from flask.cli import ScriptInfo
from sqlmodel import func, select

from factcheck import create_app
from factcheck.commands import cli
from factcheck.extract import parallel as split_batch_module
from factcheck.extract import split_offsets
from factcheck.extract.command import split_command
from factcheck.extract.parallel import BatchError, split_batch
from factcheck.models import Article, Claim
from tests.conftest import DATA, claims_of, post, rating, restorable


@pytest.fixture
def invoke(app):
    """Run `factcheck ARGS...` against the test app; stderr is kept apart from stdout."""

    def run(*args: str, input: str | bytes | None = None):
        return CliRunner().invoke(cli, list(args), input=input, obj=ScriptInfo(create_app=lambda: app))

    return run


def test_split_prints_one_json_line_per_claim(invoke, seed_text):
    result = invoke("split", str(DATA / "seed-article.txt"))
    assert result.exit_code == 0, result.stderr
    claims = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(claims) == 25
    assert all(set(c) == {"start", "end", "text"} and seed_text[c["start"] : c["end"]] == c["text"] for c in claims)


def test_split_reads_stdin(invoke):
    result = invoke("split", input=b"Kyiv said so. Moscow denied it.")
    assert [json.loads(line)["text"] for line in result.stdout.splitlines()] == ["Kyiv said so.", "Moscow denied it."]


def test_split_batch_keeps_ids(invoke, seed_text):
    lines = [json.dumps({"id": "seed", "text": seed_text}), "", json.dumps({"id": 7, "text": "One. Two."})]
    result = invoke("split", "--batch", input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["seed", 7]
    assert len(out[0]["claims"]) == 25
    assert [c["text"] for c in out[1]["claims"]] == ["One.", "Two."]


@pytest.mark.parametrize(
    ("args", "input", "message"),
    [
        (["split", "--batch"], "not json\n", "line 1: not a JSON object"),
        (["split", "--batch"], '{"id": 1}\n', 'line 1: expected {"id": ..., "text": "..."}'),
        (["split"], b"\xff\xfe\xfa", "not UTF-8 text"),
        (["export", "999"], None, "there is no article 999"),
        (["export", "1", "--format", "pdf"], None, "Invalid value for '--format'"),
    ],
)
def test_bad_cli_input_exits_non_zero_with_a_message(invoke, args, input, message):
    result = invoke(*args, input=input)
    assert result.exit_code != 0
    assert message in result.stderr
    assert result.stdout == ""


def test_import_prints_new_ids_and_reports_bad_files(invoke, db, tmp_path, seed_text):
    good = tmp_path / "seed.txt"
    good.write_text(seed_text, encoding="utf-8")
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("Caf\xe9 ouvert.".encode("latin-1"))
    empty = tmp_path / "empty.md"
    empty.write_text("  \n")
    result = invoke("import", str(good), str(bad), str(empty), str(tmp_path / "missing.txt"))
    assert result.exit_code == 1
    assert result.stdout.split() == ["1"]
    errors = result.stderr.splitlines()
    assert len(errors) == 4
    assert errors[3] == "factcheck import: imported 1, skipped 0 as duplicate, failed 3."
    assert "latin1.txt: not UTF-8 text" in errors[0]
    assert "empty.md: text: the article is empty" in errors[1]
    assert "missing.txt" in errors[2]
    assert db.exec(select(func.count()).select_from(Article)).one() == 1
    assert db.exec(select(func.count()).select_from(Claim)).one() == 25


def test_export_md_and_json_to_a_file(invoke, client, db, seed_article, tmp_path):
    claim = claims_of(db, seed_article)[0]
    post(client, f"/claims/{claim.id}", {"verdict": str(rating(db, "Half true").id), "status": "needs_second_review"}, htmx=True)
    out = tmp_path / "report.md"
    result = invoke("export", str(seed_article), "--format", "md", "-o", str(out))
    assert result.exit_code == 0, result.stderr
    assert out.read_text(encoding="utf-8") == client.get(f"/articles/{seed_article}/report.md").get_data(as_text=True)
    result = invoke("export", str(seed_article), "--format", "json")
    assert json.loads(result.stdout)["claims"][0]["verdict"] == "Half true"


def test_json_export_import_export_round_trip_is_lossless(invoke, client, db, seed_article, tmp_path):
    claims = claims_of(db, seed_article)
    post(client, f"/claims/{claims[4].id}", {"verdict": str(rating(db, "False").id), "status": "needs_second_review", "rationale": "See *maps*."}, htmx=True)
    post(client, f"/claims/{claims[4].id}/sources", {"url": "https://example.org/x", "title": "X", "publisher": "P",
                                                     "quote": "q", "stance": "refutes", "accessed": "2025-05-01"}, htmx=True)
    exported = tmp_path / "article.json"
    assert invoke("export", str(seed_article), "--format", "json", "-o", str(exported)).exit_code == 0

    fresh = create_app({"TESTING": True, "DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite'}", "SECRET_KEY": "k"})
    run = lambda *args: CliRunner().invoke(cli, list(args), obj=ScriptInfo(create_app=lambda: fresh))  # noqa: E731
    imported = run("import", str(exported))
    assert imported.exit_code == 0, imported.stderr
    again = run("export", imported.stdout.strip(), "--format", "json")
    assert restorable(json.loads(again.stdout)) == restorable(json.loads(exported.read_text()))
    assert json.loads(exported.read_text())["claims"][4]["reviewer"]  # the web save's author: not restored
    fresh.extensions["factcheck.engine"].dispose()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda r: r.update(format="other/1"), "Not a factcheck export"),
        (lambda r: r["claims"][0].update(text="tampered"), "claims[0]: text is not the article text"),
        (lambda r: r["claims"][0].update(end=10**9), "claims[0]: start and end must be offsets"),
        (lambda r: r["claims"][2].update(verdict="Pants on Fire"), "claims[2]: verdict 'Pants on Fire' is not on"),
        (lambda r: r["claims"][1].update(sources=[{"url": "javascript:x"}]), "claims[1].sources[0]: url: must be an http"),
    ],
)
def test_importing_a_bad_export_stores_nothing(invoke, client, db, seed_article, tmp_path, change, message):
    record = json.loads(client.get(f"/articles/{seed_article}/export.json").data)
    change(record)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(record))
    result = invoke("import", str(path))
    assert result.exit_code == 1
    assert message in result.stderr and len(result.stderr.splitlines()) == 1
    assert db.exec(select(func.count()).select_from(Article)).one() == 1


def test_console_script_offers_flask_and_factcheck_commands(tmp_path):
    exe = shutil.which("factcheck") or str(Path(__file__).resolve().parents[1] / ".venv/bin/factcheck")
    env = {**os.environ, "FACTCHECK_INSTANCE_PATH": str(tmp_path)}
    result = subprocess.run([exe, "--help"], capture_output=True, text=True, check=True, env=env)
    for command in ("import", "split", "export", "run", "routes", "init-db"):
        assert f"  {command}" in result.stdout


def test_the_help_lists_every_command_with_its_own_short_help():
    """`factcheck --help` reads its list from factcheck.cli.COMMANDS, not from the commands."""
    import click

    from factcheck.cli import COMMANDS

    context = click.Context(cli)
    real = {name: cli.get_command(context, name).get_short_help_str(1000) for name in cli.list_commands(context)}
    assert real == COMMANDS


_HELP_IMPORTS = """
import sys
sys.argv = ["factcheck", *sys.argv[1:]]
from factcheck.__main__ import main
try:
    main()
except SystemExit as end:
    heavy = ("flask", "werkzeug", "jinja2", "sqlmodel", "sqlalchemy", "alembic", "pydantic", "trafilatura")
    print(sorted({m.split(".")[0] for m in sys.modules} & set(heavy)), file=sys.stderr)
    raise
"""


@pytest.mark.parametrize("args", [["--help"], [], ["--version"]])
def test_the_help_starts_without_flask_or_the_database(args, tmp_path):
    env = {**os.environ, "FACTCHECK_INSTANCE_PATH": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", _HELP_IMPORTS, *args], capture_output=True, text=True, env=env)
    assert result.stderr.strip().splitlines()[-1] == "[]", result.stderr
    assert ("factcheck 0" in result.stdout) if args == ["--version"] else ("  import" in result.stdout + result.stderr)
    assert not any(tmp_path.iterdir())  # no database, no secret key: nothing was built


def test_the_console_script_loads_a_command_to_run_it(tmp_path):
    exe = shutil.which("factcheck") or str(Path(__file__).resolve().parents[1] / ".venv/bin/factcheck")
    env = {**os.environ, "FACTCHECK_INSTANCE_PATH": str(tmp_path)}
    routes = subprocess.run([exe, "routes"], capture_output=True, text=True, env=env)
    assert routes.returncode == 0 and "/articles/<int:article_id>" in routes.stdout, routes.stderr
    help_of_run = subprocess.run([exe, "run", "--help"], capture_output=True, text=True, env=env)
    assert "--port" in help_of_run.stdout and "--debug" in help_of_run.stdout
    unknown = subprocess.run([exe, "frobnicate"], capture_output=True, text=True, env=env)
    assert unknown.returncode == 2 and "No such command 'frobnicate'" in unknown.stderr


# `factcheck split` is run without Flask: its start-up is most of what a small batch costs.
_MODULES_AT_EXIT = """
import atexit, sys
heavy = ("flask", "werkzeug", "jinja2", "sqlmodel", "sqlalchemy", "pydantic", "trafilatura")
atexit.register(lambda: print(sorted({m.split(".")[0] for m in sys.modules} & set(heavy)), file=sys.stderr))
sys.argv = ["factcheck", *sys.argv[1:]]
from factcheck.__main__ import main
main()
"""


@pytest.mark.parametrize(
    ("args", "stdin", "lines"),
    [
        (["split", "--batch"], b'{"id": 1, "text": "Kyiv said so. Moscow denied it."}\n', 1),
        (["split", str(DATA / "seed-article.txt")], b"", 25),
        (["split"], b"Kyiv said so. Moscow denied it.", 2),
    ],
)
def test_split_runs_without_importing_flask_or_the_database(args, stdin, lines):
    result = subprocess.run([sys.executable, "-c", _MODULES_AT_EXIT, *args], input=stdin, capture_output=True, check=True)
    assert len(result.stdout.splitlines()) == lines
    assert result.stderr.decode().splitlines()[-1] == "[]"


def test_split_without_flask_reports_bad_input_like_the_flask_group():
    result = subprocess.run([sys.executable, "-c", _MODULES_AT_EXIT, "split", "--batch"], input=b"not json\n", capture_output=True)
    assert result.returncode == 1
    assert result.stdout == b""
    assert result.stderr.decode().startswith("Error: line 1: not a JSON object")


def test_other_commands_still_go_through_flask(tmp_path):
    env = {**os.environ, "FACTCHECK_INSTANCE_PATH": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", _MODULES_AT_EXIT, "routes"], capture_output=True, text=True, check=True, env=env)
    assert "/articles" in result.stdout
    assert "flask" in result.stderr.splitlines()[-1]


def test_factcheck_package_imports_flask_only_to_build_the_app(tmp_path):
    code = "import sys, factcheck; assert 'flask' not in sys.modules; factcheck.create_app(); assert 'flask' in sys.modules"
    env = {**os.environ, "FACTCHECK_INSTANCE_PATH": str(tmp_path), "FACTCHECK_DATABASE_URL": "sqlite://"}
    subprocess.run([sys.executable, "-c", code], check=True, env=env)


def test_split_batch_output_is_what_the_json_encoder_writes():
    item = {"id": {"nested": ["é", 1.5, None]}, "text": 'He said "no."\tTabs, \\ and ünïcode… 😀 stay. Next one.'}
    result = CliRunner().invoke(split_command, ["--batch"], input=json.dumps(item) + "\n")
    text = item["text"]
    claims = [{"start": s, "end": e, "text": text[s:e]} for s, e in split_offsets(text)]
    assert len(claims) == 3
    assert result.stdout == json.dumps({"id": item["id"], "claims": claims}, ensure_ascii=False) + "\n"


def _batch_input(count: int) -> bytes:
    cases = json.loads((DATA / "split_traps.json").read_text(encoding="utf-8"))["cases"]
    texts = [case["text"] for case in cases] + [(DATA / "seed-article.txt").read_text(encoding="utf-8")]
    return "".join(json.dumps({"id": n, "text": texts[n % len(texts)]}) + "\n" for n in range(count)).encode()


def _run_batch(data: bytes, jobs: int) -> tuple[str, str | None]:
    out = io.StringIO()
    try:
        split_batch(io.BytesIO(data), out, jobs)
    except BatchError as error:
        return out.getvalue(), str(error)
    return out.getvalue(), None


@pytest.mark.parametrize("jobs", [2, 3, 5])
def test_split_batch_in_workers_writes_what_one_process_writes(monkeypatch, jobs):
    monkeypatch.setattr(split_batch_module, "PARALLEL_MIN_BYTES", 2_000)
    data = _batch_input(300)
    single, error = _run_batch(data, 1)
    assert error is None and len(single.splitlines()) == 300
    assert _run_batch(data, jobs) == (single, None)


@pytest.mark.parametrize("bad_line", [1, 150, 299])
def test_split_batch_in_workers_stops_at_the_first_bad_line(monkeypatch, bad_line):
    monkeypatch.setattr(split_batch_module, "PARALLEL_MIN_BYTES", 2_000)
    lines = _batch_input(300).splitlines(keepends=True)
    lines[bad_line - 1] = b'{"id": "no text"}\n'
    lines[-1] = b"not json\n"  # a later bad line is not reported
    data = b"".join(lines)
    expected = _run_batch(data, 1)
    assert expected[1] == f'line {bad_line}: expected {{"id": ..., "text": "..."}}'
    assert len(expected[0].splitlines()) == bad_line - 1
    assert _run_batch(data, 3) == expected


def test_split_batch_small_input_stays_in_process(monkeypatch):
    monkeypatch.setattr(split_batch_module, "_split_in_workers", None)  # would fail if called
    out, error = _run_batch(_batch_input(5), 4)
    assert error is None and len(out.splitlines()) == 5


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_split_batch_without_click_matches_the_click_command(tmp_path, jobs):
    source = tmp_path / "in.jsonl"
    source.write_bytes(_batch_input(400))
    expected = CliRunner().invoke(split_command, ["--batch", "--jobs", "1", str(source)]).stdout
    code = _MODULES_AT_EXIT.replace('"trafilatura")', '"trafilatura", "click")').replace(
        "from factcheck.__main__ import main", "import factcheck.extract.parallel as s; s.PARALLEL_MIN_BYTES = 2_000\nfrom factcheck.__main__ import main"
    )
    result = subprocess.run([sys.executable, "-c", code, "split", "--batch", f"--jobs={jobs}", str(source)], capture_output=True, check=True)
    assert result.stdout.decode() == expected
    assert result.stderr.decode().splitlines()[-1] == "[]"


@pytest.mark.parametrize(
    ("args", "message"),
    [(["--batch", "--jobs", "-1"], "Invalid value for '--jobs'"), (["--batch", "missing.jsonl"], "No such file")],
)
def test_split_batch_leaves_bad_arguments_to_click(args, message):
    result = subprocess.run([sys.executable, "-c", _MODULES_AT_EXIT, "split", *args], capture_output=True, text=True)
    assert result.returncode == 2
    assert message in result.stderr


def test_split_batch_jobs_zero_and_the_default_mean_one_per_cpu(monkeypatch):
    import factcheck.extract.parallel as split_batch_module

    seen = []
    monkeypatch.setattr(split_batch_module, "PARALLEL_MIN_BYTES", 1)
    monkeypatch.setattr(split_batch_module, "default_jobs", lambda: 3)
    monkeypatch.setattr(split_batch_module, "_split_in_workers", lambda lines, out, jobs: seen.append(jobs))
    split_batch_module.split_batch(io.BytesIO(b'{"id": 1, "text": "A. B."}\n'), io.StringIO(), 0)
    split_batch_module.split_batch(io.BytesIO(b'{"id": 1, "text": "A. B."}\n'), io.StringIO(), None)
    split_batch_module.split_batch(io.BytesIO(b'{"id": 1, "text": "A. B."}\n'), io.StringIO(), 2)
    assert seen == [3, 3, 2]


def test_split_batch_forks_no_more_processes_than_the_batch_has_halves_of_the_minimum(monkeypatch):
    seen = []
    monkeypatch.setattr(split_batch_module, "PARALLEL_MIN_BYTES", 2_000)
    monkeypatch.setattr(split_batch_module, "_split_in_workers", lambda lines, out, jobs: seen.append(jobs))
    line = b'{"id": 1, "text": "%s"}\n' % (b"A. B. " * 150)  # 924 bytes
    for count in (3, 5, 20):
        split_batch_module.split_batch(io.BytesIO(line * count), io.StringIO(), 8)
    assert seen == [2, 4, 8]  # 2,772 bytes: 2 shards of 1,000 or more; 4,620: 4; 18,480: 8


def test_split_batch_workers_write_to_stdout_in_input_order(tmp_path):
    # Through a real, buffered stdout: the workers' output goes to its byte buffer directly, so
    # what this process wrote to the text layer must be flushed first. The first shard's output
    # stays under the text layer's 8 kB buffer, which would otherwise flush it by itself.
    source = tmp_path / "in.jsonl"
    source.write_bytes(b"".join(b'{"id": %d, "text": "One. Two."}\n' % n for n in range(60)))
    code = (
        "import sys; import factcheck.extract.parallel as s; s.PARALLEL_MIN_BYTES = 200;"
        " sys.argv = ['factcheck', *sys.argv[1:]]; from factcheck.__main__ import main; main()"
    )
    env = {key: value for key, value in os.environ.items() if key != "PYTHONUNBUFFERED"}
    outputs = [
        subprocess.run(
            [sys.executable, "-c", code, "split", "--batch", "--jobs", jobs, str(source)], capture_output=True, check=True, env=env
        ).stdout
        for jobs in ("1", "3")
    ]
    assert [json.loads(line)["id"] for line in outputs[0].splitlines()] == list(range(60))
    assert outputs[1] == outputs[0]
