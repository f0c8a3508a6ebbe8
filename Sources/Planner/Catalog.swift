// What the binder needs from a catalog: tables (with a source that scans
// them), views (stored SQL), and schemas. The Engine's in-memory catalog and
// later the SQLite catalog implement `CatalogProvider`; lake tables and
// in-memory tables implement `TableSource`.

import Columnar
import SQLSyntax

/// A predicate a scan may use to skip data (never to decide rows: the filter
/// operator above still evaluates every row). Column indexes are the table's.
public enum ScanPredicate: CustomStringConvertible {
    case compare(column: Int, op: ComparisonOp, value: Value)
    case isNull(column: Int, negated: Bool)
    case inList(column: Int, values: [Value])

    public enum ComparisonOp: String { case eq = "=", lt = "<", le = "<=", gt = ">", ge = ">=" }

    public var description: String {
        switch self {
        case let .compare(c, op, v): return "#\(c) \(op.rawValue) \(v)"
        case let .isNull(c, n): return "#\(c) IS \(n ? "NOT " : "")NULL"
        case let .inList(c, vs): return "#\(c) IN (\(vs.count) values)"
        }
    }
}

/// Counters a scan reports for EXPLAIN ANALYZE, and the kinds of skipping it may use.
public final class ScanStatistics: @unchecked Sendable {
    public var filesScanned = 0, filesSkipped = 0
    public var rowGroupsScanned = 0, rowGroupsSkipped = 0
    /// rowGroupsSkipped by cause: partition pruning, min/max statistics, page index, dictionary, bloom filter.
    public var rowGroupsSkippedByPartition = 0, rowGroupsSkippedByStatistics = 0, rowGroupsSkippedByPageIndex = 0
    public var rowGroupsSkippedByDictionary = 0, rowGroupsSkippedByBloomFilter = 0
    public var pagesScanned = 0, pagesSkipped = 0
    public var bytesRead: Int64 = 0
    /// Column chunks a filter's value test ran on as they were decoded (ScanRowFilter.valueTests).
    public var chunksTestedWhileDecoded = 0
    public var rowsProduced = 0
    /// Runtime join filters (RuntimeJoinFilter.swift): row groups a finished hash-join build's key
    /// range or key set ruled out (also counted in rowGroupsSkipped), one description per filter,
    /// and the rows the filters checked and dropped before the pipeline's joins.
    public var rowGroupsSkippedByRuntimeFilter = 0
    public var runtimeFilters: [String] = []
    public var runtimeFilterRowsChecked = 0, runtimeFilterRowsDropped = 0
    /// Which kinds of skipping the scan may use (the `lake_skipping` setting).
    public var allowedSkipping: ScanSkipping = .all
    public init() {}
}

/// Kinds of data skipping a lake scan can do with pushed-down predicates.
public struct ScanSkipping: OptionSet, Sendable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }
    public static let partitions = ScanSkipping(rawValue: 1)
    public static let statistics = ScanSkipping(rawValue: 2)
    public static let pageIndex = ScanSkipping(rawValue: 4)
    public static let dictionary = ScanSkipping(rawValue: 8)
    public static let bloomFilter = ScanSkipping(rawValue: 16)
    public static let all: ScanSkipping = [.partitions, .statistics, .pageIndex, .dictionary, .bloomFilter]

    static let names: [(String, ScanSkipping)] = [("partitions", .partitions), ("stats", .statistics), ("pages", .pageIndex),
                                                  ("dictionary", .dictionary), ("bloom", .bloomFilter)]

    /// Parses a `lake_skipping` value: on/off (true/false, all/none) or a comma list of
    /// partitions, stats, pages, dictionary, bloom. Nil when invalid.
    public static func parse(_ text: String) -> ScanSkipping? {
        // The optimizer reads this setting for every statement: the usual exact values skip the trimming.
        switch text {
        case "on": return .all
        case "off": return []
        default: break
        }
        func trim<S: StringProtocol>(_ s: S) -> String { String(s.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()) }
        let t = trim(text.lowercased())
        switch t {
        case "on", "true", "all", "1", "": return .all
        case "off", "false", "none", "0": return []
        default: break
        }
        var out: ScanSkipping = []
        for part in t.split(separator: ",") {
            let name = trim(part)
            guard let kind = names.first(where: { $0.0 == name })?.1 else { return nil }
            out.insert(kind)
        }
        return out
    }
}

