// PostgreSQL's implicit coercion rules: type categories, preferred types,
// which casts are implicit (pg_cast castcontext 'i'), the common type of a set
// of expressions (select_common_type: CASE branches, UNION columns, COALESCE
// arguments, IN lists) and the type both sides of a comparison are cast to.
// Parametric types (numeric(p,s), varchar(n)) are merged so no input loses
// digits or characters.

import Columnar

public enum Coercion {
    /// PostgreSQL's pg_type.typcategory.
    public enum Category: Character, Sendable {
        case boolean = "B", numeric = "N", string = "S", datetime = "D", timespan = "T"
        case user = "U", array = "A", unknown = "X"
    }

    public static func category(_ t: DataType) -> Category {
        switch t {
        case .null: return .unknown
        case .boolean: return .boolean
        case .int16, .int32, .int64, .oid, .float32, .float64, .decimal: return .numeric
        case .text, .varchar, .char: return .string
        case .date, .time, .timestamp, .timestamptz: return .datetime
        case .interval: return .timespan
        case .bytea, .uuid, .json: return .user
        case .array: return .array
        }
    }

    /// PostgreSQL's typispreferred: float8, oid, text, timestamptz, interval, boolean.
    public static func isPreferred(_ t: DataType) -> Bool {
        switch t {
        case .float64, .oid, .text, .timestamptz, .interval, .boolean: return true
        default: return false
        }
    }

    /// True when `from` and `to` are the same type apart from numeric/varchar modifiers.
    public static func sameFamily(_ a: DataType, _ b: DataType) -> Bool {
        switch (a, b) {
        case (.decimal, .decimal), (.varchar, .varchar), (.char, .char): return true
        case (.array(let x), .array(let y)): return sameFamily(x, y)
        default: return a == b
        }
    }

    /// True when `from` casts to `to` implicitly (PostgreSQL's pg_cast castcontext 'i').
    public static func canImplicitlyCast(from: DataType, to: DataType) -> Bool {
        if from == to || from == .null || sameFamily(from, to) { return true }
        switch (from, to) {
        case (.int16, .int32), (.int16, .int64), (.int32, .int64): return true
        case (.int16, .float32), (.int32, .float32), (.int64, .float32), (.decimal, .float32): return true
        case (.int16, .float64), (.int32, .float64), (.int64, .float64), (.float32, .float64), (.decimal, .float64): return true
        case (.int16, .decimal), (.int32, .decimal), (.int64, .decimal): return true
        // Integers become OIDs implicitly (int4 keeps its 32 bits, int8 must be in range); not the reverse.
        case (.int16, .oid), (.int32, .oid), (.int64, .oid): return true
        case (.text, .varchar), (.text, .char), (.varchar, .text), (.varchar, .char), (.char, .text), (.char, .varchar): return true
        case (.date, .timestamp), (.date, .timestamptz), (.timestamp, .timestamptz), (.time, .interval): return true
        case (.array(let x), .array(let y)): return canImplicitlyCast(from: x, to: y)
        default: return false
        }
    }

    /// True when `from` converts to `to` in assignment context (INSERT/UPDATE targets;
    /// pg_cast castcontext 'a' plus every implicit cast): numeric narrowing, anything
    /// to a string type through its output function, timestamptz → timestamp/date/time.
    public static func canAssignmentCast(from: DataType, to: DataType) -> Bool {
        if canImplicitlyCast(from: from, to: to) { return true }
        if to.isString { return true }
        if from.isNumeric && to.isNumeric { return true }
        switch (from, to) {
        case (.oid, .int32), (.oid, .int64): return true
        case (.timestamp, .date), (.timestamp, .time), (.timestamptz, .date), (.timestamptz, .time), (.timestamptz, .timestamp),
             (.interval, .time), (.int32, .boolean), (.boolean, .int32), (.json, .text):
            return true
        case (.array(let x), .array(let y)): return canAssignmentCast(from: x, to: y)
        default: return false
        }
    }

    /// Integer digits a type can hold, for merging into a numeric type.
    static func integerDigits(_ t: DataType) -> Int {
        switch t {
        case .int16: return 5
        case .int32: return 10
        case .int64: return 19
        case .decimal(let p, let s): return max(p - s, 0)
        default: return 0
        }
    }

    /// A numeric(p,s) able to hold every value of the given numeric types.
    public static func mergedDecimal(_ types: [DataType]) -> DataType {
        var intDigits = 1, scale = 0
        for t in types {
            intDigits = max(intDigits, integerDigits(t))
            if case .decimal(_, let s) = t { scale = max(scale, s) }
        }
        let p = min(DataType.maxDecimalPrecision, intDigits + scale)
        return .decimal(precision: max(p, scale), scale: min(scale, DataType.maxDecimalPrecision))
    }

