// Query parser tests: SELECT clauses, select items and aliases, FROM items and
// join trees, grouping, windows, set-operation precedence, WITH, VALUES and
// ORDER BY / LIMIT / OFFSET / FETCH.

import XCTest
import Columnar
@testable import SQLSyntax

final class QueryTests: XCTestCase {
    func testSimpleSelect() throws {
        let core = try XCTUnwrap(parseSelect("SELECT a, b AS bee, c cee FROM t WHERE a > 1"))
        XCTAssertEqual(core.items.count, 3)
        guard case .expression(let a, nil) = core.items[0], case .column(["a"]) = a.kind else { return XCTFail() }
        guard case .expression(_, "bee") = core.items[1] else { return XCTFail() }
        guard case .expression(_, "cee") = core.items[2] else { return XCTFail() }
        guard case .table(let name, nil, let loc) = core.from[0] else { return XCTFail() }
        XCTAssertEqual(name.parts, ["t"])
        XCTAssertEqual(loc, 31)
        XCTAssertNotNil(core.whereClause)
    }

    func testSelectWithoutFrom() throws {
        let core = try XCTUnwrap(parseSelect("SELECT 1 + 1"))
        XCTAssertTrue(core.from.isEmpty)
        XCTAssertEqual(printedStatement("select"), "SELECT")
        XCTAssertEqual(printedStatement("SELECT FROM t"), "SELECT FROM t")
    }

    func testWildcards() throws {
        let core = try XCTUnwrap(parseSelect("SELECT *, t.*, s.t.*, \"Q\".* FROM t"))
        guard case .wildcard(nil, 7) = core.items[0] else { return XCTFail() }
        guard case .wildcard(["t"]?, _) = core.items[1] else { return XCTFail() }
        guard case .wildcard(["s", "t"]?, _) = core.items[2] else { return XCTFail() }
        guard case .wildcard(["Q"]?, _) = core.items[3] else { return XCTFail() }
    }

    func testAliasRules() throws {
        // A bare alias cannot be a reserved keyword; with AS any label works.
        XCTAssertEqual(printedStatement("SELECT 1 AS select"), "SELECT 1 AS \"select\"")
        XCTAssertEqual(printedStatement("SELECT 1 \"Mixed\""), "SELECT 1 AS \"Mixed\"")
        XCTAssertEqual(printedStatement("SELECT a name FROM t"), "SELECT a AS name FROM t")
        XCTAssertNotNil(parseError("SELECT 1 from"))
        XCTAssertNotNil(parseError("SELECT 1 select"))
        // A word that would be read as syntax needs AS.
        XCTAssertEqual(printedStatement("SELECT INTERVAL '1' day"), "SELECT INTERVAL '1' DAY")
        XCTAssertEqual(printedStatement("SELECT 1 AS day"), "SELECT 1 AS \"day\"")
    }

    func testDistinct() throws {
        let core = try XCTUnwrap(parseSelect("SELECT DISTINCT a FROM t"))
        guard case .distinct = core.distinct else { return XCTFail() }
        let on = try XCTUnwrap(parseSelect("SELECT DISTINCT ON (a, b) a, c FROM t"))
        guard case .distinctOn(let exprs) = on.distinct else { return XCTFail() }
        XCTAssertEqual(exprs.count, 2)
        let all = try XCTUnwrap(parseSelect("SELECT ALL a FROM t"))
        guard case .none = all.distinct else { return XCTFail() }
    }

    func testFromItems() throws {
        let core = try XCTUnwrap(parseSelect(
            "SELECT * FROM s.t AS x (a, b), (SELECT 1) sub, generate_series(1, 10) WITH ORDINALITY AS g(v, n), 'data/*.parquet' p, LATERAL (SELECT x.a) l, read_parquet('f.parquet', hive_partitioning => true)"))
        XCTAssertEqual(core.from.count, 6)
        guard case .table(let name, let alias?, _) = core.from[0] else { return XCTFail() }
        XCTAssertEqual(name.parts, ["s", "t"])
        XCTAssertEqual(name.schema, "s")
        XCTAssertEqual(alias.name, "x")
        XCTAssertEqual(alias.columns, ["a", "b"])
        guard case .subquery(_, let subAlias?, false, _) = core.from[1] else { return XCTFail() }
        XCTAssertEqual(subAlias.name, "sub")
        guard case .function(let fname, let args, let galias?, false, true, _) = core.from[2] else { return XCTFail() }
        XCTAssertEqual(fname.parts, ["generate_series"])
        XCTAssertEqual(args.count, 2)
        XCTAssertEqual(galias.columns, ["v", "n"])
        guard case .path("data/*.parquet", let palias?, _) = core.from[3] else { return XCTFail() }
        XCTAssertEqual(palias.name, "p")
        guard case .subquery(_, _, true, _) = core.from[4] else { return XCTFail() }
        guard case .function(_, let rargs, nil, _, false, _) = core.from[5] else { return XCTFail() }
        XCTAssertEqual(rargs[1].name, "hive_partitioning")
        XCTAssertNil(rargs[0].name)
    }

