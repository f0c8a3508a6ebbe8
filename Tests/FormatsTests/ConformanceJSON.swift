// Test support for the Parquet conformance corpus: a small JSON parser that
// keeps numbers as their source text (UINT_64 values exceed Double), and a
// semantic comparison mirroring ../shared/parquet-conformance/check.py
// (floats rounded to their width, decimals numerically, timestamps to the
// nanosecond ignoring the suffix, maps as unordered entries).

import Foundation

indirect enum JSON: Equatable {
    case null
    case bool(Bool)
    case number(String)
    case string(String)
    case array([JSON])
    case object([(String, JSON)])

    static func == (a: JSON, b: JSON) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.bool(let x), .bool(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y
        case (.string(let x), .string(let y)): return x == y
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)): return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    subscript(key: String) -> JSON? {
        if case .object(let fields) = self { return fields.first { $0.0 == key }?.1 }
        return nil
    }
    var stringValue: String? { if case .string(let s) = self { return s }; return nil }
    var arrayValue: [JSON]? { if case .array(let a) = self { return a }; return nil }
}

struct JSONParseError: Error { let message: String }

struct JSONParser {
    let b: [UInt8]
    var i = 0
    init(_ text: String) { b = Array(text.utf8) }
    init(bytes: [UInt8]) { b = bytes }

    static func parse(_ text: String) throws -> JSON {
        var p = JSONParser(text)
        let v = try p.value()
        p.ws()
        guard p.i == p.b.count else { throw JSONParseError(message: "trailing data at \(p.i)") }
        return v
    }

    mutating func ws() { while i < b.count, b[i] == 32 || b[i] == 9 || b[i] == 10 || b[i] == 13 { i += 1 } }

    mutating func value() throws -> JSON {
        ws()
        guard i < b.count else { throw JSONParseError(message: "unexpected end") }
        switch b[i] {
        case UInt8(ascii: "{"):
            i += 1; var fields: [(String, JSON)] = []
            ws()
            if i < b.count, b[i] == UInt8(ascii: "}") { i += 1; return .object(fields) }
            while true {
                ws()
                guard case .string(let k) = try value() else { throw JSONParseError(message: "object key") }
                ws(); guard i < b.count, b[i] == UInt8(ascii: ":") else { throw JSONParseError(message: "colon") }
                i += 1
                fields.append((k, try value()))
                ws()
                guard i < b.count else { throw JSONParseError(message: "unterminated object") }
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                if b[i] == UInt8(ascii: "}") { i += 1; return .object(fields) }
                throw JSONParseError(message: "object at \(i)")
            }
        case UInt8(ascii: "["):
            i += 1; var items: [JSON] = []
            ws()
            if i < b.count, b[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
            while true {
                items.append(try value())
                ws()
                guard i < b.count else { throw JSONParseError(message: "unterminated array") }
                if b[i] == UInt8(ascii: ",") { i += 1; continue }
                if b[i] == UInt8(ascii: "]") { i += 1; return .array(items) }
                throw JSONParseError(message: "array at \(i)")
            }
        case UInt8(ascii: "\""):
            i += 1
            var out = [UInt8]()
            while true {
                guard i < b.count else { throw JSONParseError(message: "unterminated string") }
                let c = b[i]; i += 1
                if c == UInt8(ascii: "\"") { break }
                if c != UInt8(ascii: "\\") { out.append(c); continue }
                guard i < b.count else { throw JSONParseError(message: "escape") }
                let e = b[i]; i += 1
                switch e {
                case UInt8(ascii: "n"): out.append(10)
                case UInt8(ascii: "t"): out.append(9)
                case UInt8(ascii: "r"): out.append(13)
                case UInt8(ascii: "b"): out.append(8)
                case UInt8(ascii: "f"): out.append(12)
                case UInt8(ascii: "u"):
                    func hex4() throws -> UInt32 {
                        guard i + 4 <= b.count, let v = UInt32(String(decoding: b[i..<i + 4], as: UTF8.self), radix: 16) else {
                            throw JSONParseError(message: "\\u escape")
                        }
                        i += 4
                        return v
                    }
                    var v = try hex4()
                    if v >= 0xD800 && v < 0xDC00, i + 1 < b.count, b[i] == UInt8(ascii: "\\"), b[i + 1] == UInt8(ascii: "u") {
                        i += 2
                        let lo = try hex4()
                        v = 0x10000 + ((v - 0xD800) << 10) + (lo - 0xDC00)
                    }
                    out.append(contentsOf: Array(String(Character(Unicode.Scalar(v) ?? "\u{FFFD}")).utf8))
                default: out.append(e)
                }
            }
            return .string(String(decoding: out, as: UTF8.self))
        case UInt8(ascii: "t"): i += 4; return .bool(true)
        case UInt8(ascii: "f"): i += 5; return .bool(false)
        case UInt8(ascii: "n"): i += 4; return .null
        default:
            let start = i
            while i < b.count, "+-0123456789.eEaNIinfty".utf8.contains(b[i]) { i += 1 }
            guard i > start else { throw JSONParseError(message: "unexpected byte \(b[i]) at \(i)") }
            return .number(String(decoding: b[start..<i], as: UTF8.self))
        }
    }
}

struct Mismatch: Error, CustomStringConvertible { let description: String }

enum ConformanceCompare {
    static func short(_ v: JSON) -> String {
        let s = render(v)
        return s.count > 80 ? String(s.prefix(80)) + "…" : s
    }

