// Tests for count, sum, avg, min/max/any_value, bool_* and bit_* aggregates:
// grouped input split over two update calls, NULLs, empty input, merges of
// two thread states through a non-trivial group mapping, overflow errors and
// result types. Also holds the small driver the other aggregate tests use.

import XCTest
@testable import Functions
import Columnar

/// Drives one aggregate the way the hash-aggregate operator does.
struct AggregateDriver {
    let resolution: AggregateResolution

    init(_ name: String, _ types: [DataType], direct: [Value] = []) throws {
        guard let f = FunctionRegistry.shared.aggregate(name) else { throw SQLError("42883", "no aggregate \(name)") }
        guard let r = try f.resolve(types, direct) else { throw SQLError("42883", "\(name)\(types) does not resolve") }
        resolution = r
    }

    /// Feeds `batches` (argument values per row, group per row) into a fresh state.
    func state(_ batches: [(args: [[Value]], groups: [Int32])], groupCount: Int) throws -> AggregateState {
        let s = resolution.makeState()
        for b in batches {
            let vectors = b.args.enumerated().map { k, vals in Vector.from(vals, type: resolution.argumentTypes[k]) }
            try b.groups.withUnsafeBufferPointer { g in
                try s.update(groups: g, groupCount: groupCount, arguments: vectors, rowCount: b.groups.count)
            }
        }
        return s
    }

    func run(_ batches: [(args: [[Value]], groups: [Int32])], groupCount: Int) throws -> [Value] {
        let v = try state(batches, groupCount: groupCount).finish(groupCount: groupCount)
        XCTAssertEqual(v.type, resolution.returnType)
        XCTAssertEqual(v.count, groupCount)
        return (0..<v.count).map { v.value(at: $0) }
    }

    /// Single-argument convenience: values with their groups, split into two batches.
    func run(_ values: [Value], groups: [Int32], groupCount: Int) throws -> [Value] {
        let half = values.count / 2
        return try run([([Array(values[..<half])], Array(groups[..<half])),
                        ([Array(values[half...])], Array(groups[half...]))], groupCount: groupCount)
    }
}

func assertThrowsSQLState(_ state: String, _ body: () throws -> Void, file: StaticString = #filePath, line: UInt = #line) {
    do {
        try body()
        XCTFail("expected SQLSTATE \(state)", file: file, line: line)
    } catch let e as SQLError {
        XCTAssertEqual(e.sqlState, state, e.message, file: file, line: line)
    } catch {
        XCTFail("unexpected error \(error)", file: file, line: line)
    }
}

final class AggregateBasicTests: XCTestCase {
    // Three groups interleaved: rows 0..5 → groups 0,1,2,0,1,2.
    let groups: [Int32] = [0, 1, 2, 0, 1, 2]

    func testCountStarAndCount() throws {
        let star = try AggregateDriver("count_star", [])
        let s = try star.state([(args: [], groups: [0, 1, 0]), (args: [], groups: [2, 0])], groupCount: 4)
        let v = try s.finish(groupCount: 4)
        XCTAssertEqual((0..<4).map { v.value(at: $0) }, [.int(3), .int(1), .int(1), .int(0)])

        let count = try AggregateDriver("count", [.text])
        XCTAssertEqual(count.resolution.returnType, .int64)
        let r = try count.run([.string("a"), .null, .string("c"), .null, .null, .string("f")], groups: groups, groupCount: 3)
        XCTAssertEqual(r, [.int(1), .int(0), .int(2)])
        // Ungrouped, no rows: one row with 0.
        XCTAssertEqual(try count.run([], groupCount: 1), [.int(0)])
    }

