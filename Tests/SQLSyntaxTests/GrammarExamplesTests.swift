// Parses every example in Grammar/examples (one statement per file) and checks
// each one round-trips through the printer, so the documented grammar and the
// parser cannot drift apart. Also checks the EBNF file is present and names
// every statement kind the parser accepts.

import XCTest
import Foundation
import Columnar
@testable import SQLSyntax

final class GrammarExamplesTests: XCTestCase {
    /// <repo>/Grammar, found relative to this source file.
    private var grammarDirectory: URL {
        URL(fileURLWithPath: #filePath)
            .deletingLastPathComponent()   // SQLSyntaxTests
            .deletingLastPathComponent()   // Tests
            .deletingLastPathComponent()   // repo root
            .appendingPathComponent("Grammar")
    }

    func testEveryExampleParsesAndRoundTrips() throws {
        let examples = grammarDirectory.appendingPathComponent("examples")
        let files = try FileManager.default.contentsOfDirectory(atPath: examples.path).filter { $0.hasSuffix(".sql") }.sorted()
        XCTAssertGreaterThanOrEqual(files.count, 50)
        for file in files {
            let sql = try String(contentsOf: examples.appendingPathComponent(file), encoding: .utf8)
            do {
                let statements = try Parser.parse(sql)
                XCTAssertEqual(statements.count, 1, "\(file) must hold exactly one statement")
                guard let statement = statements.first?.statement else { continue }
                if case .empty = statement { XCTFail("\(file) is empty") }
                let printed = SQLPrinter.print(statement)
                let reparsed = try Parser.parse(printed)
                XCTAssertEqual(reparsed.first.map { SQLPrinter.print($0.statement) }, printed, "\(file) round trip")
            } catch {
                XCTFail("\(file): \(error)")
            }
        }
    }

    func testGrammarNamesEveryStatementKind() throws {
        let ebnf = try String(contentsOf: grammarDirectory.appendingPathComponent("lakesql.ebnf"), encoding: .utf8)
        for rule in ["insert_stmt", "create_table_stmt", "create_table_as_stmt", "create_view_stmt", "create_schema_stmt",
                     "drop_stmt", "explain_stmt", "set_stmt", "show_stmt", "reset_stmt", "transaction_stmt", "query",
                     "with_clause", "set_expr", "select_core", "from_item", "join_clause", "grouping_element",
                     "window_spec", "frame_clause", "special_function", "type_name", "interval_qualifier"] {
            XCTAssertTrue(ebnf.contains("\n" + rule + " ") || ebnf.contains("\n" + rule + "\t") || ebnf.contains("\n" + rule + "="),
                          "grammar rule \(rule) is missing")
        }
    }
}
