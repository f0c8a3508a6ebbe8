// The sqllogictest dialect of ../shared/sqllogictest/README.md as data, and
// its parser. The parser works on the file's UTF-8 bytes split into line
// ranges and only builds Strings for SQL text and expected result lines,
// because the SQLite part alone has ~250k records to get through quickly.

/// One result column letter of a `query` header.
public enum SLTColumnKind: Equatable, Sendable {
    case integer   // I
    case real      // R
    case text      // T (and any other letter)

    init(letter: UInt8) {
        switch letter {
        case UInt8(ascii: "I"): self = .integer
        case UInt8(ascii: "R"): self = .real
        default: self = .text
        }
    }
}

public enum SLTSortMode: Equatable, Sendable {
    case nosort, rowsort, valuesort
}

/// `skipif <engine>` / `onlyif <engine>`; engine names are lower-cased.
public struct SLTCondition: Equatable, Sendable {
    public enum Kind: Equatable, Sendable { case skipIf, onlyIf }
    public var kind: Kind
    public var engine: String

    public init(kind: Kind, engine: String) { self.kind = kind; self.engine = engine }

    /// True when this condition lets the record run on a runner answering to `names`.
    public func allows(_ names: Set<String>) -> Bool {
        switch kind {
        case .skipIf: return !names.contains(engine)
        case .onlyIf: return names.contains(engine)
        }
    }
}

/// The expected block of a query: result lines, or the hash form.
public enum SLTExpected: Equatable, Sendable {
    /// One line per row, values separated by TAB (may be empty: zero rows).
    case lines([String])
    /// `<count> values hashing to <md5>`.
    case hash(count: Int, md5: String)
}

public struct SLTQuery: Equatable, Sendable {
    public var columns: [SLTColumnKind]
    public var sortMode: SLTSortMode
    public var label: String?
    public var expected: SLTExpected
}

public struct SLTRecord: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        case statement(expectError: Bool)
        case query(SLTQuery)
        case hashThreshold(Int)
        case halt
        /// A record the parser could not understand; it counts as failed.
        case invalid(String)
    }

    public var kind: Kind
    public var sql: String
    /// 1-based line of the record's first line (its first condition, if any).
    public var line: Int
    public var conditions: [SLTCondition]

    /// Whether a runner answering to `names` runs this record.
    public func runs(on names: Set<String>) -> Bool {
        for c in conditions where !c.allows(names) { return false }
        return true
    }

    /// Statements and queries are what pass/fail/skip counts are made of.
    public var isCounted: Bool {
        switch kind {
        case .statement, .query, .invalid: return true
        case .hashThreshold, .halt: return false
        }
    }
}

public enum SLTParser {
    /// Parses a whole file. Never throws: malformed records become `.invalid`.
    public static func parse(_ text: String) -> [SLTRecord] {
        var text = text
        return text.withUTF8 { parse(bytes: $0) }
    }

