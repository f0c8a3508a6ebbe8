// Optimizer rule: a date compared with a constant timestamp compares dates.
// PostgreSQL types `date + interval` as timestamp, so the everyday
// `d < DATE '1994-01-01' + INTERVAL '1' YEAR` binds as
// `CAST(d AS timestamp) < '1995-01-01 00:00:00'` once the constant is
// folded: a cast per row, and a predicate the scan cannot check against
// Parquet statistics. A date d stands for the timestamp d 00:00, so with
// D = the day of the constant t:
//   t at midnight (or ±infinity): the same operator against D;
//   t later in the day D:  d::ts < t  ⇔ d <= D,   d::ts <= t ⇔ d <= D,
//                          d::ts > t  ⇔ d > D,    d::ts >= t ⇔ d > D,
//                          d::ts = t  is never true: NULL for a NULL d, else false,
//                          which `d <> d` is; `<>` likewise becomes `d = d`.
// Every rewrite gives the same value (NULL included) for every date. It is
// closer to PostgreSQL than the cast the binder wrote: PostgreSQL compares
// date with timestamp through cross-type operators that treat a date past
// the timestamp range (after 294276 AD) as beyond every timestamp, where
// the cast fails.
// Only `timestamp` (without time zone): a timestamptz comparison depends on
// the session time zone. Runs after ConstantFolding (which makes the
// constant a literal); stops at policy barriers, like every rule that is
// not the leak-proof pushdown.

import Columnar
import Functions

public enum SimplifyDateTimestampComparisons {
    public static func apply(_ plan: LogicalPlan) -> LogicalPlan {
        rewrite(plan)
    }

    private static func rewrite(_ plan: LogicalPlan) -> LogicalPlan {
        if case .barrier = plan { return plan }
        let plan = plan.mapInputs(rewrite)
        switch plan {
        case .filter(let input, let predicate):
            return .filter(input, simplify(predicate))
        case .join(let l, let r, let type, let condition):
            return .join(l, r, type, condition: condition.map(simplify))
        case .project(let input, let exprs, let fields):
            return .project(input, exprs.map(simplify), fields: fields)
        default:
            return plan
        }
    }

    private static let mirrored = ["<": ">", "<=": ">=", ">": "<", ">=": "<=", "=": "=", "<>": "<>"]

    static func simplify(_ e: BoundExpr) -> BoundExpr {
        let e = e.mapChildren(simplify)
        guard case .call(let f, let args) = e, args.count == 2, let flipped = mirrored[f.name] else { return e }
        if let rewritten = rewrite(op: f.name, args[0], args[1]) { return rewritten }
        if let rewritten = rewrite(op: flipped, args[1], args[0]) { return rewritten }
        return e
    }

    /// `CAST(date AS timestamp) op constant`, as a date comparison.
    private static func rewrite(op: String, _ lhs: BoundExpr, _ rhs: BoundExpr) -> BoundExpr? {
        guard case .cast(let date, .timestamp, _) = lhs, date.type == .date,
              case .literal(.int(let micros), .timestamp) = rhs else { return nil }
        let infinite = micros == Int64.max || micros == Int64.min
        let day = infinite ? micros : floorDiv(micros, Calendar.microsPerDay)
        let midnight = infinite || micros % Calendar.microsPerDay == 0
        let constant = BoundExpr.literal(.int(day), .date)
        if midnight { return compare(op, date, constant) }
        switch op {
        case "<", "<=": return compare("<=", date, constant)
        case ">", ">=": return compare(">", date, constant)
        // Only the NULL-ness of the date is left to decide, by evaluating it twice: not for volatile dates.
        case "=" where !isVolatile(date): return compare("<>", date, date)
        case "<>" where !isVolatile(date): return compare("=", date, date)
        default: return nil
        }
    }

    private static func isVolatile(_ e: BoundExpr) -> Bool {
        e.contains {
            switch $0 {
            case .subquery: return true
            case .call(let f, _): return f.resolution.isVolatile
            default: return false
            }
        }
    }

    private static func floorDiv(_ a: Int64, _ b: Int64) -> Int64 {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// `op` over two dates, resolved as the binder would; nil if the registry has no such operator.
    private static func compare(_ op: String, _ a: BoundExpr, _ b: BoundExpr) -> BoundExpr? {
        guard let fn = FunctionRegistry.shared.scalar(op),
              let resolution = try? fn.resolve([.date, .date], [false, false]),
              resolution.argumentTypes == [.date, .date] else { return nil }
        return .call(BoundFunction(name: op, resolution: resolution), [a, b])
    }
}
