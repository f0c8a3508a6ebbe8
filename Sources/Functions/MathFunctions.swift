// Mathematical functions with PostgreSQL 15's overloads, return types, NULL
// behaviour and errors: abs, ceil/floor/round/trunc, sqrt/cbrt/exp/ln/log,
// power, mod, sign, trigonometry, gcd/lcm, div, factorial, random/setseed and
// width_bucket. Numeric (decimal) inputs are computed exactly on the Int128
// mantissa where PostgreSQL is exact (rounding, mod, div, gcd); transcendental
// numeric functions go through Double and return 16 fractional digits.
// round/trunc(numeric, n) registered here keep the input's scale (the resolver
// cannot see n); with a constant n the binder goes through
// ConstantArgumentResolution, which gives PostgreSQL's result scale n.

import Foundation
import Columnar

enum MathFunctions {
    static let ints: [DataType] = [.int16, .int32, .int64]

    static func intOverflow(_ t: DataType) -> SQLError {
        switch t {
        case .int16: return SQLError(SQLState.numericValueOutOfRange, "smallint out of range")
        case .int64: return SQLError(SQLState.numericValueOutOfRange, "bigint out of range")
        default: return SQLError(SQLState.numericValueOutOfRange, "integer out of range")
        }
    }

    static func checkInt(_ v: Int64, _ t: DataType) throws -> Int64 {
        if let r = t.integerRange, !r.contains(v) { throw intOverflow(t) }
        return v
    }

    static func checkFloat(_ d: Double) throws -> Double {
        if d.isInfinite { throw SQLError(SQLState.numericValueOutOfRange, "value out of range: overflow") }
        return d
    }

    static func register(into registry: FunctionRegistry) {
        let r = OverloadTable()
        registerRounding(r)
        registerTranscendental(r)
        registerArithmetic(r)
        registerTrig(r)
        registerRandom(r)
        r.install(into: registry)
    }

    // MARK: abs, sign, ceil, floor, round, trunc

    private static func registerRounding(_ r: OverloadTable) {
        r.register(["abs"], [[.exact(.int16)], [.exact(.int32)], [.exact(.int64)], [.exact(.float32)], [.exact(.float64)], [.numeric]]) { _, t in
            let type = t[0]
            switch type {
            case .int16, .int32, .int64:
                return ScalarResolution(argumentTypes: t, returnType: type) { a, _, _ in
                    try Map.unary(a[0], type) { (x: Int64) -> Int64 in
                        if x == Int64.min { throw intOverflow(type) }
                        return try checkInt(Swift.abs(x), type)
                    }
                }
            case .float32, .float64:
                return ScalarResolution(argumentTypes: t, returnType: type) { a, _, _ in Map.unary(a[0], type) { (x: Double) in Swift.abs(x) } }
            default:
                return ScalarResolution(argumentTypes: t, returnType: type) { a, _, _ in Map.unary(a[0], type) { (x: Int128) in x < 0 ? -x : x } }
            }
        }
        r.register(["sign"], [[.exact(.float64)], [.numeric]]) { i, t in
            if i == 0 {
                return ScalarResolution(argumentTypes: t, returnType: .float64) { a, _, _ in
                    Map.unary(a[0], .float64) { (x: Double) in x > 0 ? 1 : (x < 0 ? -1 : 0) }
                }
            }
            let out = DataType.decimal(precision: 38, scale: 0)
            return ScalarResolution(argumentTypes: t, returnType: out) { a, _, _ in
                Map.unary(a[0], out) { (x: Int128) -> Int128 in x > 0 ? 1 : (x < 0 ? -1 : 0) }
            }
        }
        for (names, mode) in [(["ceil", "ceiling"], FloatingPointRoundingRule.up), (["floor"], .down),
                              (["round"], .toNearestOrAwayFromZero), (["trunc"], .towardZero)] {
            r.register(names, [[.exact(.float64)], [.numeric]]) { i, t in
                if i == 0 {
                    // round(double) is rint(): ties go to the even neighbour.
                    let rule: FloatingPointRoundingRule = mode == .toNearestOrAwayFromZero ? .toNearestOrEven : mode
                    return ScalarResolution(argumentTypes: t, returnType: .float64) { a, _, _ in
                        Map.unary(a[0], .float64) { (x: Double) in x.rounded(rule) }
                    }
                }
                let s = Dec.scale(of: t[0])
                let out = DataType.decimal(precision: min(38, Dec.precision(of: t[0]) - s + 1), scale: 0)
                return ScalarResolution(argumentTypes: t, returnType: out) { a, _, _ in
                    Map.unary(a[0], out) { (x: Int128) -> Int128 in roundMantissa(x, drop: s, mode) }
                }
            }
        }
        for (name, mode) in [("round", FloatingPointRoundingRule.toNearestOrAwayFromZero), ("trunc", .towardZero)] {
            // PostgreSQL has no round(double precision, integer): only numeric takes a digit count.
            r.register([name], [[.numeric, .exact(.int32)]]) { _, t in
                let s = Dec.scale(of: t[0])
                let out = t[0]
                return ScalarResolution(argumentTypes: t, returnType: out) { a, _, _ in
                    Map.binary(a[0], a[1], out) { (x: Int128, digits: Int64) -> Int128 in
                        // Round to `digits` fractional digits, then express at the input scale.
                        let keep = Int(max(-40, min(digits, 40)))
                        if keep >= s { return x }
                        let drop = s - keep
                        if drop > 38 { return 0 }
                        let rounded = roundMantissa(x, drop: drop, mode)
                        let (m, o) = rounded.multipliedReportingOverflow(by: Dec.pow10[drop])
                        return o ? 0 : m
                    }
                }
            }
        }
    }

