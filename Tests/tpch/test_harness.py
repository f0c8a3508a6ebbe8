#!/usr/bin/env python3
"""Self-tests for the TPC-H harness (comparison rules, generator domains, end-to-end run).

    python3 -m unittest discover -s Tests/tpch -p 'test_*.py'

The end-to-end test generates TPC-H at scale factor 0.01 into a temporary folder
and runs all 22 queries through duckdb_standin.py, once clean (all must pass) and
once with a corrupted result (that query must fail).
"""

import datetime as dt
import os
import subprocess
import sys
import tempfile
import unittest
from decimal import Decimal

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import run  # noqa: E402
import tpchgen  # noqa: E402


class CompareTests(unittest.TestCase):
    def test_numbers(self):
        self.assertTrue(run.cells_equal(42, "42"))
        self.assertFalse(run.cells_equal(42, "43"))
        self.assertTrue(run.cells_equal(0.1 + 0.2, "0.3"))
        self.assertTrue(run.cells_equal(1000.0, "1000.0009"))
        self.assertFalse(run.cells_equal(1000.0, "1000.01"))
        self.assertTrue(run.cells_equal(Decimal("123.4567"), "123.4567"))
        self.assertTrue(run.cells_equal(Decimal("123.4567"), "123.46"))
        self.assertFalse(run.cells_equal(Decimal("11465040.1072"), "11465041.1072"))
        self.assertFalse(run.cells_equal(Decimal("1.00"), "abc"))

    def test_other_types(self):
        self.assertTrue(run.cells_equal(None, ""))
        self.assertFalse(run.cells_equal(None, "0"))
        self.assertTrue(run.cells_equal(dt.date(1995, 3, 15), "1995-03-15"))
        self.assertTrue(run.cells_equal(dt.datetime(1995, 3, 15, 1, 2, 3), "1995-03-15 01:02:03"))
        self.assertTrue(run.cells_equal("Brand#23", "Brand#23"))
        self.assertFalse(run.cells_equal("Brand#23", "Brand#23 "))

    def test_header_order_and_counts(self):
        expected = [("A", 1), ("B", 2)]
        names = ["flag", "n"]
        self.assertIsNone(run.compare(expected, names, [["flag", "n"], ["A", "1"], ["B", "2"]], True))
        self.assertIsNone(run.compare(expected, names, [["A", "1"], ["B", "2"]], True))
        self.assertIsNotNone(run.compare(expected, names, [["B", "2"], ["A", "1"]], True))
        self.assertIsNone(run.compare(expected, names, [["B", "2"], ["A", "1"]], False))
        self.assertIn("row count", run.compare(expected, names, [["A", "1"]], True))
        numeric = [(10, "x"), (9, "y")]
        self.assertIsNone(run.compare(numeric, ["n", "s"], [["9", "y"], ["10", "x"]], False))

    def test_order_by_detection(self):
        self.assertTrue(run.has_order_by("select a from t group by a order by a;"))
        self.assertFalse(run.has_order_by("select sum(x) from (select x from t order by x) s;"))
        self.assertFalse(run.has_order_by("-- order by in a comment\nselect 1;"))
        for n in (6, 14, 17, 19):
            with open(os.path.join(HERE, "queries", f"q{n:02d}.sql")) as f:
                self.assertFalse(run.has_order_by(f.read()), n)
        for n in (1, 2, 13, 15, 22):
            with open(os.path.join(HERE, "queries", f"q{n:02d}.sql")) as f:
                self.assertTrue(run.has_order_by(f.read()), n)


class GeneratorTests(unittest.TestCase):
    def test_spec_formulas(self):
        self.assertEqual(tpchgen.retail_price_cents(__import__("numpy").array([1]))[0], 90100)
        # part 1's four suppliers at SF 1 (10,000 suppliers): 2, 2502, 5002, 7502
        import numpy as np
        got = tpchgen.part_suppliers(np.array([1] * 4), np.arange(4), 10000).tolist()
        self.assertEqual(got, [2, 2502, 5002, 7502])

    def test_decimal_array(self):
        arr = tpchgen.decimal_array([12345, -99999, 0])
        self.assertEqual(arr.to_pylist(), [Decimal("123.45"), Decimal("-999.99"), Decimal("0.00")])

    def test_orders_lineitem_consistency(self):
        orders, lineitem = tpchgen.gen_orders_lineitem(400, 300, 400, 20, 10)
        keys = orders.column("o_orderkey").to_pylist()
        self.assertEqual(keys[:10], [1, 2, 3, 4, 5, 6, 7, 8, 33, 34])
        self.assertTrue(all(k % 3 != 0 for k in orders.column("o_custkey").to_pylist()))
        self.assertTrue(set(lineitem.column("l_orderkey").to_pylist()) <= set(keys))
        ship = lineitem.column("l_shipdate").to_pylist()
        receipt = lineitem.column("l_receiptdate").to_pylist()
        self.assertTrue(all(r > s for s, r in zip(ship, receipt)))
        flags = lineitem.column("l_returnflag").to_pylist()
        for flag, r in zip(flags, receipt):
            self.assertEqual(flag == "N", r > tpchgen.CURRENT_DATE)


class EndToEndTests(unittest.TestCase):
    def run_harness(self, data, env_extra):
        env = dict(os.environ, **env_extra)
        return subprocess.run([sys.executable, os.path.join(HERE, "run.py"), "--sf", "0.01",
                               "--data", data, "--lakesql", os.path.join(HERE, "duckdb_standin.py")],
                              capture_output=True, text=True, env=env, timeout=600)

    def test_standin_passes_and_corruption_fails(self):
        with tempfile.TemporaryDirectory() as data:
            clean = self.run_harness(data, {})
            self.assertEqual(clean.returncode, 0, clean.stdout + clean.stderr)
            lines = clean.stdout.strip().splitlines()
            self.assertEqual(lines[-1], "22 passed, 0 failed")
            # the generated data must make the queries meaningful: only Q20 (few
            # 'forest%' parts at this tiny scale) may come back empty
            empty = [line.split()[0] for line in lines if " 0 rows" in line]
            self.assertLessEqual(set(empty), {"q20"}, clean.stdout)
            broken = self.run_harness(data, {"STANDIN_CORRUPT": "q01"})
            self.assertEqual(broken.returncode, 1)
            self.assertIn("q01 FAIL", broken.stdout)
            self.assertEqual(broken.stdout.strip().splitlines()[-1], "21 passed, 1 failed")


if __name__ == "__main__":
    unittest.main()
