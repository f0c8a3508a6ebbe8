// A semi or anti join whose left input turned out smaller than the right one:
// the key table is built over the left rows and the right rows probe it,
// marking which left rows have a partner (that also passes the residual).
// Output is the matched (semi) or unmatched (anti) left rows in their
// original order, exactly what probing left against a right-side table
// yields. Building on the small side keeps the table cache-resident and
// avoids hashing the large side into a table (TPC-H Q4, Q21, Q22: a few
// thousand orders or customers against millions of line items or orders).
// The right rows come one batch at a time (`probe`), straight from the right
// operator when the left input was read first: they are never stored nor
// concatenated. A left row that has found its partner is not paired again.
// When the right input is a scan pipeline, its workers call `probe` on the
// batches they make (HashJoinOperator hands the pipeline this table as its
// sink): lookups only read the finished table, and the matched flags are
// set under a lock.

import Columnar
import Foundation
import Planner

final class SemiJoinReversed {
    let left: Batch
    let rightKeys: [Evaluator]
    let residual: Evaluator?
    let residualColumns: Set<Int>?
    let context: ExecutionContext

    private let table: KeyTable
    /// The left rows' key columns (a runtime filter for the right input's scan is made of them).
    private(set) var leftKeyViews: [KeyView] = []
    private var firstRow = ContiguousArray<Int32>()
    private var nextRow = ContiguousArray<Int32>()
    /// Per left row, whether it has a partner. Written only under `lock`; read without it to
    /// skip rows matched already, where a stale false only costs a redundant check.
    private let matched: UnsafeMutableBufferPointer<Bool>
    private var matchedCount = 0
    private let lock = NSLock()

    init(left: Batch, leftKeys: [Evaluator], rightKeys: [Evaluator], keyTypes: [DataType],
         residual: Evaluator?, residualColumns: Set<Int>?, context: ExecutionContext) throws {
        self.left = left
        self.rightKeys = rightKeys
        self.residual = residual; self.residualColumns = residualColumns; self.context = context
        table = KeyTable(types: keyTypes)
        matched = UnsafeMutableBufferPointer<Bool>.allocate(capacity: max(left.count, 1))
        matched.initialize(repeating: false)
        guard left.count > 0 else { return }
        // Table over the left rows whose keys are all non-NULL (NULL never matches).
        let keys = try leftKeys.map { try $0(left) }
        let views = keys.map(KeyView.init)
        leftKeyViews = views
        var rows: [Int32] = []
        rows.reserveCapacity(left.count)
        for i in 0..<left.count where !views.contains(where: { $0.isNull(i) }) { rows.append(Int32(i)) }
        let ids = table.findOrInsert(rows.count == left.count ? views : keys.map { KeyView($0.gather(rows)) }, count: rows.count)
        firstRow = ContiguousArray<Int32>(repeating: -1, count: table.count)
        nextRow = ContiguousArray<Int32>(repeating: -1, count: left.count)
        for j in stride(from: rows.count - 1, through: 0, by: -1) {
            let g = Int(ids[j]), r = rows[j]
            nextRow[Int(r)] = firstRow[g]
            firstRow[g] = r
        }
        table.prepareForConcurrentFinds()
    }

    deinit { matched.deallocate() }

    /// Whether every left row has its partner already (more right rows change nothing).
    var allMatched: Bool {
        lock.lock()
        defer { lock.unlock() }
        return matchedCount == left.count
    }

    /// Marks the left rows that right batch `batch` holds a partner for. Several threads may
    /// call this at once.
    func probe(_ batch: Batch) throws {
        guard table.count > 0, batch.count > 0, !allMatched else { return }
        var start = 0
        // Batch-sized chunks, so candidate pairs stay batch-sized.
        while start < batch.count {
            try context.checkCancelled()
            let chunk = batch.count <= Batch.capacity ? batch : batch.slice(start..<min(start + Batch.capacity, batch.count))
            start += chunk.count
            try probeChunk(chunk)
        }
    }

    private func probeChunk(_ chunk: Batch) throws {
        let probeViews = try rightKeys.map { KeyView(try $0(chunk)) }
        let found = table.find(probeViews, count: chunk.count)
        let firstRow = self.firstRow, nextRow = self.nextRow, matched = self.matched
        var li: [Int32] = [], ri: [Int32] = [], newly: [Int32] = []
        for j in 0..<chunk.count {
            let g = found[j]
            if g < 0 || probeViews.contains(where: { $0.isNull(j) }) { continue }
            var r = firstRow[Int(g)]
            while r >= 0 {
                // A left row with a partner already needs no second one.
                if !matched[Int(r)] {
                    if residual != nil { li.append(r); ri.append(Int32(j)) } else { newly.append(r) }
                }
                r = nextRow[Int(r)]
            }
        }
        if let residual, !li.isEmpty {
            let candidates = residualColumns.map { JoinOutput.pairs(left, li, chunk, ri, onlyColumns: $0) }
                ?? JoinOutput.pairs(left, li, chunk, ri)
            let t = TruthVector(try residual(candidates))
            for k in 0..<li.count where t.isTrue(k) { newly.append(li[k]) }
        }
        guard !newly.isEmpty else { return }
        lock.lock()
        defer { lock.unlock() }
        for r in newly where !matched[Int(r)] {
            matched[Int(r)] = true
            matchedCount += 1
        }
    }

    /// The left rows with a partner (semi) or without one (anti), as one batch.
    func result(anti: Bool) -> Batch {
        var rows: [Int32] = []
        rows.reserveCapacity(left.count)
        for i in 0..<left.count where matched[i] != anti { rows.append(Int32(i)) }
        return rows.count == left.count ? left : left.gather(rows)
    }
}

/// Probed from the right input's scan pipeline workers (ParallelScanOperator.sendOutput).
extension SemiJoinReversed: PipelineSink {
    func consume(_ batch: Batch) throws { try probe(batch) }
    var satisfied: Bool { allMatched }
}
