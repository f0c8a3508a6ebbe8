// Query grammar: WITH, set operations (INTERSECT binds tighter than UNION and
// EXCEPT), SELECT cores with their clauses, FROM items and join trees,
// grouping elements, VALUES, and ORDER BY / LIMIT / OFFSET / FETCH.

import Columnar

extension Parser {
    func parseQuery() throws -> Query {
        try enter()
        defer { leave() }
        var with: WithClause? = nil
        if accept("with") {
            let recursive = accept("recursive")
            var ctes: [CommonTableExpression] = []
            repeat {
                let name = try parseIdentifier("common table expression name")
                let columns = current.isPunct("(") ? try parseIdentifierList() : nil
                try expect("as")
                var materialized: Bool? = nil
                if accept("materialized") { materialized = true }
                else if accept("not", "materialized") { materialized = false }
                try expectPunct("(")
                let query = try parseQuery()
                try expectPunct(")")
                ctes.append(CommonTableExpression(name: name, columnNames: columns, query: query, materialized: materialized))
            } while acceptPunct(",")
            with = WithClause(recursive: recursive, ctes: ctes)
        }
        let body = try parseSetExpression()
        let query = Query(with: with, body: body)
        if accept("order") {
            try expect("by")
            query.orderBy = try parseOrderItems()
        }
        try parseLimitClauses(query)
        return query
    }

    private func parseLimitClauses(_ query: Query) throws {
        var sawLimit = false, sawOffset = false
        while true {
            if !sawLimit, accept("limit") {
                sawLimit = true
                query.limit = accept("all") ? nil : try parseExpr()
            } else if !sawOffset, accept("offset") {
                sawOffset = true
                query.offset = try parseExpr()
                if !accept("rows") { _ = accept("row") }
            } else if !sawLimit, accept("fetch") {
                sawLimit = true
                guard accept("first") || accept("next") else { throw syntaxError(expected: ["FIRST", "NEXT"]) }
                if current.isKeyword("row") || current.isKeyword("rows") {
                    query.limit = Expr(.literal(.integer("1")), location: location)
                } else {
                    query.limit = try parseBinary(Precedence.unary)
                }
                guard accept("rows") || accept("row") else { throw syntaxError(expected: ["ROW", "ROWS"]) }
                if accept("with") {
                    try expect("ties")
                    query.withTies = true
                } else {
                    try expect("only")
                }
            } else {
                return
            }
        }
    }

    /// term { (UNION | EXCEPT) [ALL | DISTINCT] term }
    func parseSetExpression() throws -> QueryBody {
        var left = try parseIntersectTerm()
        var chain = 0
        defer { leave(chain) }
        while current.isKeyword("union") || current.isKeyword("except") {
            let op: SetOperator = current.text == "union" ? .union : .except
            advance()
            try enter(1); chain += 1
            let all = accept("all")
            if !all { _ = accept("distinct") }
            let right = try parseIntersectTerm()
            left = .setOperation(op: op, all: all, left: left, right: right)
        }
        return left
    }

    private func parseIntersectTerm() throws -> QueryBody {
        var left = try parseQueryPrimary()
        var chain = 0
        defer { leave(chain) }
        while accept("intersect") {
            try enter(1); chain += 1
            let all = accept("all")
            if !all { _ = accept("distinct") }
            let right = try parseQueryPrimary()
            left = .setOperation(op: .intersect, all: all, left: left, right: right)
        }
        return left
    }

    private func parseQueryPrimary() throws -> QueryBody {
        let token = current
        if token.isKeyword("select") { return .select(try parseSelectCore()) }
        if token.isKeyword("values") { return .values(try parseValuesRows()) }
        if token.isKeyword("table") {
            advance()
            let loc = location
            let name = try parseQualifiedName()
            return .select(SelectCore(items: [.wildcard(qualifier: nil, location: loc)],
                                      from: [.table(name: name, alias: nil, location: loc)]))
        }
        if token.isPunct("(") {
            advance()
            let inner = try parseQuery()
            try expectPunct(")")
            if inner.with == nil, inner.orderBy.isEmpty, inner.limit == nil, inner.offset == nil, !inner.withTies {
                return inner.body
            }
            return .nested(inner)
        }
        throw syntaxError(expected: ["SELECT", "VALUES", "WITH", "TABLE", "\"(\""])
    }

