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

    // Text is equal and hashes by its UTF-8 bytes, as `=` compares text (the C collation).
    // Swift's String == equates canonically equivalent text ('é' composed and decomposed), so
    // synthesised conformances merged distinct values wherever Values meet in sets and
    // dictionaries (a runtime join filter's distinct build keys, IN lists).
    public static func == (a: Value, b: Value) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case let (.bool(x), .bool(y)): return x == y
        case let (.int(x), .int(y)): return x == y
        case let (.double(x), .double(y)): return x == y
        case let (.decimal(x), .decimal(y)): return x == y
        case let (.string(x), .string(y)): return x.utf8.elementsEqual(y.utf8)
        case let (.bytes(x), .bytes(y)): return x == y
        case let (.interval(x), .interval(y)): return x == y
        case let (.list(x), .list(y)): return x == y
        default: return false
        }
    }

    public func hash(into hasher: inout Hasher) {
        switch self {
        case .null: hasher.combine(0)
        case .bool(let x): hasher.combine(1); hasher.combine(x)
        case .int(let x): hasher.combine(2); hasher.combine(x)
        case .double(let x): hasher.combine(3); hasher.combine(x)
        case .decimal(let x): hasher.combine(4); hasher.combine(x)
        case .string(let x):
            hasher.combine(5)
            var text = x
            text.withUTF8 { hasher.combine(bytes: UnsafeRawBufferPointer($0)) }
            hasher.combine(text.utf8.count)
        case .bytes(let x): hasher.combine(6); hasher.combine(x)
        case .interval(let x): hasher.combine(7); hasher.combine(x)
        case .list(let x): hasher.combine(8); hasher.combine(x)
        }
    }

    /// The value as plan text that tells apart any two values `==` tells apart: text and the
    /// text in lists with every non-ASCII scalar escaped (`\u{308}`), so comparing two such texts
    /// as Strings (canonical equivalence) compares the bytes (plan fingerprints).
    public var exactDescription: String {
        switch self {
        case .string(let x):
            guard !x.utf8.allSatisfy({ $0 < 0x80 }) else { return "string(\(x.debugDescription))" }
            return "string(\"" + x.unicodeScalars.map { c -> String in
                switch c {
                case "\\": return "\\\\"
                case "\"": return "\\\""
                default: return c.isASCII ? String(c) : "\\u{\(String(c.value, radix: 16))}"
                }
            }.joined() + "\")"
        case .list(let items): return "list([" + items.map(\.exactDescription).joined(separator: ", ") + "])"
        default: return "\(self)"
        }
    }
}
