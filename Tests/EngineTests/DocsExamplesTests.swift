// Every SQL block in Docs/EXAMPLES.md runs on the demo lake and returns rows,
// and the README's tour script runs without error: the documentation cannot
// drift from what the engine does.

import XCTest
import Columnar
@testable import Engine

final class DocsExamplesTests: XCTestCase {
    private let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../..").standardized

    private func demoSession() throws -> Session {
        try Database(options: DatabaseOptions(lakePath: root.appendingPathComponent("Fixtures/demo").path)).connect()
    }

    func testEveryExampleRunsAndReturnsRows() throws {
        let text = try String(contentsOf: root.appendingPathComponent("Docs/EXAMPLES.md"), encoding: .utf8)
        let blocks = text.components(separatedBy: "```sql\n").dropFirst().compactMap { $0.components(separatedBy: "```").first }
        XCTAssertGreaterThanOrEqual(blocks.count, 6)
        let s = try demoSession()
        for sql in blocks {
            let rows = try s.execute(sql).allRows()
            XCTAssertFalse(rows.isEmpty, sql)
        }
    }

    func testTheTourScriptRuns() throws {
        let script = try String(contentsOf: root.appendingPathComponent("Fixtures/demo/tour.sql"), encoding: .utf8)
        var results = 0
        try demoSession().executeScript(script) { result in
            XCTAssertFalse(try result.allRows().isEmpty)
            results += 1
        }
        XCTAssertEqual(results, 5)
    }
}
