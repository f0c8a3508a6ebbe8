// Governance statements and the catalog side of DDL, per session:
// - CREATE/DROP of tables, views, external tables and schemas run against the
//   in-memory catalog (brought up to date before every statement, so duplicate
//   checks see other processes' objects), then their result is persisted in one
//   catalog write transaction that re-checks for a concurrent CREATE of the
//   same name — or the in-memory change is undone;
// - roles, grants, SET ROLE, masking policies, tags, row-level security,
//   row policies and ALTER SYSTEM, each one catalog transaction.
// Who may: superusers; the owner of a relation for its grants, ALTER TABLE
// and row policies, and for DROP; CREATE ON SCHEMA for creating relations;
// anyone for their own password. Others get 42501.

import Catalog
import Columnar
import Functions
import Planner
import SQLSyntax

extension Session {
    var catalogAccess: CatalogAccessControl? { accessControl as? CatalogAccessControl }

    /// What current_user, is_member … see.
    var sessionIdentity: SessionIdentity {
        // Every statement's context asks; the dynamic cast is a conformance lookup, so the answer is
        // kept for the access-control object and current user it was made for.
        let user = accessControl.currentUser
        if let kept = identityCache, kept.accessControl === accessControl, kept.user == user { return kept.identity }
        let identity = (accessControl as? SessionIdentity) ?? UnrestrictedIdentity(user)
        identityCache = (accessControl, user, identity)
        return identity
    }

    private func requireSuperuser(_ what: String) throws {
        guard accessControl.isSuperuser else {
            throw SQLError(SQLState.insufficientPrivilege, "permission denied to \(what)", hint: "Only superusers may \(what).")
        }
    }

    private func ref(_ name: QualifiedName) -> RelationRef { RelationRef(schema: name.schema ?? "public", name: name.name) }

    /// Superuser or owner of the relation (which must then exist in the catalog).
    private func requireOwner(_ table: QualifiedName, _ what: String) throws {
        guard let access = catalogAccess, !access.isSuperuser else { return }
        let s = access.snapshot
        guard let owner = s.relations[ref(table)]?.owner else {
            if try database.catalog.lookup(schema: table.schema, name: table.name) == nil {
                throw SQLError(SQLState.undefinedTable, "relation \"\(table)\" does not exist")
            }
            throw SQLError(SQLState.insufficientPrivilege, "must be owner of table \(table.name)")
        }
        guard s.effectiveRoles(of: access.currentUser).contains(owner) else {
            throw SQLError(SQLState.insufficientPrivilege, "must be owner of \(s.relations[ref(table)]?.kind == .view ? "view" : "table") \(table.name)",
                           hint: "Only the owner of \(table) or a superuser may \(what).")
        }
    }

    private func requireCreate(in schema: String) throws {
        guard let access = catalogAccess, !access.isSuperuser else { return }
        let s = access.snapshot
        let roles = s.effectiveRoles(of: access.currentUser).union(["public"])
        if let owner = s.schemas[schema], roles.contains(owner) { return }
        if s.grants.contains(where: { $0.privilege == .create && $0.objectType == .schema && $0.objectName == schema && roles.contains($0.grantee) }) {
            return
        }
        throw SQLError(SQLState.insufficientPrivilege, "permission denied for schema \(schema)")
    }

    // MARK: DDL of relations and schemas

