// Built-in mask functions for column masking policies (Docs/SECURITY.md):
// mask_email, mask_partial, mask_hash, mask_null, mask_default, mask_redact,
// mask_year and mask_round. They run on raw values inside the binder's
// policy rewrite, so none of them may raise an error that depends on a value
// (only on a bad constant argument such as a negative length), and none
// echoes its input. All are strict (NULL in, NULL out) except mask_null.
//
// mask_hash is HMAC-SHA256 keyed with the catalog's secret, which reaches
// the kernel through `FunctionContext.secretKey` (set by the session, never
// part of a plan, EXPLAIN or an error). Without a catalog a fixed built-in
// key is used: deterministic, but anyone can recompute it.

import Columnar

enum MaskFunctions {
    /// The key mask_hash uses when the session has no catalog secret.
    static let defaultKey: [UInt8] = Digest.sha256(Array("lakesql mask_hash built-in key (no catalog)".utf8))

    static let redacted = "[REDACTED]"

    static func register(into registry: FunctionRegistry) {
        let r = OverloadTable()
        r.register(["mask_email"], [[.text]]) { _, t in
            ScalarResolution(argumentTypes: t, returnType: .text) { a, n, _ in
                Map.toString([a[0]], all: a, count: n, .text) { _, inp, out in
                    maskEmail(inp[0], into: &out)
                    return true
                }
            }
        }
        r.register(["mask_partial"], [[.text, .exact(.int64), .exact(.int64)], [.text, .exact(.int64), .exact(.int64), .text]]) { _, t in
            ScalarResolution(argumentTypes: t, returnType: .text) { a, n, _ in
                let first = Kernels.int64s(a[1]), last = Kernels.int64s(a[2])
                let fills = a.count > 3 ? Kernels.strings(a[3]) : nil
                let strings = a.count > 3 ? [a[0], a[3]] : [a[0]]
                return try Map.toString(strings, all: a, count: n, .text) { i, inp, out in
                    guard first[i] >= 0, last[i] >= 0 else {
                        throw SQLError(SQLState.invalidParameterValue, "mask_partial: the numbers of characters to keep must not be negative")
                    }
                    let fill = fills == nil ? [UInt8(ascii: "*")] : Array(inp[1])
                    maskPartial(inp[0], keepFirst: Int(min(first[i], 1 << 30)), keepLast: Int(min(last[i], 1 << 30)), fill: fill, into: &out)
                    return true
                }
            }
        }
        r.register(["mask_year"], [[.exact(.date)], [.exact(.timestamp)], [.exact(.timestamptz)]]) { _, t in
            ScalarResolution(argumentTypes: t, returnType: t[0]) { a, n, _ in
                let isDate = t[0] == .date
                return Map.unary(a[0], t[0]) { (v: Int64) -> Int64 in
                    // Truncated in UTC: a session time zone must not move a value across a year boundary.
                    let days = isDate ? v : Calendar.split(micros: v).days
                    let year = Calendar.civil(days: days).year
                    let jan1 = Calendar.days(year: year, month: 1, day: 1)
                    return isDate ? jan1 : jan1 * Calendar.microsPerDay
                }
            }
        }
        r.install(into: registry)

        registry.register(ScalarFunction(name: "mask_hash") { types, unknown in
            guard types.count == 1 else { return nil }
            let t = valueType(types[0], unknown: unknown[0])
            return ScalarResolution(argumentTypes: [t], returnType: .text) { a, n, ctx in
                let mac = KeyedHash(key: ctx.secretKey.isEmpty ? defaultKey : ctx.secretKey)
                // Once per distinct value of a dictionary (or constant) column.
                return Map.compressed(a[0], count: n) { v, rows in
                    if t.isString || t == .bytea || t == .json {
                        return Map.toString([v], all: [v], count: rows, .text) { _, inp, out in
                            appendHex(mac.digest(UnsafeRawBufferPointer(inp[0])), to: &out)
                            return true
                        }
                    }
                    let validity = Kernels.combinedValidity([v], count: rows)
                    return Kernels.buildStrings(count: rows, type: .text, validity: validity) { i, out in
                        let text = Array(ValueText.format(v.value(at: i), type: t).utf8)
                        appendHex(text.withUnsafeBytes { mac.digest($0) }, to: &out)
                    }
                }
            }
        })
        registry.register(ScalarFunction(name: "mask_null") { types, unknown in
            guard types.count == 1 else { return nil }
            let t = valueType(types[0], unknown: unknown[0])
            return ScalarResolution(argumentTypes: [t], returnType: t) { _, n, _ in .nulls(type: t, count: n) }
        })
        registry.register(ScalarFunction(name: "mask_default") { types, unknown in
            guard types.count == 1 else { return nil }
            let t = valueType(types[0], unknown: unknown[0])
            guard let neutral = neutralValue(t) else { return nil }
            return ScalarResolution(argumentTypes: [t], returnType: t) { a, n, _ in
                let v = a[0]
                guard v.hasNulls else { return .constant(neutral, type: t, count: n) }
                return Vector.from((0..<n).map { v.isNull($0) ? .null : neutral }, type: t)
            }
        })
        registry.register(ScalarFunction(name: "mask_redact") { types, unknown in
            guard types.count == 1 else { return nil }
            let t = valueType(types[0], unknown: unknown[0])
            return ScalarResolution(argumentTypes: [t], returnType: .text) { a, n, _ in
                let v = a[0]
                guard v.hasNulls else { return .constant(.string(redacted), type: .text, count: n) }
                return Vector.from((0..<n).map { v.isNull($0) ? .null : .string(redacted) }, type: .text)
            }
        })
        registry.register(ScalarFunction(name: "mask_round") { types, unknown in
            guard types.count == 2 else { return nil }
            return roundResolution(valueType(types[0], unknown: unknown[0]), valueType(types[1], unknown: unknown[1]))
        })
    }

