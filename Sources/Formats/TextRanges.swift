// Splitting an uncompressed CSV or NDJSON file into byte ranges that start
// exactly at record boundaries, so one large file becomes several morsels
// of the parallel scan. The boundaries come from one quick pass that follows
// the same quoting rules as the tokenizers (a quote opens a quoted field
// only at a field's start; doubled quotes or the escape byte inside one;
// JSON strings and nesting), so quoted newlines never split a record; the
// pass also counts lines, so errors still name the right line. When the
// pass meets an unterminated quote or string, the file stays one range and
// the reader reports the error as before.

public struct TextRange: Sendable, Equatable {
    /// Byte offsets in the file's (BOM-less for CSV) data: records that start in start..<end.
    public var start: Int
    public var end: Int
    /// 1-based line number at `start`.
    public var line: Int
    public init(start: Int, end: Int, line: Int) { self.start = start; self.end = end; self.line = line }
    public var byteCount: Int { end - start }
}

enum TextRanges {
    static let lf = UInt8(ascii: "\n"), cr = UInt8(ascii: "\r")

    /// Record-aligned ranges of about `target` bytes covering `start..<bytes.count` (CSV quoting rules).
    static func csv(_ bytes: [UInt8], start: Int, line: Int, target: Int, delimiter: UInt8, quote: UInt8?, escape: UInt8?) -> [TextRange] {
        let n = bytes.count
        let whole = [TextRange(start: start, end: n, line: line)]
        guard target > 0, n - start > target else { return whole }
        let escape = escape ?? quote
        var cuts: [(Int, Int)] = []
        let complete: Bool = bytes.withUnsafeBufferPointer { b in
            var pos = start, line = line, atFieldStart = true
            var nextCut = start + target
            while pos < n {
                let c = b[pos]
                if atFieldStart, let q = quote, c == q {
                    pos += 1
                    var closed = false
                    while pos < n {
                        let d = b[pos]
                        if d == q {
                            if escape == q && pos + 1 < n && b[pos + 1] == q { pos += 2; continue }
                            pos += 1; closed = true; break
                        }
                        if let e = escape, e != q, d == e, pos + 1 < n { pos += 2; continue }
                        if d == lf || (d == cr && !(pos + 1 < n && b[pos + 1] == lf)) { line += 1 }
                        pos += 1
                    }
                    if !closed { return false }
                    atFieldStart = false
                    continue
                }
                if c == delimiter { atFieldStart = true; pos += 1; continue }
                if c == lf || c == cr {
                    pos += (c == cr && pos + 1 < n && b[pos + 1] == lf) ? 2 : 1
                    line += 1
                    atFieldStart = true
                    if pos >= nextCut && pos < n { cuts.append((pos, line)); nextCut = pos + target }
                    continue
                }
                atFieldStart = false
                pos += 1
            }
            return true
        }
        guard complete, !cuts.isEmpty else { return whole }
        return ranges(start: start, line: line, end: n, cuts: cuts)
    }

    /// Record-aligned ranges for NDJSON: cuts after a newline outside any string and at nesting depth 0.
    /// A top-level JSON array is one range.
    static func ndjson(_ bytes: [UInt8], target: Int) -> [TextRange] {
        let n = bytes.count
        var start = 0
        if n >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
        let whole = [TextRange(start: start, end: n, line: 1)]
        guard target > 0, n - start > target else { return whole }
        if let first = bytes[start...].first(where: { $0 != 0x20 && $0 != 0x09 && $0 != lf && $0 != cr }), first == UInt8(ascii: "[") {
            return whole
        }
        var cuts: [(Int, Int)] = []
        let complete: Bool = bytes.withUnsafeBufferPointer { b in
            var pos = start, line = 1, depth = 0, inString = false
            var nextCut = start + target
            while pos < n {
                let c = b[pos]
                if inString {
                    if c == UInt8(ascii: "\\") { pos += 2; continue }
                    if c == UInt8(ascii: "\"") { inString = false }
                    if c == lf { return false }  // invalid JSON: the parser reports it with its line
                    pos += 1
                    continue
                }
                switch c {
                case UInt8(ascii: "\""): inString = true
                case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
                case UInt8(ascii: "}"), UInt8(ascii: "]"): depth -= 1
                case lf:
                    line += 1
                    if depth == 0 && pos + 1 >= nextCut && pos + 1 < n { cuts.append((pos + 1, line)); nextCut = pos + 1 + target }
                default: break
                }
                pos += 1
            }
            return !inString
        }
        guard complete, !cuts.isEmpty else { return whole }
        return ranges(start: start, line: 1, end: n, cuts: cuts)
    }

    private static func ranges(start: Int, line: Int, end: Int, cuts: [(Int, Int)]) -> [TextRange] {
        var out: [TextRange] = []
        var from = (start, line)
        for cut in cuts {
            out.append(TextRange(start: from.0, end: cut.0, line: from.1))
            from = cut
        }
        out.append(TextRange(start: from.0, end: end, line: from.1))
        return out
    }
}
