// Compiles bound expressions into vector evaluators: one closure per node,
// called once per batch (never per row). CASE, COALESCE, AND and OR
// evaluate later operands only on the rows that still need them, so an
// error in a branch not taken (division by zero, a bad cast) is never
// raised — the same guarantee PostgreSQL gives.

import Columnar
import Functions
import Planner

typealias Evaluator = (Batch) throws -> Vector
/// A compiled filter: the rows of a batch it keeps, ascending.
typealias RowSelector = (Batch) throws -> ContiguousArray<Int32>

struct ExpressionCompiler {
    let context: ExecutionContext
    let planner: PhysicalPlanner
    /// False inside an expression already evaluated per dictionary entry (DictionaryEvaluation).
    var dictionaryAware = true

    func compile(_ e: BoundExpr) throws -> Evaluator {
        if dictionaryAware, let (column, type) = DictionaryEvaluation.singleColumn(of: e) {
            var inner = self
            inner.dictionaryAware = false
            return DictionaryEvaluation(column: column, columnType: type, direct: try inner.compile(e)).evaluator
        }
        let ctx = context
        switch e {
        case .column(let i, _):
            return { b in
                guard i < b.columns.count else {
                    throw SQLError(SQLState.internalError, "column #\(i) read from an input of \(b.columns.count) columns")
                }
                return b.columns[i]
            }
        case .outerColumn(let level, let index, let t):
            return { b in .constant(ctx.outerRows[level]?[index] ?? .null, type: t, count: b.count) }
        case .literal(let v, let t):
            return { b in .constant(v, type: t, count: b.count) }
        case .unknownLiteral(let s):
            return { b in .constant(.string(s), type: .text, count: b.count) }
        case .parameter(let n, let t):
            return { b in .constant(ctx.parameters[n] ?? .null, type: t, count: b.count) }
        case .call(let f, let args):
            let evals = try args.map(compile)
            let kernel = f.resolution.kernel
            let volatile = f.resolution.isVolatile
            return { b in
                let vs = try evals.map { try $0(b) }
                // Every argument one value for the batch (literals, parameters, a partition
                // column, a folded subexpression): the function's value is too, computed once.
                if !volatile, b.count > 1, !vs.isEmpty, vs.allSatisfy(\.isConstant) {
                    let one = try kernel(vs.map { Vector.constant($0.value(at: 0), type: $0.type, count: 1) }, 1, ctx.functionContext)
                    return .constant(one.value(at: 0), type: one.type, count: b.count)
                }
                return try kernel(vs, b.count, ctx.functionContext)
            }
        case .cast(let x, _, let kernel):
            let ev = try compile(x)
            return { b in try kernel([try ev(b)], b.count, ctx.functionContext) }
        case .and(let terms):
            return try compileConnective(terms, isAnd: true)
        case .or(let terms):
            return try compileConnective(terms, isAnd: false)
        case .not(let x):
            let ev = try compile(x)
            return { b in
                var t = TruthVector(try ev(b))
                for i in 0..<t.values.count { t.values[i].toggle() }
                return t.vector
            }
        case .isNull(let x, let negated):
            let ev = try compile(x)
            return { b in
                let v = try ev(b)
                var out = ContiguousArray<Bool>(repeating: negated, count: b.count)
                if v.hasNulls { for i in 0..<b.count where v.isNull(i) { out[i] = !negated } }
                return Vector(type: .boolean, count: b.count, storage: .bool(out))
            }
        case .caseWhen(let whens, let elseResult, let type):
            let conds = try whens.map { try compile($0.0) }
            let results = try whens.map { try compile($0.1) }
            let elseEval = try elseResult.map(compile)
            return { b in
                var remaining = (0..<Int32(b.count)).map { $0 }
                var pieces: [(rows: [Int32], values: Vector)] = []
                for (k, cond) in conds.enumerated() {
                    if remaining.isEmpty { break }
                    let sub = remaining.count == b.count ? b : b.gather(remaining)
                    let t = TruthVector(try cond(sub))
                    var taken: [Int32] = [], takenLocal: [Int32] = [], rest: [Int32] = []
                    for (j, r) in remaining.enumerated() {
                        if t.isTrue(j) { taken.append(r); takenLocal.append(Int32(j)) } else { rest.append(r) }
                    }
                    if !taken.isEmpty {
                        let subTaken = takenLocal.count == sub.count ? sub : sub.gather(takenLocal)
                        pieces.append((taken, try results[k](subTaken)))
                    }
                    remaining = rest
                }
                if let elseEval, !remaining.isEmpty {
                    let sub = remaining.count == b.count ? b : b.gather(remaining)
                    pieces.append((remaining, try elseEval(sub)))
                }
                return assemble(type: type, count: b.count, pieces: pieces)
            }
        case .coalesce(let args, let type):
            let evals = try args.map(compile)
            return { b in
                var remaining = (0..<Int32(b.count)).map { $0 }
                var pieces: [(rows: [Int32], values: Vector)] = []
                for ev in evals {
                    if remaining.isEmpty { break }
                    let sub = remaining.count == b.count ? b : b.gather(remaining)
                    let v = try ev(sub)
                    if !v.hasNulls { pieces.append((remaining, v)); remaining = []; break }
                    var got: [Int32] = [], gotLocal: [Int32] = [], rest: [Int32] = []
                    for (j, r) in remaining.enumerated() {
                        if v.isNull(j) { rest.append(r) } else { got.append(r); gotLocal.append(Int32(j)) }
                    }
                    if !got.isEmpty { pieces.append((got, v.gather(gotLocal))) }
                    remaining = rest
                }
                return assemble(type: type, count: b.count, pieces: pieces)
            }
        case .inList(let x, let items, let eq, let negated):
            let xe = try compile(x)
            if let member = ConstantInList(x.type, items) {
                return { b in member.evaluate(try xe(b), count: b.count, negated: negated) }
            }
            let itemEvals = try items.map(compile)
            let kernel = eq.resolution.kernel
            return { b in
                let xv = try xe(b)
                var acc = TruthVector(count: b.count, value: false)
                for ie in itemEvals {
                    let t = TruthVector(try kernel([xv, try ie(b)], b.count, ctx.functionContext))
                    for i in 0..<b.count where !acc.isTrue(i) {
                        if t.isTrue(i) { acc.values[i] = true; acc.isNull[i] = false }
                        else if t.isNull[i] { acc.isNull[i] = true }
                    }
                }
                if negated { for i in 0..<b.count { acc.values[i].toggle() } }
                return acc.vector
            }
        case .subquery(let sub, let type):
            return try SubqueryEvaluator(subquery: sub, type: type, compiler: self).evaluator()
        case .grouping(let spec):
            guard let gidColumn = spec.first else { throw SQLError(SQLState.internalError, "bad GROUPING") }
            let keys = Array(spec.dropFirst())
            return { b in
                let gids = Kernels.int64s(b.columns[gidColumn])
                var out = ContiguousArray<Int64>(repeating: 0, count: b.count)
                for i in 0..<b.count {
                    var r: Int64 = 0
                    for k in keys { r = (r << 1) | ((gids[i] >> Int64(k)) & 1) }
                    out[i] = r
                }
                return Vector(type: .int32, count: b.count, storage: .int64(out))
            }
        case .aggregate, .window:
            throw SQLError(SQLState.internalError, "aggregate or window call left in an expression after planning")
        }
    }

