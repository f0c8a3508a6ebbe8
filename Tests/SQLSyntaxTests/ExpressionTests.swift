// Expression parser tests: PostgreSQL operator precedence (asserted through the
// fully parenthesised printer), literals, casts, CASE, predicates, subqueries,
// function-call decorations, special function syntaxes and type names.

import XCTest
import Columnar
@testable import SQLSyntax

final class ExpressionTests: XCTestCase {
    func testArithmeticPrecedence() {
        XCTAssertEqual(printedExpr("1 + 2 * 3"), "(1 + (2 * 3))")
        XCTAssertEqual(printedExpr("(1 + 2) * 3"), "((1 + 2) * 3)")
        XCTAssertEqual(printedExpr("1 - 2 - 3"), "((1 - 2) - 3)")
        XCTAssertEqual(printedExpr("8 / 4 / 2"), "((8 / 4) / 2)")
        XCTAssertEqual(printedExpr("7 % 3 * 2"), "((7 % 3) * 2)")
        XCTAssertEqual(printedExpr("2 ^ 3 ^ 2"), "((2 ^ 3) ^ 2)")
        XCTAssertEqual(printedExpr("2 * 3 ^ 2"), "(2 * (3 ^ 2))")
    }

    func testUnaryMinusBindsTighterThanPower() {
        // PostgreSQL: -2 ^ 2 = 4.
        XCTAssertEqual(printedExpr("-2 ^ 2"), "(-2 ^ 2)")
        guard case .binary(.power, let left, _) = (try? Parser.parseExpression("-2 ^ 2"))?.kind else {
            return XCTFail("expected power at the top")
        }
        guard case .literal(.integer("-2")) = left.kind else { return XCTFail("expected folded -2") }
        XCTAssertEqual(printedExpr("- x ^ 2"), "((- x) ^ 2)")
        XCTAssertEqual(printedExpr("2 ^ -1"), "(2 ^ -1)")
        XCTAssertEqual(printedExpr("- -1"), "(- -1)")
        XCTAssertEqual(printedExpr("-1.5"), "-1.5")
        XCTAssertEqual(printedExpr("+x"), "(+ x)")
    }

    func testBooleanPrecedence() {
        XCTAssertEqual(printedExpr("a OR b AND c"), "(a OR (b AND c))")
        XCTAssertEqual(printedExpr("a AND b OR c"), "((a AND b) OR c)")
        XCTAssertEqual(printedExpr("NOT a = b"), "(NOT (a = b))")
        XCTAssertEqual(printedExpr("NOT a AND b"), "((NOT a) AND b)")
        XCTAssertEqual(printedExpr("NOT NOT a"), "(NOT (NOT a))")
        XCTAssertEqual(printedExpr("a = 1 AND NOT b IS NULL"), "((a = 1) AND (NOT (b IS NULL)))")
    }

    func testComparisonAndOtherOperators() {
        XCTAssertEqual(printedExpr("a || b = c || d"), "((a || b) = (c || d))")
        XCTAssertEqual(printedExpr("a + 1 || b"), "((a + 1) || b)")
        XCTAssertEqual(printedExpr("a < b + 1"), "(a < (b + 1))")
        XCTAssertEqual(printedExpr("a <> b"), "(a <> b)")
        XCTAssertEqual(printedExpr("a != b"), "(a <> b)")
        XCTAssertEqual(printedExpr("a ~* 'x' AND b !~ 'y'"), "((a ~* 'x') AND (b !~ 'y'))")
        XCTAssertEqual(printedExpr("a & b | c # d"), "(((a & b) | c) # d)")
        XCTAssertEqual(printedExpr("1 << 2 >> 1"), "((1 << 2) >> 1)")
        XCTAssertEqual(printedExpr("s ^@ 'ab'"), "(s ^@ 'ab')")
        XCTAssertEqual(printedExpr("a = b IS NULL"), "((a = b) IS NULL)")
    }

