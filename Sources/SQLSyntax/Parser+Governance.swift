// Grammar of the governance statements (see Grammar/lakesql.ebnf, section
// "Governance"): roles and users, GRANT/REVOKE, SET ROLE, masking policies,
// tags, row-level security, row policies and ALTER SYSTEM. The statement
// parser hands over to these functions at CREATE/DROP/ALTER/GRANT/REVOKE/SET/RESET.

import Columnar

extension Parser {
    /// After CREATE [OR REPLACE]: ROLE, USER, MASKING POLICY, TAG, POLICY; nil for anything else.
    func parseCreateGovernance(orReplace: Bool) throws -> Statement? {
        if current.isKeyword("role") || current.isKeyword("user") {
            if orReplace { throw syntaxError(expected: ["VIEW", "MASKING POLICY", "POLICY"]) }
            let isUser = current.isKeyword("user")
            advance()
            let ifNotExists = try parseIfNotExistsClause()
            let name = try parseRoleName()
            let options = try parseRoleOptions(allowInRole: true)
            return .governance(.createRole(CreateRoleStatement(name: name, isUser: isUser, ifNotExists: ifNotExists, options: options)))
        }
        if accept("masking") {
            try expect("policy")
            let ifNotExists = try parseIfNotExistsClause()
            let name = try parseIdentifier("masking policy name")
            try expect("as")
            try expectPunct("(")
            let parameter = try parseIdentifier("parameter name")
            let parameterType = try parseTypeName()
            try expectPunct(")")
            try expect("returns")
            let returnType = try parseTypeName()
            guard acceptOp("->") else { throw syntaxError(expected: ["\"->\""]) }
            let start = current.start
            let body = try parseExpr()
            return .governance(.createMaskingPolicy(CreateMaskingPolicyStatement(
                name: name, parameterName: parameter, parameterType: parameterType, returnType: returnType, body: body,
                bodyText: sourceText(from: start, to: previousEnd), orReplace: orReplace, ifNotExists: ifNotExists)))
        }
        if current.isKeyword("tag") {
            if orReplace { throw syntaxError(expected: ["VIEW", "MASKING POLICY", "POLICY"]) }
            advance()
            let ifNotExists = try parseIfNotExistsClause()
            return .governance(.createTag(name: try parseIdentifier("tag name"), ifNotExists: ifNotExists))
        }
        if accept("policy") {
            let name = try parseIdentifier("policy name")
            try expect("on")
            let table = try parseQualifiedName()
            if accept("as") {
                if accept("restrictive") { throw error(SQLState.featureNotSupported, "restrictive row policies are not supported") }
                try expect("permissive")
            }
            if accept("for") {
                if !accept("select") && !accept("all") {
                    throw error(SQLState.featureNotSupported, "only FOR SELECT (or ALL) row policies are supported: LakeSQL tables are read-only")
                }
            }
            var roles = ["public"]
            if accept("to") { roles = try parseGranteeList() }
            try expect("using")
            try expectPunct("(")
            let start = current.start
            let expr = try parseExpr()
            let text = sourceText(from: start, to: previousEnd)
            try expectPunct(")")
            return .governance(.createRowPolicy(CreateRowPolicyStatement(name: name, table: table, roles: roles, using: expr,
                                                                         usingText: text, orReplace: orReplace)))
        }
        return nil
    }

    /// After DROP: ROLE, USER, MASKING POLICY, TAG, POLICY; nil for anything else.
    func parseDropGovernance() throws -> Statement? {
        if current.isKeyword("role") || current.isKeyword("user") {
            let isUser = current.isKeyword("user")
            advance()
            let ifExists = try parseIfExistsClause()
            var names = [try parseRoleName()]
            while acceptPunct(",") { names.append(try parseRoleName()) }
            return .governance(.dropRole(names: names, ifExists: ifExists, isUser: isUser))
        }
        if accept("masking") {
            try expect("policy")
            let ifExists = try parseIfExistsClause()
            return .governance(.dropMaskingPolicy(name: try parseIdentifier("masking policy name"), ifExists: ifExists))
        }
        if current.isKeyword("tag") {
            advance()
            let ifExists = try parseIfExistsClause()
            return .governance(.dropTag(name: try parseIdentifier("tag name"), ifExists: ifExists))
        }
        if accept("policy") {
            let ifExists = try parseIfExistsClause()
            let name = try parseIdentifier("policy name")
            try expect("on")
            return .governance(.dropRowPolicy(name: name, table: try parseQualifiedName(), ifExists: ifExists))
        }
        return nil
    }

