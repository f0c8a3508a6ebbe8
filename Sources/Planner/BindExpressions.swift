// Binding of expressions: column references through scopes (with
// correlation), literals with PostgreSQL's literal typing, operators and
// functions resolved through the function registry, implicit and explicit
// coercion, CASE/COALESCE/NULLIF, IN/BETWEEN/LIKE/IS forms, subqueries, and
// aggregate and window calls (left as placeholders for BindSelect).

import Columnar
import Functions
import SQLSyntax

struct ExprContext {
    var allowAggregates = false
    var allowWindows = false
    var inAggregate = false
    var windowDefinitions: [String: WindowSpec] = [:]
    static let plain = ExprContext()
}

private let windowOnlyFunctions: Set<String> = [
    "row_number", "rank", "dense_rank", "percent_rank", "cume_dist", "ntile",
    "lag", "lead", "first_value", "last_value", "nth_value",
]

extension Binder {
    func bindExpr(_ e: Expr, _ scope: Scope, _ ctx: ExprContext) throws -> BoundExpr {
        let loc = e.location
        switch e.kind {
        case .column(let parts):
            // QUALIFY may name a select-list alias (as DuckDB allows) where no input column has that name.
            if parts.count == 1, let alias = selectAliases?[parts[0]], (try? scope.resolve(parts, location: loc)) == nil {
                return alias
            }
            switch try scope.resolve(parts, location: loc) {
            case .local(let entry): return .column(entry.index, entry.type)
            case .outer(let level, let entry):
                minReferencedLevel = min(minReferencedLevel, level)
                return .outerColumn(level: level, index: entry.index, entry.type)
            }

        case .literal(let lit):
            return try bindLiteral(lit, location: loc)

        case .parameter(let n):
            if let v = parameterValues[n], let t = parameterTypes[n] { return .literal(v, t) }
            if n < 1 || (parametersMustHaveValues && parameterValues[n] == nil) {
                throw SQLError(SQLState.undefinedParameter, "there is no parameter $\(n)", position: loc + 1)
            }
            referencedParameters.insert(n)
            return .parameter(n, parameterTypes[n] ?? .text)

        case .unary(let op, let operand):
            switch op {
            case .not:
                return .not(try coerceBoolean(try bindExpr(operand, scope, ctx), clause: "NOT", location: operand.location))
            case .plus:
                // Prefix + is an operator like any other: +true is an error, as in PostgreSQL.
                let bound = try bindExpr(operand, scope, ctx)
                if case .literal(_, let t) = bound, t.isNumeric { return bound }
                return try bindOperator("+", [bound], location: loc)
            case .minus:
                if case .literal(.integer(let digits)) = operand.kind { return try bindLiteral(.integer(negated(digits)), location: loc) }
                if case .literal(.decimal(let text)) = operand.kind { return try bindLiteral(.decimal(negated(text)), location: loc) }
                return try bindOperator("neg", [try bindExpr(operand, scope, ctx)], location: loc)
            case .bitNot:
                return try bindOperator("bitnot", [try bindExpr(operand, scope, ctx)], location: loc)
            case .abs:
                return try bindFunctionByName("abs", [try bindExpr(operand, scope, ctx)], location: loc)
            }

        case .binary(let op, let l, let r):
            switch op {
            case .and, .or:
                var terms: [BoundExpr] = []
                func flatten(_ x: Expr) throws {
                    if case .binary(let o, let a, let b) = x.kind, o == op { try flatten(a); try flatten(b); return }
                    terms.append(try coerceBoolean(try bindExpr(x, scope, ctx), clause: op.rawValue, location: x.location))
                }
                try flatten(l); try flatten(r)
                return op == .and ? .and(terms) : .or(terms)
            default:
                if case .row(let ls) = l.kind, case .row(let rs) = r.kind {
                    return try bindRowComparison(op.rawValue, try ls.map { try bindExpr($0, scope, ctx) },
                                                 try rs.map { try bindExpr($0, scope, ctx) }, location: loc)
                }
                return try bindOperator(op.rawValue, [try bindExpr(l, scope, ctx), try bindExpr(r, scope, ctx)], location: loc)
            }

        case .customOperator(let op, let l, let r):
            var args: [BoundExpr] = []
            if let l { args.append(try bindExpr(l, scope, ctx)) }
            args.append(try bindExpr(r, scope, ctx))
            return try bindOperator(op, args, location: loc)

        case .function(let call):
            return try bindFunctionCall(call, scope, ctx, location: loc)

        case .cast(let inner, let typeName):
            if let catalogCast = try bindCatalogCast(inner, typeName, scope, ctx, location: loc) { return catalogCast }
            let target = try TypeNames.resolve(typeName, location: loc)
            return try coerce(try bindExpr(inner, scope, ctx), to: target, explicit: true, location: loc)

        case .caseWhen(let operand, let whens, let elseResult):
            var conditions: [BoundExpr] = []
            let boundOperand = try operand.map { try bindExpr($0, scope, ctx) }
            for w in whens {
                if let boundOperand {
                    conditions.append(try bindOperator("=", [boundOperand, try bindExpr(w.condition, scope, ctx)], location: w.condition.location))
                } else {
                    conditions.append(try coerceBoolean(try bindExpr(w.condition, scope, ctx), clause: "CASE/WHEN", location: w.condition.location))
                }
            }
            var results = try whens.map { try bindExpr($0.result, scope, ctx) }
            let elseBound = try elseResult.map { try bindExpr($0, scope, ctx) }
            if let elseBound { results.append(elseBound) }
            let type = try commonType(results, what: "CASE", location: loc)
            let cast = try results.map { try coerce($0, to: type, explicit: false, location: loc) }
            let pairs = Array(zip(conditions, cast.prefix(whens.count)))
            return .caseWhen(pairs, elseResult: elseBound == nil ? nil : cast.last, type)

        case .between(let x, let low, let high, let negated, let symmetric):
            let bx = try bindExpr(x, scope, ctx), bl = try bindExpr(low, scope, ctx), bh = try bindExpr(high, scope, ctx)
            var result = BoundExpr.and([try bindOperator(">=", [bx, bl], location: loc), try bindOperator("<=", [bx, bh], location: loc)])
            if symmetric {
                result = .or([result, .and([try bindOperator(">=", [bx, bh], location: loc), try bindOperator("<=", [bx, bl], location: loc)])])
            }
            return negated ? .not(result) : result

        case .inList(let x, let list, let negated):
            if case .row(let items) = x.kind {
                let probes = try items.map { try bindExpr($0, scope, ctx) }
                var terms: [BoundExpr] = []
                for candidate in list {
                    guard case .row(let values) = candidate.kind else {
                        throw SQLError(SQLState.syntaxError, "IN list of rows must hold only row constructors", position: candidate.location + 1)
                    }
                    terms.append(try bindRowComparison("=", probes, try values.map { try bindExpr($0, scope, ctx) }, location: loc))
                }
                let any = BoundExpr.or(terms)
                return negated ? .not(any) : any
            }
            let bx = try bindExpr(x, scope, ctx)
            let items = try list.map { try bindExpr($0, scope, ctx) }
            let type = try commonType([bx] + items, what: "IN", location: loc)
            let cx = try coerce(bx, to: type, explicit: false, location: loc)
            let citems = try items.map { try coerce($0, to: type, explicit: false, location: loc) }
            guard case .call(let eq, _) = try bindOperator("=", [cx, cx], location: loc) else {
                throw SQLError(SQLState.undefinedFunction, "operator does not exist: \(type) = \(type)", position: loc + 1)
            }
            return .inList(cx, citems, equals: eq, negated: negated)

        case .inSubquery(let x, let query, let negated):
            if case .row(let items) = x.kind {
                let r = try bindRowQuantified(items, "=", all: false, query, scope, ctx, location: loc)
                return negated ? .not(r) : r
            }
            let bx = try bindExpr(x, scope, ctx)
            let (sub, correlated) = try bindSubqueryPlan(query, scope)
            guard sub.plan.fields.count == 1 else {
                throw SQLError(SQLState.syntaxError, "subquery has too many columns", position: loc + 1)
            }
            let (lt, ut) = (bx.type, literalAwareType(sub.plan, 0))
            guard let type = Coercion.commonType([lt, ut.type], unknownLiterals: [isUnknown(bx), ut.unknown]) else {
                throw SQLError(SQLState.undefinedFunction, "operator does not exist: \(lt) = \(ut.type)", position: loc + 1)
            }
            let plan = try castPlan(sub.plan, to: [type])
            let cx = try coerce(bx, to: type, explicit: false, location: loc)
            return .subquery(BoundSubquery(plan: plan, kind: .inList(cx, negated: negated), isCorrelated: correlated, level: scope.level), .boolean)

        case .like(let x, let pattern, let escape, let negated, let caseInsensitive):
            let bx = try bindExpr(x, scope, ctx), bp = try bindExpr(pattern, scope, ctx)
            let op = (negated ? "!" : "") + (caseInsensitive ? "~~*" : "~~")
            if let escape {
                return try bindOperator(op, [bx, bp, try bindExpr(escape, scope, ctx)], location: loc)
            }
            return try bindOperator(op, [bx, bp], location: loc)

        case .similarTo(let x, let pattern, let escape, let negated):
            var args = [try bindExpr(x, scope, ctx), try bindExpr(pattern, scope, ctx)]
            if let escape { args.append(try bindExpr(escape, scope, ctx)) }
            let r = try bindFunctionByName("similar_to", args, location: loc)
            return negated ? .not(r) : r

        case .isNull(let x, let negated):
            return .isNull(try bindExpr(x, scope, ctx), negated: negated)

        case .isBoolean(let x, let test, let negated):
            let b = try coerceBoolean(try bindExpr(x, scope, ctx), clause: "IS", location: loc)
            let r: BoundExpr
            switch test {
            case .isTrue: r = .and([.isNull(b, negated: true), b])
            case .isFalse: r = .and([.isNull(b, negated: true), .not(b)])
            case .isUnknown: r = .isNull(b, negated: false)
            }
            return negated ? .not(r) : r

        case .isDistinctFrom(let a, let b, let negated):
            return try bindOperator(negated ? "is_not_distinct_from" : "is_distinct_from",
                                    [try bindExpr(a, scope, ctx), try bindExpr(b, scope, ctx)], location: loc)

        case .exists(let query):
            let (sub, correlated) = try bindSubqueryPlan(query, scope)
            return .subquery(BoundSubquery(plan: sub.plan, kind: .exists, isCorrelated: correlated, level: scope.level), .boolean)

        case .subquery(let query):
            let (sub, correlated) = try bindSubqueryPlan(query, scope)
            guard sub.plan.fields.count == 1 else {
                throw SQLError(SQLState.syntaxError, "subquery must return only one column", position: loc + 1)
            }
            var plan = sub.plan
            var type = plan.fields[0].type
            if type == .null { type = .text; plan = try castPlan(plan, to: [.text]) }
            return .subquery(BoundSubquery(plan: plan, kind: .scalar, isCorrelated: correlated, level: scope.level), type)

        case .quantifiedSubquery(let x, let op, let quantifier, let query):
            if case .row(let items) = x.kind {
                return try bindRowQuantified(items, op.rawValue, all: quantifier == .all, query, scope, ctx, location: loc)
            }
            let bx = try bindExpr(x, scope, ctx)
            let (sub, correlated) = try bindSubqueryPlan(query, scope)
            guard sub.plan.fields.count == 1 else {
                throw SQLError(SQLState.syntaxError, "subquery has too many columns", position: loc + 1)
            }
            let probe = BoundExpr.column(0, sub.plan.fields[0].type)
            guard case .call(let fn, let args) = try bindOperator(op.rawValue, [bx, probe], location: loc) else {
                throw SQLError(SQLState.undefinedFunction, "operator does not exist", position: loc + 1)
            }
            let plan = try castPlan(sub.plan, to: [fn.resolution.argumentTypes[1]])
            return .subquery(BoundSubquery(plan: plan, kind: .quantified(args[0], fn, all: quantifier == .all),
                                           isCorrelated: correlated, level: scope.level), .boolean)

        case .quantifiedArray(let x, let op, let quantifier, let array):
            guard case .array(let elements) = array.kind else {
                return try bindQuantifiedArrayExpression(x, op, all: quantifier == .all, array, scope, ctx, location: loc)
            }
            let bx = try bindExpr(x, scope, ctx)
            if elements.isEmpty { return .literal(.bool(quantifier == .all), .boolean) }
            if op == .equal && quantifier == .any {
                return try bindExpr(Expr(.inList(x, elements, negated: false), location: loc), scope, ctx)
            }
            let terms = try elements.map { try bindOperator(op.rawValue, [bx, try bindExpr($0, scope, ctx)], location: loc) }
            return quantifier == .all ? .and(terms) : .or(terms)

        case .atTimeZone(let x, let zone):
            return try bindFunctionByName("timezone", [try bindExpr(zone, scope, ctx), try bindExpr(x, scope, ctx)], location: loc)

        case .collate(let x, _):
            return try bindExpr(x, scope, ctx)

        case .defaultValue:
            throw SQLError(SQLState.syntaxError, "DEFAULT is not allowed in this context", position: loc + 1)

        case .array(let elements):
            return try bindArrayConstructor(elements, scope, ctx, location: loc)

        case .arraySubscript(let base, let index, _, let isSlice):
            return try bindArraySubscript(base, index: index, isSlice: isSlice, scope, ctx, location: loc)

        case .arraySubquery(let query):
            return try bindExpr(Expr(.subquery(try rewriteArraySubquery(query, location: loc)), location: loc), scope, ctx)

        case .fieldSelection(let base, let field):
            return try bindRecordField(base, field, scope, ctx, location: loc)

        case .row:
            throw SQLError(SQLState.featureNotSupported, "this expression form (arrays, rows, field selection) is not implemented yet", position: loc + 1)
        }
    }

