// The abstract syntax tree produced by the parser. It mirrors what the user
// wrote (no name resolution, no types); the binder turns it into a logical
// plan. Every expression carries `location`, the 0-based UTF-8 offset of its
// first character in the statement text, for error positions.

// MARK: - Statements

public indirect enum Statement {
    case query(Query)
    case insert(InsertStatement)
    case createTable(CreateTableStatement)
    case createTableAs(CreateTableAsStatement)
    case createView(CreateViewStatement)
    case createSchema(name: String, ifNotExists: Bool)
    case drop(DropStatement)
    case explain(ExplainStatement)
    /// SET [SESSION|LOCAL] name { TO | = } value[, …] | SET TIME ZONE value
    case set(SetStatement)
    /// SHOW name | SHOW ALL
    case show(name: String)
    /// RESET name | RESET ALL (name nil)
    case reset(name: String?)
    case transaction(TransactionStatement)
    /// An empty statement (just `;` or whitespace).
    case empty
    /// CREATE [UNIQUE] INDEX [IF NOT EXISTS] [name] ON table (columns): accepted, no index is kept.
    case createIndex(name: String?, table: QualifiedName, columns: [String])
    case createExternalTable(CreateExternalTableStatement)
    /// Roles, grants, SET ROLE, masking and row policies, tags, ALTER SYSTEM (AST+Governance.swift).
    case governance(GovernanceStatement)
}

/// CREATE EXTERNAL TABLE [IF NOT EXISTS] name [(col type, …)] STORED AS PARQUET|CSV|JSON
/// LOCATION 'path' [PARTITIONED BY (col [type], …)] [OPTIONS (key 'value', …)]
public struct CreateExternalTableStatement {
    public var name: QualifiedName
    public var columns: [ColumnDefinition]
    /// "parquet", "csv" or "json" (lower case).
    public var format: String
    public var location: String
    public var partitionedBy: [ColumnDefinition]
    public var options: [(String, String)]
    public var ifNotExists: Bool
    public init(name: QualifiedName, columns: [ColumnDefinition], format: String, location: String,
                partitionedBy: [ColumnDefinition], options: [(String, String)], ifNotExists: Bool) {
        self.name = name; self.columns = columns; self.format = format; self.location = location
        self.partitionedBy = partitionedBy; self.options = options; self.ifNotExists = ifNotExists
    }
}

public struct InsertStatement {
    public var table: QualifiedName
    public var columns: [String]?
    /// VALUES lists arrive as a Query whose body is `.values`.
    public var source: Query
    public init(table: QualifiedName, columns: [String]?, source: Query) {
        self.table = table; self.columns = columns; self.source = source
    }
}

public struct ColumnDefinition {
    public var name: String
    public var type: TypeName
    public var notNull: Bool
    public var defaultValue: Expr?
    public init(name: String, type: TypeName, notNull: Bool = false, defaultValue: Expr? = nil) {
        self.name = name; self.type = type; self.notNull = notNull; self.defaultValue = defaultValue
    }
}

public struct CreateTableStatement {
    public var name: QualifiedName
    public var columns: [ColumnDefinition]
    public var ifNotExists: Bool
    public var temporary: Bool
    public init(name: QualifiedName, columns: [ColumnDefinition], ifNotExists: Bool = false, temporary: Bool = false) {
        self.name = name; self.columns = columns; self.ifNotExists = ifNotExists; self.temporary = temporary
    }
}

public struct CreateTableAsStatement {
    public var name: QualifiedName
    public var columnNames: [String]?
    public var query: Query
    public var ifNotExists: Bool
    public init(name: QualifiedName, columnNames: [String]?, query: Query, ifNotExists: Bool = false) {
        self.name = name; self.columnNames = columnNames; self.query = query; self.ifNotExists = ifNotExists
    }
}

public struct CreateViewStatement {
    public var name: QualifiedName
    public var columnNames: [String]?
    public var query: Query
    public var orReplace: Bool
    /// The view's SQL text exactly as written (stored in the catalog).
    public var queryText: String
    public init(name: QualifiedName, columnNames: [String]?, query: Query, orReplace: Bool, queryText: String) {
        self.name = name; self.columnNames = columnNames; self.query = query; self.orReplace = orReplace; self.queryText = queryText
    }
}

public enum ObjectKind: String { case table, view, schema }

public struct DropStatement {
    public var kind: ObjectKind
    public var names: [QualifiedName]
    public var ifExists: Bool
    public var cascade: Bool
    public init(kind: ObjectKind, names: [QualifiedName], ifExists: Bool, cascade: Bool) {
        self.kind = kind; self.names = names; self.ifExists = ifExists; self.cascade = cascade
    }
}

