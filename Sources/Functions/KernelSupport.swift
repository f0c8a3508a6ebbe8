// Building blocks for vector kernels: typed access to argument vectors
// (constant and dictionary vectors are expanded once per call, not per row),
// the combined validity of several arguments, and map helpers that run a
// typed closure over every non-NULL row. Kernels built from these never box
// values per row.

import Columnar

public enum Kernels {
    /// Validity of the rows where every argument is non-NULL (nil: no NULLs at all).
    public static func combinedValidity(_ args: [Vector], count: Int) -> ContiguousArray<Bool>? {
        var out: ContiguousArray<Bool>? = nil
        for a in args where a.hasNulls {
            if out == nil { out = ContiguousArray(repeating: true, count: count) }
            if case .constant = a.storage { return ContiguousArray(repeating: false, count: count) }
            for i in 0..<count where a.isNull(i) { out?[i] = false }
        }
        return out
    }

    public static func int64s(_ v: Vector) -> ContiguousArray<Int64> {
        switch v.storage {
        case .int64(let a): return a
        case .constant(let c):
            if case .int(let i) = c { return ContiguousArray(repeating: i, count: v.count) }
            if case .bool(let b) = c { return ContiguousArray(repeating: b ? 1 : 0, count: v.count) }
            return ContiguousArray(repeating: 0, count: v.count)
        default:
            let m = v.materialized()
            if case .int64(let a) = m.storage { return a }
            return ContiguousArray(repeating: 0, count: v.count)
        }
    }

    public static func doubles(_ v: Vector) -> ContiguousArray<Double> {
        switch v.storage {
        case .float64(let a): return a
        case .constant(let c):
            if case .double(let d) = c { return ContiguousArray(repeating: d, count: v.count) }
            if case .int(let i) = c { return ContiguousArray(repeating: Double(i), count: v.count) }
            return ContiguousArray(repeating: 0, count: v.count)
        default:
            let m = v.materialized()
            if case .float64(let a) = m.storage { return a }
            return ContiguousArray(repeating: 0, count: v.count)
        }
    }

    public static func int128s(_ v: Vector) -> ContiguousArray<Int128> {
        switch v.storage {
        case .int128(let a): return a
        case .constant(let c):
            if case .decimal(let d) = c { return ContiguousArray(repeating: d, count: v.count) }
            return ContiguousArray(repeating: 0, count: v.count)
        default:
            let m = v.materialized()
            if case .int128(let a) = m.storage { return a }
            return ContiguousArray(repeating: 0, count: v.count)
        }
    }

    public static func bools(_ v: Vector) -> ContiguousArray<Bool> {
        switch v.storage {
        case .bool(let a): return a
        case .constant(let c):
            if case .bool(let b) = c { return ContiguousArray(repeating: b, count: v.count) }
            return ContiguousArray(repeating: false, count: v.count)
        default:
            let m = v.materialized()
            if case .bool(let a) = m.storage { return a }
            return ContiguousArray(repeating: false, count: v.count)
        }
    }

    public static func intervals(_ v: Vector) -> ContiguousArray<Interval> {
        switch v.storage {
        case .interval(let a): return a
        case .constant(let c):
            if case .interval(let iv) = c { return ContiguousArray(repeating: iv, count: v.count) }
            return ContiguousArray(repeating: Interval(), count: v.count)
        default:
            let m = v.materialized()
            if case .interval(let a) = m.storage { return a }
            return ContiguousArray(repeating: Interval(), count: v.count)
        }
    }

    // Row builders: call `f(i)` for every row valid in `validity` (NULL rows get a
    // placeholder and stay NULL), so kernels never raise errors for NULL rows.

    @inlinable
    public static func buildInt64(count n: Int, type: DataType, validity: ContiguousArray<Bool>?, _ f: (Int) throws -> Int64) rethrows -> Vector {
        var out = ContiguousArray<Int64>(repeating: 0, count: n)
        try out.withUnsafeMutableBufferPointer { o in
            if let validity { for i in 0..<n where validity[i] { o[i] = try f(i) } } else { for i in 0..<n { o[i] = try f(i) } }
        }
        return Vector(type: type, count: n, storage: .int64(out), validity: validity)
    }

    @inlinable
    public static func buildDouble(count n: Int, type: DataType, validity: ContiguousArray<Bool>?, _ f: (Int) throws -> Double) rethrows -> Vector {
        var out = ContiguousArray<Double>(repeating: 0, count: n)
        try out.withUnsafeMutableBufferPointer { o in
            if let validity { for i in 0..<n where validity[i] { o[i] = try f(i) } } else { for i in 0..<n { o[i] = try f(i) } }
        }
        return Vector(type: type, count: n, storage: .float64(out), validity: validity)
    }

