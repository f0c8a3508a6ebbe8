// Statements about a client connection rather than data, which the wire
// server runs itself: cursors (DECLARE/FETCH/MOVE/CLOSE), DISCARD,
// DEALLOCATE, LISTEN/UNLISTEN and COPY … TO STDOUT. They are parsed here, on
// the lexer's tokens, so the main statement grammar (and every switch over
// Statement) stays untouched; `StatementSplitter` cuts a multi-statement
// query string at top-level semicolons so each piece can go either way.

import Columnar

public enum FetchDirection: Equatable, Sendable {
    /// NEXT, FORWARD n, n, ALL, FORWARD ALL (count nil = all).
    case forward(Int?)
}

public enum CopyFormat: String, Equatable, Sendable { case text, csv, binary }

public struct CopyToStatement: Equatable, Sendable {
    /// The query whose rows are copied (for `COPY table (cols)`, a SELECT of them).
    public var query: String
    public var format: CopyFormat = .text
    public var header = false
    public var delimiter: String?
    public var null: String?
    public init(query: String, format: CopyFormat = .text, header: Bool = false, delimiter: String? = nil, null: String? = nil) {
        self.query = query; self.format = format; self.header = header; self.delimiter = delimiter; self.null = null
    }
}

public enum SessionCommand: Equatable, Sendable {
    case declareCursor(name: String, binary: Bool, hold: Bool, query: String, queryOffset: Int)
    case fetch(name: String, direction: FetchDirection, move: Bool)
    /// CLOSE name; nil = CLOSE ALL.
    case closeCursor(String?)
    case discardAll
    /// DEALLOCATE [PREPARE] name; nil = ALL.
    case deallocate(String?)
    case listen
    case unlisten
    case copyTo(CopyToStatement)
}

/// One statement of a query string: its text and where it starts (bytes).
public struct StatementSource: Sendable {
    public var text: String
    public var offset: Int
    public var tokens: [Token]
}

public enum StatementSplitter {
    /// Splits at top-level `;`; empty statements are dropped.
    public static func split(_ sql: String) throws -> [StatementSource] {
        let tokens = try Lexer.tokenize(sql)
        let bytes = Array(sql.utf8)
        var result: [StatementSource] = []
        var current: [Token] = []
        var depth = 0
        func finish() {
            guard let first = current.first, let last = current.last else { return }
            let text = String(decoding: bytes[first.start..<last.end], as: UTF8.self)
            result.append(StatementSource(text: text, offset: first.start, tokens: current))
            current = []
        }
        for t in tokens {
            if t.kind == .eof { break }
            if t.kind == .punct {
                if t.text == "(" { depth += 1 } else if t.text == ")" { depth = max(0, depth - 1) }
                if t.text == ";" && depth == 0 { finish(); continue }
            }
            current.append(t)
        }
        finish()
        return result
    }
}

public enum SessionCommandParser {
    /// The session command in `source`, or nil when it is an ordinary statement.
    public static func parse(_ source: StatementSource) throws -> SessionCommand? {
        let tokens = source.tokens
        guard let first = tokens.first, first.kind == .identifier else { return nil }
        var i = 1
        func peek() -> Token? { i < tokens.count ? tokens[i] : nil }
        func word() -> String? { if let t = peek(), t.kind == .identifier { return t.text }; return nil }
        func accept(_ w: String) -> Bool { if word() == w { i += 1; return true }; return false }
        func syntaxError() -> SQLError {
            let at = peek()
            let near = at.map { "at or near \"\($0.text)\"" } ?? "at end of input"
            return SQLError(SQLState.syntaxError, "syntax error \(near)", position: (at?.start ?? source.text.utf8.count + source.offset) - source.offset + 1)
        }
        func name() throws -> String {
            guard let t = peek(), t.kind == .identifier || t.kind == .quotedIdentifier else { throw syntaxError() }
            i += 1
            return t.text
        }
        func end() throws { if i < tokens.count { throw syntaxError() } }

        switch first.text {
        case "declare":
            let cursor = try name()
            var binary = false, hold = false
            while true {
                if accept("binary") { binary = true; continue }
                if accept("insensitive") || accept("asensitive") { continue }
                if accept("no") { guard accept("scroll") else { throw syntaxError() }; continue }
                if accept("scroll") { continue }
                break
            }
            guard accept("cursor") else { throw syntaxError() }
            if accept("with") { guard accept("hold") else { throw syntaxError() }; hold = true }
            else if accept("without") { guard accept("hold") else { throw syntaxError() } }
            guard accept("for"), let q = peek() else { throw syntaxError() }
            let bytes = Array(source.text.utf8)
            let start = q.start - source.offset
            return .declareCursor(name: cursor, binary: binary, hold: hold,
                                  query: String(decoding: bytes[start...], as: UTF8.self), queryOffset: q.start)
        case "fetch", "move":
            var direction = FetchDirection.forward(1)
            if accept("next") { direction = .forward(1) }
            else if accept("all") { direction = .forward(nil) }
            else if accept("forward") {
                if accept("all") { direction = .forward(nil) }
                else if let t = peek(), t.kind == .integer, let n = Int(t.text) { i += 1; direction = .forward(n) }
            } else if let t = peek(), t.kind == .integer, let n = Int(t.text) { i += 1; direction = .forward(n) }
            else if let w = word(), ["prior", "first", "last", "absolute", "relative", "backward"].contains(w) {
                throw SQLError(SQLState.featureNotSupported, "cursor can only scan forward",
                               hint: "Declare it with SCROLL option to enable backward scan.")
            }
            _ = accept("from") || accept("in")
            let cursor = try name()
            try end()
            return .fetch(name: cursor, direction: direction, move: first.text == "move")
        case "close":
            if accept("all") { try end(); return .closeCursor(nil) }
            let cursor = try name()
            try end()
            return .closeCursor(cursor)
        case "discard":
            guard accept("all") || accept("plans") || accept("temp") || accept("temporary") || accept("sequences") else { throw syntaxError() }
            try end()
            return .discardAll
        case "deallocate":
            _ = accept("prepare")
            if accept("all") { try end(); return .deallocate(nil) }
            let n = try name()
            try end()
            return .deallocate(n)
        case "listen":
            return .listen
        case "unlisten":
            return .unlisten
        case "copy":
            return try parseCopy(source, start: i)
        default:
            return nil
        }
    }

