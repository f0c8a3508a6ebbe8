// Checks the pre-specialised fold paths (foldRows / growFoldSlots / mergeFoldSlots behind
// FoldState, and the string min/max state) against a plain reference computed over Values:
// NULL rows, groups that never see a row, and two partial states with different group
// numberings merged through a mapping, over several batches so the slot arrays grow.

import XCTest
@testable import Functions
import Columnar

final class AggregateFoldSpecialisationTests: XCTestCase {
    /// Deterministic generator (SplitMix64) so a failure reproduces.
    struct Mix {
        var s: UInt64
        mutating func next() -> UInt64 {
            s &+= 0x9E37_79B9_7F4A_7C15
            var z = s
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    }

    enum Op { case min, max, sum, first }

    /// Reference fold over the rows in the order the driver sees them (partial A, then partial B).
    func reference(_ op: Op, _ rows: [(Value, Int)], groupCount: Int, less: (Value, Value) -> Bool,
                   add: (Value, Value) -> Value) -> [Value] {
        var out = [Value](repeating: .null, count: groupCount)
        for (v, g) in rows where v != .null {
            if out[g] == .null { out[g] = v; continue }
            switch op {
            case .min: if less(v, out[g]) { out[g] = v }
            case .max: if less(out[g], v) { out[g] = v }
            case .sum: out[g] = add(out[g], v)
            case .first: break
            }
        }
        return out
    }

    /// Feeds partial A (final group ids, three batches) and partial B (its own numbering,
    /// two batches), merges B into A and compares with the reference.
    func check(_ name: String, _ type: DataType, _ op: Op, seed: UInt64, make: (inout Mix) -> Value,
               less: @escaping (Value, Value) -> Bool, add: @escaping (Value, Value) -> Value = { a, _ in a },
               result: (Value) -> Value = { $0 }, file: StaticString = #filePath, line: UInt = #line) throws {
        var rng = Mix(s: seed)
        let groupCount = 37  // groups 35, 36 never receive a row
        let d = try AggregateDriver(name, [type])
        func batch(_ n: Int, groups: Int) -> (args: [[Value]], groups: [Int32]) {
            var vals: [Value] = [], gs: [Int32] = []
            for _ in 0..<n {
                vals.append(rng.below(5) == 0 ? .null : make(&rng))
                gs.append(Int32(rng.below(groups)))
            }
            return ([vals], gs)
        }
        // A grows its group count batch by batch, like the hash aggregate discovering groups.
        let a = [batch(50, groups: 5), batch(200, groups: 20), batch(300, groups: 35)]
        let b = [batch(120, groups: 12), batch(250, groups: 30)]
        let sa = d.resolution.makeState()
        for (k, bt) in a.enumerated() {
            let vectors = [Vector.from(bt.args[0], type: type)]
            let gc = [5, 20, 35][k]
            try bt.groups.withUnsafeBufferPointer { try sa.update(groups: $0, groupCount: gc, arguments: vectors, rowCount: bt.groups.count) }
        }
        let sb = try d.state(b, groupCount: 30)
        // B's local group j is final group (j * 7 + 3) % 35: a permutation of 0..<35 restricted to 30 ids.
        let mapping = (0..<30).map { Int32(($0 * 7 + 3) % 35) }
        try sa.merge(sb, mapping: mapping, groupCount: groupCount)
        let v = try sa.finish(groupCount: groupCount)
        let got = (0..<groupCount).map { v.value(at: $0) }

        var rows: [(Value, Int)] = []
        for bt in a { for (x, g) in zip(bt.args[0], bt.groups) { rows.append((x, Int(g))) } }
        for bt in b { for (x, g) in zip(bt.args[0], bt.groups) { rows.append((x, Int(mapping[Int(g)]))) } }
        let want = reference(op, rows, groupCount: groupCount, less: less, add: add).map { $0 == .null ? $0 : result($0) }
        XCTAssertEqual(got, want, "\(name)(\(type))", file: file, line: line)
        XCTAssertEqual(got[35], .null, file: file, line: line)
        XCTAssertEqual(got[36], .null, file: file, line: line)
    }

    func int(_ v: Value) -> Int64 { if case .int(let x) = v { return x }; return 0 }
    func dbl(_ v: Value) -> Double { if case .double(let x) = v { return x }; return 0 }
    func dec(_ v: Value) -> Int128 { if case .decimal(let x) = v { return x }; return 0 }
    func str(_ v: Value) -> String { if case .string(let x) = v { return x }; return "" }

    func testInt64FoldsMatchReference() throws {
        let make: (inout Mix) -> Value = { .int(Int64($0.below(2_000_001)) - 1_000_000) }
        let less: (Value, Value) -> Bool = { self.int($0) < self.int($1) }
        try check("min", .int64, .min, seed: 1, make: make, less: less)
        try check("max", .int64, .max, seed: 2, make: make, less: less)
        try check("any_value", .int64, .first, seed: 3, make: make, less: less)
        // sum(bigint) is numeric in PostgreSQL.
        try check("sum", .int64, .sum, seed: 4, make: make, less: less,
                  add: { .int(self.int($0) + self.int($1)) }, result: { .decimal(Int128(self.int($0))) })
    }