    @inlinable
    public static func buildInt128(count n: Int, type: DataType, validity: ContiguousArray<Bool>?, _ f: (Int) throws -> Int128) rethrows -> Vector {
        var out = ContiguousArray<Int128>(repeating: 0, count: n)
        try out.withUnsafeMutableBufferPointer { o in
            if let validity { for i in 0..<n where validity[i] { o[i] = try f(i) } } else { for i in 0..<n { o[i] = try f(i) } }
        }
        return Vector(type: type, count: n, storage: .int128(out), validity: validity)
    }

    @inlinable
    public static func buildBool(count n: Int, type: DataType = .boolean, validity: ContiguousArray<Bool>?, _ f: (Int) throws -> Bool) rethrows -> Vector {
        var out = ContiguousArray<Bool>(repeating: false, count: n)
        try out.withUnsafeMutableBufferPointer { o in
            if let validity { for i in 0..<n where validity[i] { o[i] = try f(i) } } else { for i in 0..<n { o[i] = try f(i) } }
        }
        return Vector(type: type, count: n, storage: .bool(out), validity: validity)
    }

    @inlinable
    public static func buildInterval(count n: Int, validity: ContiguousArray<Bool>?, _ f: (Int) throws -> Interval) rethrows -> Vector {
        var out = ContiguousArray<Interval>(repeating: Interval(), count: n)
        try out.withUnsafeMutableBufferPointer { o in
            if let validity { for i in 0..<n where validity[i] { o[i] = try f(i) } } else { for i in 0..<n { o[i] = try f(i) } }
        }
        return Vector(type: .interval, count: n, storage: .interval(out), validity: validity)
    }

    /// String output: `f(i, &bytes)` appends row i's UTF-8 bytes to the shared buffer.
    @inlinable
    public static func buildStrings(count n: Int, type: DataType, validity: ContiguousArray<Bool>?,
                                    _ f: (Int, inout ContiguousArray<UInt8>) throws -> Void) rethrows -> Vector {
        var col = StringColumn()
        col.offsets.reserveCapacity(n + 1)
        for i in 0..<n {
            if validity?[i] ?? true { try f(i, &col.bytes) }
            col.offsets.append(Int32(truncatingIfNeeded: col.bytes.count))
        }
        return Vector(type: type, count: n, storage: .string(col), validity: validity)
    }

    /// Calls `body` with the bytes of string row `i` (no copy).
    @inlinable
    public static func withBytes<R>(_ col: StringColumn, _ i: Int, _ body: (UnsafeBufferPointer<UInt8>) throws -> R) rethrows -> R {
        let r = col.range(i)
        return try col.bytes.withUnsafeBufferPointer { try body(UnsafeBufferPointer(rebasing: $0[r])) }
    }

    /// Appends the decimal digits of `v` to `out` without creating a String.
    @inlinable
    public static func appendDecimalDigits(_ v: Int64, to out: inout ContiguousArray<UInt8>) {
        if v == 0 { out.append(48); return }
        var m = v.magnitude
        if v < 0 { out.append(UInt8(ascii: "-")) }
        var tmp: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                  UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) =
            (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
        var k = 0
        withUnsafeMutableBytes(of: &tmp) { buf in
            while m > 0 { buf[k] = UInt8(m % 10) + 48; m /= 10; k += 1 }
            while k > 0 { k -= 1; out.append(buf[k]) }
        }
    }

    public static func strings(_ v: Vector) -> StringColumn {
        switch v.storage {
        case .string(let s): return s
        case .constant(let c):
            var col = StringColumn()
            switch c {
            case .string(let s): for _ in 0..<v.count { col.append(s) }
            case .bytes(let b): for _ in 0..<v.count { col.append(bytes: b) }
            default: for _ in 0..<v.count { col.appendEmpty() }
            }
            return col
        default:
            let m = v.materialized()
            if case .string(let s) = m.storage { return s }
            var col = StringColumn()
            for _ in 0..<v.count { col.appendEmpty() }
            return col
        }
    }

    /// Applies `f` to every row where `a` is non-NULL; NULL in, NULL out.
    @inlinable
    public static func mapInt64(_ a: Vector, type: DataType, _ f: (Int64) throws -> Int64) rethrows -> Vector {
        let n = a.count
        let validity = combinedValidity([a], count: n)
        let xs = int64s(a)
        var out = ContiguousArray<Int64>(repeating: 0, count: n)
        try xs.withUnsafeBufferPointer { x in
            if let validity { for i in 0..<n where validity[i] { out[i] = try f(x[i]) } }
            else { for i in 0..<n { out[i] = try f(x[i]) } }
        }
        return Vector(type: type, count: n, storage: .int64(out), validity: validity)
    }

