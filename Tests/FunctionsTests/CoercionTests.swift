// Tests of PostgreSQL's implicit-cast table, common-type resolution and comparison types.

import XCTest
@testable import Columnar
@testable import Functions

final class CoercionTests: XCTestCase {
    func testImplicitCasts() {
        XCTAssertTrue(Coercion.canImplicitlyCast(from: .int32, to: .int64))
        XCTAssertTrue(Coercion.canImplicitlyCast(from: .int64, to: .decimal(precision: 38, scale: 2)))
        XCTAssertTrue(Coercion.canImplicitlyCast(from: .decimal(precision: 5, scale: 2), to: .float64))
        XCTAssertFalse(Coercion.canImplicitlyCast(from: .float64, to: .decimal(precision: 38, scale: 2)))
        XCTAssertFalse(Coercion.canImplicitlyCast(from: .int64, to: .int32))
        XCTAssertFalse(Coercion.canImplicitlyCast(from: .int32, to: .text))
        XCTAssertTrue(Coercion.canImplicitlyCast(from: .date, to: .timestamptz))
        XCTAssertFalse(Coercion.canImplicitlyCast(from: .timestamptz, to: .timestamp))
        XCTAssertTrue(Coercion.canImplicitlyCast(from: .varchar(3), to: .text))
    }

    func testAssignmentCasts() {
        XCTAssertTrue(Coercion.canAssignmentCast(from: .int64, to: .int32))
        XCTAssertTrue(Coercion.canAssignmentCast(from: .float64, to: .decimal(precision: 5, scale: 2)))
        XCTAssertTrue(Coercion.canAssignmentCast(from: .int32, to: .text))
        XCTAssertTrue(Coercion.canAssignmentCast(from: .timestamptz, to: .date))
        XCTAssertFalse(Coercion.canAssignmentCast(from: .text, to: .int32))
        XCTAssertFalse(Coercion.canAssignmentCast(from: .date, to: .int32))
    }

    func testCommonType() {
        XCTAssertEqual(Coercion.commonType([.int32, .int64], unknownLiterals: []), .int64)
        XCTAssertEqual(Coercion.commonType([.int32, .float64, .int16], unknownLiterals: []), .float64)
        XCTAssertEqual(Coercion.commonType([.int32, .decimal(precision: 5, scale: 2)], unknownLiterals: []), .decimal(precision: 12, scale: 2))
        XCTAssertEqual(Coercion.commonType([.text, .int32], unknownLiterals: [true, false]), .int32)
        XCTAssertEqual(Coercion.commonType([.text, .text], unknownLiterals: [true, true]), .text)
        XCTAssertEqual(Coercion.commonType([.null, .null], unknownLiterals: []), .null)
        XCTAssertEqual(Coercion.commonType([.null, .text], unknownLiterals: [false, true]), .text)
        XCTAssertEqual(Coercion.commonType([.varchar(3), .text], unknownLiterals: [false, true]), .varchar(nil))
        XCTAssertEqual(Coercion.commonType([.varchar(3), .varchar(5)], unknownLiterals: []), .varchar(5))
        XCTAssertNil(Coercion.commonType([.int32, .text], unknownLiterals: []))
        XCTAssertNil(Coercion.commonType([.boolean, .int32], unknownLiterals: []))
        XCTAssertEqual(Coercion.commonType([.varchar(3), .text], unknownLiterals: []), .varchar(nil))
        XCTAssertEqual(Coercion.commonType([.date, .timestamp], unknownLiterals: []), .timestamp)
        XCTAssertEqual(Coercion.commonType([.null, .date], unknownLiterals: []), .date)
        XCTAssertEqual(Coercion.commonType([.float64, .decimal(precision: 5, scale: 1)], unknownLiterals: []), .float64)
    }

    func testComparisonType() {
        XCTAssertEqual(Coercion.comparisonType(.int32, .int64), .int64)
        XCTAssertEqual(Coercion.comparisonType(.int32, .float32), .float64)
        XCTAssertEqual(Coercion.comparisonType(.int32, .text, unknownLiterals: [false, true]), .int32)
        XCTAssertEqual(Coercion.comparisonType(.date, .timestamp), .timestamp)
        XCTAssertEqual(Coercion.comparisonType(.varchar(2), .text), .text)
        XCTAssertNil(Coercion.comparisonType(.int32, .text))
        XCTAssertNil(Coercion.comparisonType(.date, .interval))
        XCTAssertEqual(Coercion.category(.interval), .timespan)
    }
}
