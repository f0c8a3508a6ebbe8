// DISTINCT aggregates deduplicate their (group, argument) pairs in hash
// partitions on all cores, a chunk of rows at a time (PartitionedDistinct;
// lowered here to 40,000 rows): the results must be the ones computed here
// from the rows, on one thread and on two, over inputs of several chunks — NULL arguments and NULL group keys,
// text and integer arguments, FILTER, two DISTINCT calls, an order-sensitive
// call (string_agg keeps first-seen order), an ordered one, grouping sets.

import XCTest
import Columnar
@testable import Engine
@testable import Execution

final class PartitionedDistinctTests: XCTestCase {
    /// 150,000 rows: g = i % 7 (NULL when i % 101 == 0), x = (i * 7919) % 20011 (NULL when i % 13 == 0),
    /// s = 'v' || (i % 37).
    private let n = 150_000
    private var savedChunkRows = 0

    override func setUp() {
        super.setUp()
        savedChunkRows = HashAggregateOperator.distinctChunkRows
        HashAggregateOperator.distinctChunkRows = 40_000
    }

    override func tearDown() {
        HashAggregateOperator.distinctChunkRows = savedChunkRows
        super.tearDown()
    }
    private func g(_ i: Int) -> Int? { i % 101 == 0 ? nil : i % 7 }
    private func x(_ i: Int) -> Int? { i % 13 == 0 ? nil : (i * 7919) % 20011 }
    private func sv(_ i: Int) -> String { "v\(i % 37)" }

    private func session() throws -> Session {
        let session = try Database().connect()
        _ = try session.execute("""
            CREATE TABLE t AS SELECT i,
                   CASE WHEN i % 101 = 0 THEN NULL ELSE i % 7 END AS g,
                   CASE WHEN i % 13 = 0 THEN NULL ELSE (i * 7919) % 20011 END AS x,
                   'v' || (i % 37) AS s
            FROM generate_series(0, \(n - 1)) AS r(i)
            """).allRows()
        return session
    }

    private func text(_ rows: [[Value]]) -> [String] { rows.map { $0.map { "\($0)" }.joined(separator: "|") } }

    /// The query's rows on one thread and on two must both equal `expected` (rendered as text).
    private func check(_ s: Session, _ sql: String, _ expected: [[Value]], file: StaticString = #filePath, line: UInt = #line) throws {
        for threads in [1, 2] {
            _ = try s.execute("SET threads = \(threads)").allRows()
            XCTAssertEqual(text(try s.execute(sql).allRows()), text(expected), "\(sql) threads \(threads)", file: file, line: line)
        }
    }

    func testCountsAndSumsOfDistinctValuesPerGroup() throws {
        let s = try session()
        var xs: [Int?: Set<Int>] = [:], ss: [Int?: Set<String>] = [:], odd: [Int?: Set<Int>] = [:]
        for i in 0..<n {
            if let v = x(i) { xs[g(i), default: []].insert(v); if i % 2 == 1 { odd[g(i), default: []].insert(v) } }
            ss[g(i), default: []].insert(sv(i))
        }
        let keys: [Int?] = (0..<7).map { $0 } + [nil]
        let expected: [[Value]] = keys.map { k in
            [k.map { .int(Int64($0)) } ?? .null, .int(Int64(xs[k]?.count ?? 0)), .int(Int64(xs[k]?.reduce(0, +) ?? 0)),
             .int(Int64(ss[k]?.count ?? 0)), .int(Int64(odd[k]?.count ?? 0))]
        }
        try check(s, """
            SELECT g, count(DISTINCT x), sum(DISTINCT x), count(DISTINCT s), count(DISTINCT x) FILTER (WHERE i % 2 = 1)
            FROM t GROUP BY g ORDER BY g NULLS LAST
            """, expected)
        // Without GROUP BY: one group.
        let all = Set((0..<n).compactMap(x))
        try check(s, "SELECT count(DISTINCT x), count(*) FROM t", [[.int(Int64(all.count)), .int(Int64(n))]])
    }

    func testOrderSensitiveAndOrderedCallsSeeFirstOccurrencesInInputOrder() throws {
        let s = try session()
        // string_agg(DISTINCT s) without ORDER BY keeps the first occurrence of each value, in input
        // order; the input is a generate_series table read in order on one thread, so check there.
        _ = try s.execute("SET threads = 1").allRows()
        var seen: [Int: [String]] = [:]
        for i in 0..<n where g(i) != nil && !(seen[g(i)!]?.contains(sv(i)) ?? false) { seen[g(i)!, default: []].append(sv(i)) }
        let firstSeen = try s.execute("SELECT g, string_agg(DISTINCT s, ',') FROM t WHERE g IS NOT NULL GROUP BY g ORDER BY g").allRows()
        XCTAssertEqual(text(firstSeen), (0..<7).map { "int(\($0))|string(\"\(seen[$0]!.joined(separator: ","))\")" })
        // With ORDER BY inside the call: sorted distinct values.
        let sorted: [[Value]] = (0..<7).map { k in [.int(Int64(k)), .string(Array(Set(seen[k]!)).sorted().joined(separator: ","))] }
        try check(s, "SELECT g, string_agg(DISTINCT s, ',' ORDER BY s) FROM t WHERE g IS NOT NULL GROUP BY g ORDER BY g", sorted)
    }