    /// Divides a mantissa by 10^drop with the given rounding rule.
    static func roundMantissa(_ x: Int128, drop: Int, _ mode: FloatingPointRoundingRule) -> Int128 {
        if drop <= 0 { return x }
        if drop > 38 { return 0 }
        let p = Dec.pow10[drop]
        let q = x / p, rem = x % p
        if rem == 0 { return q }
        switch mode {
        case .up: return x > 0 ? q + 1 : q
        case .down: return x < 0 ? q - 1 : q
        case .towardZero: return q
        default:
            // |rem| * 2 >= p, written so that it cannot overflow for the widest mantissas.
            let r = rem < 0 ? -rem : rem
            return r >= p - r ? (x < 0 ? q - 1 : q + 1) : q
        }
    }

    // MARK: sqrt, cbrt, exp, ln, log, power

    static let transcendentalScale = 16

    private static func registerTranscendental(_ r: OverloadTable) {
        // `numericScale`: the result scale PostgreSQL prints for typical inputs (sqrt of values below 10⁴ has 15 digits).
        func unaryDoubleAndNumeric(_ names: [String], numeric: Bool = true, numericScale: Int = transcendentalScale,
                                   _ f: @escaping (Double) throws -> Double) {
            let candidates: [[Param]] = numeric ? [[.exact(.float64)], [.numeric]] : [[.exact(.float64)]]
            r.register(names, candidates) { i, t in
                if i == 0 {
                    return ScalarResolution(argumentTypes: t, returnType: .float64) { a, _, _ in
                        try Map.unary(a[0], .float64) { (x: Double) in try checkFloat(f(x)) }
                    }
                }
                let s = Dec.scale(of: t[0])
                let outScale = max(s, numericScale)
                let out = DataType.decimal(precision: 38, scale: outScale)
                return ScalarResolution(argumentTypes: t, returnType: out) { a, _, _ in
                    try Map.unary(a[0], out) { (x: Int128) -> Int128 in
                        try Dec.fromDouble(try f(Dec.toDouble(x, scale: s)), scale: outScale, significant: 16)
                    }
                }
            }
        }
        unaryDoubleAndNumeric(["sqrt"], numericScale: 15) { x in
            if x < 0 { throw SQLError(SQLState.invalidArgumentForPower, "cannot take square root of a negative number") }
            return x.squareRoot()
        }
        unaryDoubleAndNumeric(["cbrt"], numeric: false) { x in
            // Snap to an exact cube root when one exists (glibc's cbrt is exact there; Foundation's may not be).
            let r = Foundation.cbrt(x), rounded = r.rounded()
            return rounded * rounded * rounded == x ? rounded : r
        }
        unaryDoubleAndNumeric(["exp"]) { x in
            let e = Foundation.exp(x)
            if e.isInfinite { throw SQLError(SQLState.numericValueOutOfRange, "value out of range: overflow") }
            return e
        }
        unaryDoubleAndNumeric(["ln"]) { x in try logarithm(x, Foundation.log) }
        unaryDoubleAndNumeric(["log", "log10"]) { x in try logarithm(x, log10Exact) }

        r.register(["log"], [[.numeric, .numeric]]) { _, t in
            let s0 = Dec.scale(of: t[0]), s1 = Dec.scale(of: t[1])
            let out = DataType.decimal(precision: 38, scale: transcendentalScale)
            return ScalarResolution(argumentTypes: t, returnType: out) { a, _, _ in
                try Map.binary(a[0], a[1], out) { (b: Int128, x: Int128) -> Int128 in
                    let base = Dec.toDouble(b, scale: s0), v = Dec.toDouble(x, scale: s1)
                    let lb = try logarithm(base, Foundation.log), lx = try logarithm(v, Foundation.log)
                    if lb == 0 { throw SQLError(SQLState.divisionByZero, "division by zero") }
                    return try Dec.fromDouble(lx / lb, scale: transcendentalScale, significant: 16)
                }
            }
        }

        r.register(["power", "pow"], [[.exact(.float64), .exact(.float64)], [.numeric, .numeric]]) { i, t in
            if i == 0 {
                return ScalarResolution(argumentTypes: t, returnType: .float64) { a, _, _ in
                    try Map.binary(a[0], a[1], .float64) { (x: Double, y: Double) in try power(x, y) }
                }
            }
            let s0 = Dec.scale(of: t[0]), s1 = Dec.scale(of: t[1])
            let out = DataType.decimal(precision: 38, scale: transcendentalScale)
            return ScalarResolution(argumentTypes: t, returnType: out) { a, _, _ in
                try Map.binary(a[0], a[1], out) { (x: Int128, y: Int128) -> Int128 in
                    try Dec.fromDouble(try power(Dec.toDouble(x, scale: s0), Dec.toDouble(y, scale: s1)), scale: transcendentalScale, significant: 16)
                }
            }
        }
    }

