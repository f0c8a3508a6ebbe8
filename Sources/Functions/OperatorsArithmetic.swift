// Arithmetic operators as vector kernels: + - * / % ^ on smallint/integer/
// bigint/real/double/numeric, unary minus ("neg") and absolute value
// ("abs_op", PostgreSQL's prefix @), bitwise & | # ~ << >> on integers, and
// date/time/interval arithmetic. Errors follow PostgreSQL 15: integer
// overflow 22003 "<type> out of range", division by zero 22012, float
// overflow/underflow 22003. Numeric results use PostgreSQL's result scales
// (max scale for + -, sum of scales for *, at least 16 digits for /) within
// 38 digits; products and quotients use 256-bit intermediates. Whole-batch
// + - * on numerics first try DecimalKernels (unchecked when a per-batch bound
// proves no row can overflow); this file's per-row code is the exact fallback.

import Columnar
import Foundation
#if canImport(Glibc)
import Glibc
#endif

enum ArithOp { case add, sub, mul, div, mod, pow }

func registerArithmeticOperators(into registry: FunctionRegistry) {
    let ints: [DataType] = [.int16, .int32, .int64]
    for (name, op) in [("+", ArithOp.add), ("-", .sub), ("*", .mul), ("/", .div), ("%", .mod)] {
        var overloads: [OperatorOverload] = []
        for a in ints {
            for b in ints {
                let wide = Coercion.wider(a, b)
                overloads.append(OperatorOverload([a, b]) { _ in
                    ScalarResolution(argumentTypes: [wide, wide], returnType: wide, kernel: Arithmetic.integer(op, type: wide))
                })
            }
        }
        if op != .mod {
            overloads.append(OperatorOverload([.float32, .float32]) { _ in
                ScalarResolution(argumentTypes: [.float32, .float32], returnType: .float32, kernel: Arithmetic.float(op, single: true))
            })
            for pair in [(DataType.float64, DataType.float64), (.float32, .float64), (.float64, .float32)] {
                overloads.append(OperatorOverload([pair.0, pair.1]) { _ in
                    ScalarResolution(argumentTypes: [.float64, .float64], returnType: .float64, kernel: Arithmetic.float(op, single: false))
                })
            }
        }
        overloads.append(OperatorOverload([OperatorResolver.anyDecimal, OperatorResolver.anyDecimal]) { c in
            Arithmetic.decimalResolution(op, c[0], c[1])
        })
        overloads.append(contentsOf: DatetimeArithmetic.overloads(op))
        registry.register(OperatorResolver.function(name, overloads))
    }
    // ^: double precision and numeric only (integers resolve to double, the preferred type).
    registry.register(OperatorResolver.function("^", [
        OperatorOverload([.float64, .float64]) { _ in
            ScalarResolution(argumentTypes: [.float64, .float64], returnType: .float64, kernel: Arithmetic.float(.pow, single: false))
        },
        OperatorOverload([OperatorResolver.anyDecimal, OperatorResolver.anyDecimal]) { c in Arithmetic.decimalResolution(.pow, c[0], c[1]) },
    ]))
    var prefixMinus: [OperatorOverload] = []
    // Unary minus and absolute value; "-" and "+" with one argument are prefix operators too.
    for (name, isAbs) in [("neg", false), ("abs_op", true)] {
        var overloads: [OperatorOverload] = ints.map { t in
            OperatorOverload([t]) { _ in ScalarResolution(argumentTypes: [t], returnType: t, kernel: Arithmetic.negateInteger(t, abs: isAbs)) }
        }
        for t in [DataType.float32, .float64] {
            overloads.append(OperatorOverload([t]) { _ in
                ScalarResolution(argumentTypes: [t], returnType: t) { args, n, _ in
                    Kernels.mapDouble(args[0], type: t) { isAbs ? Swift.abs($0) : -$0 }
                }
            })
        }
        overloads.append(OperatorOverload([OperatorResolver.anyDecimal]) { c in
            ScalarResolution(argumentTypes: [c[0]], returnType: c[0]) { args, n, _ in
                let v = args[0], xs = Kernels.int128s(v)
                return Kernels.buildInt128(count: n, type: c[0], validity: Kernels.combinedValidity([v], count: n)) { i in
                    isAbs ? (xs[i] < 0 ? -xs[i] : xs[i]) : -xs[i]
                }
            }
        })
        if !isAbs {
            overloads.append(OperatorOverload([.interval]) { _ in
                ScalarResolution(argumentTypes: [.interval], returnType: .interval) { args, n, _ in
                    let v = args[0], xs = Kernels.intervals(v)
                    return try Kernels.buildInterval(count: n, validity: Kernels.combinedValidity([v], count: n)) { i in
                        try DatetimeArithmetic.negate(xs[i])
                    }
                }
            })
        }
        registry.register(OperatorResolver.function(name, overloads))
        if name == "abs_op" { registry.register(OperatorResolver.function("@", overloads)) }
        if name == "neg" { prefixMinus = overloads }
    }
    // Prefix + is the identity on numbers.
    var prefixPlus: [OperatorOverload] = []
    for t in ints + [DataType.float32, .float64] {
        prefixPlus.append(OperatorOverload([t]) { _ in ScalarResolution(argumentTypes: [t], returnType: t) { args, _, _ in args[0] } })
    }
    prefixPlus.append(OperatorOverload([OperatorResolver.anyDecimal]) { c in
        ScalarResolution(argumentTypes: [c[0]], returnType: c[0]) { args, _, _ in args[0] }
    })
    for (name, unary) in [("+", prefixPlus), ("-", prefixMinus)] {
        guard let binary = registry.scalar(name) else { continue }
        registry.replace(ScalarFunction(name: name) { types, unknown in
            types.count == 1 ? try OperatorResolver.resolve(name, unary, types, unknown) : try binary.resolve(types, unknown)
        })
    }
    // Square and cube roots (|/ and ||/).
    for (name, cube) in [("|/", false), ("||/", true)] {
        registry.register(OperatorResolver.function(name, [OperatorOverload([.float64]) { _ in
            ScalarResolution(argumentTypes: [.float64], returnType: .float64) { args, _, _ in
                try Kernels.mapDouble(args[0]) { x in
                    if cube { return Glibc.cbrt(x) }
                    if x < 0 { throw SQLError(SQLState.invalidArgumentForPower, "cannot take square root of a negative number") }
                    return x.squareRoot()
                }
            }
        }]))
    }
    // Bitwise operators on integers.
    for name in ["&", "|", "#"] {
        var overloads: [OperatorOverload] = []
        for a in ints {
            for b in ints {
                let wide = Coercion.wider(a, b)
                overloads.append(OperatorOverload([a, b]) { _ in
                    ScalarResolution(argumentTypes: [wide, wide], returnType: wide) { args, _, _ in
                        Kernels.mapInt64(args[0], args[1], type: wide) { x, y in
                            name == "&" ? x & y : (name == "|" ? x | y : x ^ y)
                        }
                    }
                })
            }
        }
        registry.register(OperatorResolver.function(name, overloads))
    }
    registry.register(OperatorResolver.function("bitnot", ints.map { t in
        OperatorOverload([t]) { _ in
            ScalarResolution(argumentTypes: [t], returnType: t) { args, _, _ in Kernels.mapInt64(args[0], type: t) { ~$0 } }
        }
    }))
    for name in ["<<", ">>"] {
        registry.register(OperatorResolver.function(name, ints.map { t in
            OperatorOverload([t, .int32]) { _ in
                ScalarResolution(argumentTypes: [t, .int32], returnType: t) { args, _, _ in
                    Kernels.mapInt64(args[0], args[1], type: t) { x, y in Arithmetic.shift(x, by: y, left: name == "<<", type: t) }
                }
            }
        }))
    }
}