    /// Row-wise comparison with PostgreSQL's semantics: `=` and `<>` over all pairs;
    /// ordering operators decided by the first pair that is not equal.
    func bindRowComparison(_ op: String, _ l: [BoundExpr], _ r: [BoundExpr], location: Int) throws -> BoundExpr {
        guard l.count == r.count else {
            throw SQLError(SQLState.syntaxError, "unequal number of entries in row expressions", position: location + 1)
        }
        guard !l.isEmpty else { throw SQLError(SQLState.featureNotSupported, "cannot compare rows of zero length", position: location + 1) }
        switch op {
        case "=":
            return .and(try zip(l, r).map { try bindOperator("=", [$0, $1], location: location) })
        case "<>":
            return .not(.and(try zip(l, r).map { try bindOperator("=", [$0, $1], location: location) }))
        case "<", "<=", ">", ">=":
            let strict = op == "<" || op == ">"
            var result = BoundExpr.literal(.bool(!strict), .boolean)
            for i in stride(from: l.count - 1, through: 0, by: -1) {
                let eq = try bindOperator("=", [l[i], r[i]], location: location)
                let cmp = try bindOperator(String(op.prefix(1)), [l[i], r[i]], location: location)
                result = i == l.count - 1 && !strict
                    ? try bindOperator(op, [l[i], r[i]], location: location)
                    : .caseWhen([(eq, result)], elseResult: cmp, .boolean)
            }
            return result
        default:
            throw SQLError(SQLState.featureNotSupported, "operator \(op) is not supported for row comparisons", position: location + 1)
        }
    }

