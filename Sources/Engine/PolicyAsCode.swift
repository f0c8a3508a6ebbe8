// Policy as code: every role, membership, grant, tag, masking policy, column
// mask and tag, row-level-security flag, row policy and audit setting as
// idempotent SQL (CREATE … IF NOT EXISTS / OR REPLACE, GRANT, ALTER … SET),
// and applying such a file in one catalog transaction, all or nothing.
// Applying adds and updates; it does not drop what the file does not name.
// Passwords are not exported (set them out of band with ALTER USER).

import Catalog
import Columnar
import SQLSyntax

extension Database {
    /// The catalog's policies as a SQL script (deterministic order, so exports diff well).
    public func exportPolicies() throws -> String {
        guard let store = catalogStore else {
            throw SQLError(SQLState.featureNotSupported, "policy export needs a catalog (--catalog FILE)")
        }
        let s = try store.snapshot()
        func q(_ name: String) -> String { SQLPrinter.quoteIdentifier(name) }
        func table(_ r: RelationRef) -> String { q(r.schema) + "." + q(r.name) }
        var lines = ["-- LakeSQL policies exported from \(store.path)", "-- Apply with: lakesql policy apply FILE", ""]
        lines.append("-- Roles and users")
        for r in s.roles.values.sorted(by: { $0.name < $1.name }) {
            let attributes = (r.canLogin ? " LOGIN" : " NOLOGIN") + (r.isSuperuser ? " SUPERUSER" : " NOSUPERUSER")
            lines.append("CREATE ROLE IF NOT EXISTS \(q(r.name))\(attributes);")
            lines.append("ALTER ROLE \(q(r.name))\(attributes);")
        }
        lines.append("")
        lines.append("-- Memberships")
        for (member, roles) in s.directMemberships.sorted(by: { $0.key < $1.key }) {
            for role in roles.sorted() { lines.append("GRANT \(q(role)) TO \(q(member));") }
        }
        lines.append("")
        lines.append("-- Privileges")
        for g in s.grants.sorted() {
            switch (g.privilege, g.objectType) {
            case (.readFiles, _): lines.append("GRANT READ FILES TO \(q(g.grantee));")
            case (.create, _): lines.append("GRANT CREATE ON SCHEMA \(q(g.objectName)) TO \(q(g.grantee));")
            case (.select, .schema): lines.append("GRANT SELECT ON ALL TABLES IN SCHEMA \(q(g.objectName)) TO \(q(g.grantee));")
            case (.select, _):
                let parts = g.objectName.split(separator: ".", maxSplits: 1).map(String.init)
                let name = parts.count == 2 ? q(parts[0]) + "." + q(parts[1]) : q(g.objectName)
                lines.append("GRANT SELECT ON TABLE \(name) TO \(q(g.grantee));")
            }
        }
        lines.append("")
        lines.append("-- Masking policies")
        for p in s.maskingPolicies.values.sorted(by: { $0.name < $1.name }) {
            lines.append("CREATE OR REPLACE MASKING POLICY \(q(p.name)) AS (\(q(p.parameterName)) \(p.parameterType)) RETURNS \(p.returnType) ->\n  \(p.bodySQL);")
        }
        lines.append("")
        lines.append("-- Tags")
        for t in s.tags.sorted() { lines.append("CREATE TAG IF NOT EXISTS \(q(t));") }
        for (t, policies) in s.tagPolicies.sorted(by: { $0.key < $1.key }) {
            for p in policies.sorted() { lines.append("ALTER TAG \(q(t)) SET MASKING POLICY \(q(p));") }
        }
        for (c, tags) in s.columnTags.sorted(by: { $0.key < $1.key }) {
            for t in tags.sorted() { lines.append("ALTER TABLE \(table(c.table)) ALTER COLUMN \(q(c.column)) SET TAG \(q(t));") }
        }
        lines.append("")
        lines.append("-- Column masks")
        for (c, p) in s.columnMasks.sorted(by: { $0.key < $1.key }) {
            lines.append("ALTER TABLE \(table(c.table)) ALTER COLUMN \(q(c.column)) SET MASKING POLICY \(q(p));")
        }
        lines.append("")
        lines.append("-- Row-level security")
        for t in s.rowLevelSecurity.sorted() { lines.append("ALTER TABLE \(table(t)) ENABLE ROW LEVEL SECURITY;") }
        for (t, policies) in s.rowPolicies.sorted(by: { $0.key < $1.key }) {
            for p in policies {
                lines.append("CREATE OR REPLACE POLICY \(q(p.name)) ON \(table(t)) FOR SELECT TO \(p.roles.map(q).joined(separator: ", ")) USING (\(p.usingSQL));")
            }
        }
        lines.append("")
        lines.append("-- Audit settings")
        for name in ["audit_redact_literals", "audit_retention_days"] {
            if let v = s.settings[name] { lines.append("ALTER SYSTEM SET \(name) = \(SQLPrinter.quoteString(v));") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Runs a policy script as the catalog owner in one transaction: every statement or none.
    public func applyPolicies(_ sql: String) throws {
        guard let store = catalogStore else {
            throw SQLError(SQLState.featureNotSupported, "policy apply needs a catalog (--catalog FILE)")
        }
        let session = connectOwner(client: "policy apply")
        do {
            try store.write {
                try session.executeScript(sql) { result in while try result.next() != nil {} }
            }
        } catch {
            try? synchronizeCatalog(force: true)
            // The statements' own audit entries were rolled back with them: record the attempt.
            if let access = session.accessControl as? CatalogAccessControl {
                appendAudit(AuditEntry(time: Clock.nowMicros(), user: access.sessionUser, roles: access.activeRoles, client: access.client,
                                       statement: "-- policy apply (rolled back)", sqlState: (error as? SQLError)?.sqlState ?? SQLState.internalError),
                            store: store)
            }
            throw error
        }
    }
}