    /// Runs `body` (the statement) with the catalog's privilege checks and persistence.
    func governed(_ statement: Statement, _ body: () throws -> QueryResult) throws -> QueryResult {
        guard let g = database.governance, let access = catalogAccess else { return try body() }
        var created: [QualifiedName] = []
        switch statement {
        case .createTable(let ct) where !ct.temporary: created = [ct.name]
        case .createTableAs(let ctas): created = [ctas.name]
        case .createView(let cv): created = [cv.name]
        case .createExternalTable(let e): created = [e.name]
        case .createTable(let ct) where ct.temporary:
            // Temporary tables live in the shared catalog (visible to every session, not persisted):
            // without this check anyone could shadow a lake table or a view's input for everyone.
            try requireCreate(in: ct.name.schema ?? "public")
            return try body()
        case .set(let st) where st.name == "role":
            // set_config('role', …) is SET ROLE, with its membership check (not a free-form setting).
            let value = st.values.joined(separator: ", ")
            return try runGovernance(.setRole(value.isEmpty || value.lowercased() == "none" ? nil : value), text: "")
        case .set(let st) where st.name == "is_superuser" || st.name == "session_authorization":
            // Reports of who is logged in, which clients and policies may trust: read-only, as in PostgreSQL.
            if st.name == "is_superuser" { throw SQLError("55P02", "parameter \"is_superuser\" cannot be changed") }
            try requireSuperuser("set session authorization")
            return try body()
        case .createSchema: try requireSuperuser("create schemas")
        case .show(let name) where name == "audit_redact_literals" || name == "audit_retention_days":
            // Catalog-wide settings (ALTER SYSTEM), shown with their defaults.
            let value = access.snapshot.settings[name] ?? (name == "audit_redact_literals" ? "on" : "365")
            var done = false
            return QueryResult(fields: [Field(name: name, type: .text)], returnsRows: true, commandTag: "SHOW", produce: {
                if done { return nil }
                done = true
                return Batch(columns: [Vector.from([.string(value)], type: .text)], count: 1)
            })
        case .insert(let ins):
            // No INSERT privilege is modelled: superusers and the table's owner write.
            if try database.catalog.lookup(schema: ins.table.schema, name: ins.table.name) != nil {
                try requireOwner(ins.table, "insert into it")
            }
            return try body()
        case .reset(nil):
            // RESET ALL also resets the role, as in PostgreSQL; who is logged in does not change.
            let result = try body()
            access.role = nil
            settings["role"] = "none"
            settings["session_authorization"] = access.sessionUser
            settings["is_superuser"] = access.isSuperuser ? "on" : "off"
            return result
        case .reset(let name?) where name == "is_superuser" || name == "session_authorization":
            if name == "is_superuser" { throw SQLError("55P02", "parameter \"is_superuser\" cannot be changed") }
            settings["session_authorization"] = access.sessionUser
            return QueryResult(fields: [], returnsRows: false, commandTag: "RESET", produce: { nil })
        case .drop(let d):
            if d.kind == .schema {
                for n in d.names {
                    let owner = access.snapshot.schemas[n.name]
                    if !access.isSuperuser, owner.map({ !access.snapshot.effectiveRoles(of: access.currentUser).contains($0) }) ?? false {
                        throw SQLError(SQLState.insufficientPrivilege, "must be owner of schema \(n.name)")
                    }
                }
            } else {
                for n in d.names where try database.catalog.lookup(schema: n.schema, name: n.name) != nil {
                    try requireOwner(n, "drop it")
                }
            }
        default:
            return try body()
        }
        for name in created {
            try requireCreate(in: name.schema ?? "public")
            // Replacing (or re-declaring) someone else's relation needs its ownership, as in PostgreSQL.
            if !access.isSuperuser, let owner = access.snapshot.relations[ref(name)]?.owner,
               !access.snapshot.effectiveRoles(of: access.currentUser).contains(owner) {
                throw SQLError(SQLState.insufficientPrivilege, "must be owner of relation \(name.name)")
            }
        }
        // The statement runs outside the write transaction (CREATE TABLE AS and external tables
        // may run long; other processes must keep writing meanwhile) against the in-memory catalog,
        // which `audited` brought up to date; the catalog write then re-checks for a relation
        // another process created in the meantime.
        let before = access.snapshot
        let result = try body()
        do {
            try g.store.write {
                let now = try g.store.snapshot()
                for name in created where before.relations[ref(name)] == nil && now.relations[ref(name)] != nil {
                    throw SQLError(SQLState.duplicateTable, "relation \"\(name.name)\" already exists",
                                   detail: "Another session created it while this statement ran.")
                }
                try persist(statement, before: now, owner: access.currentUser)
            }
            return result
        } catch {
            // Undo in memory what the rolled-back transaction did not keep.
            for name in created where before.relations[ref(name)] == nil {
                database.catalog.remove(schema: name.schema, name: name.name)
            }
            try? database.synchronizeCatalog(force: true)
            throw error
        }
    }

