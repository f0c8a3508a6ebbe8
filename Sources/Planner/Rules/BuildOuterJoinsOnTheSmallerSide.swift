// Optimizer rule: a hash join builds its table over its right input, so an
// outer join whose preserved side is the small one is turned around. `L LEFT
// JOIN R` with L estimated far smaller than R becomes `R RIGHT JOIN L` (and a
// full join swaps its inputs the same way), with a projection restoring the
// column order. The large input then streams through the probe, in parallel
// when it is a scan, and the unmatched rows of the small one come out at the
// end as the right join's remainder. TPC-H Q13 (customer LEFT JOIN orders)
// otherwise hashes all of orders: 15M rows and 1.2 GB at SF10, against a
// table of 1.5M customers. Inner joins are ordered by ReorderJoins; semi and
// anti joins pick their build side at run time (HashJoinOperator).
//
// Only joins with an equality between the two inputs are turned (others run
// as nested loops, where the sides do not matter this way), and only when the
// estimates differ by `margin`, since they are coarse. Conditions with
// subqueries, outer references or volatile calls keep their shape, as in
// ReorderJoins.

public enum BuildOuterJoinsOnTheSmallerSide {
    /// How many times larger the other input must be estimated before the preserved side
    /// becomes the table.
    static let margin = 2.0

    public static func apply(_ plan: LogicalPlan) -> LogicalPlan {
        let plan = plan.mapInputs(apply)
        guard case .join(let l, let r, let type, let condition?) = plan, type == .left || type == .full,
              !condition.contains(where: ReorderJoins.isUnmovable),
              hasEquality(condition, leftWidth: l.fields.count, rightWidth: r.fields.count),
              ReorderJoins.estimate(l) * margin <= ReorderJoins.estimate(r) else { return plan }
        let nl = l.fields.count, nr = r.fields.count
        // Column i of the original join is column position[i] of the swapped one.
        let position: [Int] = (0..<(nl + nr)).map { $0 < nl ? $0 + nr : $0 - nl }
        let swapped = LogicalPlan.join(r, l, type == .left ? .right : .full,
                                       condition: PruneColumns.remap(condition, position.map { Optional($0) }))
        let fields = plan.fields
        return .project(swapped, fields.indices.map { .column(position[$0], fields[$0].type) }, fields: fields)
    }

    /// Whether some conjunct equates an expression of the left input's columns with one of the right's.
    private static func hasEquality(_ condition: BoundExpr, leftWidth: Int, rightWidth: Int) -> Bool {
        PushDownFilters.conjuncts(condition).contains { c in
            guard case .call(let f, let args) = c, f.name == "=", args.count == 2 else { return false }
            let a = args[0].referencedColumns, b = args[1].referencedColumns
            guard !a.isEmpty, !b.isEmpty else { return false }
            let aLeft = a.allSatisfy { $0 < leftWidth }, aRight = a.allSatisfy { $0 >= leftWidth && $0 < leftWidth + rightWidth }
            let bLeft = b.allSatisfy { $0 < leftWidth }, bRight = b.allSatisfy { $0 >= leftWidth && $0 < leftWidth + rightWidth }
            return (aLeft && bRight) || (aRight && bLeft)
        }
    }
}