public struct ExplainStatement {
    public var statement: Statement
    public var analyze: Bool
    public var verbose: Bool
    public init(statement: Statement, analyze: Bool, verbose: Bool = false) {
        self.statement = statement; self.analyze = analyze; self.verbose = verbose
    }
}

public struct SetStatement {
    /// Lower-cased setting name; `timezone` for SET TIME ZONE.
    public var name: String
    /// Values as written: identifiers, strings and numbers are rendered to text;
    /// DEFAULT is represented by an empty array.
    public var values: [String]
    public var isLocal: Bool
    public init(name: String, values: [String], isLocal: Bool = false) {
        self.name = name; self.values = values; self.isLocal = isLocal
    }
}

public enum TransactionStatement {
    case begin, commit, rollback
    case savepoint(String), releaseSavepoint(String), rollbackToSavepoint(String)
}

// MARK: - Queries

/// A full query: optional WITH, a body, and ORDER BY / LIMIT / OFFSET applied to the body.
public final class Query {
    public var with: WithClause?
    public var body: QueryBody
    public var orderBy: [OrderItem]
    public var limit: Expr?
    public var offset: Expr?
    /// FETCH FIRST n ROWS WITH TIES
    public var withTies: Bool
    public init(with: WithClause? = nil, body: QueryBody, orderBy: [OrderItem] = [], limit: Expr? = nil,
                offset: Expr? = nil, withTies: Bool = false) {
        self.with = with; self.body = body; self.orderBy = orderBy; self.limit = limit; self.offset = offset
        self.withTies = withTies
    }
}

public struct WithClause {
    public var recursive: Bool
    public var ctes: [CommonTableExpression]
    public init(recursive: Bool, ctes: [CommonTableExpression]) { self.recursive = recursive; self.ctes = ctes }
}

public struct CommonTableExpression {
    public var name: String
    public var columnNames: [String]?
    public var query: Query
    /// AS [NOT] MATERIALIZED; nil when unspecified.
    public var materialized: Bool?
    public init(name: String, columnNames: [String]?, query: Query, materialized: Bool? = nil) {
        self.name = name; self.columnNames = columnNames; self.query = query; self.materialized = materialized
    }
}

public enum SetOperator: String { case union, intersect, except }

public indirect enum QueryBody {
    case select(SelectCore)
    case setOperation(op: SetOperator, all: Bool, left: QueryBody, right: QueryBody)
    /// VALUES (…), (…)
    case values([[Expr]])
    /// A parenthesised query with its own ORDER BY/LIMIT/WITH.
    case nested(Query)
}

public enum Distinct {
    case none
    case distinct
    case distinctOn([Expr])
}

public struct SelectCore {
    public var distinct: Distinct
    public var items: [SelectItem]
    public var from: [TableRef]
    public var whereClause: Expr?
    public var groupBy: [GroupingElement]
    public var having: Expr?
    public var windows: [NamedWindow]
    public var qualify: Expr?
    public init(distinct: Distinct = .none, items: [SelectItem], from: [TableRef] = [], whereClause: Expr? = nil,
                groupBy: [GroupingElement] = [], having: Expr? = nil, windows: [NamedWindow] = [], qualify: Expr? = nil) {
        self.distinct = distinct; self.items = items; self.from = from; self.whereClause = whereClause
        self.groupBy = groupBy; self.having = having; self.windows = windows; self.qualify = qualify
    }
}

public enum SelectItem {
    /// `*` or `t.*` (qualifier holds the name parts before `.*`).
    case wildcard(qualifier: [String]?, location: Int)
    case expression(Expr, alias: String?)
}

public struct QualifiedName: Hashable, CustomStringConvertible {
    /// Name parts as written, already case-folded unless quoted: [schema, table] or [table].
    public var parts: [String]
    public init(_ parts: [String]) { self.parts = parts }
    public var name: String { parts.last ?? "" }
    public var schema: String? { parts.count >= 2 ? parts[parts.count - 2] : nil }
    public var description: String { parts.joined(separator: ".") }
}

public struct TableAlias {
    public var name: String
    public var columns: [String]
    public init(name: String, columns: [String] = []) { self.name = name; self.columns = columns }
}

public enum JoinKind: String { case inner, left, right, full, cross }

public enum JoinCondition {
    case on(Expr)
    case using([String])
    case natural
    case none
}

public indirect enum TableRef {
    case table(name: QualifiedName, alias: TableAlias?, location: Int)
    case subquery(Query, alias: TableAlias?, lateral: Bool, location: Int)
    /// Table function call in FROM: generate_series(1, 10), read_parquet('…', hive_partitioning => true)
    case function(name: QualifiedName, arguments: [FunctionArgument], alias: TableAlias?, lateral: Bool, withOrdinality: Bool, location: Int)
    /// A string literal path in FROM: SELECT * FROM 'events/*.parquet'
    case path(String, alias: TableAlias?, location: Int)
    case join(left: TableRef, right: TableRef, kind: JoinKind, condition: JoinCondition, location: Int)
}

