// Turns an optimised logical plan into a tree of physical operators:
// picks hash joins where the condition has equality keys between the two
// sides (nested loops otherwise), and compiles every expression once.

import Columnar
import Planner
import SQLSyntax

public final class PhysicalPlanner {
    public let context: ExecutionContext

    /// When set (EXPLAIN ANALYZE), one profile per operator in pre-order of the plan.
    public var profiles: [OperatorProfile]? = nil

    public init(context: ExecutionContext) { self.context = context }

    /// Policy barriers around the node being built.
    private var barrierDepth = 0

    var compiler: ExpressionCompiler { ExpressionCompiler(context: context, planner: self) }

    public func build(_ plan: LogicalPlan) throws -> Operator {
        guard profiles != nil else { return try buildNode(plan) }
        let profile = OperatorProfile()
        profiles?.append(profile)
        return ProfilingOperator(input: try buildNode(plan), profile: profile)
    }

    /// Scan pipelines (Filter/Project stages over a Scan) run on all cores when
    /// their expressions are safe to evaluate concurrently.
    public var parallelism = availableCores

    private func buildNode(_ plan: LogicalPlan) throws -> Operator {
        let compiler = self.compiler
        if parallelism > 1, let (scan, stages, nodes) = try scanPipeline(plan) {
            // Under EXPLAIN ANALYZE the fused nodes below the top one keep their places in pre-order.
            for _ in 0..<(nodes - 1) where profiles != nil {
                let fused = OperatorProfile()
                fused.fused = true
                profiles?.append(fused)
            }
            return ParallelScanOperator(node: scan, stages: stages, context: context, workers: parallelism)
        }
        switch plan {
        case .scan(let node):
            return ScanOperator(node: node, context: context, countsRows: barrierDepth == 0)
        case .values(let rows, let fields):
            return ValuesOperator(rows: rows, fields: fields, compiler: compiler)
        case .filter(let input, let predicate):
            return FilterOperator(input: try build(input), predicate: try compiler.compile(predicate), context: context)
        case .project(let input, let exprs, _):
            return ProjectOperator(input: try build(input), expressions: try exprs.map(compiler.compile))
        case .aggregate(let node):
            if parallelism > 1, ParallelAggregateOperator.eligible(node), safeForWorkers(node),
               let (scan, stages, nodes) = try scanPipeline(node.input) {
                for _ in 0..<nodes where profiles != nil {
                    let fused = OperatorProfile()
                    fused.fused = true
                    profiles?.append(fused)
                }
                return try ParallelAggregateOperator(node: node, scan: scan, stages: stages, compiler: compiler, workers: parallelism)
            }
            return HashAggregateOperator(node: node, input: try build(node.input), compiler: compiler)
        case .join(let l, let r, let type, let condition):
            return try buildJoin(l, r, type, condition)
        case .markJoin(let l, let r, let condition, let test):
            return try buildMarkJoin(l, r, condition: condition, test: test)
        case .dependentJoin(let l, let r, let type, let condition, let level):
            return DependentJoinOperator(left: try build(l), rightPlan: r, type: type,
                                         condition: try condition.map(compiler.compile), level: level, planner: self)
        case .sort(let input, let keys):
            return SortOperator(input: try build(input), keys: try keys.map { (try compiler.compile($0.expr), $0) },
                                fields: input.fields, context: context)
        case .limit(let input, let limit, let offset):
            if let topN = try buildTopN(input, limit: limit, offset: offset) { return topN }
            return LimitOperator(input: try build(input), limit: limit, offset: offset)
        case .distinct(let input):
            return DistinctOperator(input: try build(input), fields: input.fields)
        case .distinctOn(let input, let keys):
            return DistinctOnOperator(input: try build(input), keys: try keys.map(compiler.compile))
        case .window(let input, let functions):
            return WindowOperator(input: try build(input), functions: functions, inputFields: input.fields, compiler: compiler)
        case .setOperation(let op, let all, let l, let r, let fields):
            switch op {
            case .union:
                let union = UnionAllOperator(inputs: [try build(l), try build(r)])
                return all ? union : DistinctOperator(input: union, fields: fields)
            case .intersect, .except:
                return IntersectExceptOperator(left: try build(l), right: try build(r), op: op, all: all, fields: fields, context: context)
            }
        case .recursiveCTE(let id, let anchor, let recursive, let unionAll, let fields):
            return RecursiveCTEOperator(id: id, anchor: anchor, recursive: recursive, unionAll: unionAll, fields: fields, planner: self)
        case .workTable(let id, _):
            return WorkTableScanOperator(batches: context.workTables[id] ?? [])
        case .barrier(let input, let barrier):
            // Scans below a barrier read rows the row policy hides: progress displays must not count them.
            barrierDepth += 1
            defer { barrierDepth -= 1 }
            return PolicyBarrierOperator(input: try build(input), barrier: barrier)
        }
    }

    /// Largest LIMIT + OFFSET a top-N keeps; beyond it the full sort is as cheap.
    static let topNMaximumRows = 100_000

