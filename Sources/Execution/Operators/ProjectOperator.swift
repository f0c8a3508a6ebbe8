// Projection: computes the output columns from each input batch.

import Columnar

final class ProjectOperator: Operator {
    private let input: Operator
    private let expressions: [Evaluator]

    init(input: Operator, expressions: [Evaluator]) {
        self.input = input
        self.expressions = expressions
    }

    func next() throws -> Batch? {
        guard let b = try input.next() else { return nil }
        return Batch(columns: try expressions.map { try $0(b) }, count: b.count)
    }
}
