// Miscellaneous built-ins (version, pg_typeof, gen_random_uuid, current_setting,
// one-dimensional array helpers: cardinality, array_length/upper/lower,
// array_to_string) and the
// small toolkit the named-function families share: overload resolution in
// the spirit of PostgreSQL's func_select_candidate (most exact matches, then
// most conversions to the category's preferred type, then the cheapest
// implicit widening), generic typed map kernels, decimal mantissa helpers and
// a process-wide random generator (xoshiro256** seeded from the system RNG,
// reseedable by setseed()).

import Foundation
import Columnar

// MARK: - Overload resolution

/// A parameter of one overload of a named function.
enum Param: Equatable {
    case exact(DataType)
    /// Any numeric(p, s): the argument keeps its own precision and scale; integers become numeric(38, 0).
    case numeric
    /// Any text-like argument (text/varchar/char or an unknown literal), passed as `text`.
    static let text = Param.exact(.text)
}

enum Overloads {
    private static func numericRank(_ t: DataType) -> Int? {
        switch t {
        case .int16: return 0
        case .int32: return 1
        case .int64: return 2
        case .decimal: return 3
        case .float32: return 4
        case .float64: return 5
        default: return nil
        }
    }

    /// The type an argument becomes for parameter `p` and the cost of getting there
    /// (0 = exact), or nil when PostgreSQL has no implicit conversion.
    static func convert(_ from: DataType, unknown: Bool, to p: Param) -> (type: DataType, cost: Int)? {
        switch p {
        case .numeric:
            if case .decimal = from { return (from, 0) }
            if from == .null { return (.decimal(precision: 38, scale: 0), 1) }
            if unknown { return (.decimal(precision: 38, scale: 6), 1) }
            if from.isInteger, let r = numericRank(from) { return (.decimal(precision: 38, scale: 0), 3 - r) }
            return nil
        case .exact(let t):
            if from == t { return (t, 0) }
            if from == .null { return (t, 1) }
            if unknown { return (t, t == .text ? 0 : 1) }
            if let a = numericRank(from), let b = numericRank(t), a < b { return (t, b - a) }
            switch (from, t) {
            case (.varchar, .text), (.char, .text): return (t, 1)
            case (.date, .timestamp), (.timestamp, .timestamptz): return (t, 1)
            case (.date, .timestamptz): return (t, 2)
            case (.float32, .float64): return (t, 1)
            case (.int16, .oid), (.int32, .oid), (.int64, .oid): return (t, 1)
            default: return nil
            }
        }
    }

    private static func isPreferred(_ t: DataType) -> Bool { t == .float64 || t == .text || t == .timestamptz }

    /// Index of the best candidate for these arguments and the argument types to cast to.
    static func best(_ args: [DataType], _ unknown: [Bool], _ candidates: [[Param]]) -> (index: Int, types: [DataType])? {
        var bestIndex = -1
        var bestTypes: [DataType] = []
        var bestScore = (exact: -1, preferred: -1, cost: Int.max)
        for (ci, params) in candidates.enumerated() where params.count == args.count {
            var types: [DataType] = []
            var exact = 0, preferred = 0, cost = 0
            var ok = true
            for (i, p) in params.enumerated() {
                let isUnknown = i < unknown.count && unknown[i]
                guard let c = convert(args[i], unknown: isUnknown, to: p) else { ok = false; break }
                types.append(c.type)
                if c.cost == 0 { exact += 1 } else if isPreferred(c.type) { preferred += 1 }
                cost += c.cost
            }
            guard ok else { continue }
            let better = exact > bestScore.exact
                || (exact == bestScore.exact && preferred > bestScore.preferred)
                || (exact == bestScore.exact && preferred == bestScore.preferred && cost < bestScore.cost)
            if better { bestIndex = ci; bestTypes = types; bestScore = (exact, preferred, cost) }
        }
        return bestIndex >= 0 ? (bestIndex, bestTypes) : nil
    }

}

