// Result renderers for the CLI and (later) the REPL: table (psql's aligned
// format), csv (RFC 4180), tsv, json (one array of objects), jsonl (one
// object per line) and markdown. csv/tsv/json/jsonl/markdown stream batch by
// batch; table buffers the rows because column widths depend on all of them.

import Foundation
import Columnar
import Engine

public enum OutputFormat: String, CaseIterable, Sendable {
    case table, csv, tsv, json, jsonl, markdown
}

public struct RenderOptions: Sendable {
    /// How NULL is shown in table, tsv and markdown output.
    public var nullString: String
    /// Print command tags (`CREATE TABLE`, `INSERT 0 3`) for statements without rows (table format).
    public var showCommandTags: Bool
    public var textOptions: TextFormatOptions

    public init(nullString: String = "", showCommandTags: Bool = true, textOptions: TextFormatOptions = .init()) {
        self.nullString = nullString
        self.showCommandTags = showCommandTags
        self.textOptions = textOptions
    }
}

/// Receives one result: `begin`, any number of `write`, then `end`;
/// or `command` alone for a statement that returns no rows.
public protocol ResultRenderer: AnyObject {
    func begin(fields: [Field])
    func write(_ batch: Batch)
    func end(rowCount: Int, commandTag: String)
    func command(tag: String)
}

public enum ResultRenderers {
    public static func make(_ format: OutputFormat, sink: TextSink, options: RenderOptions = .init()) -> ResultRenderer {
        switch format {
        case .table: return TableRenderer(sink: sink, options: options)
        case .csv: return DelimitedRenderer(sink: sink, options: options, style: .csv)
        case .tsv: return DelimitedRenderer(sink: sink, options: options, style: .tsv)
        case .json: return JSONRenderer(sink: sink, options: options, lines: false)
        case .jsonl: return JSONRenderer(sink: sink, options: options, lines: true)
        case .markdown: return MarkdownRenderer(sink: sink, options: options)
        }
    }

    /// Pulls every batch of `result` through `renderer`.
    public static func render(_ result: QueryResult, with renderer: ResultRenderer) throws {
        guard result.returnsRows else {
            while try result.next() != nil {}
            renderer.command(tag: result.commandTag)
            return
        }
        renderer.begin(fields: result.fields)
        var rows = 0
        while let batch = try result.next() {
            renderer.write(batch)
            rows += batch.count
        }
        renderer.end(rowCount: rows, commandTag: result.commandTag)
    }
}

/// Text of each value in a column (nil for NULL), PostgreSQL's output format.
enum CellText {
    static func column(_ vector: Vector, count: Int, options: TextFormatOptions) -> [String?] {
        var out: [String?] = []
        out.reserveCapacity(count)
        let type = vector.type
        switch vector.storage {
        case .int64(let a) where type.isInteger || type == .oid:
            for i in 0..<min(count, a.count) { out.append(vector.isNull(i) ? nil : String(a[i])) }
        case .string(let s) where type.isString:
            for i in 0..<min(count, s.count) { out.append(vector.isNull(i) ? nil : s.string(at: i)) }
        default:
            for i in 0..<min(count, vector.count) {
                let v = vector.value(at: i)
                out.append(v.isNull ? nil : ValueText.format(v, type: type, options: options))
            }
        }
        // A vector shorter than its batch shows NULLs rather than trapping.
        while out.count < count { out.append(nil) }
        return out
    }

    static func isRightAligned(_ type: DataType) -> Bool { type.isNumeric || type == .oid }
}

/// psql's aligned format: centred header, `-+-` rule, numbers right-aligned,
/// multi-line values continued with `+`, footer `(N rows)`.
public final class TableRenderer: ResultRenderer {
    private let sink: TextSink
    private let options: RenderOptions
    private var fields: [Field] = []
    private var cells: [[String]] = []   // per column
    private var rowCount = 0

    public init(sink: TextSink, options: RenderOptions) { self.sink = sink; self.options = options }

    public func begin(fields: [Field]) {
        self.fields = fields
        cells = Array(repeating: [], count: fields.count)
        rowCount = 0
    }

    public func write(_ batch: Batch) {
        for c in 0..<fields.count {
            let column = c < batch.columns.count ? CellText.column(batch.columns[c], count: batch.count, options: options.textOptions)
                                                 : Array(repeating: nil, count: batch.count)
            cells[c].append(contentsOf: column.map { $0 ?? options.nullString })
        }
        rowCount += batch.count
    }

