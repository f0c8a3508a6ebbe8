// Tests of PostgreSQL text output and input (ValueText.format / ValueText.parse).

import XCTest
@testable import Columnar

final class ValueTextTests: XCTestCase {
    func f(_ v: Value, _ t: DataType, tz: Int = 0) -> String { ValueText.format(v, type: t, options: .init(timeZoneOffsetSeconds: tz)) }

    func assertError(_ text: String, _ t: DataType, _ state: String, _ message: String? = nil, file: StaticString = #filePath, line: UInt = #line) {
        do {
            let v = try ValueText.parse(text, as: t)
            XCTFail("expected error, got \(v)", file: file, line: line)
        } catch let e as SQLError {
            XCTAssertEqual(e.sqlState, state, e.message, file: file, line: line)
            if let message { XCTAssertEqual(e.message, message, file: file, line: line) }
        } catch { XCTFail("\(error)", file: file, line: line) }
    }

    func testFloatOutput() {
        XCTAssertEqual(f(.double(1e20), .float64), "1e+20")
        XCTAssertEqual(f(.double(1.5e-7), .float64), "1.5e-07")
        XCTAssertEqual(f(.double(0.1), .float64), "0.1")
        XCTAssertEqual(f(.double(100000), .float64), "100000")
        XCTAssertEqual(f(.double(1e15), .float64), "1e+15")
        XCTAssertEqual(f(.double(123456789012345), .float64), "123456789012345")
        XCTAssertEqual(f(.double(0.0001), .float64), "0.0001")
        XCTAssertEqual(f(.double(0.00001), .float64), "1e-05")
        XCTAssertEqual(f(.double(-2.5), .float64), "-2.5")
        XCTAssertEqual(f(.double(1.0 / 3.0), .float64), "0.3333333333333333")
        XCTAssertEqual(f(.double(.infinity), .float64), "Infinity")
        XCTAssertEqual(f(.double(-.infinity), .float64), "-Infinity")
        XCTAssertEqual(f(.double(.nan), .float64), "NaN")
        XCTAssertEqual(f(.double(-0.0), .float64), "-0")
        XCTAssertEqual(f(.double(Double(Float(0.1))), .float32), "0.1")
        XCTAssertEqual(f(.double(1e6), .float32), "1e+06")
        XCTAssertEqual(f(.double(123456), .float32), "123456")
        XCTAssertEqual(f(.double(123456789012345678), .float64), "1.2345678901234568e+17")
    }

    func testNumericAndBasicOutput() {
        XCTAssertEqual(f(.decimal(150), .decimal(precision: 10, scale: 2)), "1.50")
        XCTAssertEqual(f(.decimal(-5), .decimal(precision: 10, scale: 3)), "-0.005")
        XCTAssertEqual(f(.decimal(42), .decimal(precision: 10, scale: 0)), "42")
        XCTAssertEqual(f(.bool(true), .boolean), "t")
        XCTAssertEqual(f(.bool(false), .boolean), "f")
        XCTAssertEqual(f(.int(-12), .int32), "-12")
        XCTAssertEqual(f(.bytes([0xde, 0xad, 0x01]), .bytea), "\\xdead01")
        XCTAssertEqual(f(.bytes(Array(0..<16)), .uuid), "00010203-0405-0607-0809-0a0b0c0d0e0f")
        XCTAssertEqual(f(.list([.int(1), .null, .int(3)]), .array(.int32)), "{1,NULL,3}")
        XCTAssertEqual(f(.list([.string("a b"), .string(""), .string("x\"y"), .string("plain")]), .array(.text)),
                       "{\"a b\",\"\",\"x\\\"y\",plain}")
    }