    func parseValuesRows() throws -> [[Expr]] {
        try expect("values")
        var rows: [[Expr]] = []
        repeat {
            try expectPunct("(")
            rows.append(try parseExprList())
            try expectPunct(")")
        } while acceptPunct(",")
        return rows
    }

    private static let selectListTerminators: Set<String> = [
        "from", "where", "group", "having", "window", "qualify", "union", "intersect", "except", "order", "limit",
        "offset", "fetch", "into",
    ]

    private func parseSelectCore() throws -> SelectCore {
        try expect("select")
        var core = SelectCore(items: [])
        if accept("distinct") {
            if accept("on") {
                try expectPunct("(")
                core.distinct = .distinctOn(try parseExprList())
                try expectPunct(")")
            } else {
                core.distinct = .distinct
            }
        } else {
            _ = accept("all")
        }
        let token = current
        let ends = token.kind == .eof || token.isPunct(";") || token.isPunct(")")
            || (token.kind == .identifier && Parser.selectListTerminators.contains(token.text))
        if !ends {
            repeat { core.items.append(try parseSelectItem()) } while acceptPunct(",")
        }
        if accept("from") {
            repeat { core.from.append(try parseTableRef()) } while acceptPunct(",")
        }
        if accept("where") { core.whereClause = try parseExpr() }
        if accept("group") {
            try expect("by")
            if !accept("all") { _ = accept("distinct") }
            repeat { core.groupBy.append(try parseGroupingElement()) } while acceptPunct(",")
        }
        if accept("having") { core.having = try parseExpr() }
        if accept("window") {
            repeat {
                let name = try parseIdentifier("window name")
                try expect("as")
                core.windows.append(NamedWindow(name: name, spec: try parseWindowSpec()))
            } while acceptPunct(",")
        }
        if accept("qualify") { core.qualify = try parseExpr() }
        return core
    }

    private func parseSelectItem() throws -> SelectItem {
        let loc = location
        if current.isOp("*") {
            advance()
            return .wildcard(qualifier: nil, location: loc)
        }
        // name.name.* — look ahead without consuming.
        var i = 0
        var qualifier: [String] = []
        while peek(i).kind == .identifier || peek(i).kind == .quotedIdentifier, peek(i + 1).isPunct(".") {
            qualifier.append(peek(i).text)
            if peek(i + 2).isOp("*") {
                pos += i + 3
                return .wildcard(qualifier: qualifier, location: loc)
            }
            i += 2
        }
        let expr = try parseExpr()
        if accept("as") { return .expression(expr, alias: try parseLabel()) }
        let token = current
        if token.kind == .quotedIdentifier || (token.kind == .identifier && Keywords.isBareLabel(token.text)) {
            advance()
            return .expression(expr, alias: token.text)
        }
        return .expression(expr, alias: nil)
    }

    private func parseGroupingElement() throws -> GroupingElement {
        if current.isPunct("("), peek().isPunct(")") {
            pos += 2
            return .empty
        }
        if (current.isKeyword("rollup") || current.isKeyword("cube")), peek().isPunct("(") {
            let isRollup = current.text == "rollup"
            pos += 2
            var sets: [[Expr]] = []
            repeat {
                let expr = try parseExpr()
                if case .row(let items) = expr.kind { sets.append(items) } else { sets.append([expr]) }
            } while acceptPunct(",")
            try expectPunct(")")
            return isRollup ? .rollup(sets) : .cube(sets)
        }
        if current.isKeyword("grouping"), peek().isKeyword("sets") {
            pos += 2
            try enter()
            defer { leave() }
            try expectPunct("(")
            var elements: [GroupingElement] = []
            repeat { elements.append(try parseGroupingElement()) } while acceptPunct(",")
            try expectPunct(")")
            return .groupingSets(elements)
        }
        return .expression(try parseExpr())
    }