    func testGroupingSetsEachDeduplicateOnTheirOwn() throws {
        let s = try session()
        var perG: [Int?: Set<Int>] = [:]
        var total = Set<Int>()
        for i in 0..<n { if let v = x(i) { perG[g(i), default: []].insert(v); total.insert(v) } }
        var expected: [[Value]] = ([0, 1, 2, 3, 4, 5, 6] as [Int?] + [nil]).map { k in
            [k.map { .int(Int64($0)) } ?? .null, .int(0), .int(Int64(perG[k]?.count ?? 0))]
        }
        expected.append([.null, .int(1), .int(Int64(total.count))])
        try check(s, """
            SELECT g, grouping(g), count(DISTINCT x) FROM t GROUP BY ROLLUP (g) ORDER BY grouping(g), g NULLS LAST
            """, expected)
    }
    /// One integer argument is deduplicated packed with its group id into one int64 while both
    /// fit (group ids below 2^15, arguments in [-2^47, 2^47 - 1), NULL its own value); the first
    /// chunk that does not fit rebuilds the tables as pairs, and the first occurrences found
    /// before, across and after that switch are exactly those a set of pairs gives.
    /// A numeric argument (its unscaled value) packs the same way, its wide value past Int64.
    /// Chunks of 40,000 rows on two threads are partitioned by two slices at once. Chunks handed
    /// over in pieces give back the same pairs as packed keys.
    func testPackedPairsAndTheSwitchToPairsKeepFirstOccurrences() {
        checkPackedPairs(.int64, wide: Int128(Int64.max)) { .int(Int64($0)) }
        checkPackedPairs(.decimal(precision: 38, scale: 3), wide: Int128(Int64.max) * 10) { .decimal($0) }
    }

    private func checkPackedPairs(_ type: DataType, wide: Int128, _ value: (Int128) -> Value) {
        var g = SplitMix(state: 5)
        let edges: [Int128?] = [nil, -(1 << 47), (1 << 47) - 2, -1, 0, 1]
        for (workers, chunkRows) in [(1, 3_000), (2, 20_000), (2, 40_000)] {
            let distinct = PartitionedDistinct(argumentTypes: [type], workers: workers)
            // The same chunks handed over as three pieces each (a DISTINCT call's pending batches).
            let byPieces = PartitionedDistinct(argumentTypes: [type], workers: workers)
            var seen = Set<[Int128?]>()
            for chunk in 0..<8 {
                // Chunk 5 holds an argument past the packed range; chunk 6 a group id past it.
                var gids = ContiguousArray<Int32>(), xs: [Int128?] = []
                for i in 0..<chunkRows {
                    gids.append(Int32(g.below(chunk == 6 && i == 17 ? 40_000 : 5)))
                    var x: Int128? = Int128(g.below(900)) - 450
                    if i % 97 == 0 { x = edges[g.below(edges.count)] }
                    if chunk == 5 && i == 1_000 { x = wide }
                    xs.append(x)
                }
                let argument = Vector.from(xs.map { $0.map(value) ?? .null }, type: type)
                let kept = distinct.firstOccurrences(groupIds: gids, arguments: [argument])
                var expected: [Int32] = []
                for i in 0..<chunkRows where seen.insert([Int128(gids[i]), xs[i]]).inserted { expected.append(Int32(i)) }
                XCTAssertEqual(kept, expected, "\(type) workers \(workers) chunk \(chunk)")
                XCTAssertEqual(distinct.packed, chunk < 5, "\(type): packed until chunk 5")
                XCTAssertEqual(distinct.count, seen.count)
                // In pieces: the kept pairs come back as keys, in row order, while every piece
                // packs; a chunk with one that does not gets nil and goes the concatenated way.
                let cuts = [0, chunkRows / 7, chunkRows / 2 + 3, chunkRows]
                let pieces = (0..<3).map { k in
                    (groupIds: ContiguousArray(gids[cuts[k]..<cuts[k + 1]]),
                     argument: argument.gather((cuts[k]..<cuts[k + 1]).map(Int32.init)))
                }
                if let (ids, values) = byPieces.firstOccurrencesPacked(pieces: pieces) {
                    XCTAssertLessThan(chunk, 5, "\(type): chunk \(chunk) does not pack")
                    XCTAssertEqual(Array(ids), expected.map { gids[Int($0)] }, "\(type) workers \(workers) chunk \(chunk): group ids from the keys")
                    XCTAssertEqual(values.count, expected.count)
                    XCTAssertEqual((0..<values.count).map { values.value(at: $0) }, expected.map { argument.value(at: Int($0)) },
                                   "\(type) workers \(workers) chunk \(chunk): arguments from the keys")
                } else {
                    XCTAssertGreaterThanOrEqual(chunk, 5, "\(type): chunk \(chunk) packs")
                    XCTAssertEqual(byPieces.firstOccurrences(groupIds: gids, arguments: [argument]), expected,
                                   "\(type) workers \(workers) chunk \(chunk), after a piece that does not pack")
                }
                XCTAssertEqual(byPieces.packed, chunk < 5, "\(type) in pieces: packed until chunk 5")
            }
        }
    }

