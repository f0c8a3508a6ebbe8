// Statement grammar: queries, INSERT, CREATE TABLE / TABLE AS / VIEW / SCHEMA,
// DROP, EXPLAIN, SET / SHOW / RESET, and transaction control.

import Columnar

extension Parser {
    func parseStatement() throws -> Statement {
        let token = current
        guard token.kind == .identifier || token.isPunct("(") else {
            throw syntaxError()
        }
        if token.isPunct("(") || isQueryStart() { return .query(try parseQuery()) }
        switch token.text {
        case "insert": return try parseInsert()
        case "create": return try parseCreate()
        case "drop": return try parseDrop()
        case "explain": return try parseExplain()
        case "set": return try parseSet()
        case "show": return try parseShow()
        case "reset": return try parseReset()
        case "alter": return try parseAlter()
        case "grant", "revoke": return try parseGrantOrRevoke()
        case "begin", "start", "commit", "end", "rollback", "abort", "savepoint", "release":
            return .transaction(try parseTransaction())
        default:
            throw syntaxError()
        }
    }

    private func parseInsert() throws -> Statement {
        try expect("insert")
        try expect("into")
        let table = try parseQualifiedName()
        var columns: [String]? = nil
        if current.isPunct("("), !isQueryStart(skippingParentheses: true) {
            columns = try parseIdentifierList()
        }
        guard current.isPunct("(") || isQueryStart() else {
            throw syntaxError(expected: ["VALUES", "SELECT", "WITH", "\"(\""])
        }
        return .insert(InsertStatement(table: table, columns: columns, source: try parseQuery()))
    }

    private func parseCreate() throws -> Statement {
        try expect("create")
        let orReplace = accept("or", "replace")
        if let governance = try parseCreateGovernance(orReplace: orReplace) { return governance }
        let temporary = accept("temp") || accept("temporary")
        if accept("view") {
            let name = try parseQualifiedName()
            let columns = current.isPunct("(") ? try parseIdentifierList() : nil
            try expect("as")
            let start = current.start
            let query = try parseQuery()
            let text = sourceText(from: start, to: previousEnd)
            return .createView(CreateViewStatement(name: name, columnNames: columns, query: query, orReplace: orReplace,
                                                   queryText: text))
        }
        if orReplace { throw syntaxError(expected: ["VIEW"]) }
        if !temporary, accept("external") {
            try expect("table")
            let ifNotExists = try parseIfNotExists()
            let name = try parseQualifiedName()
            let columns = current.isPunct("(") ? try parseExternalColumns(typesRequired: true) : []
            try expect("stored")
            try expect("as")
            let format = try parseIdentifier("file format")
            guard ["parquet", "csv", "json"].contains(format) else { throw syntaxError(expected: ["PARQUET", "CSV", "JSON"]) }
            try expect("location")
            let location = try parseStringLiteralValue()
            var partitions: [ColumnDefinition] = []
            var options: [(String, String)] = []
            while true {
                if accept("partitioned") {
                    try expect("by")
                    partitions = try parseExternalColumns(typesRequired: false)
                } else if accept("options") {
                    try expectPunct("(")
                    repeat {
                        let key = try parseIdentifier("option name")
                        options.append((key, try parseStringLiteralValue()))
                    } while acceptPunct(",")
                    try expectPunct(")")
                } else { break }
            }
            return .createExternalTable(CreateExternalTableStatement(name: name, columns: columns, format: format, location: location,
                                                                     partitionedBy: partitions, options: options, ifNotExists: ifNotExists))
        }
        if !temporary, current.isKeyword("index") || (current.isKeyword("unique") && peek().isKeyword("index")) {
            _ = accept("unique")
            try expect("index")
            _ = accept("concurrently")
            let ifNotExists = try parseIfNotExists()
            let name: String? = current.isKeyword("on") ? nil : try parseIdentifier("index name")
            _ = ifNotExists
            try expect("on")
            let table = try parseQualifiedName()
            if accept("using") { _ = try parseIdentifier("index method") }
            try expectPunct("(")
            var columns: [String] = []
            repeat {
                let e = try parseExpr()
                if case .column(let parts) = e.kind, let last = parts.last { columns.append(last) }
                _ = accept("asc") || accept("desc")
                if accept("nulls") { _ = accept("first") || accept("last") }
            } while acceptPunct(",")
            try expectPunct(")")
            return .createIndex(name: name, table: table, columns: columns)
        }
        if !temporary, accept("schema") {
            let ifNotExists = try parseIfNotExists()
            let name = try parseIdentifier("schema name")
            return .createSchema(name: name, ifNotExists: ifNotExists)
        }
        try expect("table")
        let ifNotExists = try parseIfNotExists()
        let name = try parseQualifiedName()
        if accept("as") {
            return .createTableAs(try parseCreateTableAsTail(name: name, columns: nil, ifNotExists: ifNotExists))
        }
        try expectPunct("(")
        // `CREATE TABLE t (a, b) AS query` names columns without types.
        if isColumnNameToken(current), peek().isPunct(",") || peek().isPunct(")") {
            var names = [try parseIdentifier()]
            while acceptPunct(",") { names.append(try parseIdentifier("column name")) }
            try expectPunct(")")
            try expect("as")
            return .createTableAs(try parseCreateTableAsTail(name: name, columns: names, ifNotExists: ifNotExists))
        }
        var columns: [ColumnDefinition] = []
        if !current.isPunct(")") {
            repeat {
                if let column = try parseTableElement() { columns.append(column) }
            } while acceptPunct(",")
        }
        try expectPunct(")")
        return .createTable(CreateTableStatement(name: name, columns: columns, ifNotExists: ifNotExists, temporary: temporary))
    }