    /// (a, b) op ANY/ALL (SELECT x, y …) and (a, b) IN (SELECT …).
    func bindRowQuantified(_ items: [Expr], _ op: String, all: Bool, _ query: Query, _ scope: Scope, _ ctx: ExprContext, location: Int) throws -> BoundExpr {
        let probes = try items.map { try bindExpr($0, scope, ctx) }
        let (sub, correlated) = try bindSubqueryPlan(query, scope)
        let fields = sub.plan.fields
        guard fields.count == probes.count else {
            throw SQLError(SQLState.syntaxError, fields.count > probes.count ? "subquery has too many columns" : "subquery has too few columns", position: location + 1)
        }
        let n = probes.count
        let left = probes.enumerated().map { BoundExpr.column($0, $1.type) }
        let right = fields.enumerated().map { BoundExpr.column(n + $0, $1.type) }
        let comparison = try bindRowComparison(op, left, right, location: location)
        return .subquery(BoundSubquery(plan: sub.plan, kind: .rowQuantified(probes, comparison: comparison, all: all),
                                       isCorrelated: correlated, level: scope.level), .boolean)
    }

    /// The literal text with its sign flipped ("-96" for "96", "96" for "-96").
    private func negated(_ digits: String) -> String {
        digits.hasPrefix("-") ? String(digits.dropFirst()) : "-" + digits
    }

