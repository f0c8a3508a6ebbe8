// The hash table of a hash join: the build rows grouped by bucket in one
// array (`bucketStart[b]..<bucketStart[b + 1]` are bucket b's slots, each
// bucket's rows in build order), each slot holding its key (one int64 key) or
// row hash (other keys) beside its row number. A probe reads one bucket's
// slots one after the other instead of following a chain of row numbers
// through memory — which made every duplicate key a cache miss (TPC-H Q13:
// ~10 orders per customer). Built once, then only read, so any number of
// threads may probe it at the same time (the probe side's morsels run on all
// cores). Large builds run on several threads: the row hashes are computed in
// ranges, then every worker counts and places the rows of its own slice of
// the bucket array, so no two threads write the same slot and no atomics are
// needed. Rows with a NULL key are never placed (NULL matches nothing).
// Probes against a table larger than the cache are bound by its misses; they
// run in branch-free passes (so many misses overlap), skip the rows a Bloom
// filter rules out, and stop at the first match when the build's keys are
// unique (see `probe`). A unique int64 key over a range of at most 64K values
// or twice the rows (a dimension's surrogate key: customers, parts, products)
// skips all of that: its build rows sit in an array indexed by key - minimum, and a probe
// row costs one load, no hash (`denseRows`).

import Columnar
import Dispatch

/// Runs `body` for 0..<parts on the shared thread pool and waits for all of them.
func parallelFor(_ parts: Int, _ body: (Int) -> Void) {
    if parts <= 1 { if parts == 1 { body(0) }; return }
    DispatchQueue.concurrentPerform(iterations: parts, execute: body)
}

/// One placed build row: its int64 key (one int64 key) or its row hash (other keys) beside
/// its row number. One array of slots rather than two arrays (tags, rows): a probe that
/// finds its tag has the row in the same cache line, where two arrays cost two misses per
/// match against a build larger than the cache (TPC-H's orders, 1.5M rows at SF1).
struct JoinSlot {
    var tag: UInt64
    var row: Int32
}

final class JoinHashTable: @unchecked Sendable {
    let keys: [KeyView]
    let count: Int
    /// cap + 1 offsets into the slots.
    private let bucketStart: ContiguousArray<Int32>
    private let slots: ContiguousArray<JoinSlot>
    private let mask: Int
    /// One int64 key: probes compare the integers directly and skip the hashes.
    private let intKey: Bool
    /// Build rows in the table (those without a NULL key).
    let linkedRows: Int
    /// No two rows in the table share a key (the build side's key is unique, as a primary
    /// key is in most joins): a probe row has at most one partner, so its probe stops at the
    /// first match and the pairs need no more room than the probe rows.
    let uniqueKeys: Bool
    /// A blocked Bloom filter of the placed rows' hashes (two bits in one 64-bit word per
    /// row, about 16 bits per row), for tables too large for the core's cache: a probe row
    /// whose bits are not all set has no partner, and is dropped before it costs a miss in
    /// the bucket offsets and another in the slots (most probe rows, in a selective join).
    /// Empty for small tables, whose offsets and slots stay in cache anyway.
    private let filter: ContiguousArray<UInt64>
    private let filterMask: Int
    /// Dense mode (one unique int64 key, range at most `denseFloor` or twice the rows): the
    /// build row of key `denseBase + o` is `denseRows[o]` (-1: none), and the bucket arrays
    /// and the filter are empty. Empty otherwise.
    private let denseRows: ContiguousArray<Int32>
    private let denseBase: Int64
    /// Whether the table is in dense mode (tests).
    var isDense: Bool { !denseRows.isEmpty }
    static let denseFloor = 1 << 16

    /// Tables of at least this many rows get a filter (below, offsets and slots take < 1 MB).
    static let filterFromRows = 32_768

    @inline(__always) static func filterWord(_ h: UInt64, _ mask: Int) -> Int { Int(truncatingIfNeeded: h >> 32) & mask }
    @inline(__always) static func filterBits(_ h: UInt64) -> UInt64 { 1 << (h & 63) | 1 << ((h >> 6) & 63) }

