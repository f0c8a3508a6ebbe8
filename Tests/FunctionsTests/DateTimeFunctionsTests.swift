// Tests for the date/time functions, with expected values from PostgreSQL 15.

import XCTest
@testable import Functions
import Columnar

private func tsValue(_ y: Int, _ mo: Int, _ d: Int, _ h: Int = 0, _ mi: Int = 0, _ s: Int = 0, _ us: Int = 0) -> Value { ts(y, mo, d, h, mi, s, us).value }

final class DateTimeFunctionsTests: XCTestCase {
    let plusOne = FunctionContext(timeZoneOffsetSeconds: 3600, timeZoneName: "+01")

    func testDateTrunc() throws {
        let t = ts(2024, 3, 15, 10, 20, 30, 123456)
        XCTAssertEqual(try call("date_trunc", lit("month"), t).value, tsValue(2024, 3, 1))
        XCTAssertEqual(try call("date_trunc", lit("week"), t).value, tsValue(2024, 3, 11))
        XCTAssertEqual(try call("date_trunc", lit("quarter"), ts(2024, 5, 15)).value, tsValue(2024, 4, 1))
        XCTAssertEqual(try call("date_trunc", lit("year"), t).value, tsValue(2024, 1, 1))
        XCTAssertEqual(try call("date_trunc", lit("decade"), t).value, tsValue(2020, 1, 1))
        XCTAssertEqual(try call("date_trunc", lit("century"), t).value, tsValue(2001, 1, 1))
        XCTAssertEqual(try call("date_trunc", lit("millennium"), t).value, tsValue(2001, 1, 1))
        XCTAssertEqual(try call("date_trunc", lit("HOUR"), t).value, tsValue(2024, 3, 15, 10))
        XCTAssertEqual(try call("date_trunc", lit("minutes"), t).value, tsValue(2024, 3, 15, 10, 20))
        XCTAssertEqual(try call("date_trunc", lit("second"), t).value, tsValue(2024, 3, 15, 10, 20, 30))
        XCTAssertEqual(try call("date_trunc", lit("milliseconds"), t).value, tsValue(2024, 3, 15, 10, 20, 30, 123000))
        XCTAssertEqual(try call("date_trunc", lit("day"), ts(1969, 12, 31, 23)).value, tsValue(1969, 12, 31))
        // timestamptz truncates in the session zone (UTC+1 here).
        let tz = try call("date_trunc", lit("day"), ts(2024, 3, 15, 23, 30, tz: true), context: plusOne)
        XCTAssertEqual(tz.type, .timestamptz)
        XCTAssertEqual(tz.value, tsValue(2024, 3, 15, 23))
        // A date argument resolves to the timestamptz overload, as in PostgreSQL.
        XCTAssertEqual(try call("date_trunc", lit("month"), date(2024, 3, 15)).type, .timestamptz)
        let i = try call("date_trunc", lit("hour"), iv(months: 14, days: 2, micros: 3 * 3_600_000_000 + 45 * 60_000_000))
        XCTAssertEqual(i.value, .interval(Interval(months: 14, days: 2, micros: 3 * 3_600_000_000)))
        XCTAssertEqual(try call("date_trunc", lit("year"), iv(months: 14, days: 2)).value, .interval(Interval(months: 12)))
        assertSQLState("22023") { try call("date_trunc", lit("fortnight"), t) }
        assertSQLState("0A000") { try call("date_trunc", lit("dow"), t) }
        assertSQLState("0A000") { try call("date_trunc", lit("week"), iv(days: 3)) }
        XCTAssertEqual(try call("date_trunc", lit("day"), nul(.timestamp)).value, .null)
        let time = Arg(value: .int(14 * 3_600_000_000 + 30 * 60_000_000 + 45_123_456), type: .time)
        XCTAssertEqual(try call("date_trunc", lit("minute"), time).value, .interval(Interval(micros: 14 * 3_600_000_000 + 30 * 60_000_000)))
        assertSQLState("0A000") { try call("date_trunc", lit("week"), time) }
    }

