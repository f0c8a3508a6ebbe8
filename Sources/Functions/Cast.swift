// Casts between every pair of supported types, as vector kernels, following
// PostgreSQL 15's pg_cast: numeric widening/narrowing with range checks
// (float→int rounds half to even like rint(), numeric→int and numeric
// rescaling round half away from zero), text casts through ValueText's
// input/output routines, datetime conversions in the session time zone,
// varchar/char length coercion, and element-wise array casts.

import Columnar

public enum Cast {
    /// A kernel converting one vector of `from` into `to`, or nil when PostgreSQL
    /// has no such cast (42846). `explicit` is true for CAST/::; it only changes
    /// length coercion (explicit casts to varchar(n)/char(n) truncate, others raise
    /// 22001). Whether a cast may be applied implicitly is Coercion's business.
    public static func kernel(from: DataType, to: DataType, explicit: Bool) -> ScalarKernel? {
        if from == to { return { args, _, _ in args[0] } }
        guard let rowKernel = vectorKernel(from: from, to: to, explicit: explicit) else { return nil }
        // A constant input (a literal) is converted once, not once per row.
        return { args, n, ctx in
            guard let v = args.first else { return Vector.nulls(type: to, count: n) }
            if case .constant(let c) = v.storage {
                if c.isNull { return Vector.nulls(type: to, count: n) }
                let one = try rowKernel([Vector.constant(c, type: from, count: 1)], 1, ctx)
                return Vector.constant(one.value(at: 0), type: to, count: n)
            }
            return try rowKernel(args, n, ctx)
        }
    }

    static func vectorKernel(from: DataType, to: DataType, explicit: Bool) -> ScalarKernel? {
        if from == .null { return { _, n, _ in Vector.nulls(type: to, count: n) } }
        if to == .null { return nil }

        // Anything → string types.
        switch to {
        case .text, .varchar, .char:
            if from.isString || from == .json { return stringToString(from: from, to: to, explicit: explicit) }
            return formatKernel(from: from, to: to, explicit: explicit)
        case .json:
            guard from.isString else { return nil }
            return { args, n, _ in
                let v = args[0], col = Kernels.strings(v)
                let validity = Kernels.combinedValidity([v], count: n)
                for i in 0..<n where validity?[i] ?? true {
                    guard Kernels.withBytes(col, i, { ValueText.isValidJSON($0) }) else {
                        throw SQLError(SQLState.invalidTextRepresentation, "invalid input syntax for type json")
                    }
                }
                return Vector(type: to, count: n, storage: v.storage, validity: v.validity)
            }
        default: break
        }
        // String types → anything (the target's input function).
        if from.isString { return parseKernel(to: to) }
        if from == .json { return nil }

        switch (from, to) {
        case (.int16, _), (.int32, _), (.int64, _):
            return fromInteger(from: from, to: to)
        case (.oid, _):
            return fromOID(to: to)
        case (.float32, _), (.float64, _):
            return fromFloat(from: from, to: to)
        case (.decimal(_, let s), _):
            return fromDecimal(scale: s, to: to)
        case (.boolean, .int32):
            return { args, n, _ in
                let v = args[0], b = Kernels.bools(v)
                return Kernels.buildInt64(count: n, type: .int32, validity: Kernels.combinedValidity([v], count: n)) { b[$0] ? 1 : 0 }
            }
        case (.date, _), (.timestamp, _), (.timestamptz, _), (.time, _), (.interval, _):
            return fromDatetime(from: from, to: to)
        case (.array(let fe), .array(let te)):
            guard let inner = kernel(from: fe, to: te, explicit: explicit) else { return nil }
            return { args, n, ctx in
                let v = args[0].materialized()
                guard case .list(let offsets, let child) = v.storage else { return Vector.nulls(type: to, count: n) }
                let castChild = try inner([child], child.count, ctx)
                return Vector(type: to, count: n, storage: .list(offsets: offsets, child: castChild), validity: v.validity)
            }
        default:
            return nil
        }
    }

