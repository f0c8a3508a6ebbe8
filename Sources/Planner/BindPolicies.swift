// Access control in the binder. At every reference to a catalog relation:
// SELECT is checked (with the grants of the view owner when the reference
// sits inside a view), then the relation's plan is wrapped as
//
//   barrier → project (masks) → filter (row policies OR-combined) → relation
//
// with the masks and row policies of the *querying* session's roles, even
// inside views. Reading raw files (read_* table functions, `FROM 'path'`)
// needs READ FILES. A policy that cannot be parsed or bound denies the query
// (fail closed). Policy bodies are bound in isolation: they see only the
// relation's columns (row policies) or the masking parameter (masks), never
// the user's CTEs, outer columns or parameters.

import Columnar
import Functions
import SQLSyntax

extension Binder {
    /// The user whose grants apply here: a view's owner inside it, else the current user.
    var privilegeUser: String { viewOwners.last ?? accessControl.currentUser }

    func checkRelationAccess(_ relation: RelationName, location: Int) throws {
        do {
            try accessControl.checkSelect(relation, as: privilegeUser)
        } catch var error as SQLError {
            if error.position == nil { error.position = location + 1 }
            throw error
        }
        report.noteRelation(relation)
    }

    /// Reading raw files steps around every policy: superusers and READ FILES only.
    func checkFileAccess(_ what: String, location: Int) throws {
        do {
            if let owner = viewOwners.last { try accessControl.checkReadFiles(as: owner) } else { try accessControl.checkReadFiles() }
        } catch var error as SQLError {
            if error.position == nil { error.position = location + 1 }
            throw error
        }
        report.noteFile(what)
    }

    func checkTableFunctionAccess(_ name: String, arguments: [Value], location: Int) throws {
        guard tableFunctions?.readsFiles(name) ?? true else { return }
        let path: String
        if case .string(let p)? = arguments.first { path = "\(name)('\(p)')" } else { path = "\(name)()" }
        try checkFileAccess(path, location: location)
    }

    func enterView(owner: String?) {
        let user = owner ?? accessControl.currentUser
        viewOwners.append(user)
        maskHashAllowed.append(accessControl.isSuperuser(user))
    }

    func leaveView() {
        viewOwners.removeLast()
        maskHashAllowed.removeLast()
    }

    /// mask_hash is keyed with the catalog's secret: if anyone could call it, they could hash
    /// guesses and compare them with masked values. Allowed to superusers, and in the innermost
    /// policy body or view around the call when that is a policy or a superuser's view.
    func checkFunctionUse(_ name: String, location: Int) throws {
        guard name == "mask_hash", !accessControl.isSuperuser, !(maskHashAllowed.last ?? false) else { return }
        throw SQLError(SQLState.insufficientPrivilege, "permission denied for function mask_hash", position: location + 1,
                       hint: "mask_hash is keyed with the catalog's secret; use it in masking policies, so that nobody can hash guesses to compare with masked values.")
    }

    // MARK: Policies