    private func persist(_ statement: Statement, before: GovernanceSnapshot, owner: String) throws {
        guard let g = database.governance else { return }
        func record(_ name: QualifiedName, kind: StoredRelationKind?) throws {
            let r = ref(name)
            guard let object = try database.catalog.lookup(schema: r.schema, name: r.name) else { return }
            // IF NOT EXISTS on an existing relation, and OR REPLACE, keep the original owner.
            let keptOwner = before.relations[r]?.owner ?? owner
            let q = SQLPrinter.quoteIdentifier(r.schema) + "." + SQLPrinter.quoteIdentifier(r.name)
            let stored: RelationRecord
            switch object {
            case .table(let source):
                guard let table = source as? MemoryTable else { return }
                let columns = table.fields.map { SQLPrinter.quoteIdentifier($0.name) + " " + $0.type.description + ($0.nullable ? "" : " NOT NULL") }
                stored = RelationRecord(ref: r, kind: .table, owner: keptOwner, createSQL: "CREATE TABLE \(q) (\(columns.joined(separator: ", ")))")
            case .view(var view):
                let columns = view.columnNames.map { " (" + $0.map(SQLPrinter.quoteIdentifier).joined(separator: ", ") + ")" } ?? ""
                stored = RelationRecord(ref: r, kind: kind ?? .view, owner: keptOwner, createSQL: "CREATE VIEW \(q)\(columns) AS \(view.sql)")
                if view.owner != keptOwner {
                    view.owner = keptOwner
                    try database.catalog.add(schema: r.schema, name: r.name, object: .view(view), replace: true)
                }
            }
            if before.relations[r] == stored { return }
            try g.store.putRelation(stored)
            g.lock.withLock { g.loaded[r] = stored }
        }
        switch statement {
        case .createTable(let ct): try record(ct.name, kind: nil)
        case .createTableAs(let ctas): try record(ctas.name, kind: nil)
        case .createView(let cv): try record(cv.name, kind: .view)
        case .createExternalTable(let e): try record(e.name, kind: before.relations[ref(e.name)]?.kind ?? .external)
        case .createSchema(let name, _):
            if before.schemas[name] == nil { try g.store.putSchema(name, owner: owner) }
            _ = g.lock.withLock { g.loadedSchemas.insert(name) }
        case .drop(let d):
            for name in d.names {
                if d.kind == .schema {
                    if before.schemas[name.name] != nil { try g.store.deleteSchema(name.name) }
                    g.lock.withLock {
                        g.loadedSchemas.remove(name.name)
                        for r in g.loaded.keys where r.schema == name.name { g.loaded[r] = nil }
                    }
                } else {
                    let r = ref(name)
                    if before.relations[r] != nil || before.rowLevelSecurity.contains(r) { try g.store.deleteRelation(r) }
                    g.lock.withLock { g.loaded[r] = nil }
                }
            }
        default:
            break
        }
    }

    // MARK: Governance statements

