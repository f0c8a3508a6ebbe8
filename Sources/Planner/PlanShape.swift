// What kinds of operators and expressions a plan holds, found in one walk, so
// that the optimizer can skip rules that cannot change it (join rules on a
// plan without joins, decorrelation without subqueries). Every statement is
// optimised, and on short statements walking the plan once per rule costs
// more than running the statement; the shape is conservative: anything it
// does not look inside counts as possibly holding a subquery.

struct PlanShape {
    var hasJoin = false
    var hasFilter = false
    var hasLimit = false
    var hasScan = false
    var hasBarrier = false
    /// True unless every expression of the plan was checked and holds no subquery,
    /// and there are no dependent or mark joins (what decorrelation works on).
    var mayNeedDecorrelation = false

    init(_ plan: LogicalPlan) {
        plan.visitPreOrder { node in
            switch node {
            case .scan(let s):
                hasScan = true
                if !s.predicates.isEmpty { mayNeedDecorrelation = true }
            case .values(let rows, _):
                for row in rows { check(row) }
            case .filter(_, let e):
                hasFilter = true
                check(e)
            case .project(_, let es, _):
                check(es)
            case .join(_, _, _, let condition):
                hasJoin = true
                if let condition { check(condition) }
            case .sort(_, let keys):
                for k in keys { check(k.expr) }
            case .limit:
                hasLimit = true
            case .barrier:
                hasBarrier = true
            case .distinct, .setOperation, .recursiveCTE, .workTable, .cteScan:
                break
            case .aggregate, .window, .distinctOn, .dependentJoin, .markJoin:
                mayNeedDecorrelation = true
            }
        }
    }

    private mutating func check(_ es: [BoundExpr]) {
        for e in es { check(e) }
    }

    private mutating func check(_ e: BoundExpr) {
        if mayNeedDecorrelation { return }
        if e.contains(where: { if case .subquery = $0 { return true } else { return false } }) {
            mayNeedDecorrelation = true
        }
    }
}
