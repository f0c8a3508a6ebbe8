// DISTINCT inside a hash aggregate (count(DISTINCT x), sum(DISTINCT x) …):
// which rows carry a (group, arguments) combination seen for the first time.
// The combinations are split by hash into partitions, each with a key table
// of its own (a set of packed keys for one integer argument: PackedKeySet),
// and a chunk of rows is deduplicated on all cores, a partition per task. With many distinct values the one table outgrew the cache and
// one thread inserting into it was most of the query while the other core
// idled (click-stream m2: 6.4M rows, millions of (event type, session)
// pairs). A combination lives in exactly one partition, whose rows go in in
// row order, so the first occurrence a partition finds is the input's first
// occurrence, exactly as with one table: the rows kept, and their order, do
// not depend on the partitioning.

import Columnar
import Functions
import Foundation

final class PartitionedDistinct {
    /// Many partitions, fed large chunks: with millions of distinct combinations (m2's
    /// (event type, session) pairs) a partition's table stays near the L2 cache's size and
    /// a chunk brings it many rows at a time (16 partitions fed 64K-row chunks: m2 17% slower).
    static let partitionCount = 256
    /// Chunks smaller than this are deduplicated on the calling thread.
    static let parallelRows = 8_192
    /// A partition's table is made when a row first lands in it (a DISTINCT over few rows,
    /// in a subquery run per outer row, would otherwise build every partition's table).
    private var tables: [KeyTable?]
    /// Packed mode's partitions: the packed keys each has seen (made, too, at a first row).
    private var sets: [PackedKeySet?]
    private let argumentTypes: [DataType]
    private let workers: Int
    /// Packed mode (one integer argument): the tables are keyed by the (group id, argument)
    /// pair packed into one int64 (PackedIntPair), kept in sets of such keys (PackedKeySet), so
    /// a lookup compares one integer and stores one, not a pair of columns with their NULL
    /// flags (the pairs' table was a third of click-stream m2). Left for good, the sets rebuilt
    /// as tables of pairs, by the first chunk with a group id or an argument that does not pack.
    private(set) var packed: Bool

    init(argumentTypes: [DataType], workers: Int) {
        let packed = argumentTypes.count == 1 && PackedIntPair.packs(argumentTypes[0])
        self.packed = packed
        tables = Array(repeating: nil, count: Self.partitionCount)
        sets = Array(repeating: nil, count: Self.partitionCount)
        self.argumentTypes = argumentTypes
        self.workers = workers
    }

    /// Leaves packed mode: the sets rebuilt as tables keyed by (group id, argument). Packed keys
    /// are partitioned by the packed key's hash and pairs by the pair's, so every known pair
    /// is placed again by its pair hash; a later chunk's first occurrences are those not among
    /// them, whichever partition held them before.
    private func unpackTables() {
        packed = false
        let known = sets.compactMap { $0 }.filter { $0.count > 0 }.map { set in
            PackedIntPair.unpack(Vector(type: .int64, count: set.count, storage: .int64(set.keys)), valueType: argumentTypes[0])
        }
        sets = Array(repeating: nil, count: Self.partitionCount)
        for (ids, values) in known {
            let columns = [ids, values]
            let hashes = hashRows(columns.map(KeyView.init), count: ids.count)
            var rowsOf = [[Int32]](repeating: [], count: Self.partitionCount)
            for i in hashes.indices { rowsOf[Self.partition(hashes[i])].append(Int32(i)) }
            for (p, rows) in rowsOf.enumerated() where !rows.isEmpty {
                _ = table(p).findOrInsert(vectors: columns.map { $0.gather(rows) }, count: rows.count,
                                           hashes: ContiguousArray(rows.lazy.map { hashes[Int($0)] }))
            }
        }
    }

    /// Bits 24–31 of a row's hash pick its partition: the tables place a row by the hash's low
    /// bits (far fewer than 24 of them) and tag it with its high 32.
    @inline(__always) private static func partition(_ hash: UInt64) -> Int {
        Int(truncatingIfNeeded: hash >> 24) & (partitionCount - 1)
    }

    /// The combinations seen so far.
    var count: Int { tables.reduce(0) { $0 + ($1?.count ?? 0) } + sets.reduce(0) { $0 + ($1?.count ?? 0) } }

    /// Partition `p`'s table of pairs, made if it has none yet.
    private func table(_ p: Int) -> KeyTable {
        if let t = tables[p] { return t }
        let t = KeyTable(types: [.int64] + argumentTypes)
        tables[p] = t
        return t
    }