    func isUnknown(_ e: BoundExpr) -> Bool {
        if case .unknownLiteral = e { return true }
        if case .literal(.null, .null) = e { return true }
        // A $n whose type nobody gave yet is resolved from context like an untyped literal.
        if case .parameter(let n, _) = e, parameterTypes[n] == nil { return true }
        return false
    }

    /// Binds a subquery one level deeper and reports whether it references enclosing queries.
    func bindSubqueryPlan(_ query: Query, _ scope: Scope) throws -> (BoundQuery, Bool) {
        let saved = minReferencedLevel
        minReferencedLevel = Int.max
        let sub = try bindQuery(query, outer: scope)
        let correlated = minReferencedLevel <= scope.level
        minReferencedLevel = min(saved, minReferencedLevel)
        return (sub, correlated)
    }

    // MARK: Literals

    func bindLiteral(_ lit: Literal, location: Int) throws -> BoundExpr {
        switch lit {
        case .null: return .literal(.null, .null)
        case .boolean(let b): return .literal(.bool(b), .boolean)
        case .string(let s): return .unknownLiteral(s)
        case .integer(let digits):
            if let v = Int64(digits) {
                return Int32(exactly: v) != nil ? .literal(.int(v), .int32) : .literal(.int(v), .int64)
            }
            return try bindLiteral(.decimal(digits), location: location)
        case .decimal(let text):
            if let (mantissa, scale) = DecimalText.parse(text) {
                let digits = String(mantissa.magnitude).count
                let precision = max(digits, scale + 1, 1)
                if precision <= DataType.maxDecimalPrecision {
                    return .literal(.decimal(mantissa), .decimal(precision: precision, scale: scale))
                }
            }
            guard let d = Double(text) else {
                throw SQLError(SQLState.invalidTextRepresentation, "invalid numeric literal \"\(text)\"", position: location + 1)
            }
            return .literal(.double(d), .float64)
        case .typed(let typeName, let text):
            let t = try TypeNames.resolve(typeName, location: location)
            return try coerce(.unknownLiteral(text), to: t, explicit: true, location: location)
        case .interval(let text, let qualifier):
            var spelled = text
            if let q = qualifier, let unit = q.split(separator: " ").first, Double(text.trimmedWhitespace) != nil {
                spelled = text + " " + unit
            }
            return try coerce(.unknownLiteral(spelled), to: .interval, explicit: true, location: location)
        }
    }

    // MARK: Coercion

    /// Converts `e` to `target`: untyped literals are parsed now, constants folded, other values cast.
    func coerce(_ e: BoundExpr, to target0: DataType, explicit: Bool, location: Int) throws -> BoundExpr {
        var target = target0
        // numeric[] without precision: the elements take the scale the source's elements need.
        if target == .array(TypeNames.unconstrainedNumeric) {
            switch e.type {
            case .array(.decimal(let p, let sc)): target = .array(.decimal(precision: p, scale: sc))
            case .array(.int16), .array(.int32), .array(.int64): target = .array(.decimal(precision: 38, scale: 0))
            case .array(.float32), .array(.float64): target = .array(.decimal(precision: 38, scale: 16))
            default:
                var scale = 0
                if case .unknownLiteral(let s) = e, case .list(let items)? = try? ValueText.parse(s, as: .array(.text)) {
                    for case .string(let item) in items {
                        guard let (_, sc) = DecimalText.parse(item.trimmedWhitespace) else { scale = 10; break }
                        scale = max(scale, sc)
                    }
                } else {
                    scale = 10
                }
                target = .array(.decimal(precision: 38, scale: scale))
            }
        }
        if target == TypeNames.unconstrainedNumeric {
            switch e.type {
            case .decimal: return e
            case .int16, .int32, .int64: target = .decimal(precision: 38, scale: 0)
            case .float32, .float64: target = .decimal(precision: 38, scale: 16)
            default:
                if case .unknownLiteral(let s) = e, let (_, scale) = DecimalText.parse(s.trimmedWhitespace) {
                    target = .decimal(precision: 38, scale: scale)
                } else {
                    target = .decimal(precision: 38, scale: 10)
                }
            }
        }
        if e.type == target, !isUnknown(e) { return e }
        switch e {
        case .unknownLiteral(let s):
            if target.isString {
                return try foldCast(.literal(.string(s), target), original: e, to: target, explicit: explicit, location: location)
            }
            if target == .json, let v = try? ValueText.parse(s, as: .json) { return .literal(v, .json) }
            do {
                let v = try ValueText.parse(s, as: target, options: TextFormatOptions(timeZoneOffsetSeconds: timeZoneOffsetSeconds))
                return try foldCast(.literal(v, target == .text ? .text : target), original: .literal(.string(s), .text), to: target, explicit: explicit, location: location)
            } catch var error as SQLError {
                if error.position == nil { error.position = location + 1 }
                throw error
            }
        case .literal(.null, _):
            return .literal(.null, target)
        case .parameter(let n, _) where parameterTypes[n] == nil:
            parameterTypes[n] = target
            return .parameter(n, target)
        default:
            break
        }
        guard let kernel = Cast.kernel(from: e.type, to: target, explicit: explicit) else {
            if !explicit && Cast.kernel(from: e.type, to: target, explicit: true) != nil {
                throw SQLError(SQLState.datatypeMismatch, "cannot implicitly convert type \(e.type) to \(target)", position: location + 1,
                               hint: "You will need to rewrite or cast the expression.")
            }
            throw SQLError(SQLState.cannotCoerce, "cannot cast type \(e.type) to \(target)", position: location + 1)
        }
        let cast = BoundExpr.cast(e, target, kernel)
        if case .literal = e { return try ConstantEvaluator.fold(cast, context: foldingContext) }
        return cast
    }

