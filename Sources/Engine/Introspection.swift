// What a client shell asks about the database without writing SQL: the
// schemas, the relations with their kind, a relation's columns, and the
// functions the binder resolves. The REPL's \d commands and its tab
// completion read this; columns come from binding `SELECT *` so that views
// and lake tables report exactly what a query would see.

import Columnar
import Functions
import Lake
import Planner
import SQLSyntax

public enum RelationKind: String, Sendable {
    case table
    case view
    /// A folder or file of the lake folder (schema `lake`).
    case lakeTable = "lake table"
}

public struct RelationInfo: Equatable, Sendable {
    public var schema: String
    public var name: String
    public var kind: RelationKind
    /// The SQL of a view, or the path a lake table reads.
    public var definition: String?
    public init(schema: String, name: String, kind: RelationKind, definition: String? = nil) {
        self.schema = schema; self.name = name; self.kind = kind; self.definition = definition
    }
}

public struct ColumnInfo: Equatable, Sendable {
    public var name: String
    public var type: String
    public var nullable: Bool
    public init(name: String, type: String, nullable: Bool) { self.name = name; self.type = type; self.nullable = nullable }
}

public struct FunctionInfo: Equatable, Sendable {
    public enum Kind: String, Sendable { case function, aggregate, window, table = "table function", `operator` }
    public var name: String
    public var kind: Kind
    public init(name: String, kind: Kind) { self.name = name; self.kind = kind }
}

public struct Introspection {
    let session: Session

    /// Schema names, sorted; `lake` when a lake folder is attached.
    public func schemas() -> [String] {
        var names = Set(session.database.catalog.listSchemas())
        if session.database.catalog.fallback is LakeCatalog { names.insert(LakeCatalog.schemaName) }
        return names.sorted()
    }

    /// Every relation: in-memory tables and views, then the lake folder's tables.
    public func relations() -> [RelationInfo] {
        var out: [RelationInfo] = []
        for (schema, name, object) in session.database.catalog.allObjects() {
            switch object {
            case .table: out.append(RelationInfo(schema: schema, name: name, kind: .table))
            case .view(let v): out.append(RelationInfo(schema: schema, name: name, kind: .view, definition: v.sql))
            }
        }
        if let lake = session.database.catalog.fallback as? LakeCatalog, let tables = try? lake.tables() {
            for t in tables {
                out.append(RelationInfo(schema: LakeCatalog.schemaName, name: t.name, kind: .lakeTable, definition: t.path))
            }
        }
        return out
    }

    /// The relation `name` (optionally qualified) resolves to, as the binder would find it.
    public func relation(schema: String?, name: String) -> RelationInfo? {
        let all = relations()
        if let schema { return all.first { $0.schema == schema && $0.name == name } }
        return all.first { $0.schema == "public" && $0.name == name } ?? all.first { $0.kind == .lakeTable && $0.name == name }
    }

    /// The columns of a relation: a table's declared fields, otherwise what `SELECT *` from it returns.
    public func columns(schema: String?, name: String) throws -> [ColumnInfo] {
        if case .table(let source)? = try session.database.catalog.lookup(schema: schema, name: name) {
            return source.fields.map { ColumnInfo(name: $0.name, type: $0.type.description, nullable: $0.nullable) }
        }
        let qualified = (schema.map { SQLPrinter.quoteIdentifier($0) + "." } ?? "") + SQLPrinter.quoteIdentifier(name)
        guard case .query(let query)? = try Parser.parse("SELECT * FROM \(qualified)").first?.statement else {
            throw SQLError(SQLState.internalError, "could not build the column listing query")
        }
        return try session.makeBinder().bind(query).fields.map {
            ColumnInfo(name: $0.name, type: $0.type.description, nullable: $0.nullable)
        }
    }

    /// Functions by name (scalar functions, aggregates, window-only functions, table functions), sorted.
    public func functions() -> [FunctionInfo] {
        let registry = FunctionRegistry.shared
        var out: [FunctionInfo] = []
        for name in registry.scalarNames {
            let isWord = name.first.map { $0.isLetter || $0 == "_" } ?? false
            out.append(FunctionInfo(name: name, kind: isWord ? .function : .operator))
        }
        out += registry.aggregateNames.map { FunctionInfo(name: $0, kind: .aggregate) }
        out += Introspection.windowFunctionNames.map { FunctionInfo(name: $0, kind: .window) }
        out += Introspection.tableFunctionNames.map { FunctionInfo(name: $0, kind: .table) }
        return out.sorted { ($0.name, $0.kind.rawValue) < ($1.name, $1.kind.rawValue) }
    }

    static let windowFunctionNames = ["row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile",
                                      "lag", "lead", "first_value", "last_value", "nth_value"]
    static let tableFunctionNames = ["generate_series", "lakesql_functions", "read_parquet", "parquet_scan", "read_csv",
                                     "read_csv_auto", "read_json", "read_json_auto", "read_ndjson", "read_ndjson_auto"]
}

extension Session {
    public var introspection: Introspection { Introspection(session: self) }
}
