// Scan: reads a table source morsel by morsel, producing only the columns
// the plan asked for; pushdown predicates let the source skip data.

import Columnar
import Planner

final class ScanOperator: Operator {
    private let node: ScanNode
    private let context: ExecutionContext
    private var morsels: [ScanMorsel]? = nil
    private var nextMorsel = 0
    private var pending: [Batch] = []
    /// False below a policy barrier: the rows read include rows the user may not see.
    private let countsRows: Bool

    init(node: ScanNode, context: ExecutionContext, countsRows: Bool = true) {
        self.node = node
        self.context = context
        self.countsRows = countsRows
    }

    func next() throws -> Batch? {
        if morsels == nil {
            morsels = try node.source.morsels(columns: node.columns, predicates: node.predicates, statistics: node.statistics)
                .tracked(by: context.progress, countingRows: countsRows)
        }
        while true {
            try context.checkCancelled()
            if !pending.isEmpty {
                let b = pending.removeFirst()
                if b.count > 0 { node.statistics.rowsProduced += b.count; return b }
                continue
            }
            guard let all = morsels, nextMorsel < all.count else { return nil }
            pending = try all[nextMorsel].read(statistics: node.statistics)
            nextMorsel += 1
        }
    }
}
