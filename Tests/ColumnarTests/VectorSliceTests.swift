// Vector.slice (bulk copies of a contiguous range, VectorSlice.swift) against
// gathering the same rows by index, for every storage form: fixed-width with
// and without NULLs, strings (offsets rebased), dictionaries (codes copied,
// dictionary shared), constants, lists, and the empty, first, last and whole
// ranges.

import Columnar
import XCTest

final class VectorSliceTests: XCTestCase {
    private func assertSlicesLikeGather(_ v: Vector, file: StaticString = #filePath, line: UInt = #line) {
        let n = v.count
        var ranges: [Range<Int>] = [0..<0, 0..<n, 0..<1, (n - 1)..<n, n..<n]
        if n > 3 { ranges += [1..<(n - 1), 2..<3] }
        for r in ranges {
            let s = v.slice(r)
            let g = v.gather(ContiguousArray((Int32(r.lowerBound)..<Int32(r.upperBound))))
            XCTAssertEqual(s.count, r.count, "range \(r)", file: file, line: line)
            XCTAssertEqual(s.type, v.type, file: file, line: line)
            XCTAssertEqual((0..<s.count).map { s.value(at: $0) }, (0..<g.count).map { g.value(at: $0) }, "range \(r)", file: file, line: line)
            XCTAssertEqual(s.hasNulls, g.hasNulls, "range \(r)", file: file, line: line)
        }
    }

    func testFixedWidthStorage() {
        assertSlicesLikeGather(Vector.from([.int(1), .null, .int(3), .int(-4), .null], type: .int64))
        assertSlicesLikeGather(Vector.from([.int(1), .int(2), .int(3), .int(4)], type: .int64))
        assertSlicesLikeGather(Vector.from([.double(1.5), .null, .double(-0.0), .double(9)], type: .float64))
        assertSlicesLikeGather(Vector.from([.bool(true), .bool(false), .null, .bool(true)], type: .boolean))
        assertSlicesLikeGather(Vector.from([.decimal(12345), .null, .decimal(-1), .decimal(0)], type: .decimal(precision: 12, scale: 2)))
        assertSlicesLikeGather(Vector.from([.interval(Interval(months: 1)), .null, .interval(Interval(days: 2, micros: 3)), .interval(Interval())], type: .interval))
    }

    func testStringsAreRebased() {
        let v = Vector.from([.string("alpha"), .string(""), .null, .string("delta"), .string("é")], type: .text)
        assertSlicesLikeGather(v)
        guard case .string(let s) = v.slice(3..<5).storage else { return XCTFail("plain strings stay plain") }
        XCTAssertEqual(Array(s.offsets), [0, 5, 7])
        XCTAssertEqual(s.bytes.count, 7, "only the range's bytes are copied")
    }

    func testDictionaryCodesAreCopiedAndTheDictionaryShared() {
        let dictionary = Vector.from([.string("x"), .null, .string("zz")], type: .text)
        let v = Vector(type: .text, count: 5, storage: .dictionary(indices: [2, 2, 0, 1, 0], values: dictionary),
                       validity: [true, false, true, true, true])
        assertSlicesLikeGather(v)
        guard case .dictionary(let codes, let values) = v.slice(1..<4).storage else { return XCTFail("dictionary stays a dictionary") }
        XCTAssertEqual(Array(codes), [2, 0, 1])
        XCTAssertTrue(values === dictionary)
    }

    /// Several ranges copied in bulk equal a gather of the same rows.
    func testCopyingRangesMatchesGather() {
        let vectors = [
            Vector.from([.int(1), .null, .int(3), .int(-4), .null, .int(6), .int(7)], type: .int64),
            Vector.from([.string("alpha"), .string(""), .null, .string("delta"), .string("é"), .string("f"), .string("gg")], type: .text),
            Vector(type: .text, count: 7, storage: .dictionary(indices: [2, 2, 0, 1, 0, 1, 2], values: Vector.from([.string("x"), .null, .string("zz")], type: .text))),
            Vector.constant(.int(7), type: .int64, count: 7),
            Vector.from([.list([.int(1)]), .null, .list([]), .list([.int(3), .int(4)]), .null, .list([.int(5)]), .list([])], type: .array(.int64)),
        ]
        for v in vectors {
            for ranges in [[0..<2, 3..<4, 5..<7], [1..<1, 2..<6], [6..<7], [0..<7], [Range<Int>]()] {
                let c = v.copyingRanges(ranges)
                let g = v.gather(ContiguousArray(ranges.flatMap { $0 }.map { Int32($0) }))
                XCTAssertEqual(c.count, g.count)
                XCTAssertEqual((0..<c.count).map { c.value(at: $0) }, (0..<g.count).map { g.value(at: $0) }, "\(v.type) \(ranges)")
            }
        }
    }

    func testConstantsAndLists() {
        assertSlicesLikeGather(Vector.constant(.int(7), type: .int64, count: 5))
        assertSlicesLikeGather(Vector.nulls(type: .text, count: 4))
        let list = Vector.from([.list([.int(1), .int(2)]), .null, .list([]), .list([.int(3)])], type: .array(.int64))
        assertSlicesLikeGather(list)
    }

    /// String gathers (StringColumn.gathered): short strings copied 16 bytes at a time past
    /// their end, long ones and the buffer's last bytes by memcpy; repeated, reordered and
    /// empty picks, NULLs.
    func testStringGatherOfShortLongAndLastStrings() {
        let strings: [Value] = (0..<70).map { i in i % 11 == 5 ? .null : .string(String(repeating: "\(i % 10)", count: (i * 7) % 61)) }
        let v = Vector.from(strings, type: .text)
        let picks: [[Int32]] = [[], [69], [68, 69, 0], Array((0..<70).reversed()), (0..<140).map { Int32(($0 * 37) % 70) }, [5, 5, 5]]
        for p in picks {
            let g = v.gather(p)
            XCTAssertEqual((0..<g.count).map { g.value(at: $0) }, p.map { strings[Int($0)] }, "picks \(p)")
        }
    }
}
