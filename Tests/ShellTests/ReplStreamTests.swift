// The REPL driver without a terminal: lines in, statements run as their `;`
// arrives, meta commands, errors stopping (or not) the stream.

import XCTest
@testable import Shell
import Engine

final class ReplStreamTests: XCTestCase {
    func run(_ lines: [String], format: ReplFormat = .csv, continueOnError: Bool = false) throws -> (status: Int32, out: String, err: String) {
        let out = StringSink(), err = StringSink()
        let repl = Repl(session: try Database().connect(), settings: ReplSettings(format: format, nullDisplay: "", timing: false, pager: false),
                        interactive: false, continueOnError: continueOnError, output: out, errors: err)
        var remaining = lines[...]
        let status = repl.runStream { remaining.popFirst() }
        return (status, out.text, err.text)
    }

    func testEachStatementRunsWhenItsSemicolonArrives() throws {
        let out = StringSink(), err = StringSink()
        let repl = Repl(session: try Database().connect(), settings: ReplSettings(format: .csv, nullDisplay: "", timing: false, pager: false),
                        interactive: false, output: out, errors: err)
        var seenBeforeSecondLine = ""
        var lines = ["SELECT 1 AS a;", "SELECT 2", "AS b;"][...]
        var count = 0
        _ = repl.runStream {
            count += 1
            if count == 2 { seenBeforeSecondLine = out.text }
            return lines.popFirst()
        }
        XCTAssertEqual(seenBeforeSecondLine, "a\n1\n")
        XCTAssertEqual(out.text, "a\n1\nb\n2\n")
    }

    func testErrorsStopUnlessContinuing() throws {
        let stopped = try run(["SELECT 1 AS a;", "SELEC 2;", "SELECT 3 AS c;"])
        XCTAssertEqual(stopped.status, 1)
        XCTAssertEqual(stopped.out, "a\n1\n")
        XCTAssertTrue(stopped.err.contains("SQLSTATE: 42601"))
        XCTAssertTrue(stopped.err.contains("LINE 1: SELEC 2;\n        ^"))
        let continued = try run(["SELECT 1 AS a;", "SELEC 2;", "SELECT 3 AS c"], continueOnError: true)
        XCTAssertEqual(continued.status, 1)
        XCTAssertEqual(continued.out, "a\n1\nc\n3\n")
        XCTAssertEqual(try run(["\\bogus", "SELECT 1;"]).status, 1)
        XCTAssertEqual(try run(["\\bogus", "SELECT 1 AS x;"], continueOnError: true).out, "x\n1\n")
    }

    func testMetaCommandsInAStream() throws {
        let r = try run(["\\set n 41", "SELECT :n + 1 AS answer;", "\\pset format box", "SELECT NULL AS z; \\q", "SELECT 'never';"])
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertTrue(r.out.hasPrefix("answer\n42\nOutput format is box.\n"), r.out)
        XCTAssertTrue(r.out.contains("│ ∅ │") == false && r.out.contains("│   │"), r.out)
        XCTAssertFalse(r.out.contains("never"))
        let described = try run(["CREATE TABLE t (id integer NOT NULL);", "\\d t", "\\dt", "\\du", "\\d missing"], format: .aligned)
        XCTAssertTrue(described.out.contains("Table \"public.t\""), described.out)
        XCTAssertTrue(described.out.contains("│ id     │ integer │ not null │"), described.out)
        XCTAssertTrue(described.out.contains("no governance catalog attached"))
        XCTAssertTrue(described.err.contains("Did not find any relation named \"missing\"."))
        XCTAssertEqual(described.status, 1)
    }

    func testAStatementOverManyPipedLines() throws {
        // Nothing per line may look at the whole pending statement (that made piping a dump quadratic).
        let lines = ["CREATE TABLE t (a integer);", "INSERT INTO t VALUES"] + (0..<20_000).map { "(\($0))," } + ["(0);", "SELECT count(*) AS n FROM t;"]
        let r = try run(lines)
        XCTAssertEqual(r.status, 0, r.err)
        XCTAssertEqual(r.out, "n\n20001\n")
    }

    func testIdentityIsReReadOnlyAfterSetOrReset() {
        XCTAssertTrue(Repl.mayChangeIdentity("SET ROLE analyst;"))
        XCTAssertTrue(Repl.mayChangeIdentity("  reset role"))
        XCTAssertFalse(Repl.mayChangeIdentity("SELECT 1"))
        XCTAssertFalse(Repl.mayChangeIdentity("settings"))
    }
}
