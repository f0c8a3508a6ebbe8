// A hash table from multi-column keys to dense ids (0, 1, 2 … in first-seen
// order), used by hash aggregation, hash joins, DISTINCT and set
// operations. Open addressing with linear probing over precomputed 64-bit
// row hashes; each slot packs the hash's high 32 bits (a tag) with the
// group id, so a probe that meets another group's slot rejects it without
// a second cache miss into that group's stored keys. Keys are stored
// column-wise in typed arrays so comparisons read typed buffers. NULLs compare equal to each other here (GROUP BY and
// set-operation semantics); joins filter NULL keys out before probing.

import Columnar
import Functions

/// One key column of a probe batch, expanded to plain typed storage.
/// A class, not a struct: the key loops pass a batch's views per row and per column, and a
/// struct of eight arrays was copied (and each array retained and released) at every pass.
final class KeyView {
    let physical: PhysicalType
    let nulls: ContiguousArray<Bool>?   // true = NULL
    let ints: ContiguousArray<Int64>
    let doubles: ContiguousArray<Double>
    let wides: ContiguousArray<Int128>
    let bools: ContiguousArray<Bool>
    let strings: StringColumn
    let intervals: ContiguousArray<Interval>

    init(_ v: Vector) {
        physical = v.type.physical
        if v.hasNulls {
            var n = ContiguousArray<Bool>(repeating: false, count: v.count)
            for i in 0..<v.count where v.isNull(i) { n[i] = true }
            nulls = n
        } else { nulls = nil }
        ints = physical == .int64 ? Kernels.int64s(v) : []
        doubles = physical == .float64 ? Kernels.doubles(v) : []
        wides = physical == .int128 ? Kernels.int128s(v) : []
        bools = physical == .bool ? Kernels.bools(v) : []
        switch physical {
        case .string: strings = Kernels.strings(v)
        case .list: strings = StringColumn((0..<v.count).map { "\(v.value(at: $0))" })
        default: strings = StringColumn()
        }
        intervals = physical == .interval ? Kernels.intervals(v) : []
    }

    @inline(__always) func isNull(_ i: Int) -> Bool { nulls?[i] ?? false }
}

@inline(__always) func mix64(_ x: UInt64) -> UInt64 {
    var z = x &+ 0x9E37_79B9_7F4A_7C15
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
}

@inline(__always) func normalizedDoubleBits(_ d: Double) -> UInt64 {
    if d.isNaN { return 0x7FF8_0000_0000_0000 }
    if d == 0 { return 0 }
    return d.bitPattern
}

func hashBytes(_ p: UnsafeBufferPointer<UInt8>) -> UInt64 {
    var h: UInt64 = 0xCBF2_9CE4_8422_2325
    var i = 0
    let n = p.count
    while i + 8 <= n {
        var w: UInt64 = 0
        for k in 0..<8 { w |= UInt64(p[i + k]) << (8 * UInt64(k)) }
        h = mix64(h ^ w)
        i += 8
    }
    var tail: UInt64 = UInt64(n) << 56
    var shift: UInt64 = 0
    while i < n { tail ^= UInt64(p[i]) << shift; shift += 8; i += 1 }
    return mix64(h ^ tail)
}

/// The row hash `hashRows` gives a single non-NULL int64 key.
@inline(__always) func intKeyHash(_ x: Int64) -> UInt64 {
    mix64(0x51_7CC1_B727_220A &* 0x100_0000_01B3 ^ mix64(UInt64(bitPattern: x)))
}

/// The hash of one key value (NULL hashes to a fixed value).
@inline(__always) func keyHash(_ k: KeyView, _ i: Int) -> UInt64 {
    if k.isNull(i) { return 0x2545_F491_4F6C_DD1D }
    switch k.physical {
    case .int64: return mix64(UInt64(bitPattern: k.ints[i]))
    case .float64: return mix64(normalizedDoubleBits(k.doubles[i]))
    case .int128: return mix64(UInt64(truncatingIfNeeded: k.wides[i]) ^ mix64(UInt64(truncatingIfNeeded: k.wides[i] >> 64)))
    case .bool: return k.bools[i] ? 0x1234_5678 : 0x8765_4321
    case .interval:
        let c = k.intervals[i].comparisonKey
        return mix64(UInt64(truncatingIfNeeded: c) ^ mix64(UInt64(truncatingIfNeeded: c >> 64)))
    case .string, .list:
        let r = k.strings.range(i)
        return k.strings.bytes.withUnsafeBufferPointer { hashBytes(UnsafeBufferPointer(rebasing: $0[r])) }
    }
}

/// The seed every row hash starts from; `combineKeyHash` folds in one key column.
let rowHashSeed: UInt64 = 0x51_7CC1_B727_220A
@inline(__always) func combineKeyHash(_ row: UInt64, _ key: UInt64) -> UInt64 { mix64(row &* 0x100_0000_01B3 ^ key) }

/// Row hashes of key columns (NULL hashes to a fixed value).
func hashRows(_ keys: [KeyView], count: Int) -> ContiguousArray<UInt64> {
    var hashes = ContiguousArray<UInt64>(repeating: rowHashSeed, count: count)
    for k in keys {
        if k.physical == .int64, k.nulls == nil, k.ints.count >= count {
            // The common integer key: the same hash as keyHash, without its per-row switch.
            k.ints.withUnsafeBufferPointer { xs in
                hashes.withUnsafeMutableBufferPointer { hs in
                    for i in 0..<count { hs[i] = combineKeyHash(hs[i], mix64(UInt64(bitPattern: xs[i]))) }
                }
            }
            continue
        }
        if k.physical == .int128, k.nulls == nil, k.wides.count >= count {
            // Numerics (extract(hour …) is one): keyHash's formula, again without the switch.
            k.wides.withUnsafeBufferPointer { xs in
                hashes.withUnsafeMutableBufferPointer { hs in
                    for i in 0..<count {
                        let w = xs[i]
                        let h = mix64(UInt64(truncatingIfNeeded: w) ^ mix64(UInt64(truncatingIfNeeded: w >> 64)))
                        hs[i] = combineKeyHash(hs[i], h)
                    }
                }
            }
            continue
        }
        for i in 0..<count { hashes[i] = combineKeyHash(hashes[i], keyHash(k, i)) }
    }
    return hashes
}