    public func end(rowCount _: Int, commandTag: String) {
        let n = fields.count
        var out = ""
        if n > 0 {
            let headerLines = fields.map { splitLines($0.name) }
            let cellLines = cells.map { $0.map(splitLines) }
            var widths = [Int](repeating: 0, count: n)
            for c in 0..<n {
                widths[c] = headerLines[c].map(displayWidth).max() ?? 0
                for lines in cellLines[c] { for l in lines { widths[c] = max(widths[c], displayWidth(l)) } }
            }
            let rightAligned = fields.map { CellText.isRightAligned($0.type) }
            out += formatRow(headerLines, widths: widths, align: { _ in .center })
            out += widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "+") + "\n"
            for r in 0..<rowCount {
                out += formatRow((0..<n).map { cellLines[$0][r] }, widths: widths,
                                 align: { rightAligned[$0] ? .right : .left })
                if out.utf8.count > 1 << 16 { sink.write(out); out = "" }
            }
        }
        out += rowCount == 1 ? "(1 row)\n\n" : "(\(rowCount) rows)\n\n"
        sink.write(out)
        cells = []
    }

    public func command(tag: String) {
        if options.showCommandTags, !tag.isEmpty { sink.write(tag + "\n") }
    }

    private enum Alignment { case left, right, center }

    /// One logical row, possibly several physical lines when a value holds newlines.
    private func formatRow(_ columns: [[String]], widths: [Int], align: (Int) -> Alignment) -> String {
        let height = columns.map(\.count).max() ?? 1
        var out = ""
        for line in 0..<max(height, 1) {
            var text = ""
            for c in 0..<columns.count {
                let value = line < columns[c].count ? columns[c][line] : ""
                let continues = line + 1 < columns[c].count
                let pad = max(0, widths[c] - displayWidth(value))
                let isLast = c == columns.count - 1
                text += c == 0 ? " " : "| "
                switch align(c) {
                case .right:
                    text += String(repeating: " ", count: pad) + value
                case .center:
                    let before = pad / 2
                    text += String(repeating: " ", count: before) + value + String(repeating: " ", count: pad - before)
                case .left:
                    // psql leaves no trailing blanks after the last column unless a `+` follows.
                    text += value + (isLast && !continues ? "" : String(repeating: " ", count: pad))
                }
                if continues { text += "+" } else if !isLast || align(c) == .center { text += " " }
            }
            out += text + "\n"
        }
        return out
    }

    private func splitLines(_ s: String) -> [String] {
        guard s.contains("\n") else { return [s] }
        return s.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }
}

/// Columns on screen, like wcwidth(): combining marks take none, East Asian
/// wide and fullwidth characters (and most emoji) take two.
func displayWidth(_ s: String) -> Int {
    var width = 0
    for u in s.unicodeScalars {
        let v = u.value
        if v < 0x300 { width += 1; continue }
        switch v {
        case 0x300...0x36F, 0x200B...0x200F, 0xFE00...0xFE0F, 0x20D0...0x20FF: break
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            width += 2
        default: width += 1
        }
    }
    return width
}

/// csv (RFC 4180: fields with `,` `"` CR or LF are quoted, quotes doubled;
/// NULL is an empty field, an empty string is `""`) and tsv (`\t`, `\n`,
/// `\r` and `\\` escaped; NULL is the null string).
public final class DelimitedRenderer: ResultRenderer {
    public enum Style { case csv, tsv }
    private let sink: TextSink
    private let options: RenderOptions
    private let style: Style
    private var fieldCount = 0

    public init(sink: TextSink, options: RenderOptions, style: Style) {
        self.sink = sink; self.options = options; self.style = style
    }

    public func begin(fields: [Field]) {
        fieldCount = fields.count
        sink.write(fields.map { escape($0.name) }.joined(separator: separator) + "\n")
    }

    public func write(_ batch: Batch) {
        let columns = (0..<fieldCount).map { c in
            c < batch.columns.count ? CellText.column(batch.columns[c], count: batch.count, options: options.textOptions)
                                    : Array(repeating: nil, count: batch.count)
        }
        var out = ""
        for r in 0..<batch.count {
            for c in 0..<fieldCount {
                if c > 0 { out += separator }
                if let v = columns[c][r] { out += escape(v) } else { out += style == .csv ? "" : options.nullString }
            }
            out += "\n"
        }
        sink.write(out)
    }