enum Arithmetic {
    static func overflow(_ t: DataType) -> SQLError { Cast.outOfRange(t) }
    static let divisionByZero = SQLError(SQLState.divisionByZero, "division by zero")
    static let numericOverflow = SQLError(SQLState.numericValueOutOfRange, "value overflows numeric format")

    /// C-like shifts as PostgreSQL's int2shl/int4shl/int8shl compute them on x86 (count masked to the width).
    static func shift(_ x: Int64, by y: Int64, left: Bool, type: DataType) -> Int64 {
        switch type {
        case .int64:
            return left ? x &<< (y & 63) : x &>> (y & 63)
        case .int32:
            let v = Int32(truncatingIfNeeded: x), s = Int32(truncatingIfNeeded: y) & 31
            return Int64(left ? v &<< s : v &>> s)
        default:
            let v = Int32(truncatingIfNeeded: x), s = Int32(truncatingIfNeeded: y) & 31
            return Int64(Int16(truncatingIfNeeded: left ? v &<< s : v &>> s))
        }
    }

    static func negateInteger(_ t: DataType, abs: Bool) -> ScalarKernel {
        let range = t.integerRange ?? Int64.min...Int64.max
        return { args, _, _ in
            try Kernels.mapInt64(args[0], type: t) { x in
                if abs && x >= 0 { return x }
                guard x != Int64.min, range.contains(-x) else { throw overflow(t) }
                return -x
            }
        }
    }

