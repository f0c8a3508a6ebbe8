// PostgreSQL's implicit coercion rules: type categories, preferred types,
// which casts are implicit, and the common type of a set of expressions
// (CASE branches, UNION columns, COALESCE arguments, IN lists).

import Columnar

public enum Coercion {
    /// True when `from` casts to `to` implicitly (PostgreSQL's pg_cast castcontext 'i').
    public static func canImplicitlyCast(from: DataType, to: DataType) -> Bool {
        if from == to || from == .null { return true }
        switch (from, to) {
        case (.int16, .int32), (.int16, .int64), (.int32, .int64): return true
        case (let f, .float64) where f.isNumeric: return true
        case (let f, .float32) where f.isInteger || (f.isNumeric && f != .float64): return true
        case (let f, .decimal) where f.isInteger: return true
        case (.decimal, .decimal): return true
        case (let f, .text) where f.isString: return true
        case (let f, .varchar) where f.isString: return true
        case (.date, .timestamp), (.date, .timestamptz), (.timestamp, .timestamptz): return true
        default: return false
        }
    }

    /// The type every input converts to (UNION, CASE, COALESCE …), or nil when
    /// they do not share a category (42804). `unknownLiterals` marks untyped string literals.
    public static func commonType(_ types: [DataType], unknownLiterals: [Bool]) -> DataType? {
        var result: DataType? = nil
        for (i, t) in types.enumerated() {
            if t == .null || (i < unknownLiterals.count && unknownLiterals[i]) { continue }
            guard let r = result else { result = t; continue }
            if r == t { continue }
            if canImplicitlyCast(from: r, to: t) { result = t }
            else if canImplicitlyCast(from: t, to: r) { continue }
            else { return nil }
        }
        if result == nil { return types.contains(where: { $0 != .null }) ? .text : .text }
        return result
    }
}
