#!/usr/bin/env bash
# Run a command with a throwaway PostgreSQL for the tests: `.ci/postgres.sh .venv/bin/pytest -n 2`.
#
# Starts a cluster in a temporary folder on loopback (a free port, its own socket folder, as an unprivileged user
# when run as root), makes two empty test databases, one in byte-order (C) collation and one sorting as en-GB (ICU),
# exports their URLs as TRACKER_TEST_POSTGRES_URL and TRACKER_TEST_POSTGRES_URL_EN_GB, runs the command, and stops
# the server and removes the folder on exit, whatever the command's outcome. With TRACKER_TEST_POSTGRES_URL already
# set, it only runs the command (your own server). Without PostgreSQL's server programs the command runs without a
# URL: the PostgreSQL half of the suite is skipped with a loud reason, except in CI (CI=true), where it fails.
set -euo pipefail

if [[ $# -eq 0 ]]; then
    echo "usage: $0 COMMAND [ARGS...]" >&2
    exit 2
fi
if [[ -n "${TRACKER_TEST_POSTGRES_URL:-}" ]]; then
    exec "$@"
fi

bin=""
if command -v pg_config >/dev/null 2>&1 && [[ -x "$(pg_config --bindir)/initdb" ]]; then
    bin="$(pg_config --bindir)"
fi
for candidate in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V); do
    [[ -x "$candidate/initdb" ]] && bin="$candidate"
done
if [[ -z "$bin" ]]; then
    if [[ "${CI:-}" == "true" ]]; then
        echo "error: PostgreSQL's server programs (initdb, pg_ctl) are not installed; CI runs the suite on" \
             "PostgreSQL too (apt-get install -y postgresql)" >&2
        exit 1
    fi
    echo "WARNING: PostgreSQL's server programs are not installed (apt-get install postgresql):" \
         "the PostgreSQL half of the suite will be SKIPPED" >&2
    exec "$@"
fi

folder="$(mktemp -d "${TMPDIR:-/tmp}/tracker-pg.XXXXXX")"
as_server=()
if [[ "$(id -u)" -eq 0 ]]; then
    user=postgres  # the server refuses to run as root
    id -u "$user" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$user"
    chown "$user" "$folder"
    as_server=(runuser -u "$user" --)
fi

stop() {
    status=$?
    if [[ -f "$folder/data/postmaster.pid" ]]; then
        (cd "$folder" && "${as_server[@]}" "$bin/pg_ctl" -D "$folder/data" -m immediate -w stop >/dev/null 2>&1) || true
    fi
    rm -rf "$folder"
    exit "$status"
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# the role is named after the login running the tests: the principal is the OS login on SQLite and the session user
# on PostgreSQL, so the two stores' answers are the same byte for byte
login="$(id -un)"
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
cd "$folder"
"${as_server[@]}" "$bin/initdb" -D "$folder/data" -U "$login" --auth=trust --encoding=UTF8 --locale=C \
    >"$folder/initdb.log" 2>&1 || { cat "$folder/initdb.log" >&2; exit 1; }
# a throwaway cluster: durability off (a killed client, not a killed server, is what the crash tests try)
"${as_server[@]}" "$bin/pg_ctl" -D "$folder/data" -l "$folder/server.log" -w -t 60 start -o \
    "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$folder -c max_connections=300 \
-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=64MB" \
    >/dev/null || { cat "$folder/server.log" >&2; exit 1; }
cd - >/dev/null

psql=("$bin/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U "$login" -d postgres)
"${psql[@]}" -c "CREATE DATABASE tracker_test TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'"
"${psql[@]}" -c "CREATE DATABASE tracker_test_en_gb TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C.UTF-8' \
                 LOCALE_PROVIDER icu ICU_LOCALE 'en-GB'"

export TRACKER_TEST_POSTGRES_URL="postgresql+psycopg://$login@127.0.0.1:$port/tracker_test"
export TRACKER_TEST_POSTGRES_URL_EN_GB="postgresql+psycopg://$login@127.0.0.1:$port/tracker_test_en_gb"
echo "PostgreSQL $("$bin/postgres" --version | awk '{print $3}') for the tests at 127.0.0.1:$port" >&2
"$@"