    func testDatetimeOutput() {
        XCTAssertEqual(f(.int(Calendar.days(year: 2024, month: 1, day: 31)), .date), "2024-01-31")
        XCTAssertEqual(f(.int(Calendar.days(year: -43, month: 3, day: 15)), .date), "0044-03-15 BC")
        XCTAssertEqual(f(.int(12 * 3_600_000_000 + 34 * 60_000_000 + 56_500_000), .time), "12:34:56.5")
        XCTAssertEqual(f(.int(3_600_000_000), .time), "01:00:00")
        let ts = Calendar.days(year: 2024, month: 1, day: 31) * Calendar.microsPerDay + 45_296_789_000
        XCTAssertEqual(f(.int(ts), .timestamp), "2024-01-31 12:34:56.789")
        XCTAssertEqual(f(.int(ts), .timestamptz), "2024-01-31 12:34:56.789+00")
        XCTAssertEqual(f(.int(ts), .timestamptz, tz: 19800), "2024-01-31 18:04:56.789+05:30")
        XCTAssertEqual(f(.int(ts), .timestamptz, tz: -8 * 3600), "2024-01-31 04:34:56.789-08")
    }

    func testIntervalOutput() {
        XCTAssertEqual(f(.interval(Interval(months: 14, days: 3, micros: 4 * 3_600_000_000 + 5 * 60_000_000 + 6_500_000)), .interval),
                       "1 year 2 mons 3 days 04:05:06.5")
        XCTAssertEqual(f(.interval(Interval(months: 0, days: -1, micros: 2 * 3_600_000_000)), .interval), "-1 days +02:00:00")
        XCTAssertEqual(f(.interval(Interval()), .interval), "00:00:00")
        XCTAssertEqual(f(.interval(Interval(months: 1)), .interval), "1 mon")
        XCTAssertEqual(f(.interval(Interval(days: 1, micros: 7_200_000_000)), .interval), "1 day 02:00:00")
        XCTAssertEqual(f(.interval(Interval(micros: -3 * 3_600_000_000)), .interval), "-03:00:00")
        XCTAssertEqual(f(.interval(Interval(months: -14)), .interval), "-1 years -2 mons")
        XCTAssertEqual(f(.interval(Interval(micros: 100 * 3_600_000_000)), .interval), "100:00:00")
    }

    func testIntegerInput() throws {
        XCTAssertEqual(try ValueText.parse("  42 ", as: .int32), .int(42))
        XCTAssertEqual(try ValueText.parse("-7", as: .int16), .int(-7))
        XCTAssertEqual(try ValueText.parse("+9223372036854775807", as: .int64), .int(Int64.max))
        XCTAssertEqual(try ValueText.parse("-9223372036854775808", as: .int64), .int(Int64.min))
        assertError("abc", .int32, "22P02", "invalid input syntax for type integer: \"abc\"")
        assertError("2147483648", .int32, "22003", "value \"2147483648\" is out of range for type integer")
        assertError("40000", .int16, "22003", "value \"40000\" is out of range for type smallint")
        assertError("9223372036854775808", .int64, "22003")
        assertError("", .int32, "22P02")
        assertError("1.5", .int32, "22P02")
    }

    func testFloatAndNumericInput() throws {
        XCTAssertEqual(try ValueText.parse(" 1.5e3 ", as: .float64), .double(1500))
        guard case .double(let nan) = try ValueText.parse("NaN", as: .float64) else { return XCTFail() }
        XCTAssertTrue(nan.isNaN)
        XCTAssertEqual(try ValueText.parse("-inf", as: .float64), .double(-.infinity))
        guard case .double(let negativeNaN) = try ValueText.parse("-NaN", as: .float64) else { return XCTFail() }
        XCTAssertTrue(negativeNaN.isNaN)
        XCTAssertEqual(try ValueText.parse("Infinity", as: .float32), .double(.infinity))
        assertError("1e400", .float64, "22003")
        assertError("x1", .float64, "22P02")
        XCTAssertEqual(try ValueText.parse("12.345", as: .decimal(precision: 10, scale: 2)), .decimal(1235))
        XCTAssertEqual(try ValueText.parse("-12.345", as: .decimal(precision: 10, scale: 2)), .decimal(-1235))
        XCTAssertEqual(try ValueText.parse("1e2", as: .decimal(precision: 10, scale: 1)), .decimal(1000))
        XCTAssertEqual(try ValueText.parse("0.000001", as: .decimal(precision: 10, scale: 2)), .decimal(0))
        assertError("123.4", .decimal(precision: 4, scale: 2), "22003", "numeric field overflow")
        assertError("99.995", .decimal(precision: 4, scale: 2), "22003")
        assertError("abc", .decimal(precision: 4, scale: 2), "22P02", "invalid input syntax for type numeric: \"abc\"")
    }