    func testCustomOperatorsAreKept() throws {
        let e = try Parser.parseExpression("j ->> 'k' = 'v'")
        guard case .binary(.equal, let left, _) = e.kind, case .customOperator("->>", let l?, _) = left.kind,
              case .column(["j"]) = l.kind else { return XCTFail("got \(SQLPrinter.print(e))") }
        XCTAssertEqual(printedExpr("a @> b"), "(a @> b)")
        XCTAssertEqual(printedExpr("|/ 25"), "(|/ 25)")
        XCTAssertEqual(printedExpr("~ 5"), "(~ 5)")
        XCTAssertEqual(printedExpr("@ -5"), "(@ -5)")
    }

    func testQualifiedOperatorSyntax() throws {
        XCTAssertEqual(printedExpr("c.relname OPERATOR(pg_catalog.~) '^(t)$' COLLATE pg_catalog.default"),
                       "(c.relname ~ ('^(t)$' COLLATE \"pg_catalog\".\"default\"))")
        XCTAssertEqual(printedExpr("a OPERATOR(pg_catalog.=) b AND c"), "((a = b) AND c)")
        XCTAssertEqual(printedExpr("OPERATOR(pg_catalog.-) x"), "(- x)")
        XCTAssertEqual(printedExpr("a OPERATOR(@>) b"), "(a @> b)")
        guard case .column(["operator"]) = try Parser.parseExpression("operator").kind else { return XCTFail() }
    }

    func testComparisonIsNonAssociative() {
        XCTAssertThrowsError(try Parser.parseExpression("1 < 2 < 3"))
    }

    func testBetween() {
        XCTAssertEqual(printedExpr("x BETWEEN 1 AND 2 AND y"), "((x BETWEEN 1 AND 2) AND y)")
        XCTAssertEqual(printedExpr("x NOT BETWEEN a + 1 AND b * 2"), "(x NOT BETWEEN (a + 1) AND (b * 2))")
        XCTAssertEqual(printedExpr("x BETWEEN SYMMETRIC 5 AND 1"), "(x BETWEEN SYMMETRIC 5 AND 1)")
        XCTAssertEqual(printedExpr("x BETWEEN ASYMMETRIC 1 AND 5"), "(x BETWEEN 1 AND 5)")
        XCTAssertEqual(printedExpr("x BETWEEN 1 AND 2 = true"), "((x BETWEEN 1 AND 2) = TRUE)")
    }

    func testInAndLike() throws {
        XCTAssertEqual(printedExpr("x IN (1, 2, 3)"), "(x IN (1, 2, 3))")
        XCTAssertEqual(printedExpr("x NOT IN ('a')"), "(x NOT IN ('a'))")
        XCTAssertEqual(printedExpr("x IN (SELECT a FROM t)"), "(x IN (SELECT a FROM t))")
        XCTAssertEqual(printedExpr("x + 1 IN (2) = false"), "(((x + 1) IN (2)) = FALSE)")
        XCTAssertEqual(printedExpr("s LIKE 'a%' ESCAPE '!'"), "(s LIKE 'a%' ESCAPE '!')")
        XCTAssertEqual(printedExpr("s NOT ILIKE 'A%'"), "(s NOT ILIKE 'A%')")
        XCTAssertEqual(printedExpr("s SIMILAR TO '(a|b)%'"), "(s SIMILAR TO '(a|b)%')")
        XCTAssertEqual(printedExpr("s NOT SIMILAR TO 'x' ESCAPE '#'"), "(s NOT SIMILAR TO 'x' ESCAPE '#')")
        XCTAssertEqual(printedExpr("a || b LIKE c"), "((a || b) LIKE c)")
        let e = try Parser.parseExpression("name ILIKE 'x'")
        guard case .like(_, _, nil, negated: false, caseInsensitive: true) = e.kind else { return XCTFail() }
    }

