// Comparison operators = <> < <= > >= and IS [NOT] DISTINCT FROM for every
// comparable type. Both operands are brought to Coercion.comparisonType, then
// compared on their physical storage: integers/dates/times/timestamps as
// Int64, floats with PostgreSQL's NaN ordering (NaN = NaN, NaN above all),
// numerics of different scales by exact rescaling, strings byte-wise (C
// collation; char(n) ignores trailing blanks), intervals by comparisonKey,
// arrays element-wise.

import Columnar
import Foundation

enum CompareOp: String, CaseIterable {
    case eq = "=", ne = "<>", lt = "<", le = "<=", gt = ">", ge = ">="

    @inline(__always) func test(_ c: Int) -> Bool {
        switch self {
        case .eq: return c == 0
        case .ne: return c != 0
        case .lt: return c < 0
        case .le: return c <= 0
        case .gt: return c > 0
        case .ge: return c >= 0
        }
    }
}

func registerComparisonOperators(into registry: FunctionRegistry) {
    for op in CompareOp.allCases {
        registry.register(ScalarFunction(name: op.rawValue) { types, unknown in
            guard types.count == 2, let r = Comparison.resolve(types, unknown) else { return nil }
            return ScalarResolution(argumentTypes: r.argumentTypes, returnType: .boolean, isLeakproof: true,
                                    kernel: Comparison.kernel(op, r.argumentTypes[0], r.argumentTypes[1]))
        })
    }
    registry.register(ScalarFunction(name: "!=") { types, unknown in
        try registry.scalar("<>")?.resolve(types, unknown)
    })
    for (name, distinct) in [("is_distinct_from", true), ("is_not_distinct_from", false)] {
        registry.register(ScalarFunction(name: name) { types, unknown in
            guard types.count == 2, let r = Comparison.resolve(types, unknown) else { return nil }
            let eq = Comparison.kernel(.eq, r.argumentTypes[0], r.argumentTypes[1])
            return ScalarResolution(argumentTypes: r.argumentTypes, returnType: .boolean, isLeakproof: true) { args, n, ctx in
                let equal = try eq(args, n, ctx)
                let a = args[0], b = args[1]
                let eqs = Kernels.bools(equal)
                var out = ContiguousArray<Bool>(repeating: false, count: n)
                for i in 0..<n {
                    let na = a.isNull(i), nb = b.isNull(i)
                    let same = (na && nb) || (!na && !nb && eqs[i])
                    out[i] = distinct ? !same : same
                }
                return Vector(type: .boolean, count: n, storage: .bool(out))
            }
        })
    }
}

enum Comparison {
    struct Resolved { var argumentTypes: [DataType] }

    static func resolve(_ types: [DataType], _ unknown: [Bool]) -> Resolved? {
        guard let t = Coercion.comparisonType(types[0], types[1], unknownLiterals: unknown) else { return nil }
        let ua = types[0] == .null || (unknown.count > 0 && unknown[0])
        let ub = types[1] == .null || (unknown.count > 1 && unknown[1])
        // Keep each side's own numeric(p,s) or integer width; the kernel handles mixed scales.
        func side(_ x: DataType, _ isUnknown: Bool) -> DataType {
            // A literal compared with varchar(n)/char(n) takes the type without its length
            // (PostgreSQL never truncates or rejects it); char's blank-insensitivity is kept
            // by the kernel because the other side is still char.
            if isUnknown {
                switch t {
                case .varchar, .char: return .text
                default: return t
                }
            }
            switch t {
            case .decimal:
                if case .decimal = x { return x }
                return Coercion.mergedDecimal([x])
            case .int16, .int32, .int64:
                return x.isInteger ? x : t
            default: return t
            }
        }
        return Resolved(argumentTypes: [side(types[0], ua), side(types[1], ub)])
    }

    /// Three-way comparison of floats in PostgreSQL order (NaN largest, NaN = NaN).
    @inline(__always) static func compareDoubles(_ x: Double, _ y: Double) -> Int {
        if x.isNaN { return y.isNaN ? 0 : 1 }
        if y.isNaN { return -1 }
        return x < y ? -1 : (x > y ? 1 : 0)
    }