    static func logarithm(_ x: Double, _ f: (Double) -> Double) throws -> Double {
        if x == 0 { throw SQLError(SQLState.invalidArgumentForLogarithm, "cannot take logarithm of zero") }
        if x < 0 { throw SQLError(SQLState.invalidArgumentForLogarithm, "cannot take logarithm of a negative number") }
        return f(x)
    }

    /// log10 that is exact at powers of ten (some libm builds return 3.0000000000000004 for 1000).
    static func log10Exact(_ x: Double) -> Double {
        let r = Foundation.log10(x)
        let rounded = r.rounded()
        return Foundation.pow(10, rounded) == x ? rounded : r
    }

    static func power(_ x: Double, _ y: Double) throws -> Double {
        if x == 0 && y < 0 {
            throw SQLError(SQLState.invalidArgumentForPower, "zero raised to a negative power is undefined")
        }
        if x < 0 && y.rounded(.towardZero) != y {
            throw SQLError(SQLState.invalidArgumentForPower, "a negative number raised to a non-integer power yields a complex result")
        }
        let p = Foundation.pow(x, y)
        if p.isInfinite && x.isFinite && y.isFinite { throw SQLError(SQLState.numericValueOutOfRange, "value out of range: overflow") }
        if p == 0 && x != 0 && x.isFinite && y.isFinite { throw SQLError(SQLState.numericValueOutOfRange, "value out of range: underflow") }
        return p
    }

    // MARK: mod, div, gcd, lcm, factorial, width_bucket

    static func divisionByZero() -> SQLError { SQLError(SQLState.divisionByZero, "division by zero") }

