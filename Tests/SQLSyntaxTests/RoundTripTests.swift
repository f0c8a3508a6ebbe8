// Printer round-trip tests: print(parse(sql)) re-parses to an AST that prints
// identically, across every statement and expression form; plus direct checks
// of identifier quoting and literal escaping.

import XCTest
import Columnar
@testable import SQLSyntax

final class RoundTripTests: XCTestCase {
    static let corpus = [
        "SELECT 1",
        "SELECT a, b AS c, t.* FROM s.t AS t (a, b) WHERE a > 1 AND NOT b",
        "SELECT DISTINCT ON (a) a, b FROM t ORDER BY a, b DESC NULLS FIRST",
        "SELECT DISTINCT a FROM t",
        "SELECT -2 ^ 2, 2 ^ -2, - x, +y, @ -3, ~5, |/ 16",
        "SELECT 1 + 2 * 3 - 4 / 5 % 6",
        "SELECT a OR b AND c, NOT a = b, x BETWEEN 1 AND 2 AND y",
        "SELECT a IS NULL, b IS NOT TRUE, c IS UNKNOWN, d IS DISTINCT FROM e, f ISNULL, g NOTNULL",
        "SELECT x IN (1, 2), x NOT IN (SELECT y FROM u), s LIKE 'a%' ESCAPE '!', s NOT ILIKE 'b', s SIMILAR TO 'c'",
        "SELECT x = ANY (ARRAY[1, 2]), x > ALL (SELECT 1), x <> SOME (SELECT 2)",
        "SELECT CAST(a AS numeric(10,2)), a::int::text, '1'::timestamp with time zone, a::varchar(3)[]",
        "SELECT DATE '2024-01-01', TIME '10:00', TIMESTAMP '2024-01-01 10:00', TIMESTAMPTZ '2024-01-01', TIMESTAMP WITH TIME ZONE '2024-01-01 00:00+00'",
        "SELECT INTERVAL '1 day', INTERVAL '1' DAY, INTERVAL '1-2' YEAR TO MONTH, INTERVAL '10' second",
        "SELECT B'1010', X'FF', E'a\\nb', $$dollar 'quoted'$$, 'it''s', U&'\\0041'",
        "SELECT double precision '1.5', int '4', regclass 'pg_class', bool 't', char(2) 'ab'",
        "SELECT CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END, CASE x WHEN 1 THEN 'one' END",
        "SELECT EXISTS (SELECT 1), NOT EXISTS (SELECT 2), (SELECT max(a) FROM t), ARRAY(SELECT 1)",
        "SELECT ARRAY[1, 2][1], ARRAY[[1], [2]], a[1:2], a[:3], a[2:], (a).b, ROW(1, 2), (1, 'x')",
        "SELECT ts AT TIME ZONE 'UTC', s COLLATE \"C\", s COLLATE pg_catalog.\"default\"",
        "SELECT count(*), count(DISTINCT a), sum(x) FILTER (WHERE x > 0), string_agg(s, ',' ORDER BY s DESC)",
        "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY x), mode() WITHIN GROUP (ORDER BY y DESC)",
        "SELECT row_number() OVER (PARTITION BY a ORDER BY b ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) FROM t",
        "SELECT sum(x) OVER w, avg(x) OVER (w RANGE BETWEEN INTERVAL '1 day' PRECEDING AND CURRENT ROW EXCLUDE TIES) FROM t WINDOW w AS (PARTITION BY a)",
        "SELECT lag(x, 1) IGNORE NULLS OVER (ORDER BY t), first_value(x) RESPECT NULLS OVER (ORDER BY t GROUPS 1 FOLLOWING)",
        "SELECT EXTRACT(year FROM d), SUBSTRING(s FROM 2 FOR 3), POSITION('a' IN s), TRIM(LEADING 'x' FROM s), OVERLAY(s PLACING 'y' FROM 1)",
        "SELECT coalesce(a, 0), nullif(a, 1), greatest(a, b), least(a, b), left(s, 1), right(s, 2)",
        "SELECT CURRENT_DATE, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP(3), LOCALTIMESTAMP, CURRENT_USER, USER, CURRENT_SCHEMA",
        "SELECT f(a => 1, b => 'x'), pg_catalog.upper(s), \"Weird Func\"(1)",
        "SELECT $1 + $2",
        "SELECT j -> 'a', j ->> 'b', j @> '{}', a || b, a ~ 'x', a !~* 'y', a ^@ 'p', 1 << 2, 5 & 3, 5 | 3, 5 # 3",
        "SELECT * FROM a JOIN b ON a.id = b.id LEFT JOIN c USING (id) RIGHT JOIN d ON true FULL JOIN e ON false CROSS JOIN f NATURAL JOIN g",
        "SELECT * FROM a JOIN (b JOIN c ON b.x = c.x) ON a.y = b.y",
        "SELECT * FROM (SELECT 1) AS s, LATERAL (SELECT s.x) AS l, generate_series(1, 3) WITH ORDINALITY AS g (v, n)",
        "SELECT * FROM 'data/*.parquet' AS p, read_csv('f.csv', header => true) AS r",
        "SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS v (id, name)",
        "SELECT a, sum(b) FROM t GROUP BY a, ROLLUP (a, (b, c)), CUBE (d), GROUPING SETS ((a, b), (), a) HAVING sum(b) > 1",
        "SELECT a FROM t QUALIFY row_number() OVER (ORDER BY a) = 1",
        "SELECT 1 UNION SELECT 2 INTERSECT SELECT 3 EXCEPT ALL SELECT 4",
        "(SELECT 1 UNION SELECT 2) INTERSECT ALL (SELECT 3 ORDER BY 1 LIMIT 1)",
        "SELECT a FROM t UNION ALL SELECT b FROM u ORDER BY 1 LIMIT 10 OFFSET 5",
        "SELECT * FROM t ORDER BY a FETCH FIRST 3 ROWS WITH TIES",
        "SELECT * FROM t LIMIT ALL OFFSET 2",
        "WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 10), m AS MATERIALIZED (SELECT 1), q AS NOT MATERIALIZED (SELECT 2) SELECT * FROM r",
        "VALUES (1, 2), (3, 4) ORDER BY 1",
        "TABLE t",
        "SELECT \"MixedCase\", \"select\", \"a\"\"b\", \"day\" FROM \"My Table\"",
        "SELECT 'ééé', '日本語' AS \"名前\"",
        "INSERT INTO s.t (a, b) VALUES (1, 'x'), (2, NULL)",
        "INSERT INTO t SELECT * FROM u",
        "CREATE TABLE IF NOT EXISTS t (id bigint NOT NULL, name text DEFAULT 'x', p numeric(10,2), ts timestamptz, tags text[])",
        "CREATE TEMP TABLE t (a int)",
        "CREATE TABLE t2 (x, y) AS SELECT 1, 2",
        "CREATE TABLE IF NOT EXISTS t3 AS SELECT * FROM t",
        "CREATE OR REPLACE VIEW v (a) AS SELECT 1",
        "CREATE VIEW s.v AS SELECT * FROM t WHERE a > 1",
        "CREATE SCHEMA IF NOT EXISTS lake",
        "DROP TABLE IF EXISTS a, s.b CASCADE",
        "DROP VIEW v",
        "DROP SCHEMA lake",
        "EXPLAIN SELECT 1",
        "EXPLAIN ANALYZE VERBOSE SELECT 1",
        "SET search_path TO public, lake",
        "SET LOCAL work_mem = '64MB'",
        "SET TIME ZONE 'UTC'",
        "SET x TO DEFAULT",
        "SET my.setting = 3",
        "SHOW ALL",
        "SHOW timezone",
        "RESET ALL",
        "RESET work_mem",
        "BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT s1", "RELEASE SAVEPOINT s1", "ROLLBACK TO SAVEPOINT s1",
    ]