public struct FunctionArgument {
    /// `name => value` named argument.
    public var name: String?
    public var value: Expr
    public init(name: String? = nil, value: Expr) { self.name = name; self.value = value }
}

public indirect enum GroupingElement {
    case expression(Expr)
    /// ROLLUP (a, (b, c)) — each inner array is one element (a "column set").
    case rollup([[Expr]])
    case cube([[Expr]])
    case groupingSets([GroupingElement])
    /// `()` — the empty grouping set.
    case empty
}

public struct NamedWindow {
    public var name: String
    public var spec: WindowSpec
    public init(name: String, spec: WindowSpec) { self.name = name; self.spec = spec }
}

public struct OrderItem {
    public var expr: Expr
    public var ascending: Bool
    /// nil: the default (NULLS LAST for ASC, NULLS FIRST for DESC).
    public var nullsFirst: Bool?
    public init(expr: Expr, ascending: Bool = true, nullsFirst: Bool? = nil) {
        self.expr = expr; self.ascending = ascending; self.nullsFirst = nullsFirst
    }
}

// MARK: - Windows

public struct WindowSpec {
    /// OVER (base_window_name …)
    public var baseName: String?
    public var partitionBy: [Expr]
    public var orderBy: [OrderItem]
    public var frame: WindowFrame?
    public init(baseName: String? = nil, partitionBy: [Expr] = [], orderBy: [OrderItem] = [], frame: WindowFrame? = nil) {
        self.baseName = baseName; self.partitionBy = partitionBy; self.orderBy = orderBy; self.frame = frame
    }
}

public enum FrameUnits: String { case rows, range, groups }

public indirect enum FrameBound {
    case unboundedPreceding
    case preceding(Expr)
    case currentRow
    case following(Expr)
    case unboundedFollowing
}

public enum FrameExclusion { case noOthers, currentRow, group, ties }

public struct WindowFrame {
    public var units: FrameUnits
    public var start: FrameBound
    /// nil: CURRENT ROW (frame given with a single bound).
    public var end: FrameBound?
    public var exclusion: FrameExclusion
    public init(units: FrameUnits, start: FrameBound, end: FrameBound?, exclusion: FrameExclusion = .noOthers) {
        self.units = units; self.start = start; self.end = end; self.exclusion = exclusion
    }
}

// MARK: - Expressions

public struct TypeName: Hashable, CustomStringConvertible {
    /// Canonical lower-case base name: "integer", "bigint", "smallint", "real", "double precision",
    /// "numeric", "text", "varchar", "char", "boolean", "date", "time", "timestamp", "timestamptz",
    /// "interval", "bytea", "uuid", "json", "jsonb", or any other name as written (e.g. "regclass").
    public var name: String
    /// Type modifiers: varchar(10) → [10], numeric(10,2) → [10, 2].
    public var modifiers: [Int]
    /// Number of [] suffixes (or ARRAY keyword).
    public var arrayDimensions: Int
    public init(name: String, modifiers: [Int] = [], arrayDimensions: Int = 0) {
        self.name = name; self.modifiers = modifiers; self.arrayDimensions = arrayDimensions
    }
    public var description: String {
        var s = name
        if !modifiers.isEmpty { s += "(" + modifiers.map(String.init).joined(separator: ",") + ")" }
        for _ in 0..<arrayDimensions { s += "[]" }
        return s
    }
}

public enum Literal {
    case null
    case boolean(Bool)
    /// An integer literal's digits (may exceed Int64: then it is numeric).
    case integer(String)
    /// A literal with a decimal point or exponent, as written: "1.50", "1e10".
    case decimal(String)
    case string(String)
    /// A typed literal: DATE '2024-01-01', TIMESTAMP '…', INTERVAL '1 day', or `type 'text'` generally.
    case typed(TypeName, String)
    /// INTERVAL '1' DAY / INTERVAL '1-2' YEAR TO MONTH: the literal text and the qualifier as written (lower-case).
    case interval(String, qualifier: String?)
}

public enum BinaryOperator: String {
    case plus = "+", minus = "-", multiply = "*", divide = "/", modulo = "%", power = "^"
    case concat = "||"
    case equal = "=", notEqual = "<>", less = "<", lessEqual = "<=", greater = ">", greaterEqual = ">="
    case and = "AND", or = "OR"
    case bitAnd = "&", bitOr = "|", bitXor = "#", shiftLeft = "<<", shiftRight = ">>"
    case regexMatch = "~", regexIMatch = "~*", regexNotMatch = "!~", regexNotIMatch = "!~*"
    case startsWith = "^@"
}

public enum UnaryOperator: String {
    case not = "NOT", minus = "-", plus = "+", bitNot = "~", abs = "@"
}