/// A slot of the key table: 0 when empty, else the row hash's high 32 bits (the tag)
/// over group id + 1. Probe positions use the hash's low bits, so the tag is independent
/// of the position and tells apart groups that collide on a position.
@inline(__always) func keySlot(_ h: UInt64, _ id: Int32) -> UInt64 {
    (h & 0xFFFF_FFFF_0000_0000) | UInt64(UInt32(bitPattern: id) &+ 1)
}
@inline(__always) func keySlotTagMatches(_ slot: UInt64, _ h: UInt64) -> Bool { (slot ^ h) >> 32 == 0 }
@inline(__always) func keySlotGroup(_ slot: UInt64) -> Int32 { Int32(truncatingIfNeeded: UInt32(truncatingIfNeeded: slot) &- 1) }

final class KeyTable {
    let types: [DataType]
    private(set) var count = 0
    private var stores: [KeyStoreColumn]
    private var groupHashes = ContiguousArray<UInt64>()
    private var slots: ContiguousArray<UInt64>
    private var mask: Int
    /// Dense mode (one integer key whose values span a range not much wider than the number
    /// of keys, e.g. ids or sorted order keys, or any range of at most `denseFloor` values):
    /// the id of key `denseBase + o` is `dense[o]` (-1 = not seen), so a lookup neither hashes
    /// nor misses the cache when keys arrive clustered, and misses it once (into an array of
    /// at most a megabyte) when they do not. nil once the table is in hash mode; `leaveDense` switches for good, after
    /// which `groupHashes` and `slots` describe every group.
    private var dense: ContiguousArray<Int32>?
    /// Ranges up to this many values stay dense whatever the number of keys: a morsel's table
    /// of customer or part ids sees a few thousand keys spread over the whole id range at
    /// first (TPC-H Q13's 150,000 customers), and one megabyte of ids beats hashing them.
    static let denseFloor = 1 << 18
    private var denseBase: Int64 = 0
    /// A single-integer table in hash mode looks again at its keys' range when its count
    /// reaches this (doubling each time, so the look costs O(1) per key): once the keys fill
    /// their range as densely as dense mode asks (a range under eight slots per key), the
    /// table returns to dense mode. A morsel's table of customer ids at TPC-H SF10 (1.5M ids)
    /// left dense mode on its first batch, whose few thousand keys spread over the whole range,
    /// and then hashed hundreds of thousands of keys that fill it (39% of Q13's samples).
    private var nextDenseCheck = 4_096
    /// Whether the table is in dense mode (tests).
    var isDense: Bool { dense != nil }
    /// Whether the table split and its body is packed (tests); nil when it did not split.
    var splitIsPacked: Bool? { split?.packed }
    /// Prefix mode (PrefixSplit): set by the first batch when it holds it; `splitDecided` is
    /// true once a first lookup has fixed the mode for good.
    private var split: PrefixSplit?
    private var splitDecided = false
    /// Group ids of the code combinations of the last key code domains seen (KeyCodes).
    private var knownCodes: KeyCodeIds?
    /// Whether the last batch went through the map of code combinations (tests).
    private(set) var mapsKeyCodes = false

    /// Tables that must never split (a split's own parts).
    fileprivate func markUnsplit() { splitDecided = true }

    init(types: [DataType], capacity: Int = 1024) {
        self.types = types
        stores = types.map { KeyStoreColumn(type: $0) }
        if types.count == 1, types[0].physical == .int64 { dense = [] }
        var cap = 16
        while cap < capacity * 2 { cap <<= 1 }
        slots = ContiguousArray(repeating: 0, count: cap)
        mask = cap - 1
    }

    /// Group ids for each row of key vectors, inserting unseen keys. When every key is
    /// dictionary-encoded (Parquet dictionary pages) with few combinations of codes, each
    /// combination is looked up once per batch, in first-seen row order so group ids come
    /// out exactly as row-by-row insertion gives them; other keys take the KeyView path.
    /// `hashes`, when the caller has them, are `hashRows` of these keys (see the KeyView form).
    func findOrInsert(vectors: [Vector], count n: Int, hashes: ContiguousArray<UInt64>? = nil) -> ContiguousArray<Int32> {
        if let split {
            let ids = split.findOrInsert(vectors: vectors, count: n)
            count = split.body.count
            return ids
        }
        let coded = n > 0 && !vectors.isEmpty ? KeyCodes(vectors, count: n, known: knownCodes) : nil
        if !splitDecided {
            splitDecided = true
            // Keys that all code (dictionaries, small integer ranges) need no split.
            if count == 0 && coded == nil, let split = PrefixSplit(types: types, firstBatch: vectors, count: n) {
                self.split = split
                return findOrInsert(vectors: vectors, count: n, hashes: hashes)
            }
        }
        mapsKeyCodes = false
        guard let coded, coded.outOfRange == false else {
            return findOrInsert(vectors.map(KeyView.init), count: n, hashes: hashes)
        }
        let codes = coded.codes, radix = coded.radix
        // Batches cut from one row group share its dictionaries, and batches of a small integer
        // range its range: the combination -> id map found for them carries over.
        if knownCodes?.domains != coded.domains {
            knownCodes = KeyCodeIds(domains: coded.domains, combinations: coded.combinations)
        }
        guard let known = knownCodes else { return findOrInsert(vectors.map(KeyView.init), count: n, hashes: hashes) }
        mapsKeyCodes = true
        // Combined codes first (a column at a time), then one pass maps them to ids.
        var combined = codes[0]
        var scale = radix[0]
        for k in 1..<codes.count {
            let factor = Int32(scale)
            combined.withUnsafeMutableBufferPointer { out in
                codes[k].withUnsafeBufferPointer { c in
                    for i in 0..<n { out[i] &+= c[i] &* factor }
                }
            }
            scale *= radix[k]
        }
        var ids = ContiguousArray<Int32>(repeating: 0, count: n)
        var missing: [Int] = []
        combined.withUnsafeBufferPointer { c in
            known.ids.withUnsafeBufferPointer { k in
                ids.withUnsafeMutableBufferPointer { out in
                    for i in 0..<n {
                        let id = k[Int(c[i])]
                        out[i] = id
                        if id < 0 { missing.append(i) }
                    }
                }
            }
        }
        // Unseen combinations, in row order (group ids come out as row-by-row insertion gives them).
        for i in missing {
            let code = Int(combined[i])
            var id = known.ids[code]
            if id < 0 {
                id = findOrInsert(vectors.map { KeyView($0.gather([Int32(i)])) }, count: 1)[0]
                known.ids[code] = id
            }
            ids[i] = id
        }
        return ids
    }

