// Helpers the lake SQL tests share: the fixtures' folder, and the scan line
// of an EXPLAIN ANALYZE (its files, row groups, pages and bytes counters).

import XCTest
import Columnar
@testable import Engine

enum LakeFixtureSupport {
    /// Fixtures/lake-tests, or a folder in it.
    static func fixtures(_ folder: String? = nil, _ testFile: String = #filePath) -> String {
        var url = URL(fileURLWithPath: testFile)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path + "/Fixtures/lake-tests" + (folder.map { "/" + $0 } ?? "")
    }

    /// The first scan line of `EXPLAIN ANALYZE sql`.
    static func scanLine(_ s: Session, _ sql: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let lines = try s.execute("EXPLAIN ANALYZE " + sql).allRows().compactMap { row -> String? in
            if case .string(let t)? = row.first { return t }
            return nil
        }
        return try XCTUnwrap(lines.first { $0.contains("Scan ") }, file: file, line: line)
    }
}