    func runGovernance(_ statement: GovernanceStatement, text: String) throws -> QueryResult {
        func done(_ tag: String) -> QueryResult { QueryResult(fields: [], returnsRows: false, commandTag: tag, produce: { nil }) }
        guard let g = database.governance, let access = catalogAccess else {
            if case .setRole(let role) = statement {
                if let role, role != accessControl.currentUser {
                    throw SQLError(SQLState.invalidParameterValue, "role \"\(role)\" does not exist")
                }
                return done("SET")
            }
            throw SQLError(SQLState.featureNotSupported, "roles, grants and policies need a catalog",
                           hint: "Start lakesql with --catalog FILE (or set DatabaseOptions.catalogPath).")
        }
        let store = g.store
        let s = access.snapshot
        switch statement {
        case .createRole(let c):
            try requireSuperuser("create roles")
            let role = RoleRecord(name: c.name, canLogin: c.options.login ?? c.isUser, isSuperuser: c.options.superuser ?? false,
                                  passwordVerifier: try verifier(c.options.password ?? nil))
            try store.createRole(role, ifNotExists: c.ifNotExists, inRoles: c.options.inRoles)
            return done("CREATE ROLE")
        case .alterRole(let a):
            let ownPassword = a.name == access.sessionUser && a.options.login == nil && a.options.superuser == nil
            if !ownPassword { try requireSuperuser("alter roles") }
            try store.alterRole(a.name, passwordVerifier: try a.options.password.map { try verifier($0) },
                                canLogin: a.options.login, isSuperuser: a.options.superuser)
            return done("ALTER ROLE")
        case .dropRole(let names, let ifExists, _):
            try requireSuperuser("drop roles")
            try store.write {
                for name in names {
                    if name == access.sessionUser { throw SQLError("55006", "session user cannot be dropped") }
                    if name == access.currentUser { throw SQLError("55006", "current user cannot be dropped") }
                    try store.dropRole(name, ifExists: ifExists)
                }
            }
            return done("DROP ROLE")
        case .grantRole(let roles, let members), .revokeRole(let roles, let members):
            try requireSuperuser("grant or revoke roles")
            let isGrant: Bool
            if case .grantRole = statement { isGrant = true } else { isGrant = false }
            try store.write {
                for r in roles {
                    for m in members { if isGrant { try store.grantRole(r, to: m) } else { try store.revokeRole(r, from: m) } }
                }
            }
            return done(isGrant ? "GRANT ROLE" : "REVOKE ROLE")
        case .grant(let p), .revoke(let p):
            let isGrant: Bool
            if case .grant = statement { isGrant = true } else { isGrant = false }
            let records = try grantRecords(p, snapshot: s)
            try store.write { for r in records { if isGrant { try store.grant(r) } else { try store.revoke(r) } } }
            return done(isGrant ? "GRANT" : "REVOKE")
        case .setRole(let role):
            guard let role else {
                access.role = nil
                settings["role"] = "none"
                settings["is_superuser"] = s.isSuperuser(access.sessionUser) ? "on" : "off"
                return done("SET")
            }
            guard s.roles[role] != nil else { throw SQLError(SQLState.invalidParameterValue, "role \"\(role)\" does not exist") }
            guard s.isSuperuser(access.sessionUser) || s.effectiveRoles(of: access.sessionUser).contains(role) else {
                throw SQLError(SQLState.insufficientPrivilege, "permission denied to set role \"\(role)\"")
            }
            access.role = role == access.sessionUser ? nil : role
            settings["role"] = role
            settings["is_superuser"] = s.isSuperuser(role) ? "on" : "off"
            return done("SET")
        case .createMaskingPolicy(let m):
            try requireSuperuser("create masking policies")
            let record = MaskingPolicyRecord(name: m.name, parameterName: m.parameterName,
                                             parameterType: try typeText(m.parameterType), returnType: try typeText(m.returnType),
                                             bodySQL: m.bodyText)
            try validateMaskBody(record)
            try store.createMaskingPolicy(record, orReplace: m.orReplace, ifNotExists: m.ifNotExists)
            return done("CREATE MASKING POLICY")
        case .dropMaskingPolicy(let name, let ifExists):
            try requireSuperuser("drop masking policies")
            try store.dropMaskingPolicy(name, ifExists: ifExists)
            return done("DROP MASKING POLICY")
        case .alterColumnMaskingPolicy(let table, let column, let policy):
            // Attaching a policy makes its body run on values the table's writer chose: an owner
            // could hash guesses with mask_hash's catalog key. Only superusers attach policies.
            if policy != nil { try requireSuperuser("set masking policies") }
            try requireOwner(table, "set masking policies on it")
            let c = ColumnRef(table: ref(table), column: try checkedColumn(table, column))
            if let policy { try store.setColumnMask(c, policy: policy) } else { try store.unsetColumnMask(c) }
            return done("ALTER TABLE")
        case .createTag(let name, let ifNotExists):
            try requireSuperuser("create tags")
            try store.createTag(name, ifNotExists: ifNotExists)
            return done("CREATE TAG")
        case .dropTag(let name, let ifExists):
            try requireSuperuser("drop tags")
            try store.dropTag(name, ifExists: ifExists)
            return done("DROP TAG")
        case .alterColumnTag(let table, let column, let tag, let set):
            // A tag brings its masking policies (see SET MASKING POLICY above).
            if set { try requireSuperuser("tag columns") }
            try requireOwner(table, "tag its columns")
            let c = ColumnRef(table: ref(table), column: try checkedColumn(table, column))
            if set { try store.setColumnTag(c, tag: tag) } else { try store.unsetColumnTag(c, tag: tag) }
            return done("ALTER TABLE")
        case .alterTagMaskingPolicy(let tag, let policy, let set):
            try requireSuperuser("alter tags")
            if set, let policy { try store.setTagPolicy(tag: tag, policy: policy) } else { try store.unsetTagPolicy(tag: tag, policy: policy) }
            return done("ALTER TAG")
        case .alterRowLevelSecurity(let table, let enabled):
            try requireOwner(table, "change its row-level security")
            try store.setRowLevelSecurity(ref(table), enabled: enabled)
            return done("ALTER TABLE")
        case .createRowPolicy(let p):
            try requireOwner(p.table, "create policies on it")
            try validateUsing(p.usingText, on: p.table)
            try store.createRowPolicy(RowPolicyRecord(table: ref(p.table), name: p.name, roles: p.roles, usingSQL: p.usingText),
                                      orReplace: p.orReplace)
            return done("CREATE POLICY")
        case .dropRowPolicy(let name, let table, let ifExists):
            try requireOwner(table, "drop its policies")
            try store.dropRowPolicy(name, on: ref(table), ifExists: ifExists)
            return done("DROP POLICY")
        case .alterOwner(let kind, let name, let owner):
            // PostgreSQL: superusers, or the current owner when it is a member of the new owner.
            if !access.isSuperuser {
                let current = kind == .schema ? s.schemas[name.name] : s.relations[ref(name)]?.owner
                let roles = s.effectiveRoles(of: access.currentUser)
                guard let current, roles.contains(current), roles.contains(owner) else {
                    throw SQLError(SQLState.insufficientPrivilege, "must be owner of \(kind.rawValue) \(name.name) and a member of role \"\(owner)\"")
                }
            }
            if kind == .schema { try store.setSchemaOwner(name.name, to: owner) } else { try store.setOwner(of: ref(name), to: owner) }
            try database.synchronizeCatalog()
            return done("ALTER \(kind.rawValue.uppercased())")
        case .alterSystem(let name, let value):
            try requireSuperuser("change system settings")
            try store.setSetting(name, try checkedSystemSetting(name, value))
            if name == "audit_retention_days" {
                try store.pruneAudit(olderThanDays: Database.retentionDays(try store.snapshot()), now: Clock.nowMicros())
            }
            return done("ALTER SYSTEM")
        }
    }

