// Filter: keeps the rows where the predicate is true (not false, not NULL).

import Columnar
import Functions
import Planner

final class FilterOperator: Operator {
    private let input: Operator
    private let predicate: Evaluator
    private let context: ExecutionContext
    /// Columns read above the filter (nil: all); the others are NULL placeholders in its output.
    private let outputColumns: Set<Int>?

    init(input: Operator, predicate: @escaping Evaluator, context: ExecutionContext, outputColumns: Set<Int>? = nil) {
        self.input = input
        self.predicate = predicate
        self.context = context
        self.outputColumns = outputColumns
    }

    func next() throws -> Batch? {
        while let b = try input.next() {
            try context.checkCancelled()
            let v = try predicate(b)
            if case .constant(let c) = v.storage {
                if case .bool(true) = c { return b }
                continue
            }
            let keep = ConnectiveEvaluation.selectedRows(v, count: b.count)
            if keep.count == b.count { return b }
            if !keep.isEmpty { return keep.withUnsafeBufferPointer { ConnectiveEvaluation.gathered(b, rows: $0, columns: outputColumns) } }
        }
        return nil
    }
}