    func testSumTypesAndNulls() throws {
        let s32 = try AggregateDriver("sum", [.int32])
        XCTAssertEqual(s32.resolution.returnType, .int64)
        XCTAssertEqual(try s32.run([.int(1), .int(2), .null, .int(4), .null, .null], groups: groups, groupCount: 3),
                       [.int(5), .int(2), .null])
        XCTAssertEqual(try s32.run([], groupCount: 1), [.null])

        let s64 = try AggregateDriver("sum", [.int64])
        XCTAssertEqual(s64.resolution.returnType, .decimal(precision: 38, scale: 0))
        // int64 sums past Int64.max stay exact in numeric.
        XCTAssertEqual(try s64.run([.int(Int64.max), .int(1), .int(-3), .int(Int64.max), .int(2), .null], groups: groups, groupCount: 3),
                       [.decimal(Int128(Int64.max) * 2), .decimal(3), .decimal(-3)])

        let sd = try AggregateDriver("sum", [.decimal(precision: 10, scale: 2)])
        XCTAssertEqual(sd.resolution.returnType, .decimal(precision: 38, scale: 2))
        XCTAssertEqual(try sd.run([.decimal(150), .decimal(1), .null, .decimal(-50), .decimal(2), .null], groups: groups, groupCount: 3),
                       [.decimal(100), .decimal(3), .null])

        let sf = try AggregateDriver("sum", [.float32])
        XCTAssertEqual(sf.resolution.returnType, .float32)
        XCTAssertEqual(try sf.run([.double(1.5), .double(2), .double(3), .double(1.5), .null, .null], groups: groups, groupCount: 3),
                       [.double(3), .double(2), .double(3)])

        // sum(real) adds in single precision.
        let tenth = Double(Float(0.1))
        XCTAssertEqual(try sf.run([.double(tenth), .double(tenth), .double(tenth)], groups: [0, 0, 0], groupCount: 1),
                       [.double(Double(Float(0.1) + Float(0.1) + Float(0.1)))])

        let si = try AggregateDriver("sum", [.interval])
        XCTAssertEqual(try si.run([.interval(Interval(months: 1, days: 2, micros: 3)), .null,
                                   .interval(Interval(months: 0, days: 1, micros: 0)), .interval(Interval(months: 1, days: 0, micros: 7)),
                                   .null, .null], groups: groups, groupCount: 3),
                       [.interval(Interval(months: 2, days: 2, micros: 10)), .null, .interval(Interval(months: 0, days: 1, micros: 0))])

        XCTAssertNil(try FunctionRegistry.shared.aggregate("sum")?.resolve([.text], []))
    }

    func testSumOverflow() throws {
        let s16 = try AggregateDriver("sum", [.int16])
        XCTAssertEqual(try s16.run([.int(32767), .int(32767)], groups: [0, 0], groupCount: 1), [.int(65534)])
        let s32 = try AggregateDriver("sum", [.int32])
        // Cannot overflow bigint with int inputs in a test, so drive the Int64 fold directly.
        assertThrowsSQLState("22003") { _ = try SumInt64.combine(Int64.max, 1) }
        _ = s32
        let sd = try AggregateDriver("sum", [.decimal(precision: 38, scale: 0)])
        let big = Value.decimal(AggregateSupport.maxDecimalMantissa)
        assertThrowsSQLState("22003") { _ = try sd.run([big, big], groups: [0, 0], groupCount: 1) }
        // Past 10^38 but back below it before the end is fine, as in numeric.
        let e37 = AggregateSupport.powersOfTen[37]
        XCTAssertEqual(try sd.run([big, .decimal(e37), .decimal(-e37)], groups: [0, 0, 0], groupCount: 1), [big])
        let si = try AggregateDriver("sum", [.interval])
        let huge = Value.interval(Interval(months: Int32.max, days: 0, micros: 0))
        assertThrowsSQLState("22008") { _ = try si.run([huge, huge], groups: [0, 0], groupCount: 1) }
    }