    /// `LIMIT n [OFFSET m]` directly above a sort: a bounded top-N instead of sorting
    /// everything (TopNOperator). The sort's node is fused into it (EXPLAIN ANALYZE).
    private func buildTopN(_ input: LogicalPlan, limit: Int?, offset: Int) throws -> Operator? {
        guard case .sort(let sortInput, let keys) = input, let limit, limit >= 0, offset >= 0,
              case let (total, false) = limit.addingReportingOverflow(offset), total <= Self.topNMaximumRows else { return nil }
        if profiles != nil {
            let fused = OperatorProfile()
            fused.fused = true
            profiles?.append(fused)
        }
        let compiler = self.compiler
        return TopNOperator(input: try build(sortInput), keys: try keys.map { (try compiler.compile($0.expr), $0) },
                            limit: limit, offset: offset, fields: sortInput.fields, context: context)
    }

    /// A chain of Filter/Project nodes (and policy barriers) ending in a Scan whose
    /// expressions hold no subqueries, volatile functions or correlated references (which
    /// touch shared per-query state), as stages in execution order, with the number of
    /// plan nodes in the chain (the scan included).
    private func scanPipeline(_ plan: LogicalPlan) throws -> (ScanNode, [PipelineStage], Int)? {
        var stages: [BoundExpr] = []
        var kinds: [(isFilter: Bool, exprs: [BoundExpr], barrier: PolicyBarrier?)] = []
        var node = plan
        while true {
            switch node {
            case .filter(let input, let p):
                kinds.append((true, [p], nil)); stages.append(p); node = input
                continue
            case .project(let input, let es, _):
                kinds.append((false, es, nil)); stages.append(contentsOf: es); node = input
                continue
            case .barrier(let input, let barrier):
                kinds.append((false, [], barrier)); node = input
                continue
            case .scan(let scan):
                guard stages.allSatisfy(isThreadSafe) else { return nil }
                let compiler = self.compiler
                var compiled: [PipelineStage] = []
                for k in kinds.reversed() {
                    if let barrier = k.barrier { compiled = [.guarded(compiled, barrier)]; continue }
                    compiled.append(k.isFilter ? .filter(try compiler.compile(k.exprs[0])) : .project(try k.exprs.map(compiler.compile)))
                }
                return (scan, compiled, kinds.count + 1)
            default:
                return nil
            }
        }
    }

    /// Expressions that touch no shared per-query state (see scanPipeline).
    private func isThreadSafe(_ e: BoundExpr) -> Bool {
        !e.contains {
            switch $0 {
            case .subquery, .outerColumn, .parameter, .aggregate, .window: return true
            case .call(let f, _): return f.resolution.isVolatile
            default: return false
            }
        }
    }

    private func safeForWorkers(_ node: AggregateNode) -> Bool {
        node.groupKeys.allSatisfy(isThreadSafe)
            && node.aggregates.allSatisfy { a in a.arguments.allSatisfy(isThreadSafe) && (a.filter.map(isThreadSafe) ?? true) }
    }

    private func buildJoin(_ l: LogicalPlan, _ r: LogicalPlan, _ type: JoinType, _ condition: BoundExpr?) throws -> Operator {
        let leftFields = l.fields, rightFields = r.fields
        let nl = leftFields.count
        var leftKeys: [BoundExpr] = [], rightKeys: [BoundExpr] = [], residual: [BoundExpr] = []
        for c in condition.map(conjuncts) ?? [] {
            if case .call(let f, let args) = c, f.name == "=", args.count == 2, args[0].type == args[1].type,
               !containsSubqueryOrOuter(args[0]), !containsSubqueryOrOuter(args[1]) {
                let a = args[0].referencedColumns, b = args[1].referencedColumns
                if !a.isEmpty, !b.isEmpty, a.allSatisfy({ $0 < nl }), b.allSatisfy({ $0 >= nl }) {
                    leftKeys.append(args[0]); rightKeys.append(shift(args[1], by: -nl)); continue
                }
                if !a.isEmpty, !b.isEmpty, b.allSatisfy({ $0 < nl }), a.allSatisfy({ $0 >= nl }) {
                    leftKeys.append(args[1]); rightKeys.append(shift(args[0], by: -nl)); continue
                }
            }
            residual.append(c)
        }
        let left = try build(l), right = try build(r)
        let residualExpr: BoundExpr? = residual.isEmpty ? nil : (residual.count == 1 ? residual[0] : .and(residual))
        let compiler = self.compiler
        if !leftKeys.isEmpty {
            return HashJoinOperator(left: left, right: right, type: type,
                                    leftKeys: try leftKeys.map(compiler.compile), rightKeys: try rightKeys.map(compiler.compile),
                                    keyTypes: leftKeys.map(\.type), residual: try residualExpr.map(compiler.compile),
                                    residualColumns: residualExpr.flatMap(compiler.columnsRead),
                                    leftFields: leftFields, rightFields: rightFields, context: context)
        }
        return NestedLoopJoinOperator(left: left, right: right, type: type, condition: try residualExpr.map(compiler.compile),
                                      leftFields: leftFields, rightFields: rightFields, context: context)
    }

    private func conjuncts(_ e: BoundExpr) -> [BoundExpr] {
        if case .and(let terms) = e { return terms.flatMap(conjuncts) }
        return [e]
    }

    private func containsSubqueryOrOuter(_ e: BoundExpr) -> Bool {
        e.contains { if case .subquery = $0 { return true }; if case .outerColumn = $0 { return true }; return false }
    }

    private func shift(_ e: BoundExpr, by delta: Int) -> BoundExpr {
        if case .column(let i, let t) = e { return .column(i + delta, t) }
        return e.mapChildren { shift($0, by: delta) }
    }
}
