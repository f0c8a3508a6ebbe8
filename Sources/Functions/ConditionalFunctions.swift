// greatest/least (variadic, NULLs ignored, all arguments converted to one
// common type: the widest numeric, else text, else the shared temporal type)
// and num_nulls/num_nonnulls. COALESCE, NULLIF and CASE are binder forms.

import Columnar

enum ConditionalFunctions {
    /// The common type of greatest/least arguments, or nil when they do not share a category.
    static func commonType(_ types: [DataType], _ unknown: [Bool]) -> DataType? {
        var known: [DataType] = []
        for (i, t) in types.enumerated() where t != .null && !(i < unknown.count && unknown[i]) {
            switch t {
            case .varchar, .char: known.append(.text)
            default: known.append(t)
            }
        }
        guard let first = known.first else { return .text }
        if known.allSatisfy({ $0 == first }) { return first }
        if known.allSatisfy({ $0.isNumeric }) {
            if known.contains(where: { $0.isFloat }) { return .float64 }
            if known.contains(where: { if case .decimal = $0 { return true }; return false }) {
                let scale = known.map { Dec.scale(of: $0) }.max() ?? 0
                return .decimal(precision: 38, scale: scale)
            }
            if known.contains(.int64) { return .int64 }
            if known.contains(.int32) { return .int32 }
            return .int16
        }
        if known.allSatisfy({ $0 == .date || $0 == .timestamp || $0 == .timestamptz }) {
            return known.contains(.timestamptz) ? .timestamptz : .timestamp
        }
        return nil
    }

    static func register(into registry: FunctionRegistry) {
        for isGreatest in [true, false] {
            registry.register(ScalarFunction(name: isGreatest ? "greatest" : "least") { args, unknown in
                guard !args.isEmpty else { return nil }
                guard let type = commonType(args, unknown) else {
                    throw SQLError(SQLState.datatypeMismatch, "\(isGreatest ? "GREATEST" : "LEAST") types \(args[0]) and \(args.first { $0 != args[0] } ?? args[0]) cannot be matched")
                }
                let types = [DataType](repeating: type, count: args.count)
                return ScalarResolution(argumentTypes: types, returnType: type) { a, n, _ in
                    try extreme(a, count: n, type: type, greatest: isGreatest)
                }
            })
        }
        for countNulls in [true, false] {
            registry.register(ScalarFunction(name: countNulls ? "num_nulls" : "num_nonnulls") { args, _ in
                guard !args.isEmpty else { return nil }
                return ScalarResolution(argumentTypes: args, returnType: .int32) { a, n, _ in
                    var out = ContiguousArray<Int64>(repeating: 0, count: n)
                    for v in a where v.hasNulls { for i in 0..<n where v.isNull(i) { out[i] += 1 } }
                    if !countNulls { for i in 0..<n { out[i] = Int64(a.count) - out[i] } }
                    return Vector(type: .int32, count: n, storage: .int64(out))
                }
            })
        }
    }

    /// Row-wise maximum or minimum of non-NULL arguments; NULL only when all are NULL.
    static func extreme(_ a: [Vector], count n: Int, type: DataType, greatest: Bool) throws -> Vector {
        func fold<E: KernelElement>(_ less: (E, E) -> Bool) -> Vector {
            let cols = a.map { E.column($0) }
            var out = ContiguousArray<E>(repeating: E.zero, count: n)
            var validity = ContiguousArray<Bool>(repeating: false, count: n)
            for (k, col) in cols.enumerated() {
                let v = a[k]
                let nulls = v.hasNulls
                for i in 0..<n where !(nulls && v.isNull(i)) {
                    let x = col[i]
                    if !validity[i] || (greatest ? less(out[i], x) : less(x, out[i])) { out[i] = x; validity[i] = true }
                }
            }
            return Vector(type: type, count: n, storage: E.storage(out), validity: validity)
        }
        switch type.physical {
        case .int64: return fold { (x: Int64, y: Int64) in x < y }
        case .float64: return fold { (x: Double, y: Double) in x < y || (!x.isNaN && y.isNaN) }  // NaN sorts last
        case .int128: return fold { (x: Int128, y: Int128) in x < y }
        case .bool: return fold { (x: Bool, y: Bool) in !x && y }
        case .interval: return fold { (x: Interval, y: Interval) in x.comparisonKey < y.comparisonKey }
        case .string:
            let cols = a.map { Kernels.strings($0) }
            var best = [Int](repeating: -1, count: n)
            for (k, col) in cols.enumerated() {
                for i in 0..<n where !a[k].isNull(i) {
                    if best[i] < 0 { best[i] = k; continue }
                    let cur = cols[best[i]]
                    let x = col.bytes[col.range(i)], y = cur.bytes[cur.range(i)]
                    // Byte order of UTF-8 equals code point order (the C collation).
                    let less = y.lexicographicallyPrecedes(x)
                    if greatest ? less : x.lexicographicallyPrecedes(y) { best[i] = k }
                }
            }
            var out = StringColumn()
            var validity = ContiguousArray<Bool>(repeating: true, count: n)
            for i in 0..<n {
                if best[i] < 0 { out.appendEmpty(); validity[i] = false; continue }
                let c = cols[best[i]]
                out.append(bytes: c.bytes[c.range(i)])
            }
            return Vector(type: type, count: n, storage: .string(out), validity: validity)
        case .list:
            throw SQLError(SQLState.featureNotSupported, "greatest/least over arrays is not supported")
        }
    }
}