    public static func parse(bytes: UnsafeBufferPointer<UInt8>) -> [SLTRecord] {
        let lines = splitLines(bytes)
        var records: [SLTRecord] = []
        var i = 0
        let n = lines.count

        func string(_ r: Range<Int>) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: bytes[r]), as: UTF8.self)
        }
        func trimmed(_ r: Range<Int>) -> Range<Int> {
            var lo = r.lowerBound, hi = r.upperBound
            while lo < hi, isSpace(bytes[lo]) { lo += 1 }
            while hi > lo, isSpace(bytes[hi - 1]) { hi -= 1 }
            return lo..<hi
        }
        func isBlank(_ r: Range<Int>) -> Bool { trimmed(r).isEmpty }
        func isSeparator(_ r: Range<Int>) -> Bool {
            r.count == 4 && bytes[r.lowerBound] == UInt8(ascii: "-") && bytes[r.lowerBound + 1] == UInt8(ascii: "-")
                && bytes[r.lowerBound + 2] == UInt8(ascii: "-") && bytes[r.lowerBound + 3] == UInt8(ascii: "-")
        }
        /// Whitespace-separated words of a line, up to a `#` comment.
        func words(_ r: Range<Int>) -> [String] {
            var out: [String] = []
            var j = r.lowerBound
            while j < r.upperBound {
                while j < r.upperBound, isSpace(bytes[j]) { j += 1 }
                if j >= r.upperBound || bytes[j] == UInt8(ascii: "#") { break }
                let start = j
                while j < r.upperBound, !isSpace(bytes[j]) { j += 1 }
                out.append(string(start..<j))
            }
            return out
        }
        /// SQL lines up to a blank line (or `----` for queries), joined with "\n".
        func collectSQL(stopAtSeparator: Bool) -> String {
            let start = i
            while i < n, !isBlank(lines[i]), !(stopAtSeparator && isSeparator(lines[i])) { i += 1 }
            if start == i { return "" }
            return string(lines[start].lowerBound..<lines[i - 1].upperBound)
        }

        while i < n {
            let t = trimmed(lines[i])
            if t.isEmpty || bytes[t.lowerBound] == UInt8(ascii: "#") { i += 1; continue }
            let startLine = i + 1
            var conditions: [SLTCondition] = []
            var header = words(lines[i])
            while let first = header.first, first == "skipif" || first == "onlyif" {
                if header.count >= 2 {
                    conditions.append(SLTCondition(kind: first == "skipif" ? .skipIf : .onlyIf,
                                                   engine: header[1].lowercased()))
                }
                i += 1
                header = i < n ? words(lines[i]) : []
            }
            i += 1
            guard let keyword = header.first else {
                records.append(SLTRecord(kind: .invalid("condition without a record"), sql: "", line: startLine, conditions: conditions))
                continue
            }
            switch keyword {
            case "statement":
                let mode = header.count > 1 ? header[1] : ""
                let sql = collectSQL(stopAtSeparator: false)
                if mode == "ok" || mode == "error" {
                    records.append(SLTRecord(kind: .statement(expectError: mode == "error"), sql: sql, line: startLine, conditions: conditions))
                } else {
                    records.append(SLTRecord(kind: .invalid("unknown statement mode '\(mode)'"), sql: sql, line: startLine, conditions: conditions))
                }
            case "query":
                let typeLetters = header.count > 1 ? Array(header[1].utf8) : []
                let sortMode: SLTSortMode?
                switch header.count > 2 ? header[2] : "nosort" {
                case "nosort": sortMode = .nosort
                case "rowsort": sortMode = .rowsort
                case "valuesort": sortMode = .valuesort
                default: sortMode = nil
                }
                let label = header.count > 3 ? header[3] : nil
                let sql = collectSQL(stopAtSeparator: true)
                var expectedLines: [String] = []
                if i < n, isSeparator(lines[i]) {
                    i += 1
                    // Result lines run to the next empty line; they are compared verbatim.
                    while i < n, !lines[i].isEmpty { expectedLines.append(string(lines[i])); i += 1 }
                }
                guard let sortMode, !typeLetters.isEmpty else {
                    records.append(SLTRecord(kind: .invalid("malformed query header"), sql: sql, line: startLine, conditions: conditions))
                    continue
                }
                let query = SLTQuery(columns: typeLetters.map(SLTColumnKind.init(letter:)), sortMode: sortMode,
                                     label: label, expected: expectedForm(expectedLines))
                records.append(SLTRecord(kind: .query(query), sql: sql, line: startLine, conditions: conditions))
            case "hash-threshold":
                let value = header.count > 1 ? Int(header[1]) ?? 0 : 0
                records.append(SLTRecord(kind: .hashThreshold(value), sql: "", line: startLine, conditions: conditions))
            case "halt":
                records.append(SLTRecord(kind: .halt, sql: "", line: startLine, conditions: conditions))
            default:
                // Skip the rest of the unknown record so the next one parses cleanly.
                while i < n, !isBlank(lines[i]) { i += 1 }
                records.append(SLTRecord(kind: .invalid("unknown record type '\(keyword)'"), sql: "", line: startLine, conditions: conditions))
            }
        }
        return records
    }

    /// Decides between the hash form and result lines.
    static func expectedForm(_ lines: [String]) -> SLTExpected {
        if lines.count == 1, let hash = parseHashLine(lines[0]) { return .hash(count: hash.0, md5: hash.1) }
        return .lines(lines)
    }

    /// `<N> values hashing to <32 hex digits>`.
    static func parseHashLine(_ line: String) -> (Int, String)? {
        let parts = line.split(separator: " ", omittingEmptySubsequences: false)
        guard parts.count == 5, parts[1] == "values", parts[2] == "hashing", parts[3] == "to",
              let count = Int(parts[0]), count >= 0 else { return nil }
        let digest = parts[4]
        guard digest.utf8.count == 32,
              digest.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }) else { return nil }
        return (count, String(digest))
    }

    @inline(__always) static func isSpace(_ b: UInt8) -> Bool { b == 32 || b == 9 || b == 13 }

    /// Line ranges without their "\n" (and without a trailing "\r").
    static func splitLines(_ bytes: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var lines: [Range<Int>] = []
        var start = 0
        for j in 0..<bytes.count where bytes[j] == 10 {
            var end = j
            if end > start, bytes[end - 1] == 13 { end -= 1 }
            lines.append(start..<end)
            start = j + 1
        }
        if start < bytes.count { lines.append(start..<bytes.count) }
        return lines
    }
}
