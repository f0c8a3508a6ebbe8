// approx_count_distinct(x) → bigint with HyperLogLog (precision 14: 16384
// one-byte registers, ~0.8% standard error). Values are hashed with our own
// 64-bit hash (a wyhash-style multiply-fold mix over the value's bytes).
// Small groups stay exact: each group starts "sparse", keeping its distinct
// 64-bit hashes (deduplicated by periodic sort); only a group with more than
// `sparseLimit` distinct hashes gets dense registers, in one flat register
// arena. Both forms merge: sparse into sparse by concatenation, anything into
// dense by register-wise max.

import Columnar

enum ValueHash {
    static let p0: UInt64 = 0xa076_1d64_78bd_642f
    static let p1: UInt64 = 0xe703_7ed1_a0b4_28db
    static let p2: UInt64 = 0x8ebc_6af0_9c88_c6e3

    /// 64×64→128 multiply folded to 64 bits (wyhash's core mixing step).
    @inline(__always)
    static func mum(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let r = a.multipliedFullWidth(by: b)
        return r.high ^ r.low
    }

    @inline(__always)
    static func hash(_ x: UInt64) -> UInt64 { mum(mum(x ^ p0, p1), p2 ^ 8) }

    @inline(__always)
    static func hash(_ hi: UInt64, _ lo: UInt64) -> UInt64 { mum(mum(hi ^ p0, lo ^ p1), p2 ^ 16) }

    @inline(__always)
    static func read64(_ b: UnsafeBufferPointer<UInt8>, _ at: Int) -> UInt64 {
        var v: UInt64 = 0
        for k in 0..<8 { v |= UInt64(b[at + k]) << (8 * UInt64(k)) }
        return v
    }

    /// Hash of a byte string: 16 bytes per round, tail zero-padded, length folded in.
    static func hash(bytes b: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var seed = p0 ^ UInt64(b.count)
        var i = 0
        while i + 16 <= b.count {
            seed = mum(read64(b, i) ^ p1, read64(b, i + 8) ^ seed)
            i += 16
        }
        var a: UInt64 = 0, c: UInt64 = 0
        var k = 0
        while i + k < b.count {
            if k < 8 { a |= UInt64(b[i + k]) << (8 * UInt64(k)) } else { c |= UInt64(b[i + k]) << (8 * UInt64(k - 8)) }
            k += 1
        }
        return mum(mum(a ^ p1, c ^ seed) ^ p2, UInt64(b.count) ^ p1)
    }

    /// One hash per row (rows that are NULL get an unused 0), equal SQL values hashing equal.
    static func hashes(_ v: Vector, count n: Int) -> ContiguousArray<UInt64> {
        var out = ContiguousArray<UInt64>(repeating: 0, count: n)
        switch v.type.physical {
        case .int64, .bool:
            let xs = v.type.physical == .bool ? ContiguousArray(Kernels.bools(v).lazy.map { Int64($0 ? 1 : 0) }) : Kernels.int64s(v)
            for i in 0..<min(n, xs.count) { out[i] = hash(UInt64(bitPattern: xs[i])) }
        case .float64:
            let xs = Kernels.doubles(v)
            for i in 0..<min(n, xs.count) {
                // -0.0 = 0.0 and all NaNs are one value in SQL.
                let d = xs[i] == 0 ? 0 : (xs[i].isNaN ? Double.nan : xs[i])
                out[i] = hash(d.bitPattern)
            }
        case .int128:
            let xs = Kernels.int128s(v)
            for i in 0..<min(n, xs.count) {
                out[i] = hash(UInt64(truncatingIfNeeded: xs[i] >> 64), UInt64(truncatingIfNeeded: xs[i]))
            }
        case .interval:
            let xs = Kernels.intervals(v)
            for i in 0..<min(n, xs.count) {
                // Intervals equal under PostgreSQL's comparison (1 mon = 30 days) hash equal.
                let key = xs[i].comparisonKey
                out[i] = hash(UInt64(truncatingIfNeeded: key >> 64), UInt64(truncatingIfNeeded: key))
            }
        case .string:
            let s = Kernels.strings(v)
            s.bytes.withUnsafeBufferPointer { b in
                for i in 0..<min(n, s.count) { out[i] = hash(bytes: UnsafeBufferPointer(rebasing: b[s.range(i)])) }
            }
        case .list:
            for i in 0..<n {
                var h = hash(UInt64(0x6c69_7374))
                if case .list(let items) = v.value(at: i) {
                    for item in items { h = mum(h ^ p1, UInt64(truncatingIfNeeded: item.hashValue) ^ p2) }
                }
                out[i] = h
            }
        }
        return out
    }
}

