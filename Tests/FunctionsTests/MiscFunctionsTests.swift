// Tests for version(), pg_typeof(), gen_random_uuid() and the overload resolver.

import XCTest
@testable import Functions
import Columnar

final class MiscFunctionsTests: XCTestCase {
    func testVersionAndTypeof() throws {
        XCTAssertEqual(try s("version"), "PostgreSQL 15.0 (LakeSQL 0.1) on x86_64-pc-linux-gnu")
        XCTAssertEqual(try s("pg_typeof", int(1)), "integer")
        XCTAssertEqual(try s("pg_typeof", num("1.5")), "numeric")
        XCTAssertEqual(try s("pg_typeof", Arg(value: .string("a"), type: .varchar(5))), "character varying")
        XCTAssertEqual(try s("pg_typeof", Arg(value: .list([]), type: .array(.int32))), "integer[]")
        XCTAssertEqual(try s("pg_typeof", nul(.timestamptz)), "timestamp with time zone")
        XCTAssertEqual(try s("pg_typeof", lit("x")), "unknown")
    }

    func testUUID() throws {
        let values = try callConst("gen_random_uuid", rows: 2)
        guard case .bytes(let a) = values[0], case .bytes(let b) = values[1] else { return XCTFail("not bytes") }
        XCTAssertEqual(a.count, 16)
        XCTAssertNotEqual(a, b)
        XCTAssertEqual(a[6] >> 4, 4)
        XCTAssertEqual(a[8] >> 6, 2)
    }

    func testCurrentSetting() throws {
        let ctx = FunctionContext(timeZoneName: "Europe/Berlin", settings: ["work_mem": "4MB"])
        XCTAssertEqual(try s("current_setting", txt("TimeZone"), context: ctx), "Europe/Berlin")
        XCTAssertEqual(try s("current_setting", txt("work_mem"), context: ctx), "4MB")
        assertSQLState("42704") { try s("current_setting", txt("nope"), context: ctx) }
    }

    func testOverloadResolution() throws {
        // An exact match wins over widening; widening prefers the closest type.
        let best = Overloads.best([.int32, .int64], [false, false], [[.exact(.int32), .exact(.int32)], [.exact(.int64), .exact(.int64)], [.numeric, .numeric]])
        XCTAssertEqual(best?.index, 1)
        // Conversions prefer double precision, the numeric category's preferred type.
        let pref = Overloads.best([.int32], [false], [[.numeric], [.exact(.float64)]])
        XCTAssertEqual(pref?.index, 1)
        XCTAssertNil(Overloads.best([.date], [false], [[.exact(.float64)]]))
        XCTAssertEqual(Overloads.best([.varchar(3)], [false], [[.text]])?.types, [.text])
        XCTAssertNil(FunctionRegistry.shared.scalar("abs").flatMap { try? $0.resolve([.text], [false]) })
    }
}

final class ArrayFunctionsTests: XCTestCase {
    func testArrayHelpers() throws {
        let arr = Arg(value: .list([.int(1), .null, .int(3)]), type: .array(.int32))
        let empty = Arg(value: .list([]), type: .array(.int32))
        XCTAssertEqual(try s("cardinality", arr), "3")
        XCTAssertEqual(try s("cardinality", empty), "0")
        XCTAssertEqual(try s("array_length", arr, int(1)), "3")
        XCTAssertEqual(try s("array_length", empty, int(1)), "NULL")
        XCTAssertEqual(try s("array_length", arr, int(2)), "NULL")
        XCTAssertEqual(try s("array_upper", arr, int(1)), "3")
        XCTAssertEqual(try s("array_lower", arr, int(1)), "1")
        XCTAssertEqual(try s("array_to_string", arr, lit(",")), "1,3")
        XCTAssertEqual(try s("array_to_string", arr, lit(","), lit("*")), "1,*,3")
        XCTAssertEqual(try s("array_to_string", nul(.array(.int32)), lit(",")), "NULL")
        XCTAssertNil(try FunctionRegistry.shared.scalar("cardinality")?.resolve([.int32], [false]))
    }
}
