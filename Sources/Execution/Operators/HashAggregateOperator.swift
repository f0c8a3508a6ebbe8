// Hash aggregation: maps each row's group key to a dense group id with the
// key table and folds argument vectors into per-aggregate states batch by
// batch. Handles FILTER (rows dropped before folding), DISTINCT (a second
// key table over group id + arguments, split into partitions deduplicated on
// all cores a million rows at a time: PartitionedDistinct), ordered aggregates (rows buffered,
// sorted by the call's ORDER BY, then folded), and GROUPING SETS / ROLLUP /
// CUBE (one key table per set; keys outside a set are NULL and the hidden
// grouping-id column carries the bitmask of those keys).

import Columnar
import Functions
import Planner

final class HashAggregateOperator: Operator {
    private let node: AggregateNode
    private let input: Operator
    private let compiler: ExpressionCompiler
    private let workers: Int
    private var slicer: BatchSlicer?

    /// Rows a DISTINCT call collects before deduplicating them (in parallel when large): a
    /// million (12 MB for an integer argument) gives each of PartitionedDistinct's 256 tables
    /// about 4K rows a visit. Tests lower it to cross chunk boundaries on small tables.
    nonisolated(unsafe) static var distinctChunkRows = 1_048_576

    init(node: AggregateNode, input: Operator, compiler: ExpressionCompiler, workers: Int = 1) {
        self.node = node
        self.input = input
        self.compiler = compiler
        self.workers = workers
    }

    private struct AggregateInputs {
        let arguments: [Evaluator]
        let filter: Evaluator?
        let order: [(Evaluator, SortKey)]
        let isOrdered: Bool
    }

    private final class SetState {
        let keys: Set<Int>
        let table: KeyTable
        var states: [AggregateState]
        var distinctTables: [PartitionedDistinct?]
        /// A DISTINCT call's rows (group ids, arguments, ORDER BY keys) not deduplicated yet.
        var pendingDistinct: [[(groupIds: ContiguousArray<Int32>, arguments: [Vector], orderKeys: [Vector])]]
        var pendingDistinctRows: [Int]
        var orderedBuffers: [[Batch]]
        init(keys: Set<Int>, keyTypes: [DataType], aggregates: [BoundAggregate], workers: Int) {
            self.keys = keys
            table = KeyTable(types: keyTypes)
            states = aggregates.map { $0.resolution.makeState() }
            distinctTables = aggregates.map { a in
                a.distinct ? PartitionedDistinct(argumentTypes: a.arguments.map(\.type), workers: workers) : nil
            }
            pendingDistinct = aggregates.map { _ in [] }
            pendingDistinctRows = aggregates.map { _ in 0 }
            orderedBuffers = aggregates.map { _ in [] }
        }
    }

    func next() throws -> Batch? {
        if slicer == nil { slicer = BatchSlicer(try aggregate()) }
        return slicer?.next()
    }

    private func aggregate() throws -> Batch {
        let context = compiler.context
        let keyEvals = try node.groupKeys.map(compiler.compile)
        let keyTypes = node.groupKeys.map(\.type)
        let inputs = try node.aggregates.map { a in
            AggregateInputs(arguments: try a.arguments.map(compiler.compile),
                            filter: try a.filter.map(compiler.compile),
                            order: try a.orderBy.map { (try compiler.compile($0.expr), $0) },
                            isOrdered: !a.orderBy.isEmpty)
        }
        let setLists = node.groupingSets ?? [Array(0..<node.groupKeys.count)]
        let sets = setLists.map { SetState(keys: Set($0), keyTypes: keyTypes, aggregates: node.aggregates, workers: workers) }

        while let b = try input.next() {
            try context.checkCancelled()
            let keyVectors = try keyEvals.map { try $0(b) }
            let argVectors = try inputs.map { try $0.arguments.map { try $0(b) } }
            let filters = try inputs.map { try $0.filter?(b) }
            let orderVectors = try inputs.map { try $0.order.map { try $0.0(b) } }
            for set in sets {
                let vectors = keyVectors.enumerated().map { i, v in
                    set.keys.contains(i) ? v : .nulls(type: v.type, count: b.count)
                }
                let ids = set.table.findOrInsert(vectors: vectors, count: b.count)
                for (a, agg) in node.aggregates.enumerated() {
                    var rows: [Int32]? = nil
                    if let f = filters[a] {
                        let t = TruthVector(f)
                        rows = (0..<b.count).filter { t.isTrue($0) }.map { Int32($0) }
                    }
                    let groupIds = rows.map { r in ContiguousArray(r.map { ids[Int($0)] }) } ?? ids
                    let args = rows.map { r in argVectors[a].map { $0.gather(r) } } ?? argVectors[a]
                    let orderKeys = rows.map { r in orderVectors[a].map { $0.gather(r) } } ?? orderVectors[a]
                    if agg.distinct {
                        set.pendingDistinct[a].append((groupIds, args, orderKeys))
                        set.pendingDistinctRows[a] += groupIds.count
                        if set.pendingDistinctRows[a] >= Self.distinctChunkRows { try foldPendingDistinct(set, a) }
                        continue
                    }
                    try fold(set, a, groupIds: groupIds, arguments: args, orderKeys: orderKeys)
                }
            }
        }
        for set in sets {
            for a in node.aggregates.indices where node.aggregates[a].distinct { try foldPendingDistinct(set, a) }
        }

        var outputs: [Batch] = []
        for set in sets {
            // An empty key set (plain aggregate, or the grand total of ROLLUP) always has its one group.
            if set.keys.isEmpty && set.table.count == 0 {
                _ = set.table.findOrInsert(keyTypes.map { KeyView(.nulls(type: $0, count: 1)) }, count: 1)
            }
            let groupCount = set.table.count
            for (a, agg) in node.aggregates.enumerated() where inputs[a].isOrdered {
                let argCount = agg.arguments.count
                var fields = [Field(name: "gid", type: .int64)]
                fields += agg.arguments.map { Field(name: "a", type: $0.type) }
                fields += agg.orderBy.map { Field(name: "o", type: $0.expr.type) }
                let all = concatBatches(set.orderedBuffers[a], fields: fields)
                guard all.count > 0 else { continue }
                let orderCols = Array(all.columns[(1 + argCount)...])
                let comparator = RowComparator(vectors: orderCols, keys: agg.orderBy.map { ($0.ascending, $0.nullsFirst) })
                let order = comparator.sortedIndices(count: all.count)
                let sorted = all.gather(order)
                let gids = ContiguousArray(Kernels.int64s(sorted.columns[0]).map { Int32($0) })
                let args = Array(sorted.columns[1..<(1 + argCount)])
                try gids.withUnsafeBufferPointer { g in
                    try set.states[a].update(groups: g, groupCount: groupCount, arguments: args, rowCount: sorted.count)
                }
            }
            var columns = set.table.keyVectors()
            columns += try set.states.map { try $0.finish(groupCount: groupCount) }
            if node.groupingSets != nil {
                var mask: Int64 = 0
                for k in 0..<node.groupKeys.count where !set.keys.contains(k) { mask |= 1 << Int64(k) }
                columns.append(.constant(.int(mask), type: .int64, count: groupCount))
            }
            outputs.append(Batch(columns: columns, count: groupCount))
        }
        return concatBatches(outputs, fields: node.fields)
    }