    static func render(_ v: JSON) -> String {
        switch v {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return n
        case .string(let s): return "\"\(s)\""
        case .array(let a): return "[" + a.map(render).joined(separator: ",") + "]"
        case .object(let f): return "{" + f.map { "\"\($0.0)\":" + render($0.1) }.joined(separator: ",") + "}"
        }
    }

    static func toDouble(_ v: JSON) throws -> Double {
        switch v {
        case .number(let n): if let d = Double(n) { return d }
        case .string(let s):
            switch s.lowercased() {
            case "nan": return .nan
            case "infinity", "inf", "+inf": return .infinity
            case "-infinity", "-inf": return -.infinity
            default: if let d = Double(s) { return d }
            }
        default: break
        }
        throw Mismatch(description: "not a number: \(short(v))")
    }

    static func roundTo(_ x: Double, _ t: String) -> Double {
        if x.isNaN || x.isInfinite { return x }
        if t == "float32" { return Double(Float(x)) }
        if t == "float16" { return Double(Float16(x)) }
        return x
    }

    static func intText(_ v: JSON) throws -> String {
        switch v {
        case .number(let n):
            if n.allSatisfy({ $0.isNumber || $0 == "-" || $0 == "+" }) { return n.hasPrefix("+") ? String(n.dropFirst()) : n }
            if let d = Double(n), d == d.rounded() { return String(Int64(d)) }
        case .string(let s): if Int64(s) != nil || UInt64(s) != nil { return s }
        default: break
        }
        throw Mismatch(description: "not an integer: \(short(v))")
    }

    static func bytes(_ v: JSON) throws -> [UInt8] {
        guard case .string(let s) = v else { throw Mismatch(description: "binary must be a string: \(short(v))") }
        if s.hasPrefix("b64:") {
            guard let d = Data(base64Encoded: String(s.dropFirst(4))) else { throw Mismatch(description: "bad base64 \(s)") }
            return [UInt8](d)
        }
        return Array(s.utf8)
    }

    /// Decimal text normalised: sign, integer digits without leading zeros, fraction without trailing zeros.
    static func decimalKey(_ v: JSON) throws -> String {
        var s: String
        switch v {
        case .number(let n): s = n
        case .string(let t): s = t
        default: throw Mismatch(description: "not a decimal: \(short(v))")
        }
        var neg = false
        if s.hasPrefix("-") { neg = true; s.removeFirst() }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        var ip = String(parts[0].drop { $0 == "0" })
        var fp = parts.count > 1 ? String(parts[1]) : ""
        while fp.hasSuffix("0") { fp.removeLast() }
        if ip.isEmpty { ip = "0" }
        if ip == "0" && fp.isEmpty { neg = false }
        return (neg ? "-" : "") + ip + (fp.isEmpty ? "" : "." + fp)
    }