    func testJoinKinds() throws {
        func join(_ sql: String) throws -> (JoinKind, String) {
            let core = try XCTUnwrap(parseSelect("SELECT * FROM a " + sql))
            guard case .join(_, _, let kind, let condition, _) = core.from[0] else { throw XCTSkip("no join") }
            switch condition {
            case .on: return (kind, "on")
            case .using(let cols): return (kind, "using " + cols.joined(separator: ","))
            case .natural: return (kind, "natural")
            case .none: return (kind, "none")
            }
        }
        XCTAssertEqual(try join("JOIN b ON a.x = b.x").0, .inner)
        XCTAssertEqual(try join("INNER JOIN b ON true").1, "on")
        XCTAssertEqual(try join("LEFT JOIN b USING (x, y)").0, .left)
        XCTAssertEqual(try join("LEFT OUTER JOIN b USING (x, y)").1, "using x,y")
        XCTAssertEqual(try join("RIGHT JOIN b ON true").0, .right)
        XCTAssertEqual(try join("RIGHT OUTER JOIN b ON true").0, .right)
        XCTAssertEqual(try join("FULL JOIN b ON true").0, .full)
        XCTAssertEqual(try join("FULL OUTER JOIN b ON true").0, .full)
        XCTAssertEqual(try join("CROSS JOIN b").0, .cross)
        XCTAssertEqual(try join("CROSS JOIN b").1, "none")
        XCTAssertEqual(try join("NATURAL JOIN b").1, "natural")
        XCTAssertEqual(try join("NATURAL LEFT JOIN b").0, .left)
        XCTAssertNotNil(parseError("SELECT * FROM a JOIN b"))
        XCTAssertNotNil(parseError("SELECT * FROM a NATURAL b"))
    }

    func testJoinTreesAreLeftDeep() throws {
        let core = try XCTUnwrap(parseSelect("SELECT * FROM a JOIN b ON p LEFT JOIN c ON q CROSS JOIN d"))
        guard case .join(let l1, let d, .cross, _, _) = core.from[0],
              case .table(let dn, _, _) = d, dn.name == "d",
              case .join(let l2, let c, .left, _, _) = l1,
              case .table(let cn, _, _) = c, cn.name == "c",
              case .join(let a, let b, .inner, _, _) = l2,
              case .table(let an, _, _) = a, an.name == "a",
              case .table(let bn, _, _) = b, bn.name == "b" else { return XCTFail() }
    }

    func testParenthesisedJoins() throws {
        let core = try XCTUnwrap(parseSelect("SELECT * FROM a JOIN (b JOIN c ON q) ON p"))
        guard case .join(_, let right, .inner, .on, _) = core.from[0],
              case .join(_, _, .inner, .on, _) = right else { return XCTFail() }
        let nested = try XCTUnwrap(parseSelect("SELECT * FROM ((a JOIN b USING (x)))"))
        guard case .join = nested.from[0] else { return XCTFail() }
        let sub = try XCTUnwrap(parseSelect("SELECT * FROM ((SELECT 1) UNION (SELECT 2)) u"))
        guard case .subquery(let q, let alias?, _, _) = sub.from[0], case .setOperation(.union, false, _, _) = q.body else { return XCTFail() }
        XCTAssertEqual(alias.name, "u")
        let values = try XCTUnwrap(parseSelect("SELECT * FROM (VALUES (1, 'a'), (2, 'b')) AS v(id, name)"))
        guard case .subquery(let vq, let valias?, _, _) = values.from[0], case .values(let rows) = vq.body else { return XCTFail() }
        XCTAssertEqual(rows.count, 2)
        XCTAssertEqual(valias.columns, ["id", "name"])
    }