    /// Deduplicates a DISTINCT call's collected rows and folds the first occurrences.
    private func foldPendingDistinct(_ set: SetState, _ a: Int) throws {
        let pending = set.pendingDistinct[a]
        guard !pending.isEmpty, let table = set.distinctTables[a] else { return }
        set.pendingDistinct[a] = []
        set.pendingDistinctRows[a] = 0
        try compiler.context.checkCancelled()
        // Several pieces of one integer argument, no ORDER BY: the pieces are packed straight
        // into keys and the pairs kept are taken back out of theirs (nothing concatenated).
        if pending.count > 1, pending[0].orderKeys.isEmpty, pending[0].arguments.count == 1,
           let kept = table.firstOccurrencesPacked(pieces: pending.map { ($0.groupIds, $0.arguments[0]) }) {
            try fold(set, a, groupIds: kept.groupIds, arguments: [kept.values], orderKeys: [])
            return
        }
        let groupIds: ContiguousArray<Int32>
        var args: [Vector], orderKeys: [Vector]
        if pending.count == 1 {
            (groupIds, args, orderKeys) = pending[0]
        } else {
            var ids = ContiguousArray<Int32>()
            ids.reserveCapacity(pending.reduce(0) { $0 + $1.groupIds.count })
            for part in pending { ids.append(contentsOf: part.groupIds) }
            groupIds = ids
            args = pending[0].arguments.indices.map { k in Vector.concat(pending.map { $0.arguments[k] }, type: pending[0].arguments[k].type) }
            orderKeys = pending[0].orderKeys.indices.map { k in Vector.concat(pending.map { $0.orderKeys[k] }, type: pending[0].orderKeys[k].type) }
        }
        let keep = table.firstOccurrences(groupIds: groupIds, arguments: args)
        args = args.map { $0.gather(keep) }
        orderKeys = orderKeys.map { $0.gather(keep) }
        try fold(set, a, groupIds: ContiguousArray(keep.map { groupIds[Int($0)] }), arguments: args, orderKeys: orderKeys)
    }

    /// Folds rows into aggregate a's states (or, for an ordered call, buffers them to sort later).
    private func fold(_ set: SetState, _ a: Int, groupIds: ContiguousArray<Int32>, arguments args: [Vector], orderKeys: [Vector]) throws {
        if !node.aggregates[a].orderBy.isEmpty {
            let gidVector = Vector(type: .int64, count: groupIds.count, storage: .int64(ContiguousArray(groupIds.map { Int64($0) })))
            let buffered = Batch(columns: [gidVector] + args + orderKeys, count: groupIds.count)
            try compiler.context.reserve(bytes: estimatedBytes(buffered))
            set.orderedBuffers[a].append(buffered)
            return
        }
        let n = groupIds.count
        let count = set.table.count
        try groupIds.withUnsafeBufferPointer { g in
            try set.states[a].update(groups: g, groupCount: count, arguments: args, rowCount: n)
        }
    }
}