public enum Quantifier: String { case any = "ANY", all = "ALL" }

public enum BooleanTest: String { case isTrue, isFalse, isUnknown }

public struct FunctionCall {
    /// Case-folded name parts: ["count"], ["pg_catalog", "now"].
    public var name: [String]
    public var arguments: [FunctionArgument]
    /// count(*)
    public var isStar: Bool
    public var distinct: Bool
    /// ORDER BY inside the call: string_agg(x, ',' ORDER BY y)
    public var orderBy: [OrderItem]
    /// WITHIN GROUP (ORDER BY …) for ordered-set aggregates.
    public var withinGroup: [OrderItem]
    public var filter: Expr?
    /// OVER (…) — or OVER name, given as WindowSpec(baseName: name).
    public var over: WindowSpec?
    /// IGNORE NULLS / RESPECT NULLS (lag, first_value …); nil when unspecified.
    public var ignoreNulls: Bool?
    public init(name: [String], arguments: [FunctionArgument] = [], isStar: Bool = false, distinct: Bool = false,
                orderBy: [OrderItem] = [], withinGroup: [OrderItem] = [], filter: Expr? = nil, over: WindowSpec? = nil,
                ignoreNulls: Bool? = nil) {
        self.name = name; self.arguments = arguments; self.isStar = isStar; self.distinct = distinct
        self.orderBy = orderBy; self.withinGroup = withinGroup; self.filter = filter; self.over = over
        self.ignoreNulls = ignoreNulls
    }
}

public struct WhenClause {
    public var condition: Expr
    public var result: Expr
    public init(condition: Expr, result: Expr) { self.condition = condition; self.result = result }
}

public struct Expr {
    public var kind: ExprKind
    public var location: Int
    public init(_ kind: ExprKind, location: Int) { self.kind = kind; self.location = location }
}

public indirect enum ExprKind {
    /// A column reference, possibly qualified: ["t", "a"], ["a"], ["s", "t", "a"].
    case column([String])
    case literal(Literal)
    /// $1, $2 …
    case parameter(Int)
    case unary(UnaryOperator, Expr)
    case binary(BinaryOperator, Expr, Expr)
    /// Any other operator written as a symbol (e.g. `@>`, `->>`): kept for the binder to resolve or reject.
    case customOperator(String, Expr?, Expr)
    case function(FunctionCall)
    /// CAST(x AS t) and x::t
    case cast(Expr, TypeName)
    /// CASE [operand] WHEN … THEN … [ELSE …] END
    case caseWhen(operand: Expr?, whens: [WhenClause], elseResult: Expr?)
    /// x [NOT] BETWEEN [SYMMETRIC] a AND b
    case between(Expr, low: Expr, high: Expr, negated: Bool, symmetric: Bool)
    /// x [NOT] IN (list)
    case inList(Expr, [Expr], negated: Bool)
    /// x [NOT] IN (subquery)
    case inSubquery(Expr, Query, negated: Bool)
    /// x [NOT] LIKE/ILIKE pattern [ESCAPE e]
    case like(Expr, pattern: Expr, escape: Expr?, negated: Bool, caseInsensitive: Bool)
    /// x [NOT] SIMILAR TO pattern [ESCAPE e]
    case similarTo(Expr, pattern: Expr, escape: Expr?, negated: Bool)
    /// x IS [NOT] NULL (also ISNULL / NOTNULL)
    case isNull(Expr, negated: Bool)
    /// x IS [NOT] TRUE/FALSE/UNKNOWN
    case isBoolean(Expr, BooleanTest, negated: Bool)
    /// x IS [NOT] DISTINCT FROM y
    case isDistinctFrom(Expr, Expr, negated: Bool)
    /// [NOT] EXISTS (subquery) — NOT is represented by an outer unary NOT.
    case exists(Query)
    /// A scalar subquery: (SELECT …)
    case subquery(Query)
    /// x op ANY/ALL (subquery)
    case quantifiedSubquery(Expr, BinaryOperator, Quantifier, Query)
    /// x op ANY/ALL (array expression)
    case quantifiedArray(Expr, BinaryOperator, Quantifier, Expr)
    /// ARRAY[…]
    case array([Expr])
    /// ARRAY(subquery)
    case arraySubquery(Query)
    /// a[i] / a[i:j]
    case arraySubscript(Expr, index: Expr?, upper: Expr?, isSlice: Bool)
    /// ROW(a, b) or (a, b)
    case row([Expr])
    /// x AT TIME ZONE zone
    case atTimeZone(Expr, zone: Expr)
    /// x COLLATE "name"
    case collate(Expr, String)
    /// (x).field — field selection on a composite
    case fieldSelection(Expr, String)
    /// DEFAULT as a value in INSERT … VALUES
    case defaultValue
}