/// The overloads of a family's functions, collected before installation so that
/// several overload lists for one name (log(x) and log(b, x)) resolve together.
final class OverloadTable {
    typealias Make = (_ index: Int, _ types: [DataType]) throws -> ScalarResolution?
    private var entries: [String: [(params: [Param], index: Int, make: Make)]] = [:]
    private var order: [String] = []
    private var plain: [ScalarFunction] = []

    func register(_ names: [String], _ candidates: [[Param]], _ make: @escaping Make) {
        for name in names {
            if entries[name] == nil { order.append(name); entries[name] = [] }
            for (i, p) in candidates.enumerated() { entries[name]?.append((p, i, make)) }
        }
    }

    /// A function with its own resolution logic (variadic, no arguments …).
    func register(_ f: ScalarFunction) { plain.append(f) }

    func install(into registry: FunctionRegistry) {
        for f in plain { registry.register(f) }
        for name in order {
            let list = entries[name] ?? []
            let candidates = list.map { $0.params }
            registry.register(ScalarFunction(name: name) { args, unknown in
                guard let (i, types) = Overloads.best(args, unknown, candidates) else { return nil }
                return try list[i].make(list[i].index, types)
            })
        }
    }
}

// MARK: - Typed map kernels

/// A fixed-width element type kernels read and write directly.
protocol KernelElement {
    static var zero: Self { get }
    static func column(_ v: Vector) -> ContiguousArray<Self>
    static func storage(_ a: ContiguousArray<Self>) -> VectorStorage
}
extension Int64: KernelElement {
    static var zero: Int64 { 0 }
    static func column(_ v: Vector) -> ContiguousArray<Int64> { Kernels.int64s(v) }
    static func storage(_ a: ContiguousArray<Int64>) -> VectorStorage { .int64(a) }
}
extension Double: KernelElement {
    static var zero: Double { 0 }
    static func column(_ v: Vector) -> ContiguousArray<Double> { Kernels.doubles(v) }
    static func storage(_ a: ContiguousArray<Double>) -> VectorStorage { .float64(a) }
}
extension Int128: KernelElement {
    static var zero: Int128 { 0 }
    static func column(_ v: Vector) -> ContiguousArray<Int128> { Kernels.int128s(v) }
    static func storage(_ a: ContiguousArray<Int128>) -> VectorStorage { .int128(a) }
}
extension Bool: KernelElement {
    static var zero: Bool { false }
    static func column(_ v: Vector) -> ContiguousArray<Bool> { Kernels.bools(v) }
    static func storage(_ a: ContiguousArray<Bool>) -> VectorStorage { .bool(a) }
}
extension Interval: KernelElement {
    static var zero: Interval { Interval() }
    static func column(_ v: Vector) -> ContiguousArray<Interval> { Kernels.intervals(v) }
    static func storage(_ a: ContiguousArray<Interval>) -> VectorStorage { .interval(a) }
}

enum Map {
    /// `f` over every row where `a` is non-NULL; NULL in, NULL out.
    static func unary<A: KernelElement, R: KernelElement>(_ a: Vector, _ type: DataType, _ f: (A) throws -> R) rethrows -> Vector {
        let n = a.count
        let validity = Kernels.combinedValidity([a], count: n)
        let xs = A.column(a)
        var out = ContiguousArray<R>(repeating: R.zero, count: n)
        try xs.withUnsafeBufferPointer { x in
            try out.withUnsafeMutableBufferPointer { o in
                if let validity { for i in 0..<n where validity[i] { o[i] = try f(x[i]) } }
                else { for i in 0..<n { o[i] = try f(x[i]) } }
            }
        }
        return Vector(type: type, count: n, storage: R.storage(out), validity: validity)
    }

    static func binary<A: KernelElement, B: KernelElement, R: KernelElement>(_ a: Vector, _ b: Vector, _ type: DataType,
                                                                              _ f: (A, B) throws -> R) rethrows -> Vector {
        let n = a.count
        let validity = Kernels.combinedValidity([a, b], count: n)
        let xs = A.column(a), ys = B.column(b)
        var out = ContiguousArray<R>(repeating: R.zero, count: n)
        try xs.withUnsafeBufferPointer { x in
            try ys.withUnsafeBufferPointer { y in
                try out.withUnsafeMutableBufferPointer { o in
                    if let validity { for i in 0..<n where validity[i] { o[i] = try f(x[i], y[i]) } }
                    else { for i in 0..<n { o[i] = try f(x[i], y[i]) } }
                }
            }
        }
        return Vector(type: type, count: n, storage: R.storage(out), validity: validity)
    }