    func testAliasedParenthesisedJoinBecomesSubquery() throws {
        let core = try XCTUnwrap(parseSelect("SELECT * FROM (t1 CROSS JOIN t2) AS t (a, b) CROSS JOIN t3"))
        guard case .join(let left, _, .cross, _, _) = core.from[0],
              case .subquery(let q, let alias?, false, _) = left,
              case .select(let inner) = q.body, case .join(_, _, .cross, _, _) = inner.from[0],
              case .wildcard(nil, _) = inner.items[0] else { return XCTFail() }
        XCTAssertEqual(alias.name, "t")
        XCTAssertEqual(alias.columns, ["a", "b"])
        let f = try XCTUnwrap(parseSelect("select * from ((select 1 as a) c INNER JOIN (select 1 as c) e on c.a = e.c) f"))
        guard case .subquery(_, let fa?, _, _) = f.from[0] else { return XCTFail() }
        XCTAssertEqual(fa.name, "f")
    }

    func testFromOnly() throws {
        let core = try XCTUnwrap(parseSelect("SELECT * FROM ONLY s.t x"))
        guard case .table(let name, let alias?, _) = core.from[0] else { return XCTFail() }
        XCTAssertEqual(name.parts, ["s", "t"])
        XCTAssertEqual(alias.name, "x")
    }

    func testJoinKeywordsAreNotAliases() throws {
        let core = try XCTUnwrap(parseSelect("SELECT * FROM a left JOIN b ON true"))
        guard case .join(let a, _, .left, _, _) = core.from[0], case .table(_, nil, _) = a else { return XCTFail() }
    }

    func testGroupByForms() throws {
        let core = try XCTUnwrap(parseSelect(
            "SELECT a, b, sum(c) FROM t GROUP BY a, ROLLUP (a, (b, c)), CUBE (a, b), GROUPING SETS ((a, b), a, (), ROLLUP (b)), ()"))
        XCTAssertEqual(core.groupBy.count, 5)
        guard case .expression = core.groupBy[0] else { return XCTFail() }
        guard case .rollup(let sets) = core.groupBy[1] else { return XCTFail() }
        XCTAssertEqual(sets.map(\.count), [1, 2])
        guard case .cube(let csets) = core.groupBy[2] else { return XCTFail() }
        XCTAssertEqual(csets.map(\.count), [1, 1])
        guard case .groupingSets(let elements) = core.groupBy[3] else { return XCTFail() }
        XCTAssertEqual(elements.count, 4)
        guard case .expression(let pair) = elements[0], case .row(let items) = pair.kind else { return XCTFail() }
        XCTAssertEqual(items.count, 2)
        guard case .empty = elements[2], case .rollup = elements[3] else { return XCTFail() }
        guard case .empty = core.groupBy[4] else { return XCTFail() }
    }

    func testHavingWindowQualify() throws {
        let core = try XCTUnwrap(parseSelect(
            "SELECT a, rank() OVER w FROM t GROUP BY a HAVING count(*) > 1 WINDOW w AS (ORDER BY a), w2 AS (w ROWS 1 PRECEDING) QUALIFY rank() OVER w = 1"))
        XCTAssertNotNil(core.having)
        XCTAssertEqual(core.windows.map(\.name), ["w", "w2"])
        XCTAssertEqual(core.windows[1].spec.baseName, "w")
        XCTAssertNotNil(core.qualify)
    }

    func testSetOperationPrecedence() throws {
        // INTERSECT binds tighter than UNION.
        let q = try XCTUnwrap(parseQuery("SELECT 1 UNION SELECT 2 INTERSECT SELECT 3"))
        guard case .setOperation(.union, false, .select, let right) = q.body,
              case .setOperation(.intersect, false, _, _) = right else { return XCTFail() }
        // UNION and EXCEPT are left-associative.
        let q2 = try XCTUnwrap(parseQuery("SELECT 1 EXCEPT SELECT 2 UNION ALL SELECT 3"))
        guard case .setOperation(.union, true, let left, .select) = q2.body,
              case .setOperation(.except, false, _, _) = left else { return XCTFail() }
        // Parentheses override.
        let q3 = try XCTUnwrap(parseQuery("(SELECT 1 UNION SELECT 2) INTERSECT ALL SELECT 3"))
        guard case .setOperation(.intersect, true, let l3, _) = q3.body,
              case .setOperation(.union, _, _, _) = l3 else { return XCTFail() }
        let q4 = try XCTUnwrap(parseQuery("SELECT 1 UNION DISTINCT SELECT 2"))
        guard case .setOperation(.union, false, _, _) = q4.body else { return XCTFail() }
    }

    func testOrderByAppliesToWholeSetOperation() throws {
        let q = try XCTUnwrap(parseQuery("SELECT a FROM t UNION SELECT b FROM u ORDER BY 1 DESC LIMIT 5"))
        guard case .setOperation = q.body else { return XCTFail() }
        XCTAssertEqual(q.orderBy.count, 1)
        XCTAssertFalse(q.orderBy[0].ascending)
        XCTAssertNotNil(q.limit)
    }