    /// AND/OR with three-valued logic, evaluating each term only on undecided rows.
    private func compileConnective(_ terms: [BoundExpr], isAnd: Bool) throws -> Evaluator {
        let (evals, reads) = try connectiveTerms(terms, isAnd: isAnd)
        return { b in try ConnectiveEvaluation.evaluate(b, terms: evals, reads: reads, isAnd: isAnd) }
    }

    /// A connective's terms compiled, with the columns each reads: later terms see only the
    /// undecided rows, and gathering just the columns a term reads (not the whole batch) keeps
    /// wide scans from copying every column once per term.
    private func connectiveTerms(_ terms: [BoundExpr], isAnd: Bool) throws -> (evals: [Evaluator], reads: [Set<Int>?]) {
        let grouped = dictionaryAware ? Self.groupedBySingleColumn(terms, isAnd: isAnd) : terms
        return (try grouped.map(compile), grouped.map(columnsRead))
    }

    /// A filter's predicate compiled to the rows it keeps (TRUE, not FALSE or NULL), ascending.
    /// A conjunction selects through the rows its terms leave undecided, never building its
    /// truth vector; one that reads a single column keeps its per-dictionary-entry evaluation.
    func compileSelection(_ e: BoundExpr) throws -> RowSelector {
        if case .and(let terms) = e, !(dictionaryAware && DictionaryEvaluation.singleColumn(of: e) != nil) {
            let (evals, reads) = try connectiveTerms(terms, isAnd: true)
            return { b in try ConnectiveEvaluation.selectedRows(b, allOf: evals, reads: reads) }
        }
        let ev = try compile(e)
        return { b in ConnectiveEvaluation.selectedRows(try ev(b), count: b.count) }
    }

    /// Adjacent terms that read the same single column joined into one term (`d >= a AND
    /// d < b` becomes one), so a dictionary-encoded column answers the pair once per
    /// dictionary entry (DictionaryEvaluation) instead of once per term. Order is kept.
    static func groupedBySingleColumn(_ terms: [BoundExpr], isAnd: Bool) -> [BoundExpr] {
        var out: [BoundExpr] = []
        var run: [BoundExpr] = []
        var runColumn: Int? = nil
        func flush() {
            if run.count == 1 { out.append(run[0]) } else if run.count > 1 { out.append(isAnd ? .and(run) : .or(run)) }
            run = []
        }
        for t in terms {
            let column = DictionaryEvaluation.singleColumn(of: t)?.0
            if let column, column == runColumn {
                run.append(t)
                continue
            }
            flush()
            run = [t]
            runColumn = column
        }
        flush()
        return out
    }

    /// The batch columns an expression reads, or nil when that cannot be known from the
    /// expression alone (subqueries, aggregates, windows, GROUPING), so the caller keeps them all.
    func columnsRead(_ expr: BoundExpr) -> Set<Int>? {
        var out = Set<Int>()
        func walk(_ e: BoundExpr) -> Bool {
            switch e {
            case .column(let i, _): out.insert(i); return true
            case .subquery, .aggregate, .window, .grouping: return false
            default: return e.children.allSatisfy(walk)
            }
        }
        return walk(expr) ? out : nil
    }
}