final class ApproxDistinctState: AggregateState {
    static let precision = 14
    static let registerCount = 1 << precision
    /// Distinct hashes a group may keep exactly before switching to registers.
    static let sparseLimit = 4096

    /// Per group: index of its dense register block, or -1 while sparse.
    var denseSlot = ContiguousArray<Int32>()
    var registers = ContiguousArray<UInt8>()
    /// Sparse entries (group, hash); deduplicated when they double since the last compaction.
    var sparseGroups = ContiguousArray<Int32>()
    var sparseHashes = ContiguousArray<UInt64>()
    var compactedSize = 0

    private func grow(_ n: Int) { AggregateSupport.grow(&denseSlot, to: n, with: -1) }

    @inline(__always)
    private func addDense(slot: Int, hash: UInt64) {
        let index = Int(hash >> UInt64(64 - ApproxDistinctState.precision))
        let rest = (hash << UInt64(ApproxDistinctState.precision)) | (1 << UInt64(ApproxDistinctState.precision - 1))
        let rank = UInt8(rest.leadingZeroBitCount + 1)
        let at = slot * ApproxDistinctState.registerCount + index
        if registers[at] < rank { registers[at] = rank }
    }

    private func makeDense(_ g: Int) -> Int {
        let slot = registers.count / ApproxDistinctState.registerCount
        registers.append(contentsOf: repeatElement(0, count: ApproxDistinctState.registerCount))
        denseSlot[g] = Int32(slot)
        return slot
    }

    /// Sorts and dedups sparse entries; groups over the limit move to dense registers.
    private func compact() {
        var pairs = ContiguousArray<(Int32, UInt64)>()
        pairs.reserveCapacity(sparseGroups.count)
        for k in 0..<sparseGroups.count { pairs.append((sparseGroups[k], sparseHashes[k])) }
        pairs.sort { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1 < $1.1 }
        var groupsOut = ContiguousArray<Int32>(), hashesOut = ContiguousArray<UInt64>()
        var k = 0
        while k < pairs.count {
            let g = pairs[k].0
            var end = k
            var distinct = 0
            while end < pairs.count && pairs[end].0 == g {
                if end == k || pairs[end].1 != pairs[end - 1].1 { distinct += 1 }
                end += 1
            }
            let gi = Int(g)
            if denseSlot[gi] >= 0 || distinct > ApproxDistinctState.sparseLimit {
                let slot = denseSlot[gi] >= 0 ? Int(denseSlot[gi]) : makeDense(gi)
                for j in k..<end { addDense(slot: slot, hash: pairs[j].1) }
            } else {
                for j in k..<end where j == k || pairs[j].1 != pairs[j - 1].1 {
                    groupsOut.append(g); hashesOut.append(pairs[j].1)
                }
            }
            k = end
        }
        sparseGroups = groupsOut
        sparseHashes = hashesOut
        compactedSize = sparseGroups.count
    }

    private func compactIfNeeded() {
        if sparseGroups.count > max(2 * compactedSize, 65_536) { compact() }
    }

