// Binding helpers for statements other than queries: column types of
// CREATE TABLE, and the INSERT source mapped onto the target table's
// columns with PostgreSQL's assignment casts.

import Columnar
import Functions
import SQLSyntax

extension Binder {
    /// The DataType of a column definition (`numeric` without precision stores scale 10).
    public func columnType(_ t: TypeName) throws -> DataType {
        let type = try TypeNames.resolve(t, location: 0)
        if type == .array(TypeNames.unconstrainedNumeric) { return .array(.decimal(precision: 38, scale: 10)) }
        return type == TypeNames.unconstrainedNumeric ? .decimal(precision: 38, scale: 10) : type
    }

    /// A plan producing rows shaped exactly like `target` (every column, in order) from an INSERT source.
    public func bindInsert(target: [Field], tableName: String, columns: [String]?, source: Query) throws -> LogicalPlan {
        let names = target.map(\.name)
        let targetColumns: [Int]
        if let columns {
            targetColumns = try columns.map { c in
                guard let i = names.firstIndex(of: c) else {
                    throw SQLError(SQLState.undefinedColumn, "column \"\(c)\" of relation \"\(tableName)\" does not exist")
                }
                return i
            }
            if Set(targetColumns).count != targetColumns.count {
                throw SQLError(SQLState.duplicateColumn, "column specified more than once")
            }
        } else {
            targetColumns = Array(0..<target.count)
        }
        // DEFAULT in VALUES: no column defaults are stored yet, so it is NULL.
        var query = source
        if case .values(let rows) = source.body {
            let replaced = rows.map { row in row.map { e -> Expr in
                if case .defaultValue = e.kind { return Expr(.literal(.null), location: e.location) }
                return e
            } }
            query = Query(with: source.with, body: .values(replaced), orderBy: source.orderBy, limit: source.limit,
                          offset: source.offset, withTies: source.withTies)
        }
        if case .values = query.body, query.with == nil, query.orderBy.isEmpty, query.limit == nil, query.offset == nil {
            insertValuesTargets = targetColumns.map { (name: target[$0].name, type: target[$0].type) }
        }
        defer { insertValuesTargets = nil }
        let bound = try bind(query)
        let sourceFields = bound.plan.fields
        if sourceFields.count > targetColumns.count {
            throw SQLError(SQLState.syntaxError, "INSERT has more expressions than target columns")
        }
        if sourceFields.count < targetColumns.count && columns != nil {
            throw SQLError(SQLState.syntaxError, "INSERT has more target columns than expressions")
        }
        // Unknown literals and NULLs in VALUES/SELECT lists take the target column's type directly.
        var sourceTypes = sourceFields.map(\.type)
        for (j, i) in targetColumns.enumerated() where j < sourceFields.count {
            if literalAwareType(bound.plan, j).unknown || sourceTypes[j] == .null { sourceTypes[j] = target[i].type }
        }
        let plan = try castPlan(bound.plan, to: sourceTypes)
        var exprs: [BoundExpr] = target.map { .literal(.null, $0.type) }
        for (j, i) in targetColumns.enumerated() where j < sourceFields.count {
            let source = BoundExpr.column(j, sourceTypes[j])
            let t = target[i].type
            if source.type == t { exprs[i] = source; continue }
            // Assignment casts: any explicit cast except from text-like to non-text types.
            if source.type.isString && !(t.isString || t == .json) {
                throw SQLError(SQLState.datatypeMismatch, "column \"\(target[i].name)\" is of type \(t) but expression is of type \(source.type)",
                               hint: "You will need to rewrite or cast the expression.")
            }
            exprs[i] = try coerce(source, to: t, explicit: true, location: 0)
        }
        return .project(plan, exprs, fields: target)
    }
}
