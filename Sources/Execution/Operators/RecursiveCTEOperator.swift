// WITH RECURSIVE: emits the anchor's rows, then re-runs the recursive term
// over the rows of the previous round (the work table) until a round yields
// no new rows. Rounds are produced lazily, so a LIMIT above stops an
// otherwise endless recursion. UNION (not ALL) drops rows already produced.

import Columnar
import Planner

final class RecursiveCTEOperator: Operator {
    private let id: Int
    private let anchor: LogicalPlan, recursive: LogicalPlan
    private let unionAll: Bool
    private let fields: [Field]
    private let planner: PhysicalPlanner
    private let seen: KeyTable
    private var started = false
    /// Rows of the latest round: emitted, then fed to the next round.
    private var round: Batch? = nil
    private var slicer: BatchSlicer? = nil

    init(id: Int, anchor: LogicalPlan, recursive: LogicalPlan, unionAll: Bool, fields: [Field], planner: PhysicalPlanner) {
        self.id = id; self.anchor = anchor; self.recursive = recursive; self.unionAll = unionAll
        self.fields = fields; self.planner = planner
        self.seen = KeyTable(types: fields.map(\.type))
    }

    private func fresh(_ b: Batch) -> Batch {
        if unionAll { return b }
        let before = seen.count
        let ids = seen.findOrInsert(b.columns.map(KeyView.init), count: b.count)
        var keep: [Int32] = []
        var expected = Int32(before)
        for (i, g) in ids.enumerated() where g == expected { keep.append(Int32(i)); expected += 1 }
        return keep.count == b.count ? b : b.gather(keep)
    }

    func next() throws -> Batch? {
        let context = planner.context
        while true {
            if let b = slicer?.next() { return b }
            try context.checkCancelled()
            let produced: Batch
            if !started {
                started = true
                produced = try planner.build(anchor).drain(fields: fields, context: context)
            } else {
                guard let previous = round, previous.count > 0 else { return nil }
                let saved = context.workTables[id]
                context.workTables[id] = [previous]
                defer { context.workTables[id] = saved }
                produced = try planner.build(recursive).drain(fields: fields, context: context)
            }
            let rows = fresh(produced)
            try context.reserve(bytes: estimatedBytes(rows))
            round = rows
            if rows.count == 0 { return nil }
            slicer = BatchSlicer(rows)
        }
    }
}

final class WorkTableScanOperator: Operator {
    private var batches: [Batch]
    init(batches: [Batch]) { self.batches = batches.filter { $0.count > 0 } }
    func next() throws -> Batch? { batches.isEmpty ? nil : batches.removeFirst() }
}