    @inline(__always) static func compareDecimals(_ x: Int128, _ s1: Int, _ y: Int128, _ s2: Int) -> Int {
        if s1 == s2 { return x < y ? -1 : (x > y ? 1 : 0) }
        if s1 < s2 {
            guard let a = Cast.rescale(x, from: s1, to: s2) else { return x < 0 ? -1 : 1 }
            return a < y ? -1 : (a > y ? 1 : 0)
        }
        guard let b = Cast.rescale(y, from: s2, to: s1) else { return y < 0 ? 1 : -1 }
        return x < b ? -1 : (x > b ? 1 : 0)
    }

    @inline(__always) static func compareBytes(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        let n = min(a.count, b.count)
        if n > 0, let pa = a.baseAddress, let pb = b.baseAddress {
            let c = memcmp(pa, pb, n)
            if c != 0 { return c < 0 ? -1 : 1 }
        }
        return a.count < b.count ? -1 : (a.count > b.count ? 1 : 0)
    }

    static func trimmedBlanks(_ p: UnsafeBufferPointer<UInt8>) -> UnsafeBufferPointer<UInt8> {
        var e = p.count
        while e > 0 && p[e - 1] == 32 { e -= 1 }
        return UnsafeBufferPointer(rebasing: p[0..<e])
    }

    /// `column = literal` (or `<>`) on strings: lengths first, then the bytes only when the
    /// lengths agree, so most unequal rows never reach memcmp.
    static func equalityAgainstLiteral(_ col: StringColumn, _ literal: [UInt8], negated: Bool,
                                       into out: inout ContiguousArray<Bool>, count n: Int) {
        let len = literal.count
        col.offsets.withUnsafeBufferPointer { offs in
            col.bytes.withUnsafeBufferPointer { bytes in
                literal.withUnsafeBufferPointer { lit in
                    out.withUnsafeMutableBufferPointer { o in
                        guard offs.count > n else { return }
                        for i in 0..<n {
                            let start = Int(offs[i]), end = Int(offs[i + 1])
                            var equal = end - start == len
                            if equal, len > 0, let pb = bytes.baseAddress, let pl = lit.baseAddress {
                                equal = pb[start] == pl[0] && memcmp(pb + start, pl, len) == 0
                            }
                            o[i] = equal != negated
                        }
                    }
                }
            }
        }
    }

    /// Generic Value comparison (arrays and other rarely compared values).
    static func compareValues(_ a: Value, _ b: Value, type: DataType) -> Int {
        switch (a, b) {
        case (.null, .null): return 0
        case (.null, _): return 1
        case (_, .null): return -1
        case (.bool(let x), .bool(let y)): return x == y ? 0 : (x ? 1 : -1)
        case (.int(let x), .int(let y)): return x < y ? -1 : (x > y ? 1 : 0)
        case (.double(let x), .double(let y)): return compareDoubles(x, y)
        case (.decimal(let x), .decimal(let y)): return x < y ? -1 : (x > y ? 1 : 0)
        case (.string(let x), .string(let y)):
            let ax = Array(x.utf8), ay = Array(y.utf8)
            return ax.withUnsafeBufferPointer { p in ay.withUnsafeBufferPointer { q in compareBytes(p, q) } }
        case (.bytes(let x), .bytes(let y)):
            return x.withUnsafeBufferPointer { p in y.withUnsafeBufferPointer { q in compareBytes(p, q) } }
        case (.interval(let x), .interval(let y)):
            return x.comparisonKey < y.comparisonKey ? -1 : (x.comparisonKey > y.comparisonKey ? 1 : 0)
        case (.list(let xs), .list(let ys)):
            var element = DataType.text
            if case .array(let e) = type { element = e }
            for (x, y) in zip(xs, ys) {
                let c = compareValues(x, y, type: element)
                if c != 0 { return c }
            }
            return xs.count < ys.count ? -1 : (xs.count > ys.count ? 1 : 0)
        default: return 0
        }
    }