    static func relabel(_ to: DataType) -> ScalarKernel {
        { args, n, _ in
            let v = args[0]
            return Vector(type: to, count: n, storage: v.storage, validity: v.validity)
        }
    }

    static func outOfRange(_ t: DataType) -> SQLError {
        SQLError(SQLState.numericValueOutOfRange, "\(t == .int16 ? "smallint" : (t == .int32 ? "integer" : "bigint")) out of range")
    }

    // MARK: Integers

    static func fromInteger(from: DataType, to: DataType) -> ScalarKernel? {
        switch to {
        case .int16, .int32, .int64:
            guard let range = to.integerRange else { return nil }
            if let fr = from.integerRange, range.contains(fr.lowerBound) && range.contains(fr.upperBound) { return relabel(to) }
            return { args, n, _ in
                let v = args[0], xs = Kernels.int64s(v)
                return try xs.withUnsafeBufferPointer { x in
                    try Kernels.buildInt64(count: n, type: to, validity: Kernels.combinedValidity([v], count: n)) { i in
                        guard range.contains(x[i]) else { throw outOfRange(to) }
                        return x[i]
                    }
                }
            }
        case .float32, .float64:
            let single = to == .float32
            return { args, n, _ in
                let v = args[0], xs = Kernels.int64s(v)
                return xs.withUnsafeBufferPointer { x in
                    Kernels.buildDouble(count: n, type: to, validity: Kernels.combinedValidity([v], count: n)) { i in
                        single ? Double(Float(x[i])) : Double(x[i])
                    }
                }
            }
        case .decimal(let p, let s):
            let factor = ValueText.pow10[max(0, min(s, 38))]
            let limit = ValueText.pow10[max(0, min(p, 38))]
            // Below scale 19 the factor is under 2^63, so an Int64 times it cannot overflow
            // Int128 and only the precision limit needs a check per row.
            let wideEnough = s <= 18
            return { args, n, _ in
                let v = args[0], xs = Kernels.int64s(v)
                return try xs.withUnsafeBufferPointer { x in
                    try Kernels.buildInt128(count: n, type: to, validity: Kernels.combinedValidity([v], count: n)) { i in
                        if wideEnough {
                            let r = Int128(x[i]) &* factor
                            guard r.magnitude < limit.magnitude else { throw ValueText.numericOverflow(precision: p, scale: s) }
                            return r
                        }
                        let r = Int128(x[i]).multipliedReportingOverflow(by: factor)
                        guard !r.overflow, r.partialValue.magnitude < limit.magnitude else { throw ValueText.numericOverflow(precision: p, scale: s) }
                        return r.partialValue
                    }
                }
            }
        case .boolean:
            guard from == .int32 else { return nil }
            return { args, n, _ in
                let v = args[0], xs = Kernels.int64s(v)
                return Kernels.buildBool(count: n, validity: Kernels.combinedValidity([v], count: n)) { xs[$0] != 0 }
            }
        case .oid:
            // PostgreSQL: int2/int4 → oid keeps the 32 bits (-1 is 4294967295); int8 → oid must fit 0 … 2³²−1.
            let wraps = from != .int64
            return { args, n, _ in
                let v = args[0], xs = Kernels.int64s(v)
                return try xs.withUnsafeBufferPointer { x in
                    try Kernels.buildInt64(count: n, type: .oid, validity: Kernels.combinedValidity([v], count: n)) { i in
                        if wraps { return x[i] < 0 ? x[i] + (1 << 32) : x[i] }
                        guard x[i] >= 0 && x[i] <= Int64(UInt32.max) else {
                            throw SQLError(SQLState.numericValueOutOfRange, "OID out of range")
                        }
                        return x[i]
                    }
                }
            }
        default:
            return nil
        }
    }

