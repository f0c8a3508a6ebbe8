// Tests for running files in child processes: shell scripts stand in for
// `lakesql sqllogictest --child`, writing progress bytes to descriptor 3 and
// then finishing, crashing or hanging.

import XCTest
import Foundation
@testable import SQLLogicTest

final class SQLLogicTestIsolationTests: XCTestCase {
    private var folder = ""
    private var sltPath = ""
    private var notices: [String] = []

    override func setUpWithError() throws {
        folder = NSTemporaryDirectory() + "slt-isolation-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        sltPath = folder + "/t.slt"
        // Five counted records; the fourth is skipped for postgresql.
        try """
        statement ok
        A

        statement ok
        B

        statement ok
        C

        skipif postgresql
        statement ok
        D

        statement ok
        E
        """.write(toFile: sltPath, atomically: true, encoding: .utf8)
    }

    override func tearDown() { try? FileManager.default.removeItem(atPath: folder) }

    private func run(childScript: String, hangSeconds: Double = 0) throws -> SLTFileResult {
        let script = folder + "/child.sh"
        try ("#!/bin/sh\n" + childScript + "\n").write(toFile: script, atomically: true, encoding: .utf8)
        chmod(script, 0o755)
        notices = []
        let runner = SLTIsolatedRunner(executable: script, options: SLTRunnerOptions(timeoutSeconds: 0),
                                       hangSeconds: hangSeconds, notice: { self.notices.append($0) })
        return runner.runFile(at: sltPath, displayPath: "t.slt")
    }

    func testFinishedChildReportsItsSummary() throws {
        let result = try run(childScript: "printf 'PPFSP=3,1,1\\n' >&3")
        XCTAssertEqual([result.passed, result.failed, result.skipped], [3, 1, 1])
        XCTAssertEqual(notices, [])
    }

    func testCrashCountsUnreportedRecordsAsFailed() throws {
        let result = try run(childScript: "printf 'PP' >&3\nkill -SEGV $$")
        // A and B passed; C crashed; D would be skipped; E never ran.
        XCTAssertEqual([result.passed, result.failed, result.skipped], [2, 2, 1])
        XCTAssertEqual(notices, ["t.slt:7: engine crashed (signal 11)"])
    }

    func testHangingChildIsKilled() throws {
        let start = Date()
        let result = try run(childScript: "printf 'P' >&3\nexec sleep 30", hangSeconds: 0.5)
        XCTAssertLessThan(Date().timeIntervalSince(start), 10)
        XCTAssertEqual([result.passed, result.failed, result.skipped], [1, 3, 1])
        XCTAssertEqual(notices, ["t.slt:4: killed after 0.5 s without progress"])
    }

    func testChildThatExitsEarly() throws {
        let result = try run(childScript: "printf 'PPPS' >&3\nexit 3")
        XCTAssertEqual([result.passed, result.failed, result.skipped], [3, 1, 1])
        XCTAssertEqual(notices, ["t.slt:14: child exited with status 3 before finishing"])
    }

    func testProgressDecoding() {
        let (outcomes, summary) = SLTIsolatedRunner.parseProgress(Array("PFS=1,1,1\n".utf8))
        XCTAssertEqual(outcomes.count, 3)
        XCTAssertEqual(summary.map { [$0.0, $0.1, $0.2] }, [1, 1, 1])
        XCTAssertNil(SLTIsolatedRunner.parseProgress(Array("PP".utf8)).1)
    }
}
