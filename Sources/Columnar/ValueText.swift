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

    /// PostgreSQL input function: parses `text` as a value of `type`
    /// (22P02 invalid_text_representation, 22003 out of range, 22007/22008 for datetimes).
    public static func parse(_ text: String, as type: DataType, options: TextFormatOptions = .init()) throws -> Value {
        switch type {
        case .text, .varchar, .char, .json: return .string(text)
        case .int16, .int32, .int64:
            guard let i = Int64(text.trimmingCharacters(in: " ")) else {
                throw SQLError(SQLState.invalidTextRepresentation, "invalid input syntax for type \(type): \"\(text)\"")
            }
            return .int(i)
        case .float32, .float64:
            guard let d = Double(text.trimmingCharacters(in: " ")) else {
                throw SQLError(SQLState.invalidTextRepresentation, "invalid input syntax for type \(type): \"\(text)\"")
            }
            return .double(d)
        default:
            throw SQLError(SQLState.featureNotSupported, "parsing \(type) is not implemented yet")
        }
    }
}

extension String {
    func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.first == set { s.removeFirst() }
        while s.last == set { s.removeLast() }
        return String(s)
    }
}
