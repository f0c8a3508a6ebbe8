// JoinHashTable's bucket-grouped layout, built on one thread and on several,
// against a brute-force pairing: duplicate and NULL keys, one int64 key and
// two-column (int, text) keys, empty builds, firstOnly probes.

import Columnar
@testable import Execution
import XCTest

final class JoinHashTableTests: XCTestCase {
    private func brute(_ build: [[Value]], _ probe: [[Value]], firstOnly: Bool) -> [[Int32]] {
        var out: [[Int32]] = []
        for (i, p) in probe.enumerated() where !p.contains(.null) {
            for (r, b) in build.enumerated() where b == p {
                out.append([Int32(i), Int32(r)])
                if firstOnly { break }
            }
        }
        return out
    }

    private func views(_ rows: [[Value]], _ types: [DataType]) -> [KeyView] {
        types.indices.map { c in KeyView(Vector.from(rows.map { $0[c] }, type: types[c])) }
    }

    private func check(_ build: [[Value]], _ probe: [[Value]], _ types: [DataType], file: StaticString = #filePath, line: UInt = #line) {
        for (workers, from) in [(1, 1_000_000), (2, 1), (4, 1)] {
            let table = JoinHashTable(keys: views(build, types), count: build.count, workers: workers, parallelFrom: from)
            XCTAssertEqual(table.linkedRows, build.filter { !$0.contains(.null) }.count, file: file, line: line)
            for firstOnly in [false, true] {
                var li: [Int32] = [], ri: [Int32] = []
                table.probe(views(probe, types), count: probe.count, firstOnly: firstOnly, li: &li, ri: &ri)
                XCTAssertEqual(zip(li, ri).map { [$0, $1] }, brute(build, probe, firstOnly: firstOnly),
                               "workers \(workers) firstOnly \(firstOnly)", file: file, line: line)
            }
        }
    }

    func testIntKeysWithDuplicatesAndNulls() {
        let build: [[Value]] = (0..<3000).map { $0 % 7 == 0 ? [.null] : [.int(Int64(($0 * 13) % 400))] }
        let probe: [[Value]] = (0..<900).map { $0 % 10 == 0 ? [.null] : [.int(Int64($0 % 500 - 20))] }
        check(build, probe, [.int64])
    }

    func testTwoColumnKeysWithText() {
        let build: [[Value]] = (0..<2000).map { [.int(Int64($0 % 30)), $0 % 11 == 0 ? .null : .string("s\($0 % 7)")] }
        let probe: [[Value]] = (0..<700).map { [.int(Int64($0 % 40)), .string("s\($0 % 9)")] }
        check(build, probe, [.int64, .text])
    }

    func testEmptyBuildAndAllNullBuild() {
        check([], [[.int(1)], [.null]], [.int64])
        check([[.null], [.null]], [[.int(1)], [.null]], [.int64])
    }
}