    /// Timestamp/time/date text to comparable components (fraction to nanoseconds, suffix ignored).
    static func temporalKey(_ v: JSON, kind: String) throws -> String {
        guard case .string(var s) = v else { throw Mismatch(description: "not a \(kind): \(short(v))") }
        for suffix in ["Z", "+00:00", "+0000", "+00", " UTC", "UTC"] where s.hasSuffix(suffix) { s.removeLast(suffix.count); break }
        s = s.replacingOccurrences(of: "T", with: " ")
        if kind == "date" { return s }
        var frac = ""
        if let dot = s.firstIndex(of: ".") { frac = String(s[s.index(after: dot)...]); s = String(s[..<dot]) }
        frac = frac.padding(toLength: 9, withPad: "0", startingAt: 0)
        return s + "." + frac
    }

    static func uuidKey(_ v: JSON) throws -> String {
        guard case .string(let s) = v else { throw Mismatch(description: "not a UUID: \(short(v))") }
        if s.hasPrefix("b64:") { return try bytes(v).map { String(format: "%02x", $0) }.joined() }
        return s.replacingOccurrences(of: "-", with: "").lowercased()
    }

    static func compare(_ exp: JSON, _ act: JSON, _ t: JSON, _ at: String) throws {
        if exp == .null {
            if act != .null { throw Mismatch(description: "\(at): expected null, got \(short(act))") }
            return
        }
        if act == .null { throw Mismatch(description: "\(at): expected \(short(exp)), got null") }
        let k = t["t"]?.stringValue ?? ""
        func fail() -> Mismatch { Mismatch(description: "\(at): expected \(short(exp)), got \(short(act))") }
        switch k {
        case "bool": if exp != act { throw fail() }
        case "int": if try intText(exp) != intText(act) { throw fail() }
        case "float16", "float32", "float64":
            let e = try toDouble(exp), a = try toDouble(act)
            if e.isNaN || a.isNaN { if !(e.isNaN && a.isNaN) { throw fail() } }
            else if roundTo(e, k) != roundTo(a, k) { throw fail() }
        case "decimal": if try decimalKey(exp) != decimalKey(act) { throw fail() }
        case "string": if exp != act { throw fail() }
        case "binary": if try bytes(exp) != bytes(act) { throw fail() }
        case "uuid": if try uuidKey(exp) != uuidKey(act) { throw fail() }
        case "date", "timestamp", "time": if try temporalKey(exp, kind: k) != temporalKey(act, kind: k) { throw fail() }
        case "list":
            guard let e = exp.arrayValue, let a = act.arrayValue else { throw fail() }
            guard e.count == a.count else { throw Mismatch(description: "\(at): expected \(e.count) elements, got \(a.count): \(short(act))") }
            for (i, (x, y)) in zip(e, a).enumerated() { try compare(x, y, t["item"] ?? .null, "\(at)[\(i)]") }
        case "map":
            guard let e = exp.arrayValue, let a = act.arrayValue, e.count == a.count else { throw fail() }
            var remaining = a
            for entry in e {
                guard let idx = remaining.firstIndex(where: { cand in
                    (try? compare(entry["key"] ?? .null, cand["key"] ?? .null, t["key"] ?? .null, at)) != nil &&
                    (try? compare(entry["value"] ?? .null, cand["value"] ?? .null, t["value"] ?? .null, at)) != nil
                }) else { throw Mismatch(description: "\(at): map entry \(short(entry)) not found in \(short(act))") }
                remaining.remove(at: idx)
            }
        case "struct":
            guard case .object(let af) = act, let fields = t["fields"]?.arrayValue else { throw fail() }
            let names = fields.compactMap { $0["name"]?.stringValue }
            guard Set(af.map { $0.0 }) == Set(names), af.count == names.count else {
                throw Mismatch(description: "\(at): expected fields \(names), got \(af.map { $0.0 })")
            }
            for f in fields {
                guard let n = f["name"]?.stringValue else { continue }
                try compare(exp[n] ?? .null, act[n] ?? .null, f["type"] ?? .null, "\(at).\(n)")
            }
        default:
            throw Mismatch(description: "\(at): unknown type descriptor \(short(t))")
        }
    }
}
