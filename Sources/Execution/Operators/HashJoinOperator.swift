// Hash join on equality keys, pulling its probe (left) batches one at a time:
// builds a hash table over the right input (HashJoinProbe, JoinHashTable;
// rows with a NULL key never match), probes it with each left batch, and
// applies any residual condition to the candidate pairs. Supports inner,
// left, right, full, semi and anti joins; right/full joins emit the
// unmatched build rows at the end. Used where the probe side is not a scan
// pipeline (else the probe runs on all cores inside the pipeline, see
// ParallelScanOperator). Semi and anti joins build on the smaller side: when
// the left input ends before outgrowing the right one, the table is built
// over the left rows and the right rows probe it (see SemiJoinReversed.swift),
// with the same rows out in the same order.

import Columnar
import Planner

final class HashJoinOperator: Operator {
    private let left: Operator, right: Operator
    private let join: HashJoinProbe
    private let keyTypes: [DataType]
    private let context: ExecutionContext

    private var built = false
    private var pending: [Batch] = []
    /// Left batches read while choosing the build side of a semi/anti join, probed first.
    private var leftBuffered: [Batch] = []
    /// The semi/anti join ran with the left rows as the table; its output is all in `pending`.
    private var reversedDone = false
    private var finished = false

    init(left: Operator, right: Operator, join: HashJoinProbe, keyTypes: [DataType], context: ExecutionContext) {
        self.left = left; self.right = right; self.join = join; self.keyTypes = keyTypes; self.context = context
    }

    private func buildSide() throws {
        let build = try right.drain(fields: join.rightFields, context: context)
        let type = join.type
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
                let probe = try SemiJoinReversed(left: concatBatches(buffered, fields: join.leftFields), right: build,
                                                 leftKeys: join.probeKeys, rightKeys: join.buildKeys, keyTypes: keyTypes,
                                                 residual: join.residual, residualColumns: join.residualColumns, context: context)
                appendSliced(try probe.result(anti: type == .anti))
                return
            }
            leftBuffered = buffered
        }
        try join.build(build, context: context)
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
                if let rest = join.rightRemainder() { appendSliced(rest) }
                continue
            }
            for b in try join.probe(lb) { appendSliced(b) }
        }
        return pending.removeFirst()
    }

    private func appendSliced(_ b: Batch) {
        if b.count <= Batch.capacity { if b.count > 0 { pending.append(b) }; return }
        var start = 0
        while start < b.count {
            let end = min(start + Batch.capacity, b.count)
            pending.append(b.slice(start..<end))
            start = end
        }
    }
}