    /// The type every input converts to (UNION, CASE, COALESCE …), or nil when
    /// they do not share a category (42804). `unknownLiterals` marks untyped string literals.
    /// Untyped string literals alone resolve to text (PostgreSQL); bare NULLs alone stay
    /// `.null`, so a caller with a target type (INSERT … VALUES (NULL), a UNION branch,
    /// CASE … THEN NULL) can still give them one — render `.null` columns as text.
    public static func commonType(_ types: [DataType], unknownLiterals: [Bool]) -> DataType? {
        var known: [DataType] = []
        var sawUnknownLiteral = false
        for (i, t) in types.enumerated() {
            if i < unknownLiterals.count && unknownLiterals[i] { sawUnknownLiteral = true; continue }
            if t == .null { continue }
            known.append(t)
        }
        guard var candidate = known.first else { return sawUnknownLiteral || types.isEmpty ? .text : .null }
        if known.allSatisfy({ $0 == candidate }) {
            if case .varchar = candidate, sawUnknownLiteral { return .varchar(nil) }
            return candidate
        }
        let cat = category(candidate)
        for t in known.dropFirst() {
            if category(t) != cat { return nil }
            if sameFamily(candidate, t) { continue }
            if !isPreferred(candidate) && canImplicitlyCast(from: candidate, to: t) && !canImplicitlyCast(from: t, to: candidate) {
                candidate = t
            }
        }
        for t in known where !canImplicitlyCast(from: t, to: candidate) { return nil }
        // Merge type modifiers within the chosen family.
        switch candidate {
        case .decimal: return mergedDecimal(known)
        case .varchar:
            // An untyped literal of unknown length joins as unbounded varchar (no typmod, as in PostgreSQL).
            if sawUnknownLiteral { return .varchar(nil) }
            var maxLen: Int? = 0
            for t in known {
                switch t {
                case .varchar(let n): if let n, let m = maxLen { maxLen = max(m, n) } else { maxLen = nil }
                case .char(let n): if let m = maxLen { maxLen = max(m, n) }
                default: maxLen = nil
                }
            }
            return .varchar(maxLen)
        case .char:
            var maxLen = 0
            for t in known {
                if case .char(let n) = t { maxLen = max(maxLen, n) } else { return .text }
            }
            return .char(maxLen)
        case .array(let e):
            var elems: [DataType] = []
            for t in known { if case .array(let x) = t { elems.append(x) } }
            return commonType(elems, unknownLiterals: []).map { .array($0) } ?? .array(e)
        default: return candidate
        }
    }

    /// The type both operands of a binary comparison are cast to, or nil when
    /// PostgreSQL has no such comparison (42883). An untyped string literal or NULL
    /// takes the other side's type; two unknowns compare as text.
    public static func comparisonType(_ a: DataType, _ b: DataType, unknownLiterals: [Bool] = []) -> DataType? {
        let ua = a == .null || (unknownLiterals.count > 0 && unknownLiterals[0])
        let ub = b == .null || (unknownLiterals.count > 1 && unknownLiterals[1])
        if ua && ub { return .text }
        if ua { return comparable(b) ? b : nil }
        if ub { return comparable(a) ? a : nil }
        if a == b { return comparable(a) ? a : nil }
        switch (category(a), category(b)) {
        case (.numeric, .numeric):
            // oid compares with integers as oid (the integer is converted); with floats and numerics not at all.
            if a == .oid || b == .oid { return (a.isInteger || a == .oid) && (b.isInteger || b == .oid) ? .oid : nil }
            if a.isInteger && b.isInteger { return wider(a, b) }
            if a.isFloat || b.isFloat { return .float64 }
            return mergedDecimal([a, b])
        case (.string, .string):
            if case .char(let x) = a, case .char(let y) = b { return .char(max(x, y)) }
            return .text
        case (.datetime, .datetime):
            let set = Set([a, b])
            if set == [.date, .timestamp] { return .timestamp }
            if set == [.date, .timestamptz] || set == [.timestamp, .timestamptz] { return .timestamptz }
            return nil
        case (.array, .array):
            if case .array(let x) = a, case .array(let y) = b, let e = comparisonType(x, y) { return .array(e) }
            return nil
        default:
            return nil
        }
    }

    static func comparable(_ t: DataType) -> Bool {
        if t == .json { return false }
        if case .array(let e) = t { return comparable(e) }
        return true
    }

    static func wider(_ a: DataType, _ b: DataType) -> DataType {
        func rank(_ t: DataType) -> Int { t == .int16 ? 0 : (t == .int32 ? 1 : 2) }
        return rank(a) >= rank(b) ? a : b
    }
}
