#!/usr/bin/env python3
# pg_oracle.py: fills in (or re-checks) the expected results of LakeSQL's own
# sqllogictest suite (Tests/slt) by running every file against real PostgreSQL 15.
#
# Each .slt file runs top to bottom in a fresh database (LC_COLLATE 'C', TimeZone
# UTC, DateStyle ISO, IntervalStyle postgres), one session, autocommit.
#   * `statement ok` must succeed and `statement error` must fail in PostgreSQL;
#     the SQLSTATE PostgreSQL raised is written after `statement error` (if the
#     draft names a SQLSTATE there, it must match).
#   * `query` records may be drafts: `query`, `query rowsort`, `query nosort`, or a
#     full header. The column letters are always re-derived from PostgreSQL's result
#     types (int2/int4/int8 -> I, float4/float8/numeric -> R, anything else -> T)
#     and the expected rows are rendered with the rules of
#     /work/shared/sqllogictest/README.md from PostgreSQL's text output.
#     The sort mode defaults to rowsort; `nosort` is kept only if the SQL has ORDER BY.
# Files are rewritten in place (idempotent); --check reports differences instead.
#
# Usage: pg_oracle.py [--check] [--dsn DSN] FILE_OR_DIR...
#   default DSN: host=/tmp/pgslt port=55432 user=postgres dbname=postgres
import argparse
import os
import re
import sys

import psycopg
from psycopg.adapt import Loader

INT_OIDS = {20, 21, 23}          # int8, int2, int4
REAL_OIDS = {700, 701, 1700}     # float4, float8, numeric
BOOL_OID = 16


class TextLoader(Loader):
    """Keeps PostgreSQL's own text output for every type."""

    def load(self, data):
        if isinstance(data, memoryview):
            data = bytes(data)
        return data.decode("utf-8")


class OracleError(Exception):
    pass


def render_real(text):
    if text == "NaN":
        return "NaN"
    if text in ("Infinity", "-Infinity"):
        return text
    d = float(text)
    if d == 0:
        return "0.000"
    return "%.3f" % d


def clean_text(s):
    if s == "":
        return "(empty)"
    return "".join("@" if ord(c) < 0x20 else c for c in s)


def render(value, oid):
    if value is None:
        return "NULL"
    if oid in INT_OIDS:
        return str(int(value))
    if oid in REAL_OIDS:
        return render_real(value)
    if oid == BOOL_OID:
        return "true" if value == "t" else "false"
    return clean_text(value)


def letter(oid):
    if oid in INT_OIDS:
        return "I"
    if oid in REAL_OIDS:
        return "R"
    return "T"


def parse_records(lines):
    """Splits a file into chunks: ('blank'|'comment', line) or ('record', [lines])."""
    chunks = []
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        if line.strip() == "":
            chunks.append(("blank", line))
            i += 1
            continue
        if line.startswith("#"):
            chunks.append(("comment", line))
            i += 1
            continue
        block = []
        while i < n and lines[i].strip() != "":
            block.append(lines[i])
            i += 1
        chunks.append(("record", block))
    return chunks


def skipped_for_postgres(conditions):
    for c in conditions:
        parts = c.split()
        if len(parts) < 2:
            continue
        names = [x.lower() for x in re.split(r"[|,]", parts[1])]
        if parts[0] == "skipif" and "postgresql" in names:
            return True
        if parts[0] == "onlyif" and "postgresql" not in names:
            return True
    return False


def has_order_by(sql):
    return re.search(r"\border\s+by\b", sql, re.IGNORECASE) is not None


