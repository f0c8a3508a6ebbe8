// CSV (quoting, sniffing of delimiter, header and types, compression,
// errors) and NDJSON (schema inference, nested values, errors) readers.

import Columnar
import Formats
import Foundation
import Lake
import Planner
import XCTest

final class TextFormatTests: XCTestCase {
    func csv(_ text: String, _ options: CSVOptions = .init()) throws -> CSVFile {
        try CSVFile(bytes: Array(text.utf8), name: "test.csv", options: options)
    }

    func rows(_ f: CSVFile) throws -> [[Value]] {
        try f.read(columns: Array(0..<f.fields.count)).flatMap { b in (0..<b.count).map { b.row($0) } }
    }

    func testQuotedFieldsSniffedTypesAndCompression() throws {
        let ts1 = try ValueText.parseTimestamp("2024-01-31 10:00:00", withZone: false, sessionOffset: 0)
        for suffix in ["", ".gz", ".zst"] {
            let f = try CSVFile(path: LakeFixtures.tests + "/text/sales.csv" + suffix)
            XCTAssertEqual(f.delimiter, UInt8(ascii: ";"))
            XCTAssertTrue(f.hasHeader)
            XCTAssertEqual(f.fields.map(\.name), ["id", "name", "price", "active", "day", "ts"])
            XCTAssertEqual(f.fields.map(\.type), [.int64, .text, .float64, .boolean, .date, .timestamp])
            let r = try rows(f)
            XCTAssertEqual(r.count, 3, suffix)
            XCTAssertEqual(r[0], [.int(1), .string("Smith; John"), .double(1.5), .bool(true), days(2024, 1, 31), .int(ts1)])
            XCTAssertEqual(r[1][1], .string("say \"hi\"\nthere"))
            XCTAssertEqual(r[2], [.int(3), .null, .null, .null, .null, .null])
        }
    }

    func testHeaderlessNumericFileAndCRLF() throws {
        let f = try csv("1,2.5\r\n3,4\r\n")
        XCTAssertFalse(f.hasHeader)
        XCTAssertEqual(f.fields.map(\.name), ["column0", "column1"])
        XCTAssertEqual(try rows(f), [[.int(1), .double(2.5)], [.int(3), .double(4)]])
        let tabs = try csv("a\tb\nx\t1\n")
        XCTAssertEqual(tabs.delimiter, UInt8(ascii: "\t"))
        XCTAssertEqual(tabs.fields.map(\.type), [.text, .int64])
        XCTAssertEqual(try csv("x|y|z\n1|2|3\n").delimiter, UInt8(ascii: "|"))
    }

    func testExplicitOptions() throws {
        var o = CSVOptions()
        o.header = false
        o.delimiter = UInt8(ascii: ",")
        o.columns = [Field(name: "a", type: .text), Field(name: "b", type: .int64)]
        let f = try csv("1,2\n3,4\n", o)
        XCTAssertEqual(try rows(f), [[.string("1"), .int(2)], [.string("3"), .int(4)]])
        // The quote character can be changed; `''` inside quotes is one quote.
        var q = CSVOptions()
        q.quote = UInt8(ascii: "'")
        XCTAssertEqual(try rows(try csv("name,n\n'it''s, ok',1\n", q)), [[.string("it's, ok"), .int(1)]])
    }

    func testQuoteIsSniffed() throws {
        // Single quotes that alone split the records consistently.
        let single = try csv("id;name;note\n1;'Smith; John';'it''s'\n2;'x';'y'\n")
        XCTAssertEqual(single.quote, UInt8(ascii: "'"))
        XCTAssertEqual(single.delimiter, UInt8(ascii: ";"))
        XCTAssertEqual(try rows(single), [[.int(1), .string("Smith; John"), .string("it's")], [.int(2), .string("x"), .string("y")]])
        // Apostrophes in text do not make `'` the quote when `"` splits the records as well.
        let double = try csv("id,name\n1,O'Brien\n2,\"Doe, Jane\"\n3,'tis\n")
        XCTAssertEqual(double.quote, UInt8(ascii: "\""))
        XCTAssertEqual(try rows(double).map { $0[1] }, [.string("O'Brien"), .string("Doe, Jane"), .string("'tis")])
        // A quote given by the caller is kept (the single quotes stay part of the values).
        var given = CSVOptions()
        given.quote = UInt8(ascii: "\"")
        given.sniffQuote = false
        given.delimiter = UInt8(ascii: ";")
        XCTAssertEqual(try rows(try csv("a;b\n'x';'y'\n", given)), [[.string("'x'"), .string("'y'")]])
        // Through read_csv: an explicit quote turns sniffing off.
        let dir = try LakeFixtures.temporaryDirectory()
        try LakeFixtures.write("a|b\n'p|q'|1\n'r'|2\n", to: dir + "/s.csv")
        let sniffed = try XCTUnwrap(LakeTableFunctions().tableFunction(name: "read_csv", arguments: [.string(dir + "/s.csv")], named: [:]))
        XCTAssertEqual(try scan(sniffed).rows.map { $0[0] }, [.string("p|q"), .string("r")])
        let explicit = try XCTUnwrap(LakeTableFunctions().tableFunction(name: "read_csv", arguments: [.string(dir + "/s.csv")],
                                                     named: ["quote": .string("\""), "delim": .string("|"), "ignore_errors": .bool(true)]))
        XCTAssertEqual(try scan(explicit).rows.map { $0[0] }, [.string("'r'")], "'p|q' splits into three fields and is skipped")
    }

