// INSERT … VALUES coerces each row's values to the target columns one by
// one, as PostgreSQL's transformInsertRow does, instead of first giving each
// VALUES column the common type of its rows: `INSERT INTO t (big) VALUES (1),
// ('9999999999')` stores both rows (the common type of 1 and an untyped
// literal would be integer, and '9999999999' would not fit it).

import Columnar
import SQLSyntax

extension Binder {
    /// One VALUES row of an INSERT, each value converted to its target column's type with assignment
    /// rules: untyped literals and NULLs take the type, other values are cast, except text-like values
    /// into non-text columns (42804). `targets[c]` is nil for values beyond the target columns.
    func assignInsertRow(_ row: [BoundExpr], _ exprs: [Expr], targets: [(name: String, type: DataType)?]) throws -> [BoundExpr] {
        try row.enumerated().map { c, e in
            guard c < targets.count, let target = targets[c] else { return e }
            let location = c < exprs.count ? exprs[c].location : 0
            if isUnknown(e) || e.type == .null { return try coerce(e, to: target.type, explicit: false, location: location) }
            if e.type == target.type { return e }
            if e.type.isString && !(target.type.isString || target.type == .json) {
                throw SQLError(SQLState.datatypeMismatch, "column \"\(target.name)\" is of type \(target.type) but expression is of type \(e.type)",
                               position: location + 1, hint: "You will need to rewrite or cast the expression.")
            }
            return try coerce(e, to: target.type, explicit: true, location: location)
        }
    }
}
