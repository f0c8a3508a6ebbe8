// The row comparator behind ORDER BY, window ordering, top-N and ordered
// aggregates sorts by a 64-bit prefix of the first key and compares the
// rest only between equal prefixes. Its order must be exactly the one the
// key semantics give (PostgreSQL: NULLS LAST for ASC and FIRST for DESC
// unless told, NaN above every number, -0 equal to 0, text by bytes,
// intervals by normalised length, ties by row number): checked here against
// a reference sort over the same values, for every key type, with NULLs,
// both directions and several keys, on inputs with many ties and prefixes
// that collide (strings sharing their first 8 bytes, values one bit apart).

import XCTest
import Columnar
@testable import Execution

final class RowComparatorTests: XCTestCase {
    private var state: UInt64 = 0x1234_5678
    private func random(_ n: UInt64) -> UInt64 {
        state = state &* 6364136223846793005 &+ 1442695040888963407
        return (state >> 33) % n
    }

    /// One key: its vector, and a reference comparison of rows i and j's non-NULL values.
    private struct Key {
        let vector: Vector
        let nulls: [Bool]
        let compare: (Int, Int) -> Int
    }

    private func validity(_ nulls: [Bool]) -> ContiguousArray<Bool>? {
        nulls.contains(true) ? ContiguousArray(nulls.map { !$0 }) : nil
    }

    private func ints(_ n: Int, _ nullable: Bool) -> Key {
        // Few distinct values, extremes included, and pairs one apart (the NULL encoding drops a bit).
        let pool: [Int64] = [Int64.min, Int64.min + 1, -3, -2, -1, 0, 1, 2, 3, 1 << 40, (1 << 40) + 1, Int64.max - 1, Int64.max]
        let values = (0..<n).map { _ in pool[Int(random(UInt64(pool.count)))] }
        let nulls = (0..<n).map { _ in nullable && random(5) == 0 }
        return Key(vector: Vector(type: .int64, count: n, storage: .int64(ContiguousArray(values)), validity: validity(nulls)),
                   nulls: nulls, compare: { values[$0] < values[$1] ? -1 : (values[$0] > values[$1] ? 1 : 0) })
    }

    private func doubles(_ n: Int, _ nullable: Bool) -> Key {
        let pool: [Double] = [-.infinity, -1e300, -2.5, -0.0, 0.0, 1e-310, 2.5, 1e300, .infinity, .nan, -.nan]
        let values = (0..<n).map { _ in pool[Int(random(UInt64(pool.count)))] }
        let nulls = (0..<n).map { _ in nullable && random(5) == 0 }
        func cmp(_ a: Double, _ b: Double) -> Int {
            if a.isNaN || b.isNaN { return a.isNaN == b.isNaN ? 0 : (a.isNaN ? 1 : -1) }
            return a < b ? -1 : (a > b ? 1 : 0)
        }
        return Key(vector: Vector(type: .float64, count: n, storage: .float64(ContiguousArray(values)), validity: validity(nulls)),
                   nulls: nulls, compare: { cmp(values[$0], values[$1]) })
    }

    private func decimals(_ n: Int, _ nullable: Bool) -> Key {
        let big = Int128(1) << 100
        let pool: [Int128] = [-big, -big + 1, -1, 0, 1, Int128(Int64.max), Int128(Int64.max) + 1, big, big + 1]
        let values = (0..<n).map { _ in pool[Int(random(UInt64(pool.count)))] }
        let nulls = (0..<n).map { _ in nullable && random(5) == 0 }
        return Key(vector: Vector(type: .decimal(precision: 38, scale: 2), count: n, storage: .int128(ContiguousArray(values)),
                                  validity: validity(nulls)),
                   nulls: nulls, compare: { values[$0] < values[$1] ? -1 : (values[$0] > values[$1] ? 1 : 0) })
    }

    private func texts(_ n: Int, _ nullable: Bool) -> Key {
        // Shared 8-byte prefixes, prefixes of each other, bytes above 0x7F, the empty string.
        let pool = ["", "a", "ab", "abcdefgh", "abcdefgh", "abcdefghi", "abcdefghij", "abcdefgz", "Brand#13", "Brand#13x",
                    "Brand#1", "zzzzzzzzzzzzzzzzzz", "é", "ü", "abcdefgh\u{1}"]
        let values = (0..<n).map { _ in pool[Int(random(UInt64(pool.count)))] }
        let nulls = (0..<n).map { _ in nullable && random(5) == 0 }
        return Key(vector: Vector(type: .text, count: n, storage: .string(StringColumn(values)), validity: validity(nulls)),
                   nulls: nulls, compare: { a, b in
                       let x = Array(values[a].utf8), y = Array(values[b].utf8)
                       return x.lexicographicallyPrecedes(y) ? -1 : (y.lexicographicallyPrecedes(x) ? 1 : 0)
                   })
    }