/// One independent unit of scan work (a row group, a file, an in-memory batch run).
public protocol ScanMorsel: AnyObject {
    /// Produces the morsel's batches with exactly the requested columns, in order.
    func read(statistics: ScanStatistics) throws -> [Batch]
    /// Hands the morsel's batches to `body` one at a time, in order. Sources that decode a
    /// large unit (a Parquet row group) cut each batch only when it is wanted, so the batch
    /// is still in cache when the pipeline stages run and a row group's batches never all
    /// exist at once. The default reads them all first.
    func forEachBatch(statistics: ScanStatistics, _ body: (Batch) throws -> Void) throws
    /// Whether the morsel's statistics prove that no row satisfies every one of `predicates`
    /// (a runtime join filter, known only once the join's build side is hashed); a source that
    /// says so counts the skip in `statistics`. A morsel it keeps may remember `predicates` to
    /// skip parts of itself when it is read (Parquet: pages, by the page index). The default
    /// keeps every morsel.
    func ruledOut(byRuntimeFilter predicates: [ScanPredicate], statistics: ScanStatistics) -> Bool
}

extension ScanMorsel {
    public func forEachBatch(statistics: ScanStatistics, _ body: (Batch) throws -> Void) throws {
        for b in try read(statistics: statistics) { try body(b) }
    }
    public func ruledOut(byRuntimeFilter predicates: [ScanPredicate], statistics: ScanStatistics) -> Bool { false }
}

public protocol TableSource: AnyObject {
    var fields: [Field] { get }
    /// A row-count estimate for join ordering (nil when unknown).
    var estimatedRowCount: Int? { get }
    /// An upper estimate of the distinct non-NULL values of a column, for join
    /// ordering (nil when unknown; sources with statistics override it).
    func distinctCount(column: Int) -> Double?
    /// Estimated fraction of the rows whose column `column` satisfies every one of `predicates`
    /// (comparisons of that column with constants), from statistics such as row-group min/max,
    /// for join ordering (nil when unknown; TableStatistics.swift).
    func fraction(column: Int, satisfying predicates: [ScanPredicate]) -> Double?
    /// Splits a scan of `columns` into morsels, skipping what `predicates` rule out.
    func morsels(columns: [Int], predicates: [ScanPredicate], statistics: ScanStatistics) throws -> [ScanMorsel]
}

extension TableSource {
    public func distinctCount(column: Int) -> Double? { nil }
    public func fraction(column: Int, satisfying predicates: [ScanPredicate]) -> Double? { nil }
}

public enum CatalogObject {
    case table(TableSource)
    case view(ViewDefinition)
}

public struct ViewDefinition {
    public var name: String
    public var columnNames: [String]?
    public var sql: String
    public var query: Query
    /// The role whose grants the view's own references are checked with (nil: the current user).
    public var owner: String?
    public init(name: String, columnNames: [String]?, sql: String, query: Query, owner: String? = nil) {
        self.name = name; self.columnNames = columnNames; self.sql = sql; self.query = query; self.owner = owner
    }
}

public protocol CatalogProvider: AnyObject {
    /// Looks a relation up by optional schema and name (already case-folded).
    func lookup(schema: String?, name: String) throws -> CatalogObject?
    /// The relation a (possibly unqualified) name refers to, as privileges and policies name it.
    func relationName(schema: String?, name: String) -> RelationName
}

extension CatalogProvider {
    public func relationName(schema: String?, name: String) -> RelationName {
        RelationName(schema: schema ?? "public", name: name)
    }
}

/// A table function (generate_series, read_parquet …): resolves its
/// arguments at bind time to a source.
public protocol TableFunctionProvider: AnyObject {
    func tableFunction(name: String, arguments: [Value], named: [String: Value]) throws -> TableSource?
    /// The same with the positional arguments' types (a Value alone does not say whether
    /// an integer is a date, a timestamp or a number). Defaults to the untyped form.
    func tableFunction(name: String, arguments: [Value], types: [DataType], named: [String: Value]) throws -> TableSource?
    func readsFiles(_ name: String) -> Bool
}

extension TableFunctionProvider {
    /// Whether the table function reads raw files (then only superusers and roles with
    /// READ FILES may call it). Providers list the functions that do not; unknown ones
    /// count as file readers, so that a new reader is never open to everyone by mistake.
    public func readsFiles(_ name: String) -> Bool { true }

    public func tableFunction(name: String, arguments: [Value], types: [DataType], named: [String: Value]) throws -> TableSource? {
        try tableFunction(name: name, arguments: arguments, named: named)
    }
}
