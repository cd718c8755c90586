#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests: loopback TCP only, scram-sha-256 only, no durability.
#
#   eval "$(tests/pg/cluster.sh start DIR)"   create DIR, initdb DIR/data, start the server on a free
#                                              port of 127.0.0.1, print (and so export) ICS_PG_DIR,
#                                              ICS_PG_PORT, ICS_PG_OWNER_URL and ICS_PG_APP_URL
#   tests/pg/cluster.sh stop DIR              stop it (pg_ctl -m immediate) and remove DIR
#
# Run as root, the cluster belongs to the user postgres (override: ICS_PG_USER), who is given DIR; run as
# anyone else, it belongs to that user. The server's unix socket is in DIR, but pg_hba.conf has no
# `local` line, so it refuses every socket connection. Roles, made in single-user mode before the server
# listens (so no superuser login ever exists): ics_owner (owns database ics; CREATEDB so a test can make
# its own database) and ics_app (the runtime role: NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE). Their
# passwords are random per start; the URLs on stdout are the only place they are printed.
# Binaries: ICS_PG_BINDIR, default /usr/lib/postgresql/15/bin. Progress and errors go to stderr.
set -euo pipefail

bindir=${ICS_PG_BINDIR:-/usr/lib/postgresql/15/bin}
marker=.ics-pg-cluster
wait_s=${ICS_PG_WAIT:-30}

die() { echo "tests/pg/cluster.sh: $*" >&2; exit 1; }

usage() { die "usage: tests/pg/cluster.sh start|stop DIR"; }

need_binaries() {
    local b
    for b in initdb pg_ctl postgres; do
        [ -x "$bindir/$b" ] ||
            die "PostgreSQL 15 is not installed ($bindir/$b is missing): run make deps (installs postgresql-15 and libpq-dev)"
    done
}

# as_owner CMD...: run CMD as the cluster's owner (postgres when we are root), from a directory it can read.
as_owner() {
    if [ -n "$run_as" ]; then
        (cd "$dir" && runuser -u "$run_as" -- "$@")
    else
        (cd "$dir" && "$@")
    fi
}

free_port() {   # a port the kernel says is free on 127.0.0.1 now (the start retries if it is taken later)
    if command -v python3 >/dev/null 2>&1; then
        python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
    else
        echo $((20000 + RANDOM % 40000))
    fi
}

random_password() {   # 32 hex digits: safe in a URL and in an SQL literal
    od -An -N16 -tx1 /dev/urandom | tr -d ' \n'
}

# stop_cluster: stop the server if one runs in DIR/data, then remove DIR. Refuses a DIR this script did not make.
stop_cluster() {
    [ -e "$dir" ] || return 0
    if [ ! -f "$dir/$marker" ] && [ -d "$dir" ] && [ -z "$(ls -A "$dir")" ]; then
        rmdir "$dir"   # the empty directory a caller made for a start that failed early
        return 0
    fi
    [ -f "$dir/$marker" ] || die "$dir was not made by tests/pg/cluster.sh start: not removing it"
    if [ -f "$dir/data/postmaster.pid" ]; then
        if ! as_owner "$bindir/pg_ctl" -D "$dir/data" -m immediate -w -t "$wait_s" stop >/dev/null 2>&1; then
            # pg_ctl could not stop it: kill the postmaster by the pid it recorded, if it is still alive.
            local pid
            pid=$(head -n 1 "$dir/data/postmaster.pid" 2>/dev/null || true)
            case $pid in '' | *[!0-9]*) ;; *) kill -KILL "$pid" 2>/dev/null || true ;; esac
        fi
    fi
    rm -rf "$dir"
}

