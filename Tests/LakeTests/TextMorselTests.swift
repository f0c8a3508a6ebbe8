// Large uncompressed CSV and NDJSON files split into record-aligned byte
// ranges (one morsel each): the rows are exactly those of an unsplit read,
// in order, even with quoted newlines, doubled quotes, backslash escapes,
// CRLF, blank lines and multi-line JSON objects; errors still name the
// right line; compressed files and broken quoting stay one morsel.

import Columnar
import Formats
import Foundation
import Lake
import Planner
import XCTest

final class TextMorselTests: XCTestCase {
    func source(_ path: String, format: TextFileTableSource.Format, morselBytes: Int, csv: CSVOptions = .init()) throws -> TextFileTableSource {
        var options = LakeReadOptions()
        options.morselBytes = morselBytes
        options.csv = csv
        return try TextFileTableSource(files: LakeTableFunctions.resolve(path, hivePartitioning: false), format: format, options: options)
    }

    /// Rows of a split scan and of an unsplit one, and the split scan's morsel count.
    func compare(_ path: String, format: TextFileTableSource.Format, csv: CSVOptions = .init(), file: StaticString = #filePath,
                 line: UInt = #line) throws -> Int {
        let split = try source(path, format: format, morselBytes: 700, csv: csv)
        let whole = try source(path, format: format, morselBytes: 0, csv: csv)
        let morsels = try split.morsels(columns: Array(split.fields.indices), predicates: [], statistics: ScanStatistics())
        let a = try scan(split).rows, b = try scan(whole).rows
        XCTAssertEqual(a.count, b.count, file: file, line: line)
        XCTAssertEqual(a.map { "\($0)" }, b.map { "\($0)" }, "splitting changed the rows", file: file, line: line)
        XCTAssertEqual(try scan(split).stats.bytesRead, try scan(whole).stats.bytesRead, "bytes add up to the file", file: file, line: line)
        return morsels.count
    }

    func testCSVWithQuotedNewlinesSplitsAtRecordBoundaries() throws {
        let dir = try LakeFixtures.temporaryDirectory()
        var text = "id,note,amount\r\n"
        for i in 0..<400 {
            switch i % 5 {
            case 0: text += "\(i),\"line one\nline \"\"two\"\", with comma\",\(i).5\r\n"
            case 1: text += "\(i),plain,\(i)\r\n\r\n"          // a blank line after the record
            case 2: text += "\(i),\"\n\n\n\",\(i)\r\n"           // a field of newlines only
            case 3: text += "\(i),\"\",\r\n"                     // empty string and NULL
            default: text += "\(i),x\"y,\(i)\n"                  // a quote inside an unquoted field is literal
            }
        }
        try LakeFixtures.write(text, to: dir + "/q.csv")
        XCTAssertGreaterThan(try compare(dir + "/q.csv", format: .csv), 10)
        // Backslash escapes inside quotes (escape => '\\').
        var escaped = "a,b\n"
        for i in 0..<300 { escaped += "\(i),\"x\\\"\n\\\\\"\n" }
        try LakeFixtures.write(escaped, to: dir + "/e.csv")
        var options = CSVOptions()
        options.escape = UInt8(ascii: "\\")
        XCTAssertGreaterThan(try compare(dir + "/e.csv", format: .csv, csv: options), 3)
        let rows = try scan(try source(dir + "/e.csv", format: .csv, morselBytes: 700, csv: options)).rows
        XCTAssertEqual(rows[7], [.int(7), .string("x\"\n\\")])
    }

