#!/usr/bin/env bash
# Starts a throwaway PostgreSQL cluster for the store tests (Debian's packages) and
# prints its URL. Idempotent: reuses the cluster when it already runs.
set -euo pipefail
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$PGBIN" ]; then echo "" ; exit 0; fi
PORT=${DXLAB_PG_PORT:-55432}
DIR=${DXLAB_PG_DIR:-/tmp/dxlab-pg}
if ! [ -f "$DIR/PG_VERSION" ]; then
  mkdir -p "$DIR"; chown postgres "$DIR"
  su postgres -s /bin/sh -c "$PGBIN/initdb -D $DIR -A trust -U postgres" >/dev/null
fi
if ! su postgres -s /bin/sh -c "$PGBIN/pg_ctl -D $DIR status" >/dev/null 2>&1; then
  su postgres -s /bin/sh -c "$PGBIN/pg_ctl -D $DIR -l $DIR/log -w -o '-p $PORT -k /tmp -c listen_addresses=127.0.0.1' start" >/dev/null
fi
echo "postgresql://postgres@127.0.0.1:$PORT/postgres"