    /// Group ids for each row, inserting unseen keys. `hashes`: the rows' `hashRows(keys)` when
    /// the caller computed them already (PartitionedDistinct partitions rows by them); the
    /// hashed paths then skip hashing again, the others do not hash.
    func findOrInsert(_ keys: [KeyView], count n: Int, hashes: ContiguousArray<UInt64>? = nil) -> ContiguousArray<Int32> {
        if keys.isEmpty {
            // An aggregate without GROUP BY: every row is the one group. The general path would
            // hash and probe an empty key per row (half of `SELECT sum(x) FROM t`).
            if count == 0 && n > 0 { _ = findOrInsertGeneral(keys, hashes: hashRows(keys, count: 1), count: 1) }
            return ContiguousArray(repeating: 0, count: n)
        }
        splitDecided = true
        if let split {
            let ids = split.findOrInsert(keys, count: n)
            count = split.body.count
            return ids
        }
        if keys.count == 1, keys[0].physical == .int64, keys[0].nulls == nil {
            if dense != nil, let ids = findOrInsertDense(keys[0], count: n) { return ids }
            return findOrInsertInts(keys[0], count: n)
        }
        leaveDense()
        let hashes = hashes.flatMap { $0.count == n ? $0 : nil } ?? hashRows(keys, count: n)
        if keys.count > 1, keys.allSatisfy({ $0.physical == .int64 && $0.nulls == nil }) {
            return findOrInsertIntTuples(keys, hashes: hashes, count: n)
        }
        return findOrInsertGeneral(keys, hashes: hashes, count: n)
    }

    /// Fixes the table's mode for good (what a first `find` does), so that from then on `find`
    /// writes nothing and several threads may look keys up at once (SemiJoinReversed probed
    /// from a scan pipeline's workers).
    func prepareForConcurrentFinds() {
        splitDecided = true
        if let split {
            split.prefix.prepareForConcurrentFinds()
            split.body.prepareForConcurrentFinds()
        }
        // A table in dense mode stays in it: its finds read the dense array only (a dense table's
        // key is one int64, and lookups always come with keys of the table's types).
    }

    /// Ids of one integer key in a dense table: -1 for NULL rows and keys outside the range or unseen.
    private static func findDense(_ key: KeyView, in table: ContiguousArray<Int32>, base: Int64, count n: Int) -> ContiguousArray<Int32> {
        var ids = ContiguousArray<Int32>(repeating: -1, count: n)
        guard n > 0, key.ints.count >= n else { return ids }
        let span = UInt64(table.count)
        key.ints.withUnsafeBufferPointer { xs in
            table.withUnsafeBufferPointer { t in
                ids.withUnsafeMutableBufferPointer { out in
                    for i in 0..<n {
                        // Wrapping subtraction: below-range keys come out huge (the range ends at
                        // or below Int64.max, so no key outside it wraps into it).
                        let o = UInt64(bitPattern: xs[i] &- base)
                        if o < span { out[i] = t[Int(o)] }
                    }
                }
            }
        }
        if let nulls = key.nulls {
            for i in 0..<n where nulls[i] { ids[i] = -1 }
        }
        return ids
    }

    /// Group ids for each row, -1 where the key is absent.
    func find(_ keys: [KeyView], count n: Int) -> ContiguousArray<Int32> {
        // Written only on the first lookup: after prepareForConcurrentFinds, lookups write nothing.
        if !splitDecided { splitDecided = true }
        if let split { return split.find(keys, count: n) }
        // Dense mode answers lookups too (and stays, so concurrent finds write nothing):
        // one load per key instead of a hash, a slot and a stored key.
        if let dense, keys.count == 1, keys[0].physical == .int64 {
            return Self.findDense(keys[0], in: dense, base: denseBase, count: n)
        }
        leaveDense()
        if keys.count == 1, keys[0].physical == .int64, keys[0].nulls == nil {
            return findInts(keys[0], count: n)
        }
        let hashes = hashRows(keys, count: n)
        var ids = ContiguousArray<Int32>(repeating: -1, count: n)
        for i in 0..<n {
            let h = hashes[i]
            var s = Int(truncatingIfNeeded: h) & mask
            while true {
                let e = slots[s]
                if e == 0 { break }
                if keySlotTagMatches(e, h) {
                    let g = keySlotGroup(e)
                    if groupHashes[Int(g)] == h && equal(Int(g), keys, i) { ids[i] = g; break }
                }
                s = (s + 1) & mask
            }
        }
        return ids
    }

    // One non-NULL integer key (join and group keys are mostly that): the probe loops run
    // over raw buffers, compare the stored integer directly, and touch no class property per
    // row (each such access is a dynamic exclusivity check). Ids and hashes are exactly those
    // of the general path, so the two can be mixed on one table.

    private func findInts(_ key: KeyView, count n: Int) -> ContiguousArray<Int32> {
        var ids = ContiguousArray<Int32>(repeating: -1, count: n)
        let mask = self.mask
        let storedNulls = stores[0].anyNull ? stores[0].nulls : nil
        key.ints.withUnsafeBufferPointer { xs in
            slots.withUnsafeBufferPointer { slots in
                stores[0].ints.withUnsafeBufferPointer { stored in
                    ids.withUnsafeMutableBufferPointer { ids in
                        for i in 0..<n {
                            let x = xs[i]
                            let h = intKeyHash(x)
                            var s = Int(truncatingIfNeeded: h) & mask
                            while true {
                                let e = slots[s]
                                if e == 0 { break }
                                if keySlotTagMatches(e, h) {
                                    let g = keySlotGroup(e)
                                    if stored[Int(g)] == x && !(storedNulls?[Int(g)] ?? false) { ids[i] = g; break }
                                }
                                s = (s + 1) & mask
                            }
                        }
                    }
                }
            }
        }
        return ids
    }

