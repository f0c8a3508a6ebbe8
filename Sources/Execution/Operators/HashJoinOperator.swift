// Hash join on equality keys: builds a key table over the right input
// (rows with a NULL key never match), probes it with each left batch, and
// applies any residual condition to the candidate pairs. Supports inner,
// left, right, full, semi and anti joins; right/full joins emit the
// unmatched build rows at the end. Semi and anti joins build on the smaller
// side: when the left input ends before outgrowing the right one, the table is
// built over the left rows and the right rows probe it (see
// SemiJoinReversed.swift), with the same rows out in the same order.

import Columnar
import Planner

final class HashJoinOperator: Operator {
    private let left: Operator, right: Operator
    private let type: JoinType
    private let leftKeys: [Evaluator], rightKeys: [Evaluator]
    private let residual: Evaluator?
    /// Output columns the residual reads (nil: unknown, gather them all).
    private let residualColumns: Set<Int>?
    private let leftFields: [Field], rightFields: [Field]
    private let context: ExecutionContext

    private var built = false
    private var build = Batch(columns: [], count: 0)
    private var table: KeyTable
    private var firstRow = ContiguousArray<Int32>()
    private var nextRow = ContiguousArray<Int32>()
    private var rightMatched = ContiguousArray<Bool>()
    private var pending: [Batch] = []
    /// Left batches read while choosing the build side of a semi/anti join, probed first.
    private var leftBuffered: [Batch] = []
    /// The semi/anti join ran with the left rows as the table; its output is all in `pending`.
    private var reversedDone = false
    private var finished = false

    init(left: Operator, right: Operator, type: JoinType, leftKeys: [Evaluator], rightKeys: [Evaluator], keyTypes: [DataType],
         residual: Evaluator?, residualColumns: Set<Int>? = nil, leftFields: [Field], rightFields: [Field], context: ExecutionContext) {
        self.left = left; self.right = right; self.type = type
        self.leftKeys = leftKeys; self.rightKeys = rightKeys; self.residual = residual; self.residualColumns = residualColumns
        self.leftFields = leftFields; self.rightFields = rightFields; self.context = context
        self.table = KeyTable(types: keyTypes)
    }

    private func buildSide() throws {
        build = try right.drain(fields: rightFields, context: context)
        if type == .semi || type == .anti {
            // Read the left input up to the size of the right one: if it ends first, it is the
            // smaller side and becomes the hash table; else its batches are probed as usual.
            var buffered: [Batch] = [], rows = 0
            var exhausted = false
            while rows <= build.count {
                guard let lb = try left.next() else { exhausted = true; break }
                try context.checkCancelled()
                try context.reserve(bytes: estimatedBytes(lb))
                buffered.append(lb); rows += lb.count
            }
            if exhausted {
                built = true
                reversedDone = true
                let probe = try SemiJoinReversed(left: concatBatches(buffered, fields: leftFields), right: build,
                                                 leftKeys: leftKeys, rightKeys: rightKeys, keyTypes: table.types,
                                                 residual: residual, residualColumns: residualColumns, context: context)
                appendSliced(try probe.result(anti: type == .anti))
                return
            }
            leftBuffered = buffered
        }
        let keys = try rightKeys.map { try $0(build) }
        let views = keys.map(KeyView.init)
        nextRow = ContiguousArray(repeating: -1, count: build.count)
        rightMatched = ContiguousArray(repeating: false, count: build.count)
        var rows: [Int32] = []
        for i in 0..<build.count where !views.contains(where: { $0.isNull(i) }) { rows.append(Int32(i)) }
        let subViews = rows.count == build.count ? views : keys.map { KeyView($0.gather(rows)) }
        let ids = table.findOrInsert(subViews, count: rows.count)
        firstRow = ContiguousArray(repeating: -1, count: table.count)
        // Insert in reverse so each chain lists rows in build order.
        for j in stride(from: rows.count - 1, through: 0, by: -1) {
            let g = Int(ids[j]), r = rows[j]
            nextRow[Int(r)] = firstRow[g]
            firstRow[g] = r
        }
        built = true
    }

    func next() throws -> Batch? {
        if !built { try buildSide() }
        while pending.isEmpty {
            try context.checkCancelled()
            if reversedDone { return nil }
            guard let lb = leftBuffered.isEmpty ? try left.next() : leftBuffered.removeFirst() else {
                if finished { return nil }
                finished = true
                if let rest = JoinOutput.rightRemainder(build, matched: Array(rightMatched), type: type, leftFields: leftFields) {
                    pending.append(rest)
                }
                continue
            }
            try probe(lb)
        }
        return pending.removeFirst()
    }

    private func probe(_ lb: Batch) throws {
        let keys = try leftKeys.map { try $0(lb) }
        let views = keys.map(KeyView.init)
        let ids = table.find(views, count: lb.count)
        var li: [Int32] = [], ri: [Int32] = []
        li.reserveCapacity(lb.count); ri.reserveCapacity(lb.count)
        // NULL keys never match; one mask per batch instead of asking every view per row.
        var nullKey: ContiguousArray<Bool>? = nil
        for view in views {
            guard let nulls = view.nulls else { continue }
            if nullKey == nil { nullKey = nulls } else { for i in 0..<lb.count where nulls[i] { nullKey![i] = true } }
        }
        // Chains are read through local buffers: no per-row exclusivity check on the properties.
        firstRow.withUnsafeBufferPointer { firstRow in
            nextRow.withUnsafeBufferPointer { nextRow in
                for i in 0..<lb.count {
                    let g = ids[i]
                    if g < 0 || (nullKey?[i] ?? false) { continue }
                    var r = firstRow[Int(g)]
                    while r >= 0 { li.append(Int32(i)); ri.append(r); r = nextRow[Int(r)] }
                }
            }
        }
        if let residual, !li.isEmpty {
            let candidates = residualColumns.map { JoinOutput.pairs(lb, li, build, ri, onlyColumns: $0) }
                ?? JoinOutput.pairs(lb, li, build, ri)
            let t = TruthVector(try residual(candidates))
            var keepL: [Int32] = [], keepR: [Int32] = []
            for j in 0..<li.count where t.isTrue(j) { keepL.append(li[j]); keepR.append(ri[j]) }
            li = keepL; ri = keepR
        }
        var leftMatched = [Bool](repeating: false, count: lb.count)
        for l in li { leftMatched[Int(l)] = true }
        if type == .right || type == .full { for r in ri { rightMatched[Int(r)] = true } }
        if type != .semi && type != .anti && !li.isEmpty { appendSliced(JoinOutput.pairs(lb, li, build, ri)) }
        if let rest = JoinOutput.leftRemainder(lb, matched: leftMatched, type: type, rightFields: rightFields) { pending.append(rest) }
    }

    private func appendSliced(_ b: Batch) {
        var start = 0
        while start < b.count {
            let end = min(start + Batch.capacity, b.count)
            pending.append(b.slice(start..<end))
            start = end
        }
    }
}
