// Deciding from min/max/null-count statistics (or a partition's constant
// value) that no row of a file or row group can satisfy a pushed-down
// predicate. Conservative by construction: whenever the values are not of
// comparable kinds, a bound is missing or NaN is involved, nothing is skipped.
// Float columns never skip on `>`/`>=`: PostgreSQL orders NaN above every
// number, and writers leave NaN out of min/max.

import Columnar
import Planner

public struct ChunkStatistics {
    public var min: Value?
    public var max: Value?
    public var nullCount: Int64?
    public var rowCount: Int64
    public init(min: Value?, max: Value?, nullCount: Int64?, rowCount: Int64) {
        self.min = min; self.max = max; self.nullCount = nullCount; self.rowCount = rowCount
    }
    /// Statistics of a column that is absent from a file: all NULL.
    public static func allNull(rows: Int64) -> ChunkStatistics { ChunkStatistics(min: nil, max: nil, nullCount: rows, rowCount: rows) }
}

public enum ScanPruning {
    /// Orders two Values of the same kind (ints and doubles mix); nil when not comparable.
    public static func compare(_ a: Value, _ b: Value) -> Int? {
        switch (a, b) {
        case let (.int(x), .int(y)): return x < y ? -1 : (x > y ? 1 : 0)
        case let (.double(x), .double(y)):
            if x.isNaN || y.isNaN { return nil }
            return x < y ? -1 : (x > y ? 1 : 0)
        case let (.int(x), .double(y)):
            if y.isNaN { return nil }
            let dx = Double(x); return dx < y ? -1 : (dx > y ? 1 : 0)
        case let (.double(x), .int(y)):
            if x.isNaN { return nil }
            let dy = Double(y); return x < dy ? -1 : (x > dy ? 1 : 0)
        case let (.decimal(x), .decimal(y)): return x < y ? -1 : (x > y ? 1 : 0)
        case let (.bool(x), .bool(y)): return x == y ? 0 : (!x ? -1 : 1)
        case let (.string(x), .string(y)): return bytewise(x.utf8, y.utf8)
        case let (.bytes(x), .bytes(y)): return bytewise(x, y)
        default: return nil
        }
    }

    /// UTF-8 byte order (code point order), which is how Parquet orders strings.
    private static func bytewise<A: Sequence, B: Sequence>(_ a: A, _ b: B) -> Int where A.Element == UInt8, B.Element == UInt8 {
        var ia = a.makeIterator(), ib = b.makeIterator()
        while true {
            switch (ia.next(), ib.next()) {
            case (nil, nil): return 0
            case (nil, _): return -1
            case (_, nil): return 1
            case let (x?, y?): if x != y { return x < y ? -1 : 1 }
            }
        }
    }

    /// Types whose statistics are trusted for range pruning.
    static func rangeComparable(_ t: DataType) -> Bool {
        switch t {
        case .boolean, .int16, .int32, .int64, .float32, .float64, .decimal, .date, .time, .timestamp, .timestamptz,
             .text, .varchar:
            return true
        default:
            return false
        }
    }

    /// True when no row of a chunk with these statistics can satisfy `predicate` (column type `type`).
    public static func cannotMatch(_ predicate: ScanPredicate, stats: ChunkStatistics, type: DataType) -> Bool {
        let allNull = stats.nullCount.map { $0 >= stats.rowCount } ?? false
        switch predicate {
        case let .isNull(_, negated):
            guard let nulls = stats.nullCount else { return false }
            return negated ? nulls >= stats.rowCount : nulls == 0
        case let .compare(_, op, value):
            if allNull && stats.rowCount > 0 { return true }
            return cannotMatch(op: op, value, stats: stats, type: type)
        case let .inList(_, values):
            if allNull && stats.rowCount > 0 { return true }
            guard !values.isEmpty else { return false }
            if let outside = integersOutside(values, stats: stats, type: type) { return outside }
            return values.allSatisfy { $0.isNull || cannotMatch(op: .eq, $0, stats: stats, type: type) }
        }
    }

    /// Whether every value of an all-integer list lies outside integer bounds [min, max]: the
    /// same answer as comparing each value, as plain integer compares (a runtime join filter's
    /// list of up to 1,024 keys is tested against every page of a row group). Nil when the list
    /// or the bounds are not all `.int` on an integer column (the general path decides then).
    static func integersOutside(_ values: [Value], stats: ChunkStatistics, type: DataType) -> Bool? {
        guard type.physical == .int64, rangeComparable(type), case .int(let lo)? = stats.min, case .int(let hi)? = stats.max else { return nil }
        for v in values {
            switch v {
            case .int(let x): if x >= lo && x <= hi { return false }
            case .null: continue
            default: return nil
            }
        }
        return true
    }

    private static func cannotMatch(op: ScanPredicate.ComparisonOp, _ value: Value, stats: ChunkStatistics, type: DataType) -> Bool {
        guard rangeComparable(type), !value.isNull, let lo = stats.min, let hi = stats.max else { return false }
        if case .double(let d) = value, d.isNaN { return false }
        let isFloat = type.isFloat
        switch op {
        case .eq:
            guard let a = compare(value, lo), let b = compare(value, hi) else { return false }
            return a < 0 || b > 0
        case .lt:
            guard let a = compare(lo, value) else { return false }
            return a >= 0
        case .le:
            guard let a = compare(lo, value) else { return false }
            return a > 0
        case .gt:
            guard !isFloat, let b = compare(hi, value) else { return false }
            return b <= 0
        case .ge:
            guard !isFloat, let b = compare(hi, value) else { return false }
            return b < 0
        }
    }

    /// Exact evaluation against a constant (partition) value: true when the predicate is false or NULL.
    public static func constantFails(_ predicate: ScanPredicate, value: Value) -> Bool {
        switch predicate {
        case let .isNull(_, negated):
            return negated ? value.isNull : !value.isNull
        case let .compare(_, op, literal):
            if value.isNull || literal.isNull { return true }
            guard let c = compare(value, literal) else { return false }
            switch op {
            case .eq: return c != 0
            case .lt: return c >= 0
            case .le: return c > 0
            case .gt: return c <= 0
            case .ge: return c < 0
            }
        case let .inList(_, values):
            if value.isNull { return true }
            var unsure = false
            for v in values where !v.isNull {
                guard let c = compare(value, v) else { unsure = true; continue }
                if c == 0 { return false }
            }
            return !unsure
        }
    }
}

extension ScanPredicate {
    public var column: Int {
        switch self {
        case let .compare(c, _, _), let .isNull(c, _), let .inList(c, _): return c
        }
    }
}
