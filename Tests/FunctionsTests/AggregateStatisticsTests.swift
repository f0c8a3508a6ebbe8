// Tests for variance/stddev and the two-argument regression aggregates:
// known values, sample vs population NULL rules, pairs with a NULL side
// skipped, decimal results for integer input, and Chan-style merges that
// must equal feeding all rows into one state.

import XCTest
@testable import Functions
import Columnar

final class AggregateStatisticsTests: XCTestCase {
    func double(_ v: Value, file: StaticString = #filePath, line: UInt = #line) -> Double {
        if case .double(let d) = v { return d }
        XCTFail("not a double: \(v)", file: file, line: line)
        return .nan
    }

    func testVarianceFloat() throws {
        let xs: [Value] = [.double(1), .double(10), .double(2), .null, .double(3), .double(5), .double(4), .null]
        let gs: [Int32] = [0, 1, 0, 1, 0, 2, 0, 2]
        let samp = try AggregateDriver("var_samp", [.float64]).run(xs, groups: gs, groupCount: 3)
        XCTAssertEqual(samp, [.double(1.6666666666666667), .null, .null])
        let pop = try AggregateDriver("var_pop", [.float64]).run(xs, groups: gs, groupCount: 3)
        XCTAssertEqual(pop, [.double(1.25), .double(0), .double(0)])
        let sd = try AggregateDriver("stddev", [.float32]).run(xs, groups: gs, groupCount: 3)
        XCTAssertEqual(double(sd[0]), 1.2909944487358056, accuracy: 1e-15)
        XCTAssertEqual(sd[1], .null)
        let sdp = try AggregateDriver("stddev_pop", [.float64]).run(xs, groups: gs, groupCount: 3)
        XCTAssertEqual(double(sdp[0]), 1.118033988749895, accuracy: 1e-15)
        XCTAssertEqual(try AggregateDriver("variance", [.float64]).run([], groupCount: 1), [.null])
        XCTAssertEqual(try AggregateDriver("var_pop", [.float64]).run([], groupCount: 1), [.null])
    }

    func testVarianceIntegerAndDecimalGiveNumeric() throws {
        let d = try AggregateDriver("var_samp", [.int32])
        XCTAssertEqual(d.resolution.returnType, .decimal(precision: 38, scale: 16))
        XCTAssertEqual(try d.run([.int(1), .int(2), .int(3), .int(4)], groups: [0, 0, 0, 0], groupCount: 1),
                       [.decimal(16_666_666_666_666_667)])
        let p = try AggregateDriver("var_pop", [.int64])
        XCTAssertEqual(try p.run([.int(1), .int(2), .int(3), .int(4)], groups: [0, 0, 0, 0], groupCount: 1),
                       [.decimal(12_500_000_000_000_000)])
        // numeric(10,2) input: 1.00, 2.00, 3.00 → var_samp 1
        let n = try AggregateDriver("variance", [.decimal(precision: 10, scale: 2)])
        XCTAssertEqual(try n.run([.decimal(100), .decimal(200), .decimal(300)], groups: [0, 0, 0], groupCount: 1),
                       [.decimal(10_000_000_000_000_000)])
        // Values too large for 38 digits at scale 16 raise 22003 rather than wrapping.
        let big = try AggregateDriver("var_pop", [.int64])
        assertThrowsSQLState("22003") { _ = try big.run([.int(-4_000_000_000_000_000_000), .int(4_000_000_000_000_000_000)], groups: [0, 0], groupCount: 1) }
    }

    func testVarianceIsStableForLargeOffsets() throws {
        // Naive sum-of-squares loses everything here; Welford keeps it.
        let base = 1e9
        let xs: [Value] = [4, 7, 13, 16].map { .double(base + $0) }
        let r = try AggregateDriver("var_samp", [.float64]).run(xs, groups: [0, 0, 0, 0], groupCount: 1)
        XCTAssertEqual(double(r[0]), 30, accuracy: 1e-6)
    }

