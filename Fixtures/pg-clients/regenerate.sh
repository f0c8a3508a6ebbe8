#!/bin/bash
# Regenerates the *.expected answers (and npgsql-types.postgresql) of this
# folder from a real PostgreSQL 15: starts a throwaway cluster in a temporary
# folder, creates the demo lake's tables there with the column types and NOT
# NULL flags LakeSQL reports for them, runs every fixture with psql --csv and writes the answer
# with the customers/orders table OIDs replaced by {{customers}}/{{orders}}.
# Fixtures whose PostgreSQL answer lists PostgreSQL's own objects (its other
# databases, domains, roles, storage details) get no .expected file; the
# tests check those one by one (PgCatalogTests).
#
# Usage (from the repository root, after `swift build`):
#   bash Fixtures/pg-clients/regenerate.sh
# Needs the Debian postgresql-15 server (initdb, pg_ctl) and psql. Run as root
# it runs the cluster as the postgres user.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
LAKESQL="$ROOT/.build/debug/lakesql"
BIN=$(ls -d /usr/lib/postgresql/15/bin)
WORK=$(mktemp -d /tmp/pgclients.XXXXXX)
PORT=55999
RUNAS=()
if [ "$(id -u)" = 0 ]; then chown postgres "$WORK"; RUNAS=(su postgres -c); fi
run() { if [ ${#RUNAS[@]} -gt 0 ]; then "${RUNAS[@]}" "$*"; else bash -c "$*"; fi; }

run "$BIN/initdb -D $WORK/data -A trust -U postgres" > "$WORK/initdb.log"
run "$BIN/pg_ctl -D $WORK/data -o '-p $PORT -k $WORK -c listen_addresses=' -l $WORK/log start" > /dev/null
trap 'run "$BIN/pg_ctl -D $WORK/data stop -m fast" > /dev/null; rm -rf "$WORK"' EXIT
sleep 1

PSQL=(psql -h "$WORK" -p "$PORT" -X -q)
"${PSQL[@]}" -U postgres -c "CREATE ROLE lakesql SUPERUSER LOGIN" -c "CREATE DATABASE lakesql OWNER lakesql"
"$LAKESQL" --lake "$ROOT/Fixtures/demo" --format csv -c "
  SELECT 'CREATE TABLE ' || c.relname || ' (' || string_agg(a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END, ', ' ORDER BY a.attnum) || ');'
  FROM pg_class c JOIN pg_attribute a ON a.attrelid = c.oid JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE n.nspname = 'public' GROUP BY c.relname ORDER BY c.relname" | tail -n +2 | tr -d '"' > "$WORK/demo.sql"
"${PSQL[@]}" -U lakesql -d lakesql -f "$WORK/demo.sql"
CUSTOMERS=$("${PSQL[@]}" -U lakesql -d lakesql -At -c "SELECT 'customers'::regclass::oid")
ORDERS=$("${PSQL[@]}" -U lakesql -d lakesql -At -c "SELECT 'orders'::regclass::oid")

# Answers that show PostgreSQL's own contents.
SKIP=" psql-10 psql-11 psql-E-dnplus psql-E-dtplus psql-E-du psql-E-dx psql-E-lplus sqlalchemy-02 superset-04 superset-09 "
SKIP+=" superset-16 sqlalchemy-20 superset-24 npgsql-types dbeaver-01 dbeaver-07 dbeaver-09 dbeaver-10 dbeaver-15 dbeaver-16 "
SKIP+=" dbeaver-18 dbeaver-19 "
for f in "$HERE"/*.sql; do
  name=$(basename "$f" .sql)
  rm -f "$HERE/$name.expected"
  case "$SKIP" in *" $name "*) continue ;; esac
  first=$(tr -s ' \n' ' ' < "$f" | sed 's/^ *//' | cut -d' ' -f1 | tr 'A-Z' 'a-z' | tr -d ';')
  case "$first" in begin|commit|rollback|set|savepoint|release|"") continue ;; esac
  sql=$(sed "s/{{customers}}/$CUSTOMERS/g; s/{{orders}}/$ORDERS/g" "$f")
  "${PSQL[@]}" -U lakesql -d lakesql --csv -c "$sql" | sed "s/$CUSTOMERS/{{customers}}/g; s/$ORDERS/{{orders}}/g" > "$HERE/$name.expected"
done
"${PSQL[@]}" -U lakesql -d lakesql --csv -f "$HERE/npgsql-types.sql" > "$HERE/npgsql-types.postgresql"
echo "regenerated $(ls "$HERE"/*.expected | wc -l) answers"