    /// Row-wise over any arguments: `f(row)` returns the value or nil for NULL. Rows with a NULL argument are skipped.
    static func rows<R: KernelElement>(_ args: [Vector], count n: Int, _ type: DataType, strict: Bool = true,
                                       _ f: (Int) throws -> R?) rethrows -> Vector {
        var validity = strict ? (Kernels.combinedValidity(args, count: n) ?? ContiguousArray(repeating: true, count: n))
                              : ContiguousArray(repeating: true, count: n)
        var out = ContiguousArray<R>(repeating: R.zero, count: n)
        for i in 0..<n where validity[i] {
            if let r = try f(i) { out[i] = r } else { validity[i] = false }
        }
        return Vector(type: type, count: n, storage: R.storage(out), validity: validity)
    }

    /// Row-wise string output: `f(row, &out)` appends the row's bytes and returns false for NULL.
    /// `strings` are the string-typed arguments whose bytes `f` receives; `all` decides NULL propagation.
    static func toString(_ strings: [Vector], all: [Vector], count n: Int, _ type: DataType, strict: Bool = true,
                         _ f: (_ row: Int, _ inputs: [UnsafeBufferPointer<UInt8>], _ out: inout ContiguousArray<UInt8>) throws -> Bool) rethrows -> Vector {
        var validity = strict ? (Kernels.combinedValidity(all, count: n) ?? ContiguousArray(repeating: true, count: n))
                              : ContiguousArray(repeating: true, count: n)
        let cols = strings.map { Kernels.strings($0) }
        var bytes = ContiguousArray<UInt8>()
        // Most such functions give at most their first argument's bytes (substring, trim, case):
        // room for those up front, instead of growing the buffer batch after batch.
        if let first = cols.first, first.count >= n { bytes.reserveCapacity(Int(first.offsets[n] - first.offsets[0])) }
        var offsets = ContiguousArray<Int32>(); offsets.reserveCapacity(n + 1); offsets.append(0)
        var inputs = [UnsafeBufferPointer<UInt8>](repeating: UnsafeBufferPointer(start: nil, count: 0), count: cols.count)
        try withColumnPointers(cols) { ptrs, starts in
            for i in 0..<n {
                if validity[i] {
                    for k in 0..<cols.count {
                        inputs[k] = UnsafeBufferPointer(rebasing: ptrs[k][Int(starts[k][i])..<Int(starts[k][i + 1])])
                    }
                    let mark = bytes.count
                    if try !f(i, inputs, &bytes) { bytes.removeSubrange(mark...); validity[i] = false }
                }
                offsets.append(Int32(truncatingIfNeeded: bytes.count))
            }
        }
        return Vector(type: type, count: n, storage: .string(StringColumn(offsets: offsets, bytes: bytes)), validity: validity)
    }

    /// Row-wise fixed-width output from string arguments (`f` returns nil for NULL).
    static func fromString<R: KernelElement>(_ strings: [Vector], all: [Vector], count n: Int, _ type: DataType,
                                             _ f: (_ row: Int, _ inputs: [UnsafeBufferPointer<UInt8>]) throws -> R?) rethrows -> Vector {
        var validity = Kernels.combinedValidity(all, count: n) ?? ContiguousArray(repeating: true, count: n)
        let cols = strings.map { Kernels.strings($0) }
        var out = ContiguousArray<R>(repeating: R.zero, count: n)
        var inputs = [UnsafeBufferPointer<UInt8>](repeating: UnsafeBufferPointer(start: nil, count: 0), count: cols.count)
        try withColumnPointers(cols) { ptrs, starts in
            for i in 0..<n where validity[i] {
                for k in 0..<cols.count { inputs[k] = UnsafeBufferPointer(rebasing: ptrs[k][Int(starts[k][i])..<Int(starts[k][i + 1])]) }
                if let r = try f(i, inputs) { out[i] = r } else { validity[i] = false }
            }
        }
        return Vector(type: type, count: n, storage: R.storage(out), validity: validity)
    }