    func update(groups: UnsafeBufferPointer<Int32>, groupCount: Int, arguments: [Vector], rowCount: Int) throws {
        try AggregateSupport.checkRows(groups, rowCount, arguments, arity: 1, groupCount: groupCount)
        grow(groupCount)
        let hashes = ValueHash.hashes(arguments[0], count: rowCount)
        let validity = AggregateSupport.validity(arguments[0], count: rowCount)
        // Locals keep the row loop on unique buffers instead of per-row property access.
        var regs = registers, sg = sparseGroups, sh = sparseHashes
        registers = []; sparseGroups = []; sparseHashes = []
        let shift = UInt64(64 - ApproxDistinctState.precision), p = UInt64(ApproxDistinctState.precision)
        denseSlot.withUnsafeBufferPointer { slots in
            hashes.withUnsafeBufferPointer { h in
                regs.withUnsafeMutableBufferPointer { r in
                    AggregateSupport.forEachValid(validity, count: rowCount) { i in
                        let g = Int(groups[i])
                        let slot = Int(slots[g])
                        if slot >= 0 {
                            let hash = h[i]
                            let rank = UInt8(((hash << p) | (1 << (p - 1))).leadingZeroBitCount + 1)
                            let at = slot &* ApproxDistinctState.registerCount &+ Int(hash >> shift)
                            if r[at] < rank { r[at] = rank }
                        } else {
                            sg.append(Int32(g)); sh.append(h[i])
                        }
                    }
                }
            }
        }
        registers = regs; sparseGroups = sg; sparseHashes = sh
        compactIfNeeded()
    }

    func merge(_ other: AggregateState, mapping: [Int32], groupCount: Int) throws {
        let o = try AggregateSupport.same(other, as: ApproxDistinctState.self)
        try AggregateSupport.checkMapping(mapping, otherGroups: o.denseSlot.count, groupCount: groupCount)
        grow(groupCount)
        for g in 0..<o.denseSlot.count where o.denseSlot[g] >= 0 {
            let t = Int(mapping[g])
            let slot = denseSlot[t] >= 0 ? Int(denseSlot[t]) : makeDense(t)
            let from = Int(o.denseSlot[g]) * ApproxDistinctState.registerCount
            let to = slot * ApproxDistinctState.registerCount
            for r in 0..<ApproxDistinctState.registerCount where registers[to + r] < o.registers[from + r] {
                registers[to + r] = o.registers[from + r]
            }
        }
        for k in 0..<o.sparseGroups.count {
            let t = Int(mapping[Int(o.sparseGroups[k])])
            if denseSlot[t] >= 0 { addDense(slot: Int(denseSlot[t]), hash: o.sparseHashes[k]) } else {
                sparseGroups.append(Int32(t)); sparseHashes.append(o.sparseHashes[k])
            }
        }
        compactIfNeeded()
    }

    /// HyperLogLog estimate with linear counting while many registers are empty.
    private func estimate(slot: Int) -> Int64 {
        let m = Double(ApproxDistinctState.registerCount)
        var sum = 0.0, zeros = 0
        let base = slot * ApproxDistinctState.registerCount
        for r in 0..<ApproxDistinctState.registerCount {
            let v = registers[base + r]
            if v == 0 { zeros += 1 }
            sum += Double(sign: .plus, exponent: -Int(v), significand: 1)
        }
        let alpha = 0.7213 / (1 + 1.079 / m)
        let raw = alpha * m * m / sum
        if raw <= 2.5 * m && zeros > 0 { return Int64((m * (m / Double(zeros)).logarithm).rounded()) }
        return Int64(raw.rounded())
    }

    func finish(groupCount: Int) throws -> Vector {
        grow(groupCount)
        compact()
        var out = ContiguousArray<Int64>(repeating: 0, count: groupCount)
        for g in 0..<groupCount where denseSlot[g] >= 0 { out[g] = estimate(slot: Int(denseSlot[g])) }
        for g in sparseGroups where Int(g) < groupCount && denseSlot[Int(g)] < 0 { out[Int(g)] += 1 }
        return Vector(type: .int64, count: groupCount, storage: .int64(out))
    }
}

private extension Double {
    var logarithm: Double {
        // Natural log via the binary exponent and an atanh series (no Foundation in this target).
        guard self > 0 else { return 0 }
        let e = Double(exponent)
        let mant = significand  // in [1, 2)
        let y = (mant - 1) / (mant + 1), y2 = y * y
        var term = y, sum = 0.0, k = 1.0
        for _ in 0..<30 { sum += term / k; term *= y2; k += 2 }
        return 2 * sum + e * 0.693_147_180_559_945_3
    }
}

func registerSketchAggregates(into registry: FunctionRegistry) {
    AggregateSupport.register(registry, ["approx_count_distinct"]) { _, types, _ in
        guard types.count == 1 else { return nil }
        let t = types[0] == .null ? DataType.text : types[0]
        return AggregateResolution(argumentTypes: [t], returnType: .int64) { ApproxDistinctState() }
    }
}
