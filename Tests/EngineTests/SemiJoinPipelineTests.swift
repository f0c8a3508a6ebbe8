// Semi and anti joins inside scan pipelines (`lakesql.fuse_semi_joins`):
// fused into the left input's pipeline when the right input is estimated
// smaller, else run with a table over the left rows that the right input's
// pipeline probes on its workers (after a runtime filter of the left keys
// has dropped the right rows that cannot match). Every query must return exactly the rows
// (in the same order) of the one-thread plan and of the plans with the
// setting off and on: NULL keys, empty inputs, two-column keys, residual
// conditions, NOT IN (a mark join unless the keys are non-null) and tables
// under a row policy (guarded pipelines).

import Columnar
@testable import Engine
@testable import Execution
import Foundation
import XCTest

final class SemiJoinPipelineTests: XCTestCase {
    /// big: 30 morsels of 100 rows, k with NULLs; small: 40 rows over 4 morsels, k and g with
    /// NULLs and duplicates; none: an empty table of the same shape; nn: non-null keys.
    private func session(_ access: TestAccess? = nil) throws -> Session {
        let s = try Database().connect()
        _ = try s.execute("CREATE TABLE big (id int, k int, g int, s text)").allRows()
        for m in 0..<30 {
            _ = try s.execute("""
                INSERT INTO big SELECT x, CASE WHEN x % 13 = 0 THEN NULL ELSE x % 500 END, x % 4, 's' || (x % 7)
                FROM generate_series(\(m * 100), \(m * 100 + 99)) x
                """).allRows()
        }
        _ = try s.execute("CREATE TABLE small (id int, k int, g int, w int)").allRows()
        for m in 0..<4 {
            _ = try s.execute("""
                INSERT INTO small SELECT x, CASE WHEN x % 9 = 4 THEN NULL ELSE (x * 37) % 600 END,
                                         CASE WHEN x % 11 = 5 THEN NULL ELSE x % 4 END, x % 3
                FROM generate_series(\(m * 10), \(m * 10 + 9)) x
                """).allRows()
        }
        _ = try s.execute("INSERT INTO small VALUES (100, 37, 1, 0), (101, 37, 1, 1)").allRows()
        _ = try s.execute("CREATE TABLE none (id int, k int, g int, w int)").allRows()
        _ = try s.execute("CREATE TABLE nn (k int NOT NULL, g int NOT NULL)").allRows()
        _ = try s.execute("INSERT INTO nn SELECT (x * 37) % 600, x % 4 FROM generate_series(0, 39) x").allRows()
        _ = try s.execute("SET lakesql.join_parallel_build_rows = 1").allRows()
        if let access { s.accessControl = access }
        return s
    }

    private func rows(_ s: Session, _ q: String) throws -> [[Value]] { try s.execute(q).allRows() }

    /// The same rows in the same order on one thread and on two with fusion off, auto and on.
    private func assertSameRows(_ s: Session, _ q: String, nonEmpty: Bool = true,
                                file: StaticString = #filePath, line: UInt = #line) throws {
        _ = try s.execute("SET threads = 1").allRows()
        let sequential = try rows(s, q)
        if nonEmpty { XCTAssertFalse(sequential.isEmpty, q, file: file, line: line) }
        _ = try s.execute("SET threads = 2").allRows()
        for mode in ["off", "auto", "on"] {
            _ = try s.execute("SET lakesql.fuse_semi_joins = \(mode)").allRows()
            let parallel = try rows(s, q)
            XCTAssertEqual(parallel, sequential, "\(q) (fuse_semi_joins \(mode))", file: file, line: line)
        }
        _ = try s.execute("SET lakesql.fuse_semi_joins = auto").allRows()
    }