    /// Dense-mode lookup and insert; nil (after leaving dense mode) when the batch's keys would
    /// stretch the range past 8 slots per key (or 64K slots for small tables).
    private func findOrInsertDense(_ key: KeyView, count n: Int) -> ContiguousArray<Int32>? {
        if n == 0 { return [] }
        guard key.ints.count >= n, var table = dense else { leaveDense(); return nil }
        var lo = key.ints[0], hi = key.ints[0]
        for x in key.ints.prefix(n) { lo = Swift.min(lo, x); hi = Swift.max(hi, x) }
        if !table.isEmpty {
            lo = Swift.min(lo, denseBase)
            hi = Swift.max(hi, denseBase + Int64(table.count - 1))
        }
        let (span, overflow) = hi.subtractingReportingOverflow(lo)
        guard !overflow, span < Int64(Swift.max(Self.denseFloor, 8 * (count + n))) else { leaveDense(); return nil }
        dense = nil                                          // keep the array uniquely referenced
        if table.isEmpty {
            denseBase = lo
            table = ContiguousArray(repeating: -1, count: Int(span) + 1)
        } else if lo < denseBase {
            var wider = ContiguousArray<Int32>(repeating: -1, count: Int(span) + 1)
            let shift = Int(denseBase - lo)
            for o in table.indices { wider[o + shift] = table[o] }
            table = wider
            denseBase = lo
        } else if Int(span) + 1 > table.count {
            table.append(contentsOf: repeatElement(-1, count: Int(span) + 1 - table.count))
        }
        var ids = ContiguousArray<Int32>(repeating: 0, count: n)
        var column = stores[0]
        stores[0] = KeyStoreColumn(type: column.type)
        var groups = count
        let base = denseBase
        key.ints.withUnsafeBufferPointer { xs in
            table.withUnsafeMutableBufferPointer { table in
                ids.withUnsafeMutableBufferPointer { ids in
                    for i in 0..<n {
                        let x = xs[i]
                        let o = Int(x &- base)
                        var id = table[o]
                        if id < 0 {
                            id = Int32(groups)
                            table[o] = id
                            column.ints.append(x)
                            column.nulls.append(false)
                            groups += 1
                        }
                        ids[i] = id
                    }
                }
            }
        }
        count = groups
        stores[0] = column
        dense = table
        return ids
    }

    /// Switches to hash mode: hashes every stored key and places it in fresh slots.
    private func leaveDense() {
        guard dense != nil else { return }
        dense = nil
        groupHashes = ContiguousArray(stores[0].ints.map(intKeyHash))
        var cap = 16
        while cap < count * 2 + 2 { cap <<= 1 }
        slots = ContiguousArray(repeating: 0, count: cap / 2)
        mask = cap / 2 - 1
        KeyTable.rehash(&slots, &mask, groupHashes)
    }

    // The insert loops below run in stretches: a stretch may insert until the table is half
    // full, then the slots are rebuilt at twice the size and the next stretch starts, so each
    // stretch can hold the slots as a raw buffer. Rows go in blocks of `touchBlock`: a first
    // pass loads the block's home slots with independent loads (the cache misses of a large
    // table overlap instead of coming one after the other in the dependent probe loop), and
    // `touchSink` keeps that pass from being optimised away.

    private let touchBlock = 256
    private var touchSink: UInt64 = 0

    private func findOrInsertInts(_ key: KeyView, count n: Int) -> ContiguousArray<Int32> {
        var ids = ContiguousArray<Int32>(repeating: 0, count: n)
        var column = stores[0]
        stores[0] = KeyStoreColumn(type: column.type)       // keep the arrays uniquely referenced
        let hasStoredNulls = column.anyNull
        var slots = self.slots, groupHashes = self.groupHashes
        self.slots = []; self.groupHashes = []
        var mask = self.mask
        var groups = count
        var start = 0
        key.ints.withUnsafeBufferPointer { xs in
            while start < n {
                if groups * 2 >= slots.count { KeyTable.rehash(&slots, &mask, groupHashes) }
                let limit = slots.count / 2, m = mask
                start = slots.withUnsafeMutableBufferPointer { slots in
                    ids.withUnsafeMutableBufferPointer { ids in
                        var i = start, touchedTo = start
                        while i < n {
                            if i == touchedTo {
                                touchedTo = Swift.min(n, i + touchBlock)
                                var sum: UInt64 = 0
                                for r in i..<touchedTo { sum &+= slots[Int(truncatingIfNeeded: intKeyHash(xs[r])) & m] }
                                touchSink &+= sum
                            }
                            let x = xs[i]
                            let h = intKeyHash(x)
                            var s = Int(truncatingIfNeeded: h) & m
                            while true {
                                let e = slots[s]
                                if e == 0 {
                                    let id = Int32(groups)
                                    slots[s] = keySlot(h, id)
                                    groupHashes.append(h)
                                    column.ints.append(x)
                                    column.nulls.append(false)
                                    groups += 1
                                    ids[i] = id
                                    break
                                }
                                if keySlotTagMatches(e, h) {
                                    let g = keySlotGroup(e)
                                    if column.ints[Int(g)] == x && !(hasStoredNulls && column.nulls[Int(g)]) { ids[i] = g; break }
                                }
                                s = (s + 1) & m
                            }
                            i += 1
                            if groups >= limit { break }
                        }
                        return i
                    }
                }
            }
        }
        count = groups
        stores[0] = column
        self.slots = slots; self.groupHashes = groupHashes; self.mask = mask
        if groups >= nextDenseCheck { returnToDenseIfFilled() }
        return ids
    }

    /// Switches a single-integer table without NULL keys from hash mode back to dense mode
    /// when its keys span fewer than eight values per key (the bound dense mode keeps to, at
    /// which the dense array takes no more memory than the slots and hashes it replaces).
    private func returnToDenseIfFilled() {
        nextDenseCheck = count * 2
        guard dense == nil, split == nil, types.count == 1, types[0].physical == .int64 else { return }
        let column = stores[0]
        guard !column.anyNull, let lo = column.ints.min(), let hi = column.ints.max() else { return }
        let (span, overflow) = hi.subtractingReportingOverflow(lo)
        guard !overflow, span < Int64(8 * count), span < Int64(Int32.max) else { return }
        var table = ContiguousArray<Int32>(repeating: -1, count: Int(span) + 1)
        column.ints.withUnsafeBufferPointer { keys in
            table.withUnsafeMutableBufferPointer { t in
                for g in 0..<count { t[Int(keys[g] &- lo)] = Int32(g) }
            }
        }
        dense = table
        denseBase = lo
        groupHashes = []
        slots = ContiguousArray(repeating: 0, count: 16)
        mask = 15
    }