    /// oid → int8 is the unsigned value; oid → int4 reinterprets the 32 bits (4294967295 is -1), as in
    /// PostgreSQL. No other numeric type casts from oid (42846).
    static func fromOID(to: DataType) -> ScalarKernel? {
        switch to {
        case .int64: return relabel(to)
        case .int32:
            return { args, n, _ in
                let v = args[0], xs = Kernels.int64s(v)
                return xs.withUnsafeBufferPointer { x in
                    Kernels.buildInt64(count: n, type: .int32, validity: Kernels.combinedValidity([v], count: n)) { i in
                        Int64(Int32(truncatingIfNeeded: x[i]))
                    }
                }
            }
        default: return nil
        }
    }

    // MARK: Floats

    static func fromFloat(from: DataType, to: DataType) -> ScalarKernel? {
        switch to {
        case .int16, .int32, .int64:
            guard let range = to.integerRange else { return nil }
            let lo = Double(range.lowerBound), hi = to == .int64 ? 9223372036854775808.0 : Double(range.upperBound) + 1
            return { args, n, _ in
                let v = args[0], xs = Kernels.doubles(v)
                return try xs.withUnsafeBufferPointer { x in
                    try Kernels.buildInt64(count: n, type: to, validity: Kernels.combinedValidity([v], count: n)) { i in
                        let r = x[i].rounded(.toNearestOrEven)
                        guard r >= lo && r < hi else { throw outOfRange(to) }
                        return Int64(r)
                    }
                }
            }
        case .float32:
            return { args, n, _ in
                let v = args[0], xs = Kernels.doubles(v)
                return try xs.withUnsafeBufferPointer { x in
                    try Kernels.buildDouble(count: n, type: to, validity: Kernels.combinedValidity([v], count: n)) { i in
                        try toFloat32(x[i])
                    }
                }
            }
        case .float64:
            return relabel(to)
        case .decimal(let p, let s):
            let sig = from == .float32 ? 6 : 15
            return { args, n, _ in
                let v = args[0], xs = Kernels.doubles(v)
                return try xs.withUnsafeBufferPointer { x in
                    try Kernels.buildInt128(count: n, type: to, validity: Kernels.combinedValidity([v], count: n)) { i in
                        try decimalFromDouble(x[i], significantDigits: sig, precision: p, scale: s)
                    }
                }
            }
        default:
            return nil
        }
    }

    /// float8 → float4 with PostgreSQL's overflow/underflow errors.
    @inline(__always)
    public static func toFloat32(_ d: Double) throws -> Double {
        let f = Float(d)
        if f.isInfinite && !d.isInfinite { throw SQLError(SQLState.numericValueOutOfRange, "value out of range: overflow") }
        if f == 0 && d != 0 { throw SQLError(SQLState.numericValueOutOfRange, "value out of range: underflow") }
        return Double(f)
    }

