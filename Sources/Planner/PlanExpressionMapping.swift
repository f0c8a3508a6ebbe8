// Rewrites every bound expression inside a plan, including the plans of
// subqueries nested in those expressions. Used to re-point correlated
// references when the row they read changes shape (e.g. after aggregation).

extension LogicalPlan {
    /// The non-throwing form, for rewrites that cannot fail.
    public func mapExpressions(_ f: (BoundExpr) -> BoundExpr) -> LogicalPlan {
        (try? mapExpressionsThrowing(f)) ?? self
    }

    /// A plain `throws` (not `rethrows`): the nested helpers below throw through `f`.
    public func mapExpressionsThrowing(_ f: (BoundExpr) throws -> BoundExpr) throws -> LogicalPlan {
        func deep(_ e: BoundExpr) throws -> BoundExpr {
            let inner: BoundExpr
            if case .subquery(let s, let t) = e {
                let plan = try s.plan.mapExpressionsThrowing(f)
                let rebuilt = BoundExpr.subquery(BoundSubquery(plan: plan, kind: s.kind, isCorrelated: s.isCorrelated, level: s.level), t)
                inner = try rebuilt.mapChildren(deep)
            } else {
                inner = try e.mapChildren(deep)
            }
            return try f(inner)
        }
        func keys(_ ks: [SortKey]) throws -> [SortKey] {
            try ks.map { SortKey(expr: try deep($0.expr), ascending: $0.ascending, nullsFirst: $0.nullsFirst) }
        }
        func aggregate(_ a: BoundAggregate) throws -> BoundAggregate {
            BoundAggregate(name: a.name, resolution: a.resolution, arguments: try a.arguments.map(deep), distinct: a.distinct,
                           filter: try a.filter.map(deep), orderBy: try keys(a.orderBy), isStar: a.isStar)
        }
        switch self {
        case .scan, .workTable, .cteScan: return self
        case .values(let rows, let fields): return .values(rows: try rows.map { try $0.map(deep) }, fields: fields)
        case .filter(let p, let e): return .filter(try p.mapExpressionsThrowing(f), try deep(e))
        case .project(let p, let es, let fs): return .project(try p.mapExpressionsThrowing(f), try es.map(deep), fields: fs)
        case .aggregate(let a):
            return .aggregate(AggregateNode(input: try a.input.mapExpressionsThrowing(f), groupKeys: try a.groupKeys.map(deep),
                                            groupingSets: a.groupingSets, aggregates: try a.aggregates.map(aggregate), fields: a.fields))
        case .join(let l, let r, let t, let c):
            return .join(try l.mapExpressionsThrowing(f), try r.mapExpressionsThrowing(f), t, condition: try c.map(deep))
        case .dependentJoin(let l, let r, let t, let c, let level):
            return .dependentJoin(try l.mapExpressionsThrowing(f), try r.mapExpressionsThrowing(f), t, condition: try c.map(deep), level: level)
        case .markJoin(let l, let r, let c, let test):
            let mappedTest = try test.map { MarkTest(probe: try deep($0.probe), build: try deep($0.build)) }
            return .markJoin(try l.mapExpressionsThrowing(f), try r.mapExpressionsThrowing(f), condition: try c.map(deep), test: mappedTest)
        case .sort(let p, let ks): return .sort(try p.mapExpressionsThrowing(f), try keys(ks))
        case .limit(let p, let l, let o): return .limit(try p.mapExpressionsThrowing(f), limit: l, offset: o)
        case .distinct(let p): return .distinct(try p.mapExpressionsThrowing(f))
        case .distinctOn(let p, let ks): return .distinctOn(try p.mapExpressionsThrowing(f), keys: try ks.map(deep))
        case .window(let p, let fns):
            let mapped = try fns.map { w -> BoundWindowFunction in
                var kind = w.kind
                if case .aggregate(let a) = w.kind { kind = .aggregate(try aggregate(a)) }
                return BoundWindowFunction(name: w.name, kind: kind, arguments: try w.arguments.map(deep), partitionBy: try w.partitionBy.map(deep),
                                           orderBy: try keys(w.orderBy), frame: w.frame, ignoreNulls: w.ignoreNulls, returnType: w.returnType,
                                           keepsInputOrder: w.keepsInputOrder)
            }
            return .window(try p.mapExpressionsThrowing(f), mapped)
        case .setOperation(let op, let all, let l, let r, let fs):
            return .setOperation(op, all: all, try l.mapExpressionsThrowing(f), try r.mapExpressionsThrowing(f), fields: fs)
        case .recursiveCTE(let id, let a, let r, let all, let fs):
            return .recursiveCTE(id: id, anchor: try a.mapExpressionsThrowing(f), recursive: try r.mapExpressionsThrowing(f), unionAll: all, fields: fs)
        case .barrier(let p, let b): return .barrier(try p.mapExpressionsThrowing(f), b)
        }
    }
}
