// Top-N: `ORDER BY … LIMIT n [OFFSET m]` without sorting the whole input.
// Keeps at most n + m candidate rows: input batches are buffered until a few
// thousand rows have arrived, then the buffer (with the candidates kept so
// far, which come first) goes through a bounded max-heap of n + m row
// indexes ordered by (keys, arrival), and only the heap's rows stay. Ties
// keep arrival order — the same rows, in the same order, as the stable full
// sort followed by LIMIT/OFFSET (SortOperator + LimitOperator), with memory
// bounded by n + m rows plus the buffer instead of the whole input.

import Columnar
import Planner

final class TopNOperator: Operator {
    private let input: Operator
    private let keys: [(Evaluator, SortKey)]
    private let fields: [Field]
    private let context: ExecutionContext
    private let keep: Int
    private let offset: Int
    private var slicer: BatchSlicer?

    /// `limit` rows after skipping `offset`; the caller checks that limit + offset does not overflow.
    init(input: Operator, keys: [(Evaluator, SortKey)], limit: Int, offset: Int, fields: [Field], context: ExecutionContext) {
        self.input = input
        self.keys = keys
        self.fields = fields
        self.context = context
        self.keep = max(0, limit) + max(0, offset)
        self.offset = max(0, offset)
    }

    func next() throws -> Batch? {
        if slicer == nil { slicer = BatchSlicer(try topRows()) }
        return slicer?.next()
    }

    private func topRows() throws -> Batch {
        var kept: Batch? = nil
        var pending: [Batch] = []
        var pendingRows = 0
        var reserved = 0
        // Pruning every few thousand rows keeps the heap work per input row at O(log n).
        let flushAt = max(keep, 4 * Batch.capacity)
        while let b = try input.next() {
            try context.checkCancelled()
            if keep == 0 { continue }
            let bytes = estimatedBytes(b)
            try context.reserve(bytes: bytes)
            reserved += bytes
            pending.append(b)
            pendingRows += b.count
            if pendingRows >= flushAt {
                kept = try prune(kept, pending)
                pending = []
                pendingRows = 0
                context.release(bytes: reserved)
                reserved = estimatedBytes(kept ?? Batch(columns: [], count: 0))
                try context.reserve(bytes: reserved)
            }
        }
        let top = try prune(kept, pending)
        context.release(bytes: reserved)
        guard offset > 0 else { return top }
        return offset >= top.count ? top.slice(0..<0) : top.slice(offset..<top.count)
    }

    /// The first `keep` rows of kept + pending in sort order (ties by arrival), sorted.
    private func prune(_ kept: Batch?, _ pending: [Batch]) throws -> Batch {
        let parts = (kept.map { [$0] } ?? []) + pending
        let all = concatBatches(parts, fields: fields)
        if all.count == 0 || keep == 0 { return all.slice(0..<0) }
        let keyVectors = try keys.map { try $0.0(all) }
        let comparator = RowComparator(vectors: keyVectors, keys: keys.map { ($0.1.ascending, $0.1.nullsFirst) })
        // Row a goes before row b: by the keys, then by arrival.
        func before(_ a: Int32, _ b: Int32) -> Bool {
            let r = comparator.compare(Int(a), Int(b))
            return r != 0 ? r < 0 : a < b
        }
        var heap = BoundedMaxHeap(capacity: keep, before: before)
        for i in 0..<Int32(all.count) { heap.offer(i) }
        let order = heap.elements.sorted(by: before)
        if order.count == all.count, order.elementsEqual(0..<Int32(all.count)) { return all }
        return all.gather(order)
    }
}

/// The `capacity` smallest elements under `before`, with the largest of them on top.
struct BoundedMaxHeap {
    private(set) var elements: [Int32] = []
    let capacity: Int
    let before: (Int32, Int32) -> Bool

    init(capacity: Int, before: @escaping (Int32, Int32) -> Bool) {
        self.capacity = capacity
        self.before = before
        elements.reserveCapacity(min(capacity, 1 << 16))
    }

    mutating func offer(_ x: Int32) {
        if elements.count < capacity {
            elements.append(x)
            var c = elements.count - 1
            while c > 0 {
                let p = (c - 1) / 2
                guard before(elements[p], elements[c]) else { break }
                elements.swapAt(p, c)
                c = p
            }
            return
        }
        guard let top = elements.first, before(x, top) else { return }
        elements[0] = x
        var p = 0
        let n = elements.count
        while true {
            let l = 2 * p + 1, r = l + 1
            var largest = p
            if l < n && before(elements[largest], elements[l]) { largest = l }
            if r < n && before(elements[largest], elements[r]) { largest = r }
            if largest == p { break }
            elements.swapAt(p, largest)
            p = largest
        }
    }
}