    func testNestedQueryKeepsItsOwnLimit() throws {
        let q = try XCTUnwrap(parseQuery("(SELECT a FROM t ORDER BY a LIMIT 1) UNION ALL (SELECT b FROM u LIMIT 2)"))
        guard case .setOperation(.union, true, .nested(let l), .nested(let r)) = q.body else { return XCTFail() }
        XCTAssertEqual(l.orderBy.count, 1)
        XCTAssertNotNil(r.limit)
    }

    func testOrderByOptions() throws {
        let q = try XCTUnwrap(parseQuery("SELECT * FROM t ORDER BY a, b DESC, c ASC NULLS FIRST, d DESC NULLS LAST"))
        XCTAssertEqual(q.orderBy.map(\.ascending), [true, false, true, false])
        XCTAssertEqual(q.orderBy.map(\.nullsFirst), [nil, nil, true, false])
    }

    func testLimitOffsetFetch() throws {
        func literalText(_ e: Expr?) -> String? {
            guard let e else { return nil }
            return SQLPrinter.print(e)
        }
        let q1 = try XCTUnwrap(parseQuery("SELECT * FROM t LIMIT 10 OFFSET 5"))
        XCTAssertEqual(literalText(q1.limit), "10")
        XCTAssertEqual(literalText(q1.offset), "5")
        let q2 = try XCTUnwrap(parseQuery("SELECT * FROM t OFFSET 5 ROWS LIMIT ALL"))
        XCTAssertNil(q2.limit)
        XCTAssertEqual(literalText(q2.offset), "5")
        let q3 = try XCTUnwrap(parseQuery("SELECT * FROM t ORDER BY a OFFSET 1 ROW FETCH FIRST 3 ROWS ONLY"))
        XCTAssertEqual(literalText(q3.limit), "3")
        XCTAssertFalse(q3.withTies)
        let q4 = try XCTUnwrap(parseQuery("SELECT * FROM t ORDER BY a FETCH NEXT ROW WITH TIES"))
        XCTAssertEqual(literalText(q4.limit), "1")
        XCTAssertTrue(q4.withTies)
        XCTAssertNotNil(parseError("SELECT * FROM t LIMIT 1 LIMIT 2"))
        XCTAssertNotNil(parseError("SELECT * FROM t FETCH FIRST 1 ROWS"))
    }

    func testWithClause() throws {
        let q = try XCTUnwrap(parseQuery(
            "WITH RECURSIVE r (n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r WHERE n < 5), m AS MATERIALIZED (SELECT 2), nm AS NOT MATERIALIZED (SELECT 3) SELECT * FROM r"))
        let with = try XCTUnwrap(q.with)
        XCTAssertTrue(with.recursive)
        XCTAssertEqual(with.ctes.map(\.name), ["r", "m", "nm"])
        XCTAssertEqual(with.ctes[0].columnNames, ["n"])
        XCTAssertNil(with.ctes[0].materialized)
        XCTAssertEqual(with.ctes[1].materialized, true)
        XCTAssertEqual(with.ctes[2].materialized, false)
        let plain = try XCTUnwrap(parseQuery("WITH x AS (SELECT 1) SELECT * FROM x"))
        XCTAssertEqual(plain.with?.recursive, false)
    }

    func testValuesAndTable() throws {
        let q = try XCTUnwrap(parseQuery("VALUES (1, 'a'), (2, 'b') ORDER BY 1"))
        guard case .values(let rows) = q.body else { return XCTFail() }
        XCTAssertEqual(rows.count, 2)
        XCTAssertEqual(rows[0].count, 2)
        XCTAssertEqual(q.orderBy.count, 1)
        let t = try XCTUnwrap(parseSelect("TABLE s.t"))
        guard case .wildcard(nil, _) = t.items[0], case .table(let name, _, _) = t.from[0] else { return XCTFail() }
        XCTAssertEqual(name.parts, ["s", "t"])
    }

    func testQueryInParentheses() throws {
        let q = try XCTUnwrap(parseQuery("((SELECT 1))"))
        guard case .select = q.body else { return XCTFail() }
        let q2 = try XCTUnwrap(parseQuery("(SELECT 1) ORDER BY 1"))
        guard case .select = q2.body else { return XCTFail() }
        XCTAssertEqual(q2.orderBy.count, 1)
    }
}