    /// Several non-NULL integer keys (composite join keys, GROUP BY of ids and dates): the
    /// general path's hashes and ids, with the stored columns and slots held in locals.
    private func findOrInsertIntTuples(_ keys: [KeyView], hashes: ContiguousArray<UInt64>, count n: Int) -> ContiguousArray<Int32> {
        let rows = IntTupleKeyRows(probe: keys.map(\.ints), storedNulls: stores.contains { $0.anyNull })
        return findOrInsertBlocked(rows, hashes: hashes, count: n)
    }

    /// Any keys (strings, doubles, NULLs, mixes): the same loop with the typed comparison of
    /// `KeyStoreColumn.equals`, and the stored keys of the groups the home slots name touched
    /// a block ahead too. With many groups every lookup misses the cache on the slot and on the
    /// stored key, and the group's full hash was a third miss in between (GROUP BY email over
    /// 16M rows and 656K groups spent most of its time there).
    private func findOrInsertGeneral(_ keys: [KeyView], hashes: ContiguousArray<UInt64>, count n: Int) -> ContiguousArray<Int32> {
        findOrInsertBlocked(GeneralKeyRows(keys: keys), hashes: hashes, count: n)
    }

    /// The insert loop of the hashed paths: stored columns and slots in locals, home slots
    /// touched a block ahead (so their cache misses overlap), a matching tag followed by a
    /// direct key comparison. `Rows` supplies the comparison and the append; the loop is
    /// specialised for each.
    @inline(__always)
    private func findOrInsertBlocked<Rows: BlockedKeyRows>(_ rows: Rows, hashes: ContiguousArray<UInt64>,
                                                           count n: Int) -> ContiguousArray<Int32> {
        var ids = ContiguousArray<Int32>(repeating: 0, count: n)
        var columns = stores
        stores = []
        var slots = self.slots, groupHashes = self.groupHashes
        self.slots = []; self.groupHashes = []
        var mask = self.mask
        var groups = count
        var start = 0
        while start < n {
            if groups * 2 >= slots.count { KeyTable.rehash(&slots, &mask, groupHashes) }
            let limit = slots.count / 2, m = mask
            start = slots.withUnsafeMutableBufferPointer { slots in
                ids.withUnsafeMutableBufferPointer { ids in
                    hashes.withUnsafeBufferPointer { hashes in
                        var i = start, touchedTo = start
                        while i < n {
                            if i == touchedTo {
                                touchedTo = Swift.min(n, i + touchBlock)
                                var sum: UInt64 = 0
                                for r in i..<touchedTo { sum &+= slots[Int(truncatingIfNeeded: hashes[r]) & m] }
                                if Rows.touchesStoredKeys {
                                    // Second pass: the stored keys of the groups those home
                                    // slots name, so their misses overlap too.
                                    for r in i..<touchedTo {
                                        let e = slots[Int(truncatingIfNeeded: hashes[r]) & m]
                                        if e != 0 && keySlotTagMatches(e, hashes[r]) { sum &+= rows.touch(&columns, Int(keySlotGroup(e))) }
                                    }
                                }
                                touchSink &+= sum
                            }
                            let h = hashes[i]
                            var s = Int(truncatingIfNeeded: h) & m
                            while true {
                                let e = slots[s]
                                if e == 0 {
                                    let id = Int32(groups)
                                    slots[s] = keySlot(h, id)
                                    groupHashes.append(h)
                                    rows.append(&columns, i)
                                    groups += 1
                                    ids[i] = id
                                    break
                                }
                                // The tag already matched 32 hash bits: compare the keys
                                // directly rather than load the group's full hash first.
                                if keySlotTagMatches(e, h) {
                                    let g = Int(keySlotGroup(e))
                                    if rows.equals(&columns, g, i) { ids[i] = Int32(g); break }
                                }
                                s = (s + 1) & m
                            }
                            i += 1
                            if groups >= limit { break }
                        }
                        return i
                    }
                }
            }
        }
        count = groups
        stores = columns
        self.slots = slots; self.groupHashes = groupHashes; self.mask = mask
        return ids
    }

    /// Doubles the slots and places every group again from its stored hash (keys are not
    /// read or rehashed).
    private static func rehash(_ slots: inout ContiguousArray<UInt64>, _ mask: inout Int, _ hashes: ContiguousArray<UInt64>) {
        let cap = slots.count * 2
        var fresh = ContiguousArray<UInt64>(repeating: 0, count: cap)
        let m = cap - 1
        fresh.withUnsafeMutableBufferPointer { fresh in
            hashes.withUnsafeBufferPointer { hashes in
                for g in 0..<hashes.count {
                    let h = hashes[g]
                    var s = Int(truncatingIfNeeded: h) & m
                    while fresh[s] != 0 { s = (s + 1) & m }
                    fresh[s] = keySlot(h, Int32(g))
                }
            }
        }
        slots = fresh
        mask = m
    }

    private func equal(_ g: Int, _ keys: [KeyView], _ i: Int) -> Bool {
        for c in 0..<keys.count where !stores[c].equals(g, keys[c], i) { return false }
        return true
    }

    private func grow() { KeyTable.rehash(&slots, &mask, groupHashes) }

    /// The stored keys as vectors, one row per group in id order.
    func keyVectors() -> [Vector] { split?.keyVectors() ?? stores.map { $0.vector() } }
}

/// A key table whose dictionary-encoded key columns (few distinct values: countries, devices,
/// event types) are first mapped to a small id by a table of their own, so the table proper is
/// keyed by that id and the other columns: (country, user_id) becomes the pair of integers
/// (prefix id, user_id) and takes the integer-tuple loop instead of hashing and comparing a
/// string on every row. The prefix table sees each batch's dictionary codes, not its rows
/// (KeyTable.findOrInsert(vectors:)). Group ids are those of the table proper, in first-seen
/// order of the whole key, exactly as without the split. Chosen by a table's first batch
/// when it has both dictionary columns whose code combinations fit 4,096 and other columns;
/// later batches may arrive in any encoding (plain strings go through the prefix table row
/// by row).
final class PrefixSplit {
    let prefixColumns: [Int]
    let restColumns: [Int]
    let prefix: KeyTable
    private(set) var body: KeyTable
    let types: [DataType]
    /// Packed body (one integer column besides the prefix): the body is keyed by the (prefix
    /// id, integer) pair packed into one int64 (PackedIntPair), so a row compares and stores
    /// one integer instead of a pair with NULL flags (distinct users per device, click-stream
    /// m4). The first batch with a pair that does not pack rebuilds the body as pairs for good,
    /// its groups in the same order.
    private(set) var packed: Bool

    static let maximumCombinations = 4096

