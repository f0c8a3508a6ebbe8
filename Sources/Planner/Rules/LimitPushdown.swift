// Optimizer rule: move LIMIT/OFFSET towards the data. A limit passes below
// a projection (which then computes only the rows kept), two stacked limits
// merge into one, a limit with neither a count nor an offset vanishes, and
// the branches of a UNION ALL under a limit get limit + offset each.
// A limit above a sort stays there: the pair is what a top-N sort looks for.

public enum LimitPushdown {
    public static func apply(_ plan: LogicalPlan) -> LogicalPlan {
        rewrite(plan)
    }

    private static func rewrite(_ plan: LogicalPlan) -> LogicalPlan {
        let plan = plan.mapInputs(rewrite)
        guard case .limit(let input, let limit, let offset) = plan else { return plan }
        return push(input, limit: limit, offset: offset)
    }

    private static func push(_ input: LogicalPlan, limit: Int?, offset: Int) -> LogicalPlan {
        if limit == nil && offset == 0 { return input }
        switch input {
        case .project(let below, let exprs, let fields):
            return .project(push(below, limit: limit, offset: offset), exprs, fields: fields)
        case .limit(let below, let innerLimit, let innerOffset) where offset >= 0 && innerOffset >= 0:
            // The outer limit reads the inner one's output: skip `offset` more rows, and
            // take no more than what the inner limit has left after that.
            var merged = limit
            if let innerLimit {
                let remaining = max(0, innerLimit - offset)
                merged = min(limit ?? remaining, remaining)
            }
            let (total, overflow) = innerOffset.addingReportingOverflow(offset)
            if overflow { return .limit(input, limit: limit, offset: offset) }
            return push(below, limit: merged, offset: total)
        case .setOperation(.union, all: true, let l, let r, let fields):
            // Each branch contributes at most limit + offset rows to what the limit keeps.
            guard let limit, offset >= 0, case let (budget, false) = limit.addingReportingOverflow(offset) else { break }
            let union = LogicalPlan.setOperation(.union, all: true, push(l, limit: budget, offset: 0), push(r, limit: budget, offset: 0),
                                                 fields: fields)
            return .limit(union, limit: limit, offset: offset)
        default:
            break
        }
        return .limit(input, limit: limit, offset: offset)
    }
}
