#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL cluster: made in a temp dir, listening only on a
# unix socket there, with FACTCHECK_TEST_POSTGRES_URL pointing at it; removed afterwards.
#   bash scripts/with-postgres.sh .venv/bin/python -m pytest -m "not browser"
set -euo pipefail

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "PostgreSQL is not installed (apt-get install postgresql)" >&2
  exit 1
fi

dir=$(mktemp -d /tmp/factcheck-pg.XXXXXX)
chmod 755 "$dir"
if [ "$(id -u)" = 0 ]; then
  chown postgres: "$dir"
  as_owner() { su postgres -s /bin/bash -c "$(printf '%q ' "$@")"; }
else
  as_owner() { "$@"; }
fi
cleanup() {
  as_owner "$bin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

as_owner "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --no-sync >/dev/null
# fsync off: a test cluster is thrown away, durability buys nothing here.
as_owner "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-k $dir -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null

export FACTCHECK_TEST_POSTGRES_URL="postgresql+psycopg://postgres@/postgres?host=$dir"
"$@"