    /// `parallelFrom`: builds of fewer rows run on one thread (threads would cost more than they save).
    /// `filterFrom`: tables of fewer placed rows get no Bloom filter (tests lower it).
    init(keys: [KeyView], count n: Int, workers: Int, parallelFrom: Int, filterFrom: Int = JoinHashTable.filterFromRows) {
        self.keys = keys
        self.count = n
        intKey = keys.count == 1 && keys[0].physical == .int64
        let nulls = JoinHashTable.nullRows(keys, count: n)
        if intKey, let dense = JoinHashTable.denseRows(keys[0], nulls: nulls, count: n) {
            denseRows = dense.rows; denseBase = dense.base
            linkedRows = dense.linked; uniqueKeys = true
            bucketStart = []; slots = []; mask = 0; filter = []; filterMask = -1
            return
        }
        denseRows = []; denseBase = 0
        var cap = 16
        while cap < n * 2 { cap <<= 1 }
        mask = cap - 1
        let parallel = workers > 1 && n >= max(1, parallelFrom)

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
        var slots = ContiguousArray<JoinSlot>(repeating: JoinSlot(tag: 0, row: 0), count: linked)
        hashes.withUnsafeBufferPointer { hs in
            cursor.withUnsafeMutableBufferPointer { cur in
                slots.withUnsafeMutableBufferPointer { sl in
                    let cur = cur, sl = sl
                    let ints = intKey ? keys[0].ints : []
                    ints.withUnsafeBufferPointer { xs in
                        parallelFor(partitions) { p in
                            for r in 0..<n {
                                let b = Int(truncatingIfNeeded: hs[r]) & mask
                                guard b >> shift == p, !(nulls?[r] ?? false) else { continue }
                                let k = Int(cur[b])
                                cur[b] += 1
                                sl[k] = JoinSlot(tag: intKey ? UInt64(bitPattern: xs[r]) : hs[r], row: Int32(r))
                            }
                        }
                    }
                }
            }
        }
        // Whether some key is in the table twice: each partition looks through its own
        // buckets (about one row each). Only equal keys share a bucket's tag (int keys) or
        // hash and key values (others); a bucket of more than `crowded` rows is taken as
        // holding duplicates without looking (almost surely true; false costs only speed).
        let crowded = 32
        var duplicated = ContiguousArray<Bool>(repeating: false, count: partitions)
        starts.withUnsafeBufferPointer { st in
            slots.withUnsafeBufferPointer { sl in
                duplicated.withUnsafeMutableBufferPointer { dup in
                    let dup = dup
                    parallelFor(partitions) { p in
                        for b in (p << shift)..<((p + 1) << shift) {
                            let s = Int(st[b]), e = Int(st[b + 1])
                            guard e - s > 1 else { continue }
                            if e - s > crowded { dup[p] = true; return }
                            for j in (s + 1)..<e {
                                for i in s..<j where sl[i].tag == sl[j].tag
                                    && (intKey || JoinHashTable.sameKeys(keys, Int(sl[i].row), keys, Int(sl[j].row))) {
                                    dup[p] = true; return
                                }
                            }
                        }
                    }
                }
            }
        }
        self.bucketStart = starts
        self.slots = slots
        self.linkedRows = linked
        self.uniqueKeys = !duplicated.contains(true)
        var words = 0
        if linked >= filterFrom {
            words = 1
            while words * 4 < linked { words <<= 1 }
        }
        var filter = ContiguousArray<UInt64>(repeating: 0, count: words)
        if words > 0 {
            let fmask = words - 1
            hashes.withUnsafeBufferPointer { hs in
                filter.withUnsafeMutableBufferPointer { f in
                    for r in 0..<n where !(nulls?[r] ?? false) {
                        f[JoinHashTable.filterWord(hs[r], fmask)] |= JoinHashTable.filterBits(hs[r])
                    }
                }
            }
        }
        self.filter = filter
        self.filterMask = words - 1
    }

