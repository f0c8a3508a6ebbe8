// Turns result vectors into the text values sqllogictest compares, by the
// rules of ../shared/sqllogictest/README.md: NULL, I (integers, booleans
// 1/0, integral floats/decimals as integers), R (printf "%.3f", never
// -0.000, NaN/Infinity) and T (PostgreSQL text output via ValueText, with
// booleans true/false), then `(empty)` for empty strings and `@` for
// control characters. Works a column at a time on typed storage, so the
// common cases (integers, text) never box values.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Columnar

public enum SLTValueRenderer {
    public static let nullText = "NULL"

    /// Renders `vector` for a column of kind `kind`, appending `vector.count` strings to `out`.
    public static func render(_ vector: Vector, kind: SLTColumnKind, options: TextFormatOptions, into out: inout [String]) {
        let type = vector.type
        switch vector.storage {
        case .constant(let value):
            let s = render(value, type: type, kind: kind, options: options)
            for _ in 0..<vector.count { out.append(s) }
            return
        case .dictionary:
            render(vector.materialized(), kind: kind, options: options, into: &out)
            return
        default:
            break
        }
        let validity = vector.validity
        @inline(__always) func isNull(_ i: Int) -> Bool { validity.map { !$0[i] } ?? false }
        // Rows this vector really holds: a malformed vector yields fewer strings (the runner
        // reports that) instead of reading past a buffer.
        func rows(_ stored: Int) -> Range<Int> { 0..<min(vector.count, stored, validity?.count ?? Int.max) }

        switch vector.storage {
        case .int64(let a) where type.isInteger || type == .oid:
            a.withUnsafeBufferPointer { p in
                for i in rows(p.count) {
                    if isNull(i) { out.append(nullText); continue }
                    out.append(kind == .real ? formatReal(Double(p[i])) : String(p[i]))
                }
            }
        case .float64(let a):
            a.withUnsafeBufferPointer { p in
                for i in rows(p.count) {
                    if isNull(i) { out.append(nullText); continue }
                    switch kind {
                    case .integer: out.append(formatIntegral(p[i]))
                    case .real: out.append(formatReal(p[i]))
                    case .text: out.append(clean(ValueText.format(.double(p[i]), type: type, options: options)))
                    }
                }
            }
        case .int128(let a):
            let scale: Int
            if case .decimal(_, let s) = type { scale = s } else { scale = 0 }
            for i in rows(a.count) {
                if isNull(i) { out.append(nullText); continue }
                switch kind {
                case .integer: out.append(formatDecimalIntegral(a[i], scale: scale))
                case .real: out.append(formatReal(decimalToDouble(a[i], scale: scale)))
                case .text: out.append(clean(ValueText.format(.decimal(a[i]), type: type, options: options)))
                }
            }
        case .bool(let a):
            for i in rows(a.count) {
                if isNull(i) { out.append(nullText); continue }
                switch kind {
                case .integer: out.append(a[i] ? "1" : "0")
                case .real: out.append(a[i] ? "1.000" : "0.000")
                case .text: out.append(a[i] ? "true" : "false")
                }
            }
        case .string(let column) where type.isString || type == .json:
            for i in rows(column.count) {
                if isNull(i) { out.append(nullText); continue }
                out.append(clean(column.string(at: i)))
            }
        default:
            for i in 0..<vector.count {
                let value = vector.value(at: i)
                out.append(render(value, type: type, kind: kind, options: options))
            }
        }
    }

