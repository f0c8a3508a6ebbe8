// The filter right above a Parquet scan runs inside the scan (late
// materialisation, ScanFilterLifting.swift): every query must give the same
// rows and the same errors with `lakesql.late_materialization` on and off —
// plain scans, aggregates, join probes, NULLs, expressions that raise, a
// row policy and column masks on a lake table — and EXPLAIN ANALYZE must
// show the other columns' pages without survivors as skipped.

import XCTest
import Columnar
import Planner
import Lake
@testable import Execution
@testable import Engine

final class ScanFilterLiftingTests: XCTestCase {
    static let pages: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path + "/Fixtures/lake-tests/skipping/pages.parquet"
    }()

    /// pages.parquet: 2 row groups × 10 pages of 50 rows, page index; id 0…999, maybe NULL below 200.
    private let table = "read_parquet('\(ScanFilterLiftingTests.pages)')"

    private func session() throws -> Session {
        let s = try Database().connect()
        _ = try s.execute("SET threads = 2").allRows()
        _ = try s.execute("SET lakesql.join_parallel_build_rows = 1").allRows()
        return s
    }

    /// Rows (as text: the fixture holds a NaN) or the SQLSTATE of the error, with the setting on and off.
    private func outcomes(_ s: Session, _ sql: String) -> (on: String, off: String) {
        func run() -> String {
            do { return try s.execute(sql).allRows().map { "\($0)" }.joined(separator: "\n") } catch let e as SQLError {
                return "error \(e.sqlState)"
            } catch { return "error \(error)" }
        }
        _ = try? s.execute("SET lakesql.late_materialization = on").allRows()
        let on = run()
        _ = try? s.execute("SET lakesql.late_materialization = off").allRows()
        let off = run()
        _ = try? s.execute("SET lakesql.late_materialization = on").allRows()
        return (on, off)
    }

    private func assertSame(_ s: Session, _ sql: String, rows: Int? = nil, error: String? = nil, line: UInt = #line) {
        let r = outcomes(s, sql)
        XCTAssertEqual(r.on, r.off, sql, line: line)
        if let rows { XCTAssertEqual(r.on.isEmpty ? 0 : r.on.split(separator: "\n").count, rows, sql, line: line) }
        if let error { XCTAssertEqual(r.on, "error \(error)", sql, line: line) }
    }

    func testSameRowsWithAndWithoutLateMaterialisation() throws {
        let s = try session()
        assertSame(s, "SELECT id, s, f, grp FROM \(table) WHERE id % 100 = 7 ORDER BY id", rows: 10)
        assertSame(s, "SELECT id, s, dec FROM \(table) WHERE maybe IS NULL AND id % 7 = 0 ORDER BY id", rows: 29)
        assertSame(s, "SELECT id, s FROM \(table) WHERE maybe + 0 < 210 ORDER BY id", rows: 10)    // NULL < 210 is not true
        assertSame(s, "SELECT s, dec FROM \(table) WHERE down * 2 < 0", rows: 0)                 // every row fails
        assertSame(s, "SELECT id, s FROM \(table) WHERE down + 1 > 0 ORDER BY id", rows: 1000)   // no row fails
        assertSame(s, "SELECT grp, count(*), sum(dec), min(s) FROM \(table) WHERE id % 3 = 1 GROUP BY grp ORDER BY grp", rows: 4)
        assertSame(s, "SELECT count(*), sum(f) FROM \(table) WHERE grp IN ('apple', 'date') AND id % 5 = 0", rows: 1)
        assertSame(s, """
            SELECT a.id, b.s FROM \(table) a JOIN \(table) b ON a.id = b.down
            WHERE a.id % 50 = 1 AND b.dec > 100 ORDER BY a.id
            """, rows: 19)
    }

    func testErrorsAreRaisedForTheSameRows() throws {
        let s = try session()
        // Every row evaluates the division: row 500 divides by zero.
        assertSame(s, "SELECT s FROM \(table) WHERE 10 / (id - 500) > 0", error: SQLState.divisionByZero)
        // AND decides row 500 on its first term; the division never runs there.
        assertSame(s, "SELECT s FROM \(table) WHERE id <> 500 AND 10 / (id - 500) > 0 ORDER BY s", rows: 10)
        assertSame(s, "SELECT s FROM \(table) WHERE CAST(s AS int) > 0", error: SQLState.invalidTextRepresentation)
    }

    private func scanLine(_ s: Session, _ sql: String) throws -> String {
        let lines = try s.execute("EXPLAIN ANALYZE " + sql).allRows().compactMap { row -> String? in
            if case .string(let t)? = row.first { return t }
            return nil
        }
        return try XCTUnwrap(lines.first { $0.contains("Scan ") }, lines.joined(separator: "\n"))
    }

    func testExplainAnalyzeCountsThePagesLeftUnread() throws {
        let s = try session()
        // id % 100 = 7 keeps one row in every other page: id reads all 20 pages, s and f 10 each.
        let sql = "SELECT s, f FROM \(table) WHERE id % 100 = 7"
        let late = try scanLine(s, sql)
        XCTAssertTrue(late.contains("pages scanned=40 skipped=20"), late)
        _ = try s.execute("SET lakesql.late_materialization = off").allRows()
        let eager = try scanLine(s, sql)
        XCTAssertTrue(eager.contains("pages scanned=60 skipped=0"), eager)
    }

    func testRowPolicyAndMaskOnALakeTable() throws {
        let dir = NSTemporaryDirectory() + "scanfilter-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.copyItem(atPath: Self.pages, toPath: dir + "/pages.parquet")
        let s = try Database(options: DatabaseOptions(lakePath: dir)).connect()
        _ = try s.execute("SET threads = 2").allRows()
        let access = TestAccess()
        access.policy("pages", "apples", "grp = 'apple'")
        access.mask("pages", "s", "mask_redact(val)")
        s.accessControl = access
        let sql = "SELECT id, s, f FROM pages WHERE f < 100 ORDER BY id"
        let r = outcomes(s, sql)
        XCTAssertEqual(r.on, r.off)
        let rows = try s.execute(sql).allRows()
        // Rows the policy shows (grp 'apple': the odd ids below 500) with f = id / 2 < 100: 1, 3, …, 199.
        XCTAssertEqual(rows.map { $0[0] }, stride(from: 1, to: 200, by: 2).map { Value.int(Int64($0)) })
        for row in rows {
            guard case .string(let masked) = row[1] else { XCTFail("s should be masked text, got \(row[1])"); continue }
            XCTAssertFalse(masked.contains("k0"), "mask not applied: \(masked)")
        }
        // The policy's filter is the one the scan runs; the user's division stays above it and never
        // sees the hidden row 500 (it would divide by zero there).
        let hidden = outcomes(s, "SELECT id FROM pages WHERE 10 / (id - 500) < 0 ORDER BY id")
        XCTAssertEqual(hidden.on, hidden.off)
        XCTAssertEqual(hidden.on, [491, 493, 495, 497, 499].map { (i: Int64) in "\([Value.int(i)])" }.joined(separator: "\n"))
        // A policy filter no pushed-down predicate can skip by: ids ending in 99 (10 of the 20 pages;
        // EXPLAIN shows nothing below a barrier, so testGuardedPolicyFilterMovesIntoTheScan counts them).
        access.rowPolicyTable = [:]
        access.policy("pages", "nines", "right(s, 2) = '99'")
        let r99 = outcomes(s, "SELECT id, f FROM pages ORDER BY id")
        XCTAssertEqual(r99.on, r99.off)
        XCTAssertEqual(r99.on.split(separator: "\n").count, 10)
    }

    /// Under a policy barrier the policy's filter (the first stage inside the guard) moves into
    /// the scan and the guard stays, so errors of the source are still sanitized.
    func testGuardedPolicyFilterMovesIntoTheScan() throws {
        let source = try ParquetTableSource(files: LakeTableFunctions.resolve(Self.pages, hivePartitioning: true))
        let node = ScanNode(source: source, tableName: "pages", columns: [0, 4, 6])   // id, s, f
        // right(s, 2) = '99' stands in for the compiled policy filter: it reads position 1.
        let policy: RowSelector = { b in
            let s = b.columns[1]
            return ContiguousArray((0..<Int32(b.count)).filter { i in
                if case .string(let text) = s.value(at: Int(i)) { return text.hasSuffix("99") }
                return false
            })
        }
        let barrier = PolicyBarrier(relation: RelationName(schema: "public", name: "pages"), rowPolicies: ["nines"], masks: [])
        let stages: [PipelineStage] = [.guarded([.filterAboveScan(policy, reads: [1], keeping: [0, 2], tested: nil)], barrier)]
        let (morsels, remaining) = try pipelineMorsels(node, stages, context: ExecutionContext())
        guard case .guarded(let inner, _)? = remaining.first, remaining.count == 1, inner.isEmpty else {
            return XCTFail("the guard should stay, empty: \(remaining)")
        }
        var ids: [Value] = []
        for m in morsels {
            try forEachStageOutput(remaining, on: m, statistics: node.statistics) { b in
                for i in 0..<b.count { ids.append(b.columns[0].value(at: i)); XCTAssertTrue(b.columns[1].value(at: i).isNull) }
            }
        }
        XCTAssertEqual(ids, stride(from: 99, to: 1000, by: 100).map { Value.int(Int64($0)) })
        // s: all 20 pages; id and f: the 10 pages holding an id ending in 99.
        XCTAssertEqual(node.statistics.pagesScanned, 20 + 2 * 10)
        XCTAssertEqual(node.statistics.pagesSkipped, 2 * 10)
    }
}
