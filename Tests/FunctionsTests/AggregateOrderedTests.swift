// Tests for string_agg, array_agg and the ordered-set aggregates
// percentile_cont, percentile_disc and mode: arrival order kept per group,
// per-row delimiters, NULL handling, merges through a group mapping,
// interpolation, fractions out of range (22003) and result types.

import XCTest
@testable import Functions
import Columnar

final class AggregateOrderedTests: XCTestCase {
    func testStringAggPerRowDelimiter() throws {
        let d = try AggregateDriver("string_agg", [.varchar(nil), .text])
        XCTAssertEqual(d.resolution.returnType, .text)
        XCTAssertTrue(d.resolution.isOrderSensitive)
        let r = try d.run([
            ([[.string("a"), .string("x"), .string("b")], [.string(","), .string(";"), .string("-")]], [0, 1, 0]),
            ([[.null, .string("c"), .string("y")], [.string("!"), .null, .string("+")]], [0, 0, 1]),
        ], groupCount: 3)
        // Group 0: a, -b, (NULL delimiter) c → "a-bc"; group 1: x, +y → "x+y"; group 2: no rows → NULL.
        XCTAssertEqual(r, [.string("a-bc"), .string("x+y"), .null])
    }

    func testStringAggBytesAndMerge() throws {
        let d = try AggregateDriver("string_agg", [.bytea, .bytea])
        XCTAssertEqual(d.resolution.returnType, .bytea)
        XCTAssertEqual(try d.run([([[.bytes([1]), .bytes([2])], [.bytes([0]), .bytes([0xff])]], [0, 0])], groupCount: 1),
                       [.bytes([1, 0xff, 2])])

        let t = try AggregateDriver("string_agg", [.text, .text])
        let s1 = try t.state([(args: [[.string("a"), .string("b")], [.string(","), .string(",")]], groups: [0, 1])], groupCount: 2)
        let s2 = try t.state([(args: [[.string("c"), .string("d")], [.string("|"), .string("|")]], groups: [0, 1])], groupCount: 2)
        try s1.merge(s2, mapping: [1, 2], groupCount: 3)
        let v = try s1.finish(groupCount: 3)
        XCTAssertEqual((0..<3).map { v.value(at: $0) }, [.string("a"), .string("b|c"), .string("d")])
    }

    func testArrayAggKeepsNullsAndOrder() throws {
        let d = try AggregateDriver("array_agg", [.int32])
        XCTAssertEqual(d.resolution.returnType, .array(.int32))
        let r = try d.run([.int(3), .null, .int(1), .int(2), .int(5)], groups: [0, 0, 1, 0, 1], groupCount: 3)
        XCTAssertEqual(r, [.list([.int(3), .null, .int(2)]), .list([.int(1), .int(5)]), .null])

        let t = try AggregateDriver("array_agg", [.text])
        let s1 = try t.state([(args: [[.string("a"), .string("b")]], groups: [0, 1])], groupCount: 2)
        let s2 = try t.state([(args: [[.string("c"), .null]], groups: [1, 0])], groupCount: 2)
        try s1.merge(s2, mapping: [0, 2], groupCount: 3)
        let v = try s1.finish(groupCount: 3)
        XCTAssertEqual((0..<3).map { v.value(at: $0) }, [.list([.string("a"), .null]), .list([.string("b")]), .list([.string("c")])])
        XCTAssertEqual(try t.run([], groupCount: 1), [.null])
    }

    func testPercentileCont() throws {
        let median = try AggregateDriver("percentile_cont", [.float64], direct: [.double(0.5)])
        XCTAssertEqual(median.resolution.returnType, .float64)
        // Unsorted input, NULL skipped: group 0 {1,2,3,4} → 2.5; group 1 {10} → 10; group 2 empty → NULL.
        let r = try median.run([.double(4), .double(10), .double(1), .null, .double(3), .double(2)],
                               groups: [0, 1, 0, 0, 0, 0], groupCount: 3)
        XCTAssertEqual(r, [.double(2.5), .double(10), .null])
        let p90 = try AggregateDriver("percentile_cont", [.float64], direct: [.double(0.9)])
        let r90 = try p90.run((1...10).map { .double(Double($0)) }, groups: Array(repeating: 0, count: 10), groupCount: 1)
        if case .double(let x) = r90[0] { XCTAssertEqual(x, 9.1, accuracy: 1e-12) } else { XCTFail() }
        // Integer ORDER BY columns are cast to float8 by the binder.
        XCTAssertEqual(try FunctionRegistry.shared.aggregate("percentile_cont")?.resolve([.int32], [.double(0.5)])?.argumentTypes, [.float64])

        let iv = try AggregateDriver("percentile_cont", [.interval], direct: [.double(0.5)])
        XCTAssertEqual(iv.resolution.returnType, .interval)
        XCTAssertEqual(try iv.run([.interval(Interval(days: 1)), .interval(Interval(days: 2))], groups: [0, 0], groupCount: 1),
                       [.interval(Interval(days: 1, micros: 12 * 3_600_000_000))])
    }