    func testDecimalLiteralTypes() {
        XCTAssertEqual(ValueText.decimalType(ofLiteral: "1.50"), .decimal(precision: 3, scale: 2))
        XCTAssertEqual(ValueText.decimalType(ofLiteral: "-0.001"), .decimal(precision: 4, scale: 3))
        XCTAssertEqual(ValueText.decimalType(ofLiteral: "12345"), .decimal(precision: 5, scale: 0))
        XCTAssertEqual(ValueText.decimalType(ofLiteral: "1e3"), .decimal(precision: 4, scale: 0))
        XCTAssertEqual(ValueText.decimalType(ofLiteral: "1.5e-2"), .decimal(precision: 4, scale: 3))
        XCTAssertNil(ValueText.decimalType(ofLiteral: "abc"))
    }

    func testBooleanInput() throws {
        for s in ["t", "TRUE", " yes ", "on", "1", "Tr"] { XCTAssertEqual(try ValueText.parse(s, as: .boolean), .bool(true), s) }
        for s in ["f", "false", "NO", "off", "0"] { XCTAssertEqual(try ValueText.parse(s, as: .boolean), .bool(false), s) }
        assertError("o", .boolean, "22P02")
        assertError("maybe", .boolean, "22P02", "invalid input syntax for type boolean: \"maybe\"")
    }

    func testDatetimeInput() throws {
        let d = Calendar.days(year: 2024, month: 1, day: 31)
        XCTAssertEqual(try ValueText.parse("2024-01-31", as: .date), .int(d))
        XCTAssertEqual(try ValueText.parse("January 31, 2024", as: .date), .int(d))
        XCTAssertEqual(try ValueText.parse("1/31/2024", as: .date), .int(d))
        XCTAssertEqual(try ValueText.parse("0044-03-15 BC", as: .date), .int(Calendar.days(year: -43, month: 3, day: 15)))
        assertError("2024-02-30", .date, "22008")
        assertError("garbage", .date, "22007", "invalid input syntax for type date: \"garbage\"")
        XCTAssertEqual(try ValueText.parse("12:34:56.789", as: .time), .int(45_296_789_000))
        XCTAssertEqual(try ValueText.parse("12:34", as: .time), .int(45_240_000_000))
        assertError("25:00:00", .time, "22008")
        let ts = d * Calendar.microsPerDay + 45_296_789_000
        XCTAssertEqual(try ValueText.parse("2024-01-31 12:34:56.789", as: .timestamp), .int(ts))
        XCTAssertEqual(try ValueText.parse("2024-01-31T12:34:56.789", as: .timestamp), .int(ts))
        XCTAssertEqual(try ValueText.parse("2024-01-31 12:34:56.789+02", as: .timestamptz), .int(ts - 7_200_000_000))
        XCTAssertEqual(try ValueText.parse("2024-01-31T12:34:56.789Z", as: .timestamptz), .int(ts))
        XCTAssertEqual(try ValueText.parse("2024-01-31 12:34:56.789", as: .timestamptz, options: .init(timeZoneOffsetSeconds: 3600)),
                       .int(ts - 3_600_000_000))
        XCTAssertEqual(try ValueText.parse("2024-01-31", as: .timestamp), .int(d * Calendar.microsPerDay))
        let jan8 = Calendar.days(year: 1999, month: 1, day: 8)
        for s in ["1999-01-08", "January 8, 1999", "08-Jan-1999", "1999-Jan-08", "Jan-08-1999", "19990108", "1/8/1999", "8 January 1999", "Fri Jan 08 1999"] {
            XCTAssertEqual(try ValueText.parse(s, as: .date), .int(jan8), s)
        }
        assertError("0000-01-01", .date, "22008")
        XCTAssertEqual(try ValueText.parse("1999-01-08 04:05:06 -8:00", as: .timestamptz),
                       .int(jan8 * Calendar.microsPerDay + (4 * 3600 + 5 * 60 + 6 + 8 * 3600) * 1_000_000))
        XCTAssertEqual(try ValueText.parse("1999-01-08 04:05:06.1234567", as: .timestamp),
                       .int(jan8 * Calendar.microsPerDay + (4 * 3600 + 5 * 60 + 6) * 1_000_000 + 123457))
        XCTAssertEqual(try ValueText.parse("24:00:00", as: .time), .int(Calendar.microsPerDay))
        XCTAssertEqual(try ValueText.parse("1999-01-08 04:05:06 PST", as: .timestamptz),
                       .int(jan8 * Calendar.microsPerDay + (12 * 3600 + 5 * 60 + 6) * 1_000_000))
        XCTAssertEqual(try ValueText.parse("04:05 PM", as: .time), .int((16 * 3600 + 5 * 60) * 1_000_000))
    }