    func testIsTests() throws {
        XCTAssertEqual(printedExpr("x IS NULL"), "(x IS NULL)")
        XCTAssertEqual(printedExpr("x IS NOT NULL"), "(x IS NOT NULL)")
        XCTAssertEqual(printedExpr("x ISNULL"), "(x IS NULL)")
        XCTAssertEqual(printedExpr("x NOTNULL"), "(x IS NOT NULL)")
        XCTAssertEqual(printedExpr("x IS TRUE"), "(x IS TRUE)")
        XCTAssertEqual(printedExpr("x IS NOT FALSE"), "(x IS NOT FALSE)")
        XCTAssertEqual(printedExpr("x IS UNKNOWN"), "(x IS UNKNOWN)")
        XCTAssertEqual(printedExpr("a IS DISTINCT FROM b"), "(a IS DISTINCT FROM b)")
        XCTAssertEqual(printedExpr("a IS NOT DISTINCT FROM b + 1"), "(a IS NOT DISTINCT FROM (b + 1))")
        let e = try Parser.parseExpression("x IS NOT UNKNOWN")
        guard case .isBoolean(_, .isUnknown, negated: true) = e.kind else { return XCTFail() }
    }

    func testLiterals() throws {
        func literal(_ sql: String) throws -> Literal? {
            if case .literal(let l) = try Parser.parseExpression(sql).kind { return l }
            return nil
        }
        guard case .integer("42")? = try literal("42") else { return XCTFail() }
        guard case .integer("99999999999999999999")? = try literal("99999999999999999999") else { return XCTFail() }
        guard case .decimal("1.50")? = try literal("1.50") else { return XCTFail() }
        guard case .decimal("1e10")? = try literal("1e10") else { return XCTFail() }
        guard case .string("x")? = try literal("'x'") else { return XCTFail() }
        guard case .null? = try literal("NULL") else { return XCTFail() }
        guard case .boolean(true)? = try literal("TRUE") else { return XCTFail() }
        guard case .boolean(false)? = try literal("false") else { return XCTFail() }
        guard case .typed(let t, "1010")? = try literal("B'1010'") else { return XCTFail() }
        XCTAssertEqual(t.name, "bit")
    }

    func testTypedLiterals() throws {
        func typed(_ sql: String) throws -> (String, String)? {
            if case .literal(.typed(let t, let s)) = try Parser.parseExpression(sql).kind { return (t.description, s) }
            return nil
        }
        XCTAssertEqual(try typed("DATE '2024-01-01'")?.0, "date")
        XCTAssertEqual(try typed("DATE '2024-01-01'")?.1, "2024-01-01")
        XCTAssertEqual(try typed("TIME '12:00'")?.0, "time")
        XCTAssertEqual(try typed("TIMESTAMP '2024-01-01 00:00'")?.0, "timestamp")
        XCTAssertEqual(try typed("TIMESTAMP WITH TIME ZONE '2024-01-01 00:00+02'")?.0, "timestamptz")
        XCTAssertEqual(try typed("timestamp without time zone '2024-01-01'")?.0, "timestamp")
        XCTAssertEqual(try typed("TIMESTAMPTZ '2024-01-01'")?.0, "timestamptz")
        XCTAssertEqual(try typed("timestamp(3) '2024-01-01'")?.0, "timestamp(3)")
        XCTAssertEqual(try typed("INTERVAL '1 day'")?.0, "interval")
        XCTAssertEqual(try typed("int '5'")?.0, "integer")
        XCTAssertEqual(try typed("double precision '1.5'")?.0, "double precision")
        XCTAssertEqual(try typed("regclass 'pg_class'")?.0, "regclass")
        XCTAssertEqual(try typed("uuid 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'")?.0, "uuid")
        XCTAssertEqual(try typed("jsonb '{}'")?.0, "jsonb")
    }

