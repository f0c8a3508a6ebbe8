// The SQL lexer: a single forward scan over the UTF-8 bytes of the input that
// produces tokens with byte offsets. It follows PostgreSQL's scan.l rules:
// case folding of unquoted words, '' and "" escapes, E'' backslash escapes,
// dollar quoting, adjacent string literals joined across newlines, nested
// block comments, and the operator-trimming rule for trailing + and -.

import Columnar

public struct Lexer {
    let bytes: [UInt8]
    var pos = 0

    public init(_ sql: String) { bytes = Array(sql.utf8) }

    /// Tokenizes the whole input; the last token is always `.eof`.
    public static func tokenize(_ sql: String) throws -> [Token] {
        var lexer = Lexer(sql)
        var tokens: [Token] = []
        while true {
            let token = try lexer.next()
            tokens.append(token)
            if token.kind == .eof { return tokens }
        }
    }

    // MARK: - Character classes

    @inline(__always) private func byte(_ i: Int) -> UInt8? { i < bytes.count ? bytes[i] : nil }

    @inline(__always) static func isIdentStart(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b == 0x5F || b >= 0x80
    }
    @inline(__always) static func isIdentContinue(_ b: UInt8) -> Bool {
        isIdentStart(b) || isDigit(b) || b == 0x24
    }
    @inline(__always) static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    @inline(__always) static func isSpace(_ b: UInt8) -> Bool {
        b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D || b == 0x0C || b == 0x0B
    }
    static let operatorChars: Set<UInt8> = Set("+-*/<>=~!@#%^&|`?".utf8)
    /// Characters that allow an operator to end in + or - (PostgreSQL's rule).
    static let nonMathOperatorChars: Set<UInt8> = Set("~!@#%^&|`?".utf8)

    // MARK: - Errors

    /// 1-based character position of a byte offset (PostgreSQL counts characters, not bytes).
    static func characterPosition(_ bytes: [UInt8], _ offset: Int) -> Int {
        var count = 0
        var i = 0
        let limit = min(offset, bytes.count)
        while i < limit {
            if bytes[i] & 0xC0 != 0x80 { count += 1 }
            i += 1
        }
        return count + 1
    }

    private func error(_ message: String, at start: Int, sqlState: String = SQLState.syntaxError) -> SQLError {
        let end = min(bytes.count, start + 40)
        let near = String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
        return SQLError(sqlState, "\(message) at or near \"\(near)\"", position: Lexer.characterPosition(bytes, start))
    }

    // MARK: - Scanning

    /// Skips whitespace and comments.
    private mutating func skipTrivia() throws {
        while pos < bytes.count {
            let b = bytes[pos]
            if Lexer.isSpace(b) { pos += 1; continue }
            if b == 0x2D, byte(pos + 1) == 0x2D {   // -- comment
                while pos < bytes.count && bytes[pos] != 0x0A { pos += 1 }
                continue
            }
            if b == 0x2F, byte(pos + 1) == 0x2A {   // /* nested comment */
                let start = pos
                var depth = 0
                while true {
                    guard pos < bytes.count else { throw error("unterminated /* comment", at: start) }
                    if bytes[pos] == 0x2F, byte(pos + 1) == 0x2A { depth += 1; pos += 2; continue }
                    if bytes[pos] == 0x2A, byte(pos + 1) == 0x2F {
                        depth -= 1; pos += 2
                        if depth == 0 { break }
                        continue
                    }
                    pos += 1
                }
                continue
            }
            return
        }
    }

