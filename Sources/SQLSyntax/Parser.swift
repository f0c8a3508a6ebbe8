// The recursive-descent parser's entry points and token plumbing: statement
// splitting on `;`, error construction in PostgreSQL's style ("syntax error
// at or near …" with a 1-based character position), and the recursion-depth
// guard that turns pathological nesting into a 54001 error instead of a crash.
// Statement, query and expression grammars live in the Parser+*.swift files.

import Columnar

/// One parsed statement with its source text (without the trailing `;`).
public struct ParsedStatement {
    public var statement: Statement
    /// The statement's exact source text, from its first token to its last.
    public var text: String
    /// Byte offset of `text` in the input. Expression `location`s inside `statement`
    /// are byte offsets into `text` (add this to get an offset into the input).
    public var location: Int
    public init(statement: Statement, text: String, location: Int) {
        self.statement = statement; self.text = text; self.location = location
    }
}

public final class Parser {
    let bytes: [UInt8]
    var tokens: [Token]
    var pos = 0
    /// Byte offset of the current statement's first token; AST locations are relative to it.
    var base = 0
    var depth = 0
    /// Depth units allowed before giving up: a parenthesised level costs `nestingCost`,
    /// an operator in a left-associative chain costs one.
    static let maxDepth = 1000
    static let nestingCost = 4

    init(_ sql: String) throws {
        bytes = Array(sql.utf8)
        tokens = try Lexer.tokenize(sql)
    }

    // MARK: - Public API

    /// Parses every `;`-separated statement of `sql`.
    public static func parse(_ sql: String) throws -> [ParsedStatement] {
        let parser = try Parser(sql)
        return try parser.parseStatements()
    }

    /// Parses a single expression (for tests, defaults and constraints).
    public static func parseExpression(_ sql: String) throws -> Expr {
        let parser = try Parser(sql)
        let expr = try parser.parseExpr()
        if parser.current.kind != .eof { throw parser.syntaxError() }
        return expr
    }

    /// Parses a single type name such as `numeric(10,2)` or `timestamp with time zone`.
    public static func parseTypeName(_ sql: String) throws -> TypeName {
        let parser = try Parser(sql)
        let type = try parser.parseTypeName()
        if parser.current.kind != .eof { throw parser.syntaxError() }
        return type
    }

    func parseStatements() throws -> [ParsedStatement] {
        var result: [ParsedStatement] = []
        while current.kind != .eof {
            let first = current
            if first.isPunct(";") {
                pos += 1
                result.append(ParsedStatement(statement: .empty, text: "", location: first.start))
                continue
            }
            base = first.start
            let statement = try parseStatement()
            let last = tokens[max(0, pos - 1)]
            if !current.isPunct(";") && current.kind != .eof {
                throw syntaxError(expected: [";", "end of input"])
            }
            let text = String(decoding: bytes[first.start..<max(first.start, last.end)], as: UTF8.self)
            result.append(ParsedStatement(statement: statement, text: text, location: first.start))
            if current.isPunct(";") { pos += 1 }
        }
        return result
    }

    // MARK: - Token access

    var current: Token { tokens[min(pos, tokens.count - 1)] }

    func peek(_ offset: Int = 1) -> Token { tokens[min(pos + offset, tokens.count - 1)] }

    /// The location of the current token relative to the statement start.
    var location: Int { current.start - base }

    func advance() { if pos < tokens.count - 1 { pos += 1 } }

    /// Consumes the keyword if present.
    func accept(_ keyword: String) -> Bool {
        if current.isKeyword(keyword) { advance(); return true }
        return false
    }

    /// Consumes a keyword sequence if all of it is present.
    func accept(_ first: String, _ second: String) -> Bool {
        if current.isKeyword(first) && peek().isKeyword(second) { pos += 2; return true }
        return false
    }

    func acceptPunct(_ p: String) -> Bool {
        if current.isPunct(p) { advance(); return true }
        return false
    }

    func acceptOp(_ op: String) -> Bool {
        if current.isOp(op) { advance(); return true }
        return false
    }

    func expect(_ keyword: String) throws {
        guard accept(keyword) else { throw syntaxError(expected: [keyword.uppercased()]) }
    }

    func expectPunct(_ p: String) throws {
        guard acceptPunct(p) else { throw syntaxError(expected: ["\"\(p)\""]) }
    }

    // MARK: - Errors

    /// PostgreSQL's "syntax error at or near" for the current token.
    func syntaxError(expected: [String] = [], at token: Token? = nil) -> SQLError {
        let token = token ?? current
        let detail = expected.isEmpty ? nil : "expected " + (expected.count == 1 ? expected[0] : "one of: " + expected.joined(separator: ", "))
        if token.kind == .eof {
            return SQLError(SQLState.syntaxError, "syntax error at end of input",
                            position: Lexer.characterPosition(bytes, bytes.count), detail: detail)
        }
        let near = String(decoding: bytes[token.start..<max(token.start, token.end)], as: UTF8.self)
        return SQLError(SQLState.syntaxError, "syntax error at or near \"\(near)\"",
                        position: Lexer.characterPosition(bytes, token.start), detail: detail)
    }

    func error(_ sqlState: String, _ message: String, at token: Token? = nil, hint: String? = nil) -> SQLError {
        let token = token ?? current
        return SQLError(sqlState, message, position: Lexer.characterPosition(bytes, token.start), hint: hint)
    }

    // MARK: - Recursion guard

    func enter(_ cost: Int = Parser.nestingCost) throws {
        depth += cost
        if depth > Parser.maxDepth {
            throw SQLError("54001", "stack depth limit exceeded",
                           position: Lexer.characterPosition(bytes, current.start),
                           hint: "The statement is nested too deeply; simplify it or split it into several statements.")
        }
    }

    func leave(_ cost: Int = Parser.nestingCost) { depth -= cost }

    // MARK: - Names

    /// An identifier usable as a column/table name (ColId): quoted, or an unreserved word.
    func isColumnNameToken(_ token: Token) -> Bool {
        token.kind == .quotedIdentifier || (token.kind == .identifier && Keywords.isColumnName(token.text))
    }

    /// Parses a ColId.
    func parseIdentifier(_ what: String = "identifier") throws -> String {
        let token = current
        if isColumnNameToken(token) { advance(); return token.text }
        throw syntaxError(expected: [what])
    }

    /// Any word, reserved or not (ColLabel), e.g. after AS or `.`.
    func parseLabel() throws -> String {
        let token = current
        if token.kind == .identifier || token.kind == .quotedIdentifier { advance(); return token.text }
        throw syntaxError(expected: ["identifier"])
    }

    /// name [. name …]
    func parseQualifiedName() throws -> QualifiedName {
        var parts = [try parseIdentifier("name")]
        while current.isPunct("."), peek().kind == .identifier || peek().kind == .quotedIdentifier {
            advance()
            parts.append(try parseLabel())
        }
        return QualifiedName(parts)
    }

    /// ( name, … )
    func parseIdentifierList() throws -> [String] {
        try expectPunct("(")
        var names = [try parseIdentifier("column name")]
        while acceptPunct(",") { names.append(try parseIdentifier("column name")) }
        try expectPunct(")")
        return names
    }

    /// Source text between two byte offsets of the input.
    func sourceText(from start: Int, to end: Int) -> String {
        let lo = max(0, min(start, bytes.count)), hi = max(lo, min(end, bytes.count))
        return String(decoding: bytes[lo..<hi], as: UTF8.self)
    }

    /// End offset of the most recently consumed token.
    var previousEnd: Int { pos > 0 ? tokens[pos - 1].end : 0 }
}
