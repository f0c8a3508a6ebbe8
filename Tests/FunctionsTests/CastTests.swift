// Tests of cast kernels (Cast.kernel): numeric range checks and rounding,
// text round trips, datetime conversions, length coercion, NULL handling.

import XCTest
@testable import Columnar
@testable import Functions

func castValues(_ values: [Value], from: DataType, to: DataType, explicit: Bool = true, tz: Int = 0) throws -> [Value] {
    guard let k = Cast.kernel(from: from, to: to, explicit: explicit) else {
        throw SQLError(SQLState.cannotCoerce, "cannot cast type \(from) to \(to)")
    }
    let v = Vector.from(values, type: from)
    let out = try k([v], values.count, FunctionContext(timeZoneOffsetSeconds: tz))
    XCTAssertEqual(out.type, to)
    return (0..<out.count).map { out.value(at: $0) }
}

func castOne(_ value: Value, from: DataType, to: DataType, explicit: Bool = true, tz: Int = 0) throws -> Value {
    try castValues([value], from: from, to: to, explicit: explicit, tz: tz)[0]
}

func assertSQLError(_ state: String, _ message: String? = nil, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Any) {
    do {
        let v = try body()
        XCTFail("expected \(state), got \(v)", file: file, line: line)
    } catch let e as SQLError {
        XCTAssertEqual(e.sqlState, state, e.message, file: file, line: line)
        if let message { XCTAssertEqual(e.message, message, file: file, line: line) }
    } catch { XCTFail("\(error)", file: file, line: line) }
}

final class CastTests: XCTestCase {
    func testIntegerNarrowing() throws {
        XCTAssertEqual(try castValues([.int(5), .null, .int(-32768)], from: .int64, to: .int16), [.int(5), .null, .int(-32768)])
        assertSQLError("22003", "smallint out of range") { try castOne(.int(40000), from: .int32, to: .int16) }
        assertSQLError("22003", "integer out of range") { try castOne(.int(1 << 40), from: .int64, to: .int32) }
        // NULL rows never raise even when the placeholder storage would be out of range.
        let v = Vector(type: .int64, count: 2, storage: .int64([1 << 40, 3]), validity: [false, true])
        let out = try Cast.kernel(from: .int64, to: .int32, explicit: true)!([v], 2, FunctionContext())
        XCTAssertEqual(out.value(at: 0), .null)
        XCTAssertEqual(out.value(at: 1), .int(3))
    }

    func testFloatToInteger() throws {
        XCTAssertEqual(try castValues([.double(2.5), .double(3.5), .double(-2.5), .double(2.4)], from: .float64, to: .int32),
                       [.int(2), .int(4), .int(-2), .int(2)])
        assertSQLError("22003", "integer out of range") { try castOne(.double(3e9), from: .float64, to: .int32) }
        assertSQLError("22003") { try castOne(.double(.nan), from: .float64, to: .int64) }
        assertSQLError("22003", "value out of range: overflow") { try castOne(.double(1e300), from: .float64, to: .float32) }
    }

    func testDecimalCasts() throws {
        let d2 = DataType.decimal(precision: 10, scale: 2)
        XCTAssertEqual(try castValues([.decimal(250), .decimal(-250), .decimal(249)], from: d2, to: .int32), [.int(3), .int(-3), .int(2)])
        XCTAssertEqual(try castOne(.decimal(12345), from: d2, to: .decimal(precision: 10, scale: 1)), .decimal(1235))
        XCTAssertEqual(try castOne(.decimal(-12345), from: d2, to: .decimal(precision: 10, scale: 1)), .decimal(-1235))
        XCTAssertEqual(try castOne(.decimal(12345), from: d2, to: .decimal(precision: 10, scale: 4)), .decimal(1234500))
        assertSQLError("22003", "numeric field overflow") { try castOne(.decimal(12345), from: d2, to: .decimal(precision: 4, scale: 2)) }
        XCTAssertEqual(try castOne(.int(7), from: .int32, to: d2), .decimal(700))
        assertSQLError("22003") { try castOne(.int(1000), from: .int32, to: .decimal(precision: 4, scale: 2)) }
        XCTAssertEqual(try castOne(.double(0.1), from: .float64, to: .decimal(precision: 20, scale: 18)), .decimal(100_000_000_000_000_000))
        XCTAssertEqual(try castOne(.double(2.675), from: .float64, to: d2), .decimal(268))
        XCTAssertEqual(try castOne(.decimal(150), from: d2, to: .float64), .double(1.5))
        XCTAssertEqual(try castOne(.decimal(1), from: .decimal(precision: 10, scale: 1), to: .float64), .double(0.1))
    }