    private func bools(_ n: Int, _ nullable: Bool) -> Key {
        let values = (0..<n).map { _ in random(2) == 1 }
        let nulls = (0..<n).map { _ in nullable && random(4) == 0 }
        return Key(vector: Vector(type: .boolean, count: n, storage: .bool(ContiguousArray(values)), validity: validity(nulls)),
                   nulls: nulls, compare: { values[$0] == values[$1] ? 0 : (values[$0] ? 1 : -1) })
    }

    private func intervals(_ n: Int, _ nullable: Bool) -> Key {
        // 1 month and 30 days are equal; 1 day and 24 hours too.
        let pool = [Interval(months: 1), Interval(days: 30), Interval(days: 1), Interval(micros: 86_400_000_000),
                    Interval(micros: -1), Interval(), Interval(months: -2, days: 3)]
        let values = (0..<n).map { _ in pool[Int(random(UInt64(pool.count)))] }
        let nulls = (0..<n).map { _ in nullable && random(5) == 0 }
        return Key(vector: Vector(type: .interval, count: n, storage: .interval(ContiguousArray(values)), validity: validity(nulls)),
                   nulls: nulls, compare: { a, b in
                       let x = values[a].comparisonKey, y = values[b].comparisonKey
                       return x < y ? -1 : (x > y ? 1 : 0)
                   })
    }

    /// The comparator's order against a reference insertion-free stable sort of the same keys.
    private func check(_ keys: [Key], _ directions: [(ascending: Bool, nullsFirst: Bool)], count n: Int,
                       file: StaticString = #filePath, line: UInt = #line) {
        func reference(_ i: Int, _ j: Int) -> Int {
            for (k, d) in zip(keys, directions) {
                let ni = k.nulls[i], nj = k.nulls[j]
                if ni || nj {
                    if ni && nj { continue }
                    return ni == d.nullsFirst ? -1 : 1
                }
                let r = k.compare(i, j)
                if r != 0 { return d.ascending ? r : -r }
            }
            return 0
        }
        let expected = (0..<Int32(n)).sorted { a, b in
            let r = reference(Int(a), Int(b))
            return r != 0 ? r < 0 : a < b
        }
        let comparator = RowComparator(vectors: keys.map(\.vector), keys: directions)
        XCTAssertEqual(comparator.sortedIndices(count: n), expected, file: file, line: line)
        for _ in 0..<200 {
            let i = Int(random(UInt64(n))), j = Int(random(UInt64(n)))
            XCTAssertEqual(comparator.compare(i, j).signum(), reference(i, j).signum(), file: file, line: line)
        }
    }

    func testEveryKeyTypeAloneInEveryDirection() {
        let n = 3000
        let directions: [(ascending: Bool, nullsFirst: Bool)] = [(true, false), (true, true), (false, true), (false, false)]
        let makers: [(Int, Bool) -> Key] = [ints, doubles, decimals, texts, bools, intervals]
        for make in makers {
            for nullable in [false, true] {
                let key = make(n, nullable)
                for d in directions { check([key], [d], count: n) }
            }
        }
    }

    func testSeveralKeysWithTiesOnTheLeadingOnes() {
        let n = 4000
        check([ints(n, false), texts(n, true), doubles(n, true)], [(false, true), (true, false), (true, true)], count: n)
        check([texts(n, false), ints(n, true)], [(true, false), (false, false)], count: n)
        check([bools(n, true), decimals(n, false), texts(n, false), intervals(n, true)],
              [(true, true), (false, true), (false, false), (true, false)], count: n)
    }

    func testEmptyAndSingleRowInputs() {
        let empty = Vector(type: .text, count: 0, storage: .string(StringColumn()), validity: nil)
        XCTAssertEqual(RowComparator(vectors: [empty], keys: [(true, false)]).sortedIndices(count: 0), [])
        let one = Vector(type: .int64, count: 1, storage: .int64([7]), validity: nil)
        XCTAssertEqual(RowComparator(vectors: [one], keys: [(false, true)]).sortedIndices(count: 1), [0])
    }
}
