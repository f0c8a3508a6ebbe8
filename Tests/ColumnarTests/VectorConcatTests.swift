// Vector.concatenated (typed bulk copies) against appending every value to a
// VectorBuilder one at a time: plain, dictionary, constant, NULL-holding and
// sliced string parts, and NULL placeholders.

import Columnar
import XCTest

final class VectorConcatTests: XCTestCase {
    private func rowByRow(_ parts: [Vector], _ type: DataType) -> [Value] {
        var b = VectorBuilder(type: type)
        for p in parts { for i in 0..<p.count { b.append(p.value(at: i)) } }
        let v = b.finish()
        return (0..<v.count).map { v.value(at: $0) }
    }

    private func assertConcat(_ parts: [Vector], _ type: DataType, file: StaticString = #filePath, line: UInt = #line) {
        let v = Vector.concatenated(parts, type: type)
        XCTAssertEqual(v.count, parts.reduce(0) { $0 + $1.count }, file: file, line: line)
        XCTAssertEqual((0..<v.count).map { v.value(at: $0) }, rowByRow(parts, type), file: file, line: line)
    }

    func testIntegersFromPlainDictionaryAndConstantParts() {
        let plain = Vector.from([.int(1), .null, .int(3)], type: .int64)
        let dict = Vector(type: .int64, count: 4, storage: .dictionary(indices: [1, 0, 1, 2], values: Vector.from([.int(10), .int(20), .null], type: .int64)))
        let constant = Vector.constant(.int(7), type: .int64, count: 3)
        let nulls = Vector.nulls(type: .int64, count: 2)
        assertConcat([plain, dict, constant, nulls], .int64)
        assertConcat([constant, plain], .int64)
        assertConcat([Vector.from([.int(5)], type: .int64), Vector.from([.int(6)], type: .int64)], .int64)
    }

    func testStringsKeepTheirBytesWhenPartsAreSlices() {
        let s = Vector.from([.string("alpha"), .string(""), .null, .string("delta")], type: .text)
        let slice = s.slice(1..<4)
        let dict = Vector(type: .text, count: 3, storage: .dictionary(indices: [2, 2, 0], values: Vector.from([.string("x"), .null, .string("zz")], type: .text)))
        assertConcat([slice, s, dict, Vector.constant(.string("k"), type: .text, count: 2)], .text)
        assertConcat([Vector.from([], type: .text), slice], .text)
    }

    func testOtherFixedWidthTypes() {
        assertConcat([Vector.from([.double(1.5), .null], type: .float64), Vector.constant(.double(2), type: .float64, count: 2)], .float64)
        assertConcat([Vector.from([.bool(true), .bool(false)], type: .boolean), Vector.nulls(type: .boolean, count: 1)], .boolean)
        assertConcat([Vector.from([.decimal(12345)], type: .decimal(precision: 10, scale: 2)), Vector.from([.null, .decimal(-1)], type: .decimal(precision: 10, scale: 2))], .decimal(precision: 10, scale: 2))
    }

    func testPlaceholdersStayOneConstant() {
        let v = Vector.concatenated([Vector.nulls(type: .text, count: 3), Vector.nulls(type: .text, count: 4)], type: .text)
        XCTAssertEqual(v.count, 7)
        XCTAssertTrue(v.isConstant)
        XCTAssertTrue((0..<7).allSatisfy { v.isNull($0) })
    }
}
