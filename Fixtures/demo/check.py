#!/usr/bin/env python3
"""Checks the committed demo lake: every file reads, invariants hold, regeneration is byte-identical.

    python3 Fixtures/demo/check.py

Uses DuckDB as an independent reader. Exits 1 (and says why) on the first
failed check; prints the file sizes and `N passed, 0 failed` otherwise.
"""

import filecmp
import glob
import os
import subprocess
import sys
import tempfile

import duckdb

HERE = os.path.dirname(os.path.abspath(__file__))
TABLES = ["customers", "products", "orders", "order_items", "shipments", "reviews"]

# (description, SQL returning one value, expected value)
CHECKS = [
    ("row counts", "select (select count(*) from customers), (select count(*) from products),"
     " (select count(*) from orders)", (2000, 300, 20000)),
    ("about 50k order items", "select count(*) between 45000 and 55000 from order_items", (True,)),
    ("100k+ events in 14 partitions", "select count(*) >= 100000, count(distinct dt) from events",
     (True, 14)),
    ("dt comes only from the folder name",
     "select count(*) from events where cast(event_ts as date) <> dt", (0,)),
    ("unique keys", "select count(*) - count(distinct order_id) from orders", (0,)),
    ("orders after signup", "select count(*) from orders o join customers c using (customer_id)"
     " where o.order_ts < c.signup_ts", (0,)),
    ("every order item has an order and product",
     "select count(*) from order_items i left join orders o using (order_id)"
     " left join products p using (product_id) where o.order_id is null or p.product_id is null", (0,)),
    ("order total = sum of items", "select count(*) from orders o join (select order_id,"
     " sum(quantity * unit_price) t from order_items group by 1) s using (order_id)"
     " where o.total <> s.t", (0,)),
    ("shipped after ordered, delivered after shipped",
     "select count(*) from shipments s join orders o using (order_id)"
     " where s.shipped_at <= o.order_ts or s.delivered_at <= s.shipped_at", (0,)),
    ("reviews after delivery", "select count(*) from reviews r join shipments s using (order_id)"
     " where r.created_at <= s.delivered_at or s.delivered_at is null", (0,)),
    ("slow delivery, fewer stars", "select corr(r.stars, epoch(s.delivered_at - o.order_ts)) < -0.3"
     " from reviews r join shipments s using (order_id) join orders o using (order_id)", (True,)),
    ("purchase events mirror order items",
     "select (select count(*) from events where event_type = 'purchase') = (select count(*)"
     " from order_items join orders using (order_id) where order_ts >= date '2026-11-01'"
     " and status <> 'cancelled')", (True,)),
    ("December busier than February", "select count(*) filter (where month(order_ts) = 12)"
     " > 1.3 * count(*) filter (where month(order_ts) = 2) from orders", (True,)),
    ("some NULLs and non-ASCII names", "select count(*) filter (where email is null) > 0,"
     " count(*) filter (where name = 'José Conceição' or name = 'Zoë Müller') > 0 from customers",
     (True, True)),
]


def connect(root):
    con = duckdb.connect()
    for table in TABLES:
        path = os.path.join(root, table, "part-0.parquet")
        con.execute(f"create view {table} as select * from read_parquet('{path}')")
    pattern = os.path.join(root, "events", "*", "part-0.parquet")
    con.execute(f"create view events as select * from read_parquet('{pattern}', hive_partitioning = true)")
    return con


def main():
    files = sorted(glob.glob(os.path.join(HERE, "**", "*.parquet"), recursive=True))
    total = 0
    for path in files:
        size = os.path.getsize(path)
        total += size
        print(f"{size:9d}  {os.path.relpath(path, HERE)}")
    print(f"{total:9d}  total ({len(files)} files)")
    passed = 0
    failures = []
    con = connect(HERE)
    for description, sql, expected in CHECKS:
        got = con.execute(sql).fetchone()
        if tuple(got) == expected:
            passed += 1
        else:
            failures.append(f"{description}: got {got}, expected {expected}")
    if total > 8 * 1024 * 1024:
        failures.append(f"lake is {total} bytes, over the 8 MiB budget")
    else:
        passed += 1
    with tempfile.TemporaryDirectory() as out:
        subprocess.run([sys.executable, os.path.join(HERE, "generate.py"), "--out", out],
                       check=True, capture_output=True)
        different = [os.path.relpath(p, HERE) for p in files
                     if not filecmp.cmp(p, os.path.join(out, os.path.relpath(p, HERE)), shallow=False)]
        if different:
            failures.append(f"regenerated files differ (other pyarrow version?): {different[:3]}")
        else:
            passed += 1
    for failure in failures:
        print(f"FAIL {failure}")
    print(f"{passed} passed, {len(failures)} failed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