    /// Exposes every column's bytes and offsets at once (nested withUnsafeBufferPointer calls), so
    /// the per-row loops read them through pointers rather than copying a column per row.
    private static func withColumnPointers(_ cols: [StringColumn],
                                           _ body: ([UnsafeBufferPointer<UInt8>], [UnsafeBufferPointer<Int32>]) throws -> Void) rethrows {
        func go(_ k: Int, _ acc: inout [UnsafeBufferPointer<UInt8>], _ starts: inout [UnsafeBufferPointer<Int32>]) throws {
            if k == cols.count { try body(acc, starts); return }
            try cols[k].bytes.withUnsafeBufferPointer { p in
                try cols[k].offsets.withUnsafeBufferPointer { o in
                    acc.append(p)
                    starts.append(o)
                    try go(k + 1, &acc, &starts)
                }
            }
        }
        var acc: [UnsafeBufferPointer<UInt8>] = [], starts: [UnsafeBufferPointer<Int32>] = []
        try go(0, &acc, &starts)
    }

    /// Runs a unary kernel once for a constant input, or once per dictionary entry for a
    /// dictionary input (keeping the codes), instead of once per row. Only for kernels that
    /// cannot fail: unreferenced dictionary entries are computed too.
    static func compressed(_ v: Vector, count n: Int, _ kernel: (Vector, Int) throws -> Vector) rethrows -> Vector {
        switch v.storage {
        case .constant(let c) where n > 0:
            let one = try kernel(Vector.from([c], type: v.type), 1)
            return Vector.constant(one.value(at: 0), type: one.type, count: n)
        case .dictionary(let indices, let values):
            let mapped = try kernel(values, values.count)
            return Vector(type: mapped.type, count: n, storage: .dictionary(indices: indices, values: mapped), validity: v.validity)
        default:
            return try kernel(v, n)
        }
    }

    /// A constant vector of `count` rows.
    static func constant(_ v: Value, _ type: DataType, _ n: Int) -> Vector { .constant(v, type: type, count: n) }
}

/// The string value of a constant vector (pattern, field name, format), if it is one.
func constantString(_ v: Vector) -> String? {
    if case .constant(.string(let s)) = v.storage { return s }
    return nil
}

// MARK: - Decimal helpers

enum Dec {
    static let pow10: [Int128] = {
        var a: [Int128] = [1]
        for _ in 1...38 { a.append(a[a.count - 1] * 10) }
        return a
    }()
    static let maxMantissa: Int128 = pow10[38] - 1

    static func scale(of t: DataType) -> Int { if case .decimal(_, let s) = t { return s }; return 0 }
    static func precision(of t: DataType) -> Int { if case .decimal(let p, _) = t { return p }; return 38 }

    static func overflow() -> SQLError { SQLError(SQLState.numericValueOutOfRange, "numeric field overflow") }

    static func checked(_ m: Int128) throws -> Int128 {
        guard m >= -maxMantissa && m <= maxMantissa else { throw overflow() }
        return m
    }

    /// Divides by 10^k rounding half away from zero.
    static func roundDiv(_ m: Int128, _ k: Int) -> Int128 {
        if k <= 0 { return m }
        if k > 38 { return 0 }
        let p = pow10[k]
        let q = m / p, r = m % p
        if (r < 0 ? -r : r) * 2 >= p { return m < 0 ? q - 1 : q + 1 }
        return q
    }

    /// Changes a mantissa's scale from `from` to `to` (rounding half away from zero when shrinking).
    static func rescale(_ m: Int128, from: Int, to: Int) throws -> Int128 {
        if to == from { return m }
        if to < from { return roundDiv(m, from - to) }
        let k = to - from
        guard k <= 38 else { if m == 0 { return 0 }; throw overflow() }
        let (r, o) = m.multipliedReportingOverflow(by: pow10[k])
        guard !o else { throw overflow() }
        return try checked(r)
    }

