// A single SQL value outside a vector: literals, constants, test fixtures and
// row-at-a-time paths (catalog, wire encoding of parameters). Kernels never
// use Value in their inner loops; they work on Vector storage directly.

public enum Value: Hashable, Sendable {
    case null
    case bool(Bool)
    /// Any integer type, date (days), time (µs), timestamp/timestamptz (µs).
    case int(Int64)
    case double(Double)
    /// A decimal mantissa; the scale comes from the DataType.
    case decimal(Int128)
    case string(String)
    case bytes([UInt8])
    case interval(Interval)
    case list([Value])

    public var isNull: Bool { if case .null = self { return true }; return false }
}