    func testSemiAndAntiJoinsWithNullKeysBothWaysRound() throws {
        let s = try session()
        for q in [
            // Right side smaller: fused into big's pipeline.
            "SELECT b.id, b.k FROM big b WHERE EXISTS (SELECT 1 FROM small m WHERE m.k = b.k)",
            "SELECT b.id, b.k FROM big b WHERE NOT EXISTS (SELECT 1 FROM small m WHERE m.k = b.k)",
            "SELECT b.id FROM big b WHERE b.k IN (SELECT k FROM small)",
            // Left side smaller: a table over small's rows, probed by big's pipeline.
            "SELECT m.id, m.k FROM small m WHERE EXISTS (SELECT 1 FROM big b WHERE b.k = m.k)",
            "SELECT m.id, m.k FROM small m WHERE NOT EXISTS (SELECT 1 FROM big b WHERE b.k = m.k)",
            "SELECT m.id FROM small m WHERE m.k IN (SELECT k FROM big WHERE g = 2)",
            // Every left row finds a partner in big's first morsels: the probing stops early.
            "SELECT n.k, n.g FROM nn n WHERE EXISTS (SELECT 1 FROM big b WHERE b.g = n.g)",
            // NOT IN over nullable keys stays a mark join (NULL semantics); over non-null ones too where not proven.
            "SELECT m.id FROM small m WHERE m.k NOT IN (SELECT k FROM big WHERE k IS NOT NULL)",
            "SELECT n.k FROM nn n WHERE n.k NOT IN (SELECT k FROM nn WHERE g = 1)",
            // Aggregates over the joins (a fused one makes the aggregate parallel).
            "SELECT b.g, count(*), sum(b.id) FROM big b WHERE EXISTS (SELECT 1 FROM small m WHERE m.k = b.k) GROUP BY b.g ORDER BY b.g",
            "SELECT m.w, count(*) FROM small m WHERE NOT EXISTS (SELECT 1 FROM big b WHERE b.k = m.k AND b.g = 3) GROUP BY m.w ORDER BY m.w",
        ] { try assertSameRows(s, q) }
        // NULL keys never match: small's four NULL-key rows (ids 4, 13, 22, 31) are kept by NOT EXISTS only.
        _ = try s.execute("SET threads = 2").allRows()
        XCTAssertEqual(try rows(s, "SELECT id FROM small m WHERE m.k IS NULL AND NOT EXISTS (SELECT 1 FROM big b WHERE b.k = m.k) ORDER BY id"),
                       [[.int(4)], [.int(13)], [.int(22)], [.int(31)]])
        XCTAssertEqual(try rows(s, "SELECT count(*) FROM small m WHERE m.k IS NULL AND EXISTS (SELECT 1 FROM big b WHERE b.k = m.k)"), [[.int(0)]])
        // small.k holds a NULL: NOT IN is never true, on every plan.
        try assertSameRows(s, "SELECT b.id FROM big b WHERE b.k NOT IN (SELECT k FROM small)", nonEmpty: false)
        XCTAssertEqual(try rows(s, "SELECT count(*) FROM big b WHERE b.k NOT IN (SELECT k FROM small)"), [[.int(0)]])
    }

    func testEmptyInputs() throws {
        let s = try session()
        for (q, nonEmpty) in [
            ("SELECT b.id FROM big b WHERE EXISTS (SELECT 1 FROM none n WHERE n.k = b.k)", false),
            ("SELECT b.id FROM big b WHERE NOT EXISTS (SELECT 1 FROM none n WHERE n.k = b.k)", true),
            ("SELECT m.id FROM small m WHERE EXISTS (SELECT 1 FROM big b WHERE b.k = m.k AND b.id < 0)", false),
            ("SELECT m.id FROM small m WHERE NOT EXISTS (SELECT 1 FROM big b WHERE b.k = m.k AND b.id < 0)", true),
            ("SELECT n.id FROM none n WHERE EXISTS (SELECT 1 FROM big b WHERE b.k = n.k)", false),
            ("SELECT n.id FROM none n WHERE NOT EXISTS (SELECT 1 FROM big b WHERE b.k = n.k)", false),
            ("SELECT m.id FROM small m WHERE NOT EXISTS (SELECT 1 FROM none n WHERE n.k = m.k)", true),
            ("SELECT n.k FROM nn n WHERE NOT EXISTS (SELECT 1 FROM big b WHERE b.g = n.g)", false),
        ] { try assertSameRows(s, q, nonEmpty: nonEmpty) }
    }

