// sum and avg over bigint and numeric input (the TPC-H revenue aggregates:
// sum(l_extendedprice * (1 - l_discount)), avg(l_quantity) …) as one state
// with an Int128 sum and an Int64 count per group. The count doubles as the
// "group has input" flag, so the row loop has no branch on it; NULLs are
// masked instead of branched on; a running bound on |sum| lets the loop add
// without overflow checks until 2^127 comes in sight, after which overflow is
// collected per batch and raised after the loop (22003, as before); one
// group (no GROUP BY) sums in registers; dictionary-encoded input is read
// through its codes.
// PostgreSQL's numeric is unbounded, so only Int128 overflow of a running sum
// is an error mid-way, and the 38-digit limit is checked on the final value.

import Columnar

final class DecimalSumState: AggregateState {
    enum Output {
        /// sum: the exact total at the input's scale.
        case sum(DataType)
        /// avg: total ÷ count rounded to `resultScale` digits.
        case mean(inputScale: Int, resultScale: Int)
    }

    let output: Output
    var sums = ContiguousArray<Int128>()
    var counts = ContiguousArray<Int64>()

    init(_ output: Output) { self.output = output }

    func update(groups: UnsafeBufferPointer<Int32>, groupCount: Int, arguments: [Vector], rowCount: Int) throws {
        try AggregateSupport.checkRows(groups, rowCount, arguments, arity: 1, groupCount: groupCount)
        AggregateSupport.grow(&sums, to: groupCount, with: 0)
        AggregateSupport.grow(&counts, to: groupCount, with: 0)
        let v = arguments[0]
        let validity = AggregateSupport.validity(v, count: rowCount)
        var overflow = false
        if v.type.physical == .int64 {
            let xs = Kernels.int64s(v)
            guard xs.count >= rowCount else { return }
            let wrapping = admit(valueBits: 63, rows: rowCount)
            xs.withUnsafeBufferPointer { x in
                accumulate(groups, groupCount, rowCount, validity, wrapping, &overflow) { Int128(x[$0]) }
            }
        } else if case .dictionary(let codes, let dictionary) = v.storage, case .int128(let entries) = dictionary.storage,
                  codes.count >= rowCount, !entries.isEmpty {
            // Parquet dictionary pages (l_quantity, l_discount): read through the codes, no expanded copy.
            // Codes out of range would be a reader bug; they are clamped rather than trusted.
            let last = entries.count - 1
            let wrapping = admit(valueBits: entries.withUnsafeBufferPointer { DecimalKernels.magnitudeBits($0) }, rows: rowCount)
            codes.withUnsafeBufferPointer { code in
                entries.withUnsafeBufferPointer { e in
                    accumulate(groups, groupCount, rowCount, validity, wrapping, &overflow) { e[min(max(Int(code[$0]), 0), last)] }
                }
            }
        } else {
            let xs = Kernels.int128s(v)
            guard xs.count >= rowCount else { return }
            xs.withUnsafeBufferPointer { x in
                let wrapping = admit(valueBits: DecimalKernels.magnitudeBits(UnsafeBufferPointer(rebasing: x[0..<rowCount])), rows: rowCount)
                accumulate(groups, groupCount, rowCount, validity, wrapping, &overflow) { x[$0] }
            }
        }
        if overflow { throw AggregateSupport.numericOverflow() }
    }

    /// An upper bound on |sum| of every group so far (rows × per-batch value bound, added up).
    /// While it stays below 2^127 no running sum can overflow Int128, so the row loop needs
    /// no overflow flag; once a batch could cross it, it saturates and every later batch is checked.
    private var magnitudeBound: UInt128 = 0

    /// Whether `rows` values of magnitude ≤ 2^valueBits can be added without overflow checks.
    private func admit(valueBits: Int, rows: Int) -> Bool {
        let rowBits = UInt128(max(rows, 1)).bitWidth - UInt128(max(rows, 1)).leadingZeroBitCount
        guard valueBits + rowBits < 127 else { magnitudeBound = .max; return false }
        let r = magnitudeBound.addingReportingOverflow(UInt128(rows) << valueBits)
        guard !r.overflow, r.partialValue < UInt128(1) << 127 else { magnitudeBound = .max; return false }
        magnitudeBound = r.partialValue
        return true
    }