    /// Typed values parsed from text already have the target type; types whose
    /// text form needs the target's modifiers (varchar(n), numeric(p,s)) are checked by a cast.
    private func foldCast(_ parsed: BoundExpr, original: BoundExpr, to target: DataType, explicit: Bool, location: Int) throws -> BoundExpr {
        switch target {
        case .varchar(let n?):
            if case .literal(.string(let s), _) = parsed, s.count > n {
                // Assignment may drop excess trailing spaces only (SQL standard); a cast truncates.
                if !explicit && s.dropFirst(n).contains(where: { $0 != " " }) {
                    throw SQLError(SQLState.stringDataRightTruncation, "value too long for type character varying(\(n))", position: location + 1)
                }
                return .literal(.string(String(s.prefix(n))), target)
            }
            return parsed
        case .char(let n):
            if case .literal(.string(let s), _) = parsed {
                if !explicit && s.count > n && s.dropFirst(n).contains(where: { $0 != " " }) {
                    throw SQLError(SQLState.stringDataRightTruncation, "value too long for type character(\(n))", position: location + 1)
                }
                let trimmed = String(s.prefix(n))
                return .literal(.string(trimmed.count < n ? trimmed + String(repeating: " ", count: n - trimmed.count) : trimmed), target)
            }
            return parsed
        default:
            return parsed
        }
    }

    func coerceBoolean(_ e: BoundExpr, clause: String, location: Int) throws -> BoundExpr {
        if e.type == .boolean { return e }
        if isUnknown(e) || e.type == .null { return try coerce(e, to: .boolean, explicit: false, location: location) }
        if case .parameter(let n, _) = e, parameterTypes[n] == nil { return try coerce(e, to: .boolean, explicit: false, location: location) }
        throw SQLError(SQLState.datatypeMismatch, "argument of \(clause) must be type boolean, not type \(e.type)", position: location + 1)
    }

    func commonType(_ exprs: [BoundExpr], what: String, location: Int) throws -> DataType {
        let unknown = exprs.map(isUnknown)
        guard let t = Coercion.commonType(exprs.map(\.type), unknownLiterals: unknown) else {
            let types = exprs.map(\.type).filter { $0 != .null }
            throw SQLError(SQLState.datatypeMismatch, "\(what) types \(types.map(\.description).joined(separator: " and ")) cannot be matched", position: location + 1)
        }
        return t == .null ? .text : t
    }

    // MARK: Operators and functions

    /// Argument types as the registry sees them: untyped NULLs take a sibling's type.
    private func resolutionTypes(_ args: [BoundExpr]) -> ([DataType], [Bool]) {
        let known = args.first(where: { !isUnknown($0) && $0.type != .null })?.type ?? .text
        let types = args.map { $0.type == .null ? known : $0.type }
        let unknown = args.map(isUnknown)
        return (types, unknown)
    }

    func bindOperator(_ op: String, _ args: [BoundExpr], location: Int) throws -> BoundExpr {
        let (types, unknown) = resolutionTypes(args)
        guard let fn = registry.scalar(op), let res = try fn.resolve(types, unknown) else {
            let shown = args.count == 1 ? "\(op) \(types[0])" : "\(types[0]) \(op) \(types[1])"
            + (args.count > 2 ? " ESCAPE \(types[2])" : "")
            throw SQLError(SQLState.undefinedFunction, "operator does not exist: \(shown)", position: location + 1,
                           hint: "No operator matches the given name and argument types. You might need to add explicit type casts.")
        }
        return .call(BoundFunction(name: op, resolution: res), try castArguments(args, res.argumentTypes, location: location))
    }

    func castArguments(_ args: [BoundExpr], _ types: [DataType], location: Int) throws -> [BoundExpr] {
        try args.enumerated().map { i, a in
            let t = i < types.count ? types[i] : (types.last ?? a.type)
            return try coerce(a, to: t, explicit: false, location: location)
        }
    }

    func bindFunctionByName(_ name: String, _ args: [BoundExpr], location: Int) throws -> BoundExpr {
        try checkFunctionUse(name, location: location)
        let (types, unknown) = resolutionTypes(args)
        guard let fn = registry.scalar(name) else {
            throw SQLError(SQLState.undefinedFunction, "function \(name)(\(types.map(\.description).joined(separator: ", "))) does not exist",
                           position: location + 1, hint: "No function matches the given name and argument types. You might need to add explicit type casts.")
        }
        // round(numeric, 2) and extract(year from x): the result type depends on a constant argument.
        let constants: [Value?] = args.map {
            if case .literal(let v, _) = $0 { return v }
            if case .unknownLiteral(let s) = $0 { return .string(s) }
            return nil
        }
        if let refined = try ConstantArgumentResolution.resolve(name: name, argumentTypes: types, unknownLiterals: unknown, constants: constants) {
            return .call(BoundFunction(name: name, resolution: refined), try castArguments(args, refined.argumentTypes, location: location))
        }
        guard let res = try fn.resolve(types, unknown) else {
            throw SQLError(SQLState.undefinedFunction, "function \(name)(\(types.map(\.description).joined(separator: ", "))) does not exist",
                           position: location + 1, hint: "No function matches the given name and argument types. You might need to add explicit type casts.")
        }
        return .call(BoundFunction(name: name, resolution: res), try castArguments(args, res.argumentTypes, location: location))
    }

