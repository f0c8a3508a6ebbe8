#!/usr/bin/env python3
"""TPC-H correctness harness: runs the 22 queries on lakesql and on DuckDB and compares.

    python3 Tests/tpch/run.py --sf 0.1 --lakesql .build/debug/lakesql [--data DIR]

1. Data: TPC-H at the chosen scale factor as Parquet, one folder per table
   (DIR/sf<SF>/lineitem/part-0.parquet, ...), generated once and cached
   (default DIR: <repo>/.build-tpch, which .gitignore excludes). It uses DuckDB's
   `tpch` extension when it can be loaded offline, else tpchgen.py (our own
   deterministic TPC-H-shaped generator; the PyPI wheel does not bundle `tpch`).
2. Queries: queries/q01.sql ... q22.sql, PostgreSQL syntax, qgen default
   substitution parameters.
3. Each query runs as `LAKESQL --lake DIR --format csv -f qNN.sql` and on DuckDB
   over the same files (views over read_parquet). Results are compared cell by
   cell: integers exactly, floating-point results with relative tolerance 1e-6,
   DuckDB DECIMAL results (exact sums) when equal after rounding to 2 digits
   (so an engine may print more or fewer fraction digits), NULL as an empty field; row order matters only for
   queries with ORDER BY (otherwise both sides are sorted first).

Prints one PASS/FAIL line per query with timings and ends with exactly
`N passed, M failed`; exits 1 if anything failed.
"""

import argparse
import csv
import datetime as dt
import decimal
import io
import os
import re
import subprocess
import sys
import time

import duckdb

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import tpchgen  # noqa: E402

REL_TOLERANCE = 1e-6
DECIMAL_ABS_TOLERANCE = decimal.Decimal("0.005")   # "equal after rounding to 2 digits"


# ---------------------------------------------------------------- data

def prepare_data(sf, data_root):
    """Returns the folder holding the TPC-H tables, generating them if not cached."""
    folder = os.path.join(data_root, f"sf{sf:g}")
    marker = os.path.join(folder, "_complete")
    expected = f"tpchgen-v{tpchgen.GENERATOR_VERSION} sf={sf:g}"
    if os.path.exists(marker):
        with open(marker, encoding="utf-8") as f:
            stamp = f.read().strip()
        if stamp == expected or stamp == f"duckdb-dbgen sf={sf:g}":
            return folder
    os.makedirs(folder, exist_ok=True)
    started = time.time()
    if generate_with_duckdb(sf, folder):
        stamp = f"duckdb-dbgen sf={sf:g}"
    else:
        tpchgen.generate(sf, folder, log=lambda m: print(f"# {m}"))
        stamp = expected
    with open(marker, "w", encoding="utf-8") as f:
        f.write(stamp + "\n")
    print(f"# data ready in {folder} ({stamp}, {time.time() - started:.1f}s)")
    return folder


def generate_with_duckdb(sf, folder):
    """Uses DuckDB's own dbgen if the tpch extension is available offline."""
    con = duckdb.connect()
    try:
        con.execute("LOAD tpch")
    except duckdb.Error:
        return False
    con.execute(f"CALL dbgen(sf={sf})")
    for table in tpchgen.TABLES:
        os.makedirs(os.path.join(folder, table), exist_ok=True)
        target = os.path.join(folder, table, "part-0.parquet").replace("'", "''")
        con.execute(f"COPY {table} TO '{target}' (FORMAT parquet, COMPRESSION snappy)")
    return True


def reference_connection(folder):
    con = duckdb.connect()
    for table in tpchgen.TABLES:
        pattern = os.path.join(folder, table, "*.parquet").replace("'", "''")
        con.execute(f"create view {table} as select * from read_parquet('{pattern}')")
    return con


# ---------------------------------------------------------------- comparison

def has_order_by(sql):
    """True if the outermost query has ORDER BY (the TPC-H queries keep it last)."""
    text = re.sub(r"--[^\n]*", "", sql)
    tail = text[text.rfind(")") + 1:] if ")" in text else text
    return re.search(r"\border\s+by\b", tail, re.IGNORECASE) is not None


def parse_number(text):
    try:
        return float(text)
    except ValueError:
        return None


def cells_equal(expected, actual):
    """expected: a DuckDB Python value; actual: the CSV text lakesql printed."""
    if expected is None:
        return actual in ("", "NULL")
    if isinstance(expected, bool):
        return actual.lower() in (("t", "true") if expected else ("f", "false"))
    if isinstance(expected, (int, float, decimal.Decimal)):
        value = parse_number(actual)
        if value is None:
            return False
        if isinstance(expected, int):
            return value == float(expected) and (abs(value) < 2 ** 53 or actual == str(expected))
        if isinstance(expected, decimal.Decimal):
            # exact numeric on both sides; allow the engine to print fewer digits
            try:
                return abs(decimal.Decimal(actual.strip()) - expected) <= DECIMAL_ABS_TOLERANCE
            except decimal.InvalidOperation:
                return False
        want = float(expected)
        diff = abs(value - want)
        return diff <= max(REL_TOLERANCE * max(abs(value), abs(want)), 1e-12)
    if isinstance(expected, dt.datetime):
        return actual.replace("T", " ") in (str(expected), expected.isoformat(sep=" "))
    if isinstance(expected, dt.date):
        return actual == expected.isoformat()
    return str(expected) == actual


