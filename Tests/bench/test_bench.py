"""Self-tests of the benchmark harness (no timing is asserted; no Swift needed).

    python3 -m unittest discover -s Tests/bench -p 'test_*.py'

They check the click-stream generator (layout, counts, schema, determinism, per-user
coherence), that the mission queries run and agree on DuckDB and Polars through the same
worker processes the benchmark uses, the result comparison (PostgreSQL timestamp text, float
tolerance, a wrong value is caught), and the REPL driver's framing of results and errors
against a stand-in that answers statement by statement like `lakesql` reading a pipe.
"""

import datetime as dt
import os
import sys
import tempfile
import textwrap
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import clickstream  # noqa: E402
import engines  # noqa: E402
import run as bench  # noqa: E402

import pyarrow.parquet as pq  # noqa: E402

SCALE = 0.0001      # 10,000 rows on the big day, 1,000 on each of the others


class ClickstreamGeneratorTests(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.TemporaryDirectory()
        cls.folder = bench.gen_clickstream(SCALE, cls.tmp.name)

    @classmethod
    def tearDownClass(cls):
        cls.tmp.cleanup()

    def day_table(self, day):
        return pq.read_table(os.path.join(self.folder, "events", f"dt={day}"))

    def test_partitions_and_row_counts(self):
        days = sorted(os.listdir(os.path.join(self.folder, "events")))
        self.assertEqual(days, [f"dt=2024-01-0{d}" for d in range(1, 8)])
        self.assertEqual(self.day_table("2024-01-07").num_rows, 10_000)
        self.assertEqual(self.day_table("2024-01-03").num_rows, 1_000)
        self.assertEqual(pq.read_table(os.path.join(self.folder, "products")).num_rows, clickstream.PRODUCTS)

    def test_schema_and_time_order(self):
        table = self.day_table("2024-01-07")
        self.assertEqual(table.schema.names[:10], clickstream.EVENT_SCHEMA.names)
        times = table.column("event_time").to_pylist()
        self.assertEqual(times, sorted(times))
        self.assertGreaterEqual(times[0], dt.datetime(2024, 1, 7))
        self.assertLess(times[-1], dt.datetime(2024, 1, 8))

    def test_user_attributes_are_coherent(self):
        rows = self.day_table("2024-01-05").select(["user_id", "email", "ip", "country"]).to_pylist()
        by_user = {}
        for row in rows:
            self.assertEqual(row["email"], f"user{row['user_id']}@example.com")
            self.assertEqual(by_user.setdefault(row["user_id"], (row["ip"], row["country"])), (row["ip"], row["country"]))

    def test_product_columns_only_on_product_events(self):
        rows = self.day_table("2024-01-07").select(["event_type", "product_id", "price"]).to_pylist()
        for row in rows:
            has_product = row["event_type"] in clickstream.PRODUCT_EVENTS
            self.assertEqual(row["product_id"] is not None, has_product)
            self.assertEqual(row["price"] is not None, has_product)

    def test_deterministic(self):
        a = clickstream.events_chunk(2, 0, 1, 500)
        b = clickstream.events_chunk(2, 0, 1, 500)
        self.assertTrue(a.equals(b))
        self.assertFalse(a.equals(clickstream.events_chunk(3, 0, 1, 500)))

    def test_mission_queries_agree_on_duckdb_and_polars(self):
        tables = bench.clickstream_tables(self.folder)
        duck = engines.PythonEngine("duckdb", tables)
        polars = engines.PythonEngine("polars", tables)
        try:
            for name, sql in bench.mission_queries(""):
                expected = duck.run(sql, 120)
                actual = polars.run(sql, 120)
                self.assertIsNone(expected["error"], name)
                self.assertIsNone(bench.check(expected, actual, sql), name)
                self.assertGreater(len(expected["rows"]), 0, name)
                self.assertIsNotNone(expected["peak_mb"])
        finally:
            duck.close()
            polars.close()


class ComparisonTests(unittest.TestCase):
    reference = {"names": ["t", "x", "n"], "rows": [(dt.datetime(2024, 1, 6, 21, 40, 36, 580860), 0.1 + 0.2, 3)]}

    def test_postgres_timestamp_text_and_float_tolerance(self):
        result = {"error": None, "text": True, "rows": [["2024-01-06 21:40:36.58086", "0.3", "3"]]}
        self.assertIsNone(bench.check(self.reference, result, "SELECT 1"))

    def test_wrong_value_is_reported(self):
        result = {"error": None, "text": True, "rows": [["2024-01-06 21:40:36.58086", "0.3", "4"]]}
        self.assertIn("column n", bench.check(self.reference, result, "SELECT 1"))

    def test_engine_error_is_reported(self):
        result = {"error": "ERROR: boom", "text": True, "rows": []}
        self.assertTrue(bench.check(self.reference, result, "SELECT 1").startswith("error"))


class ABTests(unittest.TestCase):
    """`run.py ab`: warm-up runs are not timed, runs alternate A and B, medians, and errors or
    differing rows are named."""

    class Fake:
        def __init__(self, seconds, rows=(("1",),), error=None):
            self.seconds, self.rows, self.error, self.calls = list(seconds), [list(r) for r in rows], error, 0

        def run(self, sql, timeout):
            self.calls += 1
            return {"seconds": self.seconds.pop(0), "rows": self.rows, "error": self.error, "text": True}

    def test_medians_exclude_the_warm_up(self):
        a = self.Fake([100.0, 1.0, 3.0, 2.0])
        b = self.Fake([100.0, 4.0, 6.0, 5.0])
        [(name, ma, mb, problem)] = list(bench.ab_compare(a, b, [("q01", "SELECT 1")], rounds=3))
        self.assertEqual((name, ma, mb, problem), ("q01", 2.0, 5.0, None))
        self.assertEqual((a.calls, b.calls), (4, 4))

    def test_errors_and_differing_rows_are_reported(self):
        same = list(bench.ab_compare(self.Fake([0, 1]), self.Fake([0, 1], rows=(("2",),)), [("q", "x")], rounds=1))
        self.assertEqual(same[0][3], "A and B returned different rows")
        failing = list(bench.ab_compare(self.Fake([0, 1]), self.Fake([0, 1], error="ERROR: boom"), [("q", "x")], rounds=1))
        self.assertTrue(failing[0][3].startswith("error: ERROR: boom"))


STANDIN = textwrap.dedent('''
    import sys
    # Answers each statement as soon as its ';' arrives, like lakesql reading a pipe:
    # "SELECT 'x'" prints a header and x; "fail" prints an error on stderr.
    buffer = ""
    for line in sys.stdin:
        buffer += line
        while ";" in buffer:
            statement, buffer = buffer.split(";", 1)
            statement = statement.strip()
            if statement == "fail":
                sys.stderr.write("ERROR:  it failed\\n"); sys.stderr.flush()
            elif statement.startswith("SELECT '"):
                print("?column?"); print(statement[8:-1])
            elif statement == "many":
                # 60,000 rows, some starting with the sentinel's text, written in uneven pieces.
                print("n,t")
                for i in range(60000):
                    print(f"{i},__done__{i}" if i % 7 == 0 else f"{i},r")
                    if i % 997 == 0: sys.stdout.flush()
            else:
                print("a,b"); print("1,x"); print("2,y")
            sys.stdout.flush()
''')


class ReplDriverTests(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        path = os.path.join(self.tmp.name, "standin")
        with open(path, "w") as f:
            f.write(f"#!{sys.executable}\n" + STANDIN)
        os.chmod(path, 0o755)
        self.binary = path

    def tearDown(self):
        self.tmp.cleanup()

    def test_detects_streaming_and_frames_results(self):
        self.assertTrue(engines.lakesql_streams_stdin(self.binary, self.tmp.name))
        driver = engines.ReplLakeSQL(self.binary, self.tmp.name)
        try:
            first = driver.run("rows", 10)
            self.assertEqual(first["rows"], [["a", "b"], ["1", "x"], ["2", "y"]])
            self.assertIsNone(first["error"])
            second = driver.run("fail", 10)
            self.assertEqual(second["rows"], [])
            self.assertIn("it failed", second["error"])
            third = driver.run("rows;", 10)
            self.assertEqual(len(third["rows"]), 3)
            # A large result arriving over many reads, with lines that only begin like the
            # sentinel, is framed whole, and the next query's result starts clean.
            many = driver.run("many", 30)
            self.assertEqual(len(many["rows"]), 60001)
            self.assertEqual(many["rows"][1], ["0", "__done__0"])
            self.assertEqual(many["rows"][-1], ["59999", "r"])
            self.assertEqual(driver.run("rows", 10)["rows"], [["a", "b"], ["1", "x"], ["2", "y"]])
        finally:
            driver.close()


if __name__ == "__main__":
    unittest.main()
