// The session TimeZone: PostgreSQL's spelling rules for SET TimeZone (a
// plain number of hours is east of Greenwich, POSIX forms count west), and
// literals and constant casts read in the session's zone, not UTC.

import XCTest
import Columnar
@testable import Engine

final class SessionTimeZoneTests: XCTestCase {
    func testOffsetSpellingsFollowPostgreSQL() {
        let hour = 3600
        XCTAssertEqual(TimeZoneSetting.offsetSeconds("UTC"), 0)
        XCTAssertEqual(TimeZoneSetting.offsetSeconds("+02"), 2 * hour)
        XCTAssertEqual(TimeZoneSetting.offsetSeconds("-5"), -5 * hour)
        XCTAssertEqual(TimeZoneSetting.offsetSeconds("5.5"), 5 * hour + 1800)
        XCTAssertEqual(TimeZoneSetting.offsetSeconds("UTC+3"), -3 * hour)
        XCTAssertEqual(TimeZoneSetting.offsetSeconds("GMT-1"), hour)
        XCTAssertEqual(TimeZoneSetting.offsetSeconds("+05:30"), -(5 * hour + 1800))
        XCTAssertEqual(TimeZoneSetting.offsetSeconds("-02:00"), 2 * hour)
        XCTAssertEqual(TimeZoneSetting.offsetSeconds("Etc/GMT+3"), -3 * hour)
        XCTAssertNil(TimeZoneSetting.offsetSeconds("Mars/Olympus"))
        XCTAssertNil(TimeZoneSetting.offsetSeconds("UTC+"))
        XCTAssertNil(TimeZoneSetting.offsetSeconds("+99"))
    }

    func testLiteralsAndConstantCastsUseTheSessionZone() throws {
        let s = try Database().connect()
        _ = try s.execute("SET TimeZone = '+02'").allRows()
        let row = try s.execute("""
            SELECT '2024-01-01 00:00'::timestamptz = TIMESTAMPTZ '2023-12-31 22:00+00',
                   TIMESTAMP '2024-01-01 00:00'::timestamptz = TIMESTAMPTZ '2023-12-31 22:00+00',
                   (TIMESTAMPTZ '2023-12-31 22:00+00')::date = DATE '2024-01-01',
                   TIMESTAMPTZ '2024-01-01 00:00+00'::text
            """).allRows()
        XCTAssertEqual(row, [[.bool(true), .bool(true), .bool(true), .string("2024-01-01 02:00:00+02")]])
        XCTAssertEqual(s.textOptions.timeZoneOffsetSeconds, 7200)
    }
}
