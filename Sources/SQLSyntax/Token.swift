// Tokens produced by the lexer, and the keyword classes of the PostgreSQL
// dialect (reserved, type/function-name, bare-label restrictions) that the
// parser consults to decide whether a word may serve as a name or alias.

import Columnar

public enum TokenKind: Equatable, Sendable {
    /// An unquoted word (keyword or identifier), already folded to lower case.
    case identifier
    /// A "double-quoted" identifier, case preserved.
    case quotedIdentifier
    /// A string literal ('…', E'…', $$…$$), escapes resolved.
    case string
    /// B'…' / X'…' bit string, as a string of 0/1 digits.
    case bitString
    case integer
    /// A number with a decimal point or exponent, as written (underscores removed).
    case decimal
    /// $n
    case parameter
    /// An operator symbol (`+`, `<>`, `||`, `->>` …); `!=` is canonicalised to `<>`.
    case op
    /// Punctuation: ( ) [ ] , ; . : :: :=
    case punct
    case eof
}

public struct Token: Sendable {
    public var kind: TokenKind
    /// Folded identifier, literal value, operator or punctuation text.
    public var text: String
    /// Byte offset of the first character in the input.
    public var start: Int
    /// Byte offset just past the last character.
    public var end: Int

    public init(kind: TokenKind, text: String, start: Int, end: Int) {
        self.kind = kind; self.text = text; self.start = start; self.end = end
    }

    /// True for an unquoted word equal to `keyword` (given in lower case).
    @inline(__always)
    func isKeyword(_ keyword: String) -> Bool { kind == .identifier && text == keyword }

    func isPunct(_ p: String) -> Bool { kind == .punct && text == p }
    func isOp(_ p: String) -> Bool { kind == .op && text == p }
}

/// Keyword classes following PostgreSQL's kwlist (plus QUALIFY for this dialect).
enum Keywords {
    /// Reserved: never a column, table or function name unless quoted.
    static let reserved: Set<String> = [
        "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "both", "case", "cast",
        "check", "collate", "column", "constraint", "create", "current_catalog", "current_date", "current_role",
        "current_time", "current_timestamp", "current_user", "default", "deferrable", "desc", "distinct", "do",
        "else", "end", "except", "false", "fetch", "for", "foreign", "from", "grant", "group", "having", "in",
        "initially", "intersect", "into", "lateral", "leading", "limit", "localtime", "localtimestamp", "not",
        "null", "offset", "on", "only", "or", "order", "placing", "primary", "qualify", "references", "returning",
        "select", "session_user", "some", "symmetric", "system_user", "table", "then", "to", "trailing", "true",
        "union", "unique", "user", "using", "variadic", "when", "where", "window", "with",
    ]
    /// Type/function-name keywords: usable as function or type names, not as column names or bare aliases.
    static let typeFunctionName: Set<String> = [
        "authorization", "binary", "collation", "concurrently", "cross", "current_schema", "freeze", "full",
        "ilike", "inner", "is", "isnull", "join", "left", "like", "natural", "notnull", "outer", "overlaps",
        "right", "similar", "tablesample", "verbose",
    ]
    /// Words that may be a column label only after AS (they would be read as syntax otherwise).
    static let asLabelOnly: Set<String> = [
        "day", "hour", "minute", "month", "second", "year", "filter", "over", "within", "ignore", "respect",
        "escape", "at", "between", "nulls", "ordinality", "preceding", "following", "varying", "without",
    ]
    /// Words the parser treats specially at the start of an expression when followed by `(`
    /// or a string; the printer quotes them when they name a column or function.
    static let specialSyntax: Set<String> = [
        "extract", "substring", "position", "trim", "overlay", "exists", "row", "interval", "date", "time",
        "timestamp", "timestamptz", "coalesce", "nullif", "greatest", "least", "grouping", "values", "between",
        "double", "character", "char", "varchar", "national", "bit", "ignore", "respect", "filter", "over",
        "within", "rollup", "cube", "sets", "lateral", "ordinality", "escape", "at", "nulls",
    ]

    static func isReserved(_ word: String) -> Bool { reserved.contains(word) }
    /// May this unquoted word be a column, table or alias name (PostgreSQL's ColId)?
    static func isColumnName(_ word: String) -> Bool { !reserved.contains(word) && !typeFunctionName.contains(word) }
    /// May this unquoted word be a function name (type_function_name)?
    static func isFunctionName(_ word: String) -> Bool { !reserved.contains(word) }
    /// May this word be a column alias written without AS?
    static func isBareLabel(_ word: String) -> Bool { isColumnName(word) && !asLabelOnly.contains(word) }
}