    func testDatePart() throws {
        let t = ts(2024, 3, 15, 10, 20, 30, 500000)
        XCTAssertEqual(try call("date_part", lit("year"), t).value, .double(2024))
        XCTAssertEqual(try call("date_part", lit("month"), t).value, .double(3))
        XCTAssertEqual(try call("date_part", lit("day"), t).value, .double(15))
        XCTAssertEqual(try call("date_part", lit("hour"), t).value, .double(10))
        XCTAssertEqual(try call("date_part", lit("minute"), t).value, .double(20))
        XCTAssertEqual(try call("date_part", lit("second"), t).value, .double(30.5))
        XCTAssertEqual(try call("date_part", lit("milliseconds"), t).value, .double(30500))
        XCTAssertEqual(try call("date_part", lit("microseconds"), t).value, .double(30500000))
        XCTAssertEqual(try call("date_part", lit("dow"), t).value, .double(5))
        XCTAssertEqual(try call("date_part", lit("isodow"), ts(2024, 3, 17)).value, .double(7))
        XCTAssertEqual(try call("date_part", lit("doy"), t).value, .double(75))
        XCTAssertEqual(try call("date_part", lit("quarter"), t).value, .double(1))
        XCTAssertEqual(try call("date_part", lit("week"), ts(2021, 1, 1)).value, .double(53))
        XCTAssertEqual(try call("date_part", lit("isoyear"), ts(2021, 1, 1)).value, .double(2020))
        XCTAssertEqual(try call("date_part", lit("decade"), t).value, .double(202))
        XCTAssertEqual(try call("date_part", lit("century"), ts(2000, 12, 31)).value, .double(20))
        XCTAssertEqual(try call("date_part", lit("millennium"), t).value, .double(3))
        XCTAssertEqual(try call("date_part", lit("epoch"), ts(1970, 1, 2)).value, .double(86400))
        XCTAssertEqual(try call("date_part", lit("julian"), ts(2021, 6, 23)).value, .double(2459389))
        XCTAssertEqual(try call("date_part", lit("timezone"), ts(2021, 6, 23, tz: true), context: plusOne).value, .double(3600))
        XCTAssertEqual(try call("date_part", lit("hour"), ts(2021, 6, 23, 23, tz: true), context: plusOne).value, .double(0))
        XCTAssertEqual(try call("date_part", lit("hour"), iv(days: 1, micros: 5 * 3_600_000_000)).value, .double(5))
        XCTAssertEqual(try call("date_part", lit("minute"), Arg(value: .int(13 * 3_600_000_000 + 7 * 60_000_000), type: .time)).value, .double(7))
        assertSQLState("0A000") { try call("date_part", lit("timezone"), t) }
        assertSQLState("22023") { try call("date_part", lit("bogus"), t) }
        let rows = try callMany("date_part", rows: [[txt("year"), ts(2020, 1, 1)], [txt("month"), ts(2020, 2, 1)], [nul(.text), ts(2020, 1, 1)]])
        XCTAssertEqual(rows.values, [.double(2020), .double(2), .null])
    }

    func testExtractNumeric() throws {
        XCTAssertEqual(try s("extract", lit("year"), ts(2024, 3, 15)), "2024.000000")
        XCTAssertEqual(try s("extract", lit("epoch"), iv(months: 12)), "31557600.000000")
        XCTAssertEqual(try s("extract", lit("day"), date(2024, 3, 15)), "15.000000")
        assertSQLState("0A000") { try s("extract", lit("hour"), date(2024, 3, 15)) }
        // The field-aware resolution gives PostgreSQL's exact scales.
        guard let sec = try DateTimeFunctions.resolveExtract(field: "second", argumentType: .timestamp),
              let year = try DateTimeFunctions.resolveExtract(field: "YEAR", argumentType: .date) else { return XCTFail() }
        XCTAssertEqual(sec.returnType, .decimal(precision: 38, scale: 6))
        XCTAssertEqual(year.returnType, .decimal(precision: 38, scale: 0))
        let v = try sec.kernel([Vector.from([ts(2024, 1, 1, 0, 0, 12, 345678).value], type: .timestamp)], 1, FunctionContext())
        XCTAssertEqual(v.value(at: 0), .decimal(12_345_678))
        let y = try year.kernel([Vector.from([date(2024, 1, 1).value], type: .date)], 1, FunctionContext())
        XCTAssertEqual(y.value(at: 0), .decimal(2024))
        let j = try DateTimeFunctions.resolveExtract(field: "julian", argumentType: .timestamp)
        let jv = try j?.kernel([Vector.from([ts(2021, 6, 23, 7).value], type: .timestamp)], 1, FunctionContext())
        XCTAssertEqual(jv.map { render(CallResult(value: $0.value(at: 0), type: j?.returnType ?? .null)) }, "2459389.2916666666666667")
    }