    /// Wraps a relation's plan in its row filter and masks under a barrier (or returns it
    /// unchanged when no policy applies).
    func applyPolicies(_ q: BoundQuery, relation: RelationName, outer: Scope?) throws -> BoundQuery {
        if accessControl.isSuperuser { return q }
        if policyRelations.contains(relation) {
            throw SQLError("42P17", "infinite recursion detected in policy for relation \"\(relation.name)\"")
        }
        policyRelations.append(relation)
        defer { policyRelations.removeLast() }
        // Policy bodies see none of the user's CTEs, correlation state or parameters.
        let savedCTEs = cteStack, savedLateral = lateralLevel, savedMin = minReferencedLevel
        cteStack = []
        defer { cteStack = savedCTEs; lateralLevel = savedLateral; minReferencedLevel = savedMin }
        let level = (outer?.level ?? -1) + 1

        let fields = q.plan.fields
        var plan = q.plan
        var rowPolicyNames: [String]? = nil
        if let policies = try accessControl.rowPolicies(for: relation) {
            rowPolicyNames = policies.map(\.name)
            let entries = q.names.enumerated().map { Scope.Entry(table: relation.name, name: $1, type: fields[$0].type, index: $0) }
            var predicates: [BoundExpr] = []
            for p in policies {
                predicates.append(try bindRowPolicy(p, relation: relation, scope: isolatedScope(entries, level: level)))
            }
            let predicate: BoundExpr = predicates.isEmpty ? .literal(.bool(false), .boolean)
                : (predicates.count == 1 ? predicates[0] : .or(predicates))
            plan = .filter(plan, predicate)
        }

        var masks: [AppliedMask] = []
        var outputs: [BoundExpr] = fields.enumerated().map { .column($0.offset, $0.element.type) }
        var outputFields = fields
        for (i, f) in fields.enumerated() {
            let name = q.names[i]
            guard let policy = try maskingPolicy(relation, name, f.type) else { continue }
            let body = try bindMask(policy, relation: relation, column: name, index: i, type: f.type, level: level)
            outputs[i] = body
            outputFields[i] = Field(name: f.name, type: body.type, nullable: true)
            masks.append(AppliedMask(relation: relation, column: name, policy: policy.name))
        }
        if rowPolicyNames == nil && masks.isEmpty { return q }
        if !masks.isEmpty { plan = .project(plan, outputs, fields: outputFields) }
        let barrier = PolicyBarrier(relation: relation, rowPolicies: rowPolicyNames, masks: masks)
        report.note(barrier)
        return BoundQuery(plan: .barrier(plan, barrier), names: q.names)
    }

    private func maskingPolicy(_ relation: RelationName, _ column: String, _ type: DataType) throws -> MaskingPolicyDefinition? {
        do {
            return try accessControl.maskingPolicy(for: relation, column: column, type: type)
        } catch let error as SQLError where error.sqlState == SQLState.insufficientPrivilege {
            throw error
        } catch let error as SQLError {
            throw denied("the masking policy of column \"\(column)\" of \(relation) cannot be resolved", error)
        }
    }

    /// A scope at nesting `level` whose enclosing scopes are empty: names resolve to the
    /// given entries or nowhere (never to columns of the query that references the relation).
    func isolatedScope(_ entries: [Scope.Entry], level: Int) -> Scope {
        var parent: Scope? = nil
        for _ in 0..<max(0, level) { parent = Scope(entries: [], parent: parent) }
        return Scope(entries: entries, parent: parent)
    }

    private func denied(_ what: String, _ cause: SQLError) -> SQLError {
        SQLError(SQLState.insufficientPrivilege, "permission denied: \(what)", detail: cause.message,
                 hint: "Queries are denied while a policy that applies to them is broken; a data steward can fix or drop it.")
    }

    /// Parses and binds a policy expression; any failure denies the query.
    private func bindPolicyExpression(_ sql: String, scope: Scope, what: String, allowMaskHash: Bool) throws -> BoundExpr {
        let savedTypes = parameterTypes, savedValues = parameterValues
        parameterTypes = [:]; parameterValues = [:]
        maskHashAllowed.append(allowMaskHash)
        defer { parameterTypes = savedTypes; parameterValues = savedValues; maskHashAllowed.removeLast() }
        do {
            let expr = try Parser.parseExpression(sql)
            let bound = try bindExpr(expr, scope, .plain)
            if bound.contains(where: { if case .parameter = $0 { return true }; return false }) {
                throw SQLError(SQLState.syntaxError, "policies cannot reference parameters")
            }
            return bound
        } catch let error as SQLError {
            // A policy body reading a relation the user may not read denies like that relation.
            if error.sqlState == SQLState.insufficientPrivilege || error.sqlState == "42P17" { throw error }
            throw denied(what, error)
        }
    }