    public func end(rowCount: Int, commandTag: String) {}
    public func command(tag: String) {}

    private var separator: String { style == .csv ? "," : "\t" }

    func escape(_ s: String) -> String {
        switch style {
        case .csv:
            if s.isEmpty { return "\"\"" }
            guard s.utf8.contains(where: { $0 == 44 || $0 == 34 || $0 == 10 || $0 == 13 }) else { return s }
            return "\"" + s.replacingAll("\"", with: "\"\"") + "\""
        case .tsv:
            guard s.utf8.contains(where: { $0 == 9 || $0 == 10 || $0 == 13 || $0 == 92 }) else { return s }
            var out = ""
            for ch in s.unicodeScalars {
                switch ch {
                case "\\": out += "\\\\"
                case "\t": out += "\\t"
                case "\n": out += "\\n"
                case "\r": out += "\\r"
                default: out.unicodeScalars.append(ch)
                }
            }
            return out
        }
    }
}

/// json: `[` one object per row `]`; jsonl: one object per line. Keys in
/// column order, values by ValueJSON.render.
public final class JSONRenderer: ResultRenderer {
    private let sink: TextSink
    private let options: RenderOptions
    private let lines: Bool
    private var keys: [String] = []
    private var fields: [Field] = []
    private var rowsWritten = 0

    public init(sink: TextSink, options: RenderOptions, lines: Bool) {
        self.sink = sink; self.options = options; self.lines = lines
    }

    public func begin(fields: [Field]) {
        self.fields = fields
        keys = fields.map { ValueJSON.quote($0.name) + ":" }
        rowsWritten = 0
    }

    public func write(_ batch: Batch) {
        var out = ""
        for r in 0..<batch.count {
            if !lines { out += rowsWritten == 0 ? "[\n" : ",\n" }
            out += "{"
            for c in 0..<fields.count {
                if c > 0 { out += "," }
                out += keys[c]
                if c < batch.columns.count, r < batch.columns[c].count {
                    out += ValueJSON.render(batch.columns[c].value(at: r), type: fields[c].type, options: options.textOptions)
                } else {
                    out += "null"
                }
            }
            out += "}"
            if lines { out += "\n" }
            rowsWritten += 1
        }
        sink.write(out)
    }

    public func end(rowCount: Int, commandTag: String) {
        if !lines { sink.write(rowsWritten == 0 ? "[]\n" : "\n]\n") }
    }

    public func command(tag: String) {}
}

/// GitHub-flavoured markdown table; `|` escaped, newlines as `<br>`,
/// numeric columns right-aligned.
public final class MarkdownRenderer: ResultRenderer {
    private let sink: TextSink
    private let options: RenderOptions
    private var fieldCount = 0

    public init(sink: TextSink, options: RenderOptions) { self.sink = sink; self.options = options }

    public func begin(fields: [Field]) {
        fieldCount = fields.count
        sink.write("| " + fields.map { escape($0.name) }.joined(separator: " | ") + " |\n")
        sink.write("|" + fields.map { CellText.isRightAligned($0.type) ? "---:" : "---" }.joined(separator: "|") + "|\n")
    }

    public func write(_ batch: Batch) {
        let columns = (0..<fieldCount).map { c in
            c < batch.columns.count ? CellText.column(batch.columns[c], count: batch.count, options: options.textOptions)
                                    : Array(repeating: nil, count: batch.count)
        }
        var out = ""
        for r in 0..<batch.count {
            out += "| " + (0..<fieldCount).map { escape(columns[$0][r] ?? options.nullString) }.joined(separator: " | ") + " |\n"
        }
        sink.write(out)
    }

    public func end(rowCount: Int, commandTag: String) {}
    public func command(tag: String) {}

    private func escape(_ s: String) -> String {
        guard s.utf8.contains(where: { $0 == 124 || $0 == 10 || $0 == 13 || $0 == 92 }) else { return s }
        return s.replacingAll("\\", with: "\\\\").replacingAll("|", with: "\\|")
            .replacingAll("\r\n", with: "<br>").replacingAll("\n", with: "<br>").replacingAll("\r", with: "<br>")
    }
}

extension String {
    func replacingAll(_ target: String, with replacement: String) -> String {
        replacingOccurrences(of: target, with: replacement)
    }
}