    private func parseCreateTableAsTail(name: QualifiedName, columns: [String]?, ifNotExists: Bool) throws -> CreateTableAsStatement {
        let query = try parseQuery()
        if accept("with") {
            _ = accept("no")
            try expect("data")
        }
        return CreateTableAsStatement(name: name, columnNames: columns, query: query, ifNotExists: ifNotExists)
    }

    /// `(name type, …)` of an external table; partition columns may omit the type (text then).
    private func parseExternalColumns(typesRequired: Bool) throws -> [ColumnDefinition] {
        try expectPunct("(")
        var columns: [ColumnDefinition] = []
        repeat {
            let name = try parseIdentifier("column name")
            if !typesRequired && (current.isPunct(",") || current.isPunct(")")) {
                columns.append(ColumnDefinition(name: name, type: TypeName(name: "text")))
            } else {
                columns.append(ColumnDefinition(name: name, type: try parseTypeName()))
            }
        } while acceptPunct(",")
        try expectPunct(")")
        return columns
    }

    /// A string literal's value ('…', E'…' or $$…$$).
    private func parseStringLiteralValue() throws -> String {
        let e = try parseExpr()
        guard case .literal(.string(let value)) = e.kind else { throw syntaxError(expected: ["a string literal"]) }
        return value
    }

    private func parseIfNotExists() throws -> Bool {
        guard accept("if") else { return false }
        try expect("not")
        try expect("exists")
        return true
    }

    private func parseIfExists() throws -> Bool {
        guard accept("if") else { return false }
        try expect("exists")
        return true
    }

    /// A column definition, or a table constraint (accepted and ignored: returns nil).
    private func parseTableElement() throws -> ColumnDefinition? {
        if accept("constraint") { _ = try parseLabel() }
        if accept("primary") {
            try expect("key")
            _ = try parseIdentifierList()
            return nil
        }
        if accept("unique") { _ = try parseIdentifierList(); return nil }
        if accept("check") { try skipParenthesized(); return nil }
        if accept("foreign") {
            try expect("key")
            _ = try parseIdentifierList()
            try parseReferencesTail()
            return nil
        }
        let name = try parseIdentifier("column name")
        var column = ColumnDefinition(name: name, type: try parseTypeName())
        while true {
            if accept("constraint") { _ = try parseLabel() }
            if accept("not") {
                try expect("null")
                column.notNull = true
            } else if accept("null") {
                column.notNull = false
            } else if accept("default") {
                column.defaultValue = try parseBinary(Precedence.not + 1)
            } else if accept("primary") {
                try expect("key")
                column.notNull = true
            } else if accept("unique") {
                continue
            } else if accept("check") {
                try skipParenthesized()
            } else if accept("collate") {
                _ = try parseLabel()
            } else if current.isKeyword("references") {
                try parseReferencesTail()
            } else {
                return column
            }
        }
    }

    /// REFERENCES table [(columns)] — accepted and ignored.
    private func parseReferencesTail() throws {
        try expect("references")
        _ = try parseQualifiedName()
        if current.isPunct("(") { _ = try parseIdentifierList() }
    }

