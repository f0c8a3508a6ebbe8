// JSON rendering of values (the jsonl/json output formats). Follows the
// rendering rules of ../shared/parquet-conformance/README.md so that
// `lakesql --format jsonl` output matches the conformance expectations:
// floats as the shortest round-trip decimal at their own width (keeping a
// fraction), NaN/±Infinity as strings, decimals as strings with exactly
// `scale` fractional digits, bytea as "b64:" + base64, uuid in lowercase
// 8-4-4-4-12 form, ISO dates/times/timestamps with 6 fractional digits
// (timestamptz in UTC with a Z suffix, or local time with ±HH:MM when the
// session time zone is not UTC), .json text verbatim.

public enum ValueJSON {
    /// One value as JSON text (`null` for NULL). `.json` values are emitted verbatim.
    public static func render(_ value: Value, type: DataType, options: TextFormatOptions = .init()) -> String {
        switch value {
        case .null: return "null"
        case .bool(let b):
            return b ? "true" : "false"
        case .int(let i):
            switch type {
            case .date: return quote(date(i))
            case .time: return quote(time(i))
            case .timestamp: return quote(timestamp(i, utc: false))
            case .timestamptz:
                let offset = options.timeZoneOffsetSeconds
                if offset == 0 { return quote(timestamp(i, utc: true)) }
                // A non-UTC session shows local time with its ISO 8601 offset (same instant).
                let local = i &+ Int64(offset) * Calendar.microsPerSecond
                let a = abs(offset)
                let sign = offset < 0 ? "-" : "+"
                return quote(timestamp(local, utc: false) + sign + pad(a / 3600, 2) + ":" + pad(a / 60 % 60, 2))
            case .float32, .float64: return float(Double(i), type: type)
            case .decimal(_, let s): return quote(decimal(Int128(i), scale: s))
            case .text, .varchar, .char, .json: return quote(String(i))
            default: return String(i)
            }
        case .double(let d):
            switch type {
            case .float32, .float64: return float(d, type: type)
            default: return float(d, type: .float64)
            }
        case .decimal(let m):
            if case .decimal(_, let s) = type { return quote(decimal(m, scale: s)) }
            return quote(String(m))
        case .string(let s):
            if type == .json { return s }
            return quote(s)
        case .bytes(let b):
            if type == .uuid && b.count == 16 { return quote(uuid(b)) }
            return quote("b64:" + base64(b))
        case .interval:
            return quote(ValueText.format(value, type: type, options: options))
        case .list(let items):
            let element: DataType
            if case .array(let e) = type { element = e } else { element = .text }
            return "[" + items.map { render($0, type: element, options: options) }.joined(separator: ",") + "]"
        }
    }

    /// Shortest round-trip decimal at the type's width; non-finite values as strings.
    public static func float(_ d: Double, type: DataType) -> String {
        if d.isNaN { return "\"NaN\"" }
        if d.isInfinite { return d < 0 ? "\"-Infinity\"" : "\"Infinity\"" }
        // Swift's description is the shortest round-trip form and keeps ".0" on integral values.
        if type == .float32 { return Float(d).description }
        return d.description
    }

    /// Plain notation with exactly `scale` fractional digits.
    public static func decimal(_ mantissa: Int128, scale: Int) -> String {
        let negative = mantissa < 0
        let magnitude = mantissa.magnitude
        var digits = String(magnitude)
        if scale <= 0 {
            if scale < 0 && magnitude != 0 { digits += String(repeating: "0", count: -scale) }
            return (negative ? "-" : "") + digits
        }
        if digits.count <= scale { digits = String(repeating: "0", count: scale - digits.count + 1) + digits }
        let cut = digits.index(digits.endIndex, offsetBy: -scale)
        return (negative ? "-" : "") + digits[..<cut] + "." + digits[cut...]
    }

    private static func pad(_ v: Int, _ width: Int) -> String {
        let s = String(v)
        return s.count >= width ? s : String(repeating: "0", count: width - s.count) + s
    }

    private static func year(_ y: Int) -> String {
        if y >= 0 && y <= 9999 { return pad(y, 4) }
        return (y < 0 ? "-" : "+") + pad(abs(y), 5)
    }

    /// `YYYY-MM-DD` of a day number.
    public static func date(_ days: Int64) -> String {
        let c = Calendar.civil(days: days)
        return "\(year(c.year))-\(pad(c.month, 2))-\(pad(c.day, 2))"
    }

    /// `HH:MM:SS.ffffff` of µs since midnight.
    public static func time(_ micros: Int64) -> String {
        let c = Calendar.clock(timeOfDay: micros)
        return "\(pad(c.hour, 2)):\(pad(c.minute, 2)):\(pad(c.second, 2)).\(pad(c.micros, 6))"
    }

    /// `YYYY-MM-DDTHH:MM:SS.ffffff`, with `Z` when the value is in UTC (timestamptz).
    public static func timestamp(_ micros: Int64, utc: Bool) -> String {
        let (d, t) = Calendar.split(micros: micros)
        return date(d) + "T" + time(t) + (utc ? "Z" : "")
    }

    public static func uuid(_ b: [UInt8]) -> String {
        let hex = Digest.hex(b)
        var out = ""
        for (i, ch) in hex.enumerated() {
            if i == 8 || i == 12 || i == 16 || i == 20 { out.append("-") }
            out.append(ch)
        }
        return out
    }

    /// Standard base64 (RFC 4648) with padding.
    public static func base64(_ bytes: [UInt8]) -> String {
        let table = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out = [UInt8]()
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 3 <= bytes.count {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out.append(table[Int(n >> 18)]); out.append(table[Int(n >> 12 & 63)])
            out.append(table[Int(n >> 6 & 63)]); out.append(table[Int(n & 63)])
            i += 3
        }
        let rest = bytes.count - i
        if rest == 1 {
            let n = UInt32(bytes[i]) << 16
            out.append(table[Int(n >> 18)]); out.append(table[Int(n >> 12 & 63)])
            out.append(UInt8(ascii: "=")); out.append(UInt8(ascii: "="))
        } else if rest == 2 {
            let n = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8
            out.append(table[Int(n >> 18)]); out.append(table[Int(n >> 12 & 63)])
            out.append(table[Int(n >> 6 & 63)]); out.append(UInt8(ascii: "="))
        }
        return String(decoding: out, as: UTF8.self)
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