    static func integer(_ op: ArithOp, type: DataType) -> ScalarKernel {
        let range = type.integerRange ?? Int64.min...Int64.max
        let is64 = type == .int64
        switch op {
        case .add:
            return { args, _, _ in
                try Kernels.mapInt64(args[0], args[1], type: type) { x, y in
                    let r = x.addingReportingOverflow(y)
                    guard !r.overflow, is64 || range.contains(r.partialValue) else { throw overflow(type) }
                    return r.partialValue
                }
            }
        case .sub:
            return { args, _, _ in
                try Kernels.mapInt64(args[0], args[1], type: type) { x, y in
                    let r = x.subtractingReportingOverflow(y)
                    guard !r.overflow, is64 || range.contains(r.partialValue) else { throw overflow(type) }
                    return r.partialValue
                }
            }
        case .mul:
            return { args, _, _ in
                try Kernels.mapInt64(args[0], args[1], type: type) { x, y in
                    let r = x.multipliedReportingOverflow(by: y)
                    guard !r.overflow, is64 || range.contains(r.partialValue) else { throw overflow(type) }
                    return r.partialValue
                }
            }
        case .div:
            return { args, _, _ in
                try Kernels.mapInt64(args[0], args[1], type: type) { x, y in
                    if y == 0 { throw divisionByZero }
                    if y == -1 {
                        guard x != Int64.min, range.contains(-x) else { throw overflow(type) }
                        return -x
                    }
                    return x / y
                }
            }
        case .mod, .pow:
            return { args, _, _ in
                try Kernels.mapInt64(args[0], args[1], type: type) { x, y in
                    if y == 0 { throw divisionByZero }
                    if y == -1 { return 0 }
                    return x % y
                }
            }
        }
    }

    static func float(_ op: ArithOp, single: Bool) -> ScalarKernel {
        let type: DataType = single ? .float32 : .float64
        return { args, _, _ in
            try Kernels.mapDouble(args[0], args[1], type: type) { x, y in
                var r: Double
                switch op {
                case .add: r = x + y
                case .sub: r = x - y
                case .mul: r = x * y
                case .div:
                    if y == 0 && !x.isNaN { throw divisionByZero }
                    r = x / y
                case .mod: r = x.truncatingRemainder(dividingBy: y)
                case .pow: return try power(x, y)
                }
                if single { r = Double(Float(r)) }
                if r.isInfinite && !x.isInfinite && !y.isInfinite {
                    throw SQLError(SQLState.numericValueOutOfRange, "value out of range: overflow")
                }
                if r == 0 && op == .mul && x != 0 && y != 0 {
                    throw SQLError(SQLState.numericValueOutOfRange, "value out of range: underflow")
                }
                if r == 0 && op == .div && x != 0 && !y.isInfinite {
                    throw SQLError(SQLState.numericValueOutOfRange, "value out of range: underflow")
                }
                return r
            }
        }
    }