    func testIntervalQualifiers() throws {
        func interval(_ sql: String) throws -> (String, String?)? {
            if case .literal(.interval(let s, let q)) = try Parser.parseExpression(sql).kind { return (s, q) }
            return nil
        }
        XCTAssertEqual(try interval("INTERVAL '1' DAY")?.0, "1")
        XCTAssertEqual(try interval("INTERVAL '1' DAY")?.1, "day")
        XCTAssertEqual(try interval("INTERVAL '1-2' YEAR TO MONTH")?.1, "year to month")
        XCTAssertEqual(try interval("interval '1 2:03' day to minute")?.1, "day to minute")
        XCTAssertEqual(try interval("INTERVAL '1.5' SECOND(3)")?.1, "second")
        XCTAssertThrowsError(try Parser.parseExpression("INTERVAL '1' MONTH TO YEAR"))
    }

    func testCasts() throws {
        XCTAssertEqual(printedExpr("x::int"), "CAST(x AS integer)")
        XCTAssertEqual(printedExpr("x::text::varchar(10)"), "CAST(CAST(x AS text) AS varchar(10))")
        XCTAssertEqual(printedExpr("CAST(x AS numeric(10,2))"), "CAST(x AS numeric(10,2))")
        XCTAssertEqual(printedExpr("-x::int"), "(- CAST(x AS integer))")
        XCTAssertEqual(printedExpr("'1'::int + 1"), "(CAST('1' AS integer) + 1)")
        XCTAssertEqual(printedExpr("a::int[]"), "CAST(a AS integer[])")
        XCTAssertEqual(printedExpr("(a + b)::bigint"), "CAST((a + b) AS bigint)")
        XCTAssertEqual(printedExpr("x::double precision"), "CAST(x AS double precision)")
        XCTAssertEqual(printedExpr("x::timestamp with time zone"), "CAST(x AS timestamptz)")
        XCTAssertEqual(printedExpr("x::pg_catalog.int8"), "CAST(x AS bigint)")
    }

    func testTypeNames() throws {
        func type(_ sql: String) throws -> String { try Parser.parseTypeName(sql).description }
        XCTAssertEqual(try type("int"), "integer")
        XCTAssertEqual(try type("INTEGER"), "integer")
        XCTAssertEqual(try type("int4"), "integer")
        XCTAssertEqual(try type("smallint"), "smallint")
        XCTAssertEqual(try type("int2"), "smallint")
        XCTAssertEqual(try type("int8"), "bigint")
        XCTAssertEqual(try type("float4"), "real")
        XCTAssertEqual(try type("float8"), "double precision")
        XCTAssertEqual(try type("float"), "double precision")
        XCTAssertEqual(try type("float(10)"), "real")
        XCTAssertEqual(try type("float(24)"), "real")
        XCTAssertEqual(try type("float(25)"), "double precision")
        XCTAssertEqual(try type("decimal(12,3)"), "numeric(12,3)")
        XCTAssertEqual(try type("character varying(20)"), "varchar(20)")
        XCTAssertEqual(try type("char(3)"), "char(3)")
        XCTAssertEqual(try type("character"), "char")
        XCTAssertEqual(try type("bpchar"), "char")
        XCTAssertEqual(try type("bool"), "boolean")
        XCTAssertEqual(try type("time without time zone"), "time")
        XCTAssertEqual(try type("timestamp(6) with time zone"), "timestamptz(6)")
        XCTAssertEqual(try type("interval day to second"), "interval")
        XCTAssertEqual(try type("text[][]"), "text[][]")
        XCTAssertEqual(try type("int ARRAY"), "integer[]")
        XCTAssertEqual(try type("int[3]"), "integer[]")
        XCTAssertEqual(try type("\"MyType\""), "MyType")
        XCTAssertEqual(try type("oid"), "oid")
        XCTAssertEqual((try? Parser.parseTypeName("float(0)")) == nil, true)
        XCTAssertThrowsError(try Parser.parseTypeName("float(54)")) { error in
            XCTAssertEqual((error as? SQLError)?.sqlState, SQLState.invalidParameterValue)
        }
    }