    /// ALTER ROLE/USER, ALTER TABLE (masks, tags, row-level security), ALTER TAG, ALTER SYSTEM.
    func parseAlter() throws -> Statement {
        try expect("alter")
        if current.isKeyword("role") || current.isKeyword("user") {
            let isUser = current.isKeyword("user")
            advance()
            let name = try parseRoleName()
            let options = try parseRoleOptions(allowInRole: false)
            if options == RoleOptions() { throw syntaxError(expected: ["PASSWORD", "LOGIN", "NOLOGIN", "SUPERUSER", "NOSUPERUSER"]) }
            return .governance(.alterRole(AlterRoleStatement(name: name, isUser: isUser, options: options)))
        }
        if current.isKeyword("view") || current.isKeyword("schema") {
            let kind: ObjectKind = current.isKeyword("view") ? .view : .schema
            advance()
            let name = kind == .schema ? QualifiedName([try parseIdentifier("schema name")]) : try parseQualifiedName()
            try expect("owner")
            try expect("to")
            return .governance(.alterOwner(kind: kind, name: name, owner: try parseRoleName()))
        }
        if accept("table") {
            let table = try parseQualifiedName()
            if accept("owner") {
                try expect("to")
                return .governance(.alterOwner(kind: .table, name: table, owner: try parseRoleName()))
            }
            if accept("enable") || current.isKeyword("disable") {
                let enabled = previousToken.isKeyword("enable")
                if !enabled { advance() }
                try expect("row")
                try expect("level")
                try expect("security")
                return .governance(.alterRowLevelSecurity(table: table, enabled: enabled))
            }
            try expect("alter")
            _ = accept("column")
            let column = try parseIdentifier("column name")
            let set: Bool
            if accept("set") { set = true } else if accept("unset") { set = false } else { throw syntaxError(expected: ["SET", "UNSET"]) }
            if accept("masking") {
                try expect("policy")
                if set { return .governance(.alterColumnMaskingPolicy(table: table, column: column, policy: try parseIdentifier("masking policy name"))) }
                return .governance(.alterColumnMaskingPolicy(table: table, column: column, policy: nil))
            }
            try expect("tag")
            return .governance(.alterColumnTag(table: table, column: column, tag: try parseIdentifier("tag name"), set: set))
        }
        if current.isKeyword("tag") {
            advance()
            let tag = try parseIdentifier("tag name")
            let set: Bool
            if accept("set") { set = true } else if accept("unset") { set = false } else { throw syntaxError(expected: ["SET", "UNSET"]) }
            try expect("masking")
            try expect("policy")
            if set { return .governance(.alterTagMaskingPolicy(tag: tag, policy: try parseIdentifier("masking policy name"), set: true)) }
            let policy = isColumnNameToken(current) ? try parseIdentifier() : nil
            return .governance(.alterTagMaskingPolicy(tag: tag, policy: policy, set: false))
        }
        if accept("system") {
            if accept("reset") { return .governance(.alterSystem(name: try parseSystemSettingName(), value: nil)) }
            try expect("set")
            let name = try parseSystemSettingName()
            guard accept("to") || acceptOp("=") else { throw syntaxError(expected: ["TO", "\"=\""]) }
            if accept("default") { return .governance(.alterSystem(name: name, value: nil)) }
            let token = current
            switch token.kind {
            case .identifier, .quotedIdentifier, .string, .integer, .decimal:
                advance()
                return .governance(.alterSystem(name: name, value: token.text))
            default:
                throw syntaxError(expected: ["setting value"])
            }
        }
        throw syntaxError(expected: ["ROLE", "USER", "TABLE", "VIEW", "SCHEMA", "TAG", "SYSTEM"])
    }

