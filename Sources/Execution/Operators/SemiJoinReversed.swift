// A semi or anti join whose left input turned out smaller than the right one:
// the key table is built over the left rows and the right rows probe it,
// marking which left rows have a partner (that also passes the residual).
// Output is the matched (semi) or unmatched (anti) left rows in their
// original order, exactly what probing left against a right-side table
// yields. Building on the small side keeps the table cache-resident and
// avoids hashing the large side into a table (TPC-H Q4, Q21, Q22: a few
// thousand orders or customers against millions of line items or orders).

import Columnar
import Planner

struct SemiJoinReversed {
    let left: Batch, right: Batch
    let leftKeys: [Evaluator], rightKeys: [Evaluator]
    let keyTypes: [DataType]
    let residual: Evaluator?
    let residualColumns: Set<Int>?
    let context: ExecutionContext

    init(left: Batch, right: Batch, leftKeys: [Evaluator], rightKeys: [Evaluator], keyTypes: [DataType],
         residual: Evaluator?, residualColumns: Set<Int>?, context: ExecutionContext) throws {
        self.left = left; self.right = right
        self.leftKeys = leftKeys; self.rightKeys = rightKeys; self.keyTypes = keyTypes
        self.residual = residual; self.residualColumns = residualColumns; self.context = context
    }

    /// The left rows with a partner (semi) or without one (anti), as one batch.
    func result(anti: Bool) throws -> Batch {
        let matched = try matchedLeftRows()
        var rows: [Int32] = []
        rows.reserveCapacity(left.count)
        for i in 0..<left.count where matched[i] != anti { rows.append(Int32(i)) }
        return rows.count == left.count ? left : left.gather(rows)
    }

    private func matchedLeftRows() throws -> ContiguousArray<Bool> {
        var matched = ContiguousArray<Bool>(repeating: false, count: left.count)
        guard left.count > 0, right.count > 0 else { return matched }
        // Table over the left rows whose keys are all non-NULL (NULL never matches).
        let keys = try leftKeys.map { try $0(left) }
        let views = keys.map(KeyView.init)
        var rows: [Int32] = []
        rows.reserveCapacity(left.count)
        for i in 0..<left.count where !views.contains(where: { $0.isNull(i) }) { rows.append(Int32(i)) }
        let table = KeyTable(types: keyTypes)
        let ids = table.findOrInsert(rows.count == left.count ? views : keys.map { KeyView($0.gather(rows)) }, count: rows.count)
        var firstRow = ContiguousArray<Int32>(repeating: -1, count: table.count)
        var nextRow = ContiguousArray<Int32>(repeating: -1, count: left.count)
        for j in stride(from: rows.count - 1, through: 0, by: -1) {
            let g = Int(ids[j]), r = rows[j]
            nextRow[Int(r)] = firstRow[g]
            firstRow[g] = r
        }
        // Probe with the right rows a batch at a time, so candidate pairs stay batch-sized.
        var start = 0
        while start < right.count {
            try context.checkCancelled()
            let chunk = right.slice(start..<min(start + Batch.capacity, right.count))
            start += chunk.count
            let probeViews = try rightKeys.map { KeyView(try $0(chunk)) }
            let found = table.find(probeViews, count: chunk.count)
            var li: [Int32] = [], ri: [Int32] = []
            for j in 0..<chunk.count {
                let g = found[j]
                if g < 0 || probeViews.contains(where: { $0.isNull(j) }) { continue }
                var r = firstRow[Int(g)]
                while r >= 0 {
                    // Without a residual a matched left row needs no second partner.
                    if residual != nil || !matched[Int(r)] { li.append(r); ri.append(Int32(j)) }
                    if residual == nil { matched[Int(r)] = true }
                    r = nextRow[Int(r)]
                }
            }
            guard let residual, !li.isEmpty else { continue }
            let candidates = residualColumns.map { JoinOutput.pairs(left, li, chunk, ri, onlyColumns: $0) }
                ?? JoinOutput.pairs(left, li, chunk, ri)
            let t = TruthVector(try residual(candidates))
            for k in 0..<li.count where t.isTrue(k) { matched[Int(li[k])] = true }
        }
        return matched
    }
}
