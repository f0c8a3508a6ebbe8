// Statement texts this connection has already split and parsed, with their
// results. Clients send the same texts again and again (pgbench, ORMs,
// pool health checks, the unnamed Parse of every extended-protocol query),
// and splitting and parsing depend on the text alone, so a repeat skips
// both. Binding and planning depend on the catalog, settings, role and the
// statement's time; the session keeps plans itself, with those in the key
// and only for statements that read no relation (Engine/Session+PlanCache.swift).
// Errors are not cached (a bad text is parsed again and fails again).
// Bounded: when full, it starts over.

import SQLSyntax

struct StatementTextCache {
    static let capacity = 128
    /// Longer texts (bulk INSERTs and the like) are rarely repeated and not worth keeping.
    static let maxTextBytes = 16 << 10

    private var splits: [String: [StatementSource]] = [:]
    private var parsed: [String: ParsedStatement] = [:]

    mutating func split(_ sql: String) throws -> [StatementSource] {
        if let known = splits[sql] { return known }
        let sources = try StatementSplitter.split(sql)
        if sql.utf8.count <= Self.maxTextBytes {
            if splits.count >= Self.capacity { splits.removeAll(keepingCapacity: true) }
            splits[sql] = sources
        }
        return sources
    }

    mutating func parse(_ source: StatementSource, _ parse: (StatementSource) throws -> ParsedStatement) throws -> ParsedStatement {
        if let known = parsed[source.text] { return known }
        let statement = try parse(source)
        if source.text.utf8.count <= Self.maxTextBytes {
            if parsed.count >= Self.capacity { parsed.removeAll(keepingCapacity: true) }
            parsed[source.text] = statement
        }
        return statement
    }

    var count: Int { parsed.count }
}
