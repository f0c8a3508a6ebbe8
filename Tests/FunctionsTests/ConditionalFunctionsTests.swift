// Tests for greatest/least and num_nulls/num_nonnulls.

import XCTest
@testable import Functions
import Columnar

final class ConditionalFunctionsTests: XCTestCase {
    func testGreatestLeast() throws {
        XCTAssertEqual(try s("greatest", int(1), int(5), int(3)), "5")
        XCTAssertEqual(try s("least", int(1), int(5), int(3)), "1")
        XCTAssertEqual(try s("greatest", int(1), nul(), int(3)), "3")
        XCTAssertEqual(try s("greatest", nul(.int32), nul(.int32)), "NULL")
        let mixed = try call("greatest", int(1), dbl(2.5))
        XCTAssertEqual(mixed.type, .float64)
        XCTAssertEqual(mixed.value, .double(2.5))
        let dec = try call("least", int(2), num("1.25"))
        XCTAssertEqual(dec.type, .decimal(precision: 38, scale: 2))
        XCTAssertEqual(render(dec), "1.25")
        XCTAssertEqual(try s("greatest", txt("apple"), txt("banana"), lit("cherry")), "cherry")
        XCTAssertEqual(try s("least", txt("apple"), txt("banana")), "apple")
        XCTAssertEqual(try s("greatest", date(2024, 1, 1), date(2023, 1, 1)), String(Calendar.days(year: 2024, month: 1, day: 1)))
        assertSQLState("42804") { try s("greatest", int(1), date(2024, 1, 1)) }
        let rows = try callMany("greatest", rows: [[int(1), int(2)], [nul(.int32), int(7)], [int(9), nul(.int32)]])
        XCTAssertEqual(rows.values, [.int(2), .int(7), .int(9)])
    }

    func testNumNulls() throws {
        XCTAssertEqual(try s("num_nulls", int(1), nul(), txt("a")), "1")
        XCTAssertEqual(try s("num_nonnulls", int(1), nul(), txt("a")), "2")
    }
}
