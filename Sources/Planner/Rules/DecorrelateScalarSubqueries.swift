// Optimizer rule: turn a correlated scalar subquery of the form
//   (SELECT f(agg(…)) FROM X WHERE x.k = outer.c AND <local conditions>)
// into a LEFT JOIN of the outer input with X grouped by the correlation
// keys: one aggregate pass instead of one subquery run per outer row.
// Applies only when the subquery's aggregates return NULL on empty input
// (COUNT would have to become 0 there) and every reference to the outer
// query is an equality with an inner expression. Everything else is left
// to the per-row evaluation, which is always correct.

import Columnar

public enum DecorrelateScalarSubqueries {
    public static func apply(_ plan: LogicalPlan) -> LogicalPlan {
        let rewritten = plan.mapInputs(apply)
        switch rewritten {
        case .filter(let input, let cond):
            var current = input
            var expr = cond
            while let (newInput, newExpr) = decorrelateOne(in: expr, input: current) {
                current = newInput; expr = newExpr
            }
            if current.fields.count == input.fields.count { return .filter(current, expr) }
            // Trim the columns the joins added.
            let fields = input.fields
            return .project(.filter(current, expr), fields.enumerated().map { .column($0, $1.type) }, fields: fields)
        case .project(let input, let exprs, let fields):
            var current = input
            var outExprs = exprs
            for i in outExprs.indices {
                while let (newInput, newExpr) = decorrelateOne(in: outExprs[i], input: current) {
                    current = newInput; outExprs[i] = newExpr
                }
            }
            return .project(current, outExprs, fields: fields)
        default:
            return rewritten
        }
    }

    /// Finds one decorrelatable scalar subquery in `e`; returns the widened input and `e` reading the new column.
    private static func decorrelateOne(in e: BoundExpr, input: LogicalPlan) -> (LogicalPlan, BoundExpr)? {
        var found: (BoundSubquery, DataType)? = nil
        e.forEach { node in
            if found == nil, case .subquery(let s, let t) = node, case .scalar = s.kind, s.isCorrelated, candidate(s) != nil {
                found = (s, t)
            }
        }
        guard let (sub, type) = found, let shape = candidate(sub) else { return nil }
        let nInput = input.fields.count
        let k = shape.innerKeys.count
        // Right side: X filtered by the local conditions, grouped by the inner keys.
        var filteredX = shape.x
        if let local = PushDownFilters.conjunction(shape.localConditions) { filteredX = .filter(shape.x, local) }
        var aggFields = shape.innerKeys.map { Field(name: "key", type: $0.type) }
        aggFields += shape.aggregate.aggregates.map { Field(name: $0.name, type: $0.returnType) }
        let grouped = LogicalPlan.aggregate(AggregateNode(input: filteredX, groupKeys: shape.innerKeys, groupingSets: nil,
                                                          aggregates: shape.aggregate.aggregates, fields: aggFields))
        // The subquery's select expression, re-pointed past the key columns.
        let value = PushDownFilters.shift(shape.valueExpr, k)
        let right = LogicalPlan.project(grouped, shape.innerKeys.enumerated().map { .column($0, $1.type) } + [value],
                                        fields: aggFields.prefix(k) + [Field(name: "subquery", type: type)])
        // Join condition: outer expression = inner key, over input ++ right.
        var conditions: [BoundExpr] = []
        for (i, eq) in shape.equalities.enumerated() {
            let outer = toInputColumns(eq.outer, level: sub.level)
            let inner = BoundExpr.column(nInput + i, shape.innerKeys[i].type)
            conditions.append(.call(eq.function, eq.outerFirst ? [outer, inner] : [inner, outer]))
        }
        let joined = LogicalPlan.join(input, right, .left, condition: PushDownFilters.conjunction(conditions))
        var column = BoundExpr.column(nInput + k, type)
        // Where no group matches, the subquery still yields its expression over NULL aggregates.
        if !shape.emptyValue.isNull {
            let unmatched = BoundExpr.isNull(.column(nInput, shape.innerKeys[0].type), negated: false)
            column = .caseWhen([(unmatched, .literal(shape.emptyValue, type))], elseResult: column, type)
        }
        let replaced = replace(e, subquery: sub, with: column)
        return (joined, replaced)
    }

    private struct Equality {
        let function: BoundFunction
        let outer: BoundExpr
        let outerFirst: Bool
    }

