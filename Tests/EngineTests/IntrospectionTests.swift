// Engine's introspection API (what \d and tab completion read) and the
// progress counters scans report for the REPL's progress bar.

import XCTest
import Columnar
@testable import Engine

final class IntrospectionTests: XCTestCase {
    let demo = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Fixtures/demo").standardized.path

    func testSchemasRelationsAndColumns() throws {
        let session = try Database(options: DatabaseOptions(lakePath: demo)).connect()
        _ = try session.execute("CREATE TABLE notes (id integer NOT NULL, body text)").allRows()
        _ = try session.execute("CREATE VIEW big AS SELECT order_id, total FROM orders WHERE total > 1000").allRows()
        let intro = session.introspection
        XCTAssertEqual(intro.schemas(), ["information_schema", "lake", "pg_catalog", "public"])
        let relations = intro.relations()
        XCTAssertTrue(relations.contains(RelationInfo(schema: "public", name: "notes", kind: .table)))
        XCTAssertEqual(relations.first { $0.name == "big" }?.kind, .view)
        XCTAssertEqual(relations.first { $0.name == "big" }?.definition, "SELECT order_id, total FROM orders WHERE total > 1000")
        XCTAssertEqual(relations.filter { $0.kind == .lakeTable }.map(\.name),
                       ["customers", "events", "order_items", "orders", "products", "reviews", "shipments"])
        XCTAssertEqual(try intro.columns(schema: nil, name: "notes"),
                       [ColumnInfo(name: "id", type: "integer", nullable: false), ColumnInfo(name: "body", type: "text", nullable: true)])
        XCTAssertEqual(try intro.columns(schema: nil, name: "big").map(\.name), ["order_id", "total"])
        XCTAssertEqual(try intro.columns(schema: "lake", name: "orders").first, ColumnInfo(name: "order_id", type: "bigint", nullable: true))
        XCTAssertEqual(intro.relation(schema: nil, name: "orders")?.kind, .lakeTable)
        XCTAssertNil(intro.relation(schema: nil, name: "nope"))
        XCTAssertThrowsError(try intro.columns(schema: nil, name: "nope")) {
            XCTAssertEqual(($0 as? SQLError)?.sqlState, SQLState.undefinedTable)
        }
        // A quoted odd name is not SQL injection: it is looked up as a name.
        XCTAssertThrowsError(try intro.columns(schema: nil, name: "x\"; DROP TABLE notes; --"))
        XCTAssertNotNil(intro.relation(schema: "public", name: "notes"))
    }

    func testLakeTablesAreListedWithAGovernanceCatalogAttached() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("introspection-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let database = try Database(options: DatabaseOptions(lakePath: demo, catalogPath: folder.appendingPathComponent("catalog.db").path))
        let session = database.connect()
        XCTAssertEqual(session.introspection.relations().filter { $0.kind == .lakeTable }.count, 7)
        XCTAssertTrue(session.introspection.schemas().contains("lake"))
        // pg_catalog sees them too (it looks the lake up the same way).
        let rows = try session.execute("SELECT count(*) FROM pg_catalog.pg_class WHERE relname = 'shipments'").allRows()
        XCTAssertEqual(rows.first?.first, .int(1))
    }

    func testFunctionsListKinds() throws {
        let functions = try Database().connect().introspection.functions()
        XCTAssertTrue(functions.contains(FunctionInfo(name: "lower", kind: .function)))
        XCTAssertTrue(functions.contains(FunctionInfo(name: "sum", kind: .aggregate)))
        XCTAssertTrue(functions.contains(FunctionInfo(name: "row_number", kind: .window)))
        XCTAssertTrue(functions.contains(FunctionInfo(name: "read_parquet", kind: .table)))
        XCTAssertEqual(functions.map(\.name), functions.map(\.name).sorted())
    }

    func testScansReportProgress() throws {
        let session = try Database(options: DatabaseOptions(lakePath: demo)).connect()
        let result = try session.execute("SELECT count(*) FROM events")
        XCTAssertEqual(session.progress.snapshot.morselsDone, 0)
        let rows = try result.allRows()
        let done = session.progress.snapshot
        XCTAssertGreaterThan(done.morselsTotal, 1)
        XCTAssertEqual(done.morselsDone, done.morselsTotal)
        guard case .int(let n)? = rows.first?.first else { return XCTFail("no count") }
        XCTAssertEqual(done.rowsScanned, Int(n))
        XCTAssertEqual(done.fraction, 1)
        // The next statement starts from zero.
        _ = try session.execute("SELECT 1").allRows()
        XCTAssertEqual(session.progress.snapshot.morselsTotal, 0)
    }
}