    /// Applies `f` to every row where both `a` and `b` are non-NULL.
    @inlinable
    public static func mapInt64(_ a: Vector, _ b: Vector, type: DataType, _ f: (Int64, Int64) throws -> Int64) rethrows -> Vector {
        let n = a.count
        let validity = combinedValidity([a, b], count: n)
        let xs = int64s(a), ys = int64s(b)
        var out = ContiguousArray<Int64>(repeating: 0, count: n)
        try xs.withUnsafeBufferPointer { x in
            try ys.withUnsafeBufferPointer { y in
                if let validity { for i in 0..<n where validity[i] { out[i] = try f(x[i], y[i]) } }
                else { for i in 0..<n { out[i] = try f(x[i], y[i]) } }
            }
        }
        return Vector(type: type, count: n, storage: .int64(out), validity: validity)
    }

    @inlinable
    public static func mapDouble(_ a: Vector, type: DataType = .float64, _ f: (Double) throws -> Double) rethrows -> Vector {
        let n = a.count
        let validity = combinedValidity([a], count: n)
        let xs = doubles(a)
        var out = ContiguousArray<Double>(repeating: 0, count: n)
        try xs.withUnsafeBufferPointer { x in
            if let validity { for i in 0..<n where validity[i] { out[i] = try f(x[i]) } }
            else { for i in 0..<n { out[i] = try f(x[i]) } }
        }
        return Vector(type: type, count: n, storage: .float64(out), validity: validity)
    }

    @inlinable
    public static func mapDouble(_ a: Vector, _ b: Vector, type: DataType = .float64, _ f: (Double, Double) throws -> Double) rethrows -> Vector {
        let n = a.count
        let validity = combinedValidity([a, b], count: n)
        let xs = doubles(a), ys = doubles(b)
        var out = ContiguousArray<Double>(repeating: 0, count: n)
        try xs.withUnsafeBufferPointer { x in
            try ys.withUnsafeBufferPointer { y in
                if let validity { for i in 0..<n where validity[i] { out[i] = try f(x[i], y[i]) } }
                else { for i in 0..<n { out[i] = try f(x[i], y[i]) } }
            }
        }
        return Vector(type: type, count: n, storage: .float64(out), validity: validity)
    }

    /// Row-wise over strings: `f` gets each non-NULL row's UTF-8 bytes and returns
    /// the output value's bytes (or nil for NULL).
    public static func mapStrings(_ args: [Vector], type: DataType, count n: Int,
                                  _ f: (_ row: Int, _ inputs: [UnsafeBufferPointer<UInt8>]) throws -> [UInt8]?) rethrows -> Vector {
        let validity = combinedValidity(args, count: n)
        let cols = args.map { strings($0) }
        var out = StringColumn()
        out.offsets.reserveCapacity(n + 1)
        var outValidity = validity ?? ContiguousArray(repeating: true, count: n)
        var inputs = [UnsafeBufferPointer<UInt8>](repeating: UnsafeBufferPointer(start: nil, count: 0), count: cols.count)
        for i in 0..<n {
            guard outValidity[i] else { out.appendEmpty(); continue }
            for (k, c) in cols.enumerated() {
                let r = c.range(i)
                inputs[k] = c.bytes.withUnsafeBufferPointer { UnsafeBufferPointer(rebasing: $0[r]) }
            }
            if let bytes = try f(i, inputs) { out.append(bytes: bytes) } else { out.appendEmpty(); outValidity[i] = false }
        }
        return Vector(type: type, count: n, storage: .string(out), validity: outValidity)
    }

    /// Generic row-wise fallback through `Value`s, for rarely used functions only.
    public static func mapValues(_ args: [Vector], type: DataType, count n: Int, strict: Bool = true,
                                 _ f: (_ values: [Value]) throws -> Value) rethrows -> Vector {
        var b = VectorBuilder(type: type, capacity: n)
        var vals = [Value](repeating: .null, count: args.count)
        for i in 0..<n {
            var anyNull = false
            for (k, a) in args.enumerated() { vals[k] = a.value(at: i); if vals[k].isNull { anyNull = true } }
            if strict && anyNull { b.appendNull(); continue }
            b.append(try f(vals))
        }
        return b.finish()
    }
}
