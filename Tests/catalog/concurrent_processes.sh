#!/usr/bin/env bash
# Several lakesql processes write DDL to one catalog file at the same time:
# every statement must land exactly once (no lost or duplicated objects, no
# "database is locked" errors), and every process's audit entries must be
# there. Then `lakesql policy export/apply` round-trips through the
# executable, and a failing policy file changes nothing. Usage: Tests/catalog/concurrent_processes.sh [path/to/lakesql]
set -euo pipefail
lakesql=${1:-.build/debug/lakesql}
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
catalog="$dir/catalog.db"
"$lakesql" --catalog "$catalog" -c "CREATE SCHEMA shared" > /dev/null

processes=8
for p in $(seq 1 $processes); do
  (
    for i in 1 2 3 4 5; do
      "$lakesql" --catalog "$catalog" -c "CREATE ROLE r_${p}_${i}; CREATE TABLE shared.t_${p}_${i} (a int); GRANT SELECT ON shared.t_${p}_${i} TO r_${p}_${i}" > /dev/null
    done
  ) &
done
fail=0
for job in $(jobs -p); do wait "$job" || fail=1; done
[ "$fail" -eq 0 ] || { echo "a concurrent lakesql process failed"; exit 1; }

expected=$((processes * 5))
count() { "$lakesql" --catalog "$catalog" --format csv -c "$1" | tail -n 1; }
roles=$(count "SELECT count(*) FROM lakesql_roles WHERE name LIKE 'r\_%'")
grants=$(count "SELECT count(*) FROM lakesql_grants WHERE object_name LIKE 'shared.t\_%'")
tables=$(count "SELECT count(*) FROM (SELECT 1 FROM lakesql_audit WHERE statement LIKE 'CREATE ROLE r\_%' AND sqlstate = '00000') a")
echo "concurrent processes: $roles roles, $grants grants, $tables audited scripts (expected $expected each)"
[ "$roles" = "$expected" ] && [ "$grants" = "$expected" ] && [ "$tables" = "$expected" ] || exit 1

# Policy as code through the executable: export, apply into a fresh catalog, export again.
"$lakesql" --catalog "$catalog" -c "CREATE MASKING POLICY m AS (v text) RETURNS text -> mask_email(v); CREATE TAG pii; ALTER TAG pii SET MASKING POLICY m" > /dev/null
"$lakesql" policy export --catalog "$catalog" > "$dir/policies.sql"
"$lakesql" policy apply "$dir/policies.sql" --catalog "$dir/fresh.db" > /dev/null
"$lakesql" policy export --catalog "$dir/fresh.db" > "$dir/again.sql"
diff <(tail -n +2 "$dir/policies.sql") <(tail -n +2 "$dir/again.sql") > /dev/null || { echo "policy export/apply round trip differs"; exit 1; }
echo "BOGUS STATEMENT;" >> "$dir/policies.sql"
if "$lakesql" policy apply "$dir/policies.sql" --catalog "$dir/fresh2.db" > /dev/null 2>&1; then echo "a failing policy file was applied"; exit 1; fi
[ "$("$lakesql" --catalog "$dir/fresh2.db" --format csv -c "SELECT count(*) FROM lakesql_roles WHERE name LIKE 'r\_%'" | tail -n 1)" = 0 ] || { echo "a failing policy file left changes"; exit 1; }
echo "policy export/apply round trip through the executable: ok"
