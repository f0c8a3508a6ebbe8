// DISTINCT inside a hash aggregate (count(DISTINCT x), sum(DISTINCT x) …):
// which rows carry a (group, arguments) combination seen for the first time.
// The combinations are split by hash into partitions, each with a key table
// of its own, and a chunk of rows is deduplicated on all cores, a partition
// per task. With many distinct values the one table outgrew the cache and
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
    private let argumentTypes: [DataType]
    private let workers: Int
    /// Packed mode (one integer argument): the tables are keyed by the (group id, argument)
    /// pair packed into one int64 (PackedIntPair), so a lookup compares one integer and stores
    /// one, not a pair of columns with their NULL flags (the pairs' table was a third of
    /// click-stream m2). Left for good, the tables rebuilt as pairs, by the first chunk with a
    /// group id or an argument that does not pack.
    private(set) var packed: Bool

    init(argumentTypes: [DataType], workers: Int) {
        let packed = argumentTypes.count == 1 && PackedIntPair.packs(argumentTypes[0])
        self.packed = packed
        tables = Array(repeating: nil, count: Self.partitionCount)
        self.argumentTypes = argumentTypes
        self.workers = workers
    }

    /// Leaves packed mode: the tables rebuilt keyed by (group id, argument). Packed tables are
    /// partitioned by the packed key's hash and pair tables by the pair's, so every known pair
    /// is placed again by its pair hash; a later chunk's first occurrences are those not among
    /// them, whichever table held them before.
    private func unpackTables() {
        packed = false
        let known = tables.compactMap { $0 }.filter { $0.count > 0 }.map { PackedIntPair.unpack($0.keyVectors()[0], valueType: argumentTypes[0]) }
        tables = Array(repeating: nil, count: Self.partitionCount)
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
    var count: Int { tables.reduce(0) { $0 + ($1?.count ?? 0) } }

    /// Partition `p`'s table, made if it has none yet.
    private func table(_ p: Int) -> KeyTable {
        if let t = tables[p] { return t }
        let t = KeyTable(types: packed ? [.int64] : [.int64] + argumentTypes)
        tables[p] = t
        return t
    }

    /// Indexes (ascending) of the rows whose (group id, arguments) had not been seen before,
    /// in this chunk or an earlier one.
    func firstOccurrences(groupIds: ContiguousArray<Int32>, arguments: [Vector]) -> [Int32] {
        let n = groupIds.count
        guard n > 0 else { return [] }
        var packedKeys: Vector? = nil
        if packed {
            let (keys, misfits) = PackedIntPair.pack(ids: groupIds, KeyView(arguments[0]), count: n)
            if misfits.isEmpty {
                packedKeys = Vector(type: .int64, count: n, storage: .int64(keys))
            } else {
                unpackTables()
            }
        }
        // Packed, a row's one hash (the packed key's, which its table computes too) picks its
        // partition; hashing the pair's two columns as well was a tenth of the deduplication.
        var columns: [Vector] = []
        let hashes: ContiguousArray<UInt64>
        if case .int64(let keys)? = packedKeys?.storage {
            hashes = ContiguousArray(unsafeUninitializedCapacity: n) { out, initialized in
                keys.withUnsafeBufferPointer { k in for i in 0..<n { out[i] = intKeyHash(k[i]) } }
                initialized = n
            }
        } else {
            columns = [Vector(type: .int64, count: n, storage: .int64(ContiguousArray(groupIds.lazy.map { Int64($0) })))] + arguments
            hashes = hashRows(columns.map(KeyView.init), count: n)
        }
        // Rows grouped by partition in one flat array (a counting sort), in row order within each.
        let partitionCount = Self.partitionCount
        var starts = [Int](repeating: 0, count: partitionCount + 1)
        var order = ContiguousArray<Int32>(repeating: 0, count: n)
        hashes.withUnsafeBufferPointer { h in
            for i in 0..<n { starts[Self.partition(h[i]) + 1] += 1 }
            for p in 0..<partitionCount { starts[p + 1] += starts[p] }
            var next = starts
            order.withUnsafeMutableBufferPointer { order in
                for i in 0..<n {
                    let p = Self.partition(h[i])
                    order[next[p]] = Int32(i)
                    next[p] += 1
                }
            }
        }
        for p in 0..<partitionCount where starts[p + 1] > starts[p] { _ = table(p) }
        let partitionTables = tables
        var keep = [Bool](repeating: false, count: n)
        keep.withUnsafeMutableBufferPointer { keep in
            // Each task writes only its own rows' flags.
            let mark = keep
            order.withUnsafeBufferPointer { order in
                let deduplicate = { (p: Int) in
                    let rows = UnsafeBufferPointer(rebasing: order[starts[p]..<starts[p + 1]])
                    // Every partition with rows got its table above.
                    guard !rows.isEmpty, let table = partitionTables[p] else { return }
                    var expected = Int32(table.count)
                    let ids: ContiguousArray<Int32>
                    if let packedKeys {
                        // The table hashes its one key as the partitioning did.
                        ids = table.findOrInsert(vectors: [packedKeys.gather(buffer: rows)], count: rows.count)
                    } else {
                        let vectors = columns.map { $0.gather(buffer: rows) }
                        // The table hashes as hashRows did here: its rows' hashes are passed, not recomputed.
                        let rowHashes = ContiguousArray<UInt64>(unsafeUninitializedCapacity: rows.count) { out, initialized in
                            hashes.withUnsafeBufferPointer { h in
                                for k in 0..<rows.count { out[k] = h[Int(rows[k])] }
                            }
                            initialized = rows.count
                        }
                        ids = table.findOrInsert(vectors: vectors, count: rows.count, hashes: rowHashes)
                    }
                    for k in 0..<rows.count where ids[k] == expected {
                        mark[Int(rows[k])] = true
                        expected += 1
                    }
                }
                if workers > 1 && n >= Self.parallelRows {
                    parallelFor(partitionCount, deduplicate)
                } else {
                    for p in 0..<partitionCount { deduplicate(p) }
                }
            }
        }
        var kept: [Int32] = []
        for i in 0..<n where keep[i] { kept.append(Int32(i)) }
        return kept
    }
}
