// The embedding API: a Database (catalog, lake, settings shared by all
// sessions) and Sessions that run SQL and hand back pulled result streams.
// The REPL, the CLI, the sqllogictest runner and the wire server all use
// exactly this API.

import Columnar
import Dispatch
import Planner

public struct DatabaseOptions {
    /// A folder whose sub-folders and files become tables (see Docs/LAKE.md).
    public var lakePath: String?
    /// The SQLite catalog file (Docs/CATALOG.md); nil: no catalog, one superuser, nothing persists.
    public var catalogPath: String?
    public init(lakePath: String? = nil, catalogPath: String? = nil) { self.lakePath = lakePath; self.catalogPath = catalogPath }
}

public final class Database: @unchecked Sendable {
    public let options: DatabaseOptions
    public let catalog = MemoryCatalog()
    let tableFunctions = BuiltinTableFunctions()

    /// The SQLite catalog and what was loaded from it (nil without `catalogPath`).
    let governance: CatalogAttachment?

    public init(options: DatabaseOptions = .init()) throws {
        self.options = options
        AllocatorTrim.configureOnce()
        governance = try options.catalogPath.map { try CatalogAttachment(path: $0) }
        if let lakePath = options.lakePath { try attachLake(at: lakePath) }
        try attachCatalog()
    }

    /// A session of the catalog's owner (a superuser), or of the only user when there is no catalog.
    public func connect() -> Session { connectOwner(client: "local") }
}

/// The result of one statement. Rows are pulled batch by batch with `next()`;
/// `commandTag` is final once `next()` has returned nil.
public final class QueryResult {
    public let fields: [Field]
    /// False for statements that return no rows (DDL, INSERT, SET …).
    public let returnsRows: Bool
    /// Per result column, the table or view column it plainly references (RowDescription metadata; ResultColumnSources.swift).
    public internal(set) var columnOrigins: [ColumnOrigin?] = []
    public private(set) var commandTag: String
    /// Replaced by an empty producer once the statement ends, which frees its operators.
    private var produce: () throws -> Batch?
    private var rowCount = 0
    private let tagForRows: ((Int) -> String)?
    private let startedAt = DispatchTime.now().uptimeNanoseconds
    private var finished = false

    public init(fields: [Field], returnsRows: Bool, commandTag: String,
                tagForRows: ((Int) -> String)? = nil, produce: @escaping () throws -> Batch?) {
        self.fields = fields
        self.returnsRows = returnsRows
        self.commandTag = commandTag
        self.produce = produce
        self.tagForRows = tagForRows
    }

    /// The next batch of rows, or nil at the end.
    public func next() throws -> Batch? {
        let b: Batch?
        do {
            b = try produce()
        } catch {
            finish()
            throw error
        }
        if let b {
            rowCount += b.count
            return b
        }
        if let tagForRows { commandTag = tagForRows(rowCount) }
        finish()
        return nil
    }

    /// Frees the statement's operators and hands what they held back to the OS (AllocatorTrim).
    private func finish() {
        guard !finished else { return }
        finished = true
        AllocatorTrim.statementFinished(startedAt: startedAt) { produce = { nil } }
    }

    /// Drains the stream into memory (tests and small results only).
    public func allRows() throws -> [[Value]] {
        var rows: [[Value]] = []
        while let b = try next() { for i in 0..<b.count { rows.append(b.row(i)) } }
        return rows
    }
}

