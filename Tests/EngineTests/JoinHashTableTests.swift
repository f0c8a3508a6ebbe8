// JoinHashTable's bucket-grouped layout, built on one thread and on several,
// against a brute-force pairing: duplicate and NULL keys, one int64 key and
// two-column (int, text) keys, empty builds, firstOnly probes, unique keys
// (detected at build), dense tables for unique int keys over narrow ranges,
// many matches per probe row (the pairs outgrow their first room), empty
// probe batches.

import Columnar
@testable import Execution
import XCTest

final class JoinHashTableTests: XCTestCase {
    private func brute(_ build: [[Value]], _ probe: [[Value]], firstOnly: Bool) -> [[Int32]] {
        var rowsByKey: [[Value]: [Int32]] = [:]
        for (r, b) in build.enumerated() where !b.contains(.null) { rowsByKey[b, default: []].append(Int32(r)) }
        var out: [[Int32]] = []
        for (i, p) in probe.enumerated() where !p.contains(.null) {
            for r in (rowsByKey[p] ?? []).prefix(firstOnly ? 1 : Int.max) { out.append([Int32(i), r]) }
        }
        return out
    }

    private func views(_ rows: [[Value]], _ types: [DataType]) -> [KeyView] {
        types.indices.map { c in KeyView(Vector.from(rows.map { $0[c] }, type: types[c])) }
    }

