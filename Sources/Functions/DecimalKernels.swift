// Fast vector kernels for numeric (decimal) + - * and comparisons.
// Columnar keeps every decimal as an Int128 mantissa, and the exact per-row
// path (Arithmetic.decimal) checks each result against 10^38 with 128-bit
// overflow-reporting multiplies, which compile to runtime calls. Here one cheap
// pass per batch bounds the magnitude of each operand (a power of two, from the
// OR of |x|); when the bounds prove that no row can leave the 38-digit range,
// the row loop is plain wrapping arithmetic with no per-row branch, and when both
// operands fit 64 bits a product is a single 64×64→128 multiply. A constant
// operand (1 - l_discount) is used as a scalar, never expanded into a column.
// Batches whose bounds do not prove safety return nil and the caller runs the
// exact checked path, so overflow errors (22003) are exactly as before.

import Columnar

enum DecimalKernels {
    /// One side of a binary kernel: a column of mantissas or a single constant.
    struct Operand {
        let column: ContiguousArray<Int128>?
        let constant: Int128
        /// An upper bound on |value| over every stored row (NULL rows included).
        let bound: UInt128
        /// Every stored value fits Int64.
        let fits64: Bool

        init?(_ v: Vector, count n: Int) {
            if case .constant(let c) = v.storage {
                let m: Int128
                if case .decimal(let d) = c { m = d } else { m = 0 }
                column = nil; constant = m; bound = m.magnitude; fits64 = Int64(exactly: m) != nil
                return
            }
            let xs = Kernels.int128s(v)
            guard xs.count >= n else { return nil }
            let bits = DecimalKernels.magnitudeBits(v, xs, count: n)
            column = xs; constant = 0
            bound = UInt128(1) << bits
            fits64 = bits <= 63
        }
    }

    /// b such that |x| ≤ 2^b for the first `n` values of `v` (its mantissas `xs`): the bound the
    /// vector carries when its producer knew it (Vector.int128MagnitudeBits), else one pass.
    static func magnitudeBits(_ v: Vector, _ xs: ContiguousArray<Int128>, count n: Int) -> Int {
        if let known = v.int128MagnitudeBits { return known }
        // A dictionary-coded column (Q1's 1 - l_discount, computed once per dictionary entry)
        // expands to some of its dictionary's values: their bound holds for the rows too.
        if case .dictionary(_, let values) = v.storage, let known = values.int128MagnitudeBits { return known }
        return xs.withUnsafeBufferPointer { magnitudeBits(UnsafeBufferPointer(rebasing: $0[0..<n])) }
    }

    /// b such that |x| ≤ 2^b for every x (b ≤ 127). x ^ (x >> 127) is x for x ≥ 0 and
    /// |x| - 1 for x < 0; OR-ing those (word by word, so the loop vectorises) gives a
    /// number at least as large as each, below 2^b.
    static func magnitudeBits(_ p: UnsafeBufferPointer<Int128>) -> Int {
        var hi: UInt64 = 0, lo: UInt64 = 0
        p.withMemoryRebound(to: UInt64.self) { words in
            var i = 0
            let n = words.count
            while i + 1 < n {
                // little-endian: low word first
                let l = words[i], h = words[i + 1]
                let sign = UInt64(bitPattern: Int64(bitPattern: h) >> 63)
                lo |= l ^ sign
                hi |= h ^ sign
                i += 2
            }
        }
        return hi != 0 ? 128 - hi.leadingZeroBitCount : 64 - lo.leadingZeroBitCount
    }

    static let limit: UInt128 = ValueText.pow10[38].magnitude

    /// The carried bound (Vector.int128MagnitudeBits) of values with |x| ≤ `bound`: b with
    /// bound < 2^b, so -2^b < x < 2^b, as magnitudeBits's scan would also allow.
    static func bitsAbove(_ bound: UInt128) -> Int { 128 - bound.leadingZeroBitCount }

    /// Fills a new mantissa array of `n` rows with `body(out)`.
    @inline(__always)
    static func build(_ n: Int, _ body: (UnsafeMutablePointer<Int128>) -> Void) -> ContiguousArray<Int128> {
        ContiguousArray<Int128>(unsafeUninitializedCapacity: n) { buf, initialized in
            if n > 0, let p = buf.baseAddress { body(p) }
            initialized = n
        }
    }

