// Exact-output tests for the Shell result renderers (table, csv, tsv, json,
// jsonl, markdown) and the psql-style error formatter.

import XCTest
import Columnar
import Engine
@testable import Shell

final class RendererOutputTests: XCTestCase {
    private let fields = [Field(name: "id", type: .int32), Field(name: "name", type: .text)]

    private func batch(_ rows: [[Value]]) -> Batch {
        Batch(columns: [Vector.from(rows.map { $0[0] }, type: .int32), Vector.from(rows.map { $0[1] }, type: .text)],
              count: rows.count)
    }

    /// Renders the given batches as one result.
    private func output(_ format: OutputFormat, _ batches: [Batch], fields: [Field]? = nil,
                        options: RenderOptions = .init()) throws -> String {
        let sink = StringSink()
        var pending = batches
        let result = QueryResult(fields: fields ?? self.fields, returnsRows: true, commandTag: "SELECT",
                                 produce: { pending.isEmpty ? nil : pending.removeFirst() })
        try ResultRenderers.render(result, with: ResultRenderers.make(format, sink: sink, options: options))
        return sink.text
    }

    private var sample: [Batch] {
        [batch([[.int(1), .string("alice")], [.int(10), .null]]), batch([[.null, .string("a,\"b\"")]])]
    }

    func testTable() throws {
        XCTAssertEqual(try output(.table, sample),
                       " id | name  \n----+-------\n  1 | alice\n 10 | \n    | a,\"b\"\n(3 rows)\n\n")
    }

    func testTableNullStringSingleRowAndMultiLineValues() throws {
        let out = try output(.table, [batch([[.null, .string("one\ntwo")]])], options: RenderOptions(nullString: "∅"))
        XCTAssertEqual(out, " id | name \n----+------\n  ∅ | one +\n    | two\n(1 row)\n\n")
    }

    func testTableWithoutRows() throws {
        XCTAssertEqual(try output(.table, []), " id | name \n----+------\n(0 rows)\n\n")
    }

    func testCommandTagForStatementsWithoutRows() throws {
        let sink = StringSink()
        let result = QueryResult(fields: [], returnsRows: false, commandTag: "CREATE TABLE", produce: { nil })
        try ResultRenderers.render(result, with: ResultRenderers.make(.table, sink: sink))
        XCTAssertEqual(sink.text, "CREATE TABLE\n")
        let csvSink = StringSink()
        try ResultRenderers.render(QueryResult(fields: [], returnsRows: false, commandTag: "INSERT 0 1", produce: { nil }),
                                   with: ResultRenderers.make(.csv, sink: csvSink))
        XCTAssertEqual(csvSink.text, "")
    }

    func testCSV() throws {
        let rows = batch([[.int(1), .string("")], [.int(2), .string("line\nbreak")], [.null, .string("plain")]])
        XCTAssertEqual(try output(.csv, sample + [rows]),
                       "id,name\n1,alice\n10,\n,\"a,\"\"b\"\"\"\n1,\"\"\n2,\"line\nbreak\"\n,plain\n")
    }

    func testCSVQuotesHeaderNames() throws {
        let out = try output(.csv, [], fields: [Field(name: "a,b", type: .int32), Field(name: "c", type: .text)])
        XCTAssertEqual(out, "\"a,b\",c\n")
    }

    func testTSV() throws {
        let rows = batch([[.int(1), .string("tab\there")], [.null, .string("back\\slash\nnl")]])
        XCTAssertEqual(try output(.tsv, [rows]), "id\tname\n1\ttab\\there\n\tback\\\\slash\\nnl\n")
    }

    func testJSON() throws {
        XCTAssertEqual(try output(.json, sample),
                       "[\n{\"id\":1,\"name\":\"alice\"},\n{\"id\":10,\"name\":null},\n{\"id\":null,\"name\":\"a,\\\"b\\\"\"}\n]\n")
        XCTAssertEqual(try output(.json, []), "[]\n")
    }

    func testJSONLines() throws {
        XCTAssertEqual(try output(.jsonl, sample),
                       "{\"id\":1,\"name\":\"alice\"}\n{\"id\":10,\"name\":null}\n{\"id\":null,\"name\":\"a,\\\"b\\\"\"}\n")
        // Keys keep column order, even when not alphabetical.
        let reversed = [Field(name: "z", type: .text), Field(name: "a", type: .int32)]
        let b = Batch(columns: [Vector.from([.string("q")], type: .text), Vector.from([.int(5)], type: .int32)], count: 1)
        XCTAssertEqual(try output(.jsonl, [b], fields: reversed), "{\"z\":\"q\",\"a\":5}\n")
    }

