// WITH RECURSIVE: runs the anchor, then re-runs the recursive term over the
// rows produced by the previous round (the work table) until a round yields
// no new rows. UNION (not ALL) drops rows already produced.

import Columnar
import Planner

final class RecursiveCTEOperator: Operator {
    private let id: Int
    private let anchor: LogicalPlan, recursive: LogicalPlan
    private let unionAll: Bool
    private let fields: [Field]
    private let planner: PhysicalPlanner
    private var slicer: BatchSlicer?

    init(id: Int, anchor: LogicalPlan, recursive: LogicalPlan, unionAll: Bool, fields: [Field], planner: PhysicalPlanner) {
        self.id = id; self.anchor = anchor; self.recursive = recursive; self.unionAll = unionAll
        self.fields = fields; self.planner = planner
    }

    func next() throws -> Batch? {
        if slicer == nil { slicer = BatchSlicer(try evaluate()) }
        return slicer?.next()
    }

    private func evaluate() throws -> Batch {
        let context = planner.context
        let seen = KeyTable(types: fields.map(\.type))
        var result: [Batch] = []
        func fresh(_ b: Batch) -> Batch {
            if unionAll { return b }
            let before = seen.count
            let ids = seen.findOrInsert(b.columns.map(KeyView.init), count: b.count)
            var keep: [Int32] = []
            var expected = Int32(before)
            for (i, g) in ids.enumerated() where g == expected { keep.append(Int32(i)); expected += 1 }
            return keep.count == b.count ? b : b.gather(keep)
        }
        var working = fresh(try planner.build(anchor).drain(fields: fields, context: context))
        while working.count > 0 {
            try context.checkCancelled()
            try context.reserve(bytes: estimatedBytes(working))
            result.append(working)
            let saved = context.workTables[id]
            context.workTables[id] = [working]
            defer { context.workTables[id] = saved }
            let produced = try planner.build(recursive).drain(fields: fields, context: context)
            working = fresh(produced)
        }
        return concatBatches(result, fields: fields)
    }
}

final class WorkTableScanOperator: Operator {
    private var batches: [Batch]
    init(batches: [Batch]) { self.batches = batches.filter { $0.count > 0 } }
    func next() throws -> Batch? { batches.isEmpty ? nil : batches.removeFirst() }
}