    func testIntervalInput() throws {
        func iv(_ s: String) throws -> String { f(try ValueText.parse(s, as: .interval), .interval) }
        XCTAssertEqual(try iv("1 day 02:00:00"), "1 day 02:00:00")
        XCTAssertEqual(try iv("1 year 2 months"), "1 year 2 mons")
        XCTAssertEqual(try iv("-3 hours"), "-03:00:00")
        XCTAssertEqual(try iv("P1Y2M"), "1 year 2 mons")
        XCTAssertEqual(try iv("P1DT2H30M"), "1 day 02:30:00")
        XCTAssertEqual(try iv("1 mon"), "1 mon")
        XCTAssertEqual(try iv("@ 1 minute ago"), "-00:01:00")
        XCTAssertEqual(try iv("1.5 days"), "1 day 12:00:00")
        XCTAssertEqual(try iv("1.5 months"), "1 mon 15 days")
        XCTAssertEqual(try iv("-1 day +02:00"), "-1 days +02:00:00")
        XCTAssertEqual(try iv("10min"), "00:10:00")
        XCTAssertEqual(try iv("2 weeks"), "14 days")
        XCTAssertEqual(try iv("90"), "00:01:30")
        assertError("fortnight", .interval, "22007")
        XCTAssertEqual(try iv("2Y 1 M"), "2 years 00:01:00")
        XCTAssertEqual(try iv("2Y 4 days 1 MinUteS 3S 20mS 16uS ago  "), "-2 years -4 days -00:01:03.020016")
        XCTAssertEqual(try iv("-05:12:34.567890"), "-05:12:34.56789")
        XCTAssertEqual(try iv("999999999:54:32.101234"), "999999999:54:32.101234")
        XCTAssertEqual(try iv("2562047788 hours"), "2562047788:00:00")
        XCTAssertEqual(try iv("1 02:00:00"), "1 day 02:00:00")
        XCTAssertEqual(try iv("1.5 years"), "1 year 6 mons")
        XCTAssertEqual(try iv("1-2"), "1 year 2 mons")
        XCTAssertEqual(try iv("-1-2"), "-1 years -2 mons")
        XCTAssertEqual(try iv("1-2 3 04:05:06"), "1 year 2 mons 3 days 04:05:06")
        let fractional = [("0.00004 MILLENNIUM", "00:00:00"), ("0.05 MONTH", "1 day 12:00:00"), ("0.04 MONTH", "1 day 04:48:00"),
                          ("0.05 WEEK", "08:24:00"), ("0.04 WEEK", "06:43:12"), ("0.0000000005 DAY", "00:00:00.000043"),
                          ("0.0000000005 HOUR", "00:00:00.000002"), ("0.00000004 MINUTE", "00:00:00.000002"),
                          ("-9223372036854775msecs", "-2562047788:00:54.775"), ("1 week", "7 days"), ("100", "00:01:40"),
                          ("0.5 MICROSECONDS", "00:00:00"), ("0.04 YEAR", "00:00:00"),
                          ("2147483647 months 2147483647 days 9223372036854775807 microseconds",
                           "178956970 years 7 mons 2147483647 days 2562047788:00:54.775807"),
                          ("-2147483648 months -2147483648 days -9223372036854775807 microseconds",
                           "-178956970 years -8 mons -2147483648 days -2562047788:00:54.775807")]
        for (input, expected) in fractional { XCTAssertEqual(try iv(input), expected, input) }
        for bad in ["2562047788 hours 2562047788 hours", "9223372036854775810msecs", "100 unknowns", "100 months a", "100 months agob"] {
            XCTAssertThrowsError(try ValueText.parse(bad, as: .interval), bad)
        }
        for bad in ["", "   ", "years", "-years", "9999999999:54:32.101234", "100000000000000000year", "4294967296months",
                    "1294967296days 1294967296days", "100000000000000000000msecs", "-2147483648 months ago"] {
            XCTAssertThrowsError(try ValueText.parse(bad, as: .interval), bad)
        }
    }

