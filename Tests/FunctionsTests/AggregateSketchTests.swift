// Tests for approx_count_distinct: exact answers for small groups, accuracy
// of the HyperLogLog estimate for large ones, equal SQL values hashing equal,
// NULLs ignored, and merges of sparse and dense states through a mapping.

import XCTest
@testable import Functions
import Columnar

final class AggregateSketchTests: XCTestCase {
    func feed(_ s: AggregateState, _ values: [Value], type: DataType, groups: [Int32], groupCount: Int) throws {
        let v = Vector.from(values, type: type)
        try groups.withUnsafeBufferPointer { try s.update(groups: $0, groupCount: groupCount, arguments: [v], rowCount: values.count) }
    }

    func testSmallCardinalitiesAreExact() throws {
        let d = try AggregateDriver("approx_count_distinct", [.text])
        XCTAssertEqual(d.resolution.returnType, .int64)
        let vals: [Value] = [.string("a"), .string("b"), .string("a"), .null, .string("c"), .string("b")]
        XCTAssertEqual(try d.run(vals, groups: [0, 0, 0, 0, 1, 1], groupCount: 3), [.int(2), .int(2), .int(0)])

        let ints = try AggregateDriver("approx_count_distinct", [.int64])
        let s = ints.resolution.makeState()
        for round in 0..<5 {
            let values = (0..<999).map { Value.int(Int64($0)) }
            try feed(s, values, type: .int64, groups: (0..<999).map { _ in Int32(round % 2) }, groupCount: 2)
        }
        let v = try s.finish(groupCount: 2)
        XCTAssertEqual(v.value(at: 0), .int(999))
        XCTAssertEqual(v.value(at: 1), .int(999))
    }

    func testEqualValuesHashEqual() throws {
        let f = try AggregateDriver("approx_count_distinct", [.float64])
        XCTAssertEqual(try f.run([.double(0), .double(-0.0), .double(.nan), .double(-.nan), .double(1)], groups: [0, 0, 0, 0, 0], groupCount: 1),
                       [.int(3)])
        let i = try AggregateDriver("approx_count_distinct", [.interval])
        XCTAssertEqual(try i.run([.interval(Interval(months: 1)), .interval(Interval(days: 30)), .interval(Interval(days: 31))],
                                 groups: [0, 0, 0], groupCount: 1), [.int(2)])
        // Strings of every length around the 8/16-byte hash boundaries stay distinct.
        let t = try AggregateDriver("approx_count_distinct", [.text])
        let strs = (0..<40).map { Value.string(String(repeating: "a", count: $0)) }
        XCTAssertEqual(try t.run(strs + strs, groups: Array(repeating: 0, count: 80), groupCount: 1), [.int(40)])
    }

    func testLargeCardinalityWithinTwoPercent() throws {
        let d = try AggregateDriver("approx_count_distinct", [.int64])
        let s = d.resolution.makeState()
        // Group 0 gets 200 000 distinct values, group 1 gets 20 000 (each twice).
        var next: Int64 = 0
        for _ in 0..<100 {
            var vals: [Value] = [], gs: [Int32] = []
            for _ in 0..<2000 { vals.append(.int(next * 7919)); gs.append(0); next += 1 }
            try feed(s, vals, type: .int64, groups: gs, groupCount: 2)
        }
        for _ in 0..<2 {
            for b in 0..<10 {
                let vals = (0..<2000).map { Value.int(Int64(-(b * 2000 + $0) - 1)) }
                try feed(s, vals, type: .int64, groups: Array(repeating: 1, count: 2000), groupCount: 2)
            }
        }
        let v = try s.finish(groupCount: 2)
        guard case .int(let big) = v.value(at: 0), case .int(let small) = v.value(at: 1) else { return XCTFail() }
        XCTAssertEqual(Double(big), 200_000, accuracy: 200_000 * 0.02)
        XCTAssertEqual(Double(small), 20_000, accuracy: 20_000 * 0.02)
    }

