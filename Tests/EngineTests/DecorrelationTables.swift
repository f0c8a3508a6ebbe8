// The tables the decorrelation result tests share (ReduceAggregateInputs,
// AggregateSubqueriesToWindows, GroupTotalsToWindows): keys with NULLs and
// duplicates on both sides of every join, so a rewrite that drops, repeats or
// mismatches a group shows in the rows.

import Columnar
@testable import Engine

enum DecorrelationTables {
    /// p: a small relation to filter (keys repeat, some NULL); f: the large one, aggregated and
    /// joined (the same, plus an exact numeric, a boolean and a nullable value); g: five codes.
    static func session() throws -> Session {
        let s = try Database().connect()
        _ = try s.execute("""
            CREATE TABLE p AS SELECT g AS id, CASE WHEN g % 7 = 0 THEN NULL ELSE g % 50 END AS k, g % 5 AS grp,
                   'n' || (g % 13) AS name FROM generate_series(1, 400) AS r(g)
            """).allRows()
        _ = try s.execute("""
            CREATE TABLE f AS SELECT g AS id, CASE WHEN g % 9 = 0 THEN NULL ELSE g % 60 END AS k,
                   CASE WHEN g % 11 = 0 THEN NULL ELSE g % 5 END AS k2, g % 17 AS q,
                   CAST((g % 23) * 1.25 AS numeric(10, 2)) AS price, g % 3 = 0 AS flag,
                   CASE WHEN g % 13 = 0 THEN NULL ELSE g % 8 END AS nq FROM generate_series(1, 5000) AS r(g)
            """).allRows()
        _ = try s.execute("CREATE TABLE g AS SELECT x AS code, CASE WHEN x % 2 = 0 THEN 'even' ELSE 'odd' END AS kind FROM generate_series(0, 4) AS r(x)").allRows()
        return s
    }

    /// EXPLAIN's lines, joined.
    static func plan(_ s: Session, _ sql: String) throws -> String {
        try s.execute("EXPLAIN " + sql).allRows().map { "\($0)" }.joined(separator: "\n")
    }
}
