// Tests for lakesql's hand-written argument parsing (Shell.CLIArguments).

import XCTest
@testable import Shell

final class RendererCommandLineTests: XCTestCase {
    func testRunOptionsKeepInputOrder() throws {
        let command = try CLIArguments.parse(["--lake", "/data", "--format=csv", "-c", "SELECT 1", "-f", "a.sql",
                                              "--command", "SELECT 2", "--continue-on-error", "--null", "NULL"])
        var expected = RunCommandOptions()
        expected.lakePath = "/data"
        expected.format = .csv
        expected.inputs = [.command("SELECT 1"), .file("a.sql"), .command("SELECT 2")]
        expected.continueOnError = true
        expected.nullString = "NULL"
        XCTAssertEqual(command, .run(expected))
    }

    func testDefaults() throws {
        XCTAssertEqual(try CLIArguments.parse([]), .run(RunCommandOptions()))
    }

    func testHelpAndVersion() throws {
        XCTAssertEqual(try CLIArguments.parse(["--help"]), .help)
        XCTAssertEqual(try CLIArguments.parse(["-c", "x", "--version"]), .version)
    }

    func testSQLLogicTestCommand() throws {
        let command = try CLIArguments.parse(["sqllogictest", "--allow-failures", "--verbose", "--report", "r.md",
                                              "--timeout=5", "--file-timeout", "60", "--no-isolate", "a", "b/"])
        var expected = SQLLogicTestCommandOptions()
        expected.allowFailures = true
        expected.verbose = true
        expected.reportPath = "r.md"
        expected.timeoutSeconds = 5
        expected.fileTimeoutSeconds = 60
        expected.isolate = false
        expected.paths = ["a", "b/"]
        XCTAssertEqual(command, .sqllogictest(expected))
    }

    func testUsageErrors() {
        XCTAssertThrowsError(try CLIArguments.parse(["--bogus"])) { XCTAssertEqual($0 as? UsageError, UsageError("unknown option '--bogus'")) }
        XCTAssertThrowsError(try CLIArguments.parse(["--format", "xml"]))
        XCTAssertThrowsError(try CLIArguments.parse(["-c"])) { XCTAssertEqual($0 as? UsageError, UsageError("option '-c' needs a value")) }
        XCTAssertThrowsError(try CLIArguments.parse(["stray"]))
        XCTAssertThrowsError(try CLIArguments.parse(["--continue-on-error=yes"]))
        XCTAssertThrowsError(try CLIArguments.parse(["sqllogictest"]))
        XCTAssertThrowsError(try CLIArguments.parse(["sqllogictest", "--timeout", "soon", "x"]))
        XCTAssertThrowsError(try CLIArguments.parse(["sqllogictest", "--frobnicate", "x"]))
    }
}