    static func toDouble(_ m: Int128, scale: Int) -> Double { Double(m) / pow(10, Double(scale)) }

    /// The mantissa at `scale` of a Double, read from its shortest decimal representation
    /// (so 0.1 becomes exactly 1 × 10⁻¹), optionally keeping only `significant` digits.
    static func fromDouble(_ d: Double, scale: Int, significant: Int? = nil) throws -> Int128 {
        guard d.isFinite else {
            throw SQLError(SQLState.featureNotSupported, "cannot convert \(d.isNaN ? "NaN" : "infinity") to numeric")
        }
        guard Swift.abs(d) < 1e38 else { throw overflow() }
        let text = significant.map { String(format: "%.\($0 - 1)e", d) } ?? "\(d)"
        var mantissa: Int128 = 0, fractionDigits = 0, exponent = 0, negative = false
        var seenPoint = false, inExponent = false, expNegative = false
        for c in text.utf8 {
            switch c {
            case UInt8(ascii: "-"): if inExponent { expNegative = true } else { negative = true }
            case UInt8(ascii: "+"): break
            case UInt8(ascii: "."): seenPoint = true
            case UInt8(ascii: "e"), UInt8(ascii: "E"): inExponent = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                let digit = Int(c - UInt8(ascii: "0"))
                if inExponent { exponent = exponent * 10 + digit }
                else { mantissa = mantissa * 10 + Int128(digit); if seenPoint { fractionDigits += 1 } }
            default: break
            }
        }
        let sourceScale = fractionDigits - (expNegative ? -exponent : exponent)
        var m = negative ? -mantissa : mantissa
        if sourceScale < 0 {
            m = try rescale(m, from: 0, to: -sourceScale)
            return try rescale(m, from: 0, to: scale)
        }
        return try rescale(m, from: sourceScale, to: scale)
    }
}

// MARK: - Random numbers

/// xoshiro256** behind a lock: random() and gen_random_uuid() share it; setseed() reseeds it.
final class RandomSource: @unchecked Sendable {
    static let shared = RandomSource()
    private var s: (UInt64, UInt64, UInt64, UInt64)
    private let lock = NSLock()

    init() {
        var g = SystemRandomNumberGenerator()
        s = (g.next(), g.next(), g.next(), g.next())
        if s == (0, 0, 0, 0) { s.0 = 1 }
    }

    private static func splitmix(_ x: inout UInt64) -> UInt64 {
        x &+= 0x9E37_79B9_7F4A_7C15
        var z = x
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    func seed(_ value: Double) {
        var x = value.bitPattern
        lock.lock(); defer { lock.unlock() }
        s = (Self.splitmix(&x), Self.splitmix(&x), Self.splitmix(&x), Self.splitmix(&x))
    }

    private func nextUnlocked() -> UInt64 {
        let result = ((s.1 &* 5) << 7 | (s.1 &* 5) >> 57) &* 9
        let t = s.1 << 17
        s.2 ^= s.0; s.3 ^= s.1; s.1 ^= s.2; s.0 ^= s.3
        s.2 ^= t
        s.3 = s.3 << 45 | s.3 >> 19
        return result
    }

    /// `n` uniform doubles in [0, 1).
    func doubles(_ n: Int) -> ContiguousArray<Double> {
        lock.lock(); defer { lock.unlock() }
        var out = ContiguousArray<Double>(); out.reserveCapacity(n)
        for _ in 0..<n { out.append(Double(nextUnlocked() >> 11) * 0x1.0p-53) }
        return out
    }

    func bytes(_ n: Int) -> [UInt8] {
        lock.lock(); defer { lock.unlock() }
        var out: [UInt8] = []; out.reserveCapacity(n + 8)
        while out.count < n {
            var x = nextUnlocked()
            for _ in 0..<8 { out.append(UInt8(truncatingIfNeeded: x)); x >>= 8 }
        }
        return Array(out.prefix(n))
    }
}

// MARK: - Miscellaneous functions

enum MiscFunctions {
    static let versionString = "PostgreSQL 15.0 (LakeSQL 0.1) on x86_64-pc-linux-gnu"

