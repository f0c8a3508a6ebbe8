// sum and avg over bigint and numeric input (the TPC-H revenue aggregates:
// sum(l_extendedprice * (1 - l_discount)), avg(l_quantity) …) as one state
// with an Int128 sum and an Int64 count per group. The count doubles as the
// "group has input" flag, so the row loop has no branch on it; NULLs are
// masked instead of branched on; a running bound on |sum| lets the loop add
// without overflow checks until 2^127 comes in sight, after which overflow is
// collected per batch and raised after the loop (22003, as before); one
// group (no GROUP BY) sums in registers; a few groups sum into interleaved
// Int64 partials; dictionary-encoded input is read through its codes.
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
            let mode = admit(valueBits: 63, rows: rowCount)
            xs.withUnsafeBufferPointer { x in
                accumulate(groups, groupCount, rowCount, validity, mode, &overflow) { Int128(x[$0]) }
            }
        } else if case .dictionary(let codes, let dictionary) = v.storage, case .int128(let entries) = dictionary.storage,
                  codes.count >= rowCount, !entries.isEmpty {
            // Parquet dictionary pages (l_quantity, l_discount): read through the codes, no expanded copy.
            // Codes out of range would be a reader bug; they are clamped rather than trusted.
            let last = entries.count - 1
            let mode = admit(valueBits: dictionaryBits(dictionary, entries), rows: rowCount)
            codes.withUnsafeBufferPointer { code in
                entries.withUnsafeBufferPointer { e in
                    accumulate(groups, groupCount, rowCount, validity, mode, &overflow) { e[min(max(Int(code[$0]), 0), last)] }
                }
            }
        } else {
            let xs = Kernels.int128s(v)
            guard xs.count >= rowCount else { return }
            let mode = admit(valueBits: DecimalKernels.magnitudeBits(v, xs, count: rowCount), rows: rowCount)
            xs.withUnsafeBufferPointer { x in
                accumulate(groups, groupCount, rowCount, validity, mode, &overflow) { x[$0] }
            }
        }
        if overflow { throw AggregateSupport.numericOverflow() }
    }

    /// The magnitude bound of the dictionary the last batch read through. The parts of a row
    /// group share one decoded dictionary (up to a dictionary page of entries), so bounding it
    /// once instead of once per batch keeps the bound's cost per row, not per entry.
    /// Vectors are immutable, so identity decides.
    private var boundedDictionary: (dictionary: Vector, bits: Int)?

    private func dictionaryBits(_ dictionary: Vector, _ entries: ContiguousArray<Int128>) -> Int {
        if let known = boundedDictionary, known.dictionary === dictionary { return known.bits }
        let bits = DecimalKernels.magnitudeBits(dictionary, entries, count: entries.count)
        boundedDictionary = (dictionary, bits)
        return bits
    }

    /// An upper bound on |sum| of every group so far (rows × per-batch value bound, added up).
    /// While it stays below 2^127 no running sum can overflow Int128, so the row loop needs
    /// no overflow flag; once a batch could cross it, it saturates and every later batch is checked.
    private var magnitudeBound: UInt128 = 0

    enum Mode {
        /// Sums may leave Int128: every add reports overflow.
        case checked
        /// No running sum can leave Int128.
        case wrapping
        /// Also this batch's total per group stays below 2^62, so Int64 partial sums are exact.
        case narrow
    }

    /// How `rows` values of magnitude ≤ 2^valueBits may be added.
    private func admit(valueBits: Int, rows: Int) -> Mode {
        let rowBits = UInt128(max(rows, 1)).bitWidth - UInt128(max(rows, 1)).leadingZeroBitCount
        guard valueBits + rowBits < 127 else { magnitudeBound = .max; return .checked }
        let batch = UInt128(rows) << valueBits
        let r = magnitudeBound.addingReportingOverflow(batch)
        guard !r.overflow, r.partialValue < UInt128(1) << 127 else { magnitudeBound = .max; return .checked }
        magnitudeBound = r.partialValue
        return batch < UInt128(1) << 62 ? .narrow : .wrapping
    }

    /// Adds value(i) of every valid row into its group; sets `overflow` when a checked sum left Int128.
    @inline(__always)
    private func accumulate(_ groups: UnsafeBufferPointer<Int32>, _ groupCount: Int, _ n: Int, _ validity: ContiguousArray<Bool>?,
                            _ mode: Mode, _ overflow: inout Bool, _ value: (Int) -> Int128) {
        if mode == .narrow && validity == nil && groupCount > 1 && groupCount <= 64 {
            accumulateInLanes(groups, groupCount, n, value)
        } else if mode != .checked {
            accumulate(groups, groupCount, n, validity, &overflow, value) { a, x, _ in a &+= x }
        } else {
            accumulate(groups, groupCount, n, validity, &overflow, value) { a, x, o in
                let r = a.addingReportingOverflow(x)
                a = r.partialValue; o = o || r.overflow
            }
        }
    }

    /// Few groups (Q1's four): rows hitting the same group back to back would chain every
    /// add through memory. Four Int64 partial sums per group, picked by row number, keep
    /// consecutive adds independent; the partials fold into the Int128 sums at the end.
    @inline(__always)
    private func accumulateInLanes(_ groups: UnsafeBufferPointer<Int32>, _ groupCount: Int, _ n: Int, _ value: (Int) -> Int128) {
        withUnsafeTemporaryAllocation(of: Int64.self, capacity: 8 * groupCount) { lanes in
            guard let base = lanes.baseAddress else { return }
            base.initialize(repeating: 0, count: 8 * groupCount)
            let partial = base, rows = base + 4 * groupCount
            for i in 0..<n {
                let slot = Int(groups[i]) &* 4 &+ (i & 3)
                partial[slot] &+= Int64(truncatingIfNeeded: value(i))
                rows[slot] &+= 1
            }
            sums.withUnsafeMutableBufferPointer { s in
                counts.withUnsafeMutableBufferPointer { c in
                    for g in 0..<groupCount {
                        let k = g * 4
                        s[g] &+= Int128(partial[k]) &+ Int128(partial[k + 1]) &+ Int128(partial[k + 2]) &+ Int128(partial[k + 3])
                        c[g] &+= rows[k] &+ rows[k + 1] &+ rows[k + 2] &+ rows[k + 3]
                    }
                }
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
        // Raw buffers: indexing the class's arrays per group costs a dynamic exclusivity check
        // (swift_beginAccess/endAccess) per access, which dominated this loop in Q18.
        let otherSums = o.sums, otherCounts = o.counts
        let n = min(otherSums.count, otherCounts.count)
        var overflow = false
        otherSums.withUnsafeBufferPointer { os in
            otherCounts.withUnsafeBufferPointer { oc in
                mapping.withUnsafeBufferPointer { m in
                    sums.withUnsafeMutableBufferPointer { s in
                        counts.withUnsafeMutableBufferPointer { c in
                            for g in 0..<n {
                                let t = Int(m[g])
                                let r = s[t].addingReportingOverflow(os[g])
                                if r.overflow { overflow = true; return }
                                s[t] = r.partialValue
                                c[t] &+= oc[g]
                            }
                        }
                    }
                }
            }
        }
        if overflow { throw AggregateSupport.numericOverflow() }
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
