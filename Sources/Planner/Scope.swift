// Name scopes for the binder: the columns visible at one point of a query
// (the FROM clause's output), each with the table alias it is reachable by,
// and a parent scope for correlated references from subqueries.

import Columnar
import SQLSyntax

final class Scope {
    struct Entry {
        var table: String?
        var name: String
        var type: DataType
        /// Position in the plan's output.
        var index: Int
        /// Not expanded by `*` (the right-hand copy of a USING column).
        var hiddenFromStar = false
        /// Reachable only as table.column (both sides of a USING column).
        var qualifiedOnly = false
        /// The table or view column this entry reads, for result metadata (ColumnOrigin.swift).
        var origin: ColumnOrigin? = nil
    }

    var entries: [Entry]
    let parent: Scope?
    /// Query nesting level: 0 for the outermost query, +1 per enclosing subquery.
    let level: Int

    init(entries: [Entry], parent: Scope?) {
        self.entries = entries
        self.parent = parent
        self.level = (parent?.level ?? -1) + 1
    }

    static func of(fields: [Field], table: String?, parent: Scope?) -> Scope {
        Scope(entries: fields.enumerated().map { Entry(table: table, name: $1.name, type: $1.type, index: $0) }, parent: parent)
    }

    var tableNames: Set<String> { Set(entries.compactMap(\.table)) }

    enum Resolution {
        case local(Entry)
        /// Found in an enclosing query's scope at nesting `level`.
        case outer(level: Int, Entry)
    }

    /// Resolves a possibly qualified column name, walking out through parent scopes.
    func resolve(_ parts: [String], location: Int) throws -> Resolution {
        var scope: Scope? = self
        var tableSeen = false
        while let s = scope {
            let (found, sawTable) = try s.resolveLocal(parts, location: location)
            if let found { return s === self ? .local(found) : .outer(level: s.level, found) }
            tableSeen = tableSeen || sawTable
            scope = s.parent
        }
        let position = location + 1
        if parts.count >= 2 && !tableSeen {
            throw SQLError(SQLState.undefinedTable, "missing FROM-clause entry for table \"\(parts[parts.count - 2])\"", position: position)
        }
        throw SQLError(SQLState.undefinedColumn, "column \(parts.map { "\"\($0)\"" }.joined(separator: ".").replacingQuotes(parts)) does not exist", position: position)
    }

    private func resolveLocal(_ parts: [String], location: Int) throws -> (Entry?, Bool) {
        let name = parts[parts.count - 1]
        let matches: [Entry]
        var sawTable = false
        if parts.count == 1 {
            matches = entries.filter { $0.name == name && !$0.qualifiedOnly }
        } else {
            let table = parts[parts.count - 2]
            let ofTable = entries.filter { $0.table == table }
            sawTable = !ofTable.isEmpty
            matches = ofTable.filter { $0.name == name }
        }
        if matches.count > 1 {
            // The same underlying column reachable twice (e.g. via two aliases of one entry) is not ambiguous.
            if Set(matches.map(\.index)).count > 1 {
                throw SQLError(SQLState.ambiguousColumn, "column reference \"\(name)\" is ambiguous", position: location + 1)
            }
        }
        return (matches.first, sawTable)
    }
}

private extension String {
    /// PostgreSQL prints `column "a" does not exist` and `column t.a does not exist`.
    func replacingQuotes(_ parts: [String]) -> String {
        parts.count == 1 ? "\"\(parts[0])\"" : parts.joined(separator: ".")
    }
}