    func testCase() throws {
        XCTAssertEqual(printedExpr("CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END"), "CASE WHEN a THEN 1 WHEN b THEN 2 ELSE 3 END")
        XCTAssertEqual(printedExpr("CASE x WHEN 1 THEN 'a' END"), "CASE x WHEN 1 THEN 'a' END")
        XCTAssertEqual(printedExpr("CASE WHEN a > 1 AND b THEN x + 1 END * 2"), "(CASE WHEN ((a > 1) AND b) THEN (x + 1) END * 2)")
        let e = try Parser.parseExpression("CASE x WHEN 1 THEN 2 END")
        guard case .caseWhen(let operand?, let whens, nil) = e.kind, whens.count == 1,
              case .column(["x"]) = operand.kind else { return XCTFail() }
        XCTAssertThrowsError(try Parser.parseExpression("CASE END"))
        XCTAssertThrowsError(try Parser.parseExpression("CASE WHEN a THEN b"))
    }

    func testColumnReferences() throws {
        guard case .column(["t", "a"]) = try Parser.parseExpression("t.a").kind else { return XCTFail() }
        guard case .column(["s", "t", "a"]) = try Parser.parseExpression("s.t.A").kind else { return XCTFail() }
        guard case .column(["T", "a"]) = try Parser.parseExpression("\"T\".a").kind else { return XCTFail() }
        // Unreserved and column-name keywords are valid column names.
        guard case .column(["date"]) = try Parser.parseExpression("date").kind else { return XCTFail() }
        guard case .column(["year"]) = try Parser.parseExpression("year").kind else { return XCTFail() }
        guard case .column(["name"]) = try Parser.parseExpression("name").kind else { return XCTFail() }
        XCTAssertThrowsError(try Parser.parseExpression("select"))
        XCTAssertThrowsError(try Parser.parseExpression("left"))
    }

    func testParameters() throws {
        guard case .binary(.plus, let l, _) = try Parser.parseExpression("$1 + $2").kind,
              case .parameter(1) = l.kind else { return XCTFail() }
    }

    func testSubqueries() throws {
        XCTAssertEqual(printedExpr("(SELECT 1)"), "(SELECT 1)")
        XCTAssertEqual(printedExpr("EXISTS (SELECT 1 FROM t)"), "EXISTS (SELECT 1 FROM t)")
        XCTAssertEqual(printedExpr("NOT EXISTS (SELECT 1)"), "(NOT EXISTS (SELECT 1))")
        XCTAssertEqual(printedExpr("((SELECT 1))"), "(SELECT 1)")
        XCTAssertEqual(printedExpr("((SELECT 1) + 1)"), "((SELECT 1) + 1)")
        XCTAssertEqual(printedExpr("((SELECT 1) UNION (SELECT 2))"), "(SELECT 1 UNION SELECT 2)")
        XCTAssertEqual(printedExpr("x = ANY (SELECT a FROM t)"), "(x = ANY (SELECT a FROM t))")
        XCTAssertEqual(printedExpr("x > ALL (SELECT a FROM t)"), "(x > ALL (SELECT a FROM t))")
        XCTAssertEqual(printedExpr("x = SOME (SELECT 1)"), "(x = ANY (SELECT 1))")
        XCTAssertEqual(printedExpr("x = ANY (ARRAY[1, 2])"), "(x = ANY (ARRAY[1, 2]))")
        XCTAssertEqual(printedExpr("x <> ALL (arr)"), "(x <> ALL (arr))")
        guard case .quantifiedArray(_, .equal, .any, _) = try Parser.parseExpression("x = any('{1,2}')").kind else { return XCTFail() }
        // A parenthesised set operation is still a subquery; a parenthesised scalar subquery in a list is not.
        guard case .inSubquery(_, let q, false) = try Parser.parseExpression("x IN ((SELECT 1) UNION (SELECT 2))").kind,
              case .setOperation(.union, _, _, _) = q.body else { return XCTFail() }
        guard case .inList(_, let items, false) = try Parser.parseExpression("x IN ((SELECT 1), 2)").kind else { return XCTFail() }
        XCTAssertEqual(items.count, 2)
        guard case .quantifiedSubquery(_, .less, .all, _) = try Parser.parseExpression("x < ALL ((SELECT 1))").kind else { return XCTFail() }
        guard case .quantifiedArray = try Parser.parseExpression("x = ANY ((ARRAY[1]))").kind else { return XCTFail() }
    }

