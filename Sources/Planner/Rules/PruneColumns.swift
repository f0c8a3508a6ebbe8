// Optimizer rule: projection pushdown. Walks the plan top-down with the set
// of output columns each parent needs, makes every scan read only those
// columns and every projection compute only those expressions, and
// renumbers the column references of the operators above to match.
//
// Correlated subqueries read their outer references as positions in the
// current input row of the operator evaluating them, and GROUPING() names
// a column by position too; such an operator asks its input for every
// column, which keeps the positions below it unchanged.

import Columnar

public enum PruneColumns {
    public static func apply(_ plan: LogicalPlan) -> LogicalPlan {
        prune(plan, Set(0..<plan.fields.count)).plan
    }

    /// A pruned plan and, for each column of the original plan's output, its new position (nil: dropped).
    struct Pruned {
        var plan: LogicalPlan
        var mapping: [Int?]
    }

    private static func identity(_ plan: LogicalPlan) -> Pruned {
        Pruned(plan: plan, mapping: Array(0..<plan.fields.count))
    }

    private static func all(_ plan: LogicalPlan) -> Set<Int> { Set(0..<plan.fields.count) }

    /// True when the expression depends on the positions of its input columns beyond its column references.
    static func pinsInput(_ e: BoundExpr) -> Bool {
        e.contains {
            switch $0 {
            case .subquery(let s, _): return s.isCorrelated
            case .grouping, .outerColumn: return true
            default: return false
            }
        }
    }

    private static func columns(_ es: [BoundExpr]) -> Set<Int> {
        var s = Set<Int>()
        for e in es { s.formUnion(e.referencedColumns) }
        return s
    }

    static func remap(_ e: BoundExpr, _ mapping: [Int?]) -> BoundExpr {
        if case .column(let i, let t) = e {
            guard i >= 0, i < mapping.count, let j = mapping[i] else { return e }
            return .column(j, t)
        }
        return e.mapChildren { remap($0, mapping) }
    }

    private static func remapKey(_ k: SortKey, _ mapping: [Int?]) -> SortKey {
        SortKey(expr: remap(k.expr, mapping), ascending: k.ascending, nullsFirst: k.nullsFirst)
    }

    private static func remapAggregate(_ a: BoundAggregate, _ mapping: [Int?]) -> BoundAggregate {
        BoundAggregate(name: a.name, resolution: a.resolution, arguments: a.arguments.map { remap($0, mapping) },
                       distinct: a.distinct, filter: a.filter.map { remap($0, mapping) },
                       orderBy: a.orderBy.map { remapKey($0, mapping) }, isStar: a.isStar)
    }

    private static func aggregateExprs(_ a: BoundAggregate) -> [BoundExpr] {
        a.arguments + (a.filter.map { [$0] } ?? []) + a.orderBy.map(\.expr)
    }

    private static func windowExprs(_ w: BoundWindowFunction) -> [BoundExpr] {
        var es = w.arguments + w.partitionBy + w.orderBy.map(\.expr)
        if case .aggregate(let a) = w.kind { es += aggregateExprs(a) }
        if let frame = w.frame {
            for bound in [frame.start, frame.end] {
                switch bound {
                case .preceding(let e), .following(let e): es.append(e)
                default: break
                }
            }
        }
        return es
    }

    private static func remapWindow(_ w: BoundWindowFunction, _ mapping: [Int?]) -> BoundWindowFunction {
        var kind = w.kind
        if case .aggregate(let a) = w.kind { kind = .aggregate(remapAggregate(a, mapping)) }
        var frame = w.frame
        if var f = frame {
            func bound(_ b: BoundFrame.Bound) -> BoundFrame.Bound {
                switch b {
                case .preceding(let e): return .preceding(remap(e, mapping))
                case .following(let e): return .following(remap(e, mapping))
                default: return b
                }
            }
            f.start = bound(f.start); f.end = bound(f.end)
            frame = f
        }
        return BoundWindowFunction(name: w.name, kind: kind, arguments: w.arguments.map { remap($0, mapping) },
                                   partitionBy: w.partitionBy.map { remap($0, mapping) },
                                   orderBy: w.orderBy.map { remapKey($0, mapping) },
                                   frame: frame, ignoreNulls: w.ignoreNulls, returnType: w.returnType, keepsInputOrder: w.keepsInputOrder)
    }