    /// PostgreSQL's dpow error rules.
    static func power(_ x: Double, _ y: Double) throws -> Double {
        if x == 0 && y < 0 {
            throw SQLError(SQLState.invalidArgumentForPower, "zero raised to a negative power is undefined")
        }
        if x < 0 && y.rounded(.towardZero) != y && y.isFinite {
            throw SQLError(SQLState.invalidArgumentForPower, "a negative number raised to a non-integer power yields a complex result")
        }
        let r = Foundation.pow(x, y)
        if r.isInfinite && x.isFinite && y.isFinite {
            throw SQLError(SQLState.numericValueOutOfRange, "value out of range: overflow")
        }
        if r == 0 && x != 0 && x.isFinite && y.isFinite {
            throw SQLError(SQLState.numericValueOutOfRange, "value out of range: underflow")
        }
        return r
    }

    // MARK: numeric

    static func scaleOf(_ t: DataType) -> Int { if case .decimal(_, let s) = t { return s }; return 0 }

    static func decimalResolution(_ op: ArithOp, _ a: DataType, _ b: DataType) -> ScalarResolution? {
        let s1 = scaleOf(a), s2 = scaleOf(b)
        let resultScale: Int
        switch op {
        case .add, .sub, .mod: resultScale = max(s1, s2)
        case .mul: resultScale = min(s1 + s2, DataType.maxDecimalPrecision)
        case .div, .pow: resultScale = min(max(s1, s2, 16), DataType.maxDecimalPrecision)
        }
        let result = DataType.decimal(precision: DataType.maxDecimalPrecision, scale: resultScale)
        if op == .add || op == .sub, resultScale - s1 <= 38, resultScale - s2 <= 38 {
            // Sums and differences: the rescale factors are fixed per call, so the row loop is
            // two checked multiplies (skipped at factor 1) and a checked add, same errors as `decimal`.
            let fa = ValueText.pow10[resultScale - s1], fb = ValueText.pow10[resultScale - s2]
            let subtract = op == .sub
            let bound = limit.magnitude
            return ScalarResolution(argumentTypes: [a, b], returnType: result) { args, n, _ in
                let x = args[0], y = args[1]
                if let fast = DecimalKernels.addSub(subtract: subtract, x, s1, y, s2, resultType: result, count: n) { return fast }
                let validity = Kernels.combinedValidity([x, y], count: n)
                let xs = Kernels.int128s(x), ys = Kernels.int128s(y)
                return try xs.withUnsafeBufferPointer { xp in
                    try ys.withUnsafeBufferPointer { yp in
                        try Kernels.buildInt128(count: n, type: result, validity: validity) { i in
                            var u = xp[i], v = yp[i]
                            if fa != 1 {
                                let r = u.multipliedReportingOverflow(by: fa)
                                guard !r.overflow else { throw numericOverflow }
                                u = r.partialValue
                            }
                            if fb != 1 {
                                let r = v.multipliedReportingOverflow(by: fb)
                                guard !r.overflow else { throw numericOverflow }
                                v = r.partialValue
                            }
                            let r = subtract ? u.subtractingReportingOverflow(v) : u.addingReportingOverflow(v)
                            guard !r.overflow, r.partialValue.magnitude < bound else { throw numericOverflow }
                            return r.partialValue
                        }
                    }
                }
            }
        }
        let exactProduct = op == .mul && s1 + s2 == resultScale
        return ScalarResolution(argumentTypes: [a, b], returnType: result) { args, n, _ in
            let x = args[0], y = args[1]
            if exactProduct, let fast = DecimalKernels.multiply(x, y, resultType: result, count: n) { return fast }
            let validity = Kernels.combinedValidity([x, y], count: n)
            let xs = Kernels.int128s(x), ys = Kernels.int128s(y)
            return try xs.withUnsafeBufferPointer { xp in
                try ys.withUnsafeBufferPointer { yp in
                    try Kernels.buildInt128(count: n, type: result, validity: validity) { i in
                        try decimal(op, xp[i], s1, yp[i], s2, resultScale: resultScale)
                    }
                }
            }
        }
    }

    static let limit = ValueText.pow10[38]

    @inline(__always)
    static func checked(_ m: Int128) throws -> Int128 {
        guard m.magnitude < limit.magnitude else { throw numericOverflow }
        return m
    }

