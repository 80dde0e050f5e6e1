#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the tests from Debian's `postgresql` package
# and prints its URL on stdout (`make pytest` exports it as DXLAB_TEST_PG). Idempotent:
# reuses the cluster when it already runs. The package's own cluster on 5432, if it
# auto-started, is left alone. Fails loudly (stderr, exit 1) so the tests then fail
# with a reason instead of silently skipping PostgreSQL.
set -euo pipefail
PORT=${DXLAB_PG_PORT:-55432}
DIR=${DXLAB_PG_DIR:-/tmp/dxlab-pg}
fail() { echo "start-postgres.sh: $*" >&2; exit 1; }

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
[ -n "$PGBIN" ] || fail "no PostgreSQL server found; install Debian's postgresql package (make system-packages)"
MAJOR=$(basename "$(dirname "$PGBIN")")

# initdb and the server refuse to run as root: as root, run them as the postgres user.
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || fail "the postgres user does not exist (is the postgresql package installed?)"
  as_pg() { su postgres -s /bin/sh -c "$*"; }
else
  as_pg() { sh -c "$*"; }
fi

# A half-made directory or one from another major version cannot be started: start over.
if [ -d "$DIR" ] && [ "$(cat "$DIR/PG_VERSION" 2>/dev/null || true)" != "$MAJOR" ]; then
  as_pg "$PGBIN/pg_ctl -D $DIR stop -m immediate" >/dev/null 2>&1 || true
  rm -rf "$DIR"
fi
if ! [ -f "$DIR/PG_VERSION" ]; then
  mkdir -p "$DIR"
  [ "$(id -u)" = 0 ] && chown postgres "$DIR"
  chmod 700 "$DIR"
  as_pg "$PGBIN/initdb -D $DIR -A trust -U postgres" >"$DIR.initdb.log" 2>&1 \
    || fail "initdb failed; see $DIR.initdb.log"
fi
if ! as_pg "$PGBIN/pg_ctl -D $DIR status" >/dev/null 2>&1; then
  # TCP on 127.0.0.1 only; the socket in /tmp, since /run/postgresql may not exist yet.
  as_pg "$PGBIN/pg_ctl -D $DIR -l $DIR/log -w -t 60 -o '-p $PORT -k /tmp -c listen_addresses=127.0.0.1' start" >/dev/null \
    || fail "the cluster in $DIR did not start on port $PORT; see $DIR/log"
fi
"$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" -t 30 || fail "nothing answers on 127.0.0.1:$PORT; see $DIR/log"
echo "postgresql://postgres@127.0.0.1:$PORT/postgres"