    func testOtherInput() throws {
        for good in ["{}", "[]", " {\"a\": [1, 2.5e3, -0, true, false, null, \"x\\n\"]} ", "\"s\"", "42", "[[[]]]", "{\"a\":{\"b\":[]}}"] {
            XCTAssertEqual(try ValueText.parse(good, as: .json), .string(good), good)
        }
        for bad in ["", "{", "[1,]", "{\"a\"}", "01", "tru", "[1] 2", "{\"a\":1,}", "\"\\x\"", "[", "]"] {
            assertError(bad, .json, "22P02")
        }
        XCTAssertEqual(try ValueText.parse("\\xDEAD01", as: .bytea), .bytes([0xde, 0xad, 0x01]))
        XCTAssertEqual(try ValueText.parse("a\\\\b\\001", as: .bytea), .bytes([97, 92, 98, 1]))
        let u = try ValueText.parse("A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11", as: .uuid)
        XCTAssertEqual(f(u, .uuid), "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11")
        XCTAssertEqual(try ValueText.parse("{a0eebc999c0b4ef8bb6d6bb9bd380a11}", as: .uuid), u)
        assertError("a0eebc99", .uuid, "22P02")
        XCTAssertEqual(try ValueText.parse("{1, 2,NULL}", as: .array(.int32)), .list([.int(1), .int(2), .null]))
        XCTAssertEqual(try ValueText.parse("{\"a,b\",c}", as: .array(.text)), .list([.string("a,b"), .string("c")]))
        XCTAssertEqual(try ValueText.parse("ab", as: .char(4)), .string("ab  "))
        assertError("abcdef", .varchar(3), "22001")
    }
}

/// Garbage input must raise SQLError, never trap.
final class ValueTextRobustnessTests: XCTestCase {
    func testRandomInputNeverTraps() {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("0123456789-+:. TtZzeE/,abcdjmnoprsuyPDHMSW@{}[]\"\\x\u{e9}".unicodeScalars)
        let types: [DataType] = [.int16, .int32, .int64, .float32, .float64, .decimal(precision: 10, scale: 3), .boolean, .date, .time,
                                 .timestamp, .timestamptz, .interval, .uuid, .bytea, .array(.int32), .varchar(4), .char(3), .json]
        for _ in 0..<3000 {
            let length = Int.random(in: 0..<24, using: &rng)
            var s = String.UnicodeScalarView()
            for _ in 0..<length { s.append(alphabet[Int.random(in: 0..<alphabet.count, using: &rng)]) }
            let text = String(s)
            for t in types {
                do {
                    let v = try ValueText.parse(text, as: t)
                    _ = ValueText.format(v, type: t)
                } catch is SQLError {
                } catch { XCTFail("non-SQL error for \(t) \(text): \(error)") }
            }
        }
    }

    func testExtremeValuesFormat() {
        for v: Int64 in [Int64.max, Int64.min, 0, -1, 1 << 50, -(1 << 50)] {
            for t: DataType in [.date, .time, .timestamp, .timestamptz] { _ = ValueText.format(.int(v), type: t) }
        }
        _ = ValueText.format(.interval(Interval(months: Int32.min, days: Int32.min, micros: Int64.min)), type: .interval)
        XCTAssertEqual(ValueText.format(.decimal(-1), type: .decimal(precision: 38, scale: 38)), "-0.00000000000000000000000000000000000001")
    }
}