    func testArraysRowsAndSubscripts() throws {
        XCTAssertEqual(printedExpr("ARRAY[1, 2, 3]"), "ARRAY[1, 2, 3]")
        XCTAssertEqual(printedExpr("ARRAY[[1, 2], [3, 4]]"), "ARRAY[ARRAY[1, 2], ARRAY[3, 4]]")
        XCTAssertEqual(printedExpr("ARRAY[]::int[]"), "CAST(ARRAY[] AS integer[])")
        XCTAssertEqual(printedExpr("ARRAY(SELECT a FROM t)"), "ARRAY(SELECT a FROM t)")
        XCTAssertEqual(printedExpr("a[1]"), "a[1]")
        XCTAssertEqual(printedExpr("a[1:2]"), "a[1:2]")
        XCTAssertEqual(printedExpr("a[:2]"), "a[:2]")
        XCTAssertEqual(printedExpr("a[2:]"), "a[2:]")
        XCTAssertEqual(printedExpr("a[1][2]"), "(a[1])[2]")
        XCTAssertEqual(printedExpr("(ARRAY[1,2])[1]"), "(ARRAY[1, 2])[1]")
        XCTAssertEqual(printedExpr("ROW(1, 'a')"), "ROW(1, 'a')")
        XCTAssertEqual(printedExpr("(1, 'a')"), "ROW(1, 'a')")
        XCTAssertEqual(printedExpr("ROW()"), "ROW()")
        XCTAssertEqual(printedExpr("(c).f"), "(c).f")
        XCTAssertEqual(printedExpr("(a, b) = (1, 2)"), "(ROW(a, b) = ROW(1, 2))")
    }

    func testAtTimeZoneAndCollate() {
        XCTAssertEqual(printedExpr("ts AT TIME ZONE 'UTC'"), "(ts AT TIME ZONE 'UTC')")
        XCTAssertEqual(printedExpr("ts AT TIME ZONE 'UTC' + INTERVAL '1 day'"), "((ts AT TIME ZONE 'UTC') + INTERVAL '1 day')")
        XCTAssertEqual(printedExpr("a COLLATE \"C\" < b"), "((a COLLATE \"C\") < b)")
        XCTAssertEqual(printedExpr("a COLLATE pg_catalog.\"default\""), "(a COLLATE \"pg_catalog\".\"default\")")
    }

    func testFunctionCalls() throws {
        XCTAssertEqual(printedExpr("count(*)"), "count(*)")
        XCTAssertEqual(printedExpr("COUNT(DISTINCT a)"), "count(DISTINCT a)")
        XCTAssertEqual(printedExpr("count(ALL a)"), "count(a)")
        XCTAssertEqual(printedExpr("now()"), "now()")
        XCTAssertEqual(printedExpr("pg_catalog.now()"), "pg_catalog.now()")
        XCTAssertEqual(printedExpr("string_agg(x, ',' ORDER BY y DESC NULLS LAST)"), "string_agg(x, ',' ORDER BY y DESC NULLS LAST)")
        XCTAssertEqual(printedExpr("percentile_cont(0.5) WITHIN GROUP (ORDER BY x)"), "percentile_cont(0.5) WITHIN GROUP (ORDER BY x)")
        XCTAssertEqual(printedExpr("sum(x) FILTER (WHERE x > 0)"), "sum(x) FILTER (WHERE (x > 0))")
        XCTAssertEqual(printedExpr("count(*) FILTER (WHERE a)"), "count(*) FILTER (WHERE a)")
        XCTAssertEqual(printedExpr("f(a => 1, b := 2)"), "f(a => 1, b => 2)")
        XCTAssertEqual(printedExpr("left(s, 2)"), "left(s, 2)")
        XCTAssertEqual(printedExpr("coalesce(a, b, 0)"), "coalesce(a, b, 0)")
        XCTAssertEqual(printedExpr("NULLIF(a, 0)"), "nullif(a, 0)")
        XCTAssertEqual(printedExpr("greatest(1, 2)"), "greatest(1, 2)")
        XCTAssertEqual(printedExpr("LEAST(1, 2)"), "least(1, 2)")
        XCTAssertEqual(printedExpr("\"MyFunc\"(1)"), "\"MyFunc\"(1)")
        let e = try Parser.parseExpression("count(DISTINCT x) FILTER (WHERE y)")
        guard case .function(let call) = e.kind else { return XCTFail() }
        XCTAssertEqual(call.name, ["count"])
        XCTAssertTrue(call.distinct)
        XCTAssertNotNil(call.filter)
        guard case .function(let star) = try Parser.parseExpression("count(*)").kind else { return XCTFail() }
        XCTAssertTrue(star.isStar)
        XCTAssertTrue(star.arguments.isEmpty)
    }

