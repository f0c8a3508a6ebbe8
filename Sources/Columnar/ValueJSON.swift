// JSON rendering of values (the jsonl/json output formats). Follows the
// rendering rules of ../shared/parquet-conformance/README.md so that
// `lakesql --format jsonl` output matches the conformance expectations.
// OWNED BY the Parquet work: the signature below is the contract.

public enum ValueJSON {
    /// One value as JSON text (`null` for NULL). `.json` values are emitted verbatim.
    public static func render(_ value: Value, type: DataType, options: TextFormatOptions = .init()) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i) where type.isInteger: return String(i)
        default:
            let s = ValueText.format(value, type: type, options: options)
            if type == .json { return s }
            return quote(s)
        }
    }

    /// A JSON string literal with the required escapes.
    public static func quote(_ s: String) -> String {
        var out = "\""
        for u in s.unicodeScalars {
            switch u {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if u.value < 0x20 {
                    let h = String(u.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - h.count) + h
                } else { out.unicodeScalars.append(u) }
            }
        }
        return out + "\""
    }
}
