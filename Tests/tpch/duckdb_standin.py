#!/usr/bin/env python3
"""Stand-in for the `lakesql` binary, for self-testing the TPC-H harness only.

It accepts the subset of lakesql's command line that run.py uses,

    duckdb_standin.py --lake DIR --format csv -f QUERY.sql

exposes every sub-folder of DIR as a table (a view over its Parquet files, the
way lakesql maps a lake folder to a table) and runs the query with DuckDB,
printing CSV with a header row. Because it is DuckDB checking DuckDB, every
query should PASS; a FAIL points at a harness bug, not an engine bug.

    python3 Tests/tpch/run.py --lakesql Tests/tpch/duckdb_standin.py

Environment knob for testing the harness's failure path: if
STANDIN_CORRUPT=qNN is set, the stand-in perturbs the first numeric cell of that
query's result so the harness must report FAIL.
"""

import argparse
import csv
import os
import sys

import duckdb


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lake", required=True)
    parser.add_argument("--format", default="csv", choices=["csv"])
    parser.add_argument("-f", dest="file", required=True)
    args = parser.parse_args()

    con = duckdb.connect()
    for name in sorted(os.listdir(args.lake)):
        folder = os.path.join(args.lake, name)
        if os.path.isdir(folder) and not name.startswith((".", "_")):
            pattern = os.path.join(folder, "**", "*.parquet").replace("'", "''")
            con.execute(f"create view \"{name}\" as select * from read_parquet('{pattern}')")
    with open(args.file, encoding="utf-8") as f:
        sql = f.read()
    try:
        cursor = con.execute(sql)
    except duckdb.Error as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 1
    rows = cursor.fetchall()
    header = [d[0] for d in cursor.description]

    corrupt = os.environ.get("STANDIN_CORRUPT")
    if corrupt and os.path.basename(args.file).startswith(corrupt) and rows:
        first = list(rows[0])
        for i, value in enumerate(first):
            if isinstance(value, (int, float)) or type(value).__name__ == "Decimal":
                first[i] = value + 1
                break
        rows[0] = tuple(first)

    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return 0


if __name__ == "__main__":
    sys.exit(main())
