// The one classification of expressions that cannot raise an error for any
// row, shared by the optimizer's leak-proof pushdown and by policy bodies.
//
// Why policy bodies need it: a masking or row policy runs below the policy
// barrier on raw values, and leak-proof user predicates (`WHERE id = 4`) are
// pushed below it too. The executor sanitises the *message* of an error raised
// there, but not the fact that one was raised: a body such as
// `CASE WHEN is_member('x') THEN val ELSE (val::int)::text END` answers "does
// customer 4's raw value parse as an integer?" by failing or not. So policy
// bodies may use only the constructs listed here (Docs/SECURITY.md, "Policy
// bodies cannot fail"); anything else is refused with 42P17 at CREATE and,
// for bodies already stored, denies the query when it is bound.
//
// Leak-proof (PushLeakproofPredicatesThroughBarriers) is the stricter mode:
// besides not failing, the expression must not pass a value on (mask
// functions, string functions and casts to text do), because a pushed
// predicate's result is all that may come out of it.

import Columnar

public enum ErrorFreeExpressions {
    /// What the checked expression may do besides never failing.
    public enum Mode {
        /// Yield only a boolean built from comparisons (pushdown below a barrier).
        case leakproof
        /// A masking policy's body: may transform values, may call mask_hash.
        case maskingPolicy
        /// A row policy's USING: may transform values; mask_hash is not allowed (its key
        /// would let a table owner hash guesses).
        case rowPolicy
    }

    /// Functions (by bound name) that cannot fail on any value of their data arguments.
    /// `constant`: argument positions that must be row-independent (literals, casts of them,
    /// identity functions) — their errors would otherwise depend on the row — and are checked
    /// for validity once, here. Comparisons and other operators marked leak-proof in the
    /// function registry are allowed as well.
    struct ErrorFreeFunction {
        var constant: (Int) -> Bool = { _ in false }
        /// Validity of the constant arguments (values by position; nil: not constant there).
        var valid: ([Value?]) -> Bool = { _ in true }
        var maskHash = false
    }

    static let functions: [String: ErrorFreeFunction] = {
        var f: [String: ErrorFreeFunction] = [:]
        for name in ["lower", "upper", "length", "char_length", "character_length", "octet_length", "md5",
                     "concat", "concat_ws", "||", "btrim", "ltrim", "rtrim", "trim", "reverse", "initcap"] {
            f[name] = ErrorFreeFunction()
        }
        for name in ["left", "right"] { f[name] = ErrorFreeFunction(constant: { $0 >= 1 }) }
        for name in ["substr", "substring"] {
            // A negative count raises "negative substring length not allowed".
            f[name] = ErrorFreeFunction(constant: { $0 >= 1 }, valid: { args in args.count < 3 || nonNegative(args[2]) })
        }
        for name in ["mask_email", "mask_null", "mask_default", "mask_redact", "mask_year"] { f[name] = ErrorFreeFunction() }
        f["mask_hash"] = ErrorFreeFunction(maskHash: true)
        f["mask_partial"] = ErrorFreeFunction(constant: { $0 >= 1 }, valid: { args in
            args.count >= 3 && nonNegative(args[1]) && nonNegative(args[2])
        })
        f["mask_round"] = ErrorFreeFunction(constant: { $0 == 1 }, valid: { args in
            args.count == 2 && (args[1].flatMap(positive) ?? false)
        })
        for name in ["current_user", "current_role", "session_user", "user", "is_member"] {
            f[name] = ErrorFreeFunction(constant: { _ in true })
        }
        // pg_has_role is left out: it raises "role … does not exist" once a role is dropped, and
        // under a CASE on a raw value that error would again depend on the row. is_member,
        // false for an unknown role, says the same without failing.
        return f
    }()

    /// True when evaluating `e` can neither raise an error nor put a value anywhere but its
    /// boolean result (`mode: .leakproof`), or can never raise an error (policy modes).
    public static func isErrorFree(_ e: BoundExpr, mode: Mode) -> Bool {
        offendingPart(e, mode: mode) == nil
    }