    /// GRANT … TO … and REVOKE … FROM …, for privileges and for role memberships.
    func parseGrantOrRevoke() throws -> Statement {
        let isGrant = current.isKeyword("grant")
        advance()
        let privilege: GrantPrivilege?
        if current.isKeyword("select"), peek().isKeyword("on") {
            advance(); privilege = .select
        } else if current.isKeyword("read"), peek().isKeyword("files") {
            advance(); advance(); privilege = .readFiles
        } else if current.isKeyword("create"), peek().isKeyword("on") {
            advance(); privilege = .create
        } else {
            privilege = nil
        }
        guard let privilege else {
            var roles = [try parseRoleName()]
            while acceptPunct(",") { roles.append(try parseRoleName()) }
            try expect(isGrant ? "to" : "from")
            let members = try parseGranteeList()
            return .governance(isGrant ? .grantRole(roles: roles, members: members) : .revokeRole(roles: roles, members: members))
        }
        var target = GrantTarget.files
        if privilege != .readFiles {
            try expect("on")
            if privilege == .create {
                try expect("schema")
                var names = [try parseIdentifier("schema name")]
                while acceptPunct(",") { names.append(try parseIdentifier("schema name")) }
                target = .schemas(names)
            } else if accept("all") {
                try expect("tables")
                try expect("in")
                try expect("schema")
                var names = [try parseIdentifier("schema name")]
                while acceptPunct(",") { names.append(try parseIdentifier("schema name")) }
                target = .allTablesInSchemas(names)
            } else {
                _ = accept("table") || accept("view")
                var names = [try parseQualifiedName()]
                while acceptPunct(",") { names.append(try parseQualifiedName()) }
                target = .relations(names)
            }
        }
        try expect(isGrant ? "to" : "from")
        let grantees = try parseGranteeList()
        let grant = PrivilegeGrant(privilege: privilege, target: target, grantees: grantees)
        return .governance(isGrant ? .grant(grant) : .revoke(grant))
    }

    /// After SET [SESSION | LOCAL] ROLE: a role name, a string, or NONE.
    func parseSetRoleTail() throws -> Statement {
        _ = accept("to") || acceptOp("=")
        if accept("none") { return .governance(.setRole(nil)) }
        if current.kind == .string {
            let name = current.text
            advance()
            return .governance(.setRole(name))
        }
        return .governance(.setRole(try parseRoleName()))
    }

    // MARK: Pieces

    /// A role name (any word but reserved ones, or a quoted identifier).
    func parseRoleName() throws -> String {
        let token = current
        if isColumnNameToken(token) {
            advance()
            return token.text
        }
        throw syntaxError(expected: ["role name"])
    }

    /// Grantees: role names, PUBLIC, optionally preceded by GROUP.
    func parseGranteeList() throws -> [String] {
        var names: [String] = []
        repeat {
            _ = accept("group")
            names.append(try parseRoleName())
        } while acceptPunct(",")
        return names
    }

    /// [WITH] LOGIN | NOLOGIN | SUPERUSER | NOSUPERUSER | PASSWORD 'x' | PASSWORD NULL | IN ROLE r, …
    func parseRoleOptions(allowInRole: Bool) throws -> RoleOptions {
        var options = RoleOptions()
        _ = accept("with")
        while true {
            if accept("login") { options.login = true }
            else if accept("nologin") { options.login = false }
            else if accept("superuser") { options.superuser = true }
            else if accept("nosuperuser") { options.superuser = false }
            else if accept("password") {
                if accept("null") { options.password = .some(nil) }
                else {
                    guard current.kind == .string else { throw syntaxError(expected: ["a string literal", "NULL"]) }
                    options.password = .some(current.text)
                    advance()
                }
            } else if allowInRole, current.isKeyword("in"), peek().isKeyword("role") || peek().isKeyword("group") {
                advance(); advance()
                repeat { options.inRoles.append(try parseRoleName()) } while acceptPunct(",")
            } else { return options }
        }
    }

    func parseIfNotExistsClause() throws -> Bool {
        guard current.isKeyword("if"), peek().isKeyword("not") else { return false }
        advance(); advance()
        try expect("exists")
        return true
    }

    func parseIfExistsClause() throws -> Bool {
        guard current.isKeyword("if"), peek().isKeyword("exists") else { return false }
        advance(); advance()
        return true
    }

    private func parseSystemSettingName() throws -> String {
        var name = try parseLabel()
        while acceptPunct(".") { name += "." + (try parseLabel()) }
        return name.lowercased()
    }

    var previousToken: Token { tokens[max(0, pos - 1)] }
}