    private struct Shape {
        let x: LogicalPlan
        let aggregate: AggregateNode
        let valueExpr: BoundExpr
        let innerKeys: [BoundExpr]
        let equalities: [Equality]
        let localConditions: [BoundExpr]
        /// The subquery's value when no row matches (its expression over NULL aggregates).
        let emptyValue: Value
    }

    private static let nullOnEmpty: Set<String> = [
        "sum", "avg", "min", "max", "stddev", "stddev_samp", "stddev_pop", "variance", "var_samp", "var_pop",
        "bool_and", "bool_or", "every", "string_agg", "array_agg", "any_value",
    ]

    private static func candidate(_ s: BoundSubquery) -> Shape? {
        guard case .project(let top, let exprs, _) = s.plan, exprs.count == 1,
              case .aggregate(let agg) = top, agg.groupKeys.isEmpty, agg.groupingSets == nil,
              case .filter(let x, let predicate) = agg.input else { return nil }
        guard agg.aggregates.allSatisfy({ nullOnEmpty.contains($0.name) && !$0.distinct }) else { return nil }
        // The value and the aggregates must not read the outer row; X must not at all.
        if referencesLevel(exprs[0], s.level) || agg.aggregates.contains(where: { a in a.arguments.contains { referencesLevel($0, s.level) } }) {
            return nil
        }
        if planReferencesLevel(x, s.level) { return nil }
        var innerKeys: [BoundExpr] = [], equalities: [Equality] = [], local: [BoundExpr] = []
        for c in PushDownFilters.conjuncts(predicate) {
            guard referencesLevel(c, s.level) else { local.append(c); continue }
            guard case .call(let f, let args) = c, f.name == "=", args.count == 2 else { return nil }
            let aOuter = onlyOuter(args[0], s.level), bOuter = onlyOuter(args[1], s.level)
            if aOuter && !referencesLevel(args[1], s.level) && !args[1].referencedColumns.isEmpty {
                innerKeys.append(args[1]); equalities.append(Equality(function: f, outer: args[0], outerFirst: true))
            } else if bOuter && !referencesLevel(args[0], s.level) && !args[0].referencedColumns.isEmpty {
                innerKeys.append(args[0]); equalities.append(Equality(function: f, outer: args[1], outerFirst: false))
            } else {
                return nil
            }
        }
        guard !innerKeys.isEmpty, !local.contains(where: containsSubquery) else { return nil }
        let aggregateTypes = agg.aggregates.map(\.returnType)
        func nulled(_ e: BoundExpr) -> BoundExpr {
            if case .column(let i, let t) = e, i < aggregateTypes.count { return .literal(.null, t) }
            return e.mapChildren(nulled)
        }
        guard let emptyValue = try? ConstantEvaluator.evaluate(nulled(exprs[0])) else { return nil }
        return Shape(x: x, aggregate: agg, valueExpr: exprs[0], innerKeys: innerKeys, equalities: equalities,
                     localConditions: local, emptyValue: emptyValue)
    }

    private static func containsSubquery(_ e: BoundExpr) -> Bool {
        e.contains { if case .subquery = $0 { return true }; return false }
    }

    /// True when `e` reads the outer row at `level` (directly or inside nested subqueries).
    private static func referencesLevel(_ e: BoundExpr, _ level: Int) -> Bool {
        var found = false
        e.forEach { node in
            if case .outerColumn(let l, _, _) = node, l == level { found = true }
            if case .subquery(let s, _) = node, planReferencesLevel(s.plan, level) { found = true }
        }
        return found
    }

    private static func planReferencesLevel(_ plan: LogicalPlan, _ level: Int) -> Bool {
        var found = false
        _ = plan.mapExpressions { e in
            if referencesLevel(e, level) { found = true }
            return e
        }
        return found
    }

    /// True when `e` reads outer columns of `level` and no input column.
    private static func onlyOuter(_ e: BoundExpr, _ level: Int) -> Bool {
        referencesLevel(e, level) && e.referencedColumns.isEmpty && !containsSubquery(e)
    }

    private static func toInputColumns(_ e: BoundExpr, level: Int) -> BoundExpr {
        if case .outerColumn(let l, let i, let t) = e, l == level { return .column(i, t) }
        return e.mapChildren { toInputColumns($0, level: level) }
    }

    private static func replace(_ e: BoundExpr, subquery: BoundSubquery, with column: BoundExpr) -> BoundExpr {
        if case .subquery(let s, _) = e, s === subquery { return column }
        return e.mapChildren { replace($0, subquery: subquery, with: column) }
    }
}
