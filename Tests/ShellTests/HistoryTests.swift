// The REPL's history file: password statements never recorded, multi-line
// entries survive a round trip, the file is trimmed, $HOME decides where it is.

import XCTest
@testable import Shell

final class HistoryTests: XCTestCase {
    func testPasswordsAreNeverRecorded() {
        XCTAssertFalse(HistoryFile.shouldRecord("CREATE USER bob PASSWORD 'secret';"))
        XCTAssertFalse(HistoryFile.shouldRecord("alter role bob with password 'x';"))
        XCTAssertFalse(HistoryFile.shouldRecord("\\password bob"))
        XCTAssertFalse(HistoryFile.shouldRecord("   "))
        XCTAssertTrue(HistoryFile.shouldRecord("SELECT 1;"))
    }

    func testRoundTripAndTrim() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("history-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        var history = HistoryFile(path: dir.appendingPathComponent(".lakesql_history").path)
        XCTAssertTrue(history.append("SELECT 1,\n  2;"))
        XCTAssertFalse(history.append("CREATE ROLE x PASSWORD 'p';"))
        XCTAssertTrue(history.append("\\d orders"))
        XCTAssertEqual(history.load(), ["SELECT 1,\n  2;", "\\d orders"])
        let attributes = try FileManager.default.attributesOfItem(atPath: history.path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        history.limit = 1
        XCTAssertEqual(history.load(), ["\\d orders"])
        XCTAssertEqual(try String(contentsOfFile: history.path, encoding: .utf8), "\\d orders\n")
    }

    func testDefaultPathFollowsHome() {
        XCTAssertEqual(HistoryFile.defaultPath(environment: ["HOME": "/tmp/someone"]), "/tmp/someone/.lakesql_history")
        XCTAssertNil(HistoryFile.defaultPath(environment: [:]))
    }
}