    /// |a| × |b| ÷ d, rounded half away from zero, with a 256-bit intermediate.
    static func mulDiv(_ a: UInt128, _ b: UInt128, _ d: UInt128) throws -> UInt128 {
        let full = a.multipliedFullWidth(by: b)
        guard full.high < d else { throw numericOverflow }
        let (q, r) = d.dividingFullWidth((full.high, full.low))
        if r >= d - r {
            guard q < UInt128.max else { throw numericOverflow }
            return q + 1
        }
        return q
    }

    static func decimal(_ op: ArithOp, _ x: Int128, _ s1: Int, _ y: Int128, _ s2: Int, resultScale: Int) throws -> Int128 {
        switch op {
        case .mod:
            if y == 0 { throw divisionByZero }
            // Both operands at the result scale, the larger one as a 256-bit value:
            // (hi·2^128 + lo) mod d = ((hi mod d)·2^128 + lo) mod d.
            let ka = resultScale - s1, kb = resultScale - s2
            guard ka <= 38, kb <= 38 else { throw numericOverflow }
            let b = y.magnitude.multipliedReportingOverflow(by: UInt128(ValueText.pow10[kb]))
            if b.overflow {  // |divisor| ≥ 2^128: the dividend is its own remainder
                let a = x.multipliedReportingOverflow(by: ValueText.pow10[ka])
                guard !a.overflow else { throw numericOverflow }
                return try checked(a.partialValue)
            }
            let full = x.magnitude.multipliedFullWidth(by: UInt128(ValueText.pow10[ka]))
            let (_, r) = b.partialValue.dividingFullWidth((full.high % b.partialValue, full.low))
            return x < 0 ? -Int128(r) : Int128(r)
        case .add, .sub:
            guard let a = Cast.rescale(x, from: s1, to: resultScale), let b = Cast.rescale(y, from: s2, to: resultScale) else {
                throw numericOverflow
            }
            let r = op == .add ? a.addingReportingOverflow(b) : a.subtractingReportingOverflow(b)
            guard !r.overflow else { throw numericOverflow }
            return try checked(r.partialValue)
        case .mul:
            let drop = s1 + s2 - resultScale
            if drop == 0 {
                // Exact product at the combined scale: no rounding, so no 256-bit division.
                let r = x.multipliedReportingOverflow(by: y)
                guard !r.overflow, r.partialValue.magnitude < limit.magnitude else { throw numericOverflow }
                return r.partialValue
            }
            let negative = (x < 0) != (y < 0)
            let m = try mulDiv(x.magnitude, y.magnitude, UInt128(ValueText.pow10[min(drop, 38)]))
            guard m < limit.magnitude else { throw numericOverflow }
            return negative ? -Int128(m) : Int128(m)
        case .div:
            if y == 0 { throw divisionByZero }
            let negative = (x < 0) != (y < 0)
            // x/10^s1 ÷ y/10^s2 at scale S: x × 10^(S - s1 + s2) ÷ y.
            let k = resultScale - s1 + s2
            let m: UInt128
            if k >= 0 {
                guard k <= 38 else { throw numericOverflow }
                m = try mulDiv(x.magnitude, UInt128(ValueText.pow10[k]), y.magnitude)
            } else {
                guard -k <= 38 else { return 0 }
                m = try mulDiv(x.magnitude, 1, y.magnitude.multipliedReportingOverflow(by: UInt128(ValueText.pow10[-k])).partialValue)
            }
            guard m < limit.magnitude else { throw numericOverflow }
            return negative ? -Int128(m) : Int128(m)
        case .pow:
            let a = Cast.doubleFromDecimal(x, scale: s1), b = Cast.doubleFromDecimal(y, scale: s2)
            if a == 0 && b < 0 {
                throw SQLError(SQLState.invalidArgumentForPower, "zero raised to a negative power is undefined")
            }
            if a < 0 && b.rounded(.towardZero) != b {
                throw SQLError(SQLState.invalidArgumentForPower, "a negative number raised to a non-integer power yields a complex result")
            }
            let r = Foundation.pow(a, b)
            guard r.isFinite else { throw numericOverflow }
            do {
                return try Cast.decimalFromDouble(r, significantDigits: 15, precision: 38, scale: resultScale)
            } catch { throw numericOverflow }
        }
    }
}