    func testVarianceMergeEqualsSingleState() throws {
        let d = try AggregateDriver("var_samp", [.float64])
        let a: [Value] = [.double(1), .double(2), .double(100)], ga: [Int32] = [0, 0, 1]
        let b: [Value] = [.double(3), .double(4), .double(5)], gb: [Int32] = [1, 1, 0]
        let s1 = try d.state([(args: [a], groups: ga)], groupCount: 2)
        let s2 = try d.state([(args: [b], groups: gb)], groupCount: 2)
        // s2's group 1 → s1's group 0 and s2's group 0 → new group 2.
        try s1.merge(s2, mapping: [2, 0], groupCount: 3)
        let v = try s1.finish(groupCount: 3)
        XCTAssertEqual(double(v.value(at: 0)), 1.6666666666666667, accuracy: 1e-14) // 1,2,3,4
        XCTAssertEqual(v.value(at: 1), .null)  // only 100
        XCTAssertEqual(v.value(at: 2), .null)  // only 5
    }

    func testRegressionFamily() throws {
        // (y, x): (2,1) (4,2) (6,3) (9,4); a pair with NULL y is skipped.
        let ys: [Value] = [.double(2), .double(4), .double(6), .double(9), .null]
        let xs: [Value] = [.double(1), .double(2), .double(3), .double(4), .double(5)]
        let g: [Int32] = [0, 0, 0, 0, 0]
        func run(_ name: String) throws -> Value {
            let d = try AggregateDriver(name, [.float64, .float64])
            return try d.run([([Array(ys[..<2]), Array(xs[..<2])], Array(g[..<2])),
                              ([Array(ys[2...]), Array(xs[2...])], Array(g[2...]))], groupCount: 1)[0]
        }
        XCTAssertEqual(try run("regr_count"), .int(4))
        let expected: [(String, Double)] = [
            ("regr_avgx", 2.5), ("regr_avgy", 5.25), ("regr_sxx", 5), ("regr_syy", 26.75), ("regr_sxy", 11.5),
            ("covar_pop", 2.875), ("covar_samp", 3.8333333333333335), ("corr", 0.9943767126843689),
            ("regr_slope", 2.3), ("regr_intercept", -0.5), ("regr_r2", 0.9887850467289719),
        ]
        for (name, value) in expected {
            XCTAssertEqual(double(try run(name)), value, accuracy: 1e-12, name)
        }
    }

    func testRegressionNullRules() throws {
        // Single pair: covar_samp NULL, covar_pop 0; constant x: slope/corr NULL; constant y: r2 = 1.
        let one = try AggregateDriver("covar_samp", [.float64, .float64])
        XCTAssertEqual(try one.run([([[.double(1)], [.double(2)]], [0])], groupCount: 2), [.null, .null])
        let pop = try AggregateDriver("covar_pop", [.float64, .float64])
        XCTAssertEqual(try pop.run([([[.double(1)], [.double(2)]], [0])], groupCount: 1), [.double(0)])
        let slope = try AggregateDriver("regr_slope", [.float64, .float64])
        XCTAssertEqual(try slope.run([([[.double(1), .double(2)], [.double(3), .double(3)]], [0, 0])], groupCount: 1), [.null])
        let r2 = try AggregateDriver("regr_r2", [.float64, .float64])
        XCTAssertEqual(try r2.run([([[.double(5), .double(5)], [.double(1), .double(3)]], [0, 0])], groupCount: 1), [.double(1)])
        let count = try AggregateDriver("regr_count", [.float64, .float64])
        XCTAssertEqual(try count.run([([[.null, .double(1)], [.double(1), .null]], [0, 0])], groupCount: 1), [.int(0)])
    }

    func testRegressionMerge() throws {
        let d = try AggregateDriver("regr_slope", [.float64, .float64])
        let s1 = try d.state([(args: [[.double(2), .double(4)], [.double(1), .double(2)]], groups: [1, 1])], groupCount: 2)
        let s2 = try d.state([(args: [[.double(6), .double(9)], [.double(3), .double(4)]], groups: [0, 0])], groupCount: 1)
        try s1.merge(s2, mapping: [1], groupCount: 2)
        let v = try s1.finish(groupCount: 2)
        XCTAssertEqual(v.value(at: 0), .null)
        XCTAssertEqual(double(v.value(at: 1)), 2.3, accuracy: 1e-12)
        XCTAssertEqual(try FunctionRegistry.shared.aggregate("corr")?.resolve([.text, .float64], [])?.returnType, nil)
    }
}