    /// out[i] = f(a[i], b[i]) over columns and constants, the closure inlined into each loop shape.
    @inline(__always)
    static func map(_ a: Operand, _ b: Operand, _ n: Int, _ f: (Int128, Int128) -> Int128) -> ContiguousArray<Int128> {
        switch (a.column, b.column) {
        case let (xs?, ys?):
            return xs.withUnsafeBufferPointer { x in
                ys.withUnsafeBufferPointer { y in
                    build(n) { o in for i in 0..<n { o[i] = f(x[i], y[i]) } }
                }
            }
        case let (xs?, nil):
            let c = b.constant
            return xs.withUnsafeBufferPointer { x in build(n) { o in for i in 0..<n { o[i] = f(x[i], c) } } }
        case let (nil, ys?):
            let c = a.constant
            return ys.withUnsafeBufferPointer { y in build(n) { o in for i in 0..<n { o[i] = f(c, y[i]) } } }
        case (nil, nil):
            let r = f(a.constant, b.constant)
            return build(n) { o in for i in 0..<n { o[i] = r } }
        }
    }

    /// Both operands at the scale max(s1, s2): a constant rescaled once, a column with the factor
    /// the loop multiplies it by (1 when already at that scale), and each side's bound after
    /// rescaling. nil when a scale step overflows or a rescaled bound reaches 2^127 (so the
    /// rescaled constants are exact).
    struct AlignedOperands {
        var a: Operand, b: Operand
        var ka: Int128, kb: Int128
        var boundA: UInt128, boundB: UInt128
    }

    static func aligned(_ x: Vector, _ s1: Int, _ y: Vector, _ s2: Int, count n: Int) -> AlignedOperands? {
        let scale = max(s1, s2)
        guard scale - s1 <= 38, scale - s2 <= 38,
              var a = Operand(x, count: n), var b = Operand(y, count: n) else { return nil }
        var ka = ValueText.pow10[scale - s1], kb = ValueText.pow10[scale - s2]
        let ra = a.bound.multipliedReportingOverflow(by: ka.magnitude)
        let rb = b.bound.multipliedReportingOverflow(by: kb.magnitude)
        let safe = UInt128(1) << 127
        guard !ra.overflow, !rb.overflow, ra.partialValue < safe, rb.partialValue < safe else { return nil }
        if a.column == nil { a = a.rescaledConstant(ka); ka = 1 }
        if b.column == nil { b = b.rescaledConstant(kb); kb = 1 }
        return AlignedOperands(a: a, b: b, ka: ka, kb: kb, boundA: ra.partialValue, boundB: rb.partialValue)
    }

    /// x ± y at scale max(s1, s2), or nil when the bounds cannot rule out overflow.
    static func addSub(subtract: Bool, _ x: Vector, _ s1: Int, _ y: Vector, _ s2: Int, resultType: DataType,
                       count n: Int) -> Vector? {
        guard let o = aligned(x, s1, y, s2, count: n) else { return nil }
        let total = o.boundA.addingReportingOverflow(o.boundB)
        guard !total.overflow, total.partialValue < limit else { return nil }
        // One factor is always 1 (the operand already at the result scale, or a constant).
        let (a2, b2, ka, kb) = (o.a, o.b, o.ka, o.kb)
        let values: ContiguousArray<Int128>
        switch (subtract, ka == 1, kb == 1) {
        case (false, true, true): values = map(a2, b2, n) { $0 &+ $1 }
        case (false, false, _): values = map(a2, b2, n) { $0 &* ka &+ $1 }
        case (false, true, false): values = map(a2, b2, n) { $0 &+ $1 &* kb }
        case (true, true, true): values = map(a2, b2, n) { $0 &- $1 }
        case (true, false, _): values = map(a2, b2, n) { $0 &* ka &- $1 }
        case (true, true, false): values = map(a2, b2, n) { $0 &- $1 &* kb }
        }
        return Vector(type: resultType, count: n, storage: .int128(values), validity: Kernels.combinedValidity([x, y], count: n),
                      int128MagnitudeBits: bitsAbove(total.partialValue))
    }