    private static func registerArithmetic(_ r: OverloadTable) {
        let intCandidates: [[Param]] = ints.map { [.exact($0), .exact($0)] } + [[.numeric, .numeric]]
        r.register(["mod"], intCandidates) { i, t in
            if i < 3 {
                let type = t[0]
                return ScalarResolution(argumentTypes: t, returnType: type) { a, _, _ in
                    try Map.binary(a[0], a[1], type) { (x: Int64, y: Int64) -> Int64 in
                        if y == 0 { throw divisionByZero() }
                        if y == -1 { return 0 }
                        return x % y
                    }
                }
            }
            let s = max(Dec.scale(of: t[0]), Dec.scale(of: t[1]))
            let s0 = Dec.scale(of: t[0]), s1 = Dec.scale(of: t[1])
            let out = DataType.decimal(precision: 38, scale: s)
            return ScalarResolution(argumentTypes: t, returnType: out) { a, _, _ in
                try Map.binary(a[0], a[1], out) { (x: Int128, y: Int128) -> Int128 in
                    let xx = try Dec.rescale(x, from: s0, to: s), yy = try Dec.rescale(y, from: s1, to: s)
                    if yy == 0 { throw divisionByZero() }
                    return xx % yy
                }
            }
        }
        r.register(["div"], [[.numeric, .numeric]]) { _, t in
            let s0 = Dec.scale(of: t[0]), s1 = Dec.scale(of: t[1])
            let s = max(s0, s1)
            let out = DataType.decimal(precision: 38, scale: 0)
            return ScalarResolution(argumentTypes: t, returnType: out) { a, _, _ in
                try Map.binary(a[0], a[1], out) { (x: Int128, y: Int128) -> Int128 in
                    let xx = try Dec.rescale(x, from: s0, to: s), yy = try Dec.rescale(y, from: s1, to: s)
                    if yy == 0 { throw divisionByZero() }
                    return xx / yy
                }
            }
        }
        for name in ["gcd", "lcm"] {
            let isLCM = name == "lcm"
            r.register([name], [[.exact(.int32), .exact(.int32)], [.exact(.int64), .exact(.int64)], [.numeric, .numeric]]) { i, t in
                if i < 2 {
                    let type = t[0]
                    return ScalarResolution(argumentTypes: t, returnType: type) { a, _, _ in
                        try Map.binary(a[0], a[1], type) { (x: Int64, y: Int64) -> Int64 in
                            let g = try gcd(Int128(x), Int128(y))
                            if !isLCM {
                                guard g <= Int128(type.integerRange?.upperBound ?? Int64.max) else { throw intOverflow(type) }
                                return Int64(g)
                            }
                            if x == 0 || y == 0 { return 0 }
                            let l = Swift.abs(Int128(x) / g * Int128(y))
                            guard l <= Int128(type.integerRange?.upperBound ?? Int64.max) else { throw intOverflow(type) }
                            return Int64(l)
                        }
                    }
                }
                let s = max(Dec.scale(of: t[0]), Dec.scale(of: t[1]))
                let s0 = Dec.scale(of: t[0]), s1 = Dec.scale(of: t[1])
                let out = DataType.decimal(precision: 38, scale: s)
                return ScalarResolution(argumentTypes: t, returnType: out) { a, _, _ in
                    try Map.binary(a[0], a[1], out) { (x: Int128, y: Int128) -> Int128 in
                        let xx = try Dec.rescale(x, from: s0, to: s), yy = try Dec.rescale(y, from: s1, to: s)
                        let g = try gcd(xx, yy)
                        if !isLCM { return g }
                        if xx == 0 || yy == 0 { return 0 }
                        let (l, o) = (xx / g).multipliedReportingOverflow(by: yy)
                        guard !o else { throw Dec.overflow() }
                        return try Dec.checked(l < 0 ? -l : l)
                    }
                }
            }
        }
        r.register(["factorial"], [[.exact(.int64)]]) { _, t in
            let out = DataType.decimal(precision: 38, scale: 0)
            return ScalarResolution(argumentTypes: t, returnType: out) { a, _, _ in
                try Map.unary(a[0], out) { (x: Int64) -> Int128 in
                    if x < 0 { throw SQLError(SQLState.invalidParameterValue, "factorial of a negative number is undefined") }
                    var f: Int128 = 1
                    if x > 33 { throw SQLError(SQLState.numericValueOutOfRange, "value overflows numeric format") }
                    if x >= 2 { for k in 2...x { f *= Int128(k) } }
                    return f
                }
            }
        }
        r.register(["width_bucket"], [[.exact(.float64), .exact(.float64), .exact(.float64), .exact(.int32)],
                                                 [.numeric, .numeric, .numeric, .exact(.int32)]]) { i, t in
            let scales = t.map { Dec.scale(of: $0) }
            return ScalarResolution(argumentTypes: t, returnType: .int32) { a, n, _ in
                let cols: [ContiguousArray<Double>] = (0..<3).map { k in
                    if i == 0 { return Kernels.doubles(a[k]) }
                    let s = scales[k]
                    return ContiguousArray(Kernels.int128s(a[k]).map { Dec.toDouble($0, scale: s) })
                }
                let counts = Kernels.int64s(a[3])
                return try Map.rows(a, count: n, .int32) { row -> Int64? in
                    try widthBucket(cols[0][row], cols[1][row], cols[2][row], counts[row])
                }
            }
        }
    }

    static func gcd(_ a: Int128, _ b: Int128) throws -> Int128 {
        var x = a < 0 ? -a : a, y = b < 0 ? -b : b
        while y != 0 { (x, y) = (y, x % y) }
        return x
    }