    public mutating func next() throws -> Token {
        try skipTrivia()
        let start = pos
        guard let b = byte(pos) else { return Token(kind: .eof, text: "", start: pos, end: pos) }
        let b1 = byte(pos + 1)

        // Prefixed literals: E'…', B'…', X'…', N'…', U&"…", U&'…'.
        if b1 == 0x27 {
            switch b {
            case 0x45, 0x65: pos += 1; return try escapeString(start: start)
            case 0x42, 0x62: pos += 1; return try bitString(start: start, hex: false)
            case 0x58, 0x78: pos += 1; return try bitString(start: start, hex: true)
            case 0x4E, 0x6E:
                pos += 1
                var token = try standardString(start: start)
                token.start = start
                return token
            default: break
            }
        }
        if (b == 0x55 || b == 0x75), b1 == 0x26, let b2 = byte(pos + 2), b2 == 0x22 || b2 == 0x27 {
            pos += 2
            var token = b2 == 0x22 ? try quotedIdentifier(start: start) : try standardString(start: start)
            token.text = try decodeUnicodeEscapes(token.text, start: start)
            token.start = start
            return token
        }
        if Lexer.isIdentStart(b) {
            pos += 1
            while let c = byte(pos), Lexer.isIdentContinue(c) { pos += 1 }
            var folded = [UInt8]()
            folded.reserveCapacity(pos - start)
            for c in bytes[start..<pos] { folded.append(c >= 0x41 && c <= 0x5A ? c + 32 : c) }
            return Token(kind: .identifier, text: String(decoding: folded, as: UTF8.self), start: start, end: pos)
        }
        if Lexer.isDigit(b) || (b == 0x2E && b1.map(Lexer.isDigit) == true) {
            return try number(start: start)
        }
        switch b {
        case 0x27: return try standardString(start: start)
        case 0x22: return try quotedIdentifier(start: start)
        case 0x24: return try dollar(start: start)
        case 0x28, 0x29, 0x5B, 0x5D, 0x2C, 0x3B, 0x2E:
            pos += 1
            return Token(kind: .punct, text: String(UnicodeScalar(b)), start: start, end: pos)
        case 0x3A:
            if b1 == 0x3A { pos += 2; return Token(kind: .punct, text: "::", start: start, end: pos) }
            if b1 == 0x3D { pos += 2; return Token(kind: .punct, text: ":=", start: start, end: pos) }
            pos += 1
            return Token(kind: .punct, text: ":", start: start, end: pos)
        default:
            break
        }
        if Lexer.operatorChars.contains(b) { return operatorToken(start: start) }
        throw error("syntax error", at: start)
    }

    private mutating func operatorToken(start: Int) -> Token {
        var end = start
        while let c = byte(end), Lexer.operatorChars.contains(c) {
            // A comment start ends the operator.
            if end > start, (c == 0x2D && byte(end + 1) == 0x2D) || (c == 0x2F && byte(end + 1) == 0x2A) { break }
            end += 1
        }
        if end - start > 1 {
            let hasNonMath = bytes[start..<end].contains { Lexer.nonMathOperatorChars.contains($0) }
            if !hasNonMath {
                while end - start > 1, bytes[end - 1] == 0x2B || bytes[end - 1] == 0x2D { end -= 1 }
            }
        }
        pos = end
        var text = String(decoding: bytes[start..<end], as: UTF8.self)
        if text == "!=" { text = "<>" }
        return Token(kind: .op, text: text, start: start, end: end)
    }

    private mutating func number(start: Int) throws -> Token {
        var digits = [UInt8]()
        var isDecimal = false
        func scanDigits(_ lexer: inout Lexer, _ out: inout [UInt8]) {
            while let c = lexer.byte(lexer.pos) {
                if Lexer.isDigit(c) { out.append(c); lexer.pos += 1 }
                else if c == 0x5F, let n = lexer.byte(lexer.pos + 1), Lexer.isDigit(n), !out.isEmpty,
                        Lexer.isDigit(lexer.bytes[lexer.pos - 1]) { lexer.pos += 1 }
                else { break }
            }
        }
        scanDigits(&self, &digits)
        if byte(pos) == 0x2E, byte(pos + 1) != 0x2E {
            isDecimal = true
            digits.append(0x2E)
            pos += 1
            scanDigits(&self, &digits)
        }
        if let e = byte(pos), e == 0x65 || e == 0x45 {
            var look = pos + 1
            if let s = byte(look), s == 0x2B || s == 0x2D { look += 1 }
            if let d = byte(look), Lexer.isDigit(d) {
                isDecimal = true
                digits.append(0x65)
                if let s = byte(pos + 1), s == 0x2D { digits.append(s) }
                pos = look
                scanDigits(&self, &digits)
            }
        }
        if let c = byte(pos), Lexer.isIdentStart(c) {
            var end = pos
            while let c = byte(end), Lexer.isIdentContinue(c) { end += 1 }
            let text = String(decoding: bytes[start..<end], as: UTF8.self)
            throw SQLError(SQLState.syntaxError, "trailing junk after numeric literal at or near \"\(text)\"",
                           position: Lexer.characterPosition(bytes, start))
        }
        return Token(kind: isDecimal ? .decimal : .integer, text: String(decoding: digits, as: UTF8.self),
                     start: start, end: pos)
    }

    /// After a closing quote: is the next thing whitespace containing a newline followed by another quote?
    private mutating func continuesAcrossNewline() -> Bool {
        var i = pos
        var sawNewline = false
        while let c = byte(i), Lexer.isSpace(c) {
            if c == 0x0A || c == 0x0D { sawNewline = true }
            i += 1
        }
        if sawNewline, byte(i) == 0x27 { pos = i + 1; return true }
        return false
    }