    /// The type an argument is taken as: untyped literals and NULLs as text, varchar/char as text.
    static func valueType(_ t: DataType, unknown: Bool) -> DataType {
        if unknown || t == .null { return .text }
        if t.isString { return .text }
        return t
    }

    /// The type's neutral value: '' for strings, 0, false, the epoch, a zero interval.
    static func neutralValue(_ t: DataType) -> Value? {
        switch t {
        case .text, .varchar, .char, .null: return .string("")
        case .bytea: return .bytes([])
        case .uuid: return .bytes([UInt8](repeating: 0, count: 16))
        case .json: return .string("null")
        case .boolean: return .bool(false)
        case .int16, .int32, .int64, .oid, .date, .time, .timestamp, .timestamptz: return .int(0)
        case .float32, .float64: return .double(0)
        case .decimal: return .decimal(0)
        case .interval: return .interval(Interval())
        case .array: return .list([])
        }
    }

    /// HMAC-SHA256 (RFC 2104) with the key's padded blocks absorbed once per kernel call,
    /// so each value costs two SHA-256 compressions instead of four.
    struct KeyedHash {
        let inner: SHA256Hasher, outer: SHA256Hasher

        init(key: [UInt8]) {
            var k = key.count > 64 ? Digest.sha256(key) : key
            k.append(contentsOf: repeatElement(0, count: 64 - k.count))
            var i = SHA256Hasher(), o = SHA256Hasher()
            i.update(k.map { $0 ^ 0x36 })
            o.update(k.map { $0 ^ 0x5c })
            inner = i; outer = o
        }

        func digest(_ message: UnsafeRawBufferPointer) -> [UInt8] {
            var i = inner
            i.update(message)
            var o = outer
            o.update(i.finalize())
            return o.finalize()
        }
    }

    // MARK: Kernels' row functions

    static let hexDigits = Array("0123456789abcdef".utf8)

    static func appendHex(_ bytes: [UInt8], to out: inout ContiguousArray<UInt8>) {
        for b in bytes { out.append(hexDigits[Int(b >> 4)]); out.append(hexDigits[Int(b & 15)]) }
    }

    /// The length in bytes of the UTF-8 sequence starting with `lead`.
    static func sequenceLength(_ lead: UInt8) -> Int {
        switch lead {
        case 0xF0...: return 4
        case 0xE0...: return 3
        case 0xC0...: return 2
        default: return 1
        }
    }

    /// Byte offsets of each character (Unicode scalar) start, plus the end.
    static func characterStarts(_ s: UnsafeBufferPointer<UInt8>) -> [Int] {
        var starts: [Int] = []
        var i = 0
        while i < s.count {
            starts.append(i)
            i = min(s.count, i + sequenceLength(s[i]))
        }
        starts.append(s.count)
        return starts
    }

