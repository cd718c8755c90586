# The throwaway PostgreSQL cluster that tests/run.sh starts once per run (tests/pg/cluster.sh) is what the
# store tests will rely on: the owner role can create a table; the runtime role ics_app is no superuser,
# cannot bypass row-level security, create databases or roles, and cannot read the owner's table without a
# grant; a wrong password is refused (scram-sha-256); the postgres superuser cannot log in over TCP; the unix
# socket refuses everyone (no `local` line in pg_hba.conf); the server listens on 127.0.0.1 only, so
# 127.0.0.2, ::1 and any non-loopback address of the machine are refused, and the kernel's own table of
# listening sockets shows 127.0.0.1 alone on the port.
# Expected output by hand: one line per fact above, each what psql prints with -At (t/f for booleans) or the
# kind of refusal, classified from psql's message.
set -u
if [ -z "${ICS_PG_OWNER_URL:-}" ] || [ -z "${ICS_PG_APP_URL:-}" ] || [ -z "${ICS_PG_PORT:-}" ] || [ -z "${ICS_PG_DIR:-}" ]; then
    echo "ICS_PG_* is not set: run this through tests/run.sh, which starts the cluster" >&2
    exit 1
fi
psql=/usr/lib/postgresql/15/bin/psql
[ -x "$psql" ] || psql=$(command -v psql) || { echo "psql is missing: run make deps" >&2; exit 1; }
export PGCONNECT_TIMEOUT=5 PSQLRC=/dev/null
unset PGPASSWORD PGHOST PGPORT PGUSER PGDATABASE PGSERVICE
q() { "$psql" -X -q -At -v ON_ERROR_STOP=1 "$@"; }

# refusal LABEL CONNINFO: how a connection attempt fails.
refusal() {
    local label=$1 err
    if err=$(q "$2" -c 'SELECT 1' 2>&1 >/dev/null); then
        echo "$label: connected (should have been refused)"
        return
    fi
    case $err in
    *"Connection refused"*) echo "$label: connection refused" ;;
    *"no pg_hba.conf entry"*) echo "$label: no pg_hba.conf entry" ;;
    *"password authentication failed"*) echo "$label: password authentication failed" ;;
    *) echo "$label: other failure: $err" ;;
    esac
}

q "$ICS_PG_OWNER_URL" -c 'CREATE TABLE probe (id integer PRIMARY KEY, note text NOT NULL)' \
    -c "INSERT INTO probe VALUES (1, 'owner')" -c 'SELECT current_user, count(*) FROM probe'
q "$ICS_PG_APP_URL" -c 'SELECT rolname, rolsuper, rolbypassrls, rolcreatedb, rolcreaterole FROM pg_roles WHERE rolname = current_user'
q "$ICS_PG_APP_URL" -c 'SELECT note FROM probe' 2>&1 | sed -E 's/^ERROR: +//'
q "$ICS_PG_APP_URL" -c 'SHOW listen_addresses' -c 'SELECT host(inet_server_addr())'
refusal "wrong password" "postgresql://ics_app:wrong@127.0.0.1:$ICS_PG_PORT/ics"
refusal "postgres over tcp" "host=127.0.0.1 port=$ICS_PG_PORT dbname=ics user=postgres password=x"
refusal "unix socket" "host=$ICS_PG_DIR port=$ICS_PG_PORT dbname=ics user=ics_app"
refusal "127.0.0.2" "host=127.0.0.2 port=$ICS_PG_PORT dbname=ics user=ics_app"
refusal "::1" "host=::1 port=$ICS_PG_PORT dbname=ics user=ics_app"
# Every non-loopback address of this machine (there may be none): each must be refused; silent when so.
for a in $(hostname -I 2>/dev/null); do
    case $a in 127.* | ::1) continue ;; esac
    r=$(refusal "$a" "host=$a port=$ICS_PG_PORT dbname=ics user=ics_app")
    [ "$r" = "$a: connection refused" ] || echo "$r"
done

# The kernel's listening TCP sockets on the port (state 0A), IPv4 addresses in little-endian hex.
hexport=$(printf '%04X' "$ICS_PG_PORT")
listeners=""
while read -r _ laddr _ state _; do
    [ "$state" = 0A ] && [ "${laddr#*:}" = "$hexport" ] || continue
    h=${laddr%:*}
    if [ ${#h} = 8 ]; then
        a="$((16#${h:6:2})).$((16#${h:4:2})).$((16#${h:2:2})).$((16#${h:0:2}))"
    else
        a="ipv6:$h"
    fi
    listeners="$listeners $a"
done < <(cat /proc/net/tcp /proc/net/tcp6 2>/dev/null)
echo "listening on port:$listeners"