    /// float → numeric the way PostgreSQL does it: through the value's text with
    /// DBL_DIG (15) or FLT_DIG (6) significant digits, then rounded to the scale.
    public static func decimalFromDouble(_ d: Double, significantDigits: Int, precision: Int, scale: Int) throws -> Int128 {
        if d.isNaN { throw SQLError(SQLState.featureNotSupported, "cannot convert NaN to numeric") }
        if d.isInfinite { throw SQLError(SQLState.numericValueOutOfRange, "cannot convert infinity to numeric") }
        if d == 0 { return 0 }
        // Shortest round-trip digits, then rounded to `significantDigits`.
        let text = significantDigits == 6 ? Float(d).description : d.magnitude.description
        var digits: [UInt8] = []
        var pointPos = 0, sawPoint = false, exp = 0
        var expText = Substring("")
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            expText = text[text.index(after: e)...]
        }
        for c in text.utf8 {
            if c == UInt8(ascii: "e") || c == UInt8(ascii: "E") { break }
            if c == UInt8(ascii: ".") { sawPoint = true; continue }
            guard c >= 48 && c <= 57 else { continue }
            if digits.isEmpty && c == 48 { if sawPoint { pointPos -= 1 }; continue }
            digits.append(c - 48)
            if !sawPoint { pointPos += 1 }
        }
        exp = Int(expText) ?? 0
        pointPos += exp
        if digits.count > significantDigits {
            let roundUp = digits[significantDigits] >= 5
            digits = Array(digits[0..<significantDigits])
            if roundUp {
                var k = digits.count - 1
                while k >= 0 {
                    if digits[k] == 9 { digits[k] = 0; k -= 1 } else { digits[k] += 1; break }
                }
                if k < 0 { digits.insert(1, at: 0); digits.removeLast(); pointPos += 1 }
            }
        }
        return try ValueText.decimalFromDigits(digits, pointPos: pointPos, negative: d < 0, precision: precision, scale: scale)
    }

    // MARK: Decimals

    /// a / d rounded half away from zero.
    @inline(__always)
    public static func roundingDivide(_ a: Int128, _ d: Int128) -> Int128 {
        let q = a / d, r = (a % d).magnitude
        if r >= d.magnitude - r { return a < 0 ? q - 1 : q + 1 }
        return q
    }

    /// Rescales a mantissa from scale `from` to scale `to` (rounding half away from zero); nil on overflow.
    @inline(__always)
    public static func rescale(_ m: Int128, from: Int, to: Int) -> Int128? {
        if to == from { return m }
        if to > from {
            let diff = to - from
            guard diff <= 38 else { return m == 0 ? 0 : nil }
            let r = m.multipliedReportingOverflow(by: ValueText.pow10[diff])
            return r.overflow ? nil : r.partialValue
        }
        let diff = from - to
        if diff > 38 { return 0 }
        return roundingDivide(m, ValueText.pow10[diff])
    }

    /// numeric → float8, correctly rounded.
    @inline(__always)
    public static func doubleFromDecimal(_ m: Int128, scale: Int) -> Double {
        if m.magnitude < (1 << 53) && scale >= 0 && scale <= 22 {
            return Double(m) / pow10Double[scale]
        }
        return Double(ValueText.formatDecimal(m, scale: scale)) ?? 0
    }

    static let pow10Double: [Double] = (0...22).map { k in var x = 1.0; for _ in 0..<k { x *= 10 }; return x }

    static func fromDecimal(scale: Int, to: DataType) -> ScalarKernel? {
        switch to {
        case .int16, .int32, .int64:
            guard let range = to.integerRange else { return nil }
            return { args, n, _ in
                let v = args[0], xs = Kernels.int128s(v)
                // Mantissas within 2^62 (every row, NULLs included) round in Int64: no 128-bit division.
                if scale >= 0, scale <= 18, xs.count >= n,
                   DecimalKernels.magnitudeBits(v, xs, count: n) <= 62 {
                    let d = Int64(ValueText.pow10[scale])
                    return try xs.withUnsafeBufferPointer { x in
                        try Kernels.buildInt64(count: n, type: to, validity: Kernels.combinedValidity([v], count: n)) { i in
                            let m = Int64(truncatingIfNeeded: x[i])
                            var q = m / d
                            let r = (m % d).magnitude
                            if r >= d.magnitude - r { q += m < 0 ? -1 : 1 }
                            guard range.contains(q) else { throw outOfRange(to) }
                            return q
                        }
                    }
                }
                return try xs.withUnsafeBufferPointer { x in
                    try Kernels.buildInt64(count: n, type: to, validity: Kernels.combinedValidity([v], count: n)) { i in
                        guard let r = rescale(x[i], from: scale, to: 0), r >= Int128(range.lowerBound), r <= Int128(range.upperBound) else {
                            throw outOfRange(to)
                        }
                        return Int64(r)
                    }
                }
            }
        case .float32, .float64:
            let single = to == .float32
            return { args, n, _ in
                let v = args[0], xs = Kernels.int128s(v)
                // Mantissas below 2^53 convert exactly from Int64 (one instruction, no Int128 → Double call).
                let narrow = scale >= 0 && scale <= 22 && xs.count >= n &&
                    DecimalKernels.magnitudeBits(v, xs, count: n) <= 52
                let divisor = narrow ? pow10Double[scale] : 1
                return try xs.withUnsafeBufferPointer { x in
                    try Kernels.buildDouble(count: n, type: to, validity: Kernels.combinedValidity([v], count: n)) { i in
                        let d = narrow ? Double(Int64(truncatingIfNeeded: x[i])) / divisor : doubleFromDecimal(x[i], scale: scale)
                        return single ? try toFloat32(d) : d
                    }
                }
            }
        case .decimal(let p, let s):
            let limit = ValueText.pow10[max(0, min(p, 38))]
            return { args, n, _ in
                let v = args[0], xs = Kernels.int128s(v)
                return try xs.withUnsafeBufferPointer { x in
                    try Kernels.buildInt128(count: n, type: to, validity: Kernels.combinedValidity([v], count: n)) { i in
                        guard let r = rescale(x[i], from: scale, to: s), r.magnitude < limit.magnitude else {
                            throw ValueText.numericOverflow(precision: p, scale: s)
                        }
                        return r
                    }
                }
            }
        default:
            return nil
        }
    }

    // MARK: Datetimes

    static func fromDatetime(from: DataType, to: DataType) -> ScalarKernel? {
        let day = Calendar.microsPerDay
        func int64Map(_ f: @escaping (Int64, Int64) throws -> Int64) -> ScalarKernel {
            { args, n, ctx in
                let v = args[0], xs = Kernels.int64s(v)
                let off = Int64(ctx.timeZoneOffsetSeconds) * Calendar.microsPerSecond
                return try xs.withUnsafeBufferPointer { x in
                    try Kernels.buildInt64(count: n, type: to, validity: Kernels.combinedValidity([v], count: n)) { i in try f(x[i], off) }
                }
            }
        }
        func infinite(_ x: Int64) -> Bool { x == Int64.max || x == Int64.min }
        func dateToMicros(_ d: Int64) throws -> Int64 {
            if infinite(d) { return d }
            let r = d.multipliedReportingOverflow(by: day)
            guard !r.overflow else { throw SQLError(SQLState.datetimeFieldOverflow, "date out of range for timestamp") }
            return r.partialValue
        }
        func floorDiv(_ a: Int64, _ b: Int64) -> Int64 { let q = a / b; return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q }
        switch (from, to) {
        case (.date, .timestamp): return int64Map { d, _ in try dateToMicros(d) }
        case (.date, .timestamptz): return int64Map { d, off in infinite(d) ? d : try dateToMicros(d) &- off }
        case (.timestamp, .date): return int64Map { t, _ in infinite(t) ? t : floorDiv(t, day) }
        case (.timestamptz, .date): return int64Map { t, off in infinite(t) ? t : floorDiv(t &+ off, day) }
        case (.timestamp, .timestamptz): return int64Map { t, off in infinite(t) ? t : t &- off }
        case (.timestamptz, .timestamp): return int64Map { t, off in infinite(t) ? t : t &+ off }
        case (.timestamp, .time): return int64Map { t, _ in Calendar.split(micros: t).timeOfDay }
        case (.timestamptz, .time): return int64Map { t, off in Calendar.split(micros: t &+ off).timeOfDay }
        case (.time, .interval):
            return { args, n, _ in
                let v = args[0], xs = Kernels.int64s(v)
                return Kernels.buildInterval(count: n, validity: Kernels.combinedValidity([v], count: n)) { Interval(micros: xs[$0]) }
            }
        case (.interval, .time):
            return { args, n, _ in
                let v = args[0], xs = Kernels.intervals(v)
                return Kernels.buildInt64(count: n, type: .time, validity: Kernels.combinedValidity([v], count: n)) { i in
                    var t = xs[i].micros % day
                    if t < 0 { t += day }
                    return t
                }
            }
        default:
            return nil
        }
    }

    // MARK: Text

    static func stringToString(from: DataType, to: DataType, explicit: Bool) -> ScalarKernel {
        let trimFrom: Bool = { if case .char = from { return true }; return false }()
        if !trimFrom && (to == .text || to == .varchar(nil)) { return relabel(to) }
        return { args, n, _ in
            let v = args[0]
            let validity = Kernels.combinedValidity([v], count: n)
            let col = Kernels.strings(v)
            return try col.bytes.withUnsafeBufferPointer { bytes in
                try Kernels.buildStrings(count: n, type: to, validity: validity) { i, out in
                    let r = col.range(i)
                    var row = UnsafeBufferPointer(rebasing: bytes[r])
                    if trimFrom {
                        var e = row.count
                        while e > 0 && row[e - 1] == 32 { e -= 1 }
                        row = UnsafeBufferPointer(rebasing: row[0..<e])
                    }
                    try appendFitted(row, to: to, explicit: explicit, into: &out)
                }
            }
        }
    }

    /// Appends `row` coerced to the length rules of `to` (varchar(n) / char(n)).
    static func appendFitted(_ row: UnsafeBufferPointer<UInt8>, to: DataType, explicit: Bool, into out: inout ContiguousArray<UInt8>) throws {
        switch to {
        case .varchar(let limit?):
            if row.count <= limit { out.append(contentsOf: row); return }
            let s = try ValueText.fitVarchar(String(decoding: row, as: UTF8.self), length: limit, explicit: explicit)
            out.append(contentsOf: s.utf8)
        case .char(let limit):
            let chars = ValueText.characterCount(row)
            if chars == limit { out.append(contentsOf: row); return }
            if chars < limit {
                out.append(contentsOf: row)
                out.append(contentsOf: repeatElement(32, count: limit - chars))
                return
            }
            let s = try ValueText.fitChar(String(decoding: row, as: UTF8.self), length: limit, explicit: explicit)
            out.append(contentsOf: s.utf8)
        default:
            out.append(contentsOf: row)
        }
    }

    static func formatKernel(from: DataType, to: DataType, explicit: Bool) -> ScalarKernel {
        { args, n, ctx in
            let v = args[0]
            let validity = Kernels.combinedValidity([v], count: n)
            let options = ctx.textOptions
            switch from {
            case .int16, .int32, .int64, .oid:
                let xs = Kernels.int64s(v)
                return try Kernels.buildStrings(count: n, type: to, validity: validity) { i, out in
                    if case .text = to { Kernels.appendDecimalDigits(xs[i], to: &out); return }
                    var tmp = ContiguousArray<UInt8>()
                    Kernels.appendDecimalDigits(xs[i], to: &tmp)
                    try tmp.withUnsafeBufferPointer { try appendFitted($0, to: to, explicit: explicit, into: &out) }
                }
            case .boolean:
                let bs = Kernels.bools(v)
                return try Kernels.buildStrings(count: n, type: to, validity: validity) { i, out in
                    let s: StaticString = bs[i] ? "true" : "false"
                    try appendFitted(UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount), to: to, explicit: explicit, into: &out)
                }
            case .float32, .float64:
                let xs = Kernels.doubles(v), single = from == .float32
                return try Kernels.buildStrings(count: n, type: to, validity: validity) { i, out in
                    var s = ValueText.formatDouble(xs[i], float32: single)
                    try s.withUTF8 { try appendFitted($0, to: to, explicit: explicit, into: &out) }
                }
            case .decimal(_, let scale):
                let xs = Kernels.int128s(v)
                return try Kernels.buildStrings(count: n, type: to, validity: validity) { i, out in
                    var s = ValueText.formatDecimal(xs[i], scale: scale)
                    try s.withUTF8 { try appendFitted($0, to: to, explicit: explicit, into: &out) }
                }
            case .date, .time, .timestamp, .timestamptz:
                let xs = Kernels.int64s(v)
                return try Kernels.buildStrings(count: n, type: to, validity: validity) { i, out in
                    var s: String
                    switch from {
                    case .date: s = ValueText.formatDate(days: xs[i])
                    case .time: s = ValueText.formatTime(micros: xs[i])
                    case .timestamp: s = ValueText.formatTimestamp(micros: xs[i])
                    default: s = ValueText.formatTimestampTZ(micros: xs[i], offsetSeconds: options.timeZoneOffsetSeconds)
                    }
                    try s.withUTF8 { try appendFitted($0, to: to, explicit: explicit, into: &out) }
                }
            default:
                return try Kernels.buildStrings(count: n, type: to, validity: validity) { i, out in
                    var s = ValueText.format(v.value(at: i), type: from, options: options)
                    try s.withUTF8 { try appendFitted($0, to: to, explicit: explicit, into: &out) }
                }
            }
        }
    }

    static func parseKernel(to: DataType) -> ScalarKernel? {
        switch to {
        case .oid:
            return { args, n, _ in
                let v = args[0], col = Kernels.strings(v)
                return try Kernels.buildInt64(count: n, type: to, validity: Kernels.combinedValidity([v], count: n)) { i in
                    try Kernels.withBytes(col, i) { try ValueText.parseOID($0) }
                }
            }
        case .int16, .int32, .int64:
            return { args, n, _ in
                let v = args[0], col = Kernels.strings(v)
                return try Kernels.buildInt64(count: n, type: to, validity: Kernels.combinedValidity([v], count: n)) { i in
                    try Kernels.withBytes(col, i) { try ValueText.parseInteger($0, type: to) }
                }
            }
        case .float32, .float64:
            return { args, n, _ in
                let v = args[0], col = Kernels.strings(v)
                return try Kernels.buildDouble(count: n, type: to, validity: Kernels.combinedValidity([v], count: n)) { i in
                    try Kernels.withBytes(col, i) { try ValueText.parseDouble($0, type: to) }
                }
            }
        case .decimal(let p, let s):
            return { args, n, _ in
                let v = args[0], col = Kernels.strings(v)
                return try Kernels.buildInt128(count: n, type: to, validity: Kernels.combinedValidity([v], count: n)) { i in
                    try Kernels.withBytes(col, i) { try ValueText.parseDecimal($0, precision: p, scale: s) }
                }
            }
        case .boolean:
            return { args, n, _ in
                let v = args[0], col = Kernels.strings(v)
                return try Kernels.buildBool(count: n, validity: Kernels.combinedValidity([v], count: n)) { i in
                    try Kernels.withBytes(col, i) { try ValueText.parseBool($0) }
                }
            }
        case .date, .time, .timestamp, .timestamptz:
            return { args, n, ctx in
                let v = args[0], col = Kernels.strings(v)
                let off = ctx.timeZoneOffsetSeconds
                return try Kernels.buildInt64(count: n, type: to, validity: Kernels.combinedValidity([v], count: n)) { i in
                    let s = col.string(at: i)
                    let now = ctx.statementTimestamp
                    switch to {
                    case .date: return try ValueText.parseDate(s, now: now, sessionOffset: off)
                    case .time: return try ValueText.parseTime(s)
                    case .timestamp: return try ValueText.parseTimestamp(s, withZone: false, sessionOffset: off, now: now)
                    default: return try ValueText.parseTimestamp(s, withZone: true, sessionOffset: off, now: now)
                    }
                }
            }
        case .interval:
            return { args, n, _ in
                let v = args[0], col = Kernels.strings(v)
                return try Kernels.buildInterval(count: n, validity: Kernels.combinedValidity([v], count: n)) { i in
                    try ValueText.parseInterval(col.string(at: i))
                }
            }
        case .uuid, .bytea:
            return { args, n, _ in
                let v = args[0], col = Kernels.strings(v)
                return try Kernels.buildStrings(count: n, type: to, validity: Kernels.combinedValidity([v], count: n)) { i, out in
                    let s = col.string(at: i)
                    out.append(contentsOf: to == .uuid ? try ValueText.parseUUID(s) : try ValueText.parseBytea(s))
                }
            }
        case .array:
            return { args, n, ctx in
                let v = args[0]
                var b = VectorBuilder(type: to, capacity: n)
                for i in 0..<n {
                    if v.isNull(i) { b.appendNull(); continue }
                    guard case .string(let s) = v.value(at: i) else { b.appendNull(); continue }
                    b.append(try ValueText.parse(s, as: to, options: ctx.textOptions))
                }
                return b.finish()
            }
        default:
            return nil
        }
    }
}