    /// '…' with '' escapes; `pos` is at the opening quote.
    private mutating func standardString(start: Int) throws -> Token {
        pos += 1
        var out = [UInt8]()
        while true {
            guard let c = byte(pos) else { throw error("unterminated quoted string", at: start) }
            if c == 0x27 {
                if byte(pos + 1) == 0x27 { out.append(0x27); pos += 2; continue }
                pos += 1
                if continuesAcrossNewline() { continue }
                break
            }
            out.append(c)
            pos += 1
        }
        return Token(kind: .string, text: String(decoding: out, as: UTF8.self), start: start, end: pos)
    }

    private static func hexValue(_ c: UInt8) -> UInt32? {
        switch c {
        case 0x30...0x39: return UInt32(c - 0x30)
        case 0x61...0x66: return UInt32(c - 0x61 + 10)
        case 0x41...0x46: return UInt32(c - 0x41 + 10)
        default: return nil
        }
    }

    private static func appendScalar(_ value: UInt32, to out: inout [UInt8]) -> Bool {
        guard let scalar = UnicodeScalar(value) else { return false }
        out.append(contentsOf: Array(String(Character(scalar)).utf8))
        return true
    }

    /// E'…' with backslash escapes; `pos` is at the opening quote.
    private mutating func escapeString(start: Int) throws -> Token {
        pos += 1
        var out = [UInt8]()
        while true {
            guard let c = byte(pos) else { throw error("unterminated quoted string", at: start) }
            if c == 0x27 {
                if byte(pos + 1) == 0x27 { out.append(0x27); pos += 2; continue }
                pos += 1
                if continuesAcrossNewline() { continue }
                break
            }
            if c == 0x5C {
                guard let e = byte(pos + 1) else { throw error("unterminated quoted string", at: start) }
                pos += 2
                switch e {
                case 0x62: out.append(0x08)
                case 0x66: out.append(0x0C)
                case 0x6E: out.append(0x0A)
                case 0x72: out.append(0x0D)
                case 0x74: out.append(0x09)
                case 0x78:   // \xHH
                    var value: UInt32 = 0
                    var n = 0
                    while n < 2, let h = byte(pos), let v = Lexer.hexValue(h) { value = value * 16 + v; pos += 1; n += 1 }
                    if n == 0 { out.append(0x78) } else { out.append(UInt8(value)) }
                case 0x75, 0x55:   // \uXXXX, \UXXXXXXXX
                    let count = e == 0x75 ? 4 : 8
                    var value: UInt32 = 0
                    for _ in 0..<count {
                        guard let h = byte(pos), let v = Lexer.hexValue(h) else {
                            throw SQLError(SQLState.invalidEscapeSequence, "invalid Unicode escape",
                                           position: Lexer.characterPosition(bytes, pos),
                                           hint: "Unicode escapes must be \\uXXXX or \\UXXXXXXXX.")
                        }
                        value = value &* 16 &+ v
                        pos += 1
                    }
                    if !Lexer.appendScalar(value, to: &out) {
                        throw SQLError(SQLState.syntaxError, "invalid Unicode escape value",
                                       position: Lexer.characterPosition(bytes, pos))
                    }
                case 0x30...0x37:   // octal \ooo
                    var value = UInt32(e - 0x30)
                    var n = 1
                    while n < 3, let o = byte(pos), o >= 0x30 && o <= 0x37 { value = value * 8 + UInt32(o - 0x30); pos += 1; n += 1 }
                    out.append(UInt8(truncatingIfNeeded: value))
                default: out.append(e)
                }
                continue
            }
            out.append(c)
            pos += 1
        }
        // Escapes can produce bytes that are not valid UTF-8 (\xFF): PostgreSQL rejects those.
        guard String(validatingUTF8: out.map { CChar(bitPattern: $0) } + [0]) != nil else {
            throw SQLError(SQLState.characterNotInRepertoire, "invalid byte sequence for encoding \"UTF8\"",
                           position: Lexer.characterPosition(bytes, start))
        }
        return Token(kind: .string, text: String(decoding: out, as: UTF8.self), start: start, end: pos)
    }

    /// B'0101' or X'1F' (converted to binary digits); `pos` is at the opening quote.
    private mutating func bitString(start: Int, hex: Bool) throws -> Token {
        var token = try standardString(start: start)
        var digits = ""
        for ch in token.text.utf8 {
            if hex {
                guard let v = Lexer.hexValue(ch) else {
                    throw SQLError(SQLState.syntaxError, "\"\(Character(UnicodeScalar(ch)))\" is not a valid hexadecimal digit",
                                   position: Lexer.characterPosition(bytes, start))
                }
                for shift in stride(from: 3, through: 0, by: -1) { digits.append((v >> UInt32(shift)) & 1 == 1 ? "1" : "0") }
            } else {
                guard ch == 0x30 || ch == 0x31 else {
                    throw SQLError(SQLState.syntaxError, "\"\(Character(UnicodeScalar(ch)))\" is not a valid binary digit",
                                   position: Lexer.characterPosition(bytes, start))
                }
                digits.append(ch == 0x30 ? "0" : "1")
            }
        }
        token.kind = .bitString
        token.text = digits
        token.start = start
        return token
    }

