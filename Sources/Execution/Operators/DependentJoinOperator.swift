// LATERAL join: for each left row, publishes the row to the execution
// context (the right side reads it through outer-column references), runs
// the right plan, and joins the row with what it returned. Inner and left
// joins only, as PostgreSQL allows for LATERAL.

import Columnar
import Planner

final class DependentJoinOperator: Operator {
    private let left: Operator
    private let rightPlan: LogicalPlan
    private let type: JoinType
    private let condition: Evaluator?
    private let level: Int
    private let planner: PhysicalPlanner
    private let rightFields: [Field]
    private var pending: [Batch] = []

    init(left: Operator, rightPlan: LogicalPlan, type: JoinType, condition: Evaluator?, level: Int, planner: PhysicalPlanner) {
        self.left = left; self.rightPlan = rightPlan; self.type = type
        self.condition = condition; self.level = level; self.planner = planner
        self.rightFields = rightPlan.fields
    }

    func next() throws -> Batch? {
        let context = planner.context
        while pending.isEmpty {
            guard let lb = try left.next() else { return nil }
            let saved = context.outerRows[level]
            defer { context.outerRows[level] = saved }
            for i in 0..<lb.count {
                try context.checkCancelled()
                context.outerRows[level] = lb.row(i)
                let right = try planner.build(rightPlan).drain(fields: rightFields, context: context)
                var matched = false
                if right.count > 0 {
                    let li = [Int32](repeating: Int32(i), count: right.count)
                    let candidates = JoinOutput.pairs(lb, li, right, (0..<Int32(right.count)).map { $0 })
                    var out = candidates
                    if let condition {
                        let t = TruthVector(try condition(candidates))
                        let keep = (0..<candidates.count).filter { t.isTrue($0) }.map { Int32($0) }
                        out = candidates.gather(keep)
                    }
                    if out.count > 0 { matched = true; pending.append(out) }
                }
                if !matched && type == .left {
                    pending.append(JoinOutput.leftPadded(lb, [Int32(i)], rightFields: rightFields))
                }
            }
        }
        return pending.removeFirst()
    }
}