    /// A type's name without its modifiers, as regtype prints it (numeric, not numeric(38,2)).
    static func typeName(_ t: DataType) -> String {
        switch t {
        case .decimal: return "numeric"
        case .varchar: return "character varying"
        case .char: return "character"
        case .array(let e): return typeName(e) + "[]"
        default: return t.description
        }
    }

    static func register(into r: FunctionRegistry) {
        r.register(ScalarFunction(name: "version") { args, _ in
            guard args.isEmpty else { return nil }
            return ScalarResolution(argumentTypes: [], returnType: .text) { _, n, _ in
                Map.constant(.string(versionString), .text, n)
            }
        })
        r.register(ScalarFunction(name: "pg_typeof") { args, unknown in
            guard args.count == 1 else { return nil }
            let name = (unknown.first ?? false) ? "unknown" : typeName(args[0])
            // pg_typeof is not strict: it names the type even for NULL.
            return ScalarResolution(argumentTypes: args, returnType: .text) { _, n, _ in
                Map.constant(.string(name), .text, n)
            }
        })
        r.register(ScalarFunction(name: "gen_random_uuid") { args, _ in
            guard args.isEmpty else { return nil }
            return ScalarResolution(argumentTypes: [], returnType: .uuid, isVolatile: true) { _, n, _ in
                let raw = RandomSource.shared.bytes(16 * n)
                var col = StringColumn()
                col.reserve(rows: n, bytes: 16 * n)
                for i in 0..<n {
                    var u = Array(raw[(16 * i)..<(16 * i + 16)])
                    u[6] = (u[6] & 0x0F) | 0x40  // version 4
                    u[8] = (u[8] & 0x3F) | 0x80  // RFC 4122 variant
                    col.append(bytes: u)
                }
                return Vector(type: .uuid, count: n, storage: .string(col))
            }
        })
        registerArrayFunctions(r)
        r.register(ScalarFunction(name: "uuid_generate_v4") { args, unknown in
            try r.scalar("gen_random_uuid")?.resolve(args, unknown)
        })
        r.register(ScalarFunction(name: "current_database") { args, _ in
            guard args.isEmpty else { return nil }
            return ScalarResolution(argumentTypes: [], returnType: .text) { _, n, ctx in
                Map.constant(.string(ctx.settings["database"] ?? "lakesql"), .text, n)
            }
        })
        r.register(ScalarFunction(name: "current_setting") { args, unknown in
            guard args.count == 1, Overloads.convert(args[0], unknown: unknown[0], to: .text) != nil else { return nil }
            return ScalarResolution(argumentTypes: [.text], returnType: .text) { a, n, ctx in
                try Map.toString([a[0]], all: a, count: n, .text) { _, inp, out in
                    let name = String(decoding: inp[0], as: UTF8.self).lowercased()
                    if name == "timezone" { out.append(contentsOf: Array(ctx.timeZoneName.utf8)); return true }
                    if name == "server_version" { out.append(contentsOf: Array("15.0".utf8)); return true }
                    guard let v = ctx.settings[name] else {
                        throw SQLError(SQLState.undefinedObject, "unrecognized configuration parameter \"\(name)\"")
                    }
                    out.append(contentsOf: Array(v.utf8))
                    return true
                }
            }
        })
    }
}

// MARK: - Resolution with constant arguments

/// For the few functions whose result TYPE depends on an argument's value, the
/// binder can pass the constant arguments it knows and get PostgreSQL's exact
/// result type: round/trunc(numeric, n) → numeric with scale n, and
/// extract(field from x) → numeric with the field's scale. Returns nil when no
/// refinement applies; the binder then resolves through the registry as usual.
public enum ConstantArgumentResolution {
    public static func resolve(name: String, argumentTypes: [DataType], unknownLiterals: [Bool],
                               constants: [Value?]) throws -> ScalarResolution? {
        switch name {
        case "round", "trunc":
            guard constants.count == 2, case .int(let n)? = constants[1] else { return nil }
            return MathFunctions.resolveScaledRounding(name, argumentTypes, unknownLiterals, digits: n)
        case "extract":
            guard constants.count == 2, argumentTypes.count == 2, case .string(let field)? = constants[0] else { return nil }
            return try DateTimeFunctions.resolveExtract(field: field, argumentType: argumentTypes[1], withFieldArgument: true)
        case "to_number":
            guard constants.count == 2, case .string(let format)? = constants[1],
                  Overloads.best(argumentTypes, unknownLiterals, [[.text, .text]]) != nil else { return nil }
            return NumberFormatting.toNumberResolution(scale: NumberFormatting.toNumberScale(format))
        default:
            return nil
        }
    }
}

// MARK: - Array helpers (one-dimensional arrays, as LakeSQL stores them)

extension MiscFunctions {
    /// Element counts of each row of a list vector (nil for NULL rows).
    static func listLengths(_ v: Vector, count n: Int) -> [Int?] {
        let m = v.materialized()
        if case .list(let offsets, _) = m.storage {
            return (0..<n).map { m.isNull($0) ? nil : Int(offsets[$0 + 1] - offsets[$0]) }
        }
        return (0..<n).map { m.isNull($0) ? nil : 0 }
    }

