// Evaluates subquery expressions (scalar, EXISTS, IN, ANY/ALL). An
// uncorrelated subquery runs once per statement and its result is cached;
// a correlated one runs once per outer row with that row published in the
// execution context (a nested-loop "apply"; decorrelation into joins is an
// optimizer rule still to come).

import Columnar
import Functions
import Planner

struct SubqueryEvaluator {
    let subquery: BoundSubquery
    let type: DataType
    let compiler: ExpressionCompiler

    /// The rows of the subquery for the current outer row.
    private func run() throws -> Batch {
        let op = try compiler.planner.build(subquery.plan)
        return try op.drain(fields: subquery.plan.fields, context: compiler.context)
    }

    func evaluator() throws -> Evaluator {
        let ctx = compiler.context
        let probe: Evaluator?
        var rowProbes: [Evaluator] = []
        var rowComparison: Evaluator? = nil
        switch subquery.kind {
        case .inList(let x, _), .quantified(let x, _, _): probe = try compiler.compile(x)
        case .rowQuantified(let xs, let cmp, _):
            rowProbes = try xs.map(compiler.compile)
            rowComparison = try compiler.compile(cmp)
            probe = nil
        default: probe = nil
        }
        let rowEval = RowQuantifiedEvaluator(probes: rowProbes, comparison: rowComparison)
        if !subquery.isCorrelated {
            var cached: Batch? = nil
            return { b in
                if cached == nil { cached = try run() }
                guard let rows = cached else { return .nulls(type: type, count: b.count) }
                return try combine(rows: rows, probe: try probe?(b), batch: b, ctx: ctx, rowEval: rowEval)
            }
        }
        return { b in
            let level = subquery.level
            let saved = ctx.outerRows[level]
            defer { ctx.outerRows[level] = saved }
            let probeVector = try probe?(b)
            var pieces: [(rows: [Int32], values: Vector)] = []
            for i in 0..<b.count {
                try ctx.checkCancelled()
                ctx.outerRows[level] = b.row(i)
                let rows = try run()
                let one = b.slice(i..<(i + 1))
                pieces.append(([Int32(i)], try combine(rows: rows, probe: probeVector?.slice(i..<(i + 1)), batch: one, ctx: ctx, rowEval: rowEval)))
            }
            return assemble(type: type, count: b.count, pieces: pieces)
        }
    }

    /// Turns the subquery's rows into the expression's value for each row of `batch`.
    private func combine(rows: Batch, probe: Vector?, batch: Batch, ctx: ExecutionContext, rowEval: RowQuantifiedEvaluator) throws -> Vector {
        let n = batch.count
        switch subquery.kind {
        case .rowQuantified(_, _, let all):
            return try rowEval.evaluate(rows: rows, batch: batch, all: all)
        case .scalar:
            if rows.count > 1 {
                throw SQLError(SQLState.cardinalityViolation, "more than one row returned by a subquery used as an expression")
            }
            let v = rows.count == 0 ? Value.null : rows.columns[0].value(at: 0)
            return .constant(v, type: type, count: n)
        case .exists:
            return .constant(.bool(rows.count > 0), type: .boolean, count: n)
        case .inList(_, let negated):
            guard let probe else { return .nulls(type: .boolean, count: n) }
            let column = rows.columns[0]
            var set = Set<Value>()
            var sawNull = false
            for i in 0..<rows.count {
                let v = column.value(at: i)
                if v.isNull { sawNull = true } else { set.insert(normalized(v)) }
            }
            // Against no rows, IN is false (NOT IN true) even for a NULL probe.
            if rows.count == 0 { return .constant(.bool(negated), type: .boolean, count: n) }
            var b = VectorBuilder(type: .boolean, capacity: n)
            for i in 0..<n {
                let v = probe.value(at: i)
                if v.isNull { b.appendNull(); continue }
                if set.contains(normalized(v)) { b.append(!negated) }
                else if sawNull { b.appendNull() }
                else { b.append(negated) }
            }
            return b.finish()
        case .quantified(_, let cmp, let all):
            guard let probe else { return .nulls(type: .boolean, count: n) }
            var acc = TruthVector(count: n, value: all)
            let column = rows.columns[0]
            for j in 0..<rows.count {
                let other = Vector.constant(column.value(at: j), type: column.type, count: n)
                let t = TruthVector(try cmp.resolution.kernel([probe, other], n, ctx.functionContext))
                acc.fold(t, all: all)
            }
            return acc.vector
        }
    }

    /// Values equal under SQL `=` hash alike: -0.0 and 0.0 are one value.
    private func normalized(_ v: Value) -> Value {
        if case .double(let d) = v, d == 0 { return .double(0) }
        return v
    }
}

/// Applies a row comparison between the probe row and each subquery row, folding with ANY/ALL.
struct RowQuantifiedEvaluator {
    let probes: [Evaluator]
    let comparison: Evaluator?

    func evaluate(rows: Batch, batch: Batch, all: Bool) throws -> Vector {
        let n = batch.count
        guard let comparison else { return .nulls(type: .boolean, count: n) }
        let probeVectors = try probes.map { try $0(batch) }
        var acc = TruthVector(count: n, value: all)
        for j in 0..<rows.count {
            let constants = rows.columns.map { Vector.constant($0.value(at: j), type: $0.type, count: n) }
            let t = TruthVector(try comparison(Batch(columns: probeVectors + constants, count: n)))
            acc.fold(t, all: all)
        }
        return acc.vector
    }
}