def sort_key(row):
    return tuple((0, float(v)) if isinstance(v, (int, float, decimal.Decimal)) else
                 (1, "") if v is None else (2, str(v)) for v in row)


def text_sort_key(expected_row_types):
    def key(row):
        out = []
        for kind, cell in zip(expected_row_types, row):
            number = parse_number(cell) if kind == "number" else None
            out.append((0, number) if number is not None else
                       (1, "") if cell in ("", "NULL") else (2, cell))
        return tuple(out)
    return key


def compare(expected_rows, names, actual_rows, ordered):
    """Returns None if equal, else a short reason."""
    if (actual_rows and [c.strip().lower() for c in actual_rows[0]] == [n.lower() for n in names]) \
            or len(actual_rows) == len(expected_rows) + 1:
        actual_rows = actual_rows[1:]           # header row
    if len(actual_rows) != len(expected_rows):
        return f"row count {len(actual_rows)}, expected {len(expected_rows)}"
    if expected_rows and len(actual_rows[0]) != len(names):
        return f"column count {len(actual_rows[0])}, expected {len(names)}"
    if not ordered:
        kinds = ["number" if isinstance(v, (int, float, decimal.Decimal)) else "other"
                 for v in (expected_rows[0] if expected_rows else [])]
        expected_rows = sorted(expected_rows, key=sort_key)
        actual_rows = sorted(actual_rows, key=text_sort_key(kinds))
    for r, (want, got) in enumerate(zip(expected_rows, actual_rows)):
        if len(got) != len(want):
            return f"row {r + 1}: {len(got)} columns, expected {len(want)}"
        for c, (w, g) in enumerate(zip(want, got)):
            if not cells_equal(w, g):
                return f"row {r + 1} column {names[c]}: got {g!r}, expected {w!r}"
    return None


# ---------------------------------------------------------------- running

def lakesql_command(binary):
    """Python stand-ins are run through this interpreter so they need no exec bit."""
    if binary.endswith(".py"):
        return [sys.executable, binary]
    return [binary]


def run_query(command, folder, path, timeout):
    started = time.time()
    try:
        proc = subprocess.run(command + ["--lake", folder, "--format", "csv", "-f", path],
                              capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return None, f"timeout after {timeout}s", time.time() - started
    elapsed = time.time() - started
    if proc.returncode != 0:
        message = (proc.stderr.strip() or proc.stdout.strip() or "no output").splitlines()[0]
        return None, f"exit {proc.returncode}: {message[:200]}", elapsed
    return list(csv.reader(io.StringIO(proc.stdout))), None, elapsed


def selected_queries(spec):
    if not spec:
        return list(range(1, 23))
    out = []
    for part in spec.split(","):
        if "-" in part:
            lo, hi = part.split("-")
            out.extend(range(int(lo), int(hi) + 1))
        else:
            out.append(int(part))
    return out


def main():
    parser = argparse.ArgumentParser(description="TPC-H correctness harness for lakesql.")
    parser.add_argument("--sf", type=float, default=0.1, help="scale factor (default 0.1)")
    parser.add_argument("--lakesql", required=True,
                        help="path to the lakesql binary (or duckdb_standin.py)")
    parser.add_argument("--data", default=os.path.join(REPO, ".build-tpch"),
                        help="cache folder for generated data (default <repo>/.build-tpch)")
    parser.add_argument("--queries", default="", help="e.g. 1,3,5-9 (default: all 22)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds per query")
    args = parser.parse_args()

    folder = prepare_data(args.sf, os.path.abspath(args.data))
    reference = reference_connection(folder)
    command = lakesql_command(args.lakesql)
    passed = failed = 0
    for number in selected_queries(args.queries):
        name = f"q{number:02d}"
        path = os.path.join(HERE, "queries", f"{name}.sql")
        with open(path, encoding="utf-8") as f:
            sql = f.read()
        started = time.time()
        cursor = reference.execute(sql)
        expected = cursor.fetchall()
        names = [d[0] for d in cursor.description]
        reference_time = time.time() - started
        actual, error, elapsed = run_query(command, folder, path, args.timeout)
        if error is None:
            error = compare(expected, names, actual, has_order_by(sql))
        status = "PASS" if error is None else "FAIL"
        if error is None:
            passed += 1
        else:
            failed += 1
        detail = "" if error is None else f"  {error}"
        print(f"{name} {status} {elapsed:8.3f}s (duckdb {reference_time:.3f}s, "
              f"{len(expected)} rows){detail}", flush=True)
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
