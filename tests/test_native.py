"""The compiled splitter (factcheck/extract/native.py, scripts/build_native.py): used when current,
never when stale, and giving exactly what the pure-Python splitter gives."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import types
import zlib
from importlib.machinery import EXTENSION_SUFFIXES
from pathlib import Path

import pytest

from factcheck.extract import native as _native
from tests.conftest import DATA, in_ci

PACKAGE_ROOT = Path(_native.__file__).resolve().parents[2]


def test_the_install_compiled_the_splitter():
    # scripts/test.sh installs a C compiler, so CI always tests the compiled splitter (and the
    # pure-Python one below); a checkout without one runs pure Python and says so.
    if _native.status != "compiled (mypyc)":
        message = f"the splitter is not compiled: {_native.status}"
        if in_ci():
            pytest.fail(message, pytrace=False)
        pytest.skip(message)
    from factcheck.extract import batch, header, segment

    for module in (header, segment, batch):
        assert module.__file__.endswith(tuple(EXTENSION_SUFFIXES)), module.__file__


def _batch_output(extra_env: dict[str, str]) -> tuple[str, str]:
    cases = [json.loads(line) for line in (DATA / "split_expected.jsonl").read_text(encoding="utf-8").splitlines()]
    source = "".join(json.dumps({"id": n, "text": case["text"]}) + "\n" for n, case in enumerate(cases))
    code = "import sys, factcheck.extract.native as n; print(n.status, file=sys.stderr); from factcheck.__main__ import main; main()"
    env = {key: value for key, value in os.environ.items() if key != "FACTCHECK_PURE_PYTHON"} | extra_env
    result = subprocess.run(
        [sys.executable, "-c", code, "split", "--batch"], input=source, capture_output=True, text=True, check=True, env=env
    )
    for line, case in zip(result.stdout.splitlines(), cases, strict=True):
        assert [[c["start"], c["end"]] for c in json.loads(line)["claims"]] == case["claims"], case["text"][:80]
    return result.stdout, result.stderr.strip()


def test_pure_python_and_compiled_give_the_same_claims():
    pure, pure_status = _batch_output({"FACTCHECK_PURE_PYTHON": "1"})
    assert pure_status == "pure Python (FACTCHECK_PURE_PYTHON is set)"
    compiled, status = _batch_output({})
    assert status == _native.status
    assert compiled == pure


@pytest.fixture
def built(monkeypatch, tmp_path):
    """A fake factcheck_native package listing this checkout's splitter sources; no finder is
    left on sys.meta_path afterwards."""
    monkeypatch.delenv("FACTCHECK_PURE_PYTHON", raising=False)
    monkeypatch.setattr(sys, "meta_path", list(sys.meta_path))
    monkeypatch.setattr(_native, "status", _native.status)
    package = types.ModuleType("factcheck_native")
    package.__file__ = str(tmp_path / "__init__.py")
    suffix = EXTENSION_SUFFIXES[0]
    package.MODULES = {
        name: (name.rsplit(".", 1)[1] + suffix, zlib.crc32((PACKAGE_ROOT / (name.replace(".", "/") + ".py")).read_bytes()))
        for name in ("factcheck.extract.header", "factcheck.extract.segment", "factcheck.extract.batch")
    } | {"abc__mypyc": ("abc__mypyc" + suffix, None)}
    monkeypatch.setitem(sys.modules, "factcheck_native", package)
    return package


def _finders() -> list[object]:
    return [finder for finder in sys.meta_path if isinstance(finder, _native._NativeFinder)]


def test_current_extensions_are_found_in_their_folder(built, tmp_path):
    before = len(_finders())
    assert _native.install() == "compiled (mypyc)"
    finder = _finders()[0]
    assert sys.meta_path[0] is finder and len(_finders()) == before + 1
    spec = finder.find_spec("factcheck.extract.segment")
    assert spec.origin == str(tmp_path / built.MODULES["factcheck.extract.segment"][0])
    assert finder.find_spec("abc__mypyc").origin.endswith("abc__mypyc" + EXTENSION_SUFFIXES[0])
    assert finder.find_spec("factcheck.extract.checkworthy") is None  # not compiled: its source


def test_an_edited_source_falls_back_to_pure_python(built):
    name = "factcheck.extract.segment"
    file, checksum = built.MODULES[name]
    built.MODULES[name] = (file, checksum ^ 1)
    before = len(_finders())
    assert _native.install() == f"pure Python ({name} changed since it was compiled: reinstall to compile it)"
    assert len(_finders()) == before


def test_extensions_for_another_python_are_not_loaded(built):
    built.MODULES["factcheck.extract.header"] = ("header.cpython-39-x86_64-linux-gnu.so", 0)
    assert _native.install().startswith("pure Python (compiled for another Python")


def test_pure_python_on_request(built, monkeypatch):
    monkeypatch.setenv("FACTCHECK_PURE_PYTHON", "1")
    assert _native.install() == "pure Python (FACTCHECK_PURE_PYTHON is set)"
