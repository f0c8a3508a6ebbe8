// The hash table of a hash join: the build rows grouped by bucket in one
// array (`bucketStart[b]..<bucketStart[b + 1]` are bucket b's slots, each
// bucket's rows in build order), with each slot's key (one int64 key) or
// row hash (other keys) stored beside its row number. A probe reads one
// bucket's slots one after the other instead of following a chain of row
// numbers through memory — which made every duplicate key a cache miss
// (TPC-H Q13: ~10 orders per customer). Built once, then only read, so any
// number of threads may probe it at the same time (the probe side's morsels
// run on all cores). Large builds run on several threads: the row hashes are
// computed in ranges, then every worker counts and places the rows of its own
// slice of the bucket array, so no two threads write the same slot and no
// atomics are needed. Rows with a NULL key are never placed (NULL matches
// nothing).

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
    /// cap + 1 offsets into the slots.
    private let bucketStart: ContiguousArray<Int32>
    private let slotRows: ContiguousArray<Int32>
    /// The slot's int64 key (`intKey`) or its row hash (other keys).
    private let slotTags: ContiguousArray<UInt64>
    private let mask: Int
    /// One int64 key: probes compare the integers directly and skip the hashes.
    private let intKey: Bool
    /// Build rows in the table (those without a NULL key).
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
        // index): each counts its buckets' rows, then (after one prefix sum) places them in
        // build order into its own slots.
        var partitions = 1
        if parallel { while partitions < workers { partitions <<= 1 } }
        while partitions > cap { partitions >>= 1 }
        var shift = 0
        while (cap >> shift) > partitions { shift += 1 }
        let mask = self.mask
        var starts = ContiguousArray<Int32>(repeating: 0, count: cap + 1)
        hashes.withUnsafeBufferPointer { hs in
            starts.withUnsafeMutableBufferPointer { st in
                let st = st
                parallelFor(partitions) { p in
                    for r in 0..<n {
                        let b = Int(truncatingIfNeeded: hs[r]) & mask
                        if b >> shift == p && !(nulls?[r] ?? false) { st[b + 1] += 1 }
                    }
                }
                for b in 0..<cap { st[b + 1] += st[b] }
            }
        }
        let linked = Int(starts[cap])
        var cursor = starts
        var rows = ContiguousArray<Int32>(repeating: 0, count: linked)
        var tags = ContiguousArray<UInt64>(repeating: 0, count: linked)
        hashes.withUnsafeBufferPointer { hs in
            cursor.withUnsafeMutableBufferPointer { cur in
                rows.withUnsafeMutableBufferPointer { rw in
                    tags.withUnsafeMutableBufferPointer { tg in
                        let cur = cur, rw = rw, tg = tg
                        let ints = intKey ? keys[0].ints : []
                        ints.withUnsafeBufferPointer { xs in
                            parallelFor(partitions) { p in
                                for r in 0..<n {
                                    let b = Int(truncatingIfNeeded: hs[r]) & mask
                                    guard b >> shift == p, !(nulls?[r] ?? false) else { continue }
                                    let k = Int(cur[b])
                                    cur[b] += 1
                                    rw[k] = Int32(r)
                                    tg[k] = intKey ? UInt64(bitPattern: xs[r]) : hs[r]
                                }
                            }
                        }
                    }
                }
            }
        }
        self.bucketStart = starts
        self.slotRows = rows
        self.slotTags = tags
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
    var overheadBytes: Int { bucketStart.count * 4 + slotRows.count * 4 + slotTags.count * 8 }

    /// Appends the (probe row, build row) pairs with equal keys, for each probe row its
    /// build rows in build order (only the first when `firstOnly`). Probe rows with a NULL
    /// key match nothing. Safe to call from several threads at once.
    func probe(_ probe: [KeyView], count n: Int, firstOnly: Bool, li: inout [Int32], ri: inout [Int32]) {
        guard linkedRows > 0, n > 0 else { return }
        let nulls = JoinHashTable.nullRows(probe, count: n)
        let mask = self.mask
        bucketStart.withUnsafeBufferPointer { starts in
            slotRows.withUnsafeBufferPointer { rows in
                slotTags.withUnsafeBufferPointer { tags in
                    if intKey {
                        // Two passes: first every row's bucket bounds (independent loads the CPU
                        // overlaps, where one chain walk at a time waits for each cache miss),
                        // then the slots.
                        var bounds = ContiguousArray<Int64>(unsafeUninitializedCapacity: n) { out, initialized in
                            probe[0].ints.withUnsafeBufferPointer { xs in
                                for i in 0..<n {
                                    let b = Int(truncatingIfNeeded: intKeyHash(xs[i])) & mask
                                    out[i] = Int64(starts[b]) << 32 | Int64(starts[b + 1])
                                }
                            }
                            initialized = n
                        }
                        if let nulls { for i in 0..<n where nulls[i] { bounds[i] = 0 } }
                        probe[0].ints.withUnsafeBufferPointer { xs in
                            for i in 0..<n {
                                let bound = bounds[i]
                                var k = Int(bound >> 32)
                                let end = Int(bound & 0xFFFF_FFFF)
                                guard k < end else { continue }
                                let tag = UInt64(bitPattern: xs[i])
                                while k < end {
                                    if tags[k] == tag {
                                        li.append(Int32(i)); ri.append(rows[k])
                                        if firstOnly { break }
                                    }
                                    k += 1
                                }
                            }
                        }
                        return
                    }
                    let probeHashes = hashRows(probe, count: n)
                    for i in 0..<n {
                        if let nulls, nulls[i] { continue }
                        let h = probeHashes[i]
                        let b = Int(truncatingIfNeeded: h) & mask
                        var k = Int(starts[b])
                        let end = Int(starts[b + 1])
                        while k < end {
                            if tags[k] == h && sameKeys(Int(rows[k]), probe, i) {
                                li.append(Int32(i)); ri.append(rows[k])
                                if firstOnly { break }
                            }
                            k += 1
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