    private func check(_ build: [[Value]], _ probe: [[Value]], _ types: [DataType], file: StaticString = #filePath, line: UInt = #line) {
        // Every table also with its Bloom filter (normally only for 32K+ rows): probe rows
        // it rules out, rows it keeps that have no partner, and NULL keys among them.
        for (workers, from, filterFrom) in [(1, 1_000_000, Int.max), (2, 1, Int.max), (4, 1, Int.max), (1, 1_000_000, 0), (4, 1, 0)] {
            let table = JoinHashTable(keys: views(build, types), count: build.count, workers: workers, parallelFrom: from, filterFrom: filterFrom)
            XCTAssertEqual(table.linkedRows, build.filter { !$0.contains(.null) }.count, file: file, line: line)
            for firstOnly in [false, true] {
                var li: [Int32] = [], ri: [Int32] = []
                table.probe(views(probe, types), count: probe.count, firstOnly: firstOnly, li: &li, ri: &ri)
                XCTAssertEqual(zip(li, ri).map { [$0, $1] }, brute(build, probe, firstOnly: firstOnly),
                               "workers \(workers) filter from \(filterFrom) firstOnly \(firstOnly)", file: file, line: line)
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

    func testUniqueKeysAreDetectedAndProbeLikeBruteForce() {
        // Unique int keys (with NULLs, which are not placed and so are no duplicates).
        let unique: [[Value]] = (0..<5000).map { $0 % 9 == 0 ? [.null] : [.int(Int64($0 * 7 - 100))] }
        let probe: [[Value]] = (0..<3000).map { $0 % 13 == 0 ? [.null] : [.int(Int64($0 * 3 - 200))] }
        check(unique, probe, [.int64])
        for (workers, from) in [(1, 1_000_000), (4, 1)] {
            XCTAssertTrue(JoinHashTable(keys: views(unique, [.int64]), count: unique.count, workers: workers, parallelFrom: from).uniqueKeys)
            let twice = unique + [[.int(600)]]   // 600 = 100 * 7 - 100 is there already
            XCTAssertFalse(JoinHashTable(keys: views(twice, [.int64]), count: twice.count, workers: workers, parallelFrom: from).uniqueKeys)
        }
        // Unique two-column keys whose columns repeat on their own.
        let pairs: [[Value]] = (0..<1500).map { [.int(Int64($0 % 50)), .string("k\($0 / 50)")] }
        let pairProbe: [[Value]] = (0..<900).map { [.int(Int64($0 % 60)), $0 % 17 == 0 ? .null : .string("k\($0 % 35)")] }
        check(pairs, pairProbe, [.int64, .text])
        XCTAssertTrue(JoinHashTable(keys: views(pairs, [.int64, .text]), count: pairs.count, workers: 1, parallelFrom: 1_000_000).uniqueKeys)
        let pairsTwice = pairs + [[.int(3), .string("k7")]]
        XCTAssertFalse(JoinHashTable(keys: views(pairsTwice, [.int64, .text]), count: pairsTwice.count, workers: 1, parallelFrom: 1_000_000).uniqueKeys)
    }

    /// One unique int64 key over a narrow range (at most `denseFloor` values or twice the rows)
    /// is placed by key offset and probed with one load per row; keys at either end of Int64,
    /// probe keys below, above and far outside the range, and NULLs on both sides pair exactly
    /// as brute force pairs them. Repeated keys or a wide range keep the hashed layout.
    func testDenseTablesForUniqueKeysOverNarrowRanges() {
        func isDense(_ build: [[Value]]) -> Bool {
            JoinHashTable(keys: views(build, [.int64]), count: build.count, workers: 1, parallelFrom: 1_000_000).isDense
        }
        let edges: [Int64] = [Int64.min, Int64.min + 1, -1, 0, 1, Int64.max - 1, Int64.max]
        let ids: [[Value]] = (0..<5000).map { $0 % 9 == 0 ? [.null] : [.int(Int64(($0 * 7919) % 5000) + 1)] }
        var probe: [[Value]] = (0..<4000).map { $0 % 13 == 0 ? [.null] : [.int(Int64($0 % 5200) - 100)] }
        probe += edges.map { [.int($0)] }
        XCTAssertTrue(isDense(ids))
        check(ids, probe, [.int64])
        let top: [[Value]] = (0..<1000).map { [.int(Int64.max - Int64($0 * 3))] }
        let bottom: [[Value]] = (0..<1000).map { [.int(Int64.min + Int64($0 * 2))] }
        for build in [top, bottom] {
            XCTAssertTrue(isDense(build))
            var near: [[Value]] = edges.map { [.int($0)] }
            for case .int(let x) in build.prefix(50).map({ $0[0] }) { near += [[.int(x)], [.int(x &+ 1)], [.int(x &- 1)]] }
            check(build, near + probe, [.int64])
        }
        XCTAssertTrue(isDense([[.int(42)]]))
        check([[.int(42)]], [[.int(41)], [.int(42)], [.null], [.int(43)]], [.int64])
        let wide: [[Value]] = (0..<3000).map { [.int(Int64($0 * 100))] }   // 300,000 values for 3,000 keys
        XCTAssertFalse(isDense(wide))
        check(wide, (0..<2000).map { [.int(Int64($0 * 150))] }, [.int64])
        let repeated = ids + [[.int(77)]]
        XCTAssertFalse(isDense(repeated))
        XCTAssertFalse(JoinHashTable(keys: views(repeated, [.int64]), count: repeated.count, workers: 1, parallelFrom: 1_000_000).uniqueKeys)
        check(repeated, probe, [.int64])
    }

    func testManyMatchesPerProbeRowOutgrowTheFirstRoom() {
        // 400 build rows per key: the pairs outgrow the room for one per probe row many
        // times over, and the probe goes on where it stopped each time.
        let build: [[Value]] = (0..<2000).map { [.int(Int64($0 % 5))] }
        let probe: [[Value]] = (0..<300).map { $0 % 31 == 0 ? [.null] : [.int(Int64($0 % 7))] }
        check(build, probe, [.int64])
        let text: [[Value]] = (0..<1000).map { [.string($0 % 2 == 0 ? "even" : "odd")] }
        check(text, [[.string("odd")], [.string("none")], [.string("even")]], [.text])
    }

    func testEmptyProbeBatch() {
        let table = JoinHashTable(keys: views([[.int(1)], [.int(2)]], [.int64]), count: 2, workers: 1, parallelFrom: 1_000_000)
        var li: [Int32] = [], ri: [Int32] = []
        table.probe(views([], [.int64]), count: 0, firstOnly: false, li: &li, ri: &ri)
        XCTAssertEqual(li, [])
        XCTAssertEqual(ri, [])
    }

    /// JoinOutput.pairs takes the probe batch's columns as they are when every probe row is
    /// in the pairs once and in order, gathers them otherwise, and always gathers the build's.
    func testPairsReuseTheProbeColumnsOnlyWhenEveryRowMatchedOnce() {
        let left = Batch(columns: [Vector.from([.int(1), .int(2), .int(3)], type: .int64),
                                   Vector.from([.string("a"), .null, .string("ccc")], type: .text)])
        let right = Batch(columns: [Vector.from([.string("x"), .string("yy")], type: .text)])
        let whole = JoinOutput.pairs(left, [0, 1, 2], right, [1, 0, 1])
        XCTAssertTrue(whole.columns[0] === left.columns[0])
        XCTAssertTrue(whole.columns[1] === left.columns[1])
        XCTAssertEqual((0..<3).map { whole.row($0) }, [[.int(1), .string("a"), .string("yy")],
                                                       [.int(2), .null, .string("x")],
                                                       [.int(3), .string("ccc"), .string("yy")]])
        for li: [Int32] in [[0, 0, 1], [0, 2], [1, 1, 2]] {
            let ri = li.map { _ in Int32(0) }
            let out = JoinOutput.pairs(left, li, right, ri)
            XCTAssertFalse(out.columns[0] === left.columns[0])
            XCTAssertEqual((0..<out.count).map { out.row($0) }, li.map { left.row(Int($0)) + [.string("x")] })
        }
        let some = JoinOutput.pairs(left, [0, 1, 2], right, [0, 0, 0], onlyColumns: [1])
        XCTAssertTrue(some.columns[1] === left.columns[1])
        XCTAssertTrue(some.columns[0].isConstant && some.columns[2].isConstant, "columns nobody reads are NULL placeholders")
    }
}
