// Evaluates constant bound expressions at bind time (LIMIT values, table
// function arguments, literal casts) by running their kernels on one-row
// vectors. Also used by the constant-folding optimizer rule.

import Columnar
import Functions

public enum ConstantEvaluator {
    /// The value of a constant expression, or nil when it reads columns, parameters or subqueries.
    public static func evaluate(_ e: BoundExpr, context: FunctionContext = FunctionContext()) throws -> Value? {
        guard e.isConstant else { return nil }
        guard let v = try vector(e, context) else { return nil }
        return v.value(at: 0)
    }

    /// Replaces a constant expression by a literal; leaves others unchanged.
    public static func fold(_ e: BoundExpr, context: FunctionContext = FunctionContext()) throws -> BoundExpr {
        if case .literal = e { return e }
        guard e.isConstant, let v = try vector(e, context) else { return e }
        return .literal(v.value(at: 0), e.type)
    }

    private static func vector(_ e: BoundExpr, _ ctx: FunctionContext) throws -> Vector? {
        switch e {
        case .literal(let v, let t): return .constant(v, type: t, count: 1)
        case .unknownLiteral(let s): return .constant(.string(s), type: .text, count: 1)
        case .call(let f, let args):
            var vs: [Vector] = []
            for a in args { guard let v = try vector(a, ctx) else { return nil }; vs.append(v) }
            return try f.resolution.kernel(vs, 1, ctx)
        case .cast(let x, _, let kernel):
            guard let v = try vector(x, ctx) else { return nil }
            return try kernel([v], 1, ctx)
        case .not(let x):
            guard let v = try vector(x, ctx) else { return nil }
            let value = v.value(at: 0)
            if case .bool(let b) = value { return .constant(.bool(!b), type: .boolean, count: 1) }
            return .constant(.null, type: .boolean, count: 1)
        case .isNull(let x, let negated):
            guard let v = try vector(x, ctx) else { return nil }
            return .constant(.bool(v.isNull(0) != negated), type: .boolean, count: 1)
        case .coalesce(let args, let t):
            for a in args {
                guard let v = try vector(a, ctx) else { return nil }
                if !v.isNull(0) { return v }
            }
            return .constant(.null, type: t, count: 1)
        default:
            return nil
        }
    }
}