    /// x × y at scale s1 + s2 (the caller checks s1 + s2 ≤ 38, so nothing is rounded),
    /// or nil when the bounds cannot rule out overflow.
    static func multiply(_ x: Vector, _ y: Vector, resultType: DataType, count n: Int) -> Vector? {
        guard let a = Operand(x, count: n), let b = Operand(y, count: n) else { return nil }
        let full = a.bound.multipliedFullWidth(by: b.bound)
        guard full.high == 0, full.low < limit else { return nil }
        let values: ContiguousArray<Int128>
        if a.fits64 && b.fits64 {
            values = map(a, b, n) { Int128(Int64(truncatingIfNeeded: $0)) &* Int128(Int64(truncatingIfNeeded: $1)) }
        } else {
            values = map(a, b, n) { $0 &* $1 }
        }
        // |x·y| ≤ the product of the bounds: the next kernel or sum over the product (Q1's
        // price × (1 - discount) × (1 + tax)) takes that instead of scanning it.
        return Vector(type: resultType, count: n, storage: .int128(values), validity: Kernels.combinedValidity([x, y], count: n),
                      int128MagnitudeBits: bitsAbove(full.low))
    }

    /// x op y for decimals of scales s1 and s2, compared exactly at the larger scale; nil when
    /// rescaling the smaller-scale side could overflow Int128 (the caller compares row by row).
    static func compare(_ op: CompareOp, _ x: Vector, _ s1: Int, _ y: Vector, _ s2: Int, count n: Int) -> Vector? {
        guard let o = aligned(x, s1, y, s2, count: n) else { return nil }
        let (a, b, ka, kb) = (o.a, o.b, o.ka, o.kb)
        let out: ContiguousArray<Bool>
        if ka == 1 && kb == 1 {
            out = test(op, a, b, n)
        } else if ka == 1 {
            out = test(op, a, b.scaledColumn(kb, n), n)
        } else {
            out = test(op, a.scaledColumn(ka, n), b, n)
        }
        return Vector(type: .boolean, count: n, storage: .bool(out), validity: Kernels.combinedValidity([x, y], count: n))
    }

    @inline(__always)
    static func test(_ op: CompareOp, _ a: Operand, _ b: Operand, _ n: Int) -> ContiguousArray<Bool> {
        switch op {
        case .eq: return predicate(a, b, n) { $0 == $1 }
        case .ne: return predicate(a, b, n) { $0 != $1 }
        case .lt: return predicate(a, b, n) { $0 < $1 }
        case .le: return predicate(a, b, n) { $0 <= $1 }
        case .gt: return predicate(a, b, n) { $0 > $1 }
        case .ge: return predicate(a, b, n) { $0 >= $1 }
        }
    }

    @inline(__always)
    static func predicate(_ a: Operand, _ b: Operand, _ n: Int, _ f: (Int128, Int128) -> Bool) -> ContiguousArray<Bool> {
        ContiguousArray<Bool>(unsafeUninitializedCapacity: n) { buf, initialized in
            if n > 0, let o = buf.baseAddress {
                switch (a.column, b.column) {
                case let (xs?, ys?):
                    xs.withUnsafeBufferPointer { x in ys.withUnsafeBufferPointer { y in for i in 0..<n { o[i] = f(x[i], y[i]) } } }
                case let (xs?, nil):
                    let c = b.constant
                    xs.withUnsafeBufferPointer { x in for i in 0..<n { o[i] = f(x[i], c) } }
                case let (nil, ys?):
                    let c = a.constant
                    ys.withUnsafeBufferPointer { y in for i in 0..<n { o[i] = f(c, y[i]) } }
                case (nil, nil):
                    let r = f(a.constant, b.constant)
                    for i in 0..<n { o[i] = r }
                }
            }
            initialized = n
        }
    }
}

extension DecimalKernels.Operand {
    private init(column: ContiguousArray<Int128>?, constant: Int128, bound: UInt128, fits64: Bool) {
        self.column = column; self.constant = constant; self.bound = bound; self.fits64 = fits64
    }

    /// The constant multiplied by `factor` (the caller has checked the bound, so it cannot overflow).
    func rescaledConstant(_ factor: Int128) -> Self {
        let m = constant &* factor
        return Self(column: nil, constant: m, bound: m.magnitude, fits64: Int64(exactly: m) != nil)
    }

    /// The column multiplied by `factor` (bound checked by the caller).
    func scaledColumn(_ factor: Int128, _ n: Int) -> Self {
        guard let xs = column else { return rescaledConstant(factor) }
        let scaled = xs.withUnsafeBufferPointer { x in DecimalKernels.build(n) { o in for i in 0..<n { o[i] = x[i] &* factor } } }
        return Self(column: scaled, constant: 0, bound: bound &* factor.magnitude, fits64: false)
    }
}