    /// The dense form of one int64 key's build rows (see `denseRows`), or nil when a key
    /// repeats, the range is wider than `denseFloor` values and twice the rows, or every
    /// key is NULL. NULL keys are not placed.
    private static func denseRows(_ key: KeyView, nulls: ContiguousArray<Bool>?, count n: Int)
        -> (rows: ContiguousArray<Int32>, base: Int64, linked: Int)? {
        guard key.ints.count >= n else { return nil }
        var lo = Int64.max, hi = Int64.min, linked = 0
        key.ints.withUnsafeBufferPointer { xs in
            for r in 0..<n where !(nulls?[r] ?? false) {
                lo = Swift.min(lo, xs[r]); hi = Swift.max(hi, xs[r]); linked += 1
            }
        }
        guard linked > 0 else { return nil }
        let (span, overflow) = hi.subtractingReportingOverflow(lo)
        guard !overflow, span < Int64(Swift.max(denseFloor, 2 * linked)) else { return nil }
        var rows = ContiguousArray<Int32>(repeating: -1, count: Int(span) + 1)
        let unique = rows.withUnsafeMutableBufferPointer { d in
            key.ints.withUnsafeBufferPointer { xs in
                for r in 0..<n where !(nulls?[r] ?? false) {
                    let o = Int(xs[r] &- lo)
                    if d[o] >= 0 { return false }
                    d[o] = Int32(truncatingIfNeeded: r)
                }
                return true
            }
        }
        return unique ? (rows, lo, linked) : nil
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
    var overheadBytes: Int { bucketStart.count * 4 + slots.count * MemoryLayout<JoinSlot>.stride + filter.count * 8 + denseRows.count * 4 }

    /// Appends the (probe row, build row) pairs with equal keys, for each probe row its
    /// build rows in build order (only the first when `firstOnly`). Probe rows with a NULL
    /// key match nothing. Safe to call from several threads at once.
    ///
    /// Passes over the probe rows, all but the last without a data-dependent branch, so the
    /// CPU has many rows' cache misses in flight at once (a loop that walks one bucket at a
    /// time mispredicts its exit and waits for each miss in turn): the rows' hashes and, with
    /// a filter, the rows it keeps; their bucket bounds; the first slot of each bucket (the
    /// one a unique key's match is usually in), which also brings that slot into the cache;
    /// then the pairs, written through pointers. Against TPC-H SF1 (Q3, Q9, Q10, Q18 in one
    /// process) this took the probe from 13.5% to 10.2% of the profile.
    func probe(_ probe: [KeyView], count n: Int, firstOnly: Bool, li: inout [Int32], ri: inout [Int32]) {
        guard linkedRows > 0, n > 0 else { return }
        let nulls = JoinHashTable.nullRows(probe, count: n)
        if isDense {
            probeDense(probe[0], nulls: nulls, count: n, li: &li, ri: &ri)
            return
        }
        let mask = self.mask, last = linkedRows - 1, intKey = self.intKey
        // What a slot's tag is compared with: the key itself (int key) or the row hash.
        let tags: ContiguousArray<UInt64> = intKey
            ? probe[0].ints.withUnsafeBufferPointer { xs in
                ContiguousArray(unsafeUninitializedCapacity: n) { out, initialized in
                    for i in 0..<n { out[i] = UInt64(bitPattern: xs[i]) }
                    initialized = n
                }
            }
            : hashRows(probe, count: n)
        // The rows worth looking up, ascending, with their hashes: those without a NULL key
        // whose filter bits are set. Every row is written; the count advances only for the
        // kept ones. (An int key is hashed here, in a loop that also loads, which the
        // compiler does not vectorise: SSE2 has no 64-bit multiply, and its emulation of the
        // hash's two multiplies cost more than the scalar ones.)
        var hashes = ContiguousArray<UInt64>(repeating: 0, count: n)
        let candidates = ContiguousArray<Int32>(unsafeUninitializedCapacity: n) { out, initialized in
            var m = 0
            tags.withUnsafeBufferPointer { tg in
                hashes.withUnsafeMutableBufferPointer { hs in
                    let fmask = filterMask
                    filter.withUnsafeBufferPointer { f in
                        for i in 0..<n {
                            let h = intKey ? intKeyHash(Int64(bitPattern: tg[i])) : tg[i]
                            let bits = JoinHashTable.filterBits(h)
                            let pass = f.isEmpty || f[JoinHashTable.filterWord(h, fmask)] & bits == bits
                            hs[m] = h
                            out[m] = Int32(truncatingIfNeeded: i)
                            m += pass ? 1 : 0
                        }
                    }
                    if let nulls {
                        var kept = 0
                        for j in 0..<m where !nulls[Int(out[j])] { out[kept] = out[j]; hs[kept] = hs[j]; kept += 1 }
                        m = kept
                    }
                }
            }
            initialized = m
        }
        let m = candidates.count
        guard m > 0 else { return }
        let stopAtFirst = firstOnly || uniqueKeys
        let keys = self.keys
        bucketStart.withUnsafeBufferPointer { starts in
            slots.withUnsafeBufferPointer { sl in
                tags.withUnsafeBufferPointer { tg in
                    candidates.withUnsafeBufferPointer { cd in
                        let bounds = hashes.withUnsafeBufferPointer { hs in
                            ContiguousArray<Int64>(unsafeUninitializedCapacity: m) { bd, initialized in
                                for j in 0..<m {
                                    let b = Int(truncatingIfNeeded: hs[j]) & mask
                                    bd[j] = Int64(starts[b]) << 32 | Int64(starts[b + 1])
                                }
                                initialized = m
                            }
                        }
                        bounds.withUnsafeBufferPointer { bd in
                            // The build row in the bucket's first slot when its tag is the probe
                            // row's, else -1.
                            let first = ContiguousArray<Int32>(unsafeUninitializedCapacity: m) { fs, initialized in
                                for j in 0..<m {
                                    let s = Int(bd[j] >> 32), e = Int(bd[j] & 0xFFFF_FFFF)
                                    let slot = sl[min(s, last)]
                                    fs[j] = s < e && slot.tag == tg[Int(cd[j])] ? slot.row : -1
                                }
                                initialized = m
                            }
                            var next = 0, resume = -1   // the candidate to go on with, and its slot (-1: start it)
                            first.withUnsafeBufferPointer { fs in
                                JoinHashTable.writePairs(&li, &ri, room: stopAtFirst ? m : max(m, 64)) { lp, rp, room in
                                    var written = 0, j = next, from = resume
                                    rows: while j < m {
                                        let i = Int(cd[j])
                                        let s = Int(bd[j] >> 32), e = Int(bd[j] & 0xFFFF_FFFF)
                                        var k = s + 1
                                        if from >= 0 {
                                            k = from
                                        } else if fs[j] >= 0, intKey || JoinHashTable.sameKeys(keys, Int(fs[j]), probe, i) {
                                            // The first slot matches (its tag was compared in pass two).
                                            if written == room { from = s; break rows }
                                            lp[written] = Int32(truncatingIfNeeded: i); rp[written] = fs[j]
                                            written += 1
                                            if stopAtFirst { k = e }
                                        }
                                        let tag = tg[i]
                                        while k < e {
                                            let slot = sl[k]
                                            if slot.tag == tag && (intKey || JoinHashTable.sameKeys(keys, Int(slot.row), probe, i)) {
                                                if written == room { from = k; break rows }
                                                lp[written] = Int32(truncatingIfNeeded: i); rp[written] = slot.row
                                                written += 1
                                                if stopAtFirst { break }
                                            }
                                            k += 1
                                        }
                                        from = -1
                                        j += 1
                                    }
                                    next = j; resume = from
                                    return (written, j == m)
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// The dense table's probe: each row's partner is one load at its key's offset (a key
    /// outside the range, below or above, wraps to an offset past the end: the range ends at
    /// or below Int64.max, so no wrapped key lands inside it).
    private func probeDense(_ key: KeyView, nulls: ContiguousArray<Bool>?, count n: Int, li: inout [Int32], ri: inout [Int32]) {
        let base = denseBase, span = UInt64(denseRows.count)
        denseRows.withUnsafeBufferPointer { d in
            key.ints.withUnsafeBufferPointer { xs in
                JoinHashTable.writePairs(&li, &ri, room: n) { lp, rp, _ in
                    var written = 0
                    for i in 0..<n {
                        let o = UInt64(bitPattern: xs[i] &- base)
                        let r = o < span ? d[Int(o)] : -1
                        lp[written] = Int32(truncatingIfNeeded: i); rp[written] = r
                        written += r >= 0 && !(nulls?[i] ?? false) ? 1 : 0
                    }
                    return (written, true)
                }
            }
        }
    }

    /// Appends pairs to `li`/`ri` through pointers: `fill` gets room for `room` more pairs
    /// and says how many it wrote and whether it is done; while it is not, the arrays grow
    /// (twice the room each time) and it is called again to go on where it stopped.
    private static func writePairs(_ li: inout [Int32], _ ri: inout [Int32], room: Int,
                                   _ fill: (UnsafeMutablePointer<Int32>, UnsafeMutablePointer<Int32>, Int) -> (written: Int, done: Bool)) {
        var room = max(room, 1)
        while true {
            let base = li.count
            li.append(contentsOf: repeatElement(0, count: room))
            ri.append(contentsOf: repeatElement(0, count: room))
            let (written, done) = li.withUnsafeMutableBufferPointer { lp in
                ri.withUnsafeMutableBufferPointer { rp in fill(lp.baseAddress! + base, rp.baseAddress! + base, room) }
            }
            li.removeLast(room - written)
            ri.removeLast(room - written)
            if done { return }
            room *= 2
        }
    }

    /// Whether row `r` of `a` and row `i` of `b` (neither with a NULL key) hold equal keys.
    @inline(__always) private static func sameKeys(_ a: [KeyView], _ r: Int, _ b: [KeyView], _ i: Int) -> Bool {
        for c in 0..<a.count where !a[c].sameValue(r, b[c], i) { return false }
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