    static func kernel(_ op: CompareOp, _ ta: DataType, _ tb: DataType) -> ScalarKernel {
        switch ta.physical {
        case .int64:
            return { args, n, _ in
                let a = args[0], b = args[1]
                let validity = Kernels.combinedValidity([a, b], count: n)
                var out = ContiguousArray<Bool>(repeating: false, count: n)
                // column op literal (either side): one scalar, no expanded copy.
                if a.isConstant != b.isConstant, case .constant(.int(let c)) = (a.isConstant ? a : b).storage {
                    let xs = Kernels.int64s(a.isConstant ? b : a)
                    let flipped = a.isConstant
                    xs.withUnsafeBufferPointer { x in
                        out.withUnsafeMutableBufferPointer { o in
                            switch (op, flipped) {
                            case (.eq, _): for i in 0..<n { o[i] = x[i] == c }
                            case (.ne, _): for i in 0..<n { o[i] = x[i] != c }
                            case (.lt, false), (.gt, true): for i in 0..<n { o[i] = x[i] < c }
                            case (.le, false), (.ge, true): for i in 0..<n { o[i] = x[i] <= c }
                            case (.gt, false), (.lt, true): for i in 0..<n { o[i] = x[i] > c }
                            case (.ge, false), (.le, true): for i in 0..<n { o[i] = x[i] >= c }
                            }
                        }
                    }
                    return Vector(type: .boolean, count: n, storage: .bool(out), validity: validity)
                }
                let xs = Kernels.int64s(a), ys = Kernels.int64s(b)
                xs.withUnsafeBufferPointer { x in
                    ys.withUnsafeBufferPointer { y in
                        out.withUnsafeMutableBufferPointer { o in
                            switch op {
                            case .eq: for i in 0..<n { o[i] = x[i] == y[i] }
                            case .ne: for i in 0..<n { o[i] = x[i] != y[i] }
                            case .lt: for i in 0..<n { o[i] = x[i] < y[i] }
                            case .le: for i in 0..<n { o[i] = x[i] <= y[i] }
                            case .gt: for i in 0..<n { o[i] = x[i] > y[i] }
                            case .ge: for i in 0..<n { o[i] = x[i] >= y[i] }
                            }
                        }
                    }
                }
                return Vector(type: .boolean, count: n, storage: .bool(out), validity: validity)
            }
        case .float64:
            return { args, n, _ in
                let a = args[0], b = args[1]
                let validity = Kernels.combinedValidity([a, b], count: n)
                var out = ContiguousArray<Bool>(repeating: false, count: n)
                if a.isConstant != b.isConstant, case .constant(.double(let c)) = (a.isConstant ? a : b).storage {
                    let xs = Kernels.doubles(a.isConstant ? b : a)
                    let sign = a.isConstant ? -1 : 1
                    xs.withUnsafeBufferPointer { x in
                        out.withUnsafeMutableBufferPointer { o in
                            for i in 0..<n { o[i] = op.test(sign * compareDoubles(x[i], c)) }
                        }
                    }
                    return Vector(type: .boolean, count: n, storage: .bool(out), validity: validity)
                }
                let xs = Kernels.doubles(a), ys = Kernels.doubles(b)
                xs.withUnsafeBufferPointer { x in
                    ys.withUnsafeBufferPointer { y in
                        out.withUnsafeMutableBufferPointer { o in
                            for i in 0..<n { o[i] = op.test(compareDoubles(x[i], y[i])) }
                        }
                    }
                }
                return Vector(type: .boolean, count: n, storage: .bool(out), validity: validity)
            }
        case .int128:
            let s1 = Arithmetic.scaleOf(ta), s2 = Arithmetic.scaleOf(tb)
            return { args, n, _ in
                let a = args[0], b = args[1]
                if let fast = DecimalKernels.compare(op, a, s1, b, s2, count: n) { return fast }
                let validity = Kernels.combinedValidity([a, b], count: n)
                let xs = Kernels.int128s(a), ys = Kernels.int128s(b)
                var out = ContiguousArray<Bool>(repeating: false, count: n)
                for i in 0..<n { out[i] = op.test(compareDecimals(xs[i], s1, ys[i], s2)) }
                return Vector(type: .boolean, count: n, storage: .bool(out), validity: validity)
            }
        case .bool:
            return { args, n, _ in
                let a = args[0], b = args[1]
                let validity = Kernels.combinedValidity([a, b], count: n)
                let xs = Kernels.bools(a), ys = Kernels.bools(b)
                var out = ContiguousArray<Bool>(repeating: false, count: n)
                for i in 0..<n { out[i] = op.test(xs[i] == ys[i] ? 0 : (xs[i] ? 1 : -1)) }
                return Vector(type: .boolean, count: n, storage: .bool(out), validity: validity)
            }
        case .interval:
            return { args, n, _ in
                let a = args[0], b = args[1]
                let validity = Kernels.combinedValidity([a, b], count: n)
                let xs = Kernels.intervals(a), ys = Kernels.intervals(b)
                var out = ContiguousArray<Bool>(repeating: false, count: n)
                for i in 0..<n {
                    let x = xs[i].comparisonKey, y = ys[i].comparisonKey
                    out[i] = op.test(x < y ? -1 : (x > y ? 1 : 0))
                }
                return Vector(type: .boolean, count: n, storage: .bool(out), validity: validity)
            }
        case .string:
            let blankInsensitive: Bool = {
                if case .char = ta { return true }
                if case .char = tb { return true }
                return false
            }()
            return { args, n, _ in
                let a = args[0], b = args[1]
                let validity = Kernels.combinedValidity([a, b], count: n)
                var out = ContiguousArray<Bool>(repeating: false, count: n)
                // column op 'literal': compare every row against one buffer.
                if !a.isConstant, let lit = StringOperators.constantBytes(b) {
                    let ca = Kernels.strings(a)
                    if (op == .eq || op == .ne) && !blankInsensitive {
                        equalityAgainstLiteral(ca, lit, negated: op == .ne, into: &out, count: n)
                        return Vector(type: .boolean, count: n, storage: .bool(out), validity: validity)
                    }
                    lit.withUnsafeBufferPointer { litp in
                        let y = blankInsensitive ? trimmedBlanks(litp) : litp
                        ca.bytes.withUnsafeBufferPointer { pa in
                            for i in 0..<n {
                                var x = UnsafeBufferPointer(rebasing: pa[ca.range(i)])
                                if blankInsensitive { x = trimmedBlanks(x) }
                                out[i] = op.test(compareBytes(x, y))
                            }
                        }
                    }
                    return Vector(type: .boolean, count: n, storage: .bool(out), validity: validity)
                }
                let ca = Kernels.strings(a), cb = Kernels.strings(b)
                ca.bytes.withUnsafeBufferPointer { pa in
                    cb.bytes.withUnsafeBufferPointer { pb in
                        for i in 0..<n {
                            var x = UnsafeBufferPointer(rebasing: pa[ca.range(i)])
                            var y = UnsafeBufferPointer(rebasing: pb[cb.range(i)])
                            if blankInsensitive { x = trimmedBlanks(x); y = trimmedBlanks(y) }
                            out[i] = op.test(compareBytes(x, y))
                        }
                    }
                }
                return Vector(type: .boolean, count: n, storage: .bool(out), validity: validity)
            }
        case .list:
            return { args, n, _ in
                let a = args[0], b = args[1]
                let validity = Kernels.combinedValidity([a, b], count: n)
                var out = ContiguousArray<Bool>(repeating: false, count: n)
                for i in 0..<n where validity?[i] ?? true {
                    out[i] = op.test(compareValues(a.value(at: i), b.value(at: i), type: ta))
                }
                return Vector(type: .boolean, count: n, storage: .bool(out), validity: validity)
            }
        }
    }
}
