// Optimizer rule: fold constant subexpressions into literals and simplify
// boolean logic (AND/OR with constant operands, NOT NOT x). A filter that is
// constant true disappears; one that is constant false or NULL replaces its
// input by an empty Values with the same fields.
//
// Given the statement's function context, constants fold under it (now(),
// the session time zone and settings are fixed for the statement). Without
// one, a constant is only folded when its value does not depend on the
// session: it is evaluated under two deliberately different contexts (time
// zone, statement time, settings, secret) and kept only when both agree.
// Evaluation errors (1/0) are left for run time, where they may never
// happen (CASE, short-circuiting, empty input).

import Columnar
import Functions

public enum ConstantFolding {
    public static func apply(_ plan: LogicalPlan, context: FunctionContext? = nil) -> LogicalPlan {
        Folder(context: context).rewrite(plan)
    }

    /// Bottom-up: children first, then this node.
    public static func simplify(_ e: BoundExpr, context: FunctionContext? = nil) -> BoundExpr {
        Folder(context: context).simplify(e)
    }
}

private struct Folder {
    let context: FunctionContext?

    func rewrite(_ plan: LogicalPlan) -> LogicalPlan {
        let plan = plan.mapInputs(rewrite)
        switch plan {
        case .filter(let input, let predicate):
            let folded = simplify(predicate)
            if case .literal(let v, _) = folded {
                if case .bool(true) = v { return input }
                return .values(rows: [], fields: input.fields)
            }
            return .filter(input, folded)
        case .project(let input, let exprs, let fields):
            return .project(input, exprs.map(simplify), fields: fields)
        case .join(let l, let r, let type, let condition):
            guard let condition else { return plan }
            let folded = simplify(condition)
            if case .literal(.bool(true), _) = folded { return .join(l, r, type, condition: nil) }
            return .join(l, r, type, condition: folded)
        case .sort(let input, let keys):
            return .sort(input, keys.map { SortKey(expr: simplify($0.expr), ascending: $0.ascending, nullsFirst: $0.nullsFirst) })
        default:
            return plan
        }
    }

    func simplify(_ e: BoundExpr) -> BoundExpr {
        let e = e.mapChildren(simplify)
        switch e {
        case .and(let terms): return simplifyJunction(terms, isAnd: true)
        case .or(let terms): return simplifyJunction(terms, isAnd: false)
        case .not(let inner):
            if case .not(let x) = inner { return x }
            if case .literal(let v, _) = inner {
                if case .bool(let b) = v { return .literal(.bool(!b), .boolean) }
                if v.isNull { return .literal(.null, .boolean) }
            }
            return e
        default:
            return foldConstant(e)
        }
    }

    /// AND: false wins, true vanishes; OR: true wins, false vanishes. A NULL
    /// operand stays (x AND NULL is NULL or false depending on x).
    private func simplifyJunction(_ terms: [BoundExpr], isAnd: Bool) -> BoundExpr {
        var kept: [BoundExpr] = []
        var sawNull = false
        for t in terms {
            // Nested junctions of the same kind flatten into this one.
            if isAnd, case .and(let inner) = t { kept += inner; continue }
            if !isAnd, case .or(let inner) = t { kept += inner; continue }
            if case .literal(let v, _) = t {
                if case .bool(let b) = v {
                    if b == isAnd { continue }
                    return .literal(.bool(b), .boolean)
                }
                if v.isNull { sawNull = true; continue }
            }
            kept.append(t)
        }
        if sawNull { kept.append(.literal(.null, .boolean)) }
        if kept.isEmpty { return .literal(.bool(isAnd), .boolean) }
        if kept.count == 1 { return kept[0] }
        return isAnd ? .and(kept) : .or(kept)
    }

    private static let probes = [
        FunctionContext(),
        FunctionContext(timeZoneOffsetSeconds: 37_800, timeZoneName: "Optimizer/Probe", statementTimestamp: 987_654_321_012,
                        settings: ["optimizer.probe": "1"], secretKey: [7, 1, 9])
    ]

    private func foldConstant(_ e: BoundExpr) -> BoundExpr {
        switch e {
        case .literal, .unknownLiteral, .column, .outerColumn, .parameter: return e
        default: break
        }
        guard e.isConstant else { return e }
        if let context {
            guard let folded = try? ConstantEvaluator.fold(e, context: context), case .literal = folded else { return e }
            return folded
        }
        guard !e.contains(where: Folder.readsSession),
              let first = try? ConstantEvaluator.fold(e, context: Folder.probes[0]),
              case .literal(let a, let type) = first,
              let second = try? ConstantEvaluator.fold(e, context: Folder.probes[1]),
              case .literal(let b, _) = second, a == b else { return e }
        return .literal(a, type)
    }

    /// Calls whose result may come from the session rather than their arguments.
    private static func readsSession(_ e: BoundExpr) -> Bool {
        guard case .call(let f, let args) = e else { return false }
        return args.isEmpty || f.name.contains("setting") || f.name == "is_member" || f.name == "pg_has_role"
    }
}
