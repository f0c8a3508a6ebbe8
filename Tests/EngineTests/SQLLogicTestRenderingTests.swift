// Tests for the sqllogictest value rendering rules, one rule at a time,
// and for sorting and the hash form.

import XCTest
import Columnar
@testable import SQLLogicTest

final class SQLLogicTestRenderingTests: XCTestCase {
    private func render(_ values: [Value], _ type: DataType, _ kind: SLTColumnKind) -> [String] {
        var out: [String] = []
        SLTValueRenderer.render(Vector.from(values, type: type), kind: kind, options: .init(), into: &out)
        return out
    }

    func testNullIsNULLForEveryKind() {
        XCTAssertEqual(render([.null, .int(1)], .int32, .integer), ["NULL", "1"])
        XCTAssertEqual(render([.null], .float64, .real), ["NULL"])
        XCTAssertEqual(render([.null, .string("x")], .text, .text), ["NULL", "x"])
        XCTAssertEqual(render([.null], .boolean, .text), ["NULL"])
        XCTAssertEqual(SLTValueRenderer.render(.null, type: .date, kind: .text, options: .init()), "NULL")
    }

    func testIntegerColumn() {
        XCTAssertEqual(render([.int(-12), .int(0), .int(Int64.max)], .int64, .integer), ["-12", "0", "9223372036854775807"])
        XCTAssertEqual(render([.bool(true), .bool(false)], .boolean, .integer), ["1", "0"])
        // Integral floats print as integers; anything else falls to the R rule.
        XCTAssertEqual(render([.double(3.0), .double(-2.0), .double(2.5), .double(.nan)], .float64, .integer),
                       ["3", "-2", "2.500", "NaN"])
        XCTAssertEqual(render([.double(1e20), .double(-0.0)], .float64, .integer), ["100000000000000000000", "0"])
        // Decimals: 3.00 is integral, 1.50 is not.
        XCTAssertEqual(render([.decimal(300), .decimal(150), .decimal(-1200)], .decimal(precision: 10, scale: 2), .integer),
                       ["3", "1.500", "-12"])
    }

    func testRealColumn() {
        XCTAssertEqual(render([.double(2.5), .double(-1.0 / 3), .double(7), .double(1e20)], .float64, .real),
                       ["2.500", "-0.333", "7.000", "100000000000000000000.000"])
        XCTAssertEqual(render([.int(7), .int(-3)], .int32, .real), ["7.000", "-3.000"])
        XCTAssertEqual(render([.bool(true), .bool(false)], .boolean, .real), ["1.000", "0.000"])
        XCTAssertEqual(render([.decimal(-12345)], .decimal(precision: 10, scale: 4), .real), ["-1.234"])
        XCTAssertEqual(render([.decimal(15)], .decimal(precision: 5, scale: 1), .real), ["1.500"])
    }

    func testRealRoundsTheExactBinaryValueHalfEven() {
        // 0.0625 is exact in binary: a true tie, rounded to even.
        XCTAssertEqual(SLTValueRenderer.formatReal(0.0625), "0.062")
        XCTAssertEqual(SLTValueRenderer.formatReal(0.1875), "0.188")
        // 1.0005 is stored as 1.000499999…, so it rounds down.
        XCTAssertEqual(SLTValueRenderer.formatReal(1.0005), "1.000")
        XCTAssertEqual(SLTValueRenderer.formatReal(2.675), "2.675")
    }

    func testRealZeroNaNAndInfinity() {
        XCTAssertEqual(render([.double(-0.0), .double(0.0)], .float64, .real), ["0.000", "0.000"])
        // Only exact zero loses its sign (as in the reference runner).
        XCTAssertEqual(SLTValueRenderer.formatReal(-0.0001), "-0.000")
        XCTAssertEqual(render([.double(.nan), .double(.infinity), .double(-.infinity)], .float64, .real),
                       ["NaN", "Infinity", "-Infinity"])
    }

    func testTextColumn() {
        XCTAssertEqual(render([.bool(true), .bool(false)], .boolean, .text), ["true", "false"])
        XCTAssertEqual(render([.int(42), .int(-1)], .int64, .text), ["42", "-1"])
        XCTAssertEqual(render([.string("hello world"), .string("Ünïcödé")], .text, .text), ["hello world", "Ünïcödé"])
        XCTAssertEqual(render([.string("abc")], .varchar(nil), .integer), ["abc"])
    }