    /// A short description of the first part of `e` that could raise an error (or, in
    /// leak-proof mode, pass a value on); nil when there is none.
    public static func offendingPart(_ e: BoundExpr, mode: Mode) -> String? {
        func all(_ xs: [BoundExpr]) -> String? {
            for x in xs { if let bad = offendingPart(x, mode: mode) { return bad } }
            return nil
        }
        switch e {
        case .column, .literal, .unknownLiteral, .parameter: return nil
        case .outerColumn: return mode == .leakproof ? "a reference to an outer column" : nil
        case .isNull(let x, _), .not(let x): return offendingPart(x, mode: mode)
        case .and(let xs), .or(let xs): return all(xs)
        case .inList(let x, let items, let eq, _):
            return eq.resolution.isLeakproof ? all([x] + items) : "the comparison \(eq.name) in an IN list"
        case .cast(let x, let t, _):
            if isWidening(from: x.type, to: t) { return offendingPart(x, mode: mode) }
            // Every value has a text form; converting to it cannot fail, but it passes the value on.
            if mode != .leakproof, t == .text || t == .varchar(nil), x.type != .null { return offendingPart(x, mode: mode) }
            if mode != .leakproof, x.type == .null { return nil }
            return "the cast from \(x.type) to \(t)"
        case .call(let f, let args):
            if f.resolution.isLeakproof { return all(args) }
            guard mode != .leakproof, let known = functions[f.name] else { return "the function \(f.name)" }
            if known.maskHash && mode != .maskingPolicy { return "mask_hash (allowed only in masking policies)" }
            if f.name == "||", f.resolution.returnType != .text { return "the operator || on \(f.resolution.returnType)" }
            var constants: [Value?] = Array(repeating: nil, count: args.count)
            for (i, a) in args.enumerated() {
                if known.constant(i) {
                    guard isRowIndependent(a), let v = try? ConstantEvaluator.evaluate(a) else {
                        return "argument \(i + 1) of \(f.name), which must be a constant"
                    }
                    constants[i] = v
                } else if let bad = offendingPart(a, mode: mode) {
                    return bad
                }
            }
            return known.valid(constants) ? nil : "the constant arguments of \(f.name), which make it fail"
        case .caseWhen(let whens, let otherwise, _):
            guard mode != .leakproof else { return "a CASE expression" }
            return all(whens.flatMap { [$0.0, $0.1] } + (otherwise.map { [$0] } ?? []))
        case .coalesce(let xs, _):
            return mode == .leakproof ? "COALESCE" : all(xs)
        case .subquery(let s, _):
            guard mode != .leakproof else { return "a subquery" }
            switch s.kind {
            case .exists: break
            case .inList(let x, _): if let bad = offendingPart(x, mode: mode) { return bad }
            default: return "a scalar or quantified subquery (it fails on more than one row)"
            }
            return offendingPart(s.plan, mode: mode)
        case .aggregate: return "an aggregate"
        case .window: return "a window function"
        case .grouping: return "GROUPING"
        }
    }

    /// The first part of a subquery's plan that could fail. Relations read through their own
    /// policy barrier were checked when that barrier was built; the rest must be plain
    /// scans, filters, projections and joins over error-free expressions.
    public static func offendingPart(_ plan: LogicalPlan, mode: Mode) -> String? {
        var exprs: [BoundExpr] = []
        switch plan {
        case .scan, .barrier, .workTable: return nil
        case .cteScan(let cte): return offendingPart(cte.executablePlan, mode: mode)
        case .filter(_, let p): exprs = [p]
        case .project(_, let xs, _): exprs = xs
        case .values(let rows, _): exprs = rows.flatMap { $0 }
        case .join(_, _, _, let c), .dependentJoin(_, _, _, let c, _), .markJoin(_, _, let c, _): exprs = c.map { [$0] } ?? []
        case .distinct, .limit: break
        default: return "a subquery whose plan is not a plain selection"
        }
        for e in exprs { if let bad = offendingPart(e, mode: mode) { return bad } }
        for input in plan.inputs { if let bad = offendingPart(input, mode: mode) { return bad } }
        return nil
    }

    /// The error refusing a policy body that could fail (`part` from offendingPart). 42P17
    /// (invalid_object_definition), as PostgreSQL reports other expressions a definition may
    /// not contain (for example a mutable function in an index expression).
    public static func refusal(_ part: String) -> SQLError {
        SQLError("42P17", "policy bodies may not contain \(part)",
                 detail: "An expression that can fail on some values would reveal, by failing or not, something about a raw value.",
                 hint: "Use comparisons, CASE, COALESCE, the mask_* functions and the string functions listed in Docs/SECURITY.md (\"Policy bodies cannot fail\").")
    }

    /// Same value for every row: no column reads, subqueries or volatile calls.
    static func isRowIndependent(_ e: BoundExpr) -> Bool {
        switch e {
        case .literal, .unknownLiteral: return true
        case .cast(let x, _, _): return isRowIndependent(x)
        case .call(let f, let args): return !f.resolution.isVolatile && args.allSatisfy(isRowIndependent)
        default: return false
        }
    }

    static func nonNegative(_ v: Value?) -> Bool {
        if case .int(let i)? = v { return i >= 0 }
        return false
    }

    static func positive(_ v: Value) -> Bool {
        switch v {
        case .int(let i): return i > 0
        case .double(let d): return d > 0 && d.isFinite
        case .decimal(let d): return d > 0
        default: return false
        }
    }

    /// Conversions that cannot fail for any value.
    public static func isWidening(from: DataType, to: DataType) -> Bool {
        switch (from, to) {
        case (.int16, .int32), (.int16, .int64), (.int32, .int64), (.float32, .float64),
             (.int16, .float64), (.int32, .float64), (.int64, .float64), (.int16, .float32), (.int32, .float32),
             (.varchar, .text), (.char, .text), (.text, .varchar(nil)):
            return true
        case (.int16, .decimal(let p, let s)): return p - s >= 5
        case (.int32, .decimal(let p, let s)): return p - s >= 10
        case (.int64, .decimal(let p, let s)): return p - s >= 19
        case (.decimal(let p1, let s1), .decimal(let p2, let s2)): return s2 >= s1 && p2 - s2 >= p1 - s1
        default: return false
        }
    }
}