    func testMultiColumnKeysAndResiduals() throws {
        let s = try session()
        for q in [
            "SELECT b.id FROM big b WHERE EXISTS (SELECT 1 FROM small m WHERE m.k = b.k AND m.g = b.g)",
            "SELECT b.id FROM big b WHERE NOT EXISTS (SELECT 1 FROM small m WHERE m.k = b.k AND m.g = b.g)",
            "SELECT m.id FROM small m WHERE EXISTS (SELECT 1 FROM big b WHERE b.k = m.k AND b.g = m.g)",
            "SELECT m.id FROM small m WHERE NOT EXISTS (SELECT 1 FROM big b WHERE b.k = m.k AND b.g = m.g)",
            "SELECT b.id FROM big b WHERE EXISTS (SELECT 1 FROM small m WHERE m.k = b.k AND m.w <> b.g)",
            "SELECT m.id FROM small m WHERE EXISTS (SELECT 1 FROM big b WHERE b.k = m.k AND b.id <> m.id * 3)",
            "SELECT m.id FROM small m WHERE NOT EXISTS (SELECT 1 FROM big b WHERE b.k = m.k AND b.g <> m.w)",
        ] { try assertSameRows(s, q) }
    }

    /// A residual that fails on some pair reports the error from the workers too.
    func testErrorsFromWorkerProbes() throws {
        let s = try session()
        _ = try s.execute("SET threads = 2").allRows()
        for mode in ["off", "auto", "on"] {
            _ = try s.execute("SET lakesql.fuse_semi_joins = \(mode)").allRows()
            for q in ["SELECT m.id FROM small m WHERE EXISTS (SELECT 1 FROM big b WHERE b.k = m.k AND 10 / (b.id - 37) > m.w)",
                      "SELECT b.id FROM big b WHERE EXISTS (SELECT 1 FROM small m WHERE m.k = b.k AND 10 / (b.id - 37) > m.w)"] {
                XCTAssertThrowsError(try rows(s, q), "\(q) (\(mode))") { e in
                    XCTAssertEqual((e as? SQLError)?.sqlState, SQLState.divisionByZero)
                }
            }
        }
    }

    /// Row policies on either input: the joins see only the visible rows (guarded pipelines).
    func testUnderRowPolicies() throws {
        let a = TestAccess()
        a.policy("big", "no_g3", "g <> 3")
        a.policy("small", "low_ids", "id < 30 OR id >= 100")
        let s = try session(a)
        for q in [
            "SELECT b.id FROM big b WHERE EXISTS (SELECT 1 FROM small m WHERE m.k = b.k)",
            "SELECT b.id FROM big b WHERE NOT EXISTS (SELECT 1 FROM small m WHERE m.k = b.k AND m.g = b.g)",
            "SELECT m.id FROM small m WHERE EXISTS (SELECT 1 FROM big b WHERE b.k = m.k)",
            "SELECT m.id FROM small m WHERE NOT EXISTS (SELECT 1 FROM big b WHERE b.k = m.k AND b.g = m.g)",
            "SELECT b.g, count(*) FROM big b WHERE b.k IN (SELECT k FROM small) GROUP BY b.g ORDER BY b.g",
        ] { try assertSameRows(s, q) }
        // Hidden rows change the answer: big's g = 3 rows are gone.
        _ = try s.execute("SET threads = 2").allRows()
        XCTAssertEqual(try rows(s, "SELECT count(*) FROM big b WHERE b.g = 3 AND EXISTS (SELECT 1 FROM small m WHERE m.k = b.k)"),
                       [[.int(0)]])
    }