    func bindFunctionCall(_ call: FunctionCall, _ scope: Scope, _ ctx: ExprContext, location: Int) throws -> BoundExpr {
        let name = call.name.last ?? ""
        if call.over != nil { return try bindWindowCall(call, name: name, scope, ctx, location: location) }
        if windowOnlyFunctions.contains(name) {
            throw SQLError(SQLState.windowingError, "window function \(name) requires an OVER clause", position: location + 1)
        }
        if call.isStar && name != "count" {
            throw SQLError(SQLState.wrongObjectType, "\(name)(*) must be used to call a parameterless aggregate function", position: location + 1)
        }
        if call.isStar || registry.aggregate(name) != nil {
            return try bindAggregateCall(call, name: name, scope, ctx, location: location)
        }
        if call.distinct || !call.orderBy.isEmpty || call.filter != nil || !call.withinGroup.isEmpty {
            throw SQLError(SQLState.wrongObjectType, "\(call.distinct ? "DISTINCT" : call.filter != nil ? "FILTER" : "ORDER BY") specified, but \(name) is not an aggregate function", position: location + 1)
        }
        let args = try call.arguments.map { try bindExpr($0.value, scope, ctx) }
        switch name {
        case "coalesce":
            guard !args.isEmpty else { throw SQLError(SQLState.syntaxError, "COALESCE needs arguments", position: location + 1) }
            let t = try commonType(args, what: "COALESCE", location: location)
            return .coalesce(try args.map { try coerce($0, to: t, explicit: false, location: location) }, t)
        case "nullif":
            guard args.count == 2 else { throw SQLError(SQLState.syntaxError, "NULLIF takes two arguments", position: location + 1) }
            let eq = try bindOperator("=", args, location: location)
            guard case .call(_, let cast) = eq else { return eq }
            let first = args[0].type == .null || isUnknown(args[0]) ? cast[0] : args[0]
            return .caseWhen([(eq, .literal(.null, first.type))], elseResult: first, first.type)
        case "grouping":
            guard ctx.allowAggregates else {
                throw SQLError(SQLState.groupingError, "grouping operations are not allowed here", position: location + 1)
            }
            let res = ScalarResolution(argumentTypes: args.map(\.type), returnType: .int32) { _, n, _ in .constant(.int(0), type: .int32, count: n) }
            return .call(BoundFunction(name: "grouping", resolution: res), args)
        default:
            return try bindFunctionByName(name, args, location: location)
        }
    }

    func bindSortKeys(_ items: [OrderItem], _ scope: Scope, _ ctx: ExprContext) throws -> [SortKey] {
        try items.map { SortKey(expr: try bindExpr($0.expr, scope, ctx), ascending: $0.ascending, nullsFirst: $0.nullsFirst ?? !$0.ascending) }
    }

    /// `asWindow`: the aggregate of a window function, whose arguments may themselves
    /// hold (GROUP BY) aggregates, as in `sum(sum(x)) OVER ()`.
    func bindAggregateCall(_ call: FunctionCall, name: String, _ scope: Scope, _ ctx: ExprContext, location: Int,
                           asWindow: Bool = false) throws -> BoundExpr {
        if ctx.inAggregate {
            throw SQLError(SQLState.groupingError, "aggregate function calls cannot be nested", position: location + 1)
        }
        guard ctx.allowAggregates else {
            throw SQLError(SQLState.groupingError, "aggregate functions are not allowed here", position: location + 1)
        }
        var inner = asWindow ? ExprContext(allowAggregates: true, allowWindows: false, inAggregate: false)
                             : ExprContext(allowAggregates: false, allowWindows: false, inAggregate: true)
        inner.windowDefinitions = ctx.windowDefinitions
        let aggName = call.isStar ? "count_star" : name
        guard let fn = registry.aggregate(aggName) else {
            throw SQLError(SQLState.undefinedFunction, "function \(name)(*) does not exist", position: location + 1)
        }
        var args: [BoundExpr]
        var direct: [Value] = []
        var orderBy: [SortKey]
        if !call.withinGroup.isEmpty {
            for a in call.arguments {
                var b = try bindExpr(a.value, scope, inner)
                // Fractions arrive as float8 whatever literal type was written (0.5 is numeric).
                if b.type.isNumeric || isUnknown(b) { b = try coerce(b, to: .float64, explicit: false, location: a.value.location) }
                guard let v = try ConstantEvaluator.evaluate(b) else {
                    throw SQLError(SQLState.featureNotSupported, "direct arguments of \(name) must be constants", position: a.value.location + 1)
                }
                direct.append(v)
            }
            orderBy = try bindSortKeys(call.withinGroup, scope, inner)
            args = orderBy.map(\.expr)
            // The state orders ascending; a descending continuous percentile f is the ascending 1 - f.
            if aggName == "percentile_cont", orderBy.count == 1, !orderBy[0].ascending {
                direct = direct.map { if case .double(let f) = $0 { return .double(1 - f) }; return $0 }
            }
        } else {
            args = try call.arguments.map { try bindExpr($0.value, scope, inner) }
            orderBy = try bindSortKeys(call.orderBy, scope, inner)
        }
        let (types, unknown) = resolutionTypes(args)
        // Untyped arguments (NULL, 'literal') take the first type the aggregate accepts.
        var resolved = try fn.resolve(call.isStar ? [] : types, direct)
        if resolved == nil, unknown.contains(true) {
            for candidate in [DataType.float64, .int64, .text] where resolved == nil {
                let retyped = zip(types, unknown).map { $1 ? candidate : $0 }
                resolved = try fn.resolve(retyped, direct)
            }
        }
        guard let res = resolved else {
            throw SQLError(SQLState.undefinedFunction, "function \(name)(\(types.map(\.description).joined(separator: ", "))) does not exist",
                           position: location + 1, hint: "No function matches the given name and argument types. You might need to add explicit type casts.")
        }
        args = try castArguments(args, res.argumentTypes, location: location)
        if !call.withinGroup.isEmpty {
            orderBy = zip(orderBy, args).map { SortKey(expr: $1, ascending: $0.ascending, nullsFirst: $0.nullsFirst) }
        }
        if call.distinct && call.withinGroup.isEmpty {
            let argumentFPs = Set(args.map(\.fingerprint))
            if orderBy.contains(where: { !argumentFPs.contains($0.expr.fingerprint) }) {
                throw SQLError(SQLState.invalidColumnReference, "in an aggregate with DISTINCT, ORDER BY expressions must appear in argument list",
                               position: location + 1)
            }
        }
        let filter = try call.filter.map { try coerceBoolean(try bindExpr($0, scope, inner), clause: "FILTER", location: $0.location) }
        return .aggregate(BoundAggregate(name: name, resolution: res, arguments: args, distinct: call.distinct,
                                         filter: filter, orderBy: orderBy, isStar: call.isStar))
    }

