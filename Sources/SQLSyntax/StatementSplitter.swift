// Cheap statement splitting for the REPL and script runners: a byte scanner
// that knows just enough lexical structure (quotes, E'' escapes, dollar
// quotes, comments) to find the `;`s that end statements, without parsing.

extension Parser {
    /// Splits `sql` at top-level `;` into trimmed statement texts (without the `;`);
    /// segments holding only whitespace and comments are dropped.
    public static func splitStatements(_ sql: String) -> [String] {
        let scan = SplitScanner(Array(sql.utf8))
        return scan.segments.compactMap { range in
            guard range.hasContent else { return nil }
            let text = String(decoding: scan.bytes[range.contentStart..<range.contentEnd], as: UTF8.self)
            return text
        }
    }

    /// True when the text ends with a `;` outside strings, comments and dollar quotes
    /// (trailing whitespace and comments allowed): the REPL's "statement is complete" test.
    public static func isComplete(_ sql: String) -> Bool {
        let scan = SplitScanner(Array(sql.utf8))
        return scan.endsWithTerminator
    }
}

struct SplitScanner {
    struct Segment {
        var contentStart: Int
        var contentEnd: Int
        var hasContent: Bool
    }

    let bytes: [UInt8]
    private(set) var segments: [Segment] = []
    /// True when the last significant token was a top-level `;` and nothing is left open.
    private(set) var endsWithTerminator = false

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        scan()
    }

    private mutating func scan() {
        var i = 0
        let n = bytes.count
        var segment = Segment(contentStart: 0, contentEnd: 0, hasContent: false)
        var lastWasSemicolon = false
        var open = false
        func mark(_ segment: inout Segment, _ start: Int, _ end: Int) {
            if !segment.hasContent { segment.contentStart = start; segment.hasContent = true }
            segment.contentEnd = end
        }
        while i < n {
            let b = bytes[i]
            let next: UInt8? = i + 1 < n ? bytes[i + 1] : nil
            if Lexer.isSpace(b) { i += 1; continue }
            if b == 0x2D, next == 0x2D {
                while i < n, bytes[i] != 0x0A { i += 1 }
                continue
            }
            if b == 0x2F, next == 0x2A {
                var depth = 0
                open = true
                while i < n {
                    if bytes[i] == 0x2F, i + 1 < n, bytes[i + 1] == 0x2A { depth += 1; i += 2; continue }
                    if bytes[i] == 0x2A, i + 1 < n, bytes[i + 1] == 0x2F {
                        depth -= 1; i += 2
                        if depth == 0 { open = false; break }
                        continue
                    }
                    i += 1
                }
                continue
            }
            let start = i
            lastWasSemicolon = false
            if b == 0x3B {
                segments.append(segment)
                segment = Segment(contentStart: i + 1, contentEnd: i + 1, hasContent: false)
                lastWasSemicolon = true
                i += 1
                continue
            }
            if b == 0x27 || b == 0x22 {
                // E'…' allows backslash escapes; the prefix letter was already consumed as a word.
                let escapes = b == 0x27 && start > 0 && (bytes[start - 1] == 0x45 || bytes[start - 1] == 0x65)
                    && (start < 2 || !Lexer.isIdentContinue(bytes[start - 2]))
                i += 1
                open = true
                while i < n {
                    if escapes, bytes[i] == 0x5C { i += 2; continue }
                    if bytes[i] == b {
                        if i + 1 < n, bytes[i + 1] == b { i += 2; continue }
                        i += 1
                        open = false
                        break
                    }
                    i += 1
                }
                mark(&segment, start, min(i, n))
                continue
            }
            if b == 0x24, let tagEnd = dollarTagEnd(at: i) {
                let delimiter = bytes[i...tagEnd]
                var j = tagEnd + 1
                open = true
                while j < n {
                    if bytes[j] == 0x24, j + delimiter.count <= n, bytes[j..<(j + delimiter.count)].elementsEqual(delimiter) {
                        j += delimiter.count
                        open = false
                        break
                    }
                    j += 1
                }
                i = min(j, n)
                mark(&segment, start, i)
                continue
            }
            if Lexer.isIdentStart(b) {
                while i < n, Lexer.isIdentContinue(bytes[i]) { i += 1 }
                mark(&segment, start, i)
                continue
            }
            i += 1
            mark(&segment, start, i)
        }
        if segment.hasContent { segments.append(segment) }
        endsWithTerminator = lastWasSemicolon && !open
    }

    /// If a dollar-quote opening delimiter starts at `i`, the index of its closing `$`.
    private func dollarTagEnd(at i: Int) -> Int? {
        if i > 0, Lexer.isIdentContinue(bytes[i - 1]) { return nil }
        var j = i + 1
        if j < bytes.count, Lexer.isIdentStart(bytes[j]) {
            while j < bytes.count, Lexer.isIdentContinue(bytes[j]), bytes[j] != 0x24 { j += 1 }
        }
        return j < bytes.count && bytes[j] == 0x24 ? j : nil
    }
}