    func testPercentileDiscAndFractionErrors() throws {
        let d = try AggregateDriver("percentile_disc", [.text], direct: [.double(0.5)])
        XCTAssertEqual(d.resolution.returnType, .text)
        XCTAssertEqual(try d.run([.string("d"), .string("a"), .string("c"), .string("b")], groups: [0, 0, 0, 0], groupCount: 2),
                       [.string("b"), .null])
        let d0 = try AggregateDriver("percentile_disc", [.int64], direct: [.double(0)])
        XCTAssertEqual(try d0.run([.int(5), .int(3), .int(9)], groups: [0, 0, 0], groupCount: 1), [.int(3)])
        let d1 = try AggregateDriver("percentile_disc", [.int64], direct: [.double(1)])
        XCTAssertEqual(try d1.run([.int(5), .int(3), .int(9)], groups: [0, 0, 0], groupCount: 1), [.int(9)])

        let bad = try AggregateDriver("percentile_cont", [.float64], direct: [.double(1.5)])
        assertThrowsSQLState("22003") { _ = try bad.run([.double(1)], groups: [0], groupCount: 1) }
        let badDisc = try AggregateDriver("percentile_disc", [.int64], direct: [.double(-0.1)])
        assertThrowsSQLState("22003") { _ = try badDisc.run([.int(1)], groups: [0], groupCount: 1) }
        // No rows: NULL, no error (PostgreSQL checks the fraction only when there is input).
        XCTAssertEqual(try bad.run([], groupCount: 1), [.null])
        // NULL fraction → NULL result.
        let nullFraction = try AggregateDriver("percentile_disc", [.int64], direct: [.null])
        XCTAssertEqual(try nullFraction.run([.int(1)], groups: [0], groupCount: 1), [.null])
    }

    func testModeAndMerge() throws {
        let m = try AggregateDriver("mode", [.int32])
        XCTAssertEqual(m.resolution.returnType, .int32)
        // Group 0: 3 appears twice; group 1: tie between 7 and 2 → smallest (first in sort order).
        XCTAssertEqual(try m.run([.int(3), .int(7), .int(1), .int(2), .int(3), .null], groups: [0, 1, 0, 1, 0, 1], groupCount: 3),
                       [.int(3), .int(2), .null])

        let s1 = try m.state([(args: [[.int(5), .int(1)]], groups: [0, 1])], groupCount: 2)
        let s2 = try m.state([(args: [[.int(1), .int(1), .int(8)]], groups: [0, 0, 1])], groupCount: 2)
        try s1.merge(s2, mapping: [0, 2], groupCount: 3)
        let v = try s1.finish(groupCount: 3)
        XCTAssertEqual((0..<3).map { v.value(at: $0) }, [.int(1), .int(1), .int(8)])

        let med = try AggregateDriver("percentile_cont", [.float64], direct: [.double(0.5)])
        let a = try med.state([(args: [[.double(1), .double(100)]], groups: [0, 1])], groupCount: 2)
        let b = try med.state([(args: [[.double(3)]], groups: [0])], groupCount: 1)
        try a.merge(b, mapping: [0], groupCount: 2)
        let mv = try a.finish(groupCount: 2)
        XCTAssertEqual([mv.value(at: 0), mv.value(at: 1)], [.double(2), .double(100)])
    }
}

final class AggregatePercentileArrayTests: XCTestCase {
    func testArrayOfFractions() throws {
        let d = try AggregateDriver("percentile_cont", [.float64], direct: [.list([.double(0), .double(0.5), .null, .double(1)])])
        XCTAssertEqual(d.resolution.returnType, .array(.float64))
        XCTAssertEqual(try d.run([.double(3), .double(1), .double(2), .double(4)], groups: [0, 0, 0, 0], groupCount: 2),
                       [.list([.double(1), .double(2.5), .null, .double(4)]), .null])
        let disc = try AggregateDriver("percentile_disc", [.text], direct: [.list([.double(0.25), .double(0.75)])])
        XCTAssertEqual(disc.resolution.returnType, .array(.text))
        XCTAssertEqual(try disc.run([.string("c"), .string("a"), .string("d"), .string("b")], groups: [0, 0, 0, 0], groupCount: 1),
                       [.list([.string("a"), .string("c")])])
        let bad = try AggregateDriver("percentile_disc", [.int64], direct: [.list([.double(0.5), .double(2)])])
        assertThrowsSQLState("22003") { _ = try bad.run([.int(1)], groups: [0], groupCount: 1) }
    }
}
