// Lake listing (tables named after folders and files, hidden names ignored,
// new files visible to the next lookup) and glob matching and expansion.

import Columnar
import Foundation
import Lake
import Planner
import XCTest

final class ListingAndGlobTests: XCTestCase {
    func testLakeTablesAreFoldersAndFilesLowerCased() throws {
        let dir = try LakeFixtures.temporaryDirectory()
        try LakeFixtures.copy(LakeFixtures.tests + "/stats/data.parquet", to: dir + "/Sales/part-0.parquet")
        try LakeFixtures.write("a,b\n1,2\n", to: dir + "/Small.CSV")
        try LakeFixtures.write("junk", to: dir + "/_ignored/x.parquet")
        try LakeFixtures.write("junk", to: dir + "/.hidden.parquet")
        try LakeFixtures.write("not data", to: dir + "/notes.md")
        let lake = try LakeCatalog(root: dir)
        XCTAssertEqual(try lake.tables().map(\.name), ["sales", "small"])
        guard case .table(let small)? = try lake.lookup(schema: nil, name: "small") else { return XCTFail("no small") }
        XCTAssertEqual(try scan(small).rows, [[.int(1), .int(2)]])
        XCTAssertNil(try lake.lookup(schema: nil, name: "_ignored"))
        XCTAssertNil(try lake.lookup(schema: "other", name: "sales"))
        XCTAssertNotNil(try lake.lookup(schema: "lake", name: "sales"))
    }

    func testNewFileIsVisibleToTheNextLookupAndHiddenFilesAreIgnored() throws {
        let dir = try LakeFixtures.temporaryDirectory()
        try LakeFixtures.copy(LakeFixtures.tests + "/stats/data.parquet", to: dir + "/t/part-0.parquet")
        try LakeFixtures.write("not parquet", to: dir + "/t/_SUCCESS")
        try LakeFixtures.write("not parquet", to: dir + "/t/.part-1.parquet.crc")
        let lake = try LakeCatalog(root: dir)
        guard case .table(let before)? = try lake.lookup(schema: nil, name: "t") else { return XCTFail("no t") }
        XCTAssertEqual(try scan(before, columns: [0]).rows.count, 40)
        try LakeFixtures.copy(LakeFixtures.tests + "/stats/data.parquet", to: dir + "/t/sub/part-1.parquet")
        guard case .table(let after)? = try lake.lookup(schema: nil, name: "t") else { return XCTFail("no t") }
        XCTAssertEqual(try scan(after, columns: [0]).rows.count, 80)
    }

    func testMissingLakeFolderIsAnError() {
        assertSQLError(SQLState.undefinedFile) { _ = try LakeCatalog(root: "/nonexistent/lake") }
    }

    func testGlobMatching() {
        XCTAssertTrue(Glob.matches("part-0.parquet", pattern: "*.parquet"))
        XCTAssertTrue(Glob.matches("part-0.parquet", pattern: "part-?.parquet"))
        XCTAssertFalse(Glob.matches("part-10.parquet", pattern: "part-?.parquet"))
        XCTAssertTrue(Glob.matches("b.csv", pattern: "[abc].csv"))
        XCTAssertFalse(Glob.matches("d.csv", pattern: "[abc].csv"))
        XCTAssertTrue(Glob.matches("d.csv", pattern: "[!abc].csv"))
        XCTAssertTrue(Glob.matches("k.csv", pattern: "[a-m].csv"))
        XCTAssertFalse(Glob.matches("x.csv", pattern: "[a-m].csv"))
        XCTAssertTrue(Glob.matches("aXbXc", pattern: "a*b*c"))
        XCTAssertFalse(Glob.matches("aXbXd", pattern: "a*b*c"))
        XCTAssertTrue(Glob.matches("[x", pattern: "[x"), "an unterminated class is literal")
        XCTAssertTrue(Glob.matches("", pattern: "*"))
    }

    func testGlobExpansion() throws {
        let base = LakeFixtures.tests + "/hive"
        XCTAssertEqual(try Glob.expand(base + "/**/*.parquet").count, 6)
        XCTAssertEqual(try Glob.expand(base + "/k=[12]/*/*.parquet").count, 4)
        XCTAssertEqual(try Glob.expand(base + "/k=?/region=eu/part-0.parquet").map { $0.path },
                       [base + "/k=1/region=eu/part-0.parquet", base + "/k=2/region=eu/part-0.parquet"])
        XCTAssertEqual(try Glob.expand(base + "/**").count, 6)
        XCTAssertEqual(try Glob.expand(LakeFixtures.tests + "/nothing-here/*.parquet").count, 0)
    }

    /// Two files whose names differ only in Unicode normalisation (é composed and decomposed)
    /// are two files, found by a wildcard and by `**` alike.
    func testGlobKeepsNamesThatDifferOnlyInNormalisation() throws {
        let dir = try LakeFixtures.temporaryDirectory()
        try LakeFixtures.write("a\n1\n", to: dir + "/caf\u{E9}.csv")
        try LakeFixtures.write("a\n2\n", to: dir + "/cafe\u{301}.csv")
        XCTAssertEqual(try Glob.expand(dir + "/*.csv").count, 2)
        XCTAssertEqual(try Glob.expand(dir + "/**").count, 2)
    }

