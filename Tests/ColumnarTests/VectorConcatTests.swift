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

    // concatenatedKeepingEncoding: the same rows as concatenated, and the encoding kept only
    // where every part shares it.
    private func values(_ v: Vector) -> [Value] { (0..<v.count).map { v.value(at: $0) } }

    func testKeepingEncodingKeepsOneSharedDictionary() {
        let dictionary = Vector.from([.string("a"), .string("b"), .string("c")], type: .text)
        let p1 = Vector(type: .text, count: 3, storage: .dictionary(indices: [2, 0, 1], values: dictionary))
        let p2 = Vector(type: .text, count: 2, storage: .dictionary(indices: [1, 1], values: dictionary), validity: [false, true])
        let v = Vector.concatenatedKeepingEncoding([p1, p2])
        guard case .dictionary(let indices, let shared) = v.storage else { return XCTFail("expected codes, got \(v.storage)") }
        XCTAssert(shared === dictionary)
        XCTAssertEqual(Array(indices), [2, 0, 1, 1, 1])
        XCTAssertEqual(values(v), [.string("c"), .string("a"), .string("b"), .null, .string("b")])
        XCTAssertEqual(values(v), rowByRow([p1, p2], .text))
    }

    func testKeepingEncodingExpandsDifferentDictionaries() {
        let d1 = Vector.from([.string("a"), .string("b")], type: .text)
        let d2 = Vector.from([.string("a"), .string("b")], type: .text)   // equal, but another chunk's
        let p1 = Vector(type: .text, count: 2, storage: .dictionary(indices: [1, 0], values: d1))
        let p2 = Vector(type: .text, count: 2, storage: .dictionary(indices: [0, 0], values: d2))
        let v = Vector.concatenatedKeepingEncoding([p1, p2])
        if case .dictionary = v.storage { XCTFail("two dictionaries cannot share codes") }
        XCTAssertEqual(values(v), [.string("b"), .string("a"), .string("a"), .string("a")])
        let mixed = Vector.concatenatedKeepingEncoding([p1, Vector.from([.string("z")], type: .text)])
        XCTAssertEqual(values(mixed), [.string("b"), .string("a"), .string("z")])
    }

    func testKeepingEncodingKeepsOnlyEqualConstants() {
        let same = Vector.concatenatedKeepingEncoding([Vector.constant(.int(4), type: .date, count: 2), Vector.constant(.int(4), type: .date, count: 3)])
        guard case .constant(.int(4)) = same.storage else { return XCTFail("expected one constant, got \(same.storage)") }
        XCTAssertEqual(same.count, 5)
        XCTAssertEqual(same.type, .date)
        let different = Vector.concatenatedKeepingEncoding([Vector.constant(.int(4), type: .int64, count: 2), Vector.constant(.int(5), type: .int64, count: 1)])
        if case .constant = different.storage { XCTFail("two values cannot be one constant") }
        XCTAssertEqual(values(different), [.int(4), .int(4), .int(5)])
        let nulls = Vector.concatenatedKeepingEncoding([Vector.nulls(type: .text, count: 2), Vector.nulls(type: .text, count: 2)])
        XCTAssertEqual(nulls.count, 4)
        XCTAssert(nulls.isConstant && nulls.hasNulls)
    }
}
