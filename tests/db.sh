#!/usr/bin/env bash
# Runs SQL on the database a golden test's --db FILE names, on whichever backend the test runs
# against (tests/run.sh): the SQLite file itself, or in the PostgreSQL run the cluster's database that
# tests/pg/ics-on-postgres made for FILE, as its owner with row-level security's scope 'all'. For tests that play the part of someone
# editing the database behind ics's back.
#
#   bash "$ROOT/tests/db.sh" FILE 'SELECT ...'                 prints the rows, fields joined by |
#   bash "$ROOT/tests/db.sh" --bypass-triggers FILE 'UPDATE ...'  with the audit log's append-only
#                                                                  triggers out of the way, as an owner could
set -u
bypass=0
if [ "${1:-}" = --bypass-triggers ]; then
    bypass=1
    shift
fi
file=${1:?usage: tests/db.sh [--bypass-triggers] FILE SQL}
sql=${2:?usage: tests/db.sh [--bypass-triggers] FILE SQL}
here=$(cd "$(dirname "$0")" && pwd)
if [ -n "${ICS_PG_STATE:-}" ]; then
    url=$("$here/pg/ics-on-postgres" --owner-url "$file") || exit 99
    if [ $bypass = 1 ]; then
        sql="ALTER TABLE audit DISABLE TRIGGER USER; $sql; ALTER TABLE audit ENABLE TRIGGER USER"
    fi
    # The owner is bound by row-level security too (FORCE): it sees everything only with scope 'all'.
    sql="SET LOCAL ics.scope = 'all'; $sql"
    psql -X -q -At -v ON_ERROR_STOP=1 --single-transaction "$url" -c "$sql"
else
    /usr/bin/python3 - "$file" "$sql" "$bypass" <<'PY'
import sqlite3, sys
path, sql, bypass = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
db = sqlite3.connect(path, isolation_level=None)
db.execute("BEGIN")
triggers = []
if bypass:
    triggers = db.execute("SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'audit'").fetchall()
    for name, _ in triggers:
        db.execute(f'DROP TRIGGER "{name}"')
for row in db.execute(sql).fetchall():
    print("|".join("" if v is None else str(v) for v in row))
for _, text in triggers:
    db.execute(text)
db.execute("COMMIT")
db.close()
PY
fi
