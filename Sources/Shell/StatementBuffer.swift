// The REPL's input buffer: lines are fed in as they are typed (or read from
// a pipe), and every statement whose terminating `;` has been read comes
// out at once, so a piped session gets each result before more input is
// read. It knows just enough lexical structure to find those `;`s: quotes
// (with E'' escapes), dollar quotes, nested block comments, line comments and
// parentheses (a `;` inside parentheses does not end a statement, as in psql).
// Scanning is incremental — each byte is looked at once, even for a
// statement spread over a hundred thousand piped lines — and what is left
// open also picks the continuation prompt's marker.

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

    enum Mode: Equatable, Sendable {
        case normal
        case singleQuote(escapes: Bool)
        case doubleQuote
        case dollarQuote(tag: [UInt8])
        case lineComment
        case blockComment(depth: Int)
    }

    /// Unconsumed input: the current statement from its first byte.
    private var bytes: [UInt8] = []
    /// Next byte to look at.
    private var position = 0
    private var mode = Mode.normal
    private var depth = 0
    /// Whether the current statement has anything but whitespace and comments so far.
    private var hasContent = false

    public init() {}

    /// The text read so far that does not yet end a statement.
    public var pending: String { String(decoding: bytes, as: UTF8.self) }

    /// True when the pending text starts with a backslash (a meta command after the last statement on a line).
    public var pendingIsMetaCommand: Bool { bytes.first == 0x5C }

    /// True when nothing but whitespace and comments is pending.
    public var isEmpty: Bool { !hasContent && open == .nothing }

    /// What the pending text leaves open.
    public var open: Open {
        switch mode {
        case .normal, .lineComment: return depth > 0 ? .parentheses(depth: depth) : .nothing
        case .singleQuote: return .singleQuote
        case .doubleQuote: return .doubleQuote
        case .dollarQuote(let tag): return .dollarQuote(tag: String(decoding: tag, as: UTF8.self))
        case .blockComment: return .blockComment
        }
    }

    public mutating func reset() { self = StatementBuffer() }

    /// Adds a line (a newline is appended) and returns the statements it completed,
    /// each with its `;`, leading blank lines and comments-only statements dropped.
    public mutating func feed(line: String) -> [String] {
        feed(text: line + "\n")
    }

    /// Adds raw text and returns the statements it completed.
    public mutating func feed(text: String) -> [String] {
        bytes.append(contentsOf: text.utf8)
        var statements: [String] = []
        while let end = scanToTerminator() {
            if hasContent {
                statements.append(StatementBuffer.trimLeadingBlanks(String(decoding: bytes[0..<end], as: UTF8.self)))
            }
            bytes.removeFirst(end)
            position -= end
            hasContent = false
        }
        // Blank lines and comments between statements are not kept as the start of the next one.
        if !hasContent, mode == .normal, position == bytes.count {
            bytes.removeAll(keepingCapacity: true)
            position = 0
        } else {
            let blanks = bytes.prefix(position).prefix { StatementBuffer.isSpace($0) }.count
            bytes.removeFirst(blanks)
            position -= blanks
        }
        return statements
    }

    /// Everything pending as one final statement (end of input without `;`), or nil if there is none.
    public mutating func takeRest() -> String? {
        defer { reset() }
        // Bytes held back for lookahead (a lone `-` or `$` at the very end) still count as content.
        if !hasContent, bytes[position...].contains(where: { !StatementBuffer.isSpace($0) }) { hasContent = true }
        return hasContent || open != .nothing ? StatementBuffer.trimLeadingBlanks(pending) : nil
    }

    /// The open state at the end of `text`, for completion (is the cursor inside a string?).
    static func openState(after text: String) -> Open {
        var buffer = StatementBuffer()
        _ = buffer.feed(text: text)
        return buffer.open
    }

    static func trimLeadingBlanks(_ s: String) -> String {
        String(s.drop { $0 == " " || $0 == "\n" || $0 == "\t" || $0 == "\r" || $0 == "\r\n" })
    }

    static func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0C }
    static func isIdentStart(_ b: UInt8) -> Bool { (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b >= 0x80 }
    static func isIdentContinue(_ b: UInt8) -> Bool { isIdentStart(b) || (b >= 0x30 && b <= 0x39) || b == 0x24 }

    /// Scans on from `position`; returns the index just past a top-level `;`, or nil when the
    /// input runs out (possibly holding back a byte whose meaning depends on the next one).
    private mutating func scanToTerminator() -> Int? {
        let n = bytes.count
        while position < n {
            let i = position
            let b = bytes[i]
            let next: UInt8? = i + 1 < n ? bytes[i + 1] : nil
            switch mode {
            case .lineComment:
                if b == 0x0A { mode = .normal }
                position += 1
            case .blockComment(let nesting):
                if b == 0x2F || b == 0x2A {
                    guard let next else { return nil }
                    if b == 0x2F, next == 0x2A { mode = .blockComment(depth: nesting + 1); position += 2; continue }
                    if b == 0x2A, next == 0x2F {
                        mode = nesting == 1 ? .normal : .blockComment(depth: nesting - 1)
                        position += 2
                        continue
                    }
                }
                position += 1
            case .singleQuote(let escapes):
                if escapes, b == 0x5C {
                    guard next != nil else { return nil }
                    position += 2
                } else if b == 0x27 {
                    guard let next else { return nil }
                    if next == 0x27 { position += 2 } else { mode = .normal; position += 1 }
                } else {
                    position += 1
                }
            case .doubleQuote:
                if b == 0x22 {
                    guard let next else { return nil }
                    if next == 0x22 { position += 2 } else { mode = .normal; position += 1 }
                } else {
                    position += 1
                }
            case .dollarQuote(let tag):
                if b == 0x24 {
                    if i + tag.count > n {
                        // Possibly the start of the closing delimiter: wait for the rest.
                        if bytes[i..<n].elementsEqual(tag.prefix(n - i)) { return nil }
                    } else if bytes[i..<(i + tag.count)].elementsEqual(tag) {
                        mode = .normal
                        position += tag.count
                        continue
                    }
                }
                position += 1
            case .normal:
                if StatementBuffer.isSpace(b) { position += 1; continue }
                if b == 0x2D || b == 0x2F {                       // -- or /*
                    guard let next else { return nil }
                    if b == 0x2D, next == 0x2D { mode = .lineComment; position += 2; continue }
                    if b == 0x2F, next == 0x2A { mode = .blockComment(depth: 1); position += 2; continue }
                }
                if b == 0x3B, depth == 0 {                        // ; ends a statement
                    position += 1
                    return position
                }
                hasContent = true
                switch b {
                case 0x28: depth += 1
                case 0x29: depth = max(0, depth - 1)
                case 0x27:
                    let escapes = i > 0 && (bytes[i - 1] == 0x45 || bytes[i - 1] == 0x65)
                        && (i < 2 || !StatementBuffer.isIdentContinue(bytes[i - 2]))
                    mode = .singleQuote(escapes: escapes)
                case 0x22: mode = .doubleQuote
                case 0x24 where i == 0 || !StatementBuffer.isIdentContinue(bytes[i - 1]):
                    // $$ or $tag$ opens a dollar quote; $1 is a parameter.
                    var j = i + 1
                    if j < n, StatementBuffer.isIdentStart(bytes[j]) {
                        while j < n, StatementBuffer.isIdentContinue(bytes[j]), bytes[j] != 0x24 { j += 1 }
                    }
                    if j == n { return nil }
                    if bytes[j] == 0x24 {
                        mode = .dollarQuote(tag: Array(bytes[i...j]))
                        position = j + 1
                        continue
                    }
                default: break
                }
                position += 1
            }
        }
        return nil
    }
}
