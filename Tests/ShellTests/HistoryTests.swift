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
        // The trimmed file replaced the old one whole: still private, nothing else left beside it.
        let rewritten = try FileManager.default.attributesOfItem(atPath: history.path)
        XCTAssertEqual((rewritten[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), [".lakesql_history"])
    }

    /// FileReplacement writes the new text whole over the old with the mode it is given, leaves
    /// no temporary file beside it, and fails cleanly where it cannot write.
    func testFileReplacementReplacesWholeAndLeavesNothingBehind() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("replace-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("report.md").path
        try FileReplacement.replace(String(repeating: "long line\n", count: 10_000), atPath: path)
        try FileReplacement.replace("short\n", atPath: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "short\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["report.md"])
        try FileReplacement.replace("private\n", atPath: path, mode: 0o600)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600, "the replacement takes the mode given")
        // A temporary file a crashed process with this pid left behind does not block it.
        try "stale".write(toFile: path + ".tmp-\(getpid())", atomically: false, encoding: .utf8)
        try FileReplacement.replace("after a crash\n", atPath: path)
        XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "after a crash\n")
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["report.md"])
        XCTAssertThrowsError(try FileReplacement.replace("x", atPath: dir.appendingPathComponent("missing/report.md").path))
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path), ["report.md"])
    }

    func testDefaultPathFollowsHome() {
        XCTAssertEqual(HistoryFile.defaultPath(environment: ["HOME": "/tmp/someone"]), "/tmp/someone/.lakesql_history")
        XCTAssertNil(HistoryFile.defaultPath(environment: [:]))
    }
}
