// Which plans may be kept and run again (a session's plan cache). A plan that
// reads a relation depends on more than the catalog versions say: lake files
// come and go without a DDL, table functions list directories when bound, and
// pg_catalog rows are a snapshot taken at bind time. A plan that reads none —
// constants, expressions, VALUES, functions evaluated at run time — is fully
// determined by its text and what the cache key holds (catalog and governance
// versions, role, settings), so only those are kept.

extension LogicalPlan {
    /// True when no node of the plan, nor of any subquery inside its expressions, scans a relation.
    public var readsNoRelation: Bool {
        var reads = false
        func visit(_ plan: LogicalPlan) {
            plan.visitPreOrder { node in
                if case .scan = node { reads = true }
                // A materialised CTE reads what its definition reads.
                if case .cteScan(let cte) = node, !cte.executablePlan.readsNoRelation { reads = true }
            }
        }
        visit(self)
        if reads { return false }
        // mapExpressions reaches every expression, nested subqueries included; the plan it returns is dropped.
        _ = mapExpressions { e in
            if case .subquery(let s, _) = e { visit(s.plan) }
            return e
        }
        return !reads
    }
}
