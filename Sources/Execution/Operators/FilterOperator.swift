// Filter: keeps the rows where the predicate is true (not false, not NULL).

import Columnar
import Functions
import Planner

final class FilterOperator: Operator {
    private let input: Operator
    private let predicate: RowSelector
    private let context: ExecutionContext
    /// Columns read above the filter (nil: all); the others are NULL placeholders in its output.
    private let outputColumns: Set<Int>?

    init(input: Operator, predicate: @escaping RowSelector, context: ExecutionContext, outputColumns: Set<Int>? = nil) {
        self.input = input
        self.predicate = predicate
        self.context = context
        self.outputColumns = outputColumns
    }

    func next() throws -> Batch? {
        while let b = try input.next() {
            try context.checkCancelled()
            let keep = try predicate(b)
            if keep.count == b.count { return b }
            if !keep.isEmpty { return keep.withUnsafeBufferPointer { ConnectiveEvaluation.gathered(b, rows: $0, columns: outputColumns) } }
        }
        return nil
    }
}