    /// Rewrites `plan` to produce at least the `required` columns of its output.
    static func prune(_ plan: LogicalPlan, _ required: Set<Int>) -> Pruned {
        switch plan {
        case .scan(let scan):
            var keep = scan.columns.indices.filter { required.contains($0) }
            // Something must still be read for the row count (count(*)).
            if keep.isEmpty, !scan.columns.isEmpty { keep = [0] }
            if keep.count == scan.columns.count { return identity(plan) }
            var mapping = [Int?](repeating: nil, count: scan.columns.count)
            for (n, i) in keep.enumerated() { mapping[i] = n }
            let node = ScanNode(source: scan.source, tableName: scan.tableName, columns: keep.map { scan.columns[$0] },
                                predicates: scan.predicates)
            node.statistics.allowedSkipping = scan.statistics.allowedSkipping
            return Pruned(plan: .scan(node), mapping: mapping)

        case .values, .workTable, .recursiveCTE, .cteScan:
            return identity(plan)

        case .filter(let input, let predicate):
            if pinsInput(predicate) { return Pruned(plan: .filter(prune(input, all(input)).plan, predicate), mapping: Array(0..<input.fields.count)) }
            let child = prune(input, required.union(predicate.referencedColumns))
            return Pruned(plan: .filter(child.plan, remap(predicate, child.mapping)), mapping: child.mapping)

        case .project(let input, let exprs, let fields):
            guard exprs.count == fields.count else { return identity(plan) }
            var keep = exprs.indices.filter { required.contains($0) }
            if keep.isEmpty, !exprs.isEmpty { keep = [0] }
            let kept = keep.map { exprs[$0] }
            let child = kept.contains(where: pinsInput) ? prune(input, all(input)) : prune(input, columns(kept))
            var mapping = [Int?](repeating: nil, count: exprs.count)
            for (n, i) in keep.enumerated() { mapping[i] = n }
            return Pruned(plan: .project(child.plan, kept.map { remap($0, child.mapping) }, fields: keep.map { fields[$0] }),
                          mapping: mapping)

        case .aggregate(let a):
            let exprs = a.groupKeys + a.aggregates.flatMap(aggregateExprs)
            let child = exprs.contains(where: pinsInput) ? prune(a.input, all(a.input)) : prune(a.input, columns(exprs))
            let node = AggregateNode(input: child.plan, groupKeys: a.groupKeys.map { remap($0, child.mapping) },
                                     groupingSets: a.groupingSets, aggregates: a.aggregates.map { remapAggregate($0, child.mapping) },
                                     fields: a.fields)
            return Pruned(plan: .aggregate(node), mapping: Array(0..<a.fields.count))

        case .sort(let input, let keys):
            let exprs = keys.map(\.expr)
            let child = exprs.contains(where: pinsInput) ? prune(input, all(input)) : prune(input, required.union(columns(exprs)))
            return Pruned(plan: .sort(child.plan, keys.map { remapKey($0, child.mapping) }), mapping: child.mapping)

        case .limit(let input, let limit, let offset):
            let child = prune(input, required)
            return Pruned(plan: .limit(child.plan, limit: limit, offset: offset), mapping: child.mapping)

        case .distinct(let input):
            return Pruned(plan: .distinct(prune(input, all(input)).plan), mapping: Array(0..<input.fields.count))

        case .distinctOn(let input, let keys):
            let child = keys.contains(where: pinsInput) ? prune(input, all(input)) : prune(input, required.union(columns(keys)))
            return Pruned(plan: .distinctOn(child.plan, keys: keys.map { remap($0, child.mapping) }), mapping: child.mapping)

        case .window(let input, let fns):
            let n = input.fields.count
            let exprs = fns.flatMap(windowExprs)
            let child = exprs.contains(where: pinsInput)
                ? prune(input, all(input)) : prune(input, required.filter { $0 < n }.union(columns(exprs)))
            let newCount = child.plan.fields.count
            let mapping = child.mapping + fns.indices.map { Optional(newCount + $0) }
            return Pruned(plan: .window(child.plan, fns.map { remapWindow($0, child.mapping) }), mapping: mapping)

        case .join(let l, let r, let type, let condition):
            let nl = l.fields.count
            if let condition, pinsInput(condition) {
                let left = prune(l, all(l)).plan, right = prune(r, all(r)).plan
                return identity(.join(left, right, type, condition: condition))
            }
            let conditionColumns = condition?.referencedColumns ?? []
            let needed = required.union(conditionColumns)
            let left = prune(l, Set(needed.filter { $0 < nl }))
            let right = prune(r, Set(needed.filter { $0 >= nl }.map { $0 - nl }))
            let newLeftCount = left.plan.fields.count
            let combined = left.mapping + right.mapping.map { $0.map { $0 + newLeftCount } }
            let joined = LogicalPlan.join(left.plan, right.plan, type, condition: condition.map { remap($0, combined) })
            switch type {
            case .semi, .anti: return Pruned(plan: joined, mapping: left.mapping)
            default: return Pruned(plan: joined, mapping: combined)
            }

        case .markJoin(let l, let r, let condition, let test):
            let nl = l.fields.count
            let own = (condition.map { [$0] } ?? []) + (test.map { [$0.probe, $0.build] } ?? [])
            if own.contains(where: pinsInput) {
                return identity(.markJoin(prune(l, all(l)).plan, prune(r, all(r)).plan, condition: condition, test: test))
            }
            let conditionColumns = condition?.referencedColumns ?? []
            let leftNeeded = required.filter { $0 < nl }.union(conditionColumns.filter { $0 < nl }).union(test?.probe.referencedColumns ?? [])
            let rightNeeded = Set(conditionColumns.filter { $0 >= nl }.map { $0 - nl }).union(test?.build.referencedColumns ?? [])
            let left = prune(l, leftNeeded), right = prune(r, rightNeeded)
            let newLeftCount = left.plan.fields.count
            let combined = left.mapping + right.mapping.map { $0.map { $0 + newLeftCount } }
            let newTest = test.map { MarkTest(probe: remap($0.probe, left.mapping), build: remap($0.build, right.mapping)) }
            let joined = LogicalPlan.markJoin(left.plan, right.plan, condition: condition.map { remap($0, combined) }, test: newTest)
            return Pruned(plan: joined, mapping: left.mapping + [newLeftCount])

        case .dependentJoin(let l, let r, let type, let condition, let level):
            // The right side reads the left row by position.
            let left = prune(l, all(l)).plan
            return identity(.dependentJoin(left, r, type, condition: condition, level: level))

        case .setOperation(let op, let isAll, let l, let r, let fields):
            return identity(.setOperation(op, all: isAll, prune(l, all(l)).plan, prune(r, all(r)).plan, fields: fields))

        case .barrier(let input, let barrier):
            // Dropping columns nobody reads reveals nothing; the barrier stays where it is.
            let child = prune(input, required)
            return Pruned(plan: .barrier(child.plan, barrier), mapping: child.mapping)
        }
    }
}
