// Helpers for the Lake tests: fixture paths, temporary lakes, draining a
// TableSource with or without pushdown, and a reference evaluator of
// ScanPredicates used to prove that skipping never changes results.

import Columnar
import Foundation
import Lake
import Planner
import XCTest

enum LakeFixtures {
    /// The repository root, found from this file's path.
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()
    static var demo: String { root + "/Fixtures/demo" }
    static var tests: String { root + "/Fixtures/lake-tests" }

    static func temporaryDirectory() throws -> String {
        let dir = NSTemporaryDirectory() + "laketests-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    static func write(_ text: String, to path: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try text.write(toFile: path, atomically: false, encoding: .utf8)
    }

    static func copy(_ from: String, to: String) throws {
        try FileManager.default.createDirectory(atPath: (to as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: from, toPath: to)
    }
}

/// All rows of a scan of `columns`, with the statistics it reported.
func scan(_ source: TableSource, columns: [Int]? = nil, predicates: [ScanPredicate] = [],
          allowed: ScanSkipping = .all) throws -> (rows: [[Value]], stats: ScanStatistics) {
    let stats = ScanStatistics()
    stats.allowedSkipping = allowed
    let cols = columns ?? Array(0..<source.fields.count)
    var rows: [[Value]] = []
    for m in try source.morsels(columns: cols, predicates: predicates, statistics: stats) {
        for b in try m.read(statistics: stats) {
            XCTAssertEqual(b.columns.count, cols.count)
            for i in 0..<b.count { rows.append(b.row(i)) }
        }
    }
    return (rows, stats)
}

/// SQL truth of a predicate on a row (NULL counts as false), independent of the pruning code.
func holds(_ p: ScanPredicate, _ row: [Value]) -> Bool {
    func cmp(_ a: Value, _ b: Value) -> Int? {
        switch (a, b) {
        case let (.int(x), .int(y)): return x < y ? -1 : (x > y ? 1 : 0)
        case let (.double(x), .double(y)):
            // PostgreSQL: NaN equals NaN and sorts above every number.
            if x.isNaN || y.isNaN { return x.isNaN && y.isNaN ? 0 : (x.isNaN ? 1 : -1) }
            return x < y ? -1 : (x > y ? 1 : 0)
        case let (.int(x), .double(y)): return cmp(.double(Double(x)), .double(y))
        case let (.double(x), .int(y)): return cmp(.double(x), .double(Double(y)))
        case let (.string(x), .string(y)): return x < y ? -1 : (x > y ? 1 : 0)
        case let (.decimal(x), .decimal(y)): return x < y ? -1 : (x > y ? 1 : 0)
        case let (.bytes(x), .bytes(y)): return x == y ? 0 : (x.lexicographicallyPrecedes(y) ? -1 : 1)
        default: return nil
        }
    }
    switch p {
    case let .isNull(c, negated): return row[c].isNull != negated
    case let .compare(c, op, v):
        guard let r = cmp(row[c], v) else { return false }
        switch op {
        case .eq: return r == 0
        case .lt: return r < 0
        case .le: return r <= 0
        case .gt: return r > 0
        case .ge: return r >= 0
        }
    case let .inList(c, vs): return vs.contains { cmp(row[c], $0) == 0 }
    }
}

/// Asserts that pushing `predicates` down keeps exactly the rows that satisfy them; returns the pushed scan's statistics.
@discardableResult
func assertPushdownKeepsResults(_ source: TableSource, _ predicates: [ScanPredicate], allowed: ScanSkipping = .all,
                                file: StaticString = #filePath, line: UInt = #line) throws -> ScanStatistics {
    let all = try scan(source).rows.filter { row in predicates.allSatisfy { holds($0, row) } }
    let (pushedRows, stats) = try scan(source, predicates: predicates, allowed: allowed)
    let pushed = pushedRows.filter { row in predicates.allSatisfy { holds($0, row) } }
    XCTAssertEqual(pushed.map { $0.description }.sorted(), all.map { $0.description }.sorted(), "pushdown changed the result", file: file, line: line)
    return stats
}

func days(_ y: Int, _ m: Int, _ d: Int) -> Value { .int(Calendar.days(year: y, month: m, day: d)) }

func assertSQLError(_ state: String, contains parts: [String] = [], file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void) {
    do {
        try body()
        XCTFail("expected SQLSTATE \(state)", file: file, line: line)
    } catch let e as SQLError {
        XCTAssertEqual(e.sqlState, state, e.message, file: file, line: line)
        for p in parts { XCTAssertTrue(e.message.contains(p), "\(e.message) lacks \(p)", file: file, line: line) }
    } catch {
        XCTFail("unexpected error \(error)", file: file, line: line)
    }
}