    /// Stored verifier for a PASSWORD clause: an existing SCRAM verifier is kept as given
    /// (as PostgreSQL does, for dumps); '' means no password.
    private func verifier(_ password: String?) throws -> String? {
        guard let password, !password.isEmpty else { return nil }
        if ScramVerifier.parse(password) != nil { return password }
        return try ScramVerifier.make(password: password)
    }

    /// Binds the body once (never runs it), so a typo is reported at CREATE time rather than
    /// denying every query later (which fail-closed binding would).
    private func validateMaskBody(_ p: MaskingPolicyRecord) throws {
        let sql = "SELECT (\(p.bodySQL)) FROM (SELECT CAST(NULL AS \(p.parameterType)) AS \(SQLPrinter.quoteIdentifier(p.parameterName))) AS masking_policy_input"
        let parsed = try Parser.parse(sql)
        guard parsed.count == 1, case .query(let query) = parsed[0].statement else {
            throw SQLError(SQLState.syntaxError, "the body of masking policy \(p.name) must be one expression")
        }
        let bound = try makeBinder().bind(query)
        // Run below the policy barrier on raw values, a body that can fail is an oracle.
        if let bad = ErrorFreeExpressions.offendingPart(bound.plan, mode: .maskingPolicy) { throw ErrorFreeExpressions.refusal(bad) }
        let returned = bound.plan.fields.first?.type ?? .null
        let declared = try CatalogAccessControl.resolveType(p.returnType)
        if returned != .null, returned != declared, !(returned.isString && declared.isString), !CatalogAccessControl.sameFamily(returned, declared) {
            throw SQLError(SQLState.datatypeMismatch, "the body of masking policy \(p.name) returns \(returned), not \(declared)")
        }
    }

