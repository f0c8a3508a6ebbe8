// The hash table of a hash join: the build rows chained per bucket
// (`heads[bucket]` → `nextRow[row]` → …, each chain in build order) over
// precomputed 64-bit row hashes. Built once, then only read, so any number
// of threads may probe it at the same time (the probe side's morsels run on
// all cores). Large builds run on several threads: the row hashes are computed
// in ranges, then every worker links the rows of its own slice of the bucket
// array, so no two threads write the same slot and no atomics are needed.
// Rows with a NULL key are never linked (NULL matches nothing).

import Columnar
import Dispatch

/// Runs `body` for 0..<parts on the shared thread pool and waits for all of them.
func parallelFor(_ parts: Int, _ body: (Int) -> Void) {
    if parts <= 1 { if parts == 1 { body(0) }; return }
    DispatchQueue.concurrentPerform(iterations: parts, execute: body)
}

final class JoinHashTable: @unchecked Sendable {
    let keys: [KeyView]
    let count: Int
    private let hashes: ContiguousArray<UInt64>
    private let heads: ContiguousArray<Int32>
    private let nextRow: ContiguousArray<Int32>
    private let mask: Int
    /// One int64 key: probes compare the integers directly and skip the hashes.
    private let intKey: Bool
    /// Build rows in the chains (those without a NULL key).
    let linkedRows: Int

    /// `parallelFrom`: builds of fewer rows run on one thread (threads would cost more than they save).
    init(keys: [KeyView], count n: Int, workers: Int, parallelFrom: Int) {
        self.keys = keys
        self.count = n
        intKey = keys.count == 1 && keys[0].physical == .int64
        var cap = 16
        while cap < n * 2 { cap <<= 1 }
        mask = cap - 1
        let parallel = workers > 1 && n >= max(1, parallelFrom)
        let nulls = JoinHashTable.nullRows(keys, count: n)

        var hashes = ContiguousArray<UInt64>(repeating: 0, count: n)
        let chunks = parallel ? workers * 4 : 1
        let keys = self.keys, intKey = self.intKey
        hashes.withUnsafeMutableBufferPointer { out in
            let out = out
            parallelFor(chunks) { c in
                let lo = n * c / chunks, hi = n * (c + 1) / chunks
                if intKey {
                    keys[0].ints.withUnsafeBufferPointer { xs in
                        for i in lo..<hi { out[i] = intKeyHash(xs[i]) }
                    }
                } else {
                    for i in lo..<hi {
                        var h = rowHashSeed
                        for k in keys { h = combineKeyHash(h, keyHash(k, i)) }
                        out[i] = h
                    }
                }
            }
        }

        // Partitions own contiguous slices of the bucket array (the top bits of a bucket
        // index); each links its rows from last to first so every chain reads in build order.
        var partitions = 1
        if parallel { while partitions < workers { partitions <<= 1 } }
        while partitions > cap { partitions >>= 1 }
        var shift = 0
        while (cap >> shift) > partitions { shift += 1 }
        var heads = ContiguousArray<Int32>(repeating: -1, count: cap)
        var nextRow = ContiguousArray<Int32>(repeating: -1, count: n)
        let mask = self.mask
        var linked = 0
        hashes.withUnsafeBufferPointer { hs in
            heads.withUnsafeMutableBufferPointer { hd in
                nextRow.withUnsafeMutableBufferPointer { nx in
                    let hd = hd, nx = nx
                    parallelFor(partitions) { p in
                        var r = n - 1
                        while r >= 0 {
                            let b = Int(truncatingIfNeeded: hs[r]) & mask
                            if b >> shift == p && !(nulls?[r] ?? false) {
                                nx[r] = hd[b]
                                hd[b] = Int32(r)
                            }
                            r -= 1
                        }
                    }
                }
            }
        }
        if let nulls { for isNull in nulls where !isNull { linked += 1 } } else { linked = n }
        self.hashes = hashes
        self.heads = heads
        self.nextRow = nextRow
        self.linkedRows = linked
    }