    /// Skips a balanced parenthesised group (CHECK constraints are not enforced).
    private func skipParenthesized() throws {
        try expectPunct("(")
        var level = 1
        while level > 0 {
            if current.kind == .eof { throw syntaxError(expected: ["\")\""]) }
            if current.isPunct("(") { level += 1 }
            if current.isPunct(")") { level -= 1 }
            advance()
        }
    }

    private func parseDrop() throws -> Statement {
        try expect("drop")
        if let governance = try parseDropGovernance() { return governance }
        let kind: ObjectKind
        if accept("table") { kind = .table }
        else if accept("view") { kind = .view }
        else if accept("schema") { kind = .schema }
        else { throw syntaxError(expected: ["TABLE", "VIEW", "SCHEMA"]) }
        let ifExists = try parseIfExists()
        var names = [try parseQualifiedName()]
        while acceptPunct(",") { names.append(try parseQualifiedName()) }
        var cascade = false
        if accept("cascade") { cascade = true } else { _ = accept("restrict") }
        return .drop(DropStatement(kind: kind, names: names, ifExists: ifExists, cascade: cascade))
    }

    private func parseExplain() throws -> Statement {
        try expect("explain")
        var analyze = false, verbose = false
        if current.isPunct("("), !isQueryStart(skippingParentheses: true) {
            advance()
            repeat {
                let option = try parseLabel()
                var enabled = true
                if current.kind == .identifier, ["true", "on", "false", "off"].contains(current.text) {
                    enabled = current.text == "true" || current.text == "on"
                    advance()
                } else if current.kind == .integer {
                    enabled = current.text != "0"
                    advance()
                } else if current.kind == .identifier || current.kind == .string,
                          !current.isPunct(","), option == "format" {
                    advance()
                }
                switch option {
                case "analyze", "analyse": analyze = enabled
                case "verbose": verbose = enabled
                default: break
                }
            } while acceptPunct(",")
            try expectPunct(")")
        } else {
            if accept("analyze") || accept("analyse") { analyze = true }
            if accept("verbose") { verbose = true }
        }
        let statement = try parseStatement()
        return .explain(ExplainStatement(statement: statement, analyze: analyze, verbose: verbose))
    }

    /// A configuration parameter name: word[.word].
    private func parseSettingName() throws -> String {
        var name = try parseLabel()
        while acceptPunct(".") { name += "." + (try parseLabel()) }
        // Setting names are case-insensitive even when quoted ("TimeZone").
        return name.lowercased()
    }

    private func parseSet() throws -> Statement {
        try expect("set")
        var isLocal = false
        if accept("local") { isLocal = true } else { _ = accept("session") }
        if accept("role") { return try parseSetRoleTail() }
        if accept("time", "zone") {
            if accept("local") || accept("default") {
                return .set(SetStatement(name: "timezone", values: [], isLocal: isLocal))
            }
            if accept("interval") {
                guard current.kind == .string else { throw syntaxError(expected: ["string"]) }
                let text = current.text
                advance()
                _ = try parseIntervalQualifier()
                return .set(SetStatement(name: "timezone", values: [text], isLocal: isLocal))
            }
            return .set(SetStatement(name: "timezone", values: [try parseSetValue()], isLocal: isLocal))
        }
        // SET TRANSACTION … / SET SESSION CHARACTERISTICS AS TRANSACTION …: one statement carries one
        // setting, so the first mode given (usually the isolation level) is the one reported.
        let characteristics = accept("characteristics")
        if characteristics { try expect("as") }
        if characteristics || current.isKeyword("transaction") {
            try expect("transaction")
            let modes = try parseTransactionModes()
            guard let (suffix, value) = modes.first else { throw syntaxError(expected: ["ISOLATION LEVEL", "READ WRITE", "READ ONLY"]) }
            let prefix = characteristics ? "default_transaction_" : "transaction_"
            return .set(SetStatement(name: prefix + suffix, values: [value], isLocal: isLocal))
        }
        if accept("names") {
            let values = accept("default") ? [] : [try parseSetValue()]
            return .set(SetStatement(name: "client_encoding", values: values, isLocal: isLocal))
        }
        if accept("schema") {
            return .set(SetStatement(name: "search_path", values: [try parseSetValue()], isLocal: isLocal))
        }
        let name = try parseSettingName()
        guard accept("to") || acceptOp("=") else { throw syntaxError(expected: ["TO", "\"=\""]) }
        if accept("default") { return .set(SetStatement(name: name, values: [], isLocal: isLocal)) }
        var values = [try parseSetValue()]
        while acceptPunct(",") { values.append(try parseSetValue()) }
        return .set(SetStatement(name: name, values: values, isLocal: isLocal))
    }