    func testMergeSparseAndDense() throws {
        let d = try AggregateDriver("approx_count_distinct", [.int64])
        let a = d.resolution.makeState(), b = d.resolution.makeState()
        // a: group 0 dense (70 000 values 0..<70000, past the compaction point), group 1 sparse {1, 2, 3}.
        try feed(a, (0..<70_000).map { .int(Int64($0)) }, type: .int64, groups: Array(repeating: 0, count: 70_000), groupCount: 2)
        try feed(a, [.int(1), .int(2), .int(3)], type: .int64, groups: [1, 1, 1], groupCount: 2)
        // b: group 0 sparse {3, 4}, group 1 dense (values 35 000..<105 000).
        try feed(b, [.int(3), .int(4)], type: .int64, groups: [0, 0], groupCount: 2)
        try feed(b, (35_000..<105_000).map { .int(Int64($0)) }, type: .int64, groups: Array(repeating: 1, count: 70_000), groupCount: 2)
        if let sa = a as? ApproxDistinctState, let sb = b as? ApproxDistinctState {
            XCTAssertGreaterThanOrEqual(sa.denseSlot[0], 0)
            XCTAssertGreaterThanOrEqual(sb.denseSlot[1], 0)
        } else { XCTFail() }
        // b's 0 → a's 1 (sparse+sparse), b's 1 → a's 0 (dense+dense).
        try a.merge(b, mapping: [1, 0], groupCount: 3)
        let v = try a.finish(groupCount: 3)
        XCTAssertEqual(v.value(at: 1), .int(4))
        guard case .int(let dense) = v.value(at: 0) else { return XCTFail() }
        XCTAssertEqual(Double(dense), 105_000, accuracy: 105_000 * 0.02)
        XCTAssertEqual(v.value(at: 2), .int(0))

        // Sparse group merged into a dense one.
        let c = d.resolution.makeState(), e = d.resolution.makeState()
        try feed(c, (0..<70_000).map { .int(Int64($0)) }, type: .int64, groups: Array(repeating: 0, count: 70_000), groupCount: 1)
        try feed(e, [.int(-1), .int(-2)], type: .int64, groups: [0, 0], groupCount: 1)
        try c.merge(e, mapping: [0], groupCount: 1)
        guard case .int(let n) = try c.finish(groupCount: 1).value(at: 0) else { return XCTFail() }
        XCTAssertEqual(Double(n), 70_002, accuracy: 70_002 * 0.02)
    }
}

final class AggregateSketchAccuracyTests: XCTestCase {
    /// Cardinalities across the sparse, linear-counting and raw-estimate ranges, in one grouped state.
    func testAccuracyAcrossRanges() throws {
        let cardinalities = [10, 4_000, 5_000, 20_000, 45_000, 60_000, 80_000, 150_000, 400_000]
        let d = try AggregateDriver("approx_count_distinct", [.int64])
        let s = d.resolution.makeState()
        var base: Int64 = 1
        for (g, n) in cardinalities.enumerated() {
            var start = 0
            while start < n {
                let count = min(2048, n - start)
                let v = Vector(type: .int64, count: count, storage: .int64(ContiguousArray((0..<count).map { base + Int64(start + $0) })))
                let groups = [Int32](repeating: Int32(g), count: count)
                try groups.withUnsafeBufferPointer { try s.update(groups: $0, groupCount: cardinalities.count, arguments: [v], rowCount: count) }
                start += count
            }
            base += Int64(n) * 3
        }
        let out = try s.finish(groupCount: cardinalities.count)
        for (g, n) in cardinalities.enumerated() {
            guard case .int(let est) = out.value(at: g) else { XCTFail(); continue }
            if n <= ApproxDistinctState.sparseLimit { XCTAssertEqual(est, Int64(n)) }
            XCTAssertEqual(Double(est), Double(n), accuracy: Double(n) * 0.02, "cardinality \(n)")
        }
    }
}
