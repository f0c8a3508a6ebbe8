// Sort: materialises its input, orders row indexes with the row comparator
// (stable), and emits the rows in order. A LIMIT directly above keeps only
// the first rows it needs (top-N).

import Columnar
import Planner

final class SortOperator: Operator {
    private let input: Operator
    private let keys: [(Evaluator, SortKey)]
    private let fields: [Field]
    private let context: ExecutionContext
    private var slicer: BatchSlicer?

    init(input: Operator, keys: [(Evaluator, SortKey)], fields: [Field], context: ExecutionContext) {
        self.input = input
        self.keys = keys
        self.fields = fields
        self.context = context
    }

    func next() throws -> Batch? {
        if slicer == nil {
            let all = try input.drain(fields: fields, context: context)
            let keyVectors = try keys.map { try $0.0(all) }
            let comparator = RowComparator(vectors: keyVectors, keys: keys.map { ($0.1.ascending, $0.1.nullsFirst) })
            let order = comparator.sortedIndices(count: all.count)
            slicer = BatchSlicer(all.gather(order))
        }
        return slicer?.next()
    }
}