    func testReadParquetTableFunction() throws {
        let fns = LakeTableFunctions()
        let glob = try fns.tableFunction(name: "read_parquet", arguments: [.string(LakeFixtures.tests + "/hive/*/*/*.parquet")], named: [:])
        XCTAssertEqual(glob?.fields.map(\.name), ["v", "k", "region"])
        let plain = try fns.tableFunction(name: "read_parquet", arguments: [.string(LakeFixtures.tests + "/hive/*/*/*.parquet")],
                                          named: ["hive_partitioning": .bool(false)])
        XCTAssertEqual(plain?.fields.map(\.name), ["v"])
        let list = try fns.tableFunction(name: "read_parquet", arguments: [.list([.string(LakeFixtures.tests + "/evolve/a.parquet"),
                                                                                 .string(LakeFixtures.tests + "/evolve/b.parquet")])],
                                         named: ["union_by_name": .bool(false)])
        XCTAssertEqual(list?.fields.map(\.name), ["id", "x", "name"], "without union_by_name the first file's columns define the table")
        XCTAssertEqual(try list.map { try scan($0).rows.count }, 5)
        let auto = try fns.tableFunction(name: "read_auto", arguments: [.string(LakeFixtures.tests + "/text/sales.csv")], named: [:])
        XCTAssertEqual(auto?.fields.first?.name, "id")
        XCTAssertNil(try fns.tableFunction(name: "generate_series", arguments: [], named: [:]))
        assertSQLError(SQLState.undefinedFile) {
            _ = try fns.tableFunction(name: "read_parquet", arguments: [.string(LakeFixtures.tests + "/none/*.parquet")], named: [:])
        }
        assertSQLError(SQLState.invalidParameterValue, contains: ["bogus"]) {
            _ = try fns.tableFunction(name: "read_parquet", arguments: [.string(LakeFixtures.tests + "/evolve")], named: ["bogus": .int(1)])
        }
    }

    func testFormatsByExtensionAndTableNames() {
        XCTAssertEqual(LakeFormat.of("a/b/part-0.parquet"), .parquet)
        XCTAssertEqual(LakeFormat.of("x.CSV.gz"), .csv)
        XCTAssertEqual(LakeFormat.of("x.ndjson.zst"), .json)
        XCTAssertNil(LakeFormat.of("README.md"))
        XCTAssertEqual(LakeFormat.stripExtensions("Sales.csv.gz"), "Sales")
        XCTAssertEqual(LakeFormat.stripExtensions("events.jsonl"), "events")
    }

    func testPartitionKeyThatIsAlsoAFileColumnKeepsTheFileValue() throws {
        let dir = try LakeFixtures.temporaryDirectory()
        try LakeFixtures.write("v,k\n1,7\n", to: dir + "/t/k=1/a.csv")
        try LakeFixtures.write("{\"a\": 1}\n{\"a\": 2, \"b\": [1]}\n", to: dir + "/j/day=2024-01-02/x.jsonl")
        let lake = try LakeCatalog(root: dir)
        guard case .table(let t)? = try lake.lookup(schema: nil, name: "t"),
              case .table(let j)? = try lake.lookup(schema: nil, name: "j") else { return XCTFail("tables missing") }
        XCTAssertEqual(t.fields.map(\.name), ["v", "k"])
        XCTAssertEqual(try scan(t).rows, [[.int(1), .int(7)]])
        XCTAssertEqual(j.fields.map(\.name), ["a", "b", "day"])
        XCTAssertEqual(j.fields.map(\.type), [.int64, .json, .date])
        XCTAssertEqual(try scan(j, columns: [2, 0]).rows, [[days(2024, 1, 2), .int(1)], [days(2024, 1, 2), .int(2)]])
    }

    func testReadCSVIgnoreErrorsAndReadJSONFunctions() throws {
        let dir = try LakeFixtures.temporaryDirectory()
        try LakeFixtures.write("a,b\n1,2\n3\n4,5\n", to: dir + "/bad.csv")
        try LakeFixtures.write("{\"x\": \"y\"}\n", to: dir + "/data.txt")
        let fns = LakeTableFunctions()
        guard let strict = try fns.tableFunction(name: "read_csv", arguments: [.string(dir + "/bad.csv")], named: [:]),
              let lenient = try fns.tableFunction(name: "read_csv", arguments: [.string(dir + "/bad.csv")], named: ["ignore_errors": .bool(true)]),
              let json = try fns.tableFunction(name: "read_json", arguments: [.string(dir + "/data.txt")], named: [:]) else { return XCTFail() }
        assertSQLError("22P04", contains: ["bad.csv", "line 3"]) { _ = try scan(strict) }
        XCTAssertEqual(try scan(lenient).rows, [[.int(1), .int(2)], [.int(4), .int(5)]])
        XCTAssertEqual(try scan(json).rows, [[.string("y")]])
        guard let typed = try fns.tableFunction(name: "read_csv", arguments: [.string(dir + "/bad.csv")],
                                                named: ["columns": .list([.string("a text"), .string("b integer")]), "header": .bool(true),
                                                        "ignore_errors": .bool(true)]) else { return XCTFail() }
        XCTAssertEqual(typed.fields.map(\.type), [.text, .int32])
        XCTAssertEqual(try scan(typed).rows, [[.string("1"), .int(2)], [.string("4"), .int(5)]])
    }
}