    func testWindowFunctions() throws {
        XCTAssertEqual(printedExpr("row_number() OVER ()"), "row_number() OVER ()")
        XCTAssertEqual(printedExpr("rank() OVER (PARTITION BY a, b ORDER BY c DESC)"), "rank() OVER (PARTITION BY a, b ORDER BY c DESC)")
        XCTAssertEqual(printedExpr("sum(x) OVER w"), "sum(x) OVER w")
        XCTAssertEqual(printedExpr("sum(x) OVER (w ORDER BY y)"), "sum(x) OVER (w ORDER BY y)")
        XCTAssertEqual(printedExpr("sum(x) OVER (ORDER BY y ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)"),
                       "sum(x) OVER (ORDER BY y ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)")
        XCTAssertEqual(printedExpr("sum(x) OVER (ORDER BY y RANGE BETWEEN INTERVAL '1 day' PRECEDING AND UNBOUNDED FOLLOWING)"),
                       "sum(x) OVER (ORDER BY y RANGE BETWEEN INTERVAL '1 day' PRECEDING AND UNBOUNDED FOLLOWING)")
        XCTAssertEqual(printedExpr("sum(x) OVER (ORDER BY y GROUPS 2 PRECEDING EXCLUDE TIES)"),
                       "sum(x) OVER (ORDER BY y GROUPS 2 PRECEDING EXCLUDE TIES)")
        XCTAssertEqual(printedExpr("sum(x) OVER (ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE CURRENT ROW)"),
                       "sum(x) OVER (ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING EXCLUDE CURRENT ROW)")
        XCTAssertEqual(printedExpr("sum(x) OVER (ROWS CURRENT ROW EXCLUDE NO OTHERS)"), "sum(x) OVER (ROWS CURRENT ROW)")
        XCTAssertEqual(printedExpr("first_value(x) IGNORE NULLS OVER (ORDER BY t)"), "first_value(x) IGNORE NULLS OVER (ORDER BY t)")
        XCTAssertEqual(printedExpr("lag(x IGNORE NULLS) OVER (ORDER BY t)"), "lag(x) IGNORE NULLS OVER (ORDER BY t)")
        XCTAssertEqual(printedExpr("lag(x) RESPECT NULLS OVER (ORDER BY t)"), "lag(x) RESPECT NULLS OVER (ORDER BY t)")
        let e = try Parser.parseExpression("sum(x) OVER (PARTITION BY a ORDER BY b ROWS 3 PRECEDING)")
        guard case .function(let call) = e.kind, let over = call.over, let frame = over.frame else { return XCTFail() }
        XCTAssertEqual(frame.units, .rows)
        XCTAssertNil(frame.end)
        guard case .preceding(let offset) = frame.start, case .literal(.integer("3")) = offset.kind else { return XCTFail() }
        XCTAssertEqual(over.partitionBy.count, 1)
        guard case .function(let named) = try Parser.parseExpression("avg(x) OVER win").kind else { return XCTFail() }
        XCTAssertEqual(named.over?.baseName, "win")
    }