    // MARK: - FROM

    static func location(of ref: TableRef) -> Int {
        switch ref {
        case .table(_, _, let loc), .subquery(_, _, _, let loc), .function(_, _, _, _, _, let loc),
             .path(_, _, let loc), .join(_, _, _, _, let loc):
            return loc
        }
    }

    func parseTableRef() throws -> TableRef {
        var left = try parseTablePrimary()
        var chain = 0
        defer { leave(chain) }
        while true {
            let loc = Parser.location(of: left)
            if accept("cross") {
                try expect("join")
                try enter(1); chain += 1
                let right = try parseTablePrimary()
                left = .join(left: left, right: right, kind: .cross, condition: .none, location: loc)
                continue
            }
            let natural = accept("natural")
            var kind = JoinKind.inner
            if accept("inner") {
                kind = .inner
            } else if accept("left") {
                kind = .left; _ = accept("outer")
            } else if accept("right") {
                kind = .right; _ = accept("outer")
            } else if accept("full") {
                kind = .full; _ = accept("outer")
            } else if !current.isKeyword("join") {
                if natural { throw syntaxError(expected: ["JOIN"]) }
                return left
            }
            try expect("join")
            try enter(1); chain += 1
            let right = try parseTablePrimary()
            let condition: JoinCondition
            if natural {
                condition = .natural
            } else if accept("on") {
                condition = .on(try parseExpr())
            } else if accept("using") {
                condition = .using(try parseIdentifierList())
            } else {
                throw syntaxError(expected: ["ON", "USING"])
            }
            left = .join(left: left, right: right, kind: kind, condition: condition, location: loc)
        }
    }

    private func parseTablePrimary() throws -> TableRef {
        let loc = location
        let lateral = accept("lateral")
        if current.isPunct("(") {
            try enter()
            defer { leave() }
            if isQueryStart(skippingParentheses: true) {
                let savedPos = pos, savedDepth = depth
                advance()
                let query: Query?
                if isQueryStart() {
                    query = try parseQuery()
                    try expectPunct(")")
                } else if let q = try? parseQuery(), acceptPunct(")") {
                    query = q
                } else {
                    query = nil
                    pos = savedPos; depth = savedDepth
                }
                if let query {
                    return .subquery(query, alias: try parseTableAlias(), lateral: lateral, location: loc)
                }
            }
            if lateral { throw syntaxError(expected: ["SELECT"]) }
            advance()
            let inner = try parseTableRef()
            try expectPunct(")")
            return inner
        }
        if current.kind == .string {
            let path = current.text
            advance()
            return .path(path, alias: try parseTableAlias(), location: loc)
        }
        let name = try parseQualifiedName()
        if current.isPunct("(") {
            try enter()
            defer { leave() }
            advance()
            var arguments: [FunctionArgument] = []
            if !current.isPunct(")") {
                repeat { arguments.append(try parseFunctionArgument()) } while acceptPunct(",")
            }
            try expectPunct(")")
            let withOrdinality = accept("with", "ordinality")
            return .function(name: name, arguments: arguments, alias: try parseTableAlias(), lateral: lateral,
                             withOrdinality: withOrdinality, location: loc)
        }
        if lateral { throw syntaxError(expected: ["\"(\""]) }
        return .table(name: name, alias: try parseTableAlias(), location: loc)
    }

    /// [AS] alias [(column, …)]
    func parseTableAlias() throws -> TableAlias? {
        let name: String
        if accept("as") {
            name = try parseIdentifier("alias")
        } else if isColumnNameToken(current) {
            name = current.text
            advance()
        } else {
            return nil
        }
        let columns = current.isPunct("(") ? try parseIdentifierList() : []
        return TableAlias(name: name, columns: columns)
    }
}