    func bindWindowCall(_ call: FunctionCall, name: String, _ scope: Scope, _ ctx: ExprContext, location: Int) throws -> BoundExpr {
        guard ctx.allowWindows else {
            throw SQLError(SQLState.windowingError, "window functions are not allowed here", position: location + 1)
        }
        guard var spec = call.over else { throw SQLError(SQLState.internalError, "missing window") }
        if let base = spec.baseName {
            guard let def = ctx.windowDefinitions[base] else {
                throw SQLError(SQLState.undefinedObject, "window \"\(base)\" does not exist", position: location + 1)
            }
            spec = WindowSpec(baseName: nil, partitionBy: def.partitionBy, orderBy: spec.orderBy.isEmpty ? def.orderBy : spec.orderBy,
                              frame: spec.frame ?? def.frame)
        }
        var inner = ctx
        inner.allowWindows = false
        let partition = try spec.partitionBy.map { try bindExpr($0, scope, inner) }
        let order = try bindSortKeys(spec.orderBy, scope, inner)
        var args = try call.arguments.map { try bindExpr($0.value, scope, inner) }
        let kind: WindowFunctionKind
        var returnType: DataType
        let arity: [String: ClosedRange<Int>] = [
            "row_number": 0...0, "rank": 0...0, "dense_rank": 0...0, "percent_rank": 0...0, "cume_dist": 0...0,
            "ntile": 1...1, "lag": 1...3, "lead": 1...3, "first_value": 1...1, "last_value": 1...1, "nth_value": 2...2,
        ]
        if let allowed = arity[name], !allowed.contains(args.count) {
            throw SQLError(SQLState.undefinedFunction,
                           "function \(name)(\(args.map(\.type.description).joined(separator: ", "))) does not exist",
                           position: location + 1,
                           hint: "No function matches the given name and argument types. You might need to add explicit type casts.")
        }
        switch name {
        case "row_number": kind = .rowNumber; returnType = .int64
        case "rank": kind = .rank; returnType = .int64
        case "dense_rank": kind = .denseRank; returnType = .int64
        case "percent_rank": kind = .percentRank; returnType = .float64
        case "cume_dist": kind = .cumeDist; returnType = .float64
        case "ntile":
            kind = .ntile; returnType = .int32
            try requireIntegerArgument(args[0], name, args, location)
            args = try castArguments(args, [.int32], location: location)
        case "lag", "lead", "first_value", "last_value", "nth_value":
            guard let first = args.first else {
                throw SQLError(SQLState.undefinedFunction, "function \(name)() does not exist", position: location + 1)
            }
            var t = first.type == .null ? DataType.text : first.type
            if (name == "lag" || name == "lead") && args.count == 3 {
                t = try commonType([first, args[2]], what: name, location: location)
                args[2] = try coerce(args[2], to: t, explicit: false, location: location)
            }
            args[0] = try coerce(first, to: t, explicit: false, location: location)
            if args.count > 1 {
                try requireIntegerArgument(args[1], name, args, location)
                args[1] = try coerce(args[1], to: .int64, explicit: false, location: location)
            }
            returnType = t
            switch name {
            case "lag": kind = .lag
            case "lead": kind = .lead
            case "first_value": kind = .firstValue
            case "last_value": kind = .lastValue
            default: kind = .nthValue
            }
        default:
            var aggCtx = inner
            aggCtx.allowAggregates = true
            aggCtx.inAggregate = false
            var plainCall = call
            plainCall.over = nil
            guard case .aggregate(let agg) = try bindAggregateCall(plainCall, name: name, scope, aggCtx, location: location, asWindow: true) else {
                throw SQLError(SQLState.undefinedFunction, "function \(name) is not a window function", position: location + 1)
            }
            kind = .aggregate(agg)
            returnType = agg.returnType
            args = []
        }
        if call.distinct {
            throw SQLError(SQLState.featureNotSupported, "DISTINCT is not implemented for window functions", position: location + 1)
        }
        if let frame = spec.frame, frame.units == .range, order.count != 1 {
            let offsets: Bool
            switch (frame.start, frame.end) {
            case (.preceding, _), (.following, _), (_, .preceding?), (_, .following?): offsets = true
            default: offsets = false
            }
            if offsets {
                throw SQLError(SQLState.windowingError, "RANGE with offset PRECEDING/FOLLOWING requires exactly one ORDER BY column", position: location + 1)
            }
        }
        let frame = try spec.frame.map { try bindFrame($0, scope, inner) }
        return .window(BoundWindowFunction(name: name, kind: kind, arguments: args, partitionBy: partition, orderBy: order,
                                           frame: frame, ignoreNulls: call.ignoreNulls ?? false, returnType: returnType))
    }

