// The REPL's input buffer: lines are fed in as they are typed (or read from
// a pipe), and every statement whose terminating `;` has been read comes
// out at once, so a piped session gets each result before more input is
// read. It knows just enough lexical structure to find those `;`s: quotes
// (with E'' escapes), dollar quotes, nested block comments, line comments and
// parentheses (a `;` inside parentheses does not end a statement, as in psql).
// What is left open also picks the continuation prompt's marker.

public struct StatementBuffer: Sendable {
    /// What the unfinished text is inside of, for the continuation prompt.
    public enum Open: Equatable, Sendable {
        case nothing
        case singleQuote
        case doubleQuote
        case dollarQuote(tag: String)
        case blockComment
        case parentheses(depth: Int)

        /// psql's %R marker: `-` plain continuation, `'` `"` `$` inside quotes, `*` in a comment, `(` in parentheses.
        public var marker: Character {
            switch self {
            case .nothing: return "-"
            case .singleQuote: return "'"
            case .doubleQuote: return "\""
            case .dollarQuote: return "$"
            case .blockComment: return "*"
            case .parentheses: return "("
            }
        }
    }

    /// The text read so far that does not yet end a statement.
    public private(set) var pending = ""

    public init() {}

    /// True when nothing but whitespace and comments is pending.
    public var isEmpty: Bool { !StatementBuffer.scan(Array(pending.utf8)).tailHasContent }

    /// What the pending text leaves open.
    public var open: Open { StatementBuffer.scan(Array(pending.utf8)).open }

    public mutating func reset() { pending = "" }

    /// Adds a line (a newline is appended) and returns the statements it completed,
    /// each with its `;`, leading blank lines and comments-only statements dropped.
    public mutating func feed(line: String) -> [String] {
        feed(text: line + "\n")
    }

    /// Adds raw text and returns the statements it completed.
    public mutating func feed(text: String) -> [String] {
        pending += text
        let bytes = Array(pending.utf8)
        let result = StatementBuffer.scan(bytes)
        guard let lastEnd = result.statements.last?.end else { return [] }
        let statements = result.statements.compactMap { s -> String? in
            guard s.hasContent else { return nil }
            return StatementBuffer.trimLeadingBlanks(String(decoding: bytes[s.start..<s.end], as: UTF8.self))
        }
        let rest = String(decoding: bytes[lastEnd...], as: UTF8.self)
        // A tail of blanks or comments only is not the start of a statement.
        pending = StatementBuffer.scan(Array(rest.utf8)).tailHasContent ? StatementBuffer.trimLeadingBlanks(rest) : ""
        return statements
    }

    /// Everything pending as one final statement (end of input without `;`), or nil if there is none.
    public mutating func takeRest() -> String? {
        defer { pending = "" }
        return isEmpty ? nil : StatementBuffer.trimLeadingBlanks(pending)
    }

    static func trimLeadingBlanks(_ s: String) -> String {
        String(s.drop { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" })
    }

    struct Statement { var start: Int; var end: Int; var hasContent: Bool }
    struct ScanResult { var statements: [Statement]; var open: Open; var tailHasContent: Bool }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0C }
    static func isIdentStart(_ b: UInt8) -> Bool { (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b >= 0x80 }
    static func isIdentContinue(_ b: UInt8) -> Bool { isIdentStart(b) || (b >= 0x30 && b <= 0x39) || b == 0x24 }

    static func scan(_ bytes: [UInt8]) -> ScanResult {
        var statements: [Statement] = []
        var start = 0
        var hasContent = false
        var depth = 0
        var open = Open.nothing
        var i = 0
        let n = bytes.count
        while i < n {
            let b = bytes[i]
            let next: UInt8? = i + 1 < n ? bytes[i + 1] : nil
            if isSpace(b) { i += 1; continue }
            if b == 0x2D, next == 0x2D {                       // -- comment to end of line
                while i < n, bytes[i] != 0x0A { i += 1 }
                continue
            }
            if b == 0x2F, next == 0x2A {                       // /* nested */ comment
                var nesting = 0
                open = .blockComment
                while i < n {
                    if bytes[i] == 0x2F, i + 1 < n, bytes[i + 1] == 0x2A { nesting += 1; i += 2; continue }
                    if bytes[i] == 0x2A, i + 1 < n, bytes[i + 1] == 0x2F {
                        nesting -= 1; i += 2
                        if nesting == 0 { open = .nothing; break }
                        continue
                    }
                    i += 1
                }
                continue
            }
            if b == 0x3B, depth == 0 {                         // ; ends a statement
                statements.append(Statement(start: start, end: i + 1, hasContent: hasContent))
                i += 1
                start = i
                hasContent = false
                continue
            }
            hasContent = true
            switch b {
            case 0x28: depth += 1; i += 1; continue
            case 0x29: depth = max(0, depth - 1); i += 1; continue
            case 0x27, 0x22:                                   // ' or "
                let escapes = b == 0x27 && i > 0 && (bytes[i - 1] == 0x45 || bytes[i - 1] == 0x65)
                    && (i < 2 || !isIdentContinue(bytes[i - 2]))
                open = b == 0x27 ? .singleQuote : .doubleQuote
                i += 1
                while i < n {
                    if escapes, bytes[i] == 0x5C { i += 2; continue }
                    if bytes[i] == b {
                        if i + 1 < n, bytes[i + 1] == b { i += 2; continue }
                        i += 1
                        open = .nothing
                        break
                    }
                    i += 1
                }
                continue
            case 0x24:                                         // $tag$ … $tag$
                if let tagEnd = dollarTagEnd(bytes, at: i) {
                    let delimiter = Array(bytes[i...tagEnd])
                    open = .dollarQuote(tag: String(decoding: delimiter, as: UTF8.self))
                    var j = tagEnd + 1
                    while j < n {
                        if bytes[j] == 0x24, j + delimiter.count <= n, bytes[j..<(j + delimiter.count)].elementsEqual(delimiter) {
                            j += delimiter.count
                            open = .nothing
                            break
                        }
                        j += 1
                    }
                    i = min(j, n)
                    continue
                }
                i += 1
                continue
            default:
                if isIdentStart(b) {
                    while i < n, isIdentContinue(bytes[i]) { i += 1 }
                    continue
                }
                i += 1
            }
        }
        if open == .nothing, depth > 0 { open = .parentheses(depth: depth) }
        return ScanResult(statements: statements, open: open, tailHasContent: hasContent || open != .nothing)
    }

    /// If a dollar-quote opening delimiter (`$$` or `$tag$`) starts at `i`, the index of its closing `$`.
    static func dollarTagEnd(_ bytes: [UInt8], at i: Int) -> Int? {
        if i > 0, isIdentContinue(bytes[i - 1]) { return nil }
        var j = i + 1
        if j < bytes.count, isIdentStart(bytes[j]) {
            while j < bytes.count, isIdentContinue(bytes[j]), bytes[j] != 0x24 { j += 1 }
        }
        return j < bytes.count && bytes[j] == 0x24 ? j : nil
    }
}