    func testAge() throws {
        XCTAssertEqual(try call("age", ts(2001, 4, 10), ts(1957, 6, 13)).value, .interval(Interval(months: 43 * 12 + 9, days: 27)))
        XCTAssertEqual(try call("age", ts(1957, 6, 13), ts(2001, 4, 10)).value, .interval(Interval(months: -(43 * 12 + 9), days: -27)))
        XCTAssertEqual(try call("age", ts(2024, 3, 1, 1), ts(2024, 2, 29, 23)).value, .interval(Interval(micros: 2 * 3_600_000_000)))
        let today = FunctionContext(statementTimestamp: Calendar.days(year: 2024, month: 6, day: 15) * Calendar.microsPerDay + 5 * Calendar.microsPerHour)
        XCTAssertEqual(try call("age", ts(2000, 6, 15), context: today).value, .interval(Interval(months: 24 * 12)))
    }

    func testConstructors() throws {
        XCTAssertEqual(try call("make_date", int(2013), int(7), int(15)).value, date(2013, 7, 15).value)
        XCTAssertEqual(try call("make_date", int(-44), int(3), int(15)).value, .int(Calendar.days(year: -43, month: 3, day: 15)))
        assertSQLState("22008") { try call("make_date", int(2023), int(2), int(30)) }
        assertSQLState("22008") { try call("make_date", int(0), int(1), int(1)) }
        XCTAssertEqual(try call("make_time", int(8), int(15), dbl(23.5)).value, .int(8 * 3_600_000_000 + 15 * 60_000_000 + 23_500_000))
        assertSQLState("22008") { try call("make_time", int(25), int(0), dbl(0)) }
        XCTAssertEqual(try call("make_timestamp", int(2013), int(7), int(15), int(8), int(15), dbl(23.5)).value, tsValue(2013, 7, 15, 8, 15, 23, 500000))
        XCTAssertEqual(try call("make_timestamptz", int(2013), int(7), int(15), int(8), int(0), dbl(0), context: plusOne).value, tsValue(2013, 7, 15, 7))
        XCTAssertEqual(try call("make_timestamptz", int(2024), int(7), int(1), int(12), int(0), dbl(0), lit("America/New_York")).value,
                       tsValue(2024, 7, 1, 16))
        XCTAssertEqual(try call("make_timestamptz", int(2024), int(1), int(1), int(12), int(0), dbl(0), lit("UTC")).value, tsValue(2024, 1, 1, 12))
        XCTAssertEqual(try call("make_interval", int(1), int(2), int(3), int(4), int(5), int(6), dbl(7.5)).value,
                       .interval(Interval(months: 14, days: 25, micros: 5 * 3_600_000_000 + 6 * 60_000_000 + 7_500_000)))
        XCTAssertEqual(try call("make_interval", int(0), int(0), int(0), int(10)).value, .interval(Interval(days: 10)))
        XCTAssertEqual(try call("make_interval").value, .interval(Interval()))
    }

    func testCurrentAndJustify() throws {
        let ctx = FunctionContext(timeZoneOffsetSeconds: -3600, statementTimestamp: ts(2024, 1, 1, 0, 30).value.intValue)
        XCTAssertEqual(try call("now", context: ctx).value, tsValue(2024, 1, 1, 0, 30))
        XCTAssertEqual(try call("current_timestamp", context: ctx).type, .timestamptz)
        XCTAssertEqual(try call("current_date", context: ctx).value, date(2023, 12, 31).value)
        XCTAssertEqual(try call("localtimestamp", context: ctx).value, tsValue(2023, 12, 31, 23, 30))
        XCTAssertEqual(try call("current_time", context: ctx).value, .int(23 * 3_600_000_000 + 30 * 60_000_000))
        XCTAssertNotEqual(try call("clock_timestamp").value, .int(0))
        XCTAssertEqual(try call("justify_hours", iv(micros: 27 * 3_600_000_000)).value, .interval(Interval(days: 1, micros: 3 * 3_600_000_000)))
        XCTAssertEqual(try call("justify_days", iv(days: 35)).value, .interval(Interval(months: 1, days: 5)))
        XCTAssertEqual(try call("justify_interval", iv(months: 1, micros: -3_600_000_000)).value, .interval(Interval(days: 29, micros: 23 * 3_600_000_000)))
    }