    func testEmptyAndControlCharacters() {
        XCTAssertEqual(render([.string(""), .string("a\tb\nc\r"), .string("\u{1}x\u{1f} ")], .text, .text),
                       ["(empty)", "a@b@c@", "@x@ "])
        XCTAssertEqual(SLTValueRenderer.clean(""), "(empty)")
        XCTAssertEqual(SLTValueRenderer.clean("plain"), "plain")
    }

    func testConstantAndDictionaryVectors() {
        var out: [String] = []
        SLTValueRenderer.render(.constant(.int(5), type: .int32, count: 3), kind: .integer, options: .init(), into: &out)
        SLTValueRenderer.render(.nulls(type: .text, count: 2), kind: .text, options: .init(), into: &out)
        let dict = Vector(type: .text, count: 3,
                          storage: .dictionary(indices: [1, 0, 1], values: .from([.string("a"), .string("")], type: .text)))
        SLTValueRenderer.render(dict, kind: .text, options: .init(), into: &out)
        XCTAssertEqual(out, ["5", "5", "5", "NULL", "NULL", "(empty)", "a", "(empty)"])
    }

    func testRowsortComparesValuesByBytes() {
        // Rows: ("9","b"), ("10","a"), ("NULL","c"), ("10","B"), ("a","z")
        let values = ["9", "b", "10", "a", "NULL", "c", "10", "B", "a", "z"]
        XCTAssertEqual(SLTResultCheck.sorted(values, width: 2, mode: .rowsort),
                       ["10", "B", "10", "a", "9", "b", "NULL", "c", "a", "z"])
        // strcmp order: a prefix sorts first; multi-byte UTF-8 after ASCII.
        XCTAssertEqual(SLTResultCheck.sorted(["ab", "é", "a", "z"], width: 1, mode: .rowsort), ["a", "ab", "z", "é"])
        XCTAssertEqual(SLTResultCheck.sorted(values, width: 2, mode: .nosort), values)
    }

    func testValuesortSortsEveryValue() {
        XCTAssertEqual(SLTResultCheck.sorted(["3", "1", "20", "2"], width: 2, mode: .valuesort), ["1", "2", "20", "3"])
        let query = SLTQuery(columns: [.integer, .integer], sortMode: .valuesort, label: nil,
                             expected: .lines(["1\t2", "20", "3"]))
        XCTAssertTrue(SLTResultCheck.check(values: ["3", "1", "20", "2"], query: query).passed)
    }

    func testHashOfValues() {
        XCTAssertEqual(SLTResultCheck.hash(["1", "2", "3"]), "c0710d6b4f15dfa88f600b0e6b624077")
        XCTAssertEqual(SLTResultCheck.hash([]), "d41d8cd98f00b204e9800998ecf8427e")
        let query = SLTQuery(columns: [.integer], sortMode: .rowsort, label: nil,
                             expected: .hash(count: 3, md5: "c0710d6b4f15dfa88f600b0e6b624077"))
        // Hashing happens after sorting.
        XCTAssertTrue(SLTResultCheck.check(values: ["3", "1", "2"], query: query).passed)
        let wrongCount = SLTQuery(columns: [.integer], sortMode: .rowsort, label: nil,
                                  expected: .hash(count: 4, md5: "c0710d6b4f15dfa88f600b0e6b624077"))
        let result = SLTResultCheck.check(values: ["3", "1", "2"], query: wrongCount)
        XCTAssertFalse(result.passed)
        XCTAssertEqual(result.got, "3 values hashing to c0710d6b4f15dfa88f600b0e6b624077")
    }

    func testRowComparisonIsExact() {
        let query = SLTQuery(columns: [.integer, .text], sortMode: .nosort, label: nil, expected: .lines(["1\tx", "2\ty"]))
        XCTAssertTrue(SLTResultCheck.check(values: ["1", "x", "2", "y"], query: query).passed)
        XCTAssertFalse(SLTResultCheck.check(values: ["2", "y", "1", "x"], query: query).passed)
        let failed = SLTResultCheck.check(values: ["1", "x", "2", "z"], query: query)
        XCTAssertFalse(failed.passed)
        XCTAssertEqual(failed.got, "1\tx\n2\tz")
        XCTAssertFalse(SLTResultCheck.check(values: ["1", "x"], query: query).passed)
        XCTAssertEqual(SLTResultCheck.check(values: [], query: query).got, "(no rows)")
    }
}