    private func bindRowPolicy(_ p: RowPolicyDefinition, relation: RelationName, scope: Scope) throws -> BoundExpr {
        let what = "row policy \"\(p.name)\" on \(relation) cannot be evaluated"
        let bound = try bindPolicyExpression(p.usingSQL, scope: scope, what: what, allowMaskHash: false)
        do {
            let predicate = try coerceBoolean(bound, clause: "POLICY USING", location: 0)
            try Self.requireErrorFree(predicate, mode: .rowPolicy)
            return predicate
        } catch let error as SQLError {
            throw denied(what, error)
        }
    }

    /// The mask body with its parameter standing for column `index` (coerced to the parameter's
    /// type), coerced to the declared return type.
    private func bindMask(_ policy: MaskingPolicyDefinition, relation: RelationName, column: String, index: Int,
                          type: DataType, level: Int) throws -> BoundExpr {
        let what = "masking policy \"\(policy.name)\" on column \"\(column)\" of \(relation) cannot be evaluated"
        // The parameter is bound as a column of its declared type; a differing column type is
        // converted first (implicitly only), and the body then reads the converted value.
        let entry = Scope.Entry(table: nil, name: policy.parameterName, type: policy.parameterType, index: index)
        let body = try bindPolicyExpression(policy.bodySQL, scope: isolatedScope([entry], level: level), what: what, allowMaskHash: true)
        do {
            var argument = BoundExpr.column(index, type)
            if type != policy.parameterType {
                argument = try coerce(argument, to: policy.parameterType, explicit: false, location: 0)
            }
            let substituted = try substituteParameter(body, index: index, level: level, with: argument, declared: policy.parameterType)
            // Only conversions within a type category (whose failures quote no value): a body
            // of the wrong type is a misconfiguration to report now, not a cast from text that
            // fails later on some raw value.
            let t = substituted.type
            guard t == policy.returnType || isUnknown(substituted) || t == .null || (t.isString && policy.returnType.isString)
                    || (t.isNumeric && policy.returnType.isNumeric)
                    || ErrorFreeExpressions.isWidening(from: t, to: policy.returnType) else {
                throw SQLError(SQLState.datatypeMismatch, "the body returns \(t), not \(policy.returnType)")
            }
            // The body (with the parameter's conversion) must not be able to fail on any raw
            // value; the conversion to the declared return type is the category-preserving one
            // checked above (a numeric narrowing can still overflow: Docs/SECURITY.md).
            try Self.requireErrorFree(substituted, mode: .maskingPolicy)
            return try coerce(substituted, to: policy.returnType, explicit: false, location: 0)
        } catch let error as SQLError {
            throw denied(what, error)
        }
    }

    /// A policy body that could raise an error on some raw value is an oracle for that value
    /// (the error shows even though its message is replaced): refused (42P17).
    static func requireErrorFree(_ body: BoundExpr, mode: ErrorFreeExpressions.Mode) throws {
        if let bad = ErrorFreeExpressions.offendingPart(body, mode: mode) { throw ErrorFreeExpressions.refusal(bad) }
    }

    /// Replaces the parameter's placeholder column by the (converted) column. References from
    /// subqueries in the body (correlated ones) must read the column's own type, so a body that
    /// needs a conversion may not reference its parameter from a subquery.
    private func substituteParameter(_ body: BoundExpr, index: Int, level: Int, with argument: BoundExpr, declared: DataType) throws -> BoundExpr {
        if case .column(index, _) = argument { return body }
        var correlated = false
        func visit(_ e: BoundExpr) -> BoundExpr {
            if case .column(let i, _) = e, i == index { return argument }
            if case .subquery(let s, _) = e, s.isCorrelated { correlated = true }
            return e.mapChildren(visit)
        }
        let result = visit(body)
        if correlated {
            throw SQLError(SQLState.datatypeMismatch, "the column's type differs from the policy parameter's type \(declared), and the body reads it in a subquery")
        }
        return result
    }
}
