// RFC 4180 record splitting: fields separated by a one-byte delimiter,
// records by LF, CRLF or CR; quoted fields may hold delimiters, newlines and
// doubled quotes (or a separate escape byte). Fields are returned as byte
// spans into the input, unescaped only when they contain escapes, so
// plain fields cost no allocation.

import Columnar

public struct CSVSpan {
    public var start: Int
    public var end: Int
    /// The field was quoted (an empty quoted field is the empty string, not NULL).
    public var quoted: Bool
    /// The span contains escape sequences that `bytes(in:)` must remove.
    public var escaped: Bool
}

struct CSVTokenizer {
    let bytes: [UInt8]
    let delimiter: UInt8
    let quote: UInt8?
    let escape: UInt8?
    let name: String
    var position: Int
    /// 1-based line number where the next record starts.
    var line: Int
    /// Line and byte offset where the last returned record started.
    var recordLine = 1
    var recordStart = 0

    init(bytes: [UInt8], delimiter: UInt8, quote: UInt8?, escape: UInt8?, name: String, start: Int = 0, line: Int = 1) {
        self.bytes = bytes; self.delimiter = delimiter; self.quote = quote
        self.escape = escape ?? quote; self.name = name; self.position = start; self.line = line
    }

    static let lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")

    /// Reads the next non-blank record into `fields`; false at the end of input.
    mutating func next(_ fields: inout [CSVSpan]) throws -> Bool {
        let n = bytes.count
        while true {
            fields.removeAll(keepingCapacity: true)
            guard position < n else { return false }
            recordLine = line
            recordStart = position
            // A blank line is not a record.
            if bytes[position] == Self.lf || bytes[position] == Self.cr {
                consumeNewline(); continue
            }
            try bytes.withUnsafeBufferPointer { b in
                while true {
                    var span: CSVSpan
                    if let q = quote, position < n, b[position] == q {
                        span = try quotedField(b, q)
                    } else {
                        let start = position
                        while position < n {
                            let c = b[position]
                            if c == delimiter || c == Self.lf || c == Self.cr { break }
                            position += 1
                        }
                        span = CSVSpan(start: start, end: position, quoted: false, escaped: false)
                    }
                    fields.append(span)
                    if position < n && b[position] == delimiter {
                        position += 1
                        if position == n { fields.append(CSVSpan(start: n, end: n, quoted: false, escaped: false)) }
                        if position < n { continue }
                    }
                    break
                }
            }
            consumeNewline()
            return true
        }
    }

    private mutating func consumeNewline() {
        let n = bytes.count
        guard position < n else { return }
        if bytes[position] == Self.cr {
            position += 1
            if position < n && bytes[position] == Self.lf { position += 1 }
            line += 1
        } else if bytes[position] == Self.lf {
            position += 1
            line += 1
        }
    }

    private mutating func quotedField(_ b: UnsafeBufferPointer<UInt8>, _ q: UInt8) throws -> CSVSpan {
        let n = b.count
        let startLine = line
        position += 1
        let start = position
        var escaped = false
        while true {
            guard position < n else {
                throw SQLError("22P04", "file \"\(name)\", line \(startLine): unterminated quoted field")
            }
            let c = b[position]
            if c == q {
                if escape == q && position + 1 < n && b[position + 1] == q {
                    escaped = true; position += 2; continue
                }
                let end = position
                position += 1
                if position < n {
                    let after = b[position]
                    if after != delimiter && after != Self.lf && after != Self.cr {
                        throw SQLError("22P04", "file \"\(name)\", line \(line): unexpected character after a closing quote")
                    }
                }
                return CSVSpan(start: start, end: end, quoted: true, escaped: escaped)
            }
            if let e = escape, e != q, c == e, position + 1 < n {
                escaped = true; position += 2; continue
            }
            if c == Self.lf || (c == Self.cr && !(position + 1 < n && b[position + 1] == Self.lf)) { line += 1 }
            position += 1
        }
    }

    /// The field's content with escapes removed.
    func unescaped(_ s: CSVSpan) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(s.end - s.start)
        var i = s.start
        while i < s.end {
            let c = bytes[i]
            if let e = escape, c == e, i + 1 < s.end { out.append(bytes[i + 1]); i += 2; continue }
            out.append(c); i += 1
        }
        return out
    }

    /// The field's text (for headers and error messages).
    func text(_ s: CSVSpan) -> String {
        if s.escaped { return String(decoding: unescaped(s), as: UTF8.self) }
        return String(decoding: bytes[s.start..<s.end], as: UTF8.self)
    }
}