    func testAvg() throws {
        let ai = try AggregateDriver("avg", [.int32])
        XCTAssertEqual(ai.resolution.returnType, .decimal(precision: 38, scale: 16))
        let scale16: Int128 = 10_000_000_000_000_000
        // group 0: 1, 2 → 1.5; group 1: 2, 2, 3 (two batches) → 2.3333333333333333; group 2: none → NULL
        let r = try ai.run([([[.int(1), .int(2), .int(2)]], [0, 1, 1]), ([[.int(2), .int(3), .null]], [0, 1, 2])], groupCount: 3)
        XCTAssertEqual(r, [.decimal(15 * scale16 / 10), .decimal(23_333_333_333_333_333), .null])
        // Rounds half away from zero: -2/3 → -0.6666666666666667
        XCTAssertEqual(try ai.run([.int(-1), .int(-1), .int(0)], groups: [0, 0, 0], groupCount: 1), [.decimal(-6_666_666_666_666_667)])

        let ad = try AggregateDriver("avg", [.decimal(precision: 10, scale: 2)])
        XCTAssertEqual(ad.resolution.returnType, .decimal(precision: 38, scale: 16))
        XCTAssertEqual(try ad.run([.decimal(100), .decimal(200)], groups: [0, 0], groupCount: 1), [.decimal(15 * scale16 / 10)])
        let ad20 = try AggregateDriver("avg", [.decimal(precision: 30, scale: 20)])
        XCTAssertEqual(ad20.resolution.returnType, .decimal(precision: 38, scale: 20))

        let af = try AggregateDriver("avg", [.float64])
        XCTAssertEqual(af.resolution.returnType, .float64)
        XCTAssertEqual(try af.run([.double(1), .double(10), .double(4), .null], groups: [0, 1, 0, 1], groupCount: 2), [.double(2.5), .double(10)])

        let av = try AggregateDriver("avg", [.interval])
        // avg('1 mon', '2 days') = 15 days 1 day = '16 days'? PostgreSQL: (1 mon 2 days)/2 = 16 days
        XCTAssertEqual(try av.run([.interval(Interval(months: 1)), .interval(Interval(days: 2))], groups: [0, 0], groupCount: 1),
                       [.interval(Interval(months: 0, days: 16, micros: 0))])
        // 1 day / 3 = 8 hours
        XCTAssertEqual(try av.run([.interval(Interval(days: 1)), .interval(Interval()), .interval(Interval())], groups: [0, 0, 0], groupCount: 1),
                       [.interval(Interval(micros: 8 * 3_600_000_000))])
        // (2 mons 1 day) / 3 = 20 days 08:00:00, fractional months spilling into days and hours.
        XCTAssertEqual(try av.run([.interval(Interval(months: 1)), .interval(Interval(months: 1, days: 1)), .interval(Interval())],
                                  groups: [0, 0, 0], groupCount: 1),
                       [.interval(Interval(months: 0, days: 20, micros: 8 * 3_600_000_000))])
        XCTAssertEqual(try av.run([], groupCount: 1), [.null])
    }

