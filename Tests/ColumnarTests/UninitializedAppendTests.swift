// ContiguousArray.appendUninitialized (UninitializedAppend.swift): the new tail
// is exactly the values the closure wrote, after the existing elements, with
// and without spare capacity; a zero count appends nothing (the throwing form
// still runs its fill on an empty buffer); a throwing fill leaves the array
// as it was.

import Columnar
import XCTest

final class UninitializedAppendTests: XCTestCase {
    private struct Failure: Error {}

    func testAppendsWhatTheClosureWrites() {
        for reserved in [0, 3, 10, 1000] {
            var a: ContiguousArray<Int64> = [7, 8]
            a.reserveCapacity(reserved)
            a.appendUninitialized(count: 5) { buf in
                XCTAssertEqual(buf.count, 5)
                for i in 0..<5 { buf[i] = Int64(i * i) }
            }
            XCTAssertEqual(Array(a), [7, 8, 0, 1, 4, 9, 16], "reserved \(reserved)")
            a.appendUninitialized(count: 0) { _ in XCTFail("not called for no elements") }
            XCTAssertEqual(a.count, 7)
        }
        var empty = ContiguousArray<Int32>()
        empty.appendUninitialized(count: 3) { buf in buf.initialize(repeating: -1) }
        XCTAssertEqual(Array(empty), [-1, -1, -1])
        // A shared array is copied first (value semantics), never written through.
        let original: ContiguousArray<Int32> = [1, 2]
        var copy = original
        copy.appendUninitialized(count: 1) { $0[0] = 3 }
        XCTAssertEqual(Array(original), [1, 2])
        XCTAssertEqual(Array(copy), [1, 2, 3])
    }

    func testThrowingFillLeavesTheArrayAsItWas() {
        var a: ContiguousArray<Double> = [1.5]
        XCTAssertThrowsError(try a.appendUninitialized(count: 4, throwing: { buf in
            buf[0] = 9
            throw Failure()
        }))
        XCTAssertEqual(Array(a), [1.5])
        XCTAssertNoThrow(try a.appendUninitialized(count: 2, throwing: { buf in buf[0] = 2; buf[1] = 3 }))
        XCTAssertEqual(Array(a), [1.5, 2, 3])
        // No elements: the fill still runs (on an empty buffer) and may reject its input.
        var calls = 0
        XCTAssertThrowsError(try a.appendUninitialized(count: 0, throwing: { buf in
            calls += 1
            XCTAssertEqual(buf.count, 0)
            throw Failure()
        }))
        XCTAssertEqual(calls, 1)
        XCTAssertEqual(Array(a), [1.5, 2, 3])
    }

    /// `init(mapping:)` equals `map` over contiguous sources (an array, a slice not starting at
    /// 0) and over one without contiguous storage (a range, a lazy filter), empty ones too.
    func testMappingEqualsMap() {
        let rows: ContiguousArray<Int32> = [3, 9, 12, 40, 41, 77]
        XCTAssertEqual(Array(ContiguousArray<Int32>(mapping: rows[2..<5]) { $0 - 12 }), [0, 28, 29])
        XCTAssertEqual(Array(ContiguousArray<Int64>(mapping: rows) { Int64($0) * 3 }), rows.map { Int64($0) * 3 })
        XCTAssertEqual(Array(ContiguousArray<Int>(mapping: 5..<9) { $0 * $0 }), [25, 36, 49, 64])
        XCTAssertEqual(Array(ContiguousArray<Int32>(mapping: rows[3..<3]) { $0 }), [])
        let odd = Array(rows.lazy.filter { $0 % 2 == 1 })
        XCTAssertEqual(Array(ContiguousArray<Bool>(mapping: odd.reversed()) { $0 > 40 }), [true, true, false, false])
    }
}