    static func registerArrayFunctions(_ r: FunctionRegistry) {
        func elementType(_ t: DataType) -> DataType? { if case .array(let e) = t { return e }; return nil }
        r.register(ScalarFunction(name: "cardinality") { args, _ in
            guard args.count == 1, elementType(args[0]) != nil else { return nil }
            return ScalarResolution(argumentTypes: args, returnType: .int32) { a, n, _ in
                let lengths = listLengths(a[0], count: n)
                return Map.rows(a, count: n, .int32) { row -> Int64? in lengths[row].map { Int64($0) } }
            }
        })
        for name in ["array_length", "array_upper", "array_lower"] {
            r.register(ScalarFunction(name: name) { args, unknown in
                guard args.count == 2, elementType(args[0]) != nil,
                      Overloads.convert(args[1], unknown: unknown[1], to: .exact(.int32)) != nil else { return nil }
                return ScalarResolution(argumentTypes: [args[0], .int32], returnType: .int32) { a, n, _ in
                    let lengths = listLengths(a[0], count: n)
                    let dims = Kernels.int64s(a[1])
                    return Map.rows(a, count: n, .int32) { row -> Int64? in
                        // Only dimension 1 exists; an empty array has no dimensions (NULL), as in PostgreSQL.
                        guard dims[row] == 1, let len = lengths[row], len > 0 else { return nil }
                        return name == "array_lower" ? 1 : Int64(len)
                    }
                }
            })
        }
        r.register(ScalarFunction(name: "array_to_string") { args, unknown in
            guard args.count == 2 || args.count == 3, let element = elementType(args[0]) else { return nil }
            for k in 1..<args.count where Overloads.convert(args[k], unknown: unknown[k], to: .text) == nil { return nil }
            let types = [args[0]] + Array(repeating: DataType.text, count: args.count - 1)
            return ScalarResolution(argumentTypes: types, returnType: .text) { a, n, ctx in
                let seps = Kernels.strings(a[1])
                let nullStrings = a.count == 3 ? Kernels.strings(a[2]) : nil
                let options = ctx.textOptions
                return Map.toString([], all: [a[0], a[1]], count: n, .text) { row, _, out in
                    guard case .list(let items) = a[0].value(at: row) else { return false }
                    let sep = seps.bytes[seps.range(row)]
                    var nullText: ArraySlice<UInt8>? = nil
                    if let ns = nullStrings, !a[2].isNull(row) { nullText = ns.bytes[ns.range(row)] }
                    var first = true
                    for item in items {
                        if item.isNull && nullText == nil { continue }
                        if !first { out.append(contentsOf: sep) }
                        first = false
                        if item.isNull, let nullText { out.append(contentsOf: nullText) }
                        else { out.append(contentsOf: ValueText.format(item, type: element, options: options).utf8) }
                    }
                    return true
                }
            }
        })
    }
}