    func testMinMaxNumericAndTemporal() throws {
        let mn = try AggregateDriver("min", [.int32]), mx = try AggregateDriver("max", [.int32])
        let xs: [Value] = [.int(5), .int(-1), .null, .int(3), .int(7), .null]
        XCTAssertEqual(try mn.run(xs, groups: groups, groupCount: 3), [.int(3), .int(-1), .null])
        XCTAssertEqual(try mx.run(xs, groups: groups, groupCount: 3), [.int(5), .int(7), .null])

        let ts = try AggregateDriver("max", [.timestamptz])
        XCTAssertEqual(ts.resolution.returnType, .timestamptz)
        XCTAssertEqual(try ts.run([.int(100), .int(50)], groups: [0, 0], groupCount: 1), [.int(100)])

        // NaN sorts above every number.
        let fmax = try AggregateDriver("max", [.float64]), fmin = try AggregateDriver("min", [.float64])
        let fs: [Value] = [.double(1), .double(.nan), .double(.infinity), .double(-3)]
        let maxed = try fmax.run(fs, groups: [0, 0, 0, 0], groupCount: 1)
        if case .double(let d) = maxed[0] { XCTAssertTrue(d.isNaN) } else { XCTFail() }
        XCTAssertEqual(try fmin.run(fs, groups: [0, 0, 0, 0], groupCount: 1), [.double(-3)])
        XCTAssertEqual(try fmin.run([.double(.nan), .double(2)], groups: [0, 0], groupCount: 1), [.double(2)])

        let dmax = try AggregateDriver("max", [.decimal(precision: 20, scale: 3)])
        XCTAssertEqual(try dmax.run([.decimal(-5), .decimal(12345678901234567890), .decimal(7)], groups: [0, 0, 1], groupCount: 2),
                       [.decimal(12345678901234567890), .decimal(7)])

        // Intervals compare with 30-day months: 1 mon 1 day > 30 days.
        let imax = try AggregateDriver("max", [.interval])
        XCTAssertEqual(try imax.run([.interval(Interval(days: 30)), .interval(Interval(months: 1, days: 1))], groups: [0, 0], groupCount: 1),
                       [.interval(Interval(months: 1, days: 1))])

        let bmin = try AggregateDriver("min", [.boolean])
        XCTAssertEqual(try bmin.run([.bool(true), .bool(false), .bool(true), .null], groups: [0, 0, 1, 1], groupCount: 2), [.bool(false), .bool(true)])
        XCTAssertNil(try FunctionRegistry.shared.aggregate("max")?.resolve([.json], []))
    }

    func testMinMaxStrings() throws {
        let mn = try AggregateDriver("min", [.text]), mx = try AggregateDriver("max", [.text])
        let xs: [Value] = [.string("pear"), .string("Zebra"), .null, .string("apple"), .string("zebra"), .null]
        // Byte-wise: uppercase sorts before lowercase.
        XCTAssertEqual(try mn.run(xs, groups: groups, groupCount: 3), [.string("apple"), .string("Zebra"), .null])
        XCTAssertEqual(try mx.run(xs, groups: groups, groupCount: 3), [.string("pear"), .string("zebra"), .null])
        // Prefix sorts first; UTF-8 multi-byte above ASCII.
        XCTAssertEqual(try mn.run([.string("ab"), .string("a"), .string("é")], groups: [0, 0, 0], groupCount: 1), [.string("a")])
        XCTAssertEqual(try mx.run([.string("ab"), .string("a"), .string("é")], groups: [0, 0, 0], groupCount: 1), [.string("é")])

        let by = try AggregateDriver("max", [.bytea])
        XCTAssertEqual(try by.run([.bytes([0x01, 0xff]), .bytes([0x02]), .bytes([0x01])], groups: [0, 0, 0], groupCount: 1), [.bytes([0x02])])
        let uu = try AggregateDriver("min", [.uuid])
        XCTAssertEqual(uu.resolution.returnType, .uuid)
        XCTAssertEqual(try uu.run([.bytes(Array(repeating: 9, count: 16)), .bytes(Array(repeating: 3, count: 16))], groups: [0, 0], groupCount: 1),
                       [.bytes(Array(repeating: 3, count: 16))])
    }

    func testStringMinCompactsArena() throws {
        // Descending values make min replace every row; the arena must stay bounded and correct.
        let mn = try AggregateDriver("min", [.text])
        let s = mn.resolution.makeState()
        for batch in 0..<20 {
            let vals = (0..<1000).map { Value.string(String(repeating: "x", count: 50) + String(900_000 - batch * 1000 - $0)) }
            let v = Vector.from(vals, type: .text)
            let g = [Int32](repeating: 0, count: 1000).enumerated().map { Int32($0.offset % 3) }
            try g.withUnsafeBufferPointer { try s.update(groups: $0, groupCount: 3, arguments: [v], rowCount: 1000) }
        }
        let out = try s.finish(groupCount: 3)
        XCTAssertEqual(out.value(at: 0), .string(String(repeating: "x", count: 50) + "880001"))
        XCTAssertEqual(out.value(at: 1), .string(String(repeating: "x", count: 50) + "880003"))
        XCTAssertEqual(out.value(at: 2), .string(String(repeating: "x", count: 50) + "880002"))
        if let ps = s as? StringPickState { XCTAssertLessThan(ps.arena.count, 200_000) } else { XCTFail() }
    }

