// Operator registration and PostgreSQL-style overload resolution
// (func_select_candidate, simplified): an exact match after giving untyped
// literals the other operand's type, else the candidate reachable by implicit
// casts with the most exact matches, then the most preferred types at the
// positions that need a cast, then listing order. Operator families live in
// OperatorsArithmetic, OperatorsComparison and OperatorsString.

import Columnar

/// One overload of an operator. A `.decimal` parameter matches every numeric(p,s);
/// `make` receives the concrete argument types the binder will cast to.
struct OperatorOverload {
    let params: [DataType]
    let make: (_ concrete: [DataType]) -> ScalarResolution?

    init(_ params: [DataType], _ make: @escaping (_ concrete: [DataType]) -> ScalarResolution?) {
        self.params = params
        self.make = make
    }
}

enum OperatorResolver {
    /// Placeholder for "any numeric(p,s)" in overload lists.
    static let anyDecimal = DataType.decimal(precision: 38, scale: 0)

    static func isUnknown(_ types: [DataType], _ unknown: [Bool], _ i: Int) -> Bool {
        types[i] == .null || (i < unknown.count && unknown[i])
    }

    /// The concrete type an argument takes for parameter `param`.
    static func concrete(arg: DataType, param: DataType, unknownArg: Bool, other: DataType?) -> DataType {
        if case .decimal = param {
            if case .decimal = arg, !unknownArg { return arg }
            if arg.isInteger && !unknownArg { return Coercion.mergedDecimal([arg]) }
            if let other, case .decimal(_, let s) = other { return .decimal(precision: 38, scale: max(s, 8)) }
            return .decimal(precision: 38, scale: 8)
        }
        if case .varchar = param, !unknownArg, arg.isString { return arg }
        return param
    }

    static func resolve(_ name: String, _ overloads: [OperatorOverload], _ types: [DataType], _ unknown: [Bool]) throws -> ScalarResolution? {
        let n = types.count
        let unknownFlags = (0..<n).map { isUnknown(types, unknown, $0) }
        let knownTypes = (0..<n).filter { !unknownFlags[$0] }.map { types[$0] }
        // 1. Exact match, untyped arguments assumed to be of the (single) known type.
        let knownSame = knownTypes.allSatisfy { Coercion.sameFamily($0, knownTypes.first ?? $0) }
        if !knownTypes.isEmpty && (knownTypes.count == n || knownSame) {
            let assumed = (0..<n).map { unknownFlags[$0] ? knownTypes[0] : types[$0] }
            for o in overloads where o.params.count == n {
                if (0..<n).allSatisfy({ Coercion.sameFamily(assumed[$0], o.params[$0]) }) {
                    let c = (0..<n).map { i -> DataType in
                        unknownFlags[i] ? concrete(arg: assumed[i], param: o.params[i], unknownArg: true, other: knownTypes[0])
                                        : concrete(arg: types[i], param: o.params[i], unknownArg: false, other: nil)
                    }
                    if let r = o.make(c) { return r }
                }
            }
        }
        if knownTypes.isEmpty && n > 1 {
            let spelled = Array(repeating: "unknown", count: n).joined(separator: " \(name) ")
            throw SQLError(SQLState.ambiguousFunction, "operator is not unique: \(spelled)")
        }
        // 2. Candidates reachable through implicit casts, ranked by exact matches, then preferred types.
        var ranked: [(score: (Int, Int), overload: OperatorOverload)] = []
        for o in overloads where o.params.count == n {
            var exact = 0, preferred = 0
            var ok = true
            for i in 0..<n where !unknownFlags[i] {
                let p = o.params[i]
                if Coercion.sameFamily(types[i], p) { exact += 1; continue }
                if !Coercion.canImplicitlyCast(from: types[i], to: p) { ok = false; break }
                if Coercion.isPreferred(p) { preferred += 1 }
            }
            if ok { ranked.append(((exact, preferred), o)) }
        }
        guard let top = ranked.map({ $0.score }).max(by: { $0 < $1 }) else { return nil }
        var candidates = ranked.filter { $0.score == top }.map { $0.overload }
        // 3. Untyped arguments: prefer candidates taking a string there; otherwise all
        //    candidates must agree on the category (PostgreSQL's last resolution step).
        for i in 0..<n where unknownFlags[i] && candidates.count > 1 {
            let cats = candidates.map { Coercion.category($0.params[i]) }
            if cats.contains(.string) {
                candidates = candidates.filter { Coercion.category($0.params[i]) == .string }
            } else if Set(cats.map { $0.rawValue }).count > 1 {
                let spelled = types.indices.map { unknownFlags[$0] ? "unknown" : types[$0].description }.joined(separator: " \(name) ")
                throw SQLError(SQLState.ambiguousFunction, "operator is not unique: \(spelled)",
                               hint: "Could not choose a best candidate operator. You might need to add explicit type casts.")
            } else if candidates.contains(where: { Coercion.isPreferred($0.params[i]) }) {
                candidates = candidates.filter { Coercion.isPreferred($0.params[i]) }
            }
        }
        guard let chosen = candidates.first else { return nil }
        let c = (0..<n).map { i -> DataType in
            let other = (0..<n).first { $0 != i && !unknownFlags[$0] }.map { types[$0] }
            return concrete(arg: types[i], param: chosen.params[i], unknownArg: unknownFlags[i], other: other)
        }
        return chosen.make(c)
    }

    static func function(_ name: String, _ overloads: [OperatorOverload]) -> ScalarFunction {
        ScalarFunction(name: name) { types, unknown in try resolve(name, overloads, types, unknown) }
    }
}

/// Registers every operator (arithmetic, comparison, string, pattern matching, bitwise).
/// Names: + - * / % ^ (binary; + and - also prefix), neg, abs_op and @, |/ ||/,
/// & | # << >> bitnot (and prefix ~), = <> != < <= > >=, is_distinct_from,
/// is_not_distinct_from, ||, ~~ ~~* !~~ !~~* (2 or 3 arguments), like_escape,
/// ~ ~* !~ !~*, similar_to (2 or 3 arguments), similar_to_escape, ^@.
func registerOperators(into registry: FunctionRegistry) {
    registerArithmeticOperators(into: registry)
    registerComparisonOperators(into: registry)
    registerStringOperators(into: registry)
}