    func testErrorsInLaterRangesNameTheirLine() throws {
        let dir = try LakeFixtures.temporaryDirectory()
        var text = "id,v\n"
        for i in 0..<500 { text += i == 50 ? "\(i),\"two\nlines\"\n" : "\(i),\(i)\n" }
        text += "oops,500\n"   // line 503: the quoted newline above adds one line
        try LakeFixtures.write(text, to: dir + "/bad.csv")
        var options = CSVOptions()
        options.columns = [Field(name: "id", type: .int64), Field(name: "v", type: .text)]
        options.header = true
        let t = try source(dir + "/bad.csv", format: .csv, morselBytes: 300, csv: options)
        XCTAssertGreaterThan(try t.morsels(columns: [0, 1], predicates: [], statistics: ScanStatistics()).count, 5)
        assertSQLError("22P02", contains: ["bad.csv", "line 503"]) { _ = try scan(t) }
        // Rows with a wrong field count too.
        try LakeFixtures.write(text.replacingOccurrences(of: "oops,500\n", with: "500,1,2\n"), to: dir + "/wide.csv")
        assertSQLError("22P04", contains: ["wide.csv", "line 503"]) {
            _ = try scan(try self.source(dir + "/wide.csv", format: .csv, morselBytes: 300, csv: options))
        }
    }

    func testUnterminatedQuoteAndCompressedFilesStayWhole() throws {
        let dir = try LakeFixtures.temporaryDirectory()
        var text = "id,v\n"
        for i in 0..<300 { text += "\(i),v\(i)\n" }
        try LakeFixtures.write(text + "300,\"never closed\n301,x\n", to: dir + "/open.csv")
        var sampleFew = CSVOptions()
        sampleFew.sampleRows = 50   // sniffing stops before the broken record
        let open = try source(dir + "/open.csv", format: .csv, morselBytes: 300, csv: sampleFew)
        XCTAssertEqual(try open.morsels(columns: [0], predicates: [], statistics: ScanStatistics()).count, 1)
        assertSQLError("22P04", contains: ["line 302", "unterminated"]) { _ = try scan(open) }
        // A gzip file is decompressed whole: one morsel.
        let gz = try source(LakeFixtures.tests + "/text/sales.csv.gz", format: .csv, morselBytes: 10)
        XCTAssertEqual(try gz.morsels(columns: [0], predicates: [], statistics: ScanStatistics()).count, 1)
    }

    func testNDJSONSplitsOutsideStringsAndNesting() throws {
        let dir = try LakeFixtures.temporaryDirectory()
        var text = ""
        for i in 0..<300 {
            if i % 7 == 0 {
                text += "{\"id\": \(i),\n  \"tags\": [\"}\", \"{\\\"\"],\n  \"o\": {\"k\":\n [1, 2]}}\n"   // one record over three lines
            } else {
                text += "{\"id\": \(i), \"tags\": [\"a\\nb\"], \"o\": null}\n\n"
            }
        }
        try LakeFixtures.write(text, to: dir + "/r.ndjson")
        XCTAssertGreaterThan(try compare(dir + "/r.ndjson", format: .json), 10)
        try LakeFixtures.write(text + "{\"id\": 300, \"tags\": [}\n", to: dir + "/bad.ndjson")
        var sampleFew = CSVOptions()
        sampleFew.sampleRows = 50   // inference stops before the broken record
        let bad = try source(dir + "/bad.ndjson", format: .json, morselBytes: 700, csv: sampleFew)
        XCTAssertGreaterThan(try bad.morsels(columns: [0], predicates: [], statistics: ScanStatistics()).count, 1)
        let unsplit = try source(dir + "/bad.ndjson", format: .json, morselBytes: 0, csv: sampleFew)
        func message(_ t: TextFileTableSource) -> String? {
            do { _ = try scan(t); return nil } catch let e as SQLError { return e.sqlState + " " + e.message } catch { return nil }
        }
        let lines = text.filter { $0 == "\n" }.count
        XCTAssertEqual(message(bad), message(unsplit), "the same error, line and all, with and without splitting")
        XCTAssertTrue(message(bad)?.contains("line \(lines + 2)") ?? false, "noticed at the end of the file")
        // A top-level array is one range.
        try LakeFixtures.write("[" + (0..<200).map { "{\"id\": \($0)}" }.joined(separator: ",\n") + "]", to: dir + "/a.json")
        let array = try source(dir + "/a.json", format: .json, morselBytes: 100)
        XCTAssertEqual(try array.morsels(columns: [0], predicates: [], statistics: ScanStatistics()).count, 1)
        XCTAssertEqual(try scan(array).rows.count, 200)
    }
}