    static func widthBucket(_ x: Double, _ lo: Double, _ hi: Double, _ count: Int64) throws -> Int64 {
        if count <= 0 { throw SQLError("2201G", "count must be greater than zero") }
        if lo == hi { throw SQLError("2201G", "lower bound cannot equal upper bound") }
        if x.isNaN || lo.isNaN || hi.isNaN {
            throw SQLError("2201G", "operand, lower bound, and upper bound cannot be NaN")
        }
        if !lo.isFinite || !hi.isFinite { throw SQLError("2201G", "lower and upper bounds must be finite") }
        if lo < hi {
            if x < lo { return 0 }
            if x >= hi { guard count < Int64(Int32.max) else { throw intOverflow(.int32) }; return count + 1 }
            return bucket(Double(count) * ((x - lo) / (hi - lo)), count)
        } else {
            if x > lo { return 0 }
            if x <= hi { guard count < Int64(Int32.max) else { throw intOverflow(.int32) }; return count + 1 }
            return bucket(Double(count) * ((lo - x) / (lo - hi)), count)
        }
    }

    /// 1-based bucket of a position in [0, count), clamped (the ratio may overflow to ∞ or NaN for huge bounds).
    private static func bucket(_ position: Double, _ count: Int64) -> Int64 {
        guard position.isFinite else { return position.isNaN ? 1 : count }
        return min(count, max(0, Int64(min(position, 9e18).rounded(.down))) + 1)
    }

    // MARK: trigonometry

    private static func registerTrig(_ r: OverloadTable) {
        func d(_ name: String, _ f: @escaping (Double) throws -> Double) {
            r.register([name], [[.exact(.float64)]]) { _, t in
                ScalarResolution(argumentTypes: t, returnType: .float64) { a, _, _ in try Map.unary(a[0], .float64, f) }
            }
        }
        func inRange(_ x: Double, _ lo: Double, _ hi: Double) throws -> Double {
            if x.isNaN { return x }
            if x < lo || x > hi { throw SQLError(SQLState.numericValueOutOfRange, "input is out of range") }
            return x
        }
        func finiteInput(_ x: Double) throws -> Double {
            if x.isInfinite { throw SQLError(SQLState.numericValueOutOfRange, "input is out of range") }
            return x
        }
        d("sin") { Foundation.sin(try finiteInput($0)) }
        d("cos") { Foundation.cos(try finiteInput($0)) }
        d("tan") { Foundation.tan(try finiteInput($0)) }
        d("cot") { 1 / Foundation.tan(try finiteInput($0)) }
        d("asin") { Foundation.asin(try inRange($0, -1, 1)) }
        d("acos") { Foundation.acos(try inRange($0, -1, 1)) }
        d("atan") { Foundation.atan($0) }
        d("sinh") { Foundation.sinh($0) }
        d("cosh") { Foundation.cosh($0) }
        d("tanh") { Foundation.tanh($0) }
        d("asinh") { Foundation.asinh($0) }
        d("acosh") { x in
            if x < 1 { throw SQLError(SQLState.numericValueOutOfRange, "input is out of range") }
            return Foundation.acosh(x)
        }
        d("atanh") { x in
            if x < -1 || x > 1 { throw SQLError(SQLState.numericValueOutOfRange, "input is out of range") }
            return Foundation.atanh(x)
        }
        // Degree-based variants: exact at the angles PostgreSQL makes exact (0, 30, 45, 60, 90 … degrees).
        func snap(_ v: Double) -> Double {
            for exact in [0.0, 0.5, -0.5, 1, -1] where Swift.abs(v - exact) < 1e-15 { return exact }
            return v
        }
        let perDegree = Double.pi / 180
        d("sind") { snap(Foundation.sin(try finiteInput($0).truncatingRemainder(dividingBy: 360) * perDegree)) }
        d("cosd") { snap(Foundation.cos(try finiteInput($0).truncatingRemainder(dividingBy: 360) * perDegree)) }
        d("tand") { x in
            let r = try finiteInput(x).truncatingRemainder(dividingBy: 180)
            if r == 0 { return 0 }
            if Swift.abs(r) == 90 { return r > 0 ? .infinity : -.infinity }
            if Swift.abs(r) == 45 || Swift.abs(r) == 135 { return (r > 0) == (Swift.abs(r) == 45) ? 1 : -1 }
            return Foundation.tan(r * perDegree)
        }
        d("cotd") { x in
            let r = try finiteInput(x).truncatingRemainder(dividingBy: 180)
            if Swift.abs(r) == 90 { return 0 }
            if r == 0 { return .infinity }
            if Swift.abs(r) == 45 || Swift.abs(r) == 135 { return (r > 0) == (Swift.abs(r) == 45) ? 1 : -1 }
            return 1 / Foundation.tan(r * perDegree)
        }
        func exactDegrees(_ v: Double) -> Double { (v * 1e12).rounded() == (v.rounded() * 1e12) ? v.rounded() : v }
        d("asind") { exactDegrees(Foundation.asin(try inRange($0, -1, 1)) / perDegree) }
        d("acosd") { exactDegrees(Foundation.acos(try inRange($0, -1, 1)) / perDegree) }
        d("atand") { exactDegrees(Foundation.atan($0) / perDegree) }
        d("degrees") { try checkFloat($0 * (180 / Double.pi)) }
        d("radians") { try checkFloat($0 * (Double.pi / 180)) }
        r.register(["atan2"], [[.exact(.float64), .exact(.float64)]]) { _, t in
            ScalarResolution(argumentTypes: t, returnType: .float64) { a, _, _ in
                Map.binary(a[0], a[1], .float64) { (y: Double, x: Double) in Foundation.atan2(y, x) }
            }
        }
        r.register(["atan2d"], [[.exact(.float64), .exact(.float64)]]) { _, t in
            ScalarResolution(argumentTypes: t, returnType: .float64) { a, _, _ in
                Map.binary(a[0], a[1], .float64) { (y: Double, x: Double) in
                    let v = Foundation.atan2(y, x) * 180 / Double.pi
                    return Swift.abs(v - v.rounded()) < 1e-12 ? v.rounded() : v
                }
            }
        }
        r.register(ScalarFunction(name: "pi") { args, _ in
            guard args.isEmpty else { return nil }
            return ScalarResolution(argumentTypes: [], returnType: .float64) { _, n, _ in Map.constant(.double(Double.pi), .float64, n) }
        })
    }

