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
// with the same rows out in the same order. The left input is read first, up
// to `leftFirstRows`: a left input that small is the table whatever the right
// size, and the right rows then stream past it without being stored. When the
// right input is a scan pipeline (and the join's keys and residual are safe on
// worker threads), those right rows probe the table on the pipeline's workers
// (ParallelScanOperator.sendOutput), not on this thread.

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

    /// Whether a semi/anti join with its table over the left rows may let the right input's
    /// scan-pipeline workers probe it (the planner checked the keys and residual are thread-safe).
    private let probesOnWorkers: Bool

    /// The join's EXPLAIN ANALYZE profile, told when the right input's workers probe.
    private let profile: OperatorProfile?

    /// Per key, the right input's column it is when a plain column (nil otherwise): where a
    /// runtime filter from the left rows' table may check the right input's scan.
    private let rightKeyColumns: [Int?]

    /// The planner's estimate of the right input's rows (nil: none), which lets a semi/anti
    /// join read more of its left input first when the right one is expected far larger.
    private let estimatedRightRows: Double?

    init(left: Operator, right: Operator, join: HashJoinProbe, keyTypes: [DataType], context: ExecutionContext,
         probesOnWorkers: Bool = false, rightKeyColumns: [Int?] = [], estimatedRightRows: Double? = nil,
         profile: OperatorProfile? = nil) {
        self.left = left; self.right = right; self.join = join; self.keyTypes = keyTypes; self.context = context
        self.probesOnWorkers = probesOnWorkers
        self.rightKeyColumns = rightKeyColumns
        self.estimatedRightRows = estimatedRightRows
        self.profile = profile
    }

    /// Before the right pipeline starts: a runtime filter of the left rows' keys for its scan
    /// (row groups skipped by the keys' ranges, rows dropped by ranges and a bloom filter before
    /// they probe), on the key columns that are copies of scan columns.
    private func filterRightScan(_ pipeline: ParallelScanOperator, by reversed: SemiJoinReversed) throws {
        guard RuntimeJoinFilter.enabled(context), rightKeyColumns.count == keyTypes.count, reversed.left.count > 0 else { return }
        let positions = rightKeyColumns.map { c in c.flatMap { $0 < pipeline.outputOrigin.count ? pipeline.outputOrigin[$0] : nil } }
        guard positions.contains(where: { $0 != nil }) else { return }
        let trace = RuntimeFilterTrace(scanColumns: positions, frontColumns: positions,
                                       buildColumns: positions.map { _ in nil }, keyTypes: keyTypes)
        if let f = try RuntimeJoinFilter.make(reversedSemiJoin: join.type, leftKeys: reversed.leftKeyViews, rows: reversed.left.count,
                                              trace: trace, scan: pipeline.scanNode, context: context) {
            pipeline.incoming.append(f)
        }
    }

    /// The right input as a scan pipeline not started yet, if it is one.
    private var unstartedRightPipeline: ParallelScanOperator? {
        var op = right
        while let profiled = op as? ProfilingOperator { op = profiled.input }
        return op as? ParallelScanOperator
    }

    /// Semi/anti joins read up to this many left rows before anything else: when the left input
    /// ends within them it becomes the table, and the right rows stream past it unstored.
    /// That is 2^18 rows, or a quarter of the right input's estimated rows when more: reading
    /// the right side first would store all of it (TPC-H Q21 at SF10: 60M line items, 1 GB,
    /// against 734K left rows), while a left side that overshoots is stored either way.
    /// (`lakesql.semi_join_left_first_rows` fixes the number: tests set 0 to reach the
    /// drain-first path.)
    private var leftFirstRows: Int {
        if let fixed = context.functionContext.settings["lakesql.semi_join_left_first_rows"].flatMap({ Int($0) }) { return fixed }
        guard let right = estimatedRightRows, !right.isNaN else { return 1 << 18 }
        return max(1 << 18, Int(min(right / 4, Double(Int32.max))))
    }

    private func buildSide() throws {
        let type = join.type
        guard type == .semi || type == .anti else {
            try join.build(try right.drain(fields: join.rightFields, context: context, keepingEncoding: true), context: context)
            built = true
            return
        }
        var buffered: [Batch] = [], rows = 0
        var exhausted = try readLeft(upTo: leftFirstRows, into: &buffered, rows: &rows)
        if exhausted {
            let reversed = try reversedJoin(buffered)
            if probesOnWorkers, let pipeline = unstartedRightPipeline, pipeline.sendOutput(to: reversed) {
                try filterRightScan(pipeline, by: reversed)
                // The workers probe; the pipeline returns no rows, only nil once done.
                while try right.next() != nil {}
                profile?.note = "table on the \(buffered.reduce(0) { $0 + $1.count }) left rows, probed by \(pipeline.rowsIntoSink) right rows"
                    + " in the right input's parallel scan pipeline"
                finishReversed(reversed)
                return
            }
            while !reversed.allMatched, let rb = try right.next() {
                try context.checkCancelled()
                try reversed.probe(rb)
            }
            finishReversed(reversed)
            return
        }
        // The left input is large: the right one is read whole, and the left one up to the
        // right's size. If the left ends first it is still the smaller side and becomes the
        // table; else its batches are probed as usual.
        let parts = try right.drainParts(context: context)
        let rightRows = parts.reduce(0) { $0 + $1.count }
        exhausted = try readLeft(upTo: rightRows, into: &buffered, rows: &rows)
        if exhausted {
            let reversed = try reversedJoin(buffered)
            for rb in parts where !reversed.allMatched { try reversed.probe(rb) }
            finishReversed(reversed)
            return
        }
        leftBuffered = buffered
        try join.build(concatBatches(parts, fields: join.rightFields, keepingEncoding: true), context: context)
        built = true
    }

    /// Reads left batches while fewer than `limit` rows are buffered; true when the input ended.
    private func readLeft(upTo limit: Int, into buffered: inout [Batch], rows: inout Int) throws -> Bool {
        while rows <= limit {
            guard let lb = try left.next() else { return true }
            try context.checkCancelled()
            try context.reserve(bytes: estimatedBytes(lb))
            buffered.append(lb); rows += lb.count
        }
        return false
    }

    private func reversedJoin(_ buffered: [Batch]) throws -> SemiJoinReversed {
        try SemiJoinReversed(left: concatBatches(buffered, fields: join.leftFields),
                             leftKeys: join.probeKeys, rightKeys: join.buildKeys, keyTypes: keyTypes,
                             residual: join.residual, residualColumns: join.residualColumns, context: context)
    }

    private func finishReversed(_ reversed: SemiJoinReversed) {
        built = true
        reversedDone = true
        appendSliced(reversed.result(anti: join.type == .anti))
    }

    func next() throws -> Batch? {
        if !built { try buildSide() }
        // An inner, semi or right join over an empty table yields nothing: the probe side is not read.
        if !reversedDone && join.yieldsNothingFromProbe { return nil }
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