    func testCorpusRoundTrips() {
        for sql in RoundTripTests.corpus { assertRoundTrip(sql) }
    }

    func testPrintedForms() {
        XCTAssertEqual(printedStatement("select a from t where x = 1 order by a desc limit 3"),
                       "SELECT a FROM t WHERE (x = 1) ORDER BY a DESC LIMIT 3")
        XCTAssertEqual(printedStatement("SELECT 1 UNION (SELECT 2 UNION SELECT 3)"), "SELECT 1 UNION (SELECT 2 UNION SELECT 3)")
        XCTAssertEqual(printedStatement("SELECT * FROM a, b JOIN c ON x"), "SELECT * FROM a, b JOIN c ON x")
        XCTAssertEqual(printedStatement("insert into T values (1)"), "INSERT INTO t VALUES (1)")
        XCTAssertEqual(printedStatement("create table T (A INT primary key)"), "CREATE TABLE t (a integer NOT NULL)")
        XCTAssertEqual(printedStatement("explain (analyze) select 1"), "EXPLAIN ANALYZE SELECT 1")
        XCTAssertEqual(printedStatement("set time zone default"), "SET timezone TO DEFAULT")
        XCTAssertEqual(printedStatement("start transaction"), "BEGIN")
        XCTAssertEqual(printedStatement("SELECT * FROM t FETCH FIRST 2 ROWS ONLY"), "SELECT * FROM t LIMIT 2")
    }

    func testIdentifierQuoting() {
        XCTAssertEqual(SQLPrinter.quoteIdentifier("abc"), "abc")
        XCTAssertEqual(SQLPrinter.quoteIdentifier("a_1$"), "a_1$")
        XCTAssertEqual(SQLPrinter.quoteIdentifier("Abc"), "\"Abc\"")
        XCTAssertEqual(SQLPrinter.quoteIdentifier("select"), "\"select\"")
        XCTAssertEqual(SQLPrinter.quoteIdentifier("left"), "\"left\"")
        XCTAssertEqual(SQLPrinter.quoteIdentifier("1a"), "\"1a\"")
        XCTAssertEqual(SQLPrinter.quoteIdentifier("a b"), "\"a b\"")
        XCTAssertEqual(SQLPrinter.quoteIdentifier("a\"b"), "\"a\"\"b\"")
        XCTAssertEqual(SQLPrinter.quoteString("it's"), "'it''s'")
    }

    func testPrinterQuotesWordsTheParserWouldMisread() {
        // Columns named like keywords survive a round trip.
        assertRoundTrip("SELECT \"interval\", \"date\", \"timestamp\" FROM t")
        assertRoundTrip("SELECT \"exists\"(1), \"row\"(2)")
        XCTAssertEqual(printedStatement("SELECT \"exists\"(1)"), "SELECT \"exists\"(1)")
    }

    func testTypePrinting() throws {
        for type in ["integer", "bigint", "double precision", "numeric(10,2)", "varchar(5)", "char(2)", "timestamptz(3)",
                     "time", "timetz", "interval", "text[]", "integer[][]", "boolean", "jsonb", "uuid", "bytea", "regclass"] {
            let parsed = try Parser.parseTypeName(type)
            XCTAssertEqual(SQLPrinter.print(parsed), type)
            XCTAssertEqual(try Parser.parseTypeName(SQLPrinter.print(parsed)), parsed)
        }
    }
}