    func testAnyValue() throws {
        let av = try AggregateDriver("any_value", [.text])
        XCTAssertEqual(try av.run([.null, .string("b"), .string("c"), .string("d")], groups: [0, 0, 1, 1], groupCount: 3),
                       [.string("b"), .string("c"), .null])
        let ai = try AggregateDriver("any_value", [.int64])
        XCTAssertEqual(try ai.run([.null, .int(4), .int(5)], groups: [0, 0, 0], groupCount: 1), [.int(4)])
    }

    func testBoolAndBitAggregates() throws {
        let band = try AggregateDriver("bool_and", [.boolean]), bor = try AggregateDriver("bool_or", [.boolean])
        let every = try AggregateDriver("every", [.boolean])
        let xs: [Value] = [.bool(true), .bool(false), .null, .bool(true), .bool(false), .null]
        XCTAssertEqual(try band.run(xs, groups: groups, groupCount: 3), [.bool(true), .bool(false), .null])
        XCTAssertEqual(try every.run(xs, groups: groups, groupCount: 3), [.bool(true), .bool(false), .null])
        XCTAssertEqual(try bor.run([.bool(false), .bool(true), .bool(false)], groups: [0, 0, 1], groupCount: 2), [.bool(true), .bool(false)])

        let and16 = try AggregateDriver("bit_and", [.int16])
        XCTAssertEqual(and16.resolution.returnType, .int16)
        XCTAssertEqual(try and16.run([.int(0b1110), .int(0b0111), .null], groups: [0, 0, 1], groupCount: 2), [.int(0b0110), .null])
        let or64 = try AggregateDriver("bit_or", [.int64]), xor32 = try AggregateDriver("bit_xor", [.int32])
        XCTAssertEqual(try or64.run([.int(1), .int(4), .null, .int(-8)], groups: [0, 0, 0, 1], groupCount: 2), [.int(5), .int(-8)])
        XCTAssertEqual(try xor32.run([.int(6), .int(3), .int(5)], groups: [0, 0, 0], groupCount: 1), [.int(0)])
        XCTAssertNil(try FunctionRegistry.shared.aggregate("bit_and")?.resolve([.float64], []))
    }

    /// Two thread states; the second state's groups map 0→2, 1→0, 2→3 in the first.
    func testMergeWithMapping() throws {
        let mapping: [Int32] = [2, 0, 3]
        func merged(_ d: AggregateDriver, _ a: [Value], _ ga: [Int32], _ b: [Value], _ gb: [Int32]) throws -> [Value] {
            let s1 = try d.state([(args: [a], groups: ga)], groupCount: 3)
            let s2 = try d.state([(args: [b], groups: gb)], groupCount: 3)
            try s1.merge(s2, mapping: mapping, groupCount: 4)
            let v = try s1.finish(groupCount: 4)
            return (0..<4).map { v.value(at: $0) }
        }
        let a: [Value] = [.int(1), .int(2), .int(3)], ga: [Int32] = [0, 1, 2]
        let b: [Value] = [.int(10), .int(20), .null, .int(40)], gb: [Int32] = [0, 1, 2, 0]
        XCTAssertEqual(try merged(AggregateDriver("count", [.int32]), a, ga, b, gb), [.int(2), .int(1), .int(3), .int(0)])
        XCTAssertEqual(try merged(AggregateDriver("sum", [.int32]), a, ga, b, gb), [.int(21), .int(2), .int(53), .null])
        XCTAssertEqual(try merged(AggregateDriver("min", [.int32]), a, ga, b, gb), [.int(1), .int(2), .int(3), .null])
        XCTAssertEqual(try merged(AggregateDriver("max", [.int32]), a, ga, b, gb), [.int(20), .int(2), .int(40), .null])
        XCTAssertEqual(try merged(AggregateDriver("sum", [.int64]), a, ga, b, gb), [.decimal(21), .decimal(2), .decimal(53), .null])
        let avg = try merged(AggregateDriver("avg", [.int32]), a, ga, b, gb)
        XCTAssertEqual(avg[2], .decimal(Int128(53) * 10_000_000_000_000_000 / 3 + 1))  // 17.6666666666666667 rounds up
        XCTAssertEqual(avg[0], .decimal(105_000_000_000_000_000))
        let s: [Value] = [.string("m"), .string("b"), .string("q")]
        let t: [Value] = [.string("z"), .string("a"), .null, .string("c")]
        XCTAssertEqual(try merged(AggregateDriver("max", [.text]), s, ga, t, gb), [.string("m"), .string("b"), .string("z"), .null])
        XCTAssertEqual(try merged(AggregateDriver("min", [.text]), s, ga, t, gb), [.string("a"), .string("b"), .string("c"), .null])
        XCTAssertEqual(try merged(AggregateDriver("any_value", [.text]), s, ga, t, gb), [.string("m"), .string("b"), .string("q"), .null])

        // Merging a different kind of state is an internal error, not a crash.
        let c = try AggregateDriver("count", [.int32]).resolution.makeState()
        let m = try AggregateDriver("max", [.int32]).resolution.makeState()
        assertThrowsSQLState("XX000") { try c.merge(m, mapping: [], groupCount: 1) }
    }

