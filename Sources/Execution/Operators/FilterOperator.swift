// Filter: keeps the rows where the predicate is true (not false, not NULL).

import Columnar
import Functions
import Planner

final class FilterOperator: Operator {
    private let input: Operator
    private let predicate: Evaluator
    private let context: ExecutionContext

    init(input: Operator, predicate: @escaping Evaluator, context: ExecutionContext) {
        self.input = input
        self.predicate = predicate
        self.context = context
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
            if !keep.isEmpty { return b.gather(keep) }
        }
        return nil
    }
}
