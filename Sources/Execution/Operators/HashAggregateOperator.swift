// Hash aggregation: maps each row's group key to a dense group id with the
// key table and folds argument vectors into per-aggregate states batch by
// batch. Handles FILTER (rows dropped before folding), DISTINCT (a second
// key table over group id + arguments), ordered aggregates (rows buffered,
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
    private var slicer: BatchSlicer?

    init(node: AggregateNode, input: Operator, compiler: ExpressionCompiler) {
        self.node = node
        self.input = input
        self.compiler = compiler
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
        var distinctTables: [KeyTable?]
        var orderedBuffers: [[Batch]]
        init(keys: Set<Int>, keyTypes: [DataType], aggregates: [BoundAggregate]) {
            self.keys = keys
            table = KeyTable(types: keyTypes)
            states = aggregates.map { $0.resolution.makeState() }
            distinctTables = aggregates.map { a in a.distinct ? KeyTable(types: [.int64] + a.arguments.map(\.type)) : nil }
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
        let sets = setLists.map { SetState(keys: Set($0), keyTypes: keyTypes, aggregates: node.aggregates) }

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
                    var groupIds = rows.map { r in ContiguousArray(r.map { ids[Int($0)] }) } ?? ids
                    var args = rows.map { r in argVectors[a].map { $0.gather(r) } } ?? argVectors[a]
                    var orderKeys = rows.map { r in orderVectors[a].map { $0.gather(r) } } ?? orderVectors[a]
                    if agg.distinct, let dt = set.distinctTables[a] {
                        let gidVector = Vector(type: .int64, count: groupIds.count, storage: .int64(ContiguousArray(groupIds.map { Int64($0) })))
                        let before = dt.count
                        let dids = dt.findOrInsert([KeyView(gidVector)] + args.map(KeyView.init), count: groupIds.count)
                        var keep: [Int32] = []
                        var expected = Int32(before)
                        for (i, d) in dids.enumerated() where d == expected { keep.append(Int32(i)); expected += 1 }
                        groupIds = ContiguousArray(keep.map { groupIds[Int($0)] })
                        args = args.map { $0.gather(keep) }
                        orderKeys = orderKeys.map { $0.gather(keep) }
                    }
                    if inputs[a].isOrdered {
                        let gidVector = Vector(type: .int64, count: groupIds.count, storage: .int64(ContiguousArray(groupIds.map { Int64($0) })))
                        let buffered = Batch(columns: [gidVector] + args + orderKeys, count: groupIds.count)
                        try context.reserve(bytes: estimatedBytes(buffered))
                        set.orderedBuffers[a].append(buffered)
                        continue
                    }
                    let n = groupIds.count
                    let count = set.table.count
                    try groupIds.withUnsafeBufferPointer { g in
                        try set.states[a].update(groups: g, groupCount: count, arguments: args, rowCount: n)
                    }
                }
            }
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
}
