// Late materialisation, planned: which output columns of a node the operators
// above it actually read. The physical planner passes that set down while it
// builds the tree (`build(_:requiring:)`); filters and hash joins then gather
// only those columns into their output and leave the others as NULL
// constants (placeholders that cost nothing), keeping every column position
// the expressions above were bound to. A column a filter or join condition
// reads below is still materialised there, just not carried further up
// (TPC-H Q13: o_comment feeds the NOT LIKE filter but is no longer gathered
// into the surviving rows, the join's build rows and every join pair).
// Anything that may read a row by position (correlated subqueries, nodes
// this file does not know) asks for all columns: nil.

import Columnar
import Planner

extension PhysicalPlanner {
    /// Builds `plan` knowing that only the `required` columns of its output are read (nil: all).
    func build(_ plan: LogicalPlan, requiring required: Set<Int>?) throws -> Operator {
        pendingRequired = required
        defer { pendingRequired = nil }
        return try build(plan)
    }

    /// The input columns the expressions read, or nil when one of them may read the row
    /// by position (a subquery) or is an aggregate/window placeholder.
    func reads(_ es: [BoundExpr]) -> Set<Int>? {
        var out = Set<Int>()
        for e in es {
            guard let c = compiler.columnsRead(e) else { return nil }
            if e.contains(where: { if case .outerColumn = $0 { return true }; return false }) { return nil }
            out.formUnion(c)
        }
        return out
    }

    static func union(_ a: Set<Int>?, _ b: Set<Int>?) -> Set<Int>? {
        guard let a, let b else { return nil }
        return a.union(b)
    }

    /// Everything an aggregate reads of its input.
    func aggregateInputs(_ node: AggregateNode) -> [BoundExpr] {
        node.groupKeys + node.aggregates.flatMap { a in a.arguments + (a.filter.map { [$0] } ?? []) + a.orderBy.map(\.expr) }
    }

    /// The columns a join's two inputs must produce: those read above the join plus those
    /// its condition reads, split by side (right ones renumbered from 0).
    func joinInputsRequired(_ required: Set<Int>?, _ condition: BoundExpr?, leftCount nl: Int) -> (left: Set<Int>?, right: Set<Int>?) {
        guard let required, let own = condition.map({ reads([$0]) }) ?? Set<Int>() else { return (nil, nil) }
        let all = required.union(own)
        return (Set(all.filter { $0 < nl }), Set(all.filter { $0 >= nl }.map { $0 - nl }))
    }
}