    init?(types: [DataType], firstBatch vectors: [Vector], count n: Int) {
        guard types.count >= 2, vectors.count == types.count, n > 0 else { return nil }
        var prefixColumns: [Int] = [], restColumns: [Int] = [], combinations = 1
        for (c, v) in vectors.enumerated() {
            if case .dictionary(let idx, let values) = v.storage, idx.count >= n,
               combinations * (values.count + 1) <= Self.maximumCombinations {
                combinations *= values.count + 1
                prefixColumns.append(c)
            } else {
                restColumns.append(c)
            }
        }
        guard !prefixColumns.isEmpty, !restColumns.isEmpty else { return nil }
        self.types = types
        self.prefixColumns = prefixColumns
        self.restColumns = restColumns
        let packed = restColumns.count == 1 && PackedIntPair.packs(types[restColumns[0]])
        self.packed = packed
        prefix = KeyTable(types: prefixColumns.map { types[$0] }, capacity: 64)
        body = KeyTable(types: packed ? [.int64] : [.int64] + restColumns.map { types[$0] })
        body.markUnsplit()
        prefix.markUnsplit()
    }

    private static func idVector(_ ids: ContiguousArray<Int32>) -> Vector {
        Vector(type: .int64, count: ids.count, storage: .int64(ContiguousArray(ids.lazy.map { Int64($0) })))
    }

    /// Leaves packed mode: the body rebuilt keyed by (prefix id, integer), groups in order.
    private func unpackBody() {
        packed = false
        let pairs = KeyTable(types: [.int64, types[restColumns[0]]])
        pairs.markUnsplit()
        if body.count > 0 {
            let (ids, values) = PackedIntPair.unpack(body.keyVectors()[0], valueType: types[restColumns[0]])
            _ = pairs.findOrInsert([KeyView(ids), KeyView(values)], count: body.count)
        }
        body = pairs
    }

    func findOrInsert(vectors: [Vector], count n: Int) -> ContiguousArray<Int32> {
        let prefixIds = prefix.findOrInsert(vectors: prefixColumns.map { vectors[$0] }, count: n)
        if packed {
            let (keys, misfits) = PackedIntPair.pack(ids: prefixIds, KeyView(vectors[restColumns[0]]), count: n)
            if misfits.isEmpty { return body.findOrInsert(vectors: [Vector(type: .int64, count: n, storage: .int64(keys))], count: n) }
            unpackBody()
        }
        return body.findOrInsert(vectors: [Self.idVector(prefixIds)] + restColumns.map { vectors[$0] }, count: n)
    }

    func findOrInsert(_ keys: [KeyView], count n: Int) -> ContiguousArray<Int32> {
        let prefixIds = prefix.findOrInsert(prefixColumns.map { keys[$0] }, count: n)
        if packed {
            let (packedKeys, misfits) = PackedIntPair.pack(ids: prefixIds, keys[restColumns[0]], count: n)
            if misfits.isEmpty { return body.findOrInsert([KeyView(Vector(type: .int64, count: n, storage: .int64(packedKeys)))], count: n) }
            unpackBody()
        }
        return body.findOrInsert([KeyView(Self.idVector(prefixIds))] + restColumns.map { keys[$0] }, count: n)
    }

    /// -1 where the key is absent; an absent prefix (-1) matches no stored prefix id, and in
    /// packed mode neither does an integer outside the packed range (every stored one is inside).
    func find(_ keys: [KeyView], count n: Int) -> ContiguousArray<Int32> {
        let prefixIds = prefix.find(prefixColumns.map { keys[$0] }, count: n)
        if packed {
            let (packedKeys, misfits) = PackedIntPair.pack(ids: prefixIds, keys[restColumns[0]], count: n)
            var ids = body.find([KeyView(Vector(type: .int64, count: n, storage: .int64(packedKeys)))], count: n)
            for i in misfits { ids[i] = -1 }
            return ids
        }
        return body.find([KeyView(Self.idVector(prefixIds))] + restColumns.map { keys[$0] }, count: n)
    }

    /// The stored keys in the table's column order: prefix columns as dictionary vectors over
    /// the prefix table's keys, the others as stored.
    func keyVectors() -> [Vector] {
        let bodyKeys: [Vector]
        if packed {
            let (ids, values) = PackedIntPair.unpack(body.keyVectors()[0], valueType: types[restColumns[0]])
            bodyKeys = [ids, values]
        } else {
            bodyKeys = body.keyVectors()
        }
        let prefixKeys = prefix.keyVectors()
        let groups = body.count
        let prefixIds = ContiguousArray<Int32>(Kernels.int64s(bodyKeys[0]).lazy.map { Int32(truncatingIfNeeded: $0) })
        var out = [Vector?](repeating: nil, count: types.count)
        for (j, c) in prefixColumns.enumerated() {
            out[c] = Vector(type: types[c], count: groups, storage: .dictionary(indices: prefixIds, values: prefixKeys[j]))
        }
        for (k, c) in restColumns.enumerated() { out[c] = bodyKeys[k + 1] }
        return out.compactMap { $0 }
    }
}

/// Stored key values of one column.
struct KeyStoreColumn {
    let type: DataType
    var nulls = ContiguousArray<Bool>()
    var ints = ContiguousArray<Int64>()
    var doubles = ContiguousArray<Double>()
    var wides = ContiguousArray<Int128>()
    var bools = ContiguousArray<Bool>()
    var strings = StringColumn()
    var intervals = ContiguousArray<Interval>()
    /// Whether any stored key is NULL (kept so fast paths need not scan `nulls`).
    var anyNull = false

    init(type: DataType) { self.type = type }

    mutating func append(_ k: KeyView, _ i: Int) {
        let null = k.isNull(i)
        nulls.append(null)
        if null { anyNull = true }
        switch k.physical {
        case .int64: ints.append(null ? 0 : k.ints[i])
        case .float64: doubles.append(null ? 0 : k.doubles[i])
        case .int128: wides.append(null ? 0 : k.wides[i])
        case .bool: bools.append(null ? false : k.bools[i])
        case .interval: intervals.append(null ? Interval() : k.intervals[i])
        case .string, .list:
            if null { strings.appendEmpty() } else {
                let r = k.strings.range(i)
                // Through a buffer pointer: a slice of the array would retain and release its storage.
                k.strings.bytes.withUnsafeBufferPointer { strings.append(bytes: UnsafeBufferPointer(rebasing: $0[r])) }
            }
        }
    }