    /// Rows where some key is NULL, or nil when there are none.
    static func nullRows(_ keys: [KeyView], count n: Int) -> ContiguousArray<Bool>? {
        var result: ContiguousArray<Bool>? = nil
        for k in keys {
            guard let nulls = k.nulls else { continue }
            if result == nil { result = nulls } else { for i in 0..<n where nulls[i] { result![i] = true } }
        }
        return result
    }

    /// Bytes held besides the build rows (for memory accounting).
    var overheadBytes: Int { hashes.count * 8 + nextRow.count * 4 + heads.count * 4 }

    /// Appends the (probe row, build row) pairs with equal keys, for each probe row its
    /// build rows in build order (only the first when `firstOnly`). Probe rows with a NULL
    /// key match nothing. Safe to call from several threads at once.
    func probe(_ probe: [KeyView], count n: Int, firstOnly: Bool, li: inout [Int32], ri: inout [Int32]) {
        guard linkedRows > 0, n > 0 else { return }
        let nulls = JoinHashTable.nullRows(probe, count: n)
        let mask = self.mask
        heads.withUnsafeBufferPointer { heads in
            nextRow.withUnsafeBufferPointer { nextRow in
                if intKey {
                    keys[0].ints.withUnsafeBufferPointer { stored in
                        probe[0].ints.withUnsafeBufferPointer { xs in
                            for i in 0..<n {
                                if let nulls, nulls[i] { continue }
                                let x = xs[i]
                                var r = heads[Int(truncatingIfNeeded: intKeyHash(x)) & mask]
                                while r >= 0 {
                                    if stored[Int(r)] == x {
                                        li.append(Int32(i)); ri.append(r)
                                        if firstOnly { break }
                                    }
                                    r = nextRow[Int(r)]
                                }
                            }
                        }
                    }
                    return
                }
                let probeHashes = hashRows(probe, count: n)
                hashes.withUnsafeBufferPointer { stored in
                    for i in 0..<n {
                        if let nulls, nulls[i] { continue }
                        let h = probeHashes[i]
                        var r = heads[Int(truncatingIfNeeded: h) & mask]
                        while r >= 0 {
                            if stored[Int(r)] == h && sameKeys(Int(r), probe, i) {
                                li.append(Int32(i)); ri.append(r)
                                if firstOnly { break }
                            }
                            r = nextRow[Int(r)]
                        }
                    }
                }
            }
        }
    }

    private func sameKeys(_ r: Int, _ probe: [KeyView], _ i: Int) -> Bool {
        for c in 0..<keys.count where !keys[c].sameValue(r, probe[c], i) { return false }
        return true
    }
}

extension KeyView {
    /// Whether row `i` here and row `j` of `other` (same physical type, neither NULL) hold
    /// the same key; doubles compare as KeyTable does (NaN equals NaN, -0 equals 0).
    @inline(__always) func sameValue(_ i: Int, _ other: KeyView, _ j: Int) -> Bool {
        switch physical {
        case .int64: return ints[i] == other.ints[j]
        case .float64: return normalizedDoubleBits(doubles[i]) == normalizedDoubleBits(other.doubles[j])
        case .int128: return wides[i] == other.wides[j]
        case .bool: return bools[i] == other.bools[j]
        case .interval: return intervals[i].comparisonKey == other.intervals[j].comparisonKey
        case .string, .list:
            let r1 = strings.range(i), r2 = other.strings.range(j)
            if r1.count != r2.count { return false }
            return strings.bytes.withUnsafeBufferPointer { p1 in
                other.strings.bytes.withUnsafeBufferPointer { p2 in
                    memcmpEqual(p1.baseAddress.map { $0 + r1.lowerBound }, p2.baseAddress.map { $0 + r2.lowerBound }, r1.count)
                }
            }
        }
    }
}