    /// Binds a row policy's USING expression against its table when the table exists.
    private func validateUsing(_ text: String, on table: QualifiedName) throws {
        guard try database.catalog.lookup(schema: table.schema, name: table.name) != nil else { return }
        let sql = "SELECT 1 FROM \(SQLPrinter.quoteIdentifier(table.schema ?? "public")).\(SQLPrinter.quoteIdentifier(table.name)) WHERE (\(text))"
        let parsed = try Parser.parse(sql)
        guard parsed.count == 1, case .query(let query) = parsed[0].statement else {
            throw SQLError(SQLState.syntaxError, "a policy's USING must be one expression")
        }
        let bound = try makeBinder().bind(query)
        // Run below the policy barrier on raw rows, a USING that can fail is an oracle; and
        // mask_hash (the catalog's key) belongs to masking policies, which only superusers write.
        if let bad = ErrorFreeExpressions.offendingPart(bound.plan, mode: .rowPolicy) { throw ErrorFreeExpressions.refusal(bad) }
    }

    private func typeText(_ t: TypeName) throws -> String {
        let text = SQLPrinter.print(t)
        _ = try CatalogAccessControl.resolveType(text)
        return text
    }

    /// The column name, checked against the relation when it exists (policies may be declared
    /// for lake tables that appear later).
    private func checkedColumn(_ table: QualifiedName, _ column: String) throws -> String {
        guard let object = try database.catalog.lookup(schema: table.schema, name: table.name) else { return column }
        let names: [String]
        switch object {
        case .table(let source): names = source.fields.map(\.name)
        case .view(let view): names = try view.columnNames ?? makeBinder().bind(view.query).names
        }
        guard names.contains(column) else {
            throw SQLError(SQLState.undefinedColumn, "column \"\(column)\" of relation \"\(table.name)\" does not exist")
        }
        return column
    }

    private func grantRecords(_ p: PrivilegeGrant, snapshot s: GovernanceSnapshot) throws -> [GrantRecord] {
        var records: [GrantRecord] = []
        for grantee in p.grantees {
            switch p.target {
            case .files:
                try requireSuperuser("grant READ FILES")
                records.append(GrantRecord(grantee: grantee, privilege: .readFiles, objectType: .files, objectName: ""))
            case .relations(let names):
                for n in names {
                    try requireOwner(n, "grant privileges on it")
                    records.append(GrantRecord(grantee: grantee, privilege: .select, objectType: .table, objectName: ref(n).description))
                }
            case .allTablesInSchemas(let schemas):
                try requireSuperuser("grant on all tables in a schema")
                for schema in schemas {
                    records.append(GrantRecord(grantee: grantee, privilege: .select, objectType: .schema, objectName: schema))
                }
            case .schemas(let schemas):
                try requireSuperuser("grant CREATE on schemas")
                for schema in schemas {
                    records.append(GrantRecord(grantee: grantee, privilege: .create, objectType: .schema, objectName: schema))
                }
            }
        }
        return records
    }

    private func checkedSystemSetting(_ name: String, _ value: String?) throws -> String? {
        guard let value else { return nil }
        switch name {
        case "audit_redact_literals":
            switch value.lowercased() {
            case "on", "true", "yes", "1": return "on"
            case "off", "false", "no", "0": return "off"
            default: break
            }
        case "audit_retention_days":
            if let days = Double(value), days >= 0, days.isFinite { return value }
        default:
            throw SQLError(SQLState.undefinedObject, "unrecognized configuration parameter \"\(name)\"",
                           hint: "ALTER SYSTEM knows audit_redact_literals and audit_retention_days.")
        }
        throw SQLError(SQLState.invalidParameterValue, "invalid value for parameter \"\(name)\": \"\(value)\"")
    }
}