    func testDateBinIsFiniteTimezone() throws {
        let stride = iv(micros: 15 * 60_000_000)
        XCTAssertEqual(try call("date_bin", stride, ts(2020, 2, 11, 15, 44, 17), ts(2001, 1, 1)).value, tsValue(2020, 2, 11, 15, 30))
        XCTAssertEqual(try call("date_bin", stride, ts(2020, 2, 11, 15, 44, 17), ts(2001, 1, 1, 0, 2, 30)).value, tsValue(2020, 2, 11, 15, 32, 30))
        XCTAssertEqual(try call("date_bin", stride, ts(1999, 12, 31, 23, 59), ts(2001, 1, 1)).value, tsValue(1999, 12, 31, 23, 45))
        assertSQLState("0A000") { try call("date_bin", iv(months: 1), ts(2020, 1, 1), ts(2001, 1, 1)) }
        assertSQLState("22023") { try call("date_bin", iv(), ts(2020, 1, 1), ts(2001, 1, 1)) }
        XCTAssertEqual(try call("isfinite", date(2024, 1, 1)).value, .bool(true))
        XCTAssertEqual(try call("timezone", lit("UTC"), ts(2024, 1, 1, 12)).value, tsValue(2024, 1, 1, 12))
        // POSIX sign: '+05' is five hours west of Greenwich.
        XCTAssertEqual(try call("timezone", lit("+05"), ts(2024, 1, 1, 12)).value, tsValue(2024, 1, 1, 17))
        XCTAssertEqual(try call("timezone", lit("America/New_York"), ts(2024, 7, 1, 12, tz: true)).value, tsValue(2024, 7, 1, 8))
        XCTAssertEqual(try call("timezone", lit("America/New_York"), ts(2024, 1, 1, 12)).value, tsValue(2024, 1, 1, 17))
        XCTAssertEqual(try call("timezone", iv(micros: 2 * 3_600_000_000), ts(2024, 1, 1, 12, tz: true)).value, tsValue(2024, 1, 1, 14))
        assertSQLState("22023") { try call("timezone", lit("Mars/Olympus"), ts(2024, 1, 1)) }
    }

    func testToCharDateTime() throws {
        let t = ts(2024, 3, 5, 14, 7, 9, 123456)
        XCTAssertEqual(try s("to_char", t, lit("YYYY-MM-DD HH24:MI:SS.US")), "2024-03-05 14:07:09.123456")
        XCTAssertEqual(try s("to_char", t, lit("Day, DD Mon YYYY")), "Tuesday  , 05 Mar 2024")
        XCTAssertEqual(try s("to_char", t, lit("FMDay, FMDD FMMonth YYYY")), "Tuesday, 5 March 2024")
        XCTAssertEqual(try s("to_char", t, lit("HH12:MI AM ms")), "02:07 PM 123")
        XCTAssertEqual(try s("to_char", t, lit("DDD Q IW WW D dy MON month")), "065 1 10 10 3 tue MAR march    ")
        // Capitalised two-letter "Dy" is the abbreviated day name, not D followed by Y.
        XCTAssertEqual(try s("to_char", t, lit("Dy DY dy, Mon")), "Tue TUE tue, Mar")
        XCTAssertEqual(try s("to_char", t, lit("FMMonth DDth, \"Year\" YYYY")), "March 05th, Year 2024")
        XCTAssertEqual(try s("to_char", t, lit("FMDDth FMMMth RM yy CC")), "5th 3rd III  24 21")
        XCTAssertEqual(try s("to_char", ts(2024, 3, 5, 0, 30, tz: true), lit("YYYY-MM-DD HH24:MI TZ OF"), context: plusOne), "2024-03-05 01:30 +01 +01")
        XCTAssertEqual(try s("to_char", date(2024, 12, 25), lit("YYYY/MM/DD")), "2024/12/25")
        XCTAssertEqual(try s("to_char", iv(days: 1, micros: 2 * 3_600_000_000 + 3 * 60_000_000 + 4_000_000), lit("HH24:MI:SS")), "02:03:04")
        XCTAssertEqual(try s("to_char", nul(.timestamp), lit("YYYY")), "NULL")
    }