    static func parseCopy(_ source: StatementSource, start: Int) throws -> SessionCommand? {
        let tokens = source.tokens
        var i = start
        func syntaxError() -> SQLError {
            let at = i < tokens.count ? tokens[i] : nil
            let near = at.map { "at or near \"\($0.text)\"" } ?? "at end of input"
            return SQLError(SQLState.syntaxError, "syntax error \(near)", position: (at?.start ?? source.offset + source.text.utf8.count) - source.offset + 1)
        }
        let bytes = Array(source.text.utf8)
        func text(_ a: Token, _ b: Token) -> String {
            String(decoding: bytes[(a.start - source.offset)..<(b.end - source.offset)], as: UTF8.self)
        }
        guard i < tokens.count else { throw syntaxError() }
        var copy = CopyToStatement(query: "")
        if tokens[i].kind == .punct && tokens[i].text == "(" {
            var depth = 0
            var j = i
            while j < tokens.count {
                if tokens[j].kind == .punct && tokens[j].text == "(" { depth += 1 }
                if tokens[j].kind == .punct && tokens[j].text == ")" { depth -= 1; if depth == 0 { break } }
                j += 1
            }
            guard j < tokens.count, j > i + 1 else { throw syntaxError() }
            copy.query = text(tokens[i + 1], tokens[j - 1])
            i = j + 1
        } else {
            // table [ (col, …) ]
            var nameEnd = i
            while nameEnd + 2 < tokens.count, tokens[nameEnd + 1].kind == .punct, tokens[nameEnd + 1].text == "." { nameEnd += 2 }
            let table = text(tokens[i], tokens[nameEnd])
            i = nameEnd + 1
            var columns = "*"
            if i < tokens.count, tokens[i].kind == .punct, tokens[i].text == "(" {
                var j = i
                while j < tokens.count, !(tokens[j].kind == .punct && tokens[j].text == ")") { j += 1 }
                guard j < tokens.count, j > i + 1 else { throw syntaxError() }
                columns = text(tokens[i + 1], tokens[j - 1])
                i = j + 1
            }
            copy.query = "SELECT \(columns) FROM \(table)"
        }
        guard i < tokens.count, tokens[i].kind == .identifier else { throw syntaxError() }
        if tokens[i].text == "from" {
            throw SQLError(SQLState.featureNotSupported, "COPY FROM is not supported; LakeSQL's tables are read from the lake")
        }
        guard tokens[i].text == "to" else { throw syntaxError() }
        i += 1
        guard i < tokens.count, tokens[i].kind == .identifier, tokens[i].text == "stdout" else {
            throw SQLError(SQLState.featureNotSupported, "COPY TO a file is not supported over the wire protocol; use COPY … TO STDOUT",
                           hint: "psql's \\copy writes a client-side file through COPY … TO STDOUT.")
        }
        i += 1
        // Options: WITH ( FORMAT csv, HEADER [true], DELIMITER 'x', NULL 'x' ) or the old bare words.
        var k = i
        if k < tokens.count, tokens[k].kind == .identifier, tokens[k].text == "with" { k += 1 }
        func value(_ t: Token) -> String { t.text.lowercased() }
        while k < tokens.count {
            let t = tokens[k]
            if t.kind == .punct { k += 1; continue }
            let option = value(t)
            k += 1
            let next: Token? = k < tokens.count && tokens[k].kind != .punct ? tokens[k] : nil
            switch option {
            case "format":
                guard let n = next, let f = CopyFormat(rawValue: value(n)) else { throw syntaxError() }
                copy.format = f; k += 1
            case "csv": copy.format = .csv
            case "binary": copy.format = .binary
            case "header":
                if let n = next, ["true", "on", "1", "false", "off", "0"].contains(value(n)) {
                    copy.header = ["true", "on", "1"].contains(value(n)); k += 1
                } else { copy.header = true }
            case "delimiter":
                guard let n = next, n.kind == .string else { throw syntaxError() }
                copy.delimiter = n.text; k += 1
            case "null":
                guard let n = next, n.kind == .string else { throw syntaxError() }
                copy.null = n.text; k += 1
            default:
                throw SQLError(SQLState.syntaxError, "option \"\(option)\" not recognized")
            }
        }
        if copy.format == .binary {
            throw SQLError(SQLState.featureNotSupported, "COPY in binary format is not supported; use text or csv")
        }
        return .copyTo(copy)
    }
}
