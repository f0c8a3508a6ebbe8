// Turns an optimised logical plan into a tree of physical operators:
// picks hash joins where the condition has equality keys between the two
// sides (nested loops otherwise), and compiles every expression once.

import Columnar
import Foundation
import Planner
import SQLSyntax

public final class PhysicalPlanner {
    public let context: ExecutionContext

    /// When set (EXPLAIN ANALYZE), one profile per operator in pre-order of the plan.
    public var profiles: [OperatorProfile]? = nil

    public init(context: ExecutionContext) { self.context = context }

    /// Policy barriers around the node being built.
    private var barrierDepth = 0

    /// The output columns the parent of the node about to be built reads (nil: all of them).
    /// Set right before building a child and taken first thing by it (RequiredColumns.swift).
    var pendingRequired: Set<Int>? = nil

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
        let required = pendingRequired
        pendingRequired = nil
        let compiler = self.compiler
        // Under EXPLAIN ANALYZE the fused nodes below the top one keep their places in pre-order.
        if parallelism > 1, let (scan, stages, origin) = try scanPipeline(plan, topProfiled: true, required: required) {
            return ParallelScanOperator(node: scan, stages: stages, context: context, workers: parallelism, outputOrigin: origin)
        }
        switch plan {
        case .scan(let node):
            return ScanOperator(node: node, context: context, countsRows: barrierDepth == 0)
        case .values(let rows, let fields):
            return ValuesOperator(rows: rows, fields: fields, compiler: compiler)
        case .filter(let input, let predicate):
            return FilterOperator(input: try build(input, requiring: Self.union(required, reads([predicate]))),
                                  predicate: try compiler.compileSelection(predicate), context: context, outputColumns: required)
        case .project(let input, let exprs, _):
            return ProjectOperator(input: try build(input, requiring: reads(exprs)), expressions: try exprs.map(compiler.compile))
        case .aggregate(let node):
            let inputRequired = reads(aggregateInputs(node))
            if parallelism > 1, ParallelAggregateOperator.eligible(node), safeForWorkers(node),
               let (scan, stages, _) = try scanPipeline(node.input, topProfiled: false, required: inputRequired) {
                return try ParallelAggregateOperator(node: node, scan: scan, stages: stages, compiler: compiler, workers: parallelism)
            }
            return HashAggregateOperator(node: node, input: try build(node.input, requiring: inputRequired), compiler: compiler,
                                         workers: parallelism)
        case .join(let l, let r, let type, let condition):
            return try buildJoin(l, r, type, condition, required: required)
        case .markJoin(let l, let r, let condition, let test):
            return try buildMarkJoin(l, r, condition: condition, test: test)
        case .dependentJoin(let l, let r, let type, let condition, let level):
            return DependentJoinOperator(left: try build(l), rightPlan: r, type: type,
                                         condition: try condition.map(compiler.compile), level: level, planner: self)
        case .sort(let input, let keys):
            return SortOperator(input: try build(input, requiring: Self.union(required, reads(keys.map(\.expr)))), keys: try keys.map { (try compiler.compile($0.expr), $0) },
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
        case .cteScan(let cte):
            return CTEScanOperator(cte: cte, planner: self)
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

    /// A chain of Filter/Project nodes, policy barriers and hash joins (through their probe,
    /// left, side) ending in a Scan, whose expressions hold no subqueries, volatile functions
    /// or correlated references (which touch shared per-query state), as stages in execution
    /// order. Nothing is built (no profile recorded) unless the whole chain qualifies; then
    /// the chain's nodes get fused profiles in pre-order (all but the top one when
    /// `topProfiled`, whose profile `build` records) and each join's build side is built
    /// where pre-order puts it: after the scan, deepest join first.
    /// `required`: the columns of the chain's output read above it (nil: all); each filter and
    /// join stage then materialises only the columns read above it.
    /// Also returns, per output column, the scan output position it copies (RuntimeFilterTracer).
    private func scanPipeline(_ plan: LogicalPlan, topProfiled: Bool, required: Set<Int>?) throws -> (ScanNode, [PipelineStage], [Int?])? {
        enum Link {
            case filter(BoundExpr, output: Set<Int>?), project([BoundExpr]), barrier(PolicyBarrier)
            case join(LogicalPlan, JoinType, JoinKeys, leftFields: [Field], rightFields: [Field], output: Set<Int>?)
        }
        var links: [Link] = []
        var node = plan
        var underBarrier = false
        var scanNode: ScanNode
        var required = required
        walk: while true {
            switch node {
            case .filter(let input, let p):
                guard isThreadSafe(p) else { return nil }
                links.append(.filter(p, output: required)); node = input
                required = Self.union(required, reads([p]))
            case .project(let input, let es, _):
                guard es.allSatisfy(isThreadSafe) else { return nil }
                links.append(.project(es)); node = input
                required = reads(es)
            case .barrier(let input, let barrier):
                links.append(.barrier(barrier)); node = input
                underBarrier = true
                required = nil
            case .join(let l, let r, let type, let condition):
                // Rows below a policy barrier stay inside it: no join reads them there.
                guard parallelJoins, !underBarrier, (type != .semi && type != .anti) || fusesSemiJoin(l, r), let keys = joinKeys(l, r, condition), !keys.left.isEmpty,
                      (keys.left + keys.right).allSatisfy(isThreadSafe), keys.residual.map(isThreadSafe) ?? true
                else { return nil }
                links.append(.join(r, type, keys, leftFields: l.fields, rightFields: r.fields, output: required)); node = l
                required = joinInputsRequired(required, condition, leftCount: l.fields.count).left
            case .scan(let scan):
                scanNode = scan
                break walk
            default:
                return nil
            }
        }
        for _ in 0..<(links.count + (topProfiled ? 0 : 1)) where profiles != nil {
            let fused = OperatorProfile()
            fused.fused = true
            profiles?.append(fused)
        }
        let compiler = self.compiler
        var compiled: [PipelineStage] = []
        var tracer = RuntimeFilterTracer(scanWidth: scanNode.columns.count)
        for link in links.reversed() {
            switch link {
            case .filter(let p, let output):
                let predicate = try compiler.compileSelection(p)
                if compiled.isEmpty, let lifted = scanFilter(p, predicate, output: output, scan: scanNode) {
                    compiled.append(lifted)
                    continue
                }
                compiled.append(output.map { .filterKeeping(predicate, $0) } ?? .filter(predicate))
            case .project(let es):
                compiled.append(.project(try es.map(compiler.compile)))
                tracer.project(es)
            case .barrier(let barrier):
                compiled = [.guarded(compiled, barrier)]
                tracer.barrier()
            case .join(let r, let type, let keys, let leftFields, let rightFields, let output):
                let probe = try hashJoinProbe(type, keys, leftFields: leftFields, rightFields: rightFields, output: output)
                let buildRequired = joinInputsRequired(output, keys.condition, leftCount: leftFields.count).right
                let trace = tracer.join(type, probeKeys: keys.left, rightWidth: rightFields.count)
                compiled.append(.join(PipelineJoin(join: probe, buildInput: try build(r, requiring: buildRequired), context: context,
                                                   trace: trace)))
            }
        }
        return (scanNode, compiled, tracer.scanOrigin)
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

    /// A join condition split into equality keys between the two sides (left and right
    /// expressions, the right ones over the right input's columns) and the rest.
    struct JoinKeys {
        var left: [BoundExpr] = [], right: [BoundExpr] = []
        var residual: BoundExpr? = nil
        /// The whole condition, over the join's output columns.
        var condition: BoundExpr? = nil
    }

    private func joinKeys(_ l: LogicalPlan, _ r: LogicalPlan, _ condition: BoundExpr?) -> JoinKeys? {
        let nl = l.fields.count
        var keys = JoinKeys()
        keys.condition = condition
        var residual: [BoundExpr] = []
        for c in condition.map(conjuncts) ?? [] {
            if case .call(let f, let args) = c, f.name == "=", args.count == 2, Self.hashable(args[0].type, args[1].type),
               !containsSubqueryOrOuter(args[0]), !containsSubqueryOrOuter(args[1]) {
                let a = args[0].referencedColumns, b = args[1].referencedColumns
                if !a.isEmpty, !b.isEmpty, a.allSatisfy({ $0 < nl }), b.allSatisfy({ $0 >= nl }) {
                    keys.left.append(args[0]); keys.right.append(shift(args[1], by: -nl)); continue
                }
                if !a.isEmpty, !b.isEmpty, b.allSatisfy({ $0 < nl }), a.allSatisfy({ $0 >= nl }) {
                    keys.left.append(args[1]); keys.right.append(shift(args[0], by: -nl)); continue
                }
            }
            residual.append(c)
        }
        keys.residual = residual.isEmpty ? nil : (residual.count == 1 ? residual[0] : .and(residual))
        return keys
    }

    /// Whether `a = b` can be a hash join key pair: the same type, or integers of different
    /// widths (`int4 = int8`, as generate_series or a narrower column meets a bigint key),
    /// which vectors hold alike as Int64 values, so hashing and equality agree with `=`.
    /// Anything else stays a join condition (a nested loop when it is the only one).
    static func hashable(_ a: DataType, _ b: DataType) -> Bool {
        a == b || (a.isInteger && b.isInteger)
    }

    /// Builds of at least this many rows hash and link on all cores (setting
    /// `lakesql.join_parallel_build_rows`, which tests lower to reach the parallel path).
    private var parallelBuildRows: Int {
        guard parallelJoins else { return Int.max }
        return context.functionContext.settings["lakesql.join_parallel_build_rows"].flatMap { Int($0) } ?? 50_000
    }

    /// How semi/anti joins run (`lakesql.fuse_semi_joins`): `auto` (default) fuses one into its
    /// left input's scan pipeline when its right input is estimated smaller than its left, and
    /// otherwise runs it in HashJoinOperator, which builds on the left rows when they turn out
    /// the smaller side and then lets the right input's scan pipeline probe them on its workers.
    /// A fused join must hash its right side: TPC-H Q4/Q21 would hash 3.8M-6M line items
    /// instead of 57k-150k left rows (measured, SF1: Q21 7.0-8.2 s fused vs 4.8 s). `on` fuses
    /// whenever the plan allows; `off` never fuses, and the right rows probe the left table on
    /// the consumer thread (the plans before `auto`, to compare against).
    private enum SemiJoinFusion { case off, auto, on }

    private var semiJoinFusion: SemiJoinFusion {
        switch context.functionContext.settings["lakesql.fuse_semi_joins"]?.lowercased() {
        case "on", "true", "1": return .on
        case "off", "false", "0": return .off
        default: return .auto
        }
    }

    /// Whether the semi/anti join `l ⋉ r` runs as a stage of `l`'s scan pipeline.
    private func fusesSemiJoin(_ l: LogicalPlan, _ r: LogicalPlan) -> Bool {
        switch semiJoinFusion {
        case .on: return true
        case .off: return false
        case .auto: return ReorderJoins.estimate(r) < ReorderJoins.estimate(l)
        }
    }

    /// `SET lakesql.parallel_joins = off` keeps hash joins on one thread (build and probe), to
    /// compare against and as an escape hatch.
    /// The environment variable LAKESQL_PARALLEL_JOINS=off sets the default (before/after benchmarks
    /// through the harness, which cannot SET anything in its sessions).
    private var parallelJoins: Bool {
        let value = context.functionContext.settings["lakesql.parallel_joins"] ?? PhysicalPlanner.parallelJoinsDefault
        return !["off", "false", "0"].contains(value.lowercased())
    }

    private static let parallelJoinsDefault = ProcessInfo.processInfo.environment["LAKESQL_PARALLEL_JOINS"] ?? "on"

    private func hashJoinProbe(_ type: JoinType, _ keys: JoinKeys, leftFields: [Field], rightFields: [Field], output: Set<Int>?) throws -> HashJoinProbe {
        let compiler = self.compiler
        return HashJoinProbe(type: type, probeKeys: try keys.left.map(compiler.compile), buildKeys: try keys.right.map(compiler.compile),
                             residual: try keys.residual.map(compiler.compile), residualColumns: keys.residual.flatMap(compiler.columnsRead),
                             leftFields: leftFields, rightFields: rightFields, workers: parallelism, parallelFrom: parallelBuildRows,
                             outputColumns: output)
    }

    private func buildJoin(_ l: LogicalPlan, _ r: LogicalPlan, _ type: JoinType, _ condition: BoundExpr?, required: Set<Int>?) throws -> Operator {
        // Under EXPLAIN ANALYZE `build` recorded this join's profile last, before its inputs'.
        let ownProfile = profiles?.last
        let keys = joinKeys(l, r, condition) ?? JoinKeys()
        let inputs = keys.left.isEmpty ? (left: nil, right: nil) : joinInputsRequired(required, condition, leftCount: l.fields.count)
        let left = try build(l, requiring: inputs.left), right = try build(r, requiring: inputs.right)
        if !keys.left.isEmpty {
            // A semi/anti join's right rows may probe a table of its left rows on the right
            // pipeline's workers: its keys and residual run there.
            let probesOnWorkers = (type == .semi || type == .anti) && parallelJoins && semiJoinFusion != .off
                && (keys.left + keys.right).allSatisfy(isThreadSafe) && (keys.residual.map(isThreadSafe) ?? true)
            return HashJoinOperator(left: left, right: right,
                                    join: try hashJoinProbe(type, keys, leftFields: l.fields, rightFields: r.fields, output: required),
                                    keyTypes: keys.left.map(\.type), context: context, probesOnWorkers: probesOnWorkers,
                                    rightKeyColumns: keys.right.map { if case .column(let c, _) = $0 { return c }; return nil },
                                    estimatedRightRows: type == .semi || type == .anti ? ReorderJoins.estimate(r) : nil,
                                    profile: ownProfile)
        }
        return NestedLoopJoinOperator(left: left, right: right, type: type, condition: try keys.residual.map(self.compiler.compile),
                                      leftFields: l.fields, rightFields: r.fields, context: context)
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
