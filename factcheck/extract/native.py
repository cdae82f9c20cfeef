"""The compiled splitter, when the install built one (scripts/build_native.py) and it is current.

`install()`, run when the factcheck.extract package is imported, puts a finder first on sys.meta_path
that imports factcheck.extract.header, .segment and .batch from the extensions in
site-packages/factcheck_native/ instead of their source. Only while every source still has the
checksum it was compiled from: after an edit in a checkout the pure-Python modules run until the
next `pip install -e .`. `FACTCHECK_PURE_PYTHON=1` keeps the pure-Python modules too (to compare
the two, or to debug). The compiled modules are the same code, so they give the same claims.
"""

from __future__ import annotations

import os
import sys
import zlib
from importlib.machinery import EXTENSION_SUFFIXES, ExtensionFileLoader, ModuleSpec

# What install() found: which splitter runs, and if it is the pure-Python one, why (the benchmark
# prints it; tests/test_native.py requires "compiled (mypyc)" under CI).
status = "pure Python (not installed yet)"


class _NativeFinder:
    """Finds the modules listed in factcheck_native.MODULES as extension files in `folder`."""

    def __init__(self, folder: str, files: dict[str, str]) -> None:
        self.folder = folder
        self.files = files

    def find_spec(self, name: str, path: object = None, target: object = None) -> ModuleSpec | None:
        file = self.files.get(name)
        if file is None:
            return None
        location = os.path.join(self.folder, file)
        spec = ModuleSpec(name, ExtensionFileLoader(name, location), origin=location)
        spec.has_location = True
        return spec


def install() -> str:
    """Import the compiled modules from now on if they match their sources; say which runs."""
    global status
    status = _install()
    return status


def _install() -> str:
    if os.environ.get("FACTCHECK_PURE_PYTHON", "").strip().lower() not in ("", "0", "false", "no"):
        return "pure Python (FACTCHECK_PURE_PYTHON is set)"
    try:
        import factcheck_native  # type: ignore[import-not-found]
    except ImportError:
        return "pure Python (the install did not compile the splitter)"
    # The folder that holds the factcheck package: module names below it are paths below it.
    package_root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    files: dict[str, str] = {}
    for name, (file, checksum) in factcheck_native.MODULES.items():
        if not file.endswith(EXTENSION_SUFFIXES[0]):  # mypyc builds for one Python version
            return f"pure Python (compiled for another Python: {file})"
        if checksum is not None:
            source = os.path.join(package_root, *name.split(".")) + ".py"
            try:
                with open(source, "rb") as handle:
                    current = zlib.crc32(handle.read())
            except OSError:
                return f"pure Python (no source for {name})"
            if current != checksum:
                return f"pure Python ({name} changed since it was compiled: reinstall to compile it)"
        files[name] = file
    sys.meta_path.insert(0, _NativeFinder(os.path.dirname(factcheck_native.__file__), files))
    return "compiled (mypyc)"