    func testDoubleFoldsMatchReference() throws {
        // Integral values keep the reference sum exact whatever the addition order.
        let make: (inout Mix) -> Value = { .double(Double($0.below(20_001)) - 10_000) }
        let less: (Value, Value) -> Bool = { self.dbl($0) < self.dbl($1) }
        try check("min", .float64, .min, seed: 5, make: make, less: less)
        try check("max", .float64, .max, seed: 6, make: make, less: less)
        try check("sum", .float64, .sum, seed: 7, make: make, less: less, add: { .double(self.dbl($0) + self.dbl($1)) })
    }

    func testDecimalFoldsMatchReference() throws {
        let t = DataType.decimal(precision: 18, scale: 2)
        let make: (inout Mix) -> Value = { .decimal(Int128($0.next() % 10_000_000_000) - 5_000_000_000) }
        let less: (Value, Value) -> Bool = { self.dec($0) < self.dec($1) }
        try check("min", t, .min, seed: 8, make: make, less: less)
        try check("max", t, .max, seed: 9, make: make, less: less)
        try check("any_value", t, .first, seed: 10, make: make, less: less)
        // sum(numeric) runs through DecimalSumState, whose merge walks raw buffers too.
        try check("sum", t, .sum, seed: 13, make: make, less: less, add: { .decimal(self.dec($0) + self.dec($1)) })
    }

    func testStringMinMaxMatchReference() throws {
        let letters = Array("abcxyz")
        let make: (inout Mix) -> Value = { r in
            .string(String((0..<(r.below(6))).map { _ in letters[r.below(letters.count)] }))
        }
        // text min/max compare bytes (C collation).
        let less: (Value, Value) -> Bool = { Array(self.str($0).utf8).lexicographicallyPrecedes(Array(self.str($1).utf8)) }
        try check("min", .text, .min, seed: 11, make: make, less: less)
        try check("max", .text, .max, seed: 12, make: make, less: less)
    }

    func testMergeIntoEmptyStateAndOfEmptyPartial() throws {
        let d = try AggregateDriver("max", [.int64])
        let empty = d.resolution.makeState()
        let full = try d.state([(args: [[.int(4), .null, .int(9)]], groups: [0, 1, 0])], groupCount: 2)
        // An empty partial merged in changes nothing; merged into an empty state it is copied.
        try full.merge(d.resolution.makeState(), mapping: [], groupCount: 3)
        try empty.merge(full, mapping: [1, 0, 2], groupCount: 3)
        let v = try empty.finish(groupCount: 3)
        XCTAssertEqual((0..<3).map { v.value(at: $0) }, [.null, .int(9), .null])
    }
    /// count(*) and count(x) over few groups take the interleaved counters; they must agree with
    /// a plain count for every split of rows (multiples of 4 and not), group counts at and past
    /// the limit, and batches that grow the group count.
    func testCountWithFewGroupsAgreesWithAPlainCount() throws {
        var mix = Mix(s: 7)
        let limit = CountState.interleavedGroupLimit
        for groupCount in [1, 2, 6, limit, limit + 1] {
            for rows in [63, 64, 65, 66, 67, 2048] {
                let star = CountState(countsNulls: true), column = CountState(countsNulls: false)
                var expectedStar = [Int64](repeating: 0, count: groupCount), expectedColumn = expectedStar
                for batch in 0..<2 {
                    let groupsNow = batch == 0 ? max(1, groupCount / 2) : groupCount
                    let groups = (0..<rows).map { _ in Int32(mix.below(groupsNow)) }
                    let valid = (0..<rows).map { _ in mix.below(5) != 0 }
                    let x = Vector(type: .int64, count: rows, storage: .int64(ContiguousArray((0..<rows).map(Int64.init))),
                                   validity: ContiguousArray(valid))
                    try groups.withUnsafeBufferPointer { g in
                        try star.update(groups: g, groupCount: groupsNow, arguments: [], rowCount: rows)
                        try column.update(groups: g, groupCount: groupsNow, arguments: [x], rowCount: rows)
                    }
                    for (i, g) in groups.enumerated() {
                        expectedStar[Int(g)] += 1
                        if valid[i] { expectedColumn[Int(g)] += 1 }
                    }
                }
                let a = try star.finish(groupCount: groupCount), b = try column.finish(groupCount: groupCount)
                XCTAssertEqual((0..<groupCount).map { a.value(at: $0) }, expectedStar.map { .int($0) }, "\(groupCount) groups, \(rows) rows")
                XCTAssertEqual((0..<groupCount).map { b.value(at: $0) }, expectedColumn.map { .int($0) }, "\(groupCount) groups, \(rows) rows")
            }
        }
    }
}