    /// U&'…' / U&"…" escapes: \XXXX and \+XXXXXX.
    private func decodeUnicodeEscapes(_ text: String, start: Int) throws -> String {
        let input = Array(text.utf8)
        var out = [UInt8]()
        var i = 0
        while i < input.count {
            let c = input[i]
            if c == 0x5C {
                if i + 1 < input.count, input[i + 1] == 0x5C { out.append(0x5C); i += 2; continue }
                let plus = i + 1 < input.count && input[i + 1] == 0x2B
                let count = plus ? 6 : 4
                let first = i + (plus ? 2 : 1)
                guard first + count <= input.count else {
                    throw SQLError(SQLState.syntaxError, "invalid Unicode escape", position: Lexer.characterPosition(bytes, start),
                                   hint: "Unicode escapes must be \\XXXX or \\+XXXXXX.")
                }
                var value: UInt32 = 0
                for j in first..<(first + count) {
                    guard let v = Lexer.hexValue(input[j]) else {
                        throw SQLError(SQLState.syntaxError, "invalid Unicode escape", position: Lexer.characterPosition(bytes, start),
                                       hint: "Unicode escapes must be \\XXXX or \\+XXXXXX.")
                    }
                    value = value * 16 + v
                }
                guard Lexer.appendScalar(value, to: &out) else {
                    throw SQLError(SQLState.syntaxError, "invalid Unicode escape value", position: Lexer.characterPosition(bytes, start))
                }
                i = first + count
                continue
            }
            out.append(c)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// "…" with "" escapes; `pos` is at the opening quote.
    private mutating func quotedIdentifier(start: Int) throws -> Token {
        pos += 1
        var out = [UInt8]()
        while true {
            guard let c = byte(pos) else { throw error("unterminated quoted identifier", at: start) }
            if c == 0x22 {
                if byte(pos + 1) == 0x22 { out.append(0x22); pos += 2; continue }
                pos += 1
                break
            }
            out.append(c)
            pos += 1
        }
        if out.isEmpty {
            throw SQLError(SQLState.syntaxError, "zero-length delimited identifier at or near \"\"\"\"",
                           position: Lexer.characterPosition(bytes, start))
        }
        return Token(kind: .quotedIdentifier, text: String(decoding: out, as: UTF8.self), start: start, end: pos)
    }

    /// `$n` parameters and `$tag$…$tag$` strings; `pos` is at the `$`.
    private mutating func dollar(start: Int) throws -> Token {
        if let d = byte(pos + 1), Lexer.isDigit(d) {
            pos += 1
            var value = 0
            while let c = byte(pos), Lexer.isDigit(c) {
                value = value &* 10 &+ Int(c - 0x30)
                if value > Int(Int32.max) {
                    throw SQLError(SQLState.syntaxError, "parameter number too large at or near \"$\"",
                                   position: Lexer.characterPosition(bytes, start))
                }
                pos += 1
            }
            if let c = byte(pos), Lexer.isIdentStart(c) {
                throw SQLError(SQLState.syntaxError, "trailing junk after parameter at or near \"\(String(decoding: bytes[start...pos], as: UTF8.self))\"",
                               position: Lexer.characterPosition(bytes, start))
            }
            return Token(kind: .parameter, text: String(value), start: start, end: pos)
        }
        // Opening delimiter: $ [tag] $, tag = identifier characters without `$`, not starting with a digit.
        var tagEnd = pos + 1
        if let c = byte(tagEnd), Lexer.isIdentStart(c) {
            while let c = byte(tagEnd), Lexer.isIdentContinue(c), c != 0x24 { tagEnd += 1 }
        }
        guard byte(tagEnd) == 0x24 else { throw error("syntax error", at: start) }
        let delimiter = Array(bytes[start...tagEnd])
        var i = tagEnd + 1
        let bodyStart = i
        while i + delimiter.count <= bytes.count {
            if bytes[i] == 0x24, bytes[i..<(i + delimiter.count)].elementsEqual(delimiter) {
                pos = i + delimiter.count
                return Token(kind: .string, text: String(decoding: bytes[bodyStart..<i], as: UTF8.self), start: start, end: pos)
            }
            i += 1
        }
        throw error("unterminated dollar-quoted string", at: start)
    }
}
