// Settings are parsed once and the parsed values follow every change
// (SET, RESET, RESET ALL, set_config): a stale cache would run statements in
// the wrong time zone or with the wrong memory limit.

import XCTest
import Columnar
@testable import Engine

final class ParsedSettingsTests: XCTestCase {
    private func zoneText(_ s: Session) throws -> [[Value]] {
        try s.execute("SELECT TIMESTAMPTZ '2024-01-01 00:00+00'::text").allRows()
    }

    func testTimeZoneFollowsSetResetAndSetConfig() throws {
        let s = try Database().connect()
        XCTAssertEqual(try zoneText(s), [[.string("2024-01-01 00:00:00+00")]])
        _ = try s.execute("SET TimeZone = '+02'").allRows()
        XCTAssertEqual(try zoneText(s), [[.string("2024-01-01 02:00:00+02")]])
        _ = try s.execute("RESET timezone").allRows()
        XCTAssertEqual(try zoneText(s), [[.string("2024-01-01 00:00:00+00")]])
        _ = try s.execute("SELECT set_config('timezone', '-3', false)").allRows()
        XCTAssertEqual(s.makeContext().functionContext.timeZoneOffsetSeconds, -3 * 3600)
        _ = try s.execute("RESET ALL").allRows()
        XCTAssertEqual(s.makeContext().functionContext.timeZoneOffsetSeconds, 0)
    }

    func testMemoryLimitAndThreadsFollowSet() throws {
        let s = try Database().connect()
        _ = try s.execute("SET memory_limit = '3MB'").allRows()
        XCTAssertEqual(s.makeContext().memoryLimit, 3 << 20)
        _ = try s.execute("SET memory_limit = 0").allRows()
        XCTAssertEqual(s.makeContext().memoryLimit, 0)
        _ = try s.execute("SET threads = 3").allRows()
        XCTAssertEqual(s.makePlanner().parallelism, 3)
        // A rejected SET leaves the parsed values as they were.
        XCTAssertThrowsError(try s.execute("SET memory_limit = 'lots'").allRows())
        XCTAssertEqual(s.makeContext().memoryLimit, 0)
    }
}