    func testTextCasts() throws {
        XCTAssertEqual(try castValues([.bool(true), .bool(false)], from: .boolean, to: .text), [.string("true"), .string("false")])
        XCTAssertEqual(try castValues([.int(-42), .int(0), .null], from: .int32, to: .text), [.string("-42"), .string("0"), .null])
        XCTAssertEqual(try castOne(.double(1e20), from: .float64, to: .text), .string("1e+20"))
        XCTAssertEqual(try castOne(.decimal(150), from: .decimal(precision: 5, scale: 2), to: .text), .string("1.50"))
        XCTAssertEqual(try castOne(.string(" 12 "), from: .text, to: .int32), .int(12))
        assertSQLError("22P02", "invalid input syntax for type integer: \"x\"") { try castOne(.string("x"), from: .text, to: .int32) }
        XCTAssertEqual(try castValues([.null, .string("5")], from: .text, to: .int32), [.null, .int(5)])
        XCTAssertEqual(try castOne(.string("1.5"), from: .varchar(nil), to: .decimal(precision: 5, scale: 1)), .decimal(15))
        XCTAssertEqual(try castOne(.string("yes"), from: .text, to: .boolean), .bool(true))
        XCTAssertEqual(try castOne(.string("2024-03-01"), from: .text, to: .date), .int(Calendar.days(year: 2024, month: 3, day: 1)))
        XCTAssertEqual(try castOne(.int(Calendar.days(year: 2024, month: 3, day: 1)), from: .date, to: .text), .string("2024-03-01"))
        XCTAssertEqual(try castOne(.string("1 day"), from: .text, to: .interval), .interval(Interval(days: 1)))
        XCTAssertEqual(try castOne(.interval(Interval(months: 2)), from: .interval, to: .varchar(nil)), .string("2 mons"))
    }

    func testLengthCoercion() throws {
        XCTAssertEqual(try castOne(.string("héllo"), from: .text, to: .varchar(3), explicit: true), .string("hél"))
        assertSQLError("22001", "value too long for type character varying(3)") {
            try castOne(.string("hello"), from: .text, to: .varchar(3), explicit: false)
        }
        XCTAssertEqual(try castOne(.string("ab   "), from: .text, to: .varchar(3), explicit: false), .string("ab "))
        XCTAssertEqual(try castOne(.string("ab"), from: .text, to: .char(4)), .string("ab  "))
        XCTAssertEqual(try castOne(.string("ab  "), from: .char(4), to: .text), .string("ab"))
        XCTAssertEqual(try castOne(.int(12345), from: .int32, to: .varchar(3)), .string("123"))
    }

    func testDatetimeCasts() throws {
        let d = Calendar.days(year: 2024, month: 3, day: 1)
        let midnight = d * Calendar.microsPerDay
        XCTAssertEqual(try castOne(.int(d), from: .date, to: .timestamp), .int(midnight))
        XCTAssertEqual(try castOne(.int(d), from: .date, to: .timestamptz, tz: 3600), .int(midnight - 3_600_000_000))
        XCTAssertEqual(try castOne(.int(midnight + 5), from: .timestamp, to: .date), .int(d))
        XCTAssertEqual(try castOne(.int(midnight - 5), from: .timestamp, to: .date), .int(d - 1))
        XCTAssertEqual(try castOne(.int(midnight - 1_800_000_000), from: .timestamptz, to: .date, tz: 3600), .int(d))
        XCTAssertEqual(try castOne(.int(midnight + 3_600_000_000), from: .timestamp, to: .time), .int(3_600_000_000))
        XCTAssertEqual(try castOne(.int(midnight), from: .timestamptz, to: .timestamp, tz: -7200), .int(midnight - 7_200_000_000))
        XCTAssertEqual(try castOne(.int(60_000_000), from: .time, to: .interval), .interval(Interval(micros: 60_000_000)))
        XCTAssertEqual(try castOne(.int(midnight), from: .timestamptz, to: .text, tz: 19800), .string("2024-03-01 05:30:00+05:30"))
    }

    func testRelativeDates() throws {
        let d = Calendar.days(year: 2024, month: 3, day: 1)
        let now = d * Calendar.microsPerDay + 23 * 3_600_000_000  // 23:00 UTC
        let ctx = FunctionContext(timeZoneOffsetSeconds: 7200, statementTimestamp: now)
        func cast(_ s: String, _ t: DataType) throws -> Value {
            let k = try XCTUnwrap(Cast.kernel(from: .text, to: t, explicit: true))
            return try k([Vector.from([.string(s)], type: .text)], 1, ctx).value(at: 0)
        }
        XCTAssertEqual(try cast("today", .date), .int(d + 1))  // already March 2 at +02
        XCTAssertEqual(try cast("yesterday", .date), .int(d))
        XCTAssertEqual(try cast("now", .timestamptz), .int(now))
        XCTAssertEqual(try cast("tomorrow", .timestamp), .int((d + 2) * Calendar.microsPerDay))
        XCTAssertThrowsError(try ValueText.parse("today", as: .date))
    }

    func testMissingCastsAndMisc() throws {
        XCTAssertNil(Cast.kernel(from: .date, to: .int32, explicit: true))
        XCTAssertNil(Cast.kernel(from: .int64, to: .boolean, explicit: true))
        XCTAssertNil(Cast.kernel(from: .boolean, to: .date, explicit: true))
        XCTAssertEqual(try castValues([.int(0), .int(3)], from: .int32, to: .boolean), [.bool(false), .bool(true)])
        XCTAssertEqual(try castOne(.bool(true), from: .boolean, to: .int32), .int(1))
        XCTAssertEqual(try castOne(.null, from: .null, to: .int32), .null)
        XCTAssertEqual(try castOne(.list([.int(1), .int(2)]), from: .array(.int32), to: .array(.text)), .list([.string("1"), .string("2")]))
        XCTAssertEqual(try castOne(.string("{1,2}"), from: .text, to: .array(.int64)), .list([.int(1), .int(2)]))
        // Constant vectors cast row by row.
        let k = try XCTUnwrap(Cast.kernel(from: .text, to: .int64, explicit: true))
        let out = try k([Vector.constant(.string("7"), type: .text, count: 3)], 3, FunctionContext())
        XCTAssertEqual(out.value(at: 2), .int(7))
    }
}