    /// Renders one value (slow path: constants, temporal types, bytea, intervals, lists).
    public static func render(_ value: Value, type: DataType, kind: SLTColumnKind, options: TextFormatOptions) -> String {
        switch value {
        case .null:
            return nullText
        case .bool(let b):
            switch kind {
            case .integer: return b ? "1" : "0"
            case .real: return b ? "1.000" : "0.000"
            case .text: return b ? "true" : "false"
            }
        case .int(let i) where type.isInteger || type == .oid || type == .null:
            return kind == .real ? formatReal(Double(i)) : String(i)
        case .double(let d) where kind != .text:
            return kind == .integer ? formatIntegral(d) : formatReal(d)
        case .decimal(let m) where kind != .text:
            let scale: Int
            if case .decimal(_, let s) = type { scale = s } else { scale = 0 }
            return kind == .integer ? formatDecimalIntegral(m, scale: scale) : formatReal(decimalToDouble(m, scale: scale))
        case .string(let s) where type.isString || type == .json || type == .null:
            return clean(s)
        default:
            return clean(ValueText.format(value, type: type, options: options))
        }
    }

    /// `(empty)` for an empty string; every character below U+0020 becomes `@`.
    @inline(__always) public static func clean(_ s: String) -> String {
        if s.isEmpty { return "(empty)" }
        if !s.utf8.contains(where: { $0 < 0x20 }) { return s }
        var bytes = Array(s.utf8)
        for j in bytes.indices where bytes[j] < 0x20 { bytes[j] = UInt8(ascii: "@") }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The R rule: C `printf("%.3f")`, with exact zero as `0.000`.
    public static func formatReal(_ d: Double) -> String {
        if d.isNaN { return "NaN" }
        if d.isInfinite { return d > 0 ? "Infinity" : "-Infinity" }
        if d == 0 { return "0.000" }
        // Integral values below 2^53 are exact, so printf would print them with ".000".
        if d == d.rounded(.towardZero), abs(d) < 9.0e15 { return String(Int64(d)) + ".000" }
        var buffer = [CChar](repeating: 0, count: 400)
        let written = withVaList([d]) { args in
            buffer.withUnsafeMutableBufferPointer { vsnprintf($0.baseAddress, $0.count, "%.3f", args) }
        }
        guard written > 0 else { return String(d) }
        return buffer.withUnsafeBufferPointer { p in
            String(decoding: UnsafeRawBufferPointer(start: p.baseAddress, count: min(Int(written), p.count - 1)), as: UTF8.self)
        }
    }

    /// The I rule for floats: integral values as integers, anything else by the R rule.
    public static func formatIntegral(_ d: Double) -> String {
        guard d.isFinite, d == d.rounded(.towardZero) else { return formatReal(d) }
        if abs(d) < 9.2e18 { return String(Int64(d)) }
        // Beyond Int64: printf's exact digits without the ".000".
        let text = formatReal(d)
        return text.hasSuffix(".000") ? String(text.dropLast(4)) : text
    }

    /// The I rule for decimals.
    public static func formatDecimalIntegral(_ mantissa: Int128, scale: Int) -> String {
        if scale <= 0 { return String(mantissa) }
        guard let divisor = powerOfTen(scale) else { return formatReal(decimalToDouble(mantissa, scale: scale)) }
        if mantissa % divisor == 0 { return String(mantissa / divisor) }
        return formatReal(decimalToDouble(mantissa, scale: scale))
    }

    /// Correctly rounded: goes through the decimal text, which Double's parser rounds exactly.
    public static func decimalToDouble(_ mantissa: Int128, scale: Int) -> Double {
        Double(decimalText(mantissa, scale: scale)) ?? .nan
    }

    /// Plain decimal text of mantissa × 10^-scale (`-1.50`).
    static func decimalText(_ mantissa: Int128, scale: Int) -> String {
        if scale <= 0 { return String(mantissa) }
        let negative = mantissa < 0
        var digits = String(mantissa.magnitude)
        if digits.count <= scale { digits = String(repeating: "0", count: scale - digits.count + 1) + digits }
        let split = digits.index(digits.endIndex, offsetBy: -scale)
        return (negative ? "-" : "") + digits[..<split] + "." + digits[split...]
    }

    static func powerOfTen(_ n: Int) -> Int128? {
        guard n >= 0, n <= 38 else { return nil }
        var p: Int128 = 1
        for _ in 0..<n { p *= 10 }
        return p
    }
}