    /// A SET value rendered to text: identifiers (folded), strings, signed numbers, ON/OFF/TRUE/FALSE.
    private func parseSetValue() throws -> String {
        let token = current
        switch token.kind {
        case .identifier, .quotedIdentifier, .string, .integer, .decimal:
            advance()
            return token.text
        case .op where token.text == "-" || token.text == "+":
            advance()
            let number = current
            guard number.kind == .integer || number.kind == .decimal else { throw syntaxError(expected: ["number"]) }
            advance()
            return token.text == "-" ? "-" + number.text : number.text
        default:
            throw syntaxError(expected: ["setting value"])
        }
    }

    private func parseShow() throws -> Statement {
        try expect("show")
        if accept("time", "zone") { return .show(name: "timezone") }
        if accept("transaction") {
            try expect("isolation")
            try expect("level")
            return .show(name: "transaction_isolation")
        }
        if accept("session") {
            try expect("authorization")
            return .show(name: "session_authorization")
        }
        if accept("all") { return .show(name: "all") }
        return .show(name: try parseSettingName())
    }

    private func parseReset() throws -> Statement {
        try expect("reset")
        if accept("all") { return .reset(name: nil) }
        if accept("role") { return .governance(.setRole(nil)) }
        if accept("time", "zone") { return .reset(name: "timezone") }
        return .reset(name: try parseSettingName())
    }

    private func parseTransaction() throws -> TransactionStatement {
        let keyword = current.text
        advance()
        switch keyword {
        case "begin", "start":
            if keyword == "start" { try expect("transaction") } else if !accept("work") { _ = accept("transaction") }
            try parseTransactionModes()
            return .begin
        case "commit", "end":
            if !accept("work") { _ = accept("transaction") }
            if accept("and") { _ = accept("no"); try expect("chain") }
            return .commit
        case "rollback", "abort":
            if !accept("work") { _ = accept("transaction") }
            if keyword == "rollback", accept("to") {
                _ = accept("savepoint")
                return .rollbackToSavepoint(try parseIdentifier("savepoint name"))
            }
            if accept("and") { _ = accept("no"); try expect("chain") }
            return .rollback
        case "savepoint":
            return .savepoint(try parseIdentifier("savepoint name"))
        default:   // release
            _ = accept("savepoint")
            return .releaseSavepoint(try parseIdentifier("savepoint name"))
        }
    }

    /// ISOLATION LEVEL …, READ WRITE | READ ONLY, [NOT] DEFERRABLE, as (setting suffix, value) pairs:
    /// ("isolation", "repeatable read"), ("read_only", "on"), ("deferrable", "off").
    @discardableResult
    private func parseTransactionModes() throws -> [(String, String)] {
        let starters = ["isolation", "read", "not", "deferrable"]
        guard current.kind == .identifier, starters.contains(current.text) else { return [] }
        var modes: [(String, String)] = []
        repeat {
            if accept("isolation") {
                try expect("level")
                if accept("serializable") {
                    modes.append(("isolation", "serializable"))
                } else if accept("repeatable") {
                    try expect("read")
                    modes.append(("isolation", "repeatable read"))
                } else {
                    try expect("read")
                    if accept("committed") { modes.append(("isolation", "read committed")) }
                    else if accept("uncommitted") { modes.append(("isolation", "read uncommitted")) }
                    else { throw syntaxError(expected: ["COMMITTED", "UNCOMMITTED"]) }
                }
            } else if accept("read") {
                if accept("write") { modes.append(("read_only", "off")) }
                else if accept("only") { modes.append(("read_only", "on")) }
                else { throw syntaxError(expected: ["WRITE", "ONLY"]) }
            } else if accept("not") {
                try expect("deferrable")
                modes.append(("deferrable", "off"))
            } else if accept("deferrable") {
                modes.append(("deferrable", "on"))
            } else {
                throw syntaxError(expected: ["ISOLATION LEVEL", "READ WRITE", "READ ONLY", "DEFERRABLE"])
            }
        } while acceptPunct(",") || (current.kind == .identifier && starters.contains(current.text))
        return modes
    }
}