    func testMarkdown() throws {
        let rows = batch([[.int(1), .string("a|b")], [.null, .string("x\ny")]])
        XCTAssertEqual(try output(.markdown, [rows]),
                       "| id | name |\n|---:|---|\n| 1 | a\\|b |\n|  | x<br>y |\n")
    }

    func testStreamingFormatsWriteEachBatch() throws {
        // The csv renderer writes as soon as a batch arrives.
        let sink = StringSink()
        let renderer = ResultRenderers.make(.csv, sink: sink)
        renderer.begin(fields: fields)
        renderer.write(batch([[.int(1), .string("a")]]))
        XCTAssertEqual(sink.text, "id,name\n1,a\n")
    }

    func testErrorWithoutPosition() {
        let e = SQLError(SQLState.undefinedTable, "relation \"t\" does not exist", hint: "Check the name.")
        XCTAssertEqual(ErrorFormatter.format(e, sql: "SELECT * FROM t"),
                       "ERROR:  relation \"t\" does not exist\nHINT:  Check the name.\nSQLSTATE: 42P01\n")
    }

    func testSyntaxErrorCaret() {
        let e = SQLError(SQLState.syntaxError, "syntax error at or near \"FORM\"", position: 10)
        XCTAssertEqual(ErrorFormatter.format(e, sql: "SELECT * FORM t"),
                       "ERROR:  syntax error at or near \"FORM\"\nLINE 1: SELECT * FORM t\n                 ^\nSQLSTATE: 42601\n")
    }

    func testCaretOnLaterLine() {
        let sql = "SELECT a,\n  b\nFROM t WHERE ?"
        let e = SQLError(SQLState.syntaxError, "syntax error at or near \"?\"", position: 28)
        XCTAssertEqual(ErrorFormatter.format(e, sql: sql),
                       "ERROR:  syntax error at or near \"?\"\nLINE 3: FROM t WHERE ?\n                     ^\nSQLSTATE: 42601\n")
    }

    func testCaretOnLongLineIsWindowed() throws {
        let sql = "SELECT " + String(repeating: "x, ", count: 40) + "oops" + String(repeating: ", y", count: 40)
        let position = sql.count - 40 * 3 - 3
        let text = try XCTUnwrap(ErrorFormatter.lineContext(sql: sql, position: position))
        let lines = text.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 2)
        XCTAssertTrue(lines[0].hasPrefix("LINE 1: ..."))
        XCTAssertTrue(lines[0].hasSuffix("..."))
        let caret = try XCTUnwrap(lines[1].firstIndex(of: "^"))
        let column = lines[1].distance(from: lines[1].startIndex, to: caret)
        XCTAssertEqual(String(Array(lines[0])[column..<(column + 4)]), "oops")
    }

    func testPositionOutOfRangeIsIgnored() {
        let e = SQLError(SQLState.syntaxError, "bad", position: 99)
        XCTAssertEqual(ErrorFormatter.format(e, sql: "SELECT"), "ERROR:  bad\nSQLSTATE: 42601\n")
    }
}

final class RendererTableWidthTests: XCTestCase {
    func testWideAndCombiningCharactersAlign() throws {
        let sink = StringSink()
        let renderer = ResultRenderers.make(.table, sink: sink)
        renderer.begin(fields: [Field(name: "v", type: .text), Field(name: "n", type: .int32)])
        renderer.write(Batch(columns: [Vector.from([.string("日本"), .string("e\u{301}"), .string("abcd")], type: .text),
                                       Vector.from([.int(1), .int(2), .int(3)], type: .int32)], count: 3))
        renderer.end(rowCount: 3, commandTag: "SELECT 3")
        XCTAssertEqual(sink.text, "  v   | n \n------+---\n 日本 | 1\n e\u{301}    | 2\n abcd | 3\n(3 rows)\n\n")
        XCTAssertEqual(displayWidth("日本"), 4)
        XCTAssertEqual(displayWidth("e\u{301}"), 1)
    }
}