    /// Indexes (ascending) of the rows whose (group id, arguments) had not been seen before,
    /// in this chunk or an earlier one.
    func firstOccurrences(groupIds: ContiguousArray<Int32>, arguments: [Vector]) -> [Int32] {
        let n = groupIds.count
        guard n > 0 else { return [] }
        if packed {
            let (keys, misfits) = PackedIntPair.pack(ids: groupIds, KeyView(arguments[0]), count: n)
            if misfits.isEmpty { return firstOccurrences(packedKeys: keys) }
            unpackTables()
        }
        let columns = [Vector(type: .int64, count: n, storage: .int64(ContiguousArray(mapping: groupIds) { Int64($0) }))] + arguments
        let hashes = hashRows(columns.map(KeyView.init), count: n)
        let (starts, order) = hashes.withUnsafeBufferPointer { h in
            Self.partitioned(count: n, slices: workers, HashedRows(hashes: h.baseAddress!))
        }
        for p in 0..<Self.partitionCount where starts[p + 1] > starts[p] { _ = table(p) }
        let partitionTables = tables
        return Self.marking(count: n) { mark in
            order.withUnsafeBufferPointer { order in
                deduplicate(count: n) { p in
                    let rows = UnsafeBufferPointer(rebasing: order[starts[p]..<starts[p + 1]])
                    // Every partition with rows got its table above.
                    guard !rows.isEmpty, let table = partitionTables[p] else { return }
                    var expected = Int32(table.count)
                    let vectors = columns.map { $0.gather(buffer: rows) }
                    // The table hashes as hashRows did here: its rows' hashes are passed, not recomputed.
                    let rowHashes = ContiguousArray<UInt64>(unsafeUninitializedCapacity: rows.count) { out, initialized in
                        hashes.withUnsafeBufferPointer { h in
                            for k in 0..<rows.count { out[k] = h[Int(rows[k])] }
                        }
                        initialized = rows.count
                    }
                    let ids = table.findOrInsert(vectors: vectors, count: rows.count, hashes: rowHashes)
                    for k in 0..<rows.count where ids[k] == expected {
                        mark[Int(rows[k])] = true
                        expected += 1
                    }
                }
            }
        }
    }

    /// Packed mode, for rows handed over in pieces (a DISTINCT call's pending batches): the
    /// (group id, argument) pairs seen for the first time, in row order, or nil, with nothing
    /// recorded, when not in packed mode or a piece does not pack. Each piece is packed straight
    /// into one array of keys, and the kept pairs are taken back out of their keys: concatenating
    /// a million rows' group ids and arguments and then gathering the kept ones was a serial
    /// copy after the scan (m7).
    func firstOccurrencesPacked(pieces: [(groupIds: ContiguousArray<Int32>, argument: Vector)])
        -> (groupIds: ContiguousArray<Int32>, values: Vector)? {
        guard packed else { return nil }
        let n = pieces.reduce(0) { $0 + $1.groupIds.count }
        guard n > 0 else { return ([], Vector.nulls(type: argumentTypes[0], count: 0)) }
        var fits = true
        let keys = ContiguousArray<Int64>(unsafeUninitializedCapacity: n) { out, initialized in
            var at = 0
            for piece in pieces {
                let count = piece.groupIds.count
                if !PackedIntPair.pack(ids: piece.groupIds, KeyView(piece.argument), count: count, into: out.baseAddress! + at).isEmpty {
                    fits = false
                }
                at += count
            }
            initialized = n
        }
        guard fits else { return nil }
        return PackedIntPair.unpack(keys, rows: firstOccurrences(packedKeys: keys), valueType: argumentTypes[0])
    }

    /// Packed mode: the packed key's hash picks a row's partition (the pair's two columns are not
    /// hashed), and the rows' keys are laid out by partition with their row numbers, so each
    /// partition's task reads its keys in one run (hashing the pair's two columns as well was a
    /// tenth of the deduplication, gathering each partition's keys from all over the chunk 4%).
    private func firstOccurrences(packedKeys keys: ContiguousArray<Int64>) -> [Int32] {
        let n = keys.count
        guard n > 0 else { return [] }
        var starts: [Int] = [], order = ContiguousArray<Int32>()
        // Every slot is placed exactly once: no zero-fill first.
        let sortedKeys = ContiguousArray<Int64>(unsafeUninitializedCapacity: n) { sorted, initialized in
            keys.withUnsafeBufferPointer { k in
                (starts, order) = Self.partitioned(count: n, slices: workers,
                                                   PackedKeysLaidOut(keys: k.baseAddress!, sorted: sorted.baseAddress!))
            }
            initialized = n
        }
        for p in 0..<Self.partitionCount where starts[p + 1] > starts[p] && sets[p] == nil { sets[p] = PackedKeySet() }
        let partitionSets = sets
        return Self.marking(count: n) { mark in
            order.withUnsafeBufferPointer { order in
                sortedKeys.withUnsafeBufferPointer { sortedKeys in
                    deduplicate(count: n) { p in
                        let range = starts[p]..<starts[p + 1]
                        guard !range.isEmpty, let set = partitionSets[p] else { return }
                        set.insert(UnsafeBufferPointer(rebasing: sortedKeys[range]), rows: UnsafeBufferPointer(rebasing: order[range]), marking: mark)
                    }
                }
            }
        }
    }