start_cluster() {
    need_binaries
    if [ -e "$dir" ]; then
        [ -d "$dir" ] && [ -z "$(ls -A "$dir")" ] || die "$dir exists and is not an empty directory"
    else
        mkdir -p "$dir"
    fi
    dir=$(cd "$dir" && pwd)
    touch "$dir/$marker"
    # From here on, a failure leaves nothing behind.
    trap 'status=$?; [ $status -eq 0 ] || stop_cluster; exit $status' EXIT

    if [ -n "$run_as" ]; then
        id -u "$run_as" >/dev/null 2>&1 || die "user $run_as does not exist: run make deps (the postgresql-15 package creates it)"
        chown -R "$run_as": "$dir"
        chmod 700 "$dir"
        runuser -u "$run_as" -- test -w "$dir" ||
            die "user $run_as cannot reach $dir (a parent directory is closed to it): use a directory under /tmp"
    fi

    local data=$dir/data owner_pw app_pw port attempt log=$dir/server.log
    owner_pw=$(random_password)
    app_pw=$(random_password)

    as_owner "$bindir/initdb" -D "$data" --no-sync --no-instructions --auth=reject --username=postgres \
        --encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; die "initdb failed"; }

    # Only scram-sha-256 over TCP to 127.0.0.1 for the two test roles; no `local` line, nothing for postgres.
    cat >"$data/pg_hba.conf" <<'EOF'
# TYPE  DATABASE  USER                 ADDRESS       METHOD
host    all       ics_owner,ics_app    127.0.0.1/32  scram-sha-256
EOF
    # Speed over safety: the cluster is thrown away after the run.
    cat >>"$data/postgresql.conf" <<EOF

# tests/pg/cluster.sh
listen_addresses = '127.0.0.1'
unix_socket_directories = '$dir'
unix_socket_permissions = 0700
password_encryption = 'scram-sha-256'
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = minimal
max_wal_senders = 0
checkpoint_timeout = 1d
max_wal_size = 1GB
autovacuum = off
shared_buffers = 32MB
max_connections = 100
timezone = 'UTC'
log_timezone = 'UTC'
datestyle = 'iso, ymd'
lc_messages = 'C'
logging_collector = off
log_min_messages = warning
EOF

    # Roles and database in single-user mode (one statement per line), before anything can connect.
    as_owner "$bindir/postgres" --single -D "$data" -c log_min_messages=error postgres >"$dir/single.log" 2>&1 <<EOF ||
CREATE ROLE ics_owner LOGIN NOSUPERUSER NOBYPASSRLS CREATEDB NOCREATEROLE NOREPLICATION PASSWORD '$owner_pw'
CREATE ROLE ics_app LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE NOREPLICATION NOINHERIT PASSWORD '$app_pw'
CREATE DATABASE ics OWNER ics_owner TEMPLATE template0 ENCODING 'UTF8' LOCALE 'C'
EOF
        { sed -E "s/PASSWORD '[^']*'/PASSWORD '...'/g" "$dir/single.log" >&2; die "creating the roles failed"; }
    if grep -q -E '^(ERROR|FATAL|PANIC)|ERROR:' "$dir/single.log"; then
        sed -E "s/PASSWORD '[^']*'/PASSWORD '...'/g" "$dir/single.log" >&2
        die "creating the roles failed"
    fi

    # A free port can be taken between asking and binding: try a few.
    for attempt in 1 2 3 4 5; do
        port=$(free_port)
        if as_owner "$bindir/pg_ctl" -D "$data" -l "$log" -w -t "$wait_s" -o "-p $port" start >/dev/null 2>&1; then
            break
        fi
        if [ "$attempt" = 5 ] || ! grep -q 'could not bind' "$log" 2>/dev/null; then
            tail -n 20 "$log" >&2 2>/dev/null || true
            die "the server did not start (log above)"
        fi
    done

    trap - EXIT
    printf 'ICS_PG_DIR=%q\nICS_PG_PORT=%q\n' "$dir" "$port"
    printf 'ICS_PG_OWNER_URL=%q\n' "postgresql://ics_owner:$owner_pw@127.0.0.1:$port/ics"
    printf 'ICS_PG_APP_URL=%q\n' "postgresql://ics_app:$app_pw@127.0.0.1:$port/ics"
    echo 'export ICS_PG_DIR ICS_PG_PORT ICS_PG_OWNER_URL ICS_PG_APP_URL'
}

[ $# -eq 2 ] || usage
cmd=$1
dir=$2
[ -n "$dir" ] || usage
run_as=""
if [ "$(id -u)" = 0 ]; then
    run_as=${ICS_PG_USER:-postgres}
fi
case $cmd in
start) start_cluster ;;
stop)
    [ -e "$dir" ] || exit 0
    dir=$(cd "$dir" && pwd)
    [ -x "$bindir/pg_ctl" ] || [ ! -f "$dir/data/postmaster.pid" ] || need_binaries
    stop_cluster
    ;;
*) usage ;;
esac