    func testMalformedRowsReportFileAndLineOrAreSkipped() throws {
        let text = "a,b\n1,2\n3\n5,6\n"
        assertSQLError("22P04", contains: ["test.csv", "line 3"]) { _ = try self.rows(try self.csv(text)) }
        var o = CSVOptions()
        o.ignoreErrors = true
        XCTAssertEqual(try rows(try csv(text, o)), [[.int(1), .int(2)], [.int(5), .int(6)]])
        assertSQLError("22P04", contains: ["unterminated"]) { _ = try self.rows(try self.csv("a,b\n1,\"open\n")) }
        // A value beyond the type-sniffing sample that does not fit its column.
        var small = CSVOptions()
        small.sampleRows = 2
        let late = "a,b\n1,x\n2,y\nthree,z\n"
        assertSQLError(SQLState.invalidTextRepresentation, contains: ["line 4", "\"a\""]) { _ = try self.rows(try self.csv(late, small)) }
        small.ignoreErrors = true
        XCTAssertEqual(try rows(try csv(late, small)), [[.int(1), .string("x")], [.int(2), .string("y")]])
        assertSQLError("22P04") { _ = try self.csv("") }
    }

    func testReadCSVTableFunctionWithOptions() throws {
        let dir = try LakeFixtures.temporaryDirectory()
        try LakeFixtures.write("x;y\n1;2\n", to: dir + "/part=1/a.csv")
        try LakeFixtures.write("x;y\n3;4\n", to: dir + "/part=2/b.csv")
        let fns = LakeTableFunctions()
        guard let t = try fns.tableFunction(name: "read_csv", arguments: [.string(dir + "/*/*.csv")],
                                            named: ["delim": .string(";"), "header": .bool(true)]) else { return XCTFail() }
        XCTAssertEqual(t.fields.map(\.name), ["x", "y", "part"])
        XCTAssertEqual(try scan(t).rows.sorted { "\($0)" < "\($1)" }, [[.int(1), .int(2), .int(1)], [.int(3), .int(4), .int(2)]])
        let (pruned, stats) = try scan(t, predicates: [.compare(column: 2, op: .eq, value: .int(2))])
        XCTAssertEqual(pruned, [[.int(3), .int(4), .int(2)]])
        XCTAssertEqual(stats.filesSkipped, 1)
    }

    func testNDJSONInferenceAndValues() throws {
        let text = """
        {"id": 1, "v": 1, "name": "a\\u00e9\\n", "ok": true, "tags": ["x", {"y": 2}]}
        {"v": 2.5, "id": 2, "extra": null, "ok": false}

        {"id": 3, "name": null, "tags": {"k": "}"}, "mixed": 1}
        {"id": 4, "mixed": "one"}
        """
        let f = try NDJSONFile(bytes: Array(text.utf8), name: "t.json")
        XCTAssertEqual(f.fields.map(\.name), ["id", "v", "name", "ok", "tags", "extra", "mixed"])
        XCTAssertEqual(f.fields.map(\.type), [.int64, .float64, .text, .boolean, .json, .text, .json])
        let r = try f.read(columns: [0, 1, 2, 3, 4, 6]).flatMap { b in (0..<b.count).map { b.row($0) } }
        XCTAssertEqual(r.count, 4)
        XCTAssertEqual(r[0], [.int(1), .double(1), .string("aé\n"), .bool(true), .string("[\"x\", {\"y\": 2}]"), .null])
        XCTAssertEqual(r[1], [.int(2), .double(2.5), .null, .bool(false), .null, .null])
        XCTAssertEqual(r[2][4], .string("{\"k\": \"}\"}"))
        XCTAssertEqual(r[2][5], .string("1"))
        XCTAssertEqual(r[3][5], .string("\"one\""))
        // Projection of a later column only.
        let only = try f.read(columns: [6]).flatMap { b in (0..<b.count).map { b.row($0) } }
        XCTAssertEqual(only.map { $0[0] }, [.null, .null, .string("1"), .string("\"one\"")])
    }

    func testJSONArrayFileAndErrors() throws {
        let arr = try NDJSONFile(bytes: Array("[{\"a\": 1}, {\"a\": 2}]".utf8), name: "a.json")
        XCTAssertEqual(try arr.read(columns: [0]).first.map { b in (0..<b.count).map { b.row($0)[0] } }, [.int(1), .int(2)])
        assertSQLError(SQLState.invalidTextRepresentation, contains: ["line 2"]) {
            _ = try NDJSONFile(bytes: Array("{\"a\": 1}\n{\"a\": tru}\n".utf8), name: "bad.json")
        }
        assertSQLError(SQLState.invalidTextRepresentation) {
            _ = try NDJSONFile(bytes: Array("{\"a\": \"unterminated}\n".utf8), name: "bad.json")
        }
        assertSQLError("22P04") { _ = try NDJSONFile(bytes: [], name: "empty.json") }
        // A value beyond the inference sample that does not fit its column is an error, not a silent NULL.
        let late = try NDJSONFile(bytes: Array("{\"a\": 1}\n{\"a\": 2}\n{\"a\": 2.5}\n".utf8), name: "late.json", sampleRows: 2)
        XCTAssertEqual(late.fields.map(\.type), [.int64])
        assertSQLError(SQLState.invalidTextRepresentation, contains: ["line 3", "\"a\"", "2.5"]) { _ = try late.read(columns: [0]) }
    }
}