    private func explainAnalyze(_ s: Session, _ q: String) throws -> [String] {
        try rows(s, "EXPLAIN ANALYZE " + q).compactMap { row -> String? in
            if case .string(let line)? = row.first { return line }
            return nil
        }
    }

    /// EXPLAIN ANALYZE shows where each semi/anti join ran.
    func testExplainShowsTheJoinsInThePipelines() throws {
        let s = try session()
        _ = try s.execute("SET threads = 2").allRows()
        // Small right side: the semi join is a stage of big's pipeline, under a parallel aggregate.
        let fused = try explainAnalyze(s, "SELECT b.g, count(*) FROM big b WHERE EXISTS (SELECT 1 FROM small m WHERE m.k = b.k) GROUP BY b.g")
        let semi = fused.first { $0.contains("Semi Join") }
        XCTAssertTrue(semi?.contains("(runs in the parallel scan pipeline above)") ?? false, fused.joined(separator: "\n"))
        // Small left side: a table over small's rows that big's pipeline probes.
        let reversed = try explainAnalyze(s, "SELECT m.id FROM small m WHERE NOT EXISTS (SELECT 1 FROM big b WHERE b.k = m.k)")
        let anti = reversed.first { $0.contains("Anti Join") }
        // small's 42 rows (38 with a key) filter big's scan by their keys' range and the exact
        // set of those keys (a bitmap over the range): only big's rows holding one of them are
        // left to probe the table.
        let probing = try XCTUnwrap(rows(s, "SELECT count(*) FROM big WHERE k IN (SELECT k FROM small)").first?.first)
        guard case .int(let probed) = probing, probed > 0, probed < 3000 else { return XCTFail("\(probing)") }
        XCTAssertTrue(anti?.contains("(table on the 42 left rows, probed by \(probed) right rows in the right input's parallel scan pipeline)") ?? false,
                      reversed.joined(separator: "\n"))
        let bigScan = reversed.first { $0.contains("Scan big") }
        XCTAssertTrue(bigScan?.contains("[runtime filters: anti join on 38 left rows: k in [0, 592] (36 values), bitmap 80 B of the key's range; rows checked=3000 dropped=\(3000 - probed)]") ?? false,
                      reversed.joined(separator: "\n"))
        // Without runtime filters every row of big probes (4 of small's rows have a NULL key, so the probing never stops early).
        _ = try s.execute("SET lakesql.runtime_join_filters = off").allRows()
        let unfiltered = try explainAnalyze(s, "SELECT m.id FROM small m WHERE NOT EXISTS (SELECT 1 FROM big b WHERE b.k = m.k)")
        XCTAssertTrue(unfiltered.first { $0.contains("Anti Join") }?.contains("probed by 3000 right rows") ?? false, unfiltered.joined(separator: "\n"))
        _ = try s.execute("SET lakesql.runtime_join_filters = on").allRows()
        // Off: neither.
        _ = try s.execute("SET lakesql.fuse_semi_joins = off").allRows()
        let off = try explainAnalyze(s, "SELECT b.g, count(*) FROM big b WHERE EXISTS (SELECT 1 FROM small m WHERE m.k = b.k) GROUP BY b.g")
        XCTAssertFalse(off.first { $0.contains("Semi Join") }?.contains("parallel scan pipeline") ?? true, off.joined(separator: "\n"))
        let offReversed = try explainAnalyze(s, "SELECT m.id FROM small m WHERE NOT EXISTS (SELECT 1 FROM big b WHERE b.k = m.k)")
        XCTAssertFalse(offReversed.first { $0.contains("Anti Join") }?.contains("parallel scan pipeline") ?? true,
                       offReversed.joined(separator: "\n"))
    }
}
