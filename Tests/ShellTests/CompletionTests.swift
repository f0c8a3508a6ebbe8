// Tab-completion candidates from the statement typed so far.

import XCTest
@testable import Shell

final class FixedCompletionSource: CompletionSource {
    func schemaNames() -> [String] { ["lake", "public"] }
    func relationNames() -> [(schema: String, name: String)] { [("lake", "customers"), ("lake", "orders"), ("public", "notes")] }
    func columnNames(schema: String?, relation: String) -> [String] {
        switch relation {
        case "orders": return ["order_id", "customer_id", "ordered_at", "status"]
        case "customers": return ["customer_id", "name", "country"]
        default: return []
        }
    }
    func functionNames() -> [String] { ["count", "coalesce", "concat", "generate_series", "read_parquet", "+"] }
}

final class CompletionTests: XCTestCase {
    let completer = Completer(source: FixedCompletionSource(), directory: "/")

    func testColumnsOfTablesInTheStatementComeFirst() {
        let c = completer.candidates(word: "c", before: "SELECT ", statement: "SELECT c FROM customers")
        XCTAssertEqual(Array(c.prefix(2)), ["customer_id", "country"])
        XCTAssertTrue(c.contains("count"))
        XCTAssertTrue(c.contains("coalesce"))
        XCTAssertTrue(c.contains("case"), "keywords follow the case typed: \(c)")
        XCTAssertFalse(c.contains("CASE"))
    }

    func testRelationsAfterFromAndJoin() {
        XCTAssertEqual(completer.candidates(word: "or", before: "SELECT * FROM ", statement: "SELECT * FROM or"), ["orders"])
        let afterJoin = completer.candidates(word: "", before: "SELECT * FROM orders o JOIN ", statement: "SELECT * FROM orders o JOIN ")
        XCTAssertTrue(afterJoin.contains("customers"))
        XCTAssertTrue(afterJoin.contains("lake."))
        XCTAssertTrue(afterJoin.contains("generate_series"))
        XCTAssertFalse(afterJoin.contains("SELECT"))
        XCTAssertEqual(completer.candidates(word: "no", before: "SELECT * FROM orders, ", statement: "SELECT * FROM orders, no"), ["notes"])
    }

    func testQualifiedNames() {
        XCTAssertEqual(completer.candidates(word: "lake.cu", before: "SELECT * FROM ", statement: "SELECT * FROM lake.cu"), ["lake.customers"])
        XCTAssertEqual(completer.candidates(word: "o.st", before: "SELECT ", statement: "SELECT o.st FROM orders AS o"), ["o.status"])
        XCTAssertEqual(completer.candidates(word: "orders.o", before: "SELECT ", statement: "SELECT orders.o FROM lake.orders"),
                       ["orders.order_id", "orders.ordered_at"])
    }

    func testKeywordsUpperCaseWhenTypedSo() {
        let c = completer.candidates(word: "SEL", before: "", statement: "SEL")
        XCTAssertEqual(c, ["SELECT"])
    }

    func testMetaCommands() {
        XCTAssertEqual(completer.candidates(word: "\\d", before: "", statement: "\\d"),
                       ["\\d", "\\df", "\\dn", "\\dp", "\\dt", "\\du", "\\dv"])
        XCTAssertEqual(completer.candidates(word: "cu", before: "\\d ", statement: "\\d cu"), ["customers"])
    }

    func testFilePathsInsideQuotes() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("complete-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("data"), withIntermediateDirectories: true)
        FileManager.default.createFile(atPath: dir.appendingPathComponent("data/events.parquet").path, contents: Data())
        FileManager.default.createFile(atPath: dir.appendingPathComponent("day.sql").path, contents: Data())
        defer { try? FileManager.default.removeItem(at: dir) }
        let local = Completer(source: FixedCompletionSource(), directory: dir.path)
        XCTAssertEqual(local.candidates(word: "d", before: "SELECT * FROM read_parquet('", statement: "SELECT * FROM read_parquet('d"),
                       ["data/", "day.sql"])
        XCTAssertEqual(local.candidates(word: "data/e", before: "SELECT * FROM '", statement: "SELECT * FROM 'data/e"),
                       ["data/events.parquet"])
        XCTAssertEqual(local.candidates(word: "da", before: "\\i ", statement: "\\i da"), ["data/", "day.sql"])
    }

    func testTableReferencesWithAliases() {
        let refs = CompletionTokens.tableReferences("SELECT * FROM lake.orders o JOIN customers AS c ON o.customer_id = c.customer_id, notes WHERE 1 = 1")
        XCTAssertEqual(refs, [.init(schema: "lake", name: "orders", alias: "o"), .init(schema: nil, name: "customers", alias: "c"),
                              .init(schema: nil, name: "notes", alias: nil)])
        XCTAssertEqual(CompletionTokens.tableReferences("SELECT * FROM generate_series(1, 3) g"), [])
    }
}
