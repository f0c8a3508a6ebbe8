// The REPL's boxed table: alignment, NULL display, fitting to the terminal
// width (truncated cells, hidden columns), expanded mode and the progress line.

import XCTest
@testable import Shell

final class BoxTableTests: XCTestCase {
    let columns = [BoxColumn(name: "id", rightAligned: true), BoxColumn(name: "name", rightAligned: false)]

    func testBoxAlignmentAndNull() {
        let text = BoxTable.render(columns: columns, rows: [["1", "Ann"], ["100", nil]], options: BoxTableOptions())
        XCTAssertEqual(text, """
        ┌─────┬──────┐
        │ id  │ name │
        ├─────┼──────┤
        │   1 │ Ann  │
        │ 100 │ ∅    │
        └─────┴──────┘
        (2 rows)

        """)
        let dimmed = BoxTable.render(columns: columns, rows: [["1", nil]], options: BoxTableOptions(nullDisplay: "NULL", colors: true))
        XCTAssertTrue(dimmed.contains("\u{1B}[2mNULL\u{1B}[0m"))
        XCTAssertTrue(dimmed.contains("(1 row)"))
    }

    func testWideTableIsFittedByTruncatingTheWidestColumn() {
        let long = String(repeating: "x", count: 200)
        let text = BoxTable.render(columns: columns, rows: [["1", long]], options: BoxTableOptions(width: 40))
        for line in text.split(separator: "\n") { XCTAssertLessThanOrEqual(displayWidth(String(line)), 40, String(line)) }
        XCTAssertTrue(text.contains("x…"))
        XCTAssertFalse(text.contains("hidden"))
    }

    func testTooManyColumnsAreHiddenWithANote() {
        let many = (0..<30).map { BoxColumn(name: "column_\($0)", rightAligned: false) }
        let row = (0..<30).map { Optional("value \($0)") }
        let text = BoxTable.render(columns: many, rows: [row], options: BoxTableOptions(width: 60))
        for line in text.split(separator: "\n").dropLast(2) { XCTAssertLessThanOrEqual(displayWidth(String(line)), 60, String(line)) }
        XCTAssertTrue(text.contains(" … │"))
        XCTAssertTrue(text.contains("columns hidden: "), text)
        XCTAssertTrue(text.contains("(\\x shows every column)"), text)
        XCTAssertFalse(text.contains("value 29"))
        XCTAssertTrue(text.hasPrefix("┌"))
    }

    func testExpandedModeAndAuto() {
        let text = BoxTable.render(columns: columns, rows: [["1", "Ann"], ["2", nil]], options: BoxTableOptions(expanded: .on))
        XCTAssertTrue(text.contains("─[ RECORD 1 ]"))
        XCTAssertTrue(text.contains("id   │ 1\nname │ Ann\n"))
        XCTAssertTrue(text.contains("─[ RECORD 2 ]"))
        XCTAssertTrue(text.contains("name │ ∅\n"))
        let narrow = BoxTable.render(columns: columns, rows: [["1", String(repeating: "y", count: 80)]],
                                     options: BoxTableOptions(width: 40, expanded: .auto))
        XCTAssertTrue(narrow.contains("─[ RECORD 1 ]"))
        let wideEnough = BoxTable.render(columns: columns, rows: [["1", "Ann"]], options: BoxTableOptions(width: 40, expanded: .auto))
        XCTAssertFalse(wideEnough.contains("RECORD"))
    }

    func testCellsWithNewlinesStayOnOneLine() {
        let text = BoxTable.render(columns: columns, rows: [["1", "a\nb"]], options: BoxTableOptions(footer: false))
        XCTAssertTrue(text.contains("│ a↵b  │"), text)
        XCTAssertFalse(text.contains("row"))
    }

    func testDegenerateShapesDoNotTrap() {
        for width in [1, 2, 5, 9, 12] {
            for expanded in [ExpandedMode.off, .on, .auto] {
                let text = BoxTable.render(columns: columns, rows: [["123456789", "a long value"], [nil, nil]],
                                           options: BoxTableOptions(width: width, expanded: expanded))
                XCTAssertTrue(text.hasSuffix("(2 rows)\n"), text)
            }
        }
        XCTAssertEqual(BoxTable.render(columns: [], rows: [[], []], options: BoxTableOptions(width: 40)), "┌┐\n││\n├┤\n││\n││\n└┘\n(2 rows)\n")
        XCTAssertTrue(BoxTable.render(columns: columns, rows: [], options: BoxTableOptions(expanded: .on)).contains("(no rows)"))
        XCTAssertEqual(ProgressLine.render(ProgressSnapshot(morselsTotal: 3, morselsDone: 5, rowsScanned: -1), elapsed: 0, width: 1).count, 1)
    }

    func testTruncateByDisplayWidth() {
        XCTAssertEqual(BoxTable.truncate("abcdef", to: 4), "abc…")
        XCTAssertEqual(BoxTable.truncate("abc", to: 3), "abc")
        XCTAssertEqual(BoxTable.truncate("日本語テキスト", to: 5), "日本…")
    }

    func testProgressLine() {
        let line = ProgressLine.render(ProgressSnapshot(morselsTotal: 4, morselsDone: 1, rowsScanned: 30_000), elapsed: 2, width: 100)
        XCTAssertTrue(line.contains(" 25%"), line)
        XCTAssertTrue(line.contains("1/4 row groups"), line)
        XCTAssertTrue(line.contains("30.0K rows"), line)
        XCTAssertTrue(line.contains("15.0K/s"), line)
        let unknown = ProgressLine.render(ProgressSnapshot(morselsTotal: 0, morselsDone: 0, rowsScanned: 0), elapsed: 1.5, width: 20)
        XCTAssertLessThanOrEqual(displayWidth(unknown), 19)
    }

    func testPagerDecision() {
        XCTAssertTrue(Pager.isTooTall(String(repeating: "x\n", count: 50), terminalRows: 39))
        XCTAssertFalse(Pager.isTooTall(String(repeating: "x\n", count: 10), terminalRows: 39))
        XCTAssertEqual(Pager.command(environment: [:]), "less -SRF")
        XCTAssertEqual(Pager.command(environment: ["PAGER": "more"]), "more")
        XCTAssertNil(Pager.command(environment: ["PAGER": " "]))
    }
}
