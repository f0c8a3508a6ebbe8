// VALUES lists (and the one empty row of a SELECT without FROM): evaluates
// each row's expressions once and emits them as batches.

import Columnar
import Planner

final class ValuesOperator: Operator {
    private var slicer: BatchSlicer?
    private let rows: [[BoundExpr]]
    private let fields: [Field]
    private let compiler: ExpressionCompiler

    init(rows: [[BoundExpr]], fields: [Field], compiler: ExpressionCompiler) {
        self.rows = rows
        self.fields = fields
        self.compiler = compiler
    }

    func next() throws -> Batch? {
        if slicer == nil {
            let unit = Batch(columns: [], count: 1)
            var builders = fields.map { VectorBuilder(type: $0.type, capacity: rows.count) }
            for row in rows {
                for (c, e) in row.enumerated() {
                    let v = try compiler.compile(e)(unit)
                    builders[c].append(contentsOf: v.materialized())
                }
            }
            let columns = builders.map { $0.finish() }
            slicer = BatchSlicer(Batch(columns: columns, count: rows.count))
        }
        return slicer?.next()
    }
}