    /// Adds value(i) of every valid row into its group; sets `overflow` when a checked sum left Int128.
    @inline(__always)
    private func accumulate(_ groups: UnsafeBufferPointer<Int32>, _ groupCount: Int, _ n: Int, _ validity: ContiguousArray<Bool>?,
                            _ wrapping: Bool, _ overflow: inout Bool, _ value: (Int) -> Int128) {
        if wrapping {
            accumulate(groups, groupCount, n, validity, &overflow, value) { a, x, _ in a &+= x }
        } else {
            accumulate(groups, groupCount, n, validity, &overflow, value) { a, x, o in
                let r = a.addingReportingOverflow(x)
                a = r.partialValue; o = o || r.overflow
            }
        }
    }

    @inline(__always)
    private func accumulate(_ groups: UnsafeBufferPointer<Int32>, _ groupCount: Int, _ n: Int, _ validity: ContiguousArray<Bool>?,
                            _ overflow: inout Bool, _ value: (Int) -> Int128, _ add: (inout Int128, Int128, inout Bool) -> Void) {
        var o = overflow
        sums.withUnsafeMutableBufferPointer { s in
            counts.withUnsafeMutableBufferPointer { c in
                if groupCount == 1 {
                    var total = s[0], count = c[0]
                    if let validity {
                        validity.withUnsafeBufferPointer { ok in
                            for i in 0..<n {
                                add(&total, ok[i] ? value(i) : 0, &o)
                                count &+= ok[i] ? 1 : 0
                            }
                        }
                    } else {
                        for i in 0..<n { add(&total, value(i), &o) }
                        count &+= Int64(n)
                    }
                    s[0] = total; c[0] = count
                    return
                }
                if let validity {
                    validity.withUnsafeBufferPointer { ok in
                        for i in 0..<n {
                            let g = Int(groups[i])
                            add(&s[g], ok[i] ? value(i) : 0, &o)
                            c[g] &+= ok[i] ? 1 : 0
                        }
                    }
                } else {
                    for i in 0..<n {
                        let g = Int(groups[i])
                        add(&s[g], value(i), &o)
                        c[g] &+= 1
                    }
                }
            }
        }
        overflow = o
    }

    func merge(_ other: AggregateState, mapping: [Int32], groupCount: Int) throws {
        let o = try AggregateSupport.same(other, as: DecimalSumState.self)
        try AggregateSupport.checkMapping(mapping, otherGroups: o.sums.count, groupCount: groupCount)
        AggregateSupport.grow(&sums, to: groupCount, with: 0)
        AggregateSupport.grow(&counts, to: groupCount, with: 0)
        let (bound, saturated) = magnitudeBound.addingReportingOverflow(o.magnitudeBound)
        magnitudeBound = saturated ? .max : bound
        for g in 0..<o.sums.count {
            let t = Int(mapping[g])
            let r = sums[t].addingReportingOverflow(o.sums[g])
            guard !r.overflow else { throw AggregateSupport.numericOverflow() }
            sums[t] = r.partialValue
            counts[t] &+= o.counts[g]
        }
    }

    func finish(groupCount: Int) throws -> Vector {
        AggregateSupport.grow(&sums, to: groupCount, with: 0)
        AggregateSupport.grow(&counts, to: groupCount, with: 0)
        var out = ContiguousArray<Int128>(repeating: 0, count: groupCount)
        var valid = ContiguousArray<Bool>(repeating: false, count: groupCount)
        let type: DataType
        switch output {
        case .sum(let t):
            type = t
            for g in 0..<groupCount where counts[g] > 0 {
                out[g] = try AggregateSupport.checkDecimal(sums[g])
                valid[g] = true
            }
        case .mean(let inputScale, let resultScale):
            type = .decimal(precision: 38, scale: resultScale)
            for g in 0..<groupCount where counts[g] > 0 {
                out[g] = try AggregateSupport.decimalMean(sum: sums[g], count: counts[g], sumScale: inputScale, scale: resultScale)
                valid[g] = true
            }
        }
        return Vector(type: type, count: groupCount, storage: .int128(out), validity: valid)
    }
}
