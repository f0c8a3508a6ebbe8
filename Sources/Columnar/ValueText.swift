// Text rendering of values the way PostgreSQL's output functions print them
// (the text format of the wire protocol, psql, sqllogictest's T columns),
// and parsing of text into values (casts from text, COPY, CSV).
// OWNED BY the Functions/casts work: the signatures below are the contract.

public struct TextFormatOptions: Sendable {
    /// Session TimeZone offset used to render timestamptz, in seconds east of UTC.
    public var timeZoneOffsetSeconds: Int
    public init(timeZoneOffsetSeconds: Int = 0) { self.timeZoneOffsetSeconds = timeZoneOffsetSeconds }
}

public enum ValueText {
    /// PostgreSQL text output of a non-null value of `type`.
    public static func format(_ value: Value, type: DataType, options: TextFormatOptions = .init()) -> String {
        switch value {
        case .null: return ""
        case .bool(let b): return b ? "t" : "f"
        case .int(let i): return String(i)
        case .double(let d): return String(d)
        case .decimal(let m): return String(m)
        case .string(let s): return s
        case .bytes(let b): return "\\x" + b.map { String($0, radix: 16) }.joined()
        case .interval(let iv): return "\(iv.months) mons \(iv.days) days \(iv.micros) us"
        case .list(let vs): return "{" + vs.map { format($0, type: type, options: options) }.joined(separator: ",") + "}"
        }
    }
}