    /// 'john.doe@example.com' → 'j***@example.com': the local part's first character and the
    /// domain stay, the rest of the local part becomes a fixed '***' (its length is not kept).
    /// A value without '@' is entirely '***'.
    static func maskEmail(_ s: UnsafeBufferPointer<UInt8>, into out: inout ContiguousArray<UInt8>) {
        guard !s.isEmpty else { return }
        guard let at = s.lastIndex(of: UInt8(ascii: "@")) else {
            out.append(contentsOf: Array("***".utf8))
            return
        }
        if at > 0 {
            let firstLength = min(at, sequenceLength(s[0]))
            out.append(contentsOf: s[0..<firstLength])
        }
        out.append(contentsOf: Array("***".utf8))
        out.append(contentsOf: s[at..<s.count])
    }

    /// Keeps the first `keepFirst` and last `keepLast` characters and writes `fill` once per
    /// hidden character. When nothing would be hidden, every character is replaced (a mask
    /// that reveals the whole value is a misconfiguration, and fails closed).
    static func maskPartial(_ s: UnsafeBufferPointer<UInt8>, keepFirst: Int, keepLast: Int, fill: [UInt8],
                            into out: inout ContiguousArray<UInt8>) {
        let starts = characterStarts(s)
        let count = starts.count - 1
        guard count > 0 else { return }
        if keepFirst + keepLast >= count {
            for _ in 0..<count { out.append(contentsOf: fill) }
            return
        }
        out.append(contentsOf: s[0..<starts[keepFirst]])
        for _ in 0..<(count - keepFirst - keepLast) { out.append(contentsOf: fill) }
        out.append(contentsOf: s[starts[count - keepLast]..<s.count])
    }

    // MARK: mask_round

    /// Nearest multiple of a positive step (halves away from zero); integers keep their type,
    /// numerics take the finer scale of value and step, floats are double precision.
    static func roundResolution(_ value: DataType, _ step: DataType) -> ScalarResolution? {
        let stepError = SQLError(SQLState.invalidParameterValue, "mask_round: the step must be positive")
        if value.isInteger && (step.isInteger || step == .text) {
            return ScalarResolution(argumentTypes: [value, .int64], returnType: value) { a, n, _ in
                let range = value.integerRange ?? Int64.min...Int64.max
                return try Map.binary(a[0], a[1], value) { (x: Int64, s: Int64) -> Int64 in
                    guard s > 0 else { throw stepError }
                    let r = roundToStep(Int128(x), Int128(s))
                    if r >= Int128(range.lowerBound) && r <= Int128(range.upperBound) { return Int64(r) }
                    // Out of the type's range: the multiple toward zero is always inside it.
                    return Int64(Int128(x) / Int128(s) * Int128(s))
                }
            }
        }
        var exact = false
        if case .decimal = value { exact = !step.isFloat }
        if value.isInteger, case .decimal = step { exact = true }
        if exact {
            let vs = scale(of: value), ss = scale(of: step)
            let s = max(vs, ss)
            let t = DataType.decimal(precision: 38, scale: s)
            return ScalarResolution(argumentTypes: [t, t], returnType: t) { a, n, _ in
                try Map.binary(a[0], a[1], t) { (x: Int128, st: Int128) -> Int128 in
                    guard st > 0 else { throw stepError }
                    let (r, overflow) = roundToStepChecked(x, st)
                    return overflow ? x / st * st : r
                }
            }
        }
        guard value.isNumeric || value == .text, step.isNumeric || step == .text else { return nil }
        return ScalarResolution(argumentTypes: [.float64, .float64], returnType: .float64) { a, n, _ in
            try Map.binary(a[0], a[1], .float64) { (x: Double, s: Double) -> Double in
                guard s > 0, s.isFinite else { throw stepError }
                guard x.isFinite else { return x }
                return (x / s).rounded(.toNearestOrAwayFromZero) * s
            }
        }
    }

    private static func scale(of t: DataType) -> Int {
        if case .decimal(_, let s) = t { return s }
        return 0
    }

    static func roundToStep(_ x: Int128, _ s: Int128) -> Int128 {
        let q = x / s, r = x % s
        if r.magnitude * 2 >= s.magnitude { return (q + (x < 0 ? -1 : 1)) * s }
        return q * s
    }

    static func roundToStepChecked(_ x: Int128, _ s: Int128) -> (Int128, Bool) {
        let q = x / s, r = x % s
        let bump: Int128 = r.magnitude * 2 >= s.magnitude ? (x < 0 ? -1 : 1) : 0
        let (m, o) = (q + bump).multipliedReportingOverflow(by: s)
        // numeric(38, s) holds at most 38 digits.
        return (m, o || m.magnitude >= 100_000_000_000_000_000_000_000_000_000_000_000_000)
    }
}