    func testSpecialFunctionSyntaxes() {
        XCTAssertEqual(printedExpr("EXTRACT(YEAR FROM d)"), "\"extract\"('year', d)")
        XCTAssertEqual(printedExpr("extract(epoch from ts)"), "\"extract\"('epoch', ts)")
        XCTAssertEqual(printedExpr("EXTRACT('dow' FROM d)"), "\"extract\"('dow', d)")
        XCTAssertEqual(printedExpr("SUBSTRING(s FROM 2 FOR 3)"), "substring(s, 2, 3)")
        XCTAssertEqual(printedExpr("substring(s from 2)"), "substring(s, 2)")
        XCTAssertEqual(printedExpr("substring(s for 2)"), "substring(s, 1, 2)")
        XCTAssertEqual(printedExpr("substring(s, 1, 2)"), "substring(s, 1, 2)")
        XCTAssertEqual(printedExpr("POSITION('b' IN s)"), "position(s, 'b')")
        XCTAssertEqual(printedExpr("position(s, 'b')"), "position(s, 'b')")
        XCTAssertEqual(printedExpr("TRIM(s)"), "btrim(s)")
        XCTAssertEqual(printedExpr("TRIM(BOTH 'x' FROM s)"), "btrim(s, 'x')")
        XCTAssertEqual(printedExpr("TRIM(LEADING FROM s)"), "ltrim(s)")
        XCTAssertEqual(printedExpr("trim(trailing 'xy' from s)"), "rtrim(s, 'xy')")
        XCTAssertEqual(printedExpr("trim(from s)"), "btrim(s)")
        XCTAssertEqual(printedExpr("OVERLAY(s PLACING 'ab' FROM 2 FOR 3)"), "overlay(s, 'ab', 2, 3)")
        XCTAssertEqual(printedExpr("overlay(s placing 'ab' from 2)"), "overlay(s, 'ab', 2)")
    }

    func testNiladicFunctions() throws {
        for name in ["CURRENT_DATE", "CURRENT_TIMESTAMP", "CURRENT_TIME", "LOCALTIMESTAMP", "LOCALTIME", "CURRENT_USER",
                     "SESSION_USER", "CURRENT_ROLE", "CURRENT_SCHEMA", "CURRENT_CATALOG", "USER"] {
            let e = try Parser.parseExpression(name)
            guard case .function(let call) = e.kind else { XCTFail(name); continue }
            XCTAssertEqual(call.name, [name.lowercased()])
            XCTAssertTrue(call.arguments.isEmpty)
            XCTAssertEqual(SQLPrinter.print(e), name)
        }
        guard case .function(let call) = try Parser.parseExpression("current_timestamp(3)").kind else { return XCTFail() }
        XCTAssertEqual(call.arguments.count, 1)
        XCTAssertEqual(printedExpr("current_timestamp(3)"), "CURRENT_TIMESTAMP(3)")
        XCTAssertEqual(printedExpr("current_schema()"), "CURRENT_SCHEMA")
    }

    func testExpressionLocations() throws {
        let e = try Parser.parseExpression("a + f(b)")
        guard case .binary(_, let l, let r) = e.kind else { return XCTFail() }
        XCTAssertEqual(e.location, 0)
        XCTAssertEqual(l.location, 0)
        XCTAssertEqual(r.location, 4)
        // Locations inside a statement are relative to the statement's text.
        let parsed = try Parser.parse("SELECT 1;  SELECT x")
        XCTAssertEqual(parsed[1].location, 11)
        guard case .query(let q) = parsed[1].statement, case .select(let core) = q.body,
              case .expression(let x, _) = core.items[0] else { return XCTFail() }
        XCTAssertEqual(x.location, 7)
    }

    func testStringConcatenationAcrossLines() throws {
        guard case .literal(.string("ab")) = try Parser.parseExpression("'a'\n'b'").kind else { return XCTFail() }
        XCTAssertThrowsError(try Parser.parseExpression("'a' 'b'"))
    }
}
