// Parsing of the REPL's backslash commands and psql-style variable interpolation.

import XCTest
@testable import Shell

final class MetaCommandTests: XCTestCase {
    func testEverySpelling() throws {
        XCTAssertEqual(try MetaCommandParser.parse("\\?"), .help)
        XCTAssertEqual(try MetaCommandParser.parse("  \\q"), .quit)
        XCTAssertEqual(try MetaCommandParser.parse("\\d"), .describe(nil))
        XCTAssertEqual(try MetaCommandParser.parse("\\d orders"), .describe("orders"))
        XCTAssertEqual(try MetaCommandParser.parse("\\d+ orders"), .describe("orders"))
        XCTAssertEqual(try MetaCommandParser.parse("\\dt ord*"), .listTables("ord*"))
        XCTAssertEqual(try MetaCommandParser.parse("\\dv"), .listViews(nil))
        XCTAssertEqual(try MetaCommandParser.parse("\\df sum"), .listFunctions("sum"))
        XCTAssertEqual(try MetaCommandParser.parse("\\dn"), .listSchemas(nil))
        XCTAssertEqual(try MetaCommandParser.parse("\\du"), .listRoles(nil))
        XCTAssertEqual(try MetaCommandParser.parse("\\dp"), .listPrivileges(nil))
        XCTAssertEqual(try MetaCommandParser.parse("\\timing"), .timing(.toggle))
        XCTAssertEqual(try MetaCommandParser.parse("\\timing off"), .timing(.off))
        XCTAssertEqual(try MetaCommandParser.parse("\\x"), .expanded(nil))
        XCTAssertEqual(try MetaCommandParser.parse("\\x auto"), .expanded(.auto))
        XCTAssertEqual(try MetaCommandParser.parse("\\o"), .output(nil))
        XCTAssertEqual(try MetaCommandParser.parse("\\o 'out file.txt'"), .output("out file.txt"))
        XCTAssertEqual(try MetaCommandParser.parse("\\i q.sql"), .include("q.sql"))
        XCTAssertEqual(try MetaCommandParser.parse("\\watch 0.5"), .watch(seconds: 0.5))
        XCTAssertEqual(try MetaCommandParser.parse("\\watch"), .watch(seconds: 2))
        XCTAssertEqual(try MetaCommandParser.parse("\\set"), .set(name: nil, value: ""))
        XCTAssertEqual(try MetaCommandParser.parse("\\set day '2026-11-03'"), .set(name: "day", value: "2026-11-03"))
        XCTAssertEqual(try MetaCommandParser.parse("\\unset day"), .unset("day"))
        XCTAssertEqual(try MetaCommandParser.parse("\\pset format csv"), .pset(option: "format", value: "csv"))
        XCTAssertEqual(try MetaCommandParser.parse("\\pset"), .pset(option: nil, value: nil))
        XCTAssertEqual(try MetaCommandParser.parse("\\conninfo"), .conninfo)
        XCTAssertEqual(try MetaCommandParser.parse("\\q;"), .quit)
    }

    func testBadInputIsAnErrorNotACrash() {
        let bad = ["\\bogus", "\\i", "\\watch soon", "\\watch -1", "\\watch 0", "\\x sideways", "\\timing maybe",
                   "\\o 'unterminated", "\\set 1x y", "\\q now", "\\pset a b c", "\\unset", "\\d a b"]
        for line in bad {
            XCTAssertThrowsError(try MetaCommandParser.parse(line), line) { XCTAssertTrue($0 is MetaCommandError, line) }
        }
        XCTAssertEqual((try? MetaCommandParser.parse("\\bogus")) ?? .help, .help)
        XCTAssertThrowsError(try MetaCommandParser.parse("\\bogus")) {
            XCTAssertEqual(($0 as? MetaCommandError)?.message, "invalid command \\bogus\nTry \\? for help.")
        }
    }

    func testVariablesAreInterpolatedOnlyOutsideQuotes() {
        let vars = ["day": "2026-11-03", "n": "5", "col": "order id"]
        XCTAssertEqual(VariableInterpolation.apply("SELECT :n, :'day', :\"col\"", variables: vars),
                       "SELECT 5, '2026-11-03', \"order id\"")
        XCTAssertEqual(VariableInterpolation.apply("SELECT ':n', 1::int, :unknown -- :n", variables: vars),
                       "SELECT ':n', 1::int, :unknown -- :n")
        XCTAssertEqual(VariableInterpolation.apply("SELECT $$ :n $$, :n", variables: vars), "SELECT $$ :n $$, 5")
        XCTAssertEqual(VariableInterpolation.apply("SELECT :'day'", variables: ["day": "it's"]), "SELECT 'it''s'")
    }

    func testNamePatterns() {
        XCTAssertTrue(NamePattern("ord*").matches(schema: "lake", name: "orders"))
        XCTAssertTrue(NamePattern("ORD*").matches(schema: "lake", name: "order_items"))
        XCTAssertFalse(NamePattern("ord*").matches(schema: "lake", name: "products"))
        XCTAssertTrue(NamePattern("lake.?roducts").matches(schema: "lake", name: "products"))
        XCTAssertFalse(NamePattern("public.products").matches(schema: "lake", name: "products"))
        XCTAssertTrue(NamePattern("orders").matches(schema: "public", name: "orders"))
        XCTAssertFalse(NamePattern("orders").matches(schema: "public", name: "orders2"))
    }
}