    /// Loads what `equals` reads of group g's key (a string's offset and first byte), for
    /// loops that fetch a block's stored keys ahead of comparing them.
    @inline(__always) func touch(_ g: Int) -> UInt64 {
        switch type.physical {
        case .int64: return UInt64(bitPattern: ints[g])
        case .float64: return doubles[g].bitPattern
        case .string, .list:
            let o = Int(strings.offsets[g])
            return o < strings.bytes.count ? UInt64(strings.bytes[o]) : 0
        default: return 0
        }
    }

    @inline(__always) func equals(_ g: Int, _ k: KeyView, _ i: Int) -> Bool {
        let a = anyNull && nulls[g], b = k.isNull(i)
        if a || b { return a && b }
        switch k.physical {
        case .int64: return ints[g] == k.ints[i]
        case .float64: return normalizedDoubleBits(doubles[g]) == normalizedDoubleBits(k.doubles[i])
        case .int128: return wides[g] == k.wides[i]
        case .bool: return bools[g] == k.bools[i]
        case .interval: return intervals[g].comparisonKey == k.intervals[i].comparisonKey
        case .string, .list:
            let r1 = strings.range(g), r2 = k.strings.range(i)
            if r1.count != r2.count { return false }
            return strings.bytes.withUnsafeBufferPointer { p1 in
                k.strings.bytes.withUnsafeBufferPointer { p2 in
                    memcmpEqual(p1.baseAddress.map { $0 + r1.lowerBound }, p2.baseAddress.map { $0 + r2.lowerBound }, r1.count)
                }
            }
        }
    }

    func vector() -> Vector {
        let validity: ContiguousArray<Bool>? = nulls.contains(true) ? ContiguousArray(nulls.map { !$0 }) : nil
        let n = nulls.count
        switch type.physical {
        case .int64: return Vector(type: type, count: n, storage: .int64(ints), validity: validity)
        case .float64: return Vector(type: type, count: n, storage: .float64(doubles), validity: validity)
        case .int128: return Vector(type: type, count: n, storage: .int128(wides), validity: validity)
        case .bool: return Vector(type: type, count: n, storage: .bool(bools), validity: validity)
        case .interval: return Vector(type: type, count: n, storage: .interval(intervals), validity: validity)
        case .string: return Vector(type: type, count: n, storage: .string(strings), validity: validity)
        case .list: return Vector(type: .text, count: n, storage: .string(strings), validity: validity)
        }
    }
}

@inline(__always) func memcmpEqual(_ a: UnsafePointer<UInt8>?, _ b: UnsafePointer<UInt8>?, _ n: Int) -> Bool {
    guard n > 0 else { return true }
    guard let a, let b else { return false }
    for i in 0..<n where a[i] != b[i] { return false }
    return true
}

/// What turns one key column's values into small codes (0 ..< size, and `size` for NULL):
/// a dictionary vector (codes are its indices; recognised by identity, vectors being
/// immutable) or a range of integers starting at `base` (codes are value - base).
enum KeyCodeDomain: Equatable {
    case dictionary(Vector)
    case range(base: Int64, size: Int)

    /// Codes a value can take, NULL's included.
    var radix: Int {
        switch self {
        case .dictionary(let values): return values.count + 1
        case .range(_, let size): return size + 1
        }
    }

    static func == (a: KeyCodeDomain, b: KeyCodeDomain) -> Bool {
        switch (a, b) {
        case (.dictionary(let x), .dictionary(let y)): return x === y
        case (.range(let b1, let s1), .range(let b2, let s2)): return b1 == b2 && s1 == s2
        default: return false
        }
    }
}

/// One batch's key columns as code columns, when every column codes and their combinations
/// number at most `maximumCombinations`: dictionary-encoded columns (Parquet dictionary
/// pages) by their indices, and integer columns of a multi-column key (`extract(hour …)`
/// beside a country, dates beside a status) by their offset in the batch's value range, or
/// in the range an earlier batch's codes used when it holds this batch's values (so the
/// combination -> id map carries over); a range that grows takes in the earlier one, so a
/// column's range settles on its domain after a few batches. A (country, hour) key went
/// through two hashed tables a row (PrefixSplit: 15 ms of click-stream m7's serial 60).
struct KeyCodes {
    static let maximumCombinations = 4096
    private(set) var codes: [ContiguousArray<Int32>] = []
    private(set) var radix: [Int] = []
    private(set) var domains: [KeyCodeDomain] = []
    private(set) var combinations = 1
    /// A dictionary index outside its dictionary (a malformed file): the caller hashes values.
    private(set) var outOfRange = false

    init?(_ vectors: [Vector], count n: Int, known: KeyCodeIds?) {
        let knownDomains = known.map { $0.domains.count == vectors.count ? $0.domains : [] } ?? []
        let matchesKnown = known.map { $0.matches(vectors) } ?? false
        for (c, v) in vectors.enumerated() {
            let (columnCodes, domain): (ContiguousArray<Int32>, KeyCodeDomain)
            switch v.storage {
            case .dictionary(let idx, let values) where idx.count >= n:
                var codes = idx
                // code values.count stands for a NULL row (validity), a code of its own
                if let validity = v.validity {
                    for i in 0..<n where !validity[i] { codes[i] = Int32(values.count) }
                }
                let bad = codes.withUnsafeBufferPointer { p in
                    var bad = false
                    for i in 0..<n { bad = bad || p[i] < 0 || Int(p[i]) > values.count }
                    return bad
                }
                if bad { outOfRange = true }
                (columnCodes, domain) = (codes, .dictionary(values))
            case .int64(let xs) where vectors.count > 1 && xs.count >= n:
                guard let r = Self.rangeCodes(xs, count: n, validity: v.validity, earlier: c < knownDomains.count ? knownDomains[c] : nil,
                                              budget: Self.maximumCombinations / combinations) else { return nil }
                (columnCodes, domain) = r
            case .int128(let xs) where vectors.count > 1 && xs.count >= n:
                // Numerics (extract's results): the unscaled values, one scale per column.
                guard let r = Self.rangeCodes(xs, count: n, validity: v.validity, earlier: c < knownDomains.count ? knownDomains[c] : nil,
                                              budget: Self.maximumCombinations / combinations) else { return nil }
                (columnCodes, domain) = r
            default:
                return nil
            }
            combinations *= domain.radix
            // Beyond a batch's rows, a fresh combination map costs more than a per-row table.
            guard combinations <= Self.maximumCombinations, combinations <= n || matchesKnown else { return nil }
            codes.append(columnCodes); radix.append(domain.radix); domains.append(domain)
        }
    }