    /// Packing without NULLs (one vectorised pass) lists exactly the rows that do not fit — an
    /// id of 2^15 or more, a value outside [-2^47, 2^47 - 1) — and packs the others as the
    /// NULL-aware pass (the same rows with one NULL) does.
    func testPackingWithoutNullsFindsEveryMisfit() {
        var g = SplitMix(state: 3)
        for misfitRows in [[], [0], [17, 999], [1_023]] {
            var ids = ContiguousArray<Int32>(), xs = ContiguousArray<Int64>()
            for i in 0..<1_024 {
                ids.append(Int32(g.below(1 << 15)))
                xs.append(Int64(g.below(1 << 20)) - (1 << 19))
                if i == 5 { xs[i] = -(1 << 47) }                 // the smallest value that fits
                if i == 6 { xs[i] = (1 << 47) - 2 }              // the largest
                if misfitRows.contains(i) {
                    switch i % 3 {
                    case 0: ids[i] = 1 << 15
                    case 1: xs[i] = (1 << 47) - 1                // the NULL marker itself
                    default: xs[i] = -(1 << 47) - 1
                    }
                }
            }
            let plain = Vector(type: .int64, count: xs.count, storage: .int64(xs))
            let (keys, misfits) = PackedIntPair.pack(ids: ids, KeyView(plain), count: xs.count)
            XCTAssertEqual(misfits, misfitRows, "misfits \(misfitRows)")
            // The same rows, row 3 NULL, through the NULL-aware pass: a NULL fits.
            var validity = ContiguousArray(repeating: true, count: xs.count)
            validity[3] = false
            let withNull = Vector(type: .int64, count: xs.count, storage: .int64(xs), validity: validity)
            let (keysAware, misfitsAware) = PackedIntPair.pack(ids: ids, KeyView(withNull), count: xs.count)
            XCTAssertEqual(misfitsAware, misfitRows)
            XCTAssertEqual(keysAware[3], Int64(ids[3]) << 48 | PackedIntPair.null, "the NULL's key")
            for i in 0..<xs.count where !misfitRows.contains(i) && i != 3 {
                XCTAssertEqual(keys[i], keysAware[i], "row \(i)")
                XCTAssertEqual(keys[i] >> 48, Int64(ids[i]), "row \(i): id")
                XCTAssertEqual((keys[i] << 16) >> 16, xs[i], "row \(i): value")
            }
        }
    }

    /// The set of packed keys marks exactly the rows whose key it had not held: duplicates
    /// within one call (only the first place marked), keys from earlier calls, 0 and the
    /// largest packed key, and growth in the middle of a call (from a 16-slot start).
    func testPackedKeySetMarksFirstOccurrencesAcrossGrowth() {
        var g = SplitMix(state: 9)
        let set = PackedKeySet(capacity: 4)
        var seen = Set<Int64>()
        let largest = Int64((1 << 15) - 1) << 48 | 0xFFFF_FFFF_FFFF
        for call in 0..<6 {
            let n = [5, 300, 4_000, 1, 20_000, 777][call]
            var keys: [Int64] = (0..<n).map { _ in Int64(g.below(1 << 15)) << 48 | Int64(g.below(n * 2)) }
            if call == 2 { keys[0] = 0; keys[1] = largest; keys[n - 1] = largest }
            let rows = (0..<n).map { Int32(n - 1 - $0) }          // marks land in reverse
            var mark = [Bool](repeating: false, count: n)
            keys.withUnsafeBufferPointer { k in
                rows.withUnsafeBufferPointer { r in
                    mark.withUnsafeMutableBufferPointer { set.insert(k, rows: r, marking: $0) }
                }
            }
            var expected = [Bool](repeating: false, count: n)
            for k in 0..<n where seen.insert(keys[k]).inserted { expected[Int(rows[k])] = true }
            XCTAssertEqual(mark, expected, "call \(call)")
            XCTAssertEqual(set.count, seen.count, "call \(call)")
            XCTAssertEqual(Set(set.keys), seen, "call \(call)")
        }
    }

    struct SplitMix {
        var state: UInt64
        mutating func below(_ n: Int) -> Int {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return Int((z ^ (z >> 31)) % UInt64(n))
        }
    }
}
