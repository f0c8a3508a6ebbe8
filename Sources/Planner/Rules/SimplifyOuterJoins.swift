// Optimizer rule: a filter that rejects NULLs of an outer join's padded side
// removes every padded row, so the outer join is an inner join (which the
// later rules can push conditions into and reorder). A conjunct rejects
// NULLs of a column when it is a comparison with that column as a direct
// operand, or `column IS NOT NULL`: a NULL there makes it NULL or false.
// Typical source: the left join a decorrelated scalar subquery becomes,
// compared in the WHERE clause (`x = (SELECT min(…) …)`).

public enum SimplifyOuterJoins {
    public static func apply(_ plan: LogicalPlan) -> LogicalPlan {
        rewrite(plan)
    }

    private static let comparisons: Set<String> = ["=", "<>", "<", "<=", ">", ">="]

    private static func rewrite(_ plan: LogicalPlan) -> LogicalPlan {
        let plan = plan.mapInputs(rewrite)
        guard case .filter(.join(let l, let r, let type, let condition), let predicate) = plan else { return plan }
        let nl = l.fields.count
        var rejected = Set<Int>()
        for c in PushDownFilters.conjuncts(predicate) { rejected.formUnion(nullRejectedColumns(c)) }
        let rejectsRight = rejected.contains { $0 >= nl }, rejectsLeft = rejected.contains { $0 < nl }
        let simplified: JoinType
        switch type {
        case .left where rejectsRight: simplified = .inner
        case .right where rejectsLeft: simplified = .inner
        case .full where rejectsLeft && rejectsRight: simplified = .inner
        case .full where rejectsRight: simplified = .right
        case .full where rejectsLeft: simplified = .left
        default: return plan
        }
        return .filter(.join(l, r, simplified, condition: condition), predicate)
    }

    /// Columns whose NULL makes the conjunct NULL or false.
    private static func nullRejectedColumns(_ e: BoundExpr) -> Set<Int> {
        switch e {
        case .call(let f, let args) where comparisons.contains(f.name) && args.count == 2:
            return Set(args.compactMap(directColumn))
        case .isNull(let x, negated: true):
            return directColumn(x).map { [$0] } ?? []
        default:
            return []
        }
    }

    /// A column read as is, or through a cast (a cast of NULL is NULL).
    private static func directColumn(_ e: BoundExpr) -> Int? {
        switch e {
        case .column(let i, _): return i
        case .cast(let x, _, _): return directColumn(x)
        default: return nil
        }
    }
}
