#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL server on 127.0.0.1 and exports its URL as
# OVERBLIK_TEST_POSTGRES_URL, so the store test suite runs against a real server.
# An OVERBLIK_TEST_POSTGRES_URL already set (a server of your own) is used as it is.
set -euo pipefail
if [ -n "${OVERBLIK_TEST_POSTGRES_URL:-}" ]; then exec "$@"; fi

pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$pgbin" ]; then
    echo "with-postgres: PostgreSQL is not installed (apt-get install postgresql)" >&2
    exit 1
fi

dir=$(mktemp -d /tmp/overblik-pg.XXXXXX)

as_owner=()
if [ "$(id -u)" = "0" ]; then
    # initdb refuses to run as root: the cluster belongs to the postgres system user.
    chown postgres: "$dir"
    as_owner=(runuser -u postgres --)
fi

stop() {
    "${as_owner[@]}" "$pgbin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
    rm -rf "$dir"
}
trap stop EXIT

"${as_owner[@]}" "$pgbin/initdb" -D "$dir/data" -U overblik --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
# A port below Linux's ephemeral range (32768 and up), where the local ends of client connections would
# collide with it; when another server took it meanwhile, the start fails at once and another port is tried.
for attempt in 1 2 3 4 5; do
    port=$((10000 + RANDOM % 22768))
    if "${as_owner[@]}" "$pgbin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100" start >/dev/null; then
        break
    fi
    if [ "$attempt" = 5 ] || ! grep -q "could not bind" "$dir/server.log"; then
        cat "$dir/server.log" >&2
        exit 1
    fi
done

export OVERBLIK_TEST_POSTGRES_URL="postgres://overblik@127.0.0.1:$port/postgres"
"$@"
