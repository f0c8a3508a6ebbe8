// The merge of a parallel GROUP BY's per-morsel key tables when the groups
// are many and there are no aggregate states to merge with them (SELECT
// DISTINCT, and the inner GROUP BY that count(DISTINCT x) becomes). Merged
// one partial after another into one table, every insert missed the cache of
// a table of hundreds of thousands of groups, on the consumer thread alone:
// click-stream m4's 16 morsels of (device, user) pairs, 656K groups, spent
// half its time there. Instead each partial's groups are split by key hash
// into partitions as they arrive, and at the end every partition's groups go
// into a table of its own (a small one, inside the cache), the partitions on
// all cores. The result lists the partitions' groups one partition after
// another, each in first-seen order: a GROUP BY promises no order, and the
// morsels come in a fixed order, so it is the same on every run.

import Columnar

final class PartitionedGroupMerge {
    /// A first partial with at least this many groups starts it (with fewer, the sequential
    /// merge's one table stays in the cache). Tests lower it to reach it on small tables.
    nonisolated(unsafe) static var minimumGroups = 32_768
    static let partitionCount = 64
    private let types: [DataType]
    private let workers: Int
    /// Per partition, the partials' key vectors and the rows of them that fall in it.
    private var parts: [[(keys: [Vector], rows: [Int32])]]

    init(types: [DataType], workers: Int) {
        self.types = types
        self.workers = workers
        parts = Array(repeating: [], count: Self.partitionCount)
    }

    /// Bits 24–29 of a row's hash pick its partition: the tables place a row by its hash's
    /// low bits and tag it with its high 32.
    @inline(__always) private static func partition(_ hash: UInt64) -> Int {
        Int(truncatingIfNeeded: hash >> 24) & (partitionCount - 1)
    }

    /// Splits one partial's groups (its key vectors, `count` rows) among the partitions.
    func add(keys: [Vector], count n: Int) {
        guard n > 0 else { return }
        let hashes = hashRows(keys.map(KeyView.init), count: n)
        var rowsOf = [[Int32]](repeating: [], count: Self.partitionCount)
        let expected = n / Self.partitionCount + 16
        for p in 0..<Self.partitionCount { rowsOf[p].reserveCapacity(expected) }
        hashes.withUnsafeBufferPointer { h in
            for i in 0..<n { rowsOf[Self.partition(h[i])].append(Int32(i)) }
        }
        for p in 0..<Self.partitionCount where !rowsOf[p].isEmpty { parts[p].append((keys, rowsOf[p])) }
    }

    /// The distinct keys of everything added, a partition at a time.
    func finish() -> [Vector] {
        var tables = [KeyTable?](repeating: nil, count: Self.partitionCount)
        let parts = self.parts, types = self.types
        tables.withUnsafeMutableBufferPointer { tables in
            let out = tables
            let merge = { (p: Int) in
                let table = KeyTable(types: types)
                for (keys, rows) in parts[p] {
                    _ = table.findOrInsert(vectors: keys.map { $0.gather(rows) }, count: rows.count)
                }
                out[p] = table
            }
            if workers > 1 { parallelFor(Self.partitionCount, merge) } else { for p in 0..<Self.partitionCount { merge(p) } }
        }
        let keyParts = tables.compactMap { $0 }.filter { $0.count > 0 }.map { $0.keyVectors() }
        return types.indices.map { c in Vector.concat(keyParts.map { $0[c] }, type: types[c]) }
    }
}
