// IntegerMembershipTest (`=`, `<>`, `[NOT] IN` against integer constants, run
// by a Parquet reader on values where a page stores them) answers as the
// comparison operators do: over stored INT32 and INT64 values at any
// alignment, with one constant, a few and many, and over a vector with NULLs.

import XCTest
@testable import Functions
import Columnar

final class IntegerMembershipTestTests: XCTestCase {
    func testAnswersAgreeOnEveryForm() throws {
        let values: [Int64] = [0, -1, 1, 7, Int64.max, Int64.min, 42, -42, 1 << 40, 7, 123_456_789, -(1 << 31), (1 << 31) - 1]
        let many = (0..<20).map { Int64($0) * 7 - 30 } + [Int64.min, 123_456_789]
        for (constants, negated) in [([Int64(7)], false), ([7], true), ([Int64.min], false), ([-1, 42, 1 << 40], false),
                                     ([-1, 42, 1 << 40], true), ([], false), ([], true), ([7, 7], false), (many, false), (many, true)] {
            let test = IntegerMembershipTest(values: constants, negated: negated)
            let expected = ContiguousArray(values.map { constants.contains($0) != negated })
            // INT64 values one byte off alignment, after answers already there.
            var page = [UInt8](repeating: 0xAB, count: 1)
            for v in values { withUnsafeBytes(of: v.littleEndian) { page.append(contentsOf: $0) } }
            var answers: ContiguousArray<Bool> = [true]
            page.withUnsafeBytes { test.testStored($0.baseAddress! + 1, width: 8, count: values.count, into: &answers) }
            XCTAssertEqual(answers, [true] + expected, "int64 \(constants) \(negated)")
            // The same values as INT32 where they fit, widened by the test.
            let narrow = values.filter { Int64(Int32.min)...Int64(Int32.max) ~= $0 }
            var page32 = [UInt8](repeating: 0, count: 3)
            for v in narrow { withUnsafeBytes(of: Int32(v).littleEndian) { page32.append(contentsOf: $0) } }
            var answers32: ContiguousArray<Bool> = []
            page32.withUnsafeBytes { test.testStored($0.baseAddress! + 3, width: 4, count: narrow.count, into: &answers32) }
            XCTAssertEqual(answers32, ContiguousArray(narrow.map { constants.contains($0) != negated }), "int32 \(constants) \(negated)")
        }
        let v = Vector.from([.int(5), .null, .int(6)], type: .int64)
        let answered = IntegerMembershipTest(values: [5], negated: true).test(v)
        XCTAssertEqual((0..<3).map { answered.value(at: $0) }, [.bool(false), .null, .bool(true)])
        let allNull = IntegerMembershipTest(values: [5], negated: false).test(Vector.from([.null, .null], type: .int32))
        XCTAssertEqual((0..<2).map { allNull.value(at: $0) }, [.null, .null])
        XCTAssertEqual(IntegerMembershipTest(values: [5], negated: false).test(Vector.from([], type: .int64)).count, 0)
    }
}
