// Binding of the expression forms catalog queries lean on: casts to the
// reg* types (`'public.t'::regclass`, `oid::regtype::text`), one-dimensional
// arrays (`ARRAY[…]`, `a[i]`) and `x = ANY(array)` over an array that is not
// a literal list. reg* values are OIDs (type `oid`); the name lookup
// (`'t'::regclass`) and the name rendering (`::regclass::text`) are calls
// into the session's catalog through lakesql_regin / lakesql_regout.

import Columnar
import Functions
import SQLSyntax

extension Binder {
    /// The reg* kind a type name denotes (`regclass`, `pg_catalog.regtype` …), nil for other types.
    static func regKind(_ t: TypeName) -> RegKind? {
        guard t.arrayDimensions == 0 else { return nil }
        return RegKind(rawValue: t.name)
    }

    /// `x::regclass`, `x::regclass::text`; nil when the cast is an ordinary one.
    func bindCatalogCast(_ inner: Expr, _ typeName: TypeName, _ scope: Scope, _ ctx: ExprContext, location: Int) throws -> BoundExpr? {
        if let kind = Binder.regKind(typeName) {
            return try bindRegValue(inner, kind, scope, ctx, location: location)
        }
        // A reg* value shown as text prints the object's name.
        if case .cast(let x, let innerType) = inner.kind, let kind = Binder.regKind(innerType) {
            let target = try TypeNames.resolve(typeName, location: location)
            guard target.isString else { return nil }
            let oid = try bindRegValue(x, kind, scope, ctx, location: inner.location)
            let name = try bindFunctionByName("lakesql_regout", [.literal(.string(kind.rawValue), .text), oid], location: location)
            return try coerce(name, to: target, explicit: true, location: location)
        }
        return nil
    }

    /// The OID a reg* cast denotes: a name looked up in the catalog, or a number taken as is.
    private func bindRegValue(_ x: Expr, _ kind: RegKind, _ scope: Scope, _ ctx: ExprContext, location: Int) throws -> BoundExpr {
        let bound = try bindExpr(x, scope, ctx)
        if bound.type.isInteger || bound.type == .oid { return try coerce(bound, to: .oid, explicit: true, location: location) }
        if isUnknown(bound) || bound.type.isString || bound.type == .null {
            if case .literal(.null, _) = bound { return .literal(.null, .oid) }
            let text = try coerce(bound, to: .text, explicit: true, location: location)
            return try bindFunctionByName("lakesql_regin", [.literal(.string(kind.rawValue), .text), text], location: location)
        }
        if case .parameter(let n, _) = bound, parameterTypes[n] == nil {
            return try coerce(bound, to: .oid, explicit: true, location: location)
        }
        throw SQLError(SQLState.cannotCoerce, "cannot cast type \(bound.type) to \(kind.rawValue)", position: location + 1)
    }

    /// ARRAY[a, b, …]: elements cast to their common type.
    func bindArrayConstructor(_ elements: [Expr], _ scope: Scope, _ ctx: ExprContext, location: Int) throws -> BoundExpr {
        guard !elements.isEmpty else {
            throw SQLError(SQLState.indeterminateDatatype, "cannot determine type of empty array", position: location + 1,
                           hint: "Explicitly cast to the desired type, for example ARRAY[]::integer[].")
        }
        let bound = try elements.map { try bindExpr($0, scope, ctx) }
        if bound.contains(where: { if case .array = $0.type { return true }; return false }) {
            throw SQLError(SQLState.featureNotSupported, "multidimensional arrays are not supported", position: location + 1)
        }
        let type = try commonType(bound, what: "ARRAY", location: location)
        let cast = try bound.map { try coerce($0, to: type, explicit: false, location: location) }
        return try bindFunctionByName("lakesql_array", cast, location: location)
    }

    /// a[i] (one-based; NULL when out of range). Slices are not supported.
    func bindArraySubscript(_ base: Expr, index: Expr?, isSlice: Bool, _ scope: Scope, _ ctx: ExprContext, location: Int) throws -> BoundExpr {
        guard !isSlice, let index else {
            throw SQLError(SQLState.featureNotSupported, "array slices are not supported", position: location + 1)
        }
        let array = try bindExpr(base, scope, ctx)
        guard case .array = array.type else {
            throw SQLError(SQLState.datatypeMismatch, "cannot subscript type \(array.type) because it does not support subscripting",
                           position: location + 1)
        }
        let i = try coerce(try bindExpr(index, scope, ctx), to: .int64, explicit: false, location: index.location)
        return try bindFunctionByName("lakesql_array_element", [array, i], location: location)
    }

    /// x = ANY(array) and x <> ALL(array) where the array is an expression (a column, a parameter, a cast).
    func bindQuantifiedArrayExpression(_ x: Expr, _ op: BinaryOperator, all: Bool, _ arrayExpr: Expr,
                                       _ scope: Scope, _ ctx: ExprContext, location: Int) throws -> BoundExpr {
        let name: String
        switch (op, all) {
        case (.equal, false): name = "lakesql_any_equal"
        case (.notEqual, true): name = "lakesql_all_not_equal"
        default:
            throw SQLError(SQLState.featureNotSupported, "\(op.rawValue) \(all ? "ALL" : "ANY") over an array expression is not implemented yet (only = ANY and <> ALL)",
                           position: location + 1)
        }
        var bx = try bindExpr(x, scope, ctx)
        var array = try bindExpr(arrayExpr, scope, ctx)
        if isUnknown(array) { array = try coerce(array, to: .array(bx.type == .null || isUnknown(bx) ? .text : bx.type), explicit: false, location: location) }
        guard case .array(let element) = array.type else {
            throw SQLError(SQLState.datatypeMismatch, "op ANY/ALL (array) requires array on right side", position: location + 1)
        }
        if bx.type != element || isUnknown(bx) {
            let common = try commonType([bx, .literal(.null, element)], what: "ANY/ALL", location: location)
            bx = try coerce(bx, to: common, explicit: false, location: location)
            if common != element { array = try coerce(array, to: .array(common), explicit: false, location: location) }
        }
        return try bindFunctionByName(name, [bx, array], location: location)
    }
}