    func testToCharNumber() throws {
        XCTAssertEqual(try s("to_char", int(485), lit("999")), " 485")
        XCTAssertEqual(try s("to_char", int(-485), lit("999")), "-485")
        XCTAssertEqual(try s("to_char", int(12), lit("9999")), "   12")
        XCTAssertEqual(try s("to_char", int(485), lit("9 9 9")), " 4 8 5")
        XCTAssertEqual(try s("to_char", int(1485), lit("9,999")), " 1,485")
        XCTAssertEqual(try s("to_char", int(1234567), lit("9,999,999")), " 1,234,567")
        XCTAssertEqual(try s("to_char", int(-485), lit("999S")), "485-")
        XCTAssertEqual(try s("to_char", int(-485), lit("999MI")), "485-")
        XCTAssertEqual(try s("to_char", int(485), lit("FM999MI")), "485")
        XCTAssertEqual(try s("to_char", int(-485), lit("999PR")), "<485>")
        XCTAssertEqual(try s("to_char", int(1234), lit("99")), " ##")
        XCTAssertEqual(try s("to_char", int(0), lit("999")), "   0")
        XCTAssertEqual(try s("to_char", int(12), lit("9990999.9")), "    0012.0")
        XCTAssertEqual(try s("to_char", int(12), lit("FM9990999.9")), "0012.")
        XCTAssertEqual(try s("to_char", dbl(-0.1), lit("99.99")), "  -.10")
        XCTAssertEqual(try s("to_char", dbl(-0.1), lit("FM9.99")), "-.1")
        XCTAssertEqual(try s("to_char", dbl(-0.1), lit("FM90.99")), "-0.1")
        XCTAssertEqual(try s("to_char", dbl(0.1), lit("0.9")), " 0.1")
        XCTAssertEqual(try s("to_char", dbl(148.5), lit("999.999")), " 148.500")
        XCTAssertEqual(try s("to_char", dbl(148.5), lit("FM999.999")), "148.5")
        XCTAssertEqual(try s("to_char", dbl(1), lit("FM9.99")), "1.")
        XCTAssertEqual(try s("to_char", num("-125.8"), lit("999D99S")), "125.80-")
        XCTAssertEqual(try s("to_char", num("3.148"), lit("9.99")), " 3.15")
        XCTAssertEqual(try s("to_char", num("1234.5"), lit("FM9,999.00")), "1,234.50")
        XCTAssertEqual(try s("to_number", lit("12,454.8-"), lit("99G999D9S")), "-12454.800000")
        XCTAssertEqual(try s("to_number", lit("$1,234.56"), lit("L9,999.99")), "1234.560000")
        assertSQLState("22P02") { try s("to_number", lit("abc"), lit("999")) }
        let constant = try ConstantArgumentResolution.resolve(name: "to_number", argumentTypes: [.text, .text], unknownLiterals: [true, true],
                                                              constants: [.string("12,454.8-"), .string("99G999D9S")])
        XCTAssertEqual(constant?.returnType, .decimal(precision: 38, scale: 1))
        let v = try constant?.kernel([Vector.from([.string("12,454.8-")], type: .text), Vector.from([.string("99G999D9S")], type: .text)], 1, FunctionContext())
        XCTAssertEqual(v?.value(at: 0), .decimal(-124548))
    }

    func testToDateAndTimestamp() throws {
        XCTAssertEqual(try call("to_date", lit("05 Dec 2000"), lit("DD Mon YYYY")).value, date(2000, 12, 5).value)
        XCTAssertEqual(try call("to_date", lit("2024-3-5"), lit("YYYY-MM-DD")).value, date(2024, 3, 5).value)
        XCTAssertEqual(try call("to_date", lit("20240305"), lit("YYYYMMDD")).value, date(2024, 3, 5).value)
        XCTAssertEqual(try call("to_date", lit("March 5, 24"), lit("Month DD, YY")).value, date(2024, 3, 5).value)
        assertSQLState("22008") { try call("to_date", lit("2024-13-01"), lit("YYYY-MM-DD")) }
        assertSQLState("22007") { try call("to_date", lit("abcd"), lit("YYYY")) }
        let t = try call("to_timestamp", lit("2024-03-05 02:07:09 PM"), lit("YYYY-MM-DD HH12:MI:SS AM"), context: plusOne)
        XCTAssertEqual(t.type, .timestamptz)
        XCTAssertEqual(t.value, tsValue(2024, 3, 5, 13, 7, 9))
        XCTAssertEqual(try call("to_timestamp", lit("2024-03-05 10:00:00.25 +05"), lit("YYYY-MM-DD HH24:MI:SS.MS TZH")).value,
                       tsValue(2024, 3, 5, 5, 0, 0, 250000))
        XCTAssertEqual(try call("to_timestamp", dbl(1284352323)).value, tsValue(2010, 9, 13, 4, 32, 3))
        assertSQLState("22008") { try call("to_timestamp", dbl(.nan)) }
    }
}