    func testConstantAndDictionaryInputs() throws {
        let sum = try AggregateDriver("sum", [.int32])
        let st = sum.resolution.makeState()
        let groups: [Int32] = [0, 1, 0]
        try groups.withUnsafeBufferPointer { g in
            try st.update(groups: g, groupCount: 2, arguments: [Vector.constant(.int(7), type: .int32, count: 3)], rowCount: 3)
            try st.update(groups: g, groupCount: 2, arguments: [Vector.nulls(type: .int32, count: 3)], rowCount: 3)
            let dict = Vector(type: .int32, count: 3, storage: .dictionary(indices: [1, 0, 1], values: Vector.from([.int(100), .int(5)], type: .int32)))
            try st.update(groups: g, groupCount: 2, arguments: [dict], rowCount: 3)
        }
        let v = try st.finish(groupCount: 2)
        XCTAssertEqual([v.value(at: 0), v.value(at: 1)], [.int(24), .int(107)])
    }
}

final class AggregateContractTests: XCTestCase {
    func testBadGroupIdsAreErrors() throws {
        let s = try AggregateDriver("sum", [.int32]).resolution.makeState()
        let v = Vector.from([.int(1), .int(2)], type: .int32)
        let groups: [Int32] = [0, 5]
        assertThrowsSQLState("XX000") {
            try groups.withUnsafeBufferPointer { try s.update(groups: $0, groupCount: 2, arguments: [v], rowCount: 2) }
        }
        assertThrowsSQLState("XX000") {
            try groups.withUnsafeBufferPointer { try s.update(groups: $0, groupCount: 6, arguments: [], rowCount: 2) }
        }
    }

    func testRegistryNames() {
        let names = Set(FunctionRegistry.shared.aggregateNames)
        for n in ["count_star", "count", "sum", "avg", "min", "max", "any_value", "stddev", "stddev_samp", "stddev_pop",
                  "variance", "var_samp", "var_pop", "corr", "covar_pop", "covar_samp", "regr_slope", "regr_intercept",
                  "regr_count", "regr_r2", "regr_avgx", "regr_avgy", "regr_sxx", "regr_syy", "regr_sxy", "bool_and",
                  "bool_or", "every", "bit_and", "bit_or", "bit_xor", "string_agg", "array_agg", "percentile_cont",
                  "percentile_disc", "mode", "approx_count_distinct"] {
            XCTAssertTrue(names.contains(n), n)
        }
    }
}