def process_record(block, conn, where):
    conditions = []
    k = 0
    while k < len(block) and block[k].split()[0] in ("skipif", "onlyif"):
        conditions.append(block[k])
        k += 1
    header = block[k]
    body = block[k + 1:]
    words = header.split()
    kind = words[0]
    if kind in ("hash-threshold", "halt"):
        return block
    if skipped_for_postgres(conditions):
        return block
    if kind == "statement":
        sql = "\n".join(body)
        expect_error = len(words) > 1 and words[1] == "error"
        wanted_state = words[2] if expect_error and len(words) > 2 and re.fullmatch(r"[0-9A-Z]{5}", words[2]) else None
        try:
            with conn.cursor() as cur:
                cur.execute(sql)
            if expect_error:
                raise OracleError(f"{where}: statement error succeeded in PostgreSQL:\n{sql}")
            return block
        except psycopg.Error as e:
            if not expect_error:
                raise OracleError(f"{where}: statement ok failed in PostgreSQL ({e.sqlstate}): {e}\n{sql}")
            if wanted_state and e.sqlstate != wanted_state:
                raise OracleError(f"{where}: expected SQLSTATE {wanted_state}, PostgreSQL raised {e.sqlstate}: {e}\n{sql}")
            return conditions + [f"statement error {e.sqlstate}"] + body
    if kind != "query":
        raise OracleError(f"{where}: unknown record header: {header}")
    sql_lines = []
    for line in body:
        if line == "----":
            break
        sql_lines.append(line)
    sql = "\n".join(sql_lines)
    sortmode = "rowsort"
    for w in words[1:]:
        if w in ("nosort", "rowsort", "valuesort"):
            sortmode = w
    label = [w for w in words[1:] if w.startswith("label-")]
    if sortmode == "nosort" and not has_order_by(sql):
        sortmode = "rowsort"
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            if cur.description is None:
                raise OracleError(f"{where}: query returned no result set:\n{sql}")
            oids = [d.type_code for d in cur.description]
            rows = cur.fetchall()
    except psycopg.Error as e:
        raise OracleError(f"{where}: query failed in PostgreSQL ({e.sqlstate}): {e}\n{sql}")
    rendered = [[render(v, oids[j]) for j, v in enumerate(row)] for row in rows]
    if sortmode == "rowsort":
        rendered.sort(key=lambda r: [v.encode("utf-8") for v in r])
    out_lines = []
    if sortmode == "valuesort":
        values = sorted((v for r in rendered for v in r), key=lambda v: v.encode("utf-8"))
        out_lines = values
    else:
        out_lines = ["\t".join(r) for r in rendered]
    if len(out_lines) > 60:
        raise OracleError(f"{where}: result too large ({len(out_lines)} lines); keep results small:\n{sql}")
    new_header = " ".join(["query", "".join(letter(o) for o in oids), sortmode] + label)
    return conditions + [new_header] + sql_lines + ["----"] + out_lines


def run_file(path, admin_dsn, check):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    chunks = parse_records(lines)
    dbname = "slt_oracle_" + re.sub(r"[^a-z0-9]", "_", os.path.basename(path).lower())[:40]
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
        admin.execute(f"CREATE DATABASE \"{dbname}\" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C'")
    out = []
    try:
        dsn = psycopg.conninfo.make_conninfo(admin_dsn, dbname=dbname)
        with psycopg.connect(dsn, autocommit=True) as conn:
            conn.execute("SET TimeZone = 'UTC'")
            conn.execute("SET DateStyle = 'ISO, MDY'")
            conn.execute("SET IntervalStyle = 'postgres'")
            conn.execute("SET extra_float_digits = 1")
            # Every known type and its array type keeps PostgreSQL's text output; oid 0 is
            # psycopg's fallback for types it does not know.
            conn.adapters.register_loader(0, TextLoader)
            for info in psycopg.postgres.types:
                conn.adapters.register_loader(info.oid, TextLoader)
                if info.array_oid:
                    conn.adapters.register_loader(info.array_oid, TextLoader)
            lineno = 1
            for kind, payload in chunks:
                if kind == "record":
                    out.extend(process_record(payload, conn, f"{path}:{lineno}"))
                    lineno += len(payload)
                else:
                    out.append(payload)
                    lineno += 1
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{dbname}"')
    new_text = "\n".join(out) + "\n"
    if new_text != text:
        if check:
            print(f"{path}: expectations differ from PostgreSQL")
            return False
        with open(path, "w", encoding="utf-8") as f:
            f.write(new_text)
        print(f"{path}: updated")
    return True


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true", help="only report files whose expectations differ")
    ap.add_argument("--dsn", default="host=/tmp/pgslt port=55432 user=postgres dbname=postgres")
    ap.add_argument("paths", nargs="+")
    args = ap.parse_args()
    files = []
    for p in args.paths:
        if os.path.isdir(p):
            for root, _, names in os.walk(p):
                files.extend(os.path.join(root, n) for n in names if n.endswith(".slt"))
        else:
            files.append(p)
    ok = True
    for path in sorted(files):
        try:
            ok = run_file(path, args.dsn, args.check) and ok
        except OracleError as e:
            print(f"ERROR {e}", file=sys.stderr)
            ok = False
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