private extension Value {
    var intValue: Int64 { if case .int(let i) = self { return i }; return 0 }
}

final class DateTimeEdgeTests: XCTestCase {
    func testDatePartOnDateAndRanges() throws {
        XCTAssertEqual(try call("date_part", lit("hour"), date(2024, 1, 1)).value, .double(0))
        XCTAssertEqual(try call("date_part", lit("day"), date(2024, 1, 31)).value, .double(31))
        assertSQLState("22008") { try call("make_timestamp", int(5_000_000), int(1), int(1), int(0), int(0), dbl(0)) }
        assertSQLState("22008") { try call("to_date", lit("999999999"), lit("YYYY")) }
        assertSQLState("22008") { try call("to_date", lit("999999999"), lit("J")) }
    }
}

final class DateTimeOverflowTests: XCTestCase {
    func testExtremeInputsRaiseInsteadOfTrapping() throws {
        let huge = Arg(value: .int(Int64.max - 10), type: .timestamp)
        assertSQLState("22008") { try call("date_trunc", lit("week"), huge) }
        assertSQLState("22008") { try call("date_bin", iv(days: Int32.max), huge, ts(2000, 1, 1)) }
        assertSQLState("22008") { try call("make_interval", int(0), int(0), int(0), int(0), int(0), int(Int64(Int32.max)), dbl(9.1e12)) }
        assertSQLState("22003") { try s("to_number", lit(String(repeating: "9", count: 45)), lit(String(repeating: "9", count: 45))) }
        assertSQLState("22008") { try call("timezone", lit("+05"), huge) }
    }
}

final class DateTimeConstantFieldTests: XCTestCase {
    func testConstantFieldPaths() throws {
        XCTAssertEqual(try callConst("date_trunc", lit("month"), ts(2024, 3, 15, 10), rows: 2), [ts(2024, 3, 1).value, ts(2024, 3, 1).value])
        XCTAssertEqual(try callConst("date_part", lit("doy"), ts(2024, 3, 15), rows: 2), [.double(75), .double(75)])
        XCTAssertEqual(try callConst("extract", lit("minute"), ts(2024, 3, 15, 10, 42), rows: 1), [.decimal(42_000_000)])
        assertSQLState("22023") { try callConst("date_trunc", lit("bogus"), ts(2024, 3, 15)) }
        let ctx = FunctionContext(timeZoneOffsetSeconds: -5 * 3600)
        XCTAssertEqual(try callConst("date_trunc", lit("day"), ts(2024, 3, 15, 3, tz: true), rows: 1, context: ctx), [ts(2024, 3, 14, 5).value])
    }
}

final class ToCharConstantTemplateTests: XCTestCase {
    func testConstantTemplateOverPlainColumn() throws {
        guard let res = try FunctionRegistry.shared.scalar("to_char")?.resolve([.timestamp, .text], [false, true]) else { return XCTFail() }
        let values = Vector.from([ts(2024, 1, 2).value, .null, ts(1999, 12, 31, 23, 59).value], type: .timestamp)
        let out = try res.kernel([values, Vector.constant(.string("YYYY-MM-DD HH24:MI"), type: .text, count: 3)], 3, FunctionContext())
        XCTAssertEqual((0..<3).map { out.value(at: $0) }, [.string("2024-01-02 00:00"), .null, .string("1999-12-31 23:59")])
        let nullTemplate = try res.kernel([values, Vector.nulls(type: .text, count: 3)], 3, FunctionContext())
        XCTAssertEqual((0..<3).map { nullTemplate.isNull($0) }, [true, true, true])
    }
}
