// SQL data types as the binder and executor see them, and the physical
// storage class each one uses inside a Vector. Types follow PostgreSQL's
// names; several logical types share one physical representation.

public indirect enum DataType: Hashable, Sendable, CustomStringConvertible {
    /// The type of a bare NULL literal before coercion (PostgreSQL's "unknown").
    case null
    case boolean
    case int16
    case int32
    case int64
    /// PostgreSQL's object identifier: an unsigned 32-bit number (0 … 4294967295),
    /// held in Int64 storage. Catalog columns (pg_class.oid, atttypid …) and reg*
    /// casts have this type, so clients see type OID 26 (and 1028 for arrays).
    case oid
    case float32
    case float64
    /// numeric(p, s); precision up to 38 digits. Unconstrained `numeric` is decimal(38, s)
    /// with the scale chosen by type inference.
    case decimal(precision: Int, scale: Int)
    case text
    /// varchar(n); nil length means unbounded varchar.
    case varchar(Int?)
    /// char(n), blank-padded.
    case char(Int)
    case bytea
    /// Days since 1970-01-01.
    case date
    /// Microseconds since midnight.
    case time
    /// Microseconds since 1970-01-01 00:00:00 (no time zone).
    case timestamp
    /// Microseconds since 1970-01-01 00:00:00 UTC; rendered in the session TimeZone.
    case timestamptz
    case interval
    /// 16 raw bytes in string storage.
    case uuid
    case json
    case array(DataType)

    public static let maxDecimalPrecision = 38

    public var physical: PhysicalType {
        switch self {
        case .boolean, .null: return .bool
        case .int16, .int32, .int64, .oid, .date, .time, .timestamp, .timestamptz: return .int64
        case .float32, .float64: return .float64
        case .decimal: return .int128
        case .text, .varchar, .char, .bytea, .uuid, .json: return .string
        case .interval: return .interval
        case .array: return .list
        }
    }

    public var isInteger: Bool {
        switch self { case .int16, .int32, .int64: return true; default: return false }
    }
    public var isFloat: Bool {
        switch self { case .float32, .float64: return true; default: return false }
    }
    public var isNumeric: Bool {
        switch self { case .int16, .int32, .int64, .float32, .float64, .decimal: return true; default: return false }
    }
    public var isString: Bool {
        switch self { case .text, .varchar, .char: return true; default: return false }
    }
    public var isTemporal: Bool {
        switch self { case .date, .time, .timestamp, .timestamptz, .interval: return true; default: return false }
    }

    /// Inclusive bounds of an integer type.
    public var integerRange: ClosedRange<Int64>? {
        switch self {
        case .int16: return Int64(Int16.min)...Int64(Int16.max)
        case .int32: return Int64(Int32.min)...Int64(Int32.max)
        case .int64: return Int64.min...Int64.max
        case .oid: return 0...Int64(UInt32.max)
        default: return nil
        }
    }

    /// PostgreSQL's spelling, as `format_type` and error messages print it.
    public var description: String {
        switch self {
        case .null: return "unknown"
        case .boolean: return "boolean"
        case .int16: return "smallint"
        case .int32: return "integer"
        case .int64: return "bigint"
        case .oid: return "oid"
        case .float32: return "real"
        case .float64: return "double precision"
        case let .decimal(p, s): return "numeric(\(p),\(s))"
        case .text: return "text"
        case let .varchar(n): return n.map { "character varying(\($0))" } ?? "character varying"
        case let .char(n): return "character(\(n))"
        case .bytea: return "bytea"
        case .date: return "date"
        case .time: return "time without time zone"
        case .timestamp: return "timestamp without time zone"
        case .timestamptz: return "timestamp with time zone"
        case .interval: return "interval"
        case .uuid: return "uuid"
        case .json: return "json"
        case let .array(e): return "\(e)[]"
        }
    }
}

/// How a Vector stores its values.
public enum PhysicalType: Sendable {
    case bool, int64, float64, int128, string, interval, list
}

/// PostgreSQL's interval: months, days and microseconds kept apart, since
/// a month has no fixed number of days and a day no fixed number of seconds.
public struct Interval: Hashable, Sendable {
    public var months: Int32
    public var days: Int32
    public var micros: Int64
    public init(months: Int32 = 0, days: Int32 = 0, micros: Int64 = 0) {
        self.months = months; self.days = days; self.micros = micros
    }
    /// The value used to order and compare intervals (PostgreSQL: 30-day months, 24-hour days).
    public var comparisonKey: Int128 {
        Int128(months) * 30 * 86_400_000_000 + Int128(days) * 86_400_000_000 + Int128(micros)
    }
}