    /// Offsets and bucket counts of window functions take integers only (no implicit numeric → int).
    private func requireIntegerArgument(_ e: BoundExpr, _ name: String, _ args: [BoundExpr], _ location: Int) throws {
        if e.type.isInteger || isUnknown(e) || e.type == .null { return }
        throw SQLError(SQLState.undefinedFunction, "function \(name)(\(args.map(\.type.description).joined(separator: ", "))) does not exist",
                       position: location + 1,
                       hint: "No function matches the given name and argument types. You might need to add explicit type casts.")
    }

    func bindFrame(_ f: WindowFrame, _ scope: Scope, _ ctx: ExprContext) throws -> BoundFrame {
        /// Frame offsets are evaluated once: PostgreSQL refuses column references in them, and NULL or negative values.
        func frameOffset(_ e: Expr, starting: Bool) throws -> BoundExpr {
            let bound = try bindExpr(e, scope, ctx)
            if !bound.referencedColumns.isEmpty || bound.contains(where: { if case .subquery = $0 { return true }; return false }) {
                throw SQLError(SQLState.invalidColumnReference, "argument of \(f.units.rawValue.uppercased()) must not contain variables",
                               position: e.location + 1)
            }
            let which = starting ? "starting" : "ending"
            switch try ConstantEvaluator.evaluate(bound) {
            case .null?:
                throw SQLError(SQLState.nullValueNotAllowed, "frame \(which) offset must not be null", position: e.location + 1)
            case .int(let v)? where v < 0:
                throw SQLError("22013", "frame \(which) offset must not be negative", position: e.location + 1)
            case .double(let v)? where v < 0:
                throw SQLError("22013", "invalid preceding or following size in window function", position: e.location + 1)
            case .decimal(let v)? where v < 0:
                throw SQLError("22013", "invalid preceding or following size in window function", position: e.location + 1)
            default:
                return bound
            }
        }
        func bound(_ b: FrameBound, starting: Bool) throws -> BoundFrame.Bound {
            switch b {
            case .unboundedPreceding: return .unboundedPreceding
            case .unboundedFollowing: return .unboundedFollowing
            case .currentRow: return .currentRow
            case .preceding(let e): return .preceding(try frameOffset(e, starting: starting))
            case .following(let e): return .following(try frameOffset(e, starting: starting))
            }
        }
        let exclusion: String
        switch f.exclusion {
        case .noOthers: exclusion = "no others"
        case .currentRow: exclusion = "current row"
        case .group: exclusion = "group"
        case .ties: exclusion = "ties"
        }
        return BoundFrame(units: f.units.rawValue, start: try bound(f.start, starting: true),
                          end: try f.end.map { try bound($0, starting: false) } ?? .currentRow, exclusion: exclusion)
    }
}

/// Parses decimal literal text ("12.50", "-1e3", ".5") into a mantissa and scale.
enum DecimalText {
    static func parse(_ text: String) -> (Int128, Int)? {
        var s = Substring(text)
        var negative = false
        if s.first == "-" { negative = true; s = s.dropFirst() } else if s.first == "+" { s = s.dropFirst() }
        var exponent = 0
        if let e = s.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            guard let x = Int(s[s.index(after: e)...]) else { return nil }
            exponent = x
            s = s[..<e]
        }
        var mantissa: Int128 = 0
        var scale = 0
        var seenPoint = false
        var digits = 0
        for c in s {
            if c == "." { if seenPoint { return nil }; seenPoint = true; continue }
            guard let d = c.wholeNumberValue, c.isASCII else { return nil }
            digits += 1
            if digits > 38 { return nil }
            mantissa = mantissa * 10 + Int128(d)
            if seenPoint { scale += 1 }
        }
        guard digits > 0 else { return nil }
        scale -= exponent
        if scale < 0 {
            for _ in 0..<(-scale) {
                let (m, o) = mantissa.multipliedReportingOverflow(by: 10)
                if o { return nil }
                mantissa = m
            }
            scale = 0
        }
        if scale > 38 { return nil }
        return (negative ? -mantissa : mantissa, scale)
    }
}

extension String {
    var trimmedWhitespace: String {
        var s = Substring(self)
        while let f = s.first, f.isWhitespace { s.removeFirst() }
        while let l = s.last, l.isWhitespace { s.removeLast() }
        return String(s)
    }
}