    /// Codes of an integer column over its rows' range (or an earlier batch's range holding
    /// it, or the two ranges' union), nil when the range needs more than `budget` codes or
    /// leaves Int64 (a numeric's unscaled values). Generic over the stored integer, so each
    /// pass is a plain loop over the buffer.
    private static func rangeCodes<T: FixedWidthInteger & SignedInteger>(_ values: ContiguousArray<T>, count n: Int, validity: ContiguousArray<Bool>?,
                                                                         earlier: KeyCodeDomain?, budget: Int) -> (ContiguousArray<Int32>, KeyCodeDomain)? {
        values.withUnsafeBufferPointer { rangeCodes(UnsafeBufferPointer(rebasing: $0.prefix(n)), validity: validity, earlier: earlier, budget: budget) }
    }

    private static func rangeCodes<T: FixedWidthInteger & SignedInteger>(_ xs: UnsafeBufferPointer<T>, validity: ContiguousArray<Bool>?,
                                                                         earlier: KeyCodeDomain?, budget: Int) -> (ContiguousArray<Int32>, KeyCodeDomain)? {
        let n = xs.count
        var low = T.max, high = T.min
        if let validity {
            for i in 0..<n where validity[i] { low = Swift.min(low, xs[i]); high = Swift.max(high, xs[i]) }
        } else {
            for i in 0..<n { low = Swift.min(low, xs[i]); high = Swift.max(high, xs[i]) }
        }
        var lo: Int64 = 0, hi: Int64 = -1                                   // every row NULL
        if low <= high {
            guard let l = Int64(exactly: low), let h = Int64(exactly: high) else { return nil }
            (lo, hi) = (l, h)
        }
        // size values and NULL's code: size + 1 = span + 2 codes at most `budget`.
        let (span, overflow) = hi.subtractingReportingOverflow(lo)
        guard !overflow, span <= Int64(budget) - 2 else { return nil }
        var base = lo, size = span + 1
        if case .range(let b, let s)? = earlier, s > 0 {
            let top = b + Int64(s) - 1
            if lo >= b && hi <= top || size == 0 {
                (base, size) = (b, Int64(s))
            } else if size > 0 {
                let unionLo = Swift.min(lo, b), unionHi = Swift.max(hi, top)
                let (unionSpan, overflow) = unionHi.subtractingReportingOverflow(unionLo)
                if !overflow && unionSpan <= Int64(budget) - 2 { (base, size) = (unionLo, unionSpan + 1) }
            }
        }
        // Every value lies in [base, base + size): its offset fits T and Int32.
        let nullCode = Int32(size), offset = T(base)
        var codes = ContiguousArray<Int32>(repeating: nullCode, count: n)
        codes.withUnsafeMutableBufferPointer { out in
            if let validity {
                for i in 0..<n where validity[i] { out[i] = Int32(truncatingIfNeeded: xs[i] &- offset) }
            } else {
                for i in 0..<n { out[i] = Int32(truncatingIfNeeded: xs[i] &- offset) }
            }
        }
        return (codes, .range(base: base, size: Int(size)))
    }
}

/// The group id of each combination of key codes (-1: not seen yet), for one list of domains.
final class KeyCodeIds {
    let domains: [KeyCodeDomain]
    var ids: ContiguousArray<Int32>

    init(domains: [KeyCodeDomain], combinations: Int) {
        self.domains = domains
        ids = ContiguousArray(repeating: -1, count: combinations)
    }

    /// Whether the vectors' dictionaries are this map's (integer columns are checked by range
    /// when coded).
    func matches(_ vectors: [Vector]) -> Bool {
        guard vectors.count == domains.count else { return false }
        for (v, d) in zip(vectors, domains) {
            switch (v.storage, d) {
            case (.dictionary(_, let values), .dictionary(let known)) where values === known: continue
            case (.int64, .range), (.int128, .range): continue
            default: return false
            }
        }
        return true
    }
}

/// How findOrInsertBlocked compares a probe row with a stored group and stores a new one.
protocol BlockedKeyRows {
    /// Whether the stored keys of the groups a block's home slots name are touched ahead.
    static var touchesStoredKeys: Bool { get }
    func touch(_ columns: inout [KeyStoreColumn], _ g: Int) -> UInt64
    func equals(_ columns: inout [KeyStoreColumn], _ g: Int, _ i: Int) -> Bool
    func append(_ columns: inout [KeyStoreColumn], _ i: Int)
}

/// Integer tuples without NULLs in the probe: plain Int64 comparisons.
struct IntTupleKeyRows: BlockedKeyRows {
    let probe: [ContiguousArray<Int64>]
    /// Whether some stored key is NULL (a NULL stored key never equals a probe's value).
    let storedNulls: Bool
    static var touchesStoredKeys: Bool { false }

    @inline(__always) func touch(_ columns: inout [KeyStoreColumn], _ g: Int) -> UInt64 { 0 }

    @inline(__always) func equals(_ columns: inout [KeyStoreColumn], _ g: Int, _ i: Int) -> Bool {
        for c in 0..<probe.count where columns[c].ints[g] != probe[c][i] || (storedNulls && columns[c].nulls[g]) { return false }
        return true
    }

    @inline(__always) func append(_ columns: inout [KeyStoreColumn], _ i: Int) {
        for c in 0..<probe.count { columns[c].ints.append(probe[c][i]); columns[c].nulls.append(false) }
    }
}

/// Any key types, compared by KeyStoreColumn.equals.
struct GeneralKeyRows: BlockedKeyRows {
    let keys: [KeyView]
    static var touchesStoredKeys: Bool { true }

    @inline(__always) func touch(_ columns: inout [KeyStoreColumn], _ g: Int) -> UInt64 {
        var sum: UInt64 = 0
        for c in 0..<keys.count { sum &+= columns[c].touch(g) }
        return sum
    }

    @inline(__always) func equals(_ columns: inout [KeyStoreColumn], _ g: Int, _ i: Int) -> Bool {
        for c in 0..<keys.count where !columns[c].equals(g, keys[c], i) { return false }
        return true
    }

    @inline(__always) func append(_ columns: inout [KeyStoreColumn], _ i: Int) {
        for c in 0..<keys.count { columns[c].append(keys[c], i) }
    }
}
