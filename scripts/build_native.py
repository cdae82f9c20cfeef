"""Hatchling build hook: compile the splitter with mypyc when the machine can, else stay pure.

`pip install .` and `pip install -e .` run this (pyproject.toml, [tool.hatch.build.targets.wheel.
hooks.custom]). It compiles NATIVE_SOURCES, the modules `factcheck split --batch` spends its time
in, from their unchanged source into C extensions with mypyc (from PyPI; it needs a C compiler
and Python's headers): splitting runs about twice as fast as the same code in the interpreter,
the whole command about 1.6 times (bench/README.md). They are installed beside the package, in
site-packages/factcheck_native/, never into the source tree, with
a checksum of each source they were compiled from; factcheck/extract/native.py imports them only while
the sources still match, so editing a module in a checkout falls back to the pure-Python code
until the next install, never to an old build.

Without a compiler the build goes on pure Python (a warning in pip's verbose output) and
everything works, more slowly. `FACTCHECK_PURE_PYTHON=1` at install time skips compiling, and
fetching mypy for it (an install without access to PyPI: `FACTCHECK_PURE_PYTHON=1 pip install
--no-build-isolation -e .` with hatchling installed).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

# Compiled together, in this order of import: a module listed here may import the ones before it.
NATIVE_SOURCES = (
    "factcheck/extract/header.py",
    "factcheck/extract/segment.py",
    "factcheck/extract/batch.py",
)
PACKAGE = "factcheck_native"


def pure_python_requested() -> bool:
    """FACTCHECK_PURE_PYTHON set to anything but "", 0, false or no (as factcheck/extract/native.py)."""
    return os.environ.get("FACTCHECK_PURE_PYTHON", "").strip().lower() not in ("", "0", "false", "no")


class NativeBuildHook(BuildHookInterface):
    def dependencies(self) -> list[str]:
        return [] if pure_python_requested() else ["mypy>=1.15", "setuptools>=70"]

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if pure_python_requested():
            return
        self._work = tempfile.mkdtemp(prefix="factcheck-native-")
        try:
            package = compile_native(Path(self.root), Path(self._work))
        except (OSError, ValueError, subprocess.CalledProcessError) as error:
            print(f"factcheck: not compiling the splitter ({error}); it runs as pure Python", file=sys.stderr)
            return
        # The extensions are for this interpreter and platform: the wheel says so in its tag.
        build_data["pure_python"] = False
        build_data["infer_tag"] = True
        # An editable install gets them too (force_include_editable replaces force_include there).
        build_data["force_include"][str(package)] = PACKAGE
        build_data["force_include_editable"][str(package)] = PACKAGE

    def finalize(self, version: str, build_data: dict[str, Any], artifact_path: str) -> None:
        work = getattr(self, "_work", None)
        if work:
            shutil.rmtree(work, ignore_errors=True)


def compile_native(root: Path, work: Path) -> Path:
    """Compile NATIVE_SOURCES of the checkout at `root` in `work`; return the folder to install
    as factcheck_native/: the extension files and an __init__.py listing them."""
    for relative in NATIVE_SOURCES:
        target = work / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(root / relative, target)
        for parent in target.relative_to(work).parents:  # empty packages: nothing else compiled
            if parent != Path("."):
                (work / parent / "__init__.py").touch()
    environment = {**os.environ, "MYPYC_OPT_LEVEL": "3"}
    subprocess.run(
        [sys.executable, "-m", "mypyc", "--ignore-missing-imports", *NATIVE_SOURCES],
        cwd=work,
        env=environment,
        check=True,
        stdout=subprocess.DEVNULL if not os.environ.get("FACTCHECK_BUILD_VERBOSE") else None,
    )
    package = work / "out" / PACKAGE
    package.mkdir(parents=True)
    modules: dict[str, tuple[str, int | None]] = {}
    for relative in NATIVE_SOURCES:
        module = relative.removesuffix(".py").replace("/", ".")
        stem = (work / relative).with_suffix("")
        [built] = stem.parent.glob(stem.name + ".*.so")  # segment.cpython-311-x86_64-linux-gnu.so
        shutil.copyfile(built, package / built.name)
        # factcheck/extract/native.py compares this CRC-32 with the source's before loading the build.
        modules[module] = (built.name, zlib.crc32((root / relative).read_bytes()))
    # mypyc's shared runtime for the group: a top-level module named <hash>__mypyc.
    for runtime in work.glob("*__mypyc.*.so"):
        shutil.copyfile(runtime, package / runtime.name)
        modules[runtime.name.split(".", 1)[0]] = (runtime.name, None)
    (package / "__init__.py").write_text(
        '"""factcheck\'s splitter compiled by mypyc (scripts/build_native.py); loaded by'
        ' factcheck/extract/native.py."""\n\n'
        "# module name: (extension file, CRC-32 of the source it was compiled from)\n"
        f"MODULES = {modules!r}\n",
        encoding="utf-8",
    )
    return package