    // MARK: random, setseed

    private static func registerRandom(_ r: OverloadTable) {
        r.register(ScalarFunction(name: "random") { args, _ in
            guard args.isEmpty else { return nil }
            return ScalarResolution(argumentTypes: [], returnType: .float64, isVolatile: true) { _, n, _ in
                Vector(type: .float64, count: n, storage: .float64(RandomSource.shared.doubles(n)))
            }
        })
        r.register(["setseed"], [[.exact(.float64)]]) { _, t in
            ScalarResolution(argumentTypes: t, returnType: .text, isVolatile: true) { a, n, _ in
                let seeds = Kernels.doubles(a[0])
                return try Map.toString([], all: a, count: n, .text) { row, _, _ in
                    let seed = seeds[row]
                    guard seed >= -1 && seed <= 1 && !seed.isNaN else {
                        throw SQLError(SQLState.invalidParameterValue, "setseed parameter \(seed) is out of allowed range [-1,1]")
                    }
                    RandomSource.shared.seed(seed)
                    return true
                }
            }
        }
    }
}

extension MathFunctions {
    /// round/trunc(numeric, n) with a constant n: numeric with scale n, as PostgreSQL prints it.
    static func resolveScaledRounding(_ name: String, _ argumentTypes: [DataType], _ unknown: [Bool], digits: Int64) -> ScalarResolution? {
        guard name == "round" || name == "trunc", argumentTypes.count == 2,
              let (_, t) = Overloads.best(argumentTypes, unknown, [[.numeric, .exact(.int32)]]) else { return nil }
        let s = Dec.scale(of: t[0])
        let outScale = Int(max(0, min(digits, 38)))
        let keep = Int(max(-38, min(digits, 38)))
        let out = DataType.decimal(precision: 38, scale: outScale)
        let mode: FloatingPointRoundingRule = name == "round" ? .toNearestOrAwayFromZero : .towardZero
        return ScalarResolution(argumentTypes: t, returnType: out) { a, _, _ in
            try Map.unary(a[0], out) { (x: Int128) -> Int128 in
                if keep >= s { return try Dec.rescale(x, from: s, to: outScale) }
                // Round to `keep` digits (negative: left of the point), then express at the output scale.
                let dropped = roundMantissa(x, drop: s - keep, mode)
                if keep < 0 {
                    let (m, o) = dropped.multipliedReportingOverflow(by: Dec.pow10[-keep])
                    if o { throw Dec.overflow() }
                    return try Dec.checked(m)
                }
                return dropped
            }
        }
    }
}
