#!/usr/bin/env bash
# Install everything the tests need on a fresh Debian machine, lint, then run the whole suite twice:
# on SQLite (with the browser tests), then on PostgreSQL (a throwaway cluster in a temp dir).
# Python packages go into .venv, where the install compiles the splitter (scripts/build_native.py);
# Debian's chromium (browser tests), postgresql, and gcc and Python's headers for that compile
# come from apt when missing. Extra arguments are passed to pytest, e.g.
# `bash scripts/test.sh -k export`.
# Under CI=true a missing browser, database server or compiled splitter fails the run instead of
# skipping.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium fonts-dejavu-core)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing+=(postgresql)
# A C compiler and Python's headers: the install compiles the splitter (scripts/build_native.py).
command -v cc >/dev/null 2>&1 || missing+=(gcc)
python3 -c 'import os, sysconfig; raise SystemExit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
  || missing+=(python3-dev)
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing Debian packages for the tests: ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [ ! -x .venv/bin/python ]; then
  python3 -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e '.[test]'

echo "== lint and import order (ruff, configured in pyproject.toml)"
.venv/bin/ruff check .

echo "== running the test suite on SQLite"
.venv/bin/python -m pytest -p no:cacheprovider "$@"

echo "== running the test suite on PostgreSQL"
exec bash scripts/with-postgres.sh .venv/bin/python -m pytest -p no:cacheprovider -m "not browser" "$@"
