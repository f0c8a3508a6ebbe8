// Physical planning of mark joins: the condition's equalities between a
// left-only and a right-only expression become hash keys (as for other
// joins), the rest a residual checked on candidate pairs; an IN test's two
// sides are compiled separately, since NULLs in them make the mark NULL
// rather than just not matching.

import Columnar
import Planner

extension PhysicalPlanner {
    func buildMarkJoin(_ l: LogicalPlan, _ r: LogicalPlan, condition: BoundExpr?, test: MarkTest?) throws -> Operator {
        let nl = l.fields.count
        var leftKeys: [BoundExpr] = [], rightKeys: [BoundExpr] = [], residual: [BoundExpr] = []
        for c in condition.map(Self.markConjuncts) ?? [] {
            if case .call(let f, let args) = c, f.name == "=", args.count == 2, args[0].type == args[1].type,
               args.allSatisfy(Self.readsOnlyRow) {
                let a = args[0].referencedColumns, b = args[1].referencedColumns
                if !a.isEmpty, !b.isEmpty, a.allSatisfy({ $0 < nl }), b.allSatisfy({ $0 >= nl }) {
                    leftKeys.append(args[0]); rightKeys.append(Self.shifted(args[1], -nl)); continue
                }
                if !a.isEmpty, !b.isEmpty, b.allSatisfy({ $0 < nl }), a.allSatisfy({ $0 >= nl }) {
                    leftKeys.append(args[1]); rightKeys.append(Self.shifted(args[0], -nl)); continue
                }
            }
            residual.append(c)
        }
        let left = try build(l), right = try build(r)
        let compiler = self.compiler
        let residualExpr: BoundExpr? = residual.isEmpty ? nil : (residual.count == 1 ? residual[0] : .and(residual))
        return MarkJoinOperator(left: left, right: right,
                                leftKeys: try leftKeys.map(compiler.compile), rightKeys: try rightKeys.map(compiler.compile),
                                keyTypes: leftKeys.map(\.type), residual: try residualExpr.map(compiler.compile),
                                probe: try test.map { try compiler.compile($0.probe) }, build: try test.map { try compiler.compile($0.build) },
                                testType: test?.probe.type, rightFields: r.fields, context: context)
    }

    private static func markConjuncts(_ e: BoundExpr) -> [BoundExpr] {
        if case .and(let terms) = e { return terms.flatMap(markConjuncts) }
        return [e]
    }

    private static func shifted(_ e: BoundExpr, _ delta: Int) -> BoundExpr {
        if case .column(let i, let t) = e { return .column(i + delta, t) }
        return e.mapChildren { shifted($0, delta) }
    }

    private static func readsOnlyRow(_ e: BoundExpr) -> Bool {
        !e.contains { if case .subquery = $0 { return true }; if case .outerColumn = $0 { return true }; return false }
    }
}
