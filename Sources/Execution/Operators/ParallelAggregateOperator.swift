// Parallel hash aggregation over a scan pipeline: every morsel is filtered,
// projected and aggregated into a local key table and local aggregate
// states on a worker thread; the consumer merges the partial results in
// morsel order (first-seen group order, as a sequential run) through the
// states' merge. Used for plain GROUP BY without DISTINCT, ordered
// aggregates or grouping sets; the rest uses HashAggregateOperator. The
// pipeline may hold hash-join probes (PipelineJoin), so aggregates over joins
// run on all cores too.

import Columnar
import Functions
import Planner

final class ParallelAggregateOperator: Operator {
    private let node: AggregateNode
    private let scan: ScanNode
    /// The pipeline's stages; once it starts, without the filter the scan runs itself and with
    /// the runtime filter stages.
    private var stages: [PipelineStage]
    private let keys: [Evaluator]
    private let arguments: [[Evaluator]]
    private let filters: [Evaluator?]
    private let context: ExecutionContext
    private let workers: Int
    private var runner: MorselRunner<Partial>?
    private var slicer: BatchSlicer?

    /// One morsel's groups and aggregate states (and its key table, which becomes the
    /// result's table when it is the first partial with groups).
    final class Partial {
        let table: KeyTable
        let keys: [Vector]
        let count: Int
        let states: [AggregateState]
        init(table: KeyTable, states: [AggregateState]) {
            self.table = table; self.keys = table.keyVectors(); self.count = table.count; self.states = states
        }
    }

    init(node: AggregateNode, scan: ScanNode, stages: [PipelineStage], compiler: ExpressionCompiler, workers: Int) throws {
        self.node = node
        self.scan = scan
        self.stages = stages
        self.keys = try node.groupKeys.map(compiler.compile)
        self.arguments = try node.aggregates.map { try $0.arguments.map(compiler.compile) }
        self.filters = try node.aggregates.map { try $0.filter.map(compiler.compile) }
        self.context = compiler.context
        self.workers = workers
    }

    deinit { runner?.stop() }

    static func eligible(_ node: AggregateNode) -> Bool {
        node.groupingSets == nil && node.aggregates.allSatisfy { !$0.distinct && $0.orderBy.isEmpty }
    }

    private func aggregateMorsel(_ morsel: ScanMorsel) throws -> Partial {
        let table = KeyTable(types: node.groupKeys.map(\.type))
        let states = node.aggregates.map { $0.resolution.makeState() }
        try forEachStageOutput(stages, on: morsel, statistics: scan.statistics) { try aggregate($0, into: table, states) }
        return Partial(table: table, states: states)
    }

    private func aggregateBatches(_ batches: [Batch]) throws -> Partial {
        let table = KeyTable(types: node.groupKeys.map(\.type))
        let states = node.aggregates.map { $0.resolution.makeState() }
        for b in batches { try aggregate(b, into: table, states) }
        return Partial(table: table, states: states)
    }

    private func aggregate(_ b: Batch, into table: KeyTable, _ states: [AggregateState]) throws {
        let ids = table.findOrInsert(vectors: try keys.map { try $0(b) }, count: b.count)
        for a in states.indices {
            var args = try arguments[a].map { try $0(b) }
            var groups = ids
            if let filter = filters[a] {
                let t = TruthVector(try filter(b))
                let rows = (0..<b.count).filter { t.isTrue($0) }.map { Int32($0) }
                groups = ContiguousArray(rows.map { ids[Int($0)] })
                args = args.map { $0.gather(rows) }
            }
            let n = groups.count, count = table.count
            try groups.withUnsafeBufferPointer { g in
                try states[a].update(groups: g, groupCount: count, arguments: args, rowCount: n)
            }
        }
    }

    func next() throws -> Batch? {
        if slicer == nil { slicer = BatchSlicer(try aggregate()) }
        return slicer?.next()
    }

    private func aggregate() throws -> Batch {
        let morsels: [ScanMorsel]
        (morsels, stages) = try stages.started(scan: scan, context: context)
        // Weak: the operator holds the runner, so a strong capture would be a cycle that keeps
        // the operator, its pipeline and the join tables in it alive after the query.
        let runner = MorselRunner(morsels: morsels, workers: workers, cancellation: context.cancellation) { [weak self] m in
            guard let self else { throw SQLError(SQLState.queryCanceled, "canceling statement: its operator was released") }
            return try self.aggregateMorsel(m)
        }
        self.runner = runner
        var table = KeyTable(types: node.groupKeys.map(\.type))
        var states = node.aggregates.map { $0.resolution.makeState() }
        var remaindersTaken = false
        var keyMerge: PartitionedGroupMerge?
        while true {
            try context.checkCancelled()
            var next = try runner.next()
            if next == nil && !remaindersTaken {
                // Right/full joins in the pipeline: their unmatched build rows, after every morsel.
                remaindersTaken = true
                let rest = try stages.joinRemainders()
                if !rest.isEmpty { next = try aggregateBatches(rest) }
            }
            guard let partial = next else { break }
            guard partial.count > 0 else { continue }
            if let keyMerge {
                keyMerge.add(keys: partial.keys, count: partial.count)
                continue
            }
            if table.count == 0, states.isEmpty, !node.groupKeys.isEmpty, workers > 1,
               partial.count >= PartitionedGroupMerge.minimumGroups {
                // Many groups and nothing but keys: merged by partition at the end (PartitionedGroupMerge).
                let merge = PartitionedGroupMerge(types: node.groupKeys.map(\.type), workers: workers)
                merge.add(keys: partial.keys, count: partial.count)
                keyMerge = merge
                continue
            }
            if table.count == 0 {
                // Merging into nothing gives the partial itself: take it over instead of
                // inserting every group again (a high-cardinality GROUP BY's first morsel).
                table = partial.table
                states = partial.states
                continue
            }
            let mapping = Array(table.findOrInsert(partial.keys.map(KeyView.init), count: partial.count))
            for a in states.indices {
                try states[a].merge(partial.states[a], mapping: mapping, groupCount: table.count)
            }
        }
        if let keyMerge {
            let keys = keyMerge.finish()
            return Batch(columns: keys, count: keys.first?.count ?? 0)
        }
        // A plain aggregate (no GROUP BY) always has its one group.
        if node.groupKeys.isEmpty && table.count == 0 {
            _ = table.findOrInsert([], count: 1)
        }
        let columns = table.keyVectors() + (try states.map { try $0.finish(groupCount: table.count) })
        return Batch(columns: columns, count: table.count)
    }
}