    /// The rows grouped by partition in one flat array (a counting sort), in row order within
    /// each: partition p's rows are `order[starts[p] ..< starts[p + 1]]`. `rows.place(i, slot)`
    /// is told where row i went. A large chunk is sorted by `slices` threads, each counting and
    /// then placing a contiguous slice of the rows, slice k's rows of a partition after those
    /// of the slices before it (so still in row order): sorted on one thread, a million rows
    /// were a serial tail after the scan (m7). Generic over the rows, so the hash and the
    /// placing are inlined in the loops (as closures they were two calls a row).
    private static func partitioned<Rows: PartitionedRows>(count n: Int, slices wanted: Int = 1,
                                                           _ rows: Rows) -> (starts: [Int], order: ContiguousArray<Int32>) {
        let slices = n >= 4 * parallelRows ? Swift.max(1, wanted) : 1
        let bounds = (0...slices).map { n * $0 / slices }
        var counts = [[Int]](repeating: [Int](repeating: 0, count: partitionCount), count: slices)
        // Both are written in full below (every row counted, every row placed): no zero-fill.
        var order = ContiguousArray<Int32>(unsafeUninitializedCapacity: n) { _, initialized in initialized = n }
        var parts = ContiguousArray<UInt8>(unsafeUninitializedCapacity: n) { _, initialized in initialized = n }
        var starts = [Int](repeating: 0, count: partitionCount + 1)
        parts.withUnsafeMutableBufferPointer { parts in
            counts.withUnsafeMutableBufferPointer { counts in
                let sliceCounts = counts
                parallelFor(slices) { k in
                    var c = [Int](repeating: 0, count: partitionCount)
                    for i in bounds[k]..<bounds[k + 1] {
                        let p = partition(rows.hash(i))
                        parts[i] = UInt8(truncatingIfNeeded: p)
                        c[p] += 1
                    }
                    sliceCounts[k] = c
                }
            }
            // Slice k's first slot in partition p: the partition's start, past the slices before k.
            var next = counts
            var at = 0
            for p in 0..<partitionCount {
                starts[p] = at
                for k in 0..<slices {
                    next[k][p] = at
                    at += counts[k][p]
                }
            }
            starts[partitionCount] = at
            order.withUnsafeMutableBufferPointer { order in
                next.withUnsafeMutableBufferPointer { next in
                    let sliceNext = next
                    parallelFor(slices) { k in
                        var slotOf = sliceNext[k]
                        for i in bounds[k]..<bounds[k + 1] {
                            let p = Int(parts[i])
                            let slot = slotOf[p]
                            order[slot] = Int32(i)
                            rows.place(i, slot)
                            slotOf[p] = slot + 1
                        }
                    }
                }
            }
        }
        return (starts, order)
    }

    /// Runs `body` for every partition, on all cores when the chunk is large.
    private func deduplicate(count n: Int, _ body: (Int) -> Void) {
        if workers > 1 && n >= Self.parallelRows {
            parallelFor(Self.partitionCount, body)
        } else {
            for p in 0..<Self.partitionCount { body(p) }
        }
    }

    /// The rows `mark` flags (each task writes only its own rows' flags), ascending: listed
    /// eight flags at a time, as a filter lists its rows (ConnectiveEvaluation.trueRows).
    private static func marking(count n: Int, _ mark: (UnsafeMutableBufferPointer<Bool>) -> Void) -> [Int32] {
        var keep = [Bool](repeating: false, count: n)
        keep.withUnsafeMutableBufferPointer { mark($0) }
        return keep.withUnsafeBufferPointer { Array(ConnectiveEvaluation.trueRows($0)) }
    }
}

/// Rows PartitionedDistinct.partitioned sorts by partition: each row's hash, and where a row
/// is told its place.
fileprivate protocol PartitionedRows {
    func hash(_ i: Int) -> UInt64
    func place(_ i: Int, _ slot: Int)
}

/// Rows whose hashes are computed already; nothing is placed besides the row numbers.
fileprivate struct HashedRows: PartitionedRows {
    let hashes: UnsafePointer<UInt64>
    @inline(__always) func hash(_ i: Int) -> UInt64 { hashes[i] }
    @inline(__always) func place(_ i: Int, _ slot: Int) {}
}

/// Packed keys, hashed as they are read and copied to their places in `sorted`, so each
/// partition's keys lie together.
fileprivate struct PackedKeysLaidOut: PartitionedRows {
    let keys: UnsafePointer<Int64>
    let sorted: UnsafeMutablePointer<Int64>
    @inline(__always) func hash(_ i: Int) -> UInt64 { intKeyHash(keys[i]) }
    @inline(__always) func place(_ i: Int, _ slot: Int) { sorted[slot] = keys[i] }
}
