// Expression grammar: precedence climbing over PostgreSQL's operator table
// (OR < AND < NOT < IS < comparison < BETWEEN/IN/LIKE < other operators < + -
// < * / % < ^ < AT TIME ZONE < COLLATE < unary + - < :: [ ] .), then primary
// expressions: literals, column references, function calls with their
// aggregate/window decorations, CASE, CAST, subqueries, ARRAY/ROW
// constructors, typed literals, and the SQL-standard special function forms
// (EXTRACT, SUBSTRING, POSITION, TRIM, OVERLAY) rewritten to plain calls.

import Columnar

/// Binding strength of each operator class; higher binds tighter.
enum Precedence {
    static let or = 1, and = 2, not = 3, isTest = 4, comparison = 5, between = 6, other = 7
    static let additive = 8, multiplicative = 9, power = 10, atTimeZone = 11, collate = 12, unary = 13
}

extension Parser {
    static let comparisonOperators: Set<String> = ["=", "<", ">", "<=", ">=", "<>"]

    static func precedence(ofOperator op: String) -> Int {
        switch op {
        case "=", "<", ">", "<=", ">=", "<>": return Precedence.comparison
        case "+", "-": return Precedence.additive
        case "*", "/", "%": return Precedence.multiplicative
        case "^": return Precedence.power
        default: return Precedence.other
        }
    }

    func parseExpr() throws -> Expr {
        try enter()
        defer { leave() }
        return try parseBinary(Precedence.or)
    }

    /// Expressions without boolean connectives (PostgreSQL's b_expr position), e.g. BETWEEN bounds.
    func parseOperand() throws -> Expr { try parseBinary(Precedence.other) }

    /// Precedence climbing: parses an expression whose operators all bind at least as tightly as `minPrec`.
    func parseBinary(_ minPrec: Int) throws -> Expr {
        var left = try parsePrefix()
        var chain = 0
        defer { leave(chain) }
        while true {
            let token = current
            let loc = left.location
            if token.kind == .op {
                if token.text == "=>" { break }
                let prec = Parser.precedence(ofOperator: token.text)
                guard prec >= minPrec else { break }
                try enter(1); chain += 1
                advance()
                left = try parseInfixOperator(token.text, left: left, precedence: prec)
                continue
            }
            guard token.kind == .identifier else { break }
            switch token.text {
            case "or", "and":
                let prec = token.text == "or" ? Precedence.or : Precedence.and
                guard prec >= minPrec else { return left }
                try enter(1); chain += 1
                advance()
                let right = try parseBinary(prec + 1)
                left = Expr(.binary(token.text == "or" ? .or : .and, left, right), location: loc)
            case "is":
                guard Precedence.isTest >= minPrec else { return left }
                try enter(1); chain += 1
                advance()
                left = try parseIsTail(left)
            case "isnull", "notnull":
                guard Precedence.isTest >= minPrec else { return left }
                advance()
                left = Expr(.isNull(left, negated: token.text == "notnull"), location: loc)
            case "not":
                let next = peek()
                guard next.kind == .identifier, ["in", "like", "ilike", "between", "similar"].contains(next.text),
                      Precedence.between >= minPrec else { return left }
                try enter(1); chain += 1
                advance()
                left = try parsePredicateTail(left, negated: true)
            case "in", "like", "ilike", "between", "similar":
                guard Precedence.between >= minPrec else { return left }
                try enter(1); chain += 1
                left = try parsePredicateTail(left, negated: false)
            case "at":
                guard peek().isKeyword("time"), peek(2).isKeyword("zone"), Precedence.atTimeZone >= minPrec else { return left }
                try enter(1); chain += 1
                pos += 3
                let zone = try parseBinary(Precedence.atTimeZone + 1)
                left = Expr(.atTimeZone(left, zone: zone), location: loc)
            case "collate":
                guard Precedence.collate >= minPrec else { return left }
                try enter(1); chain += 1
                advance()
                let name = try parseQualifiedCollation()
                left = Expr(.collate(left, name), location: loc)
            default:
                return left
            }
        }
        return left
    }

    private func parseQualifiedCollation() throws -> String {
        var parts = [try parseLabel()]
        while acceptPunct(".") { parts.append(try parseLabel()) }
        return parts.joined(separator: ".")
    }

    /// After a binary operator symbol: the right operand, or ANY/ALL/SOME (…) for comparisons.
    private func parseInfixOperator(_ op: String, left: Expr, precedence prec: Int) throws -> Expr {
        let loc = left.location
        if (current.isKeyword("any") || current.isKeyword("all") || current.isKeyword("some")), peek().isPunct("("),
           let binary = BinaryOperator(rawValue: op) {
            let quantifier: Quantifier = current.isKeyword("all") ? .all : .any
            advance()
            advance()
            if isQueryStart() {
                let query = try parseQuery()
                try expectPunct(")")
                return Expr(.quantifiedSubquery(left, binary, quantifier, query), location: loc)
            }
            let array = try parseExpr()
            try expectPunct(")")
            return Expr(.quantifiedArray(left, binary, quantifier, array), location: loc)
        }
        // Comparisons are non-associative in PostgreSQL: `a < b < c` is an error.
        let right = try parseBinary(prec + 1)
        if Parser.comparisonOperators.contains(op), current.kind == .op, Parser.comparisonOperators.contains(current.text) {
            throw syntaxError()
        }
        if let binary = BinaryOperator(rawValue: op), binary != .and, binary != .or {
            return Expr(.binary(binary, left, right), location: loc)
        }
        return Expr(.customOperator(op, left, right), location: loc)
    }

    /// IS [NOT] NULL | TRUE | FALSE | UNKNOWN | DISTINCT FROM x
    private func parseIsTail(_ left: Expr) throws -> Expr {
        let loc = left.location
        let negated = accept("not")
        if accept("null") { return Expr(.isNull(left, negated: negated), location: loc) }
        if accept("true") { return Expr(.isBoolean(left, .isTrue, negated: negated), location: loc) }
        if accept("false") { return Expr(.isBoolean(left, .isFalse, negated: negated), location: loc) }
        if accept("unknown") { return Expr(.isBoolean(left, .isUnknown, negated: negated), location: loc) }
        if accept("distinct") {
            try expect("from")
            let right = try parseBinary(Precedence.isTest + 1)
            return Expr(.isDistinctFrom(left, right, negated: negated), location: loc)
        }
        throw syntaxError(expected: ["NULL", "TRUE", "FALSE", "UNKNOWN", "DISTINCT FROM"])
    }

    /// IN / LIKE / ILIKE / SIMILAR TO / BETWEEN, with the current token on the keyword.
    private func parsePredicateTail(_ left: Expr, negated: Bool) throws -> Expr {
        let loc = left.location
        let keyword = current.text
        advance()
        switch keyword {
        case "in":
            guard current.isPunct("(") else { throw syntaxError(expected: ["\"(\""]) }
            advance()
            if isQueryStart() {
                let query = try parseQuery()
                try expectPunct(")")
                return Expr(.inSubquery(left, query, negated: negated), location: loc)
            }
            let list = try parseExprList()
            try expectPunct(")")
            return Expr(.inList(left, list, negated: negated), location: loc)
        case "like", "ilike":
            let pattern = try parseBinary(Precedence.between + 1)
            let escape = accept("escape") ? try parseBinary(Precedence.between + 1) : nil
            return Expr(.like(left, pattern: pattern, escape: escape, negated: negated, caseInsensitive: keyword == "ilike"),
                        location: loc)
        case "similar":
            try expect("to")
            let pattern = try parseBinary(Precedence.between + 1)
            let escape = accept("escape") ? try parseBinary(Precedence.between + 1) : nil
            return Expr(.similarTo(left, pattern: pattern, escape: escape, negated: negated), location: loc)
        default:   // between
            var symmetric = false
            if accept("symmetric") { symmetric = true } else { _ = accept("asymmetric") }
            let low = try parseBinary(Precedence.between + 1)
            try expect("and")
            let high = try parseBinary(Precedence.between + 1)
            return Expr(.between(left, low: low, high: high, negated: negated, symmetric: symmetric), location: loc)
        }
    }

    /// Prefix operators: NOT, unary + and -, and other prefix operator symbols.
    func parsePrefix() throws -> Expr {
        let token = current
        let loc = location
        if token.isKeyword("not") {
            advance()
            try enter(1)
            defer { leave(1) }
            let operand = try parseBinary(Precedence.not)
            return Expr(.unary(.not, operand), location: loc)
        }
        if token.kind == .op {
            switch token.text {
            case "-", "+":
                advance()
                try enter(1)
                defer { leave(1) }
                let operand = try parseBinary(Precedence.unary)
                if token.text == "-", case .literal(let literal) = operand.kind {
                    // Fold the sign into numeric constants, as PostgreSQL's grammar does.
                    switch literal {
                    case .integer(let digits) where !digits.hasPrefix("-"):
                        return Expr(.literal(.integer("-" + digits)), location: loc)
                    case .decimal(let digits) where !digits.hasPrefix("-"):
                        return Expr(.literal(.decimal("-" + digits)), location: loc)
                    default: break
                    }
                }
                return Expr(.unary(token.text == "-" ? .minus : .plus, operand), location: loc)
            case "*", "/", "%", "^", "=", "<", ">", "<=", ">=", "<>", "=>":
                throw syntaxError()
            default:
                advance()
                try enter(1)
                defer { leave(1) }
                let operand = try parseBinary(Precedence.additive)
                switch token.text {
                case "~": return Expr(.unary(.bitNot, operand), location: loc)
                case "@": return Expr(.unary(.abs, operand), location: loc)
                default: return Expr(.customOperator(token.text, nil, operand), location: loc)
                }
            }
        }
        return try parsePostfix(try parsePrimary())
    }

    /// `::type`, `[i]`, `[i:j]` and `.field` after a primary expression.
    func parsePostfix(_ base: Expr) throws -> Expr {
        var expr = base
        var chain = 0
        defer { leave(chain) }
        while true {
            let loc = expr.location
            if acceptPunct("::") {
                try enter(1); chain += 1
                let type = try parseTypeName()
                expr = Expr(.cast(expr, type), location: loc)
            } else if current.isPunct("[") {
                try enter(1); chain += 1
                advance()
                var index: Expr? = nil, upper: Expr? = nil, isSlice = false
                if !current.isPunct(":") { index = try parseExpr() }
                if acceptPunct(":") {
                    isSlice = true
                    if !current.isPunct("]") { upper = try parseExpr() }
                }
                try expectPunct("]")
                expr = Expr(.arraySubscript(expr, index: index, upper: upper, isSlice: isSlice), location: loc)
            } else if current.isPunct("."), peek().kind == .identifier || peek().kind == .quotedIdentifier {
                try enter(1); chain += 1
                advance()
                let field = try parseLabel()
                expr = Expr(.fieldSelection(expr, field), location: loc)
            } else {
                return expr
            }
        }
    }

    func parseExprList() throws -> [Expr] {
        var list = [try parseExpr()]
        while acceptPunct(",") { list.append(try parseExpr()) }
        return list
    }

    /// Does the current token (after any number of `(`) begin a query?
    func isQueryStart(skippingParentheses: Bool = false) -> Bool {
        var i = 0
        if skippingParentheses { while peek(i).isPunct("(") { i += 1 } }
        let token = peek(i)
        return token.kind == .identifier && ["select", "with", "values", "table"].contains(token.text)
    }

    // MARK: - Primary expressions

    func parsePrimary() throws -> Expr {
        let token = current
        let loc = location
        switch token.kind {
        case .integer:
            advance(); return Expr(.literal(.integer(token.text)), location: loc)
        case .decimal:
            advance(); return Expr(.literal(.decimal(token.text)), location: loc)
        case .string:
            advance(); return Expr(.literal(.string(token.text)), location: loc)
        case .bitString:
            advance(); return Expr(.literal(.typed(TypeName(name: "bit"), token.text)), location: loc)
        case .parameter:
            advance()
            guard let n = Int(token.text) else { throw syntaxError(at: token) }
            return Expr(.parameter(n), location: loc)
        case .punct where token.text == "(":
            return try parseParenthesized()
        case .quotedIdentifier:
            return try parseNameExpression()
        case .identifier:
            return try parseKeywordOrName()
        default:
            throw syntaxError()
        }
    }

    private func parseParenthesized() throws -> Expr {
        let loc = location
        try enter()
        defer { leave() }
        advance()   // (
        if isQueryStart() {
            let query = try parseQuery()
            try expectPunct(")")
            return Expr(.subquery(query), location: loc)
        }
        if isQueryStart(skippingParentheses: true) {
            // `((SELECT 1) UNION …)` is a subquery, `((SELECT 1) + 1)` an expression: try the query first.
            let savedPos = pos, savedDepth = depth
            if let query = try? parseQuery(), acceptPunct(")") {
                return Expr(.subquery(query), location: loc)
            }
            pos = savedPos; depth = savedDepth
        }
        let first = try parseExpr()
        if acceptPunct(",") {
            var items = [first]
            items.append(contentsOf: try parseExprList())
            try expectPunct(")")
            return Expr(.row(items), location: loc)
        }
        try expectPunct(")")
        return first
    }

    private func parseKeywordOrName() throws -> Expr {
        let token = current
        let loc = location
        let next = peek()
        switch token.text {
        case "null": advance(); return Expr(.literal(.null), location: loc)
        case "true": advance(); return Expr(.literal(.boolean(true)), location: loc)
        case "false": advance(); return Expr(.literal(.boolean(false)), location: loc)
        case "case": return try parseCase()
        case "cast":
            advance()
            try expectPunct("(")
            let value = try parseExpr()
            try expect("as")
            let type = try parseTypeName()
            try expectPunct(")")
            return Expr(.cast(value, type), location: loc)
        case "exists" where next.isPunct("("):
            pos += 2
            let query = try parseQuery()
            try expectPunct(")")
            return Expr(.exists(query), location: loc)
        case "array":
            advance()
            if acceptPunct("(") {
                let query = try parseQuery()
                try expectPunct(")")
                return Expr(.arraySubquery(query), location: loc)
            }
            return try parseArrayBrackets(loc)
        case "row" where next.isPunct("("):
            pos += 2
            if acceptPunct(")") { return Expr(.row([]), location: loc) }
            let items = try parseExprList()
            try expectPunct(")")
            return Expr(.row(items), location: loc)
        case "interval" where next.kind == .string:
            pos += 2
            if let qualifier = try parseIntervalQualifier() {
                return Expr(.literal(.interval(next.text, qualifier: qualifier)), location: loc)
            }
            return Expr(.literal(.typed(TypeName(name: "interval"), next.text)), location: loc)
        case "extract" where next.isPunct("("): return try parseExtract()
        case "substring" where next.isPunct("("): return try parseSubstring()
        case "position" where next.isPunct("("): return try parsePosition()
        case "trim" where next.isPunct("("): return try parseTrim()
        case "overlay" where next.isPunct("("): return try parseOverlay()
        case "current_date", "current_user", "session_user", "current_role", "current_catalog", "user", "system_user":
            advance()
            return Expr(.function(FunctionCall(name: [token.text])), location: loc)
        case "current_schema" where !next.isPunct("("):
            advance()
            return Expr(.function(FunctionCall(name: [token.text])), location: loc)
        case "current_time", "current_timestamp", "localtime", "localtimestamp":
            advance()
            var args: [FunctionArgument] = []
            if acceptPunct("(") {
                let precisionLoc = location
                guard current.kind == .integer else { throw syntaxError(expected: ["integer precision"]) }
                args.append(FunctionArgument(value: Expr(.literal(.integer(current.text)), location: precisionLoc)))
                advance()
                try expectPunct(")")
            }
            return Expr(.function(FunctionCall(name: [token.text], arguments: args)), location: loc)
        case "double", "timestamp", "time", "character", "char", "national", "bit", "varchar", "nchar":
            // Multi-word type names followed by a string are typed literals: TIMESTAMP WITH TIME ZONE '…'.
            let savedPos = pos, savedDepth = depth
            if let type = try? parseTypeName(), current.kind == .string {
                let text = current.text
                advance()
                return Expr(.literal(.typed(type, text)), location: loc)
            }
            pos = savedPos; depth = savedDepth
            return try parseNameExpression()
        default:
            if Keywords.isReserved(token.text) { throw syntaxError() }
            return try parseNameExpression()
        }
    }

    /// ARRAY[…] with the current token at `[`; nested `[…]` rows need no ARRAY keyword.
    private func parseArrayBrackets(_ loc: Int) throws -> Expr {
        try enter()
        defer { leave() }
        try expectPunct("[")
        var items: [Expr] = []
        if !current.isPunct("]") {
            repeat {
                if current.isPunct("[") {
                    items.append(try parseArrayBrackets(location))
                } else {
                    items.append(try parseExpr())
                }
            } while acceptPunct(",")
        }
        try expectPunct("]")
        return Expr(.array(items), location: loc)
    }

    /// Column references, function calls and `typename 'literal'`.
    private func parseNameExpression() throws -> Expr {
        let first = current
        let loc = location
        advance()
        var parts = [first.text]
        while current.isPunct("."), peek().kind == .identifier || peek().kind == .quotedIdentifier {
            advance()
            parts.append(current.text)
            advance()
        }
        if current.isPunct("(") {
            if first.kind == .identifier, parts.count == 1, !Keywords.isFunctionName(first.text) {
                throw syntaxError(at: first)
            }
            return try parseFunctionCall(name: parts, location: loc)
        }
        if current.kind == .string, first.kind == .identifier || parts.count > 1 {
            let text = current.text
            advance()
            let type = parts.count == 1 ? TypeName(name: Parser.canonicalTypeName(parts[0]))
                : parts.count == 2 && parts[0] == "pg_catalog" ? TypeName(name: Parser.canonicalTypeName(parts[1]))
                : TypeName(name: parts.joined(separator: "."))
            return Expr(.literal(.typed(type, text)), location: loc)
        }
        if first.kind == .identifier, !Keywords.isColumnName(first.text) { throw syntaxError(at: first) }
        return Expr(.column(parts), location: loc)
    }

    // MARK: - Function calls

    func parseFunctionCall(name: [String], location loc: Int) throws -> Expr {
        try enter()
        defer { leave() }
        try expectPunct("(")
        var call = FunctionCall(name: name)
        if current.isOp("*") {
            advance()
            call.isStar = true
            try expectPunct(")")
        } else if !acceptPunct(")") {
            if accept("distinct") { call.distinct = true } else { _ = accept("all") }
            repeat {
                call.arguments.append(try parseFunctionArgument())
            } while acceptPunct(",")
            if let ignore = parseNullTreatment() { call.ignoreNulls = ignore }
            if accept("order") {
                try expect("by")
                call.orderBy = try parseOrderItems()
            }
            try expectPunct(")")
        }
        if current.isKeyword("within"), peek().isKeyword("group") {
            pos += 2
            try expectPunct("(")
            try expect("order")
            try expect("by")
            call.withinGroup = try parseOrderItems()
            try expectPunct(")")
        }
        if current.isKeyword("filter"), peek().isPunct("(") {
            pos += 2
            try expect("where")
            call.filter = try parseExpr()
            try expectPunct(")")
        }
        if let ignore = parseNullTreatment() { call.ignoreNulls = ignore }
        if accept("over") {
            if current.isPunct("(") {
                call.over = try parseWindowSpec()
            } else {
                call.over = WindowSpec(baseName: try parseIdentifier("window name"))
            }
        }
        return Expr(.function(call), location: loc)
    }

    /// IGNORE NULLS → true, RESPECT NULLS → false.
    private func parseNullTreatment() -> Bool? {
        if current.isKeyword("ignore"), peek().isKeyword("nulls") { pos += 2; return true }
        if current.isKeyword("respect"), peek().isKeyword("nulls") { pos += 2; return false }
        return nil
    }

    func parseFunctionArgument() throws -> FunctionArgument {
        let token = current
        if token.kind == .identifier || token.kind == .quotedIdentifier, peek().isOp("=>") || peek().isPunct(":=") {
            pos += 2
            return FunctionArgument(name: token.text, value: try parseExpr())
        }
        return FunctionArgument(value: try parseExpr())
    }

    private func call(_ name: String, _ args: [Expr], _ loc: Int) -> Expr {
        Expr(.function(FunctionCall(name: [name], arguments: args.map { FunctionArgument(value: $0) })), location: loc)
    }

    /// EXTRACT(field FROM x) → extract('field', x)
    private func parseExtract() throws -> Expr {
        let loc = location
        pos += 2
        let fieldToken = current
        let fieldLoc = location
        let field: String
        switch fieldToken.kind {
        case .identifier, .quotedIdentifier, .string: field = fieldToken.text.lowercased()
        default: throw syntaxError(expected: ["field name"])
        }
        advance()
        try expect("from")
        let source = try parseExpr()
        try expectPunct(")")
        return call("extract", [Expr(.literal(.string(field)), location: fieldLoc), source], loc)
    }

    /// SUBSTRING(x FROM a FOR b) / SUBSTRING(x FOR b) / SUBSTRING(x, a, b)
    private func parseSubstring() throws -> Expr {
        let loc = location
        pos += 2
        let source = try parseExpr()
        var args = [source]
        if acceptPunct(",") {
            args.append(contentsOf: try parseExprList())
        } else if accept("from") {
            args.append(try parseExpr())
            if accept("for") { args.append(try parseExpr()) }
        } else if accept("for") {
            let count = try parseExpr()
            if accept("from") {
                args.append(try parseExpr())
            } else {
                args.append(Expr(.literal(.integer("1")), location: count.location))
            }
            args.append(count)
        }
        try expectPunct(")")
        return call("substring", args, loc)
    }

    /// POSITION(a IN b) → position(a, b)
    private func parsePosition() throws -> Expr {
        let loc = location
        pos += 2
        let needle = try parseBinary(Precedence.between + 1)
        var args = [needle]
        if accept("in") {
            args.append(try parseExpr())
        } else if acceptPunct(",") {
            args.append(try parseExpr())
        } else {
            throw syntaxError(expected: ["IN"])
        }
        try expectPunct(")")
        return call("position", args, loc)
    }

    /// TRIM([LEADING|TRAILING|BOTH] [chars] FROM x) → btrim/ltrim/rtrim(x[, chars])
    private func parseTrim() throws -> Expr {
        let loc = location
        pos += 2
        var name = "btrim"
        if accept("leading") { name = "ltrim" } else if accept("trailing") { name = "rtrim" } else { _ = accept("both") }
        var args: [Expr]
        if accept("from") {
            args = try parseExprList()
        } else {
            let first = try parseExpr()
            if accept("from") {
                args = [try parseExpr(), first]
            } else {
                args = [first]
                if acceptPunct(",") { args.append(contentsOf: try parseExprList()) }
            }
        }
        try expectPunct(")")
        return call(name, args, loc)
    }

    /// OVERLAY(x PLACING y FROM a [FOR b]) → overlay(x, y, a[, b])
    private func parseOverlay() throws -> Expr {
        let loc = location
        pos += 2
        let source = try parseExpr()
        var args = [source]
        if accept("placing") {
            args.append(try parseExpr())
            try expect("from")
            args.append(try parseExpr())
            if accept("for") { args.append(try parseExpr()) }
        } else if acceptPunct(",") {
            args.append(contentsOf: try parseExprList())
        }
        try expectPunct(")")
        return call("overlay", args, loc)
    }

    private func parseCase() throws -> Expr {
        let loc = location
        try enter()
        defer { leave() }
        advance()
        let operand = current.isKeyword("when") ? nil : try parseExpr()
        var whens: [WhenClause] = []
        while accept("when") {
            let condition = try parseExpr()
            try expect("then")
            whens.append(WhenClause(condition: condition, result: try parseExpr()))
        }
        if whens.isEmpty { throw syntaxError(expected: ["WHEN"]) }
        let elseResult = accept("else") ? try parseExpr() : nil
        guard accept("end") else { throw syntaxError(expected: ["WHEN", "ELSE", "END"]) }
        return Expr(.caseWhen(operand: operand, whens: whens, elseResult: elseResult), location: loc)
    }

    // MARK: - Windows and ordering

    func parseOrderItems() throws -> [OrderItem] {
        var items: [OrderItem] = []
        repeat {
            let expr = try parseExpr()
            var item = OrderItem(expr: expr)
            if accept("desc") { item.ascending = false } else { _ = accept("asc") }
            if accept("nulls") {
                if accept("first") { item.nullsFirst = true }
                else if accept("last") { item.nullsFirst = false }
                else { throw syntaxError(expected: ["FIRST", "LAST"]) }
            }
            items.append(item)
        } while acceptPunct(",")
        return items
    }

    /// ( [base] [PARTITION BY …] [ORDER BY …] [frame] )
    func parseWindowSpec() throws -> WindowSpec {
        try enter()
        defer { leave() }
        try expectPunct("(")
        var spec = WindowSpec()
        let token = current
        if isColumnNameToken(token),
           !(token.kind == .identifier && ["partition", "order", "rows", "range", "groups"].contains(token.text)) {
            spec.baseName = token.text
            advance()
        }
        if accept("partition") {
            try expect("by")
            spec.partitionBy = try parseExprList()
        }
        if accept("order") {
            try expect("by")
            spec.orderBy = try parseOrderItems()
        }
        if current.kind == .identifier, let units = FrameUnits(rawValue: current.text) {
            advance()
            var frame: WindowFrame
            if accept("between") {
                let start = try parseFrameBound()
                try expect("and")
                frame = WindowFrame(units: units, start: start, end: try parseFrameBound())
            } else {
                frame = WindowFrame(units: units, start: try parseFrameBound(), end: nil)
            }
            if accept("exclude") {
                if accept("current") { try expect("row"); frame.exclusion = .currentRow }
                else if accept("group") { frame.exclusion = .group }
                else if accept("ties") { frame.exclusion = .ties }
                else if accept("no") { try expect("others"); frame.exclusion = .noOthers }
                else { throw syntaxError(expected: ["CURRENT ROW", "GROUP", "TIES", "NO OTHERS"]) }
            }
            spec.frame = frame
        }
        guard acceptPunct(")") else { throw syntaxError(expected: ["PARTITION BY", "ORDER BY", "ROWS", "RANGE", "GROUPS", "\")\""]) }
        return spec
    }

    private func parseFrameBound() throws -> FrameBound {
        if accept("unbounded") {
            if accept("preceding") { return .unboundedPreceding }
            if accept("following") { return .unboundedFollowing }
            throw syntaxError(expected: ["PRECEDING", "FOLLOWING"])
        }
        if accept("current") {
            try expect("row")
            return .currentRow
        }
        let offset = try parseExpr()
        if accept("preceding") { return .preceding(offset) }
        if accept("following") { return .following(offset) }
        throw syntaxError(expected: ["PRECEDING", "FOLLOWING"])
    }

    // MARK: - Type names

    static let canonicalTypeNames: [String: String] = [
        "int": "integer", "integer": "integer", "int4": "integer",
        "smallint": "smallint", "int2": "smallint",
        "bigint": "bigint", "int8": "bigint",
        "real": "real", "float4": "real",
        "float8": "double precision", "float": "double precision",
        "numeric": "numeric", "decimal": "numeric", "dec": "numeric",
        "bool": "boolean", "boolean": "boolean",
        "varchar": "varchar", "char": "char", "character": "char", "bpchar": "char", "nchar": "char",
        "timestamptz": "timestamptz", "timetz": "timetz", "varbit": "varbit",
    ]

    static func canonicalTypeName(_ name: String) -> String { canonicalTypeNames[name] ?? name }

    func parseTypeName() throws -> TypeName {
        let token = current
        var type: TypeName
        if token.kind == .quotedIdentifier {
            advance()
            type = TypeName(name: token.text)
        } else if token.kind == .identifier {
            switch token.text {
            case "double":
                advance()
                try expect("precision")
                type = TypeName(name: "double precision")
            case "character", "char", "nchar", "national":
                advance()
                if token.text == "national" { guard accept("character") || accept("char") else { throw syntaxError(expected: ["CHARACTER"]) } }
                type = TypeName(name: accept("varying") ? "varchar" : "char")
                type.modifiers = try parseTypeModifiers()
            case "bit":
                advance()
                type = TypeName(name: accept("varying") ? "varbit" : "bit")
                type.modifiers = try parseTypeModifiers()
            case "time", "timestamp":
                advance()
                let modifiers = try parseTypeModifiers()
                var withZone = false
                if accept("with") {
                    try expect("time"); try expect("zone"); withZone = true
                } else if accept("without") {
                    try expect("time"); try expect("zone")
                }
                type = TypeName(name: token.text == "time" ? (withZone ? "timetz" : "time") : (withZone ? "timestamptz" : "timestamp"),
                                modifiers: modifiers)
            case "interval":
                advance()
                _ = try parseIntervalQualifier()
                type = TypeName(name: "interval", modifiers: try parseTypeModifiers())
            case "float":
                advance()
                let modifiers = try parseTypeModifiers()
                if let bits = modifiers.first {
                    guard bits >= 1 else {
                        throw error(SQLState.invalidParameterValue, "precision for type float must be at least 1 bit", at: token)
                    }
                    guard bits <= 53 else {
                        throw error(SQLState.invalidParameterValue, "precision for type float must be less than 54 bits", at: token)
                    }
                    type = TypeName(name: bits <= 24 ? "real" : "double precision")
                } else {
                    type = TypeName(name: "double precision")
                }
            default:
                guard !Keywords.isReserved(token.text) else { throw syntaxError(expected: ["type name"]) }
                advance()
                var parts = [token.text]
                while current.isPunct("."), peek().kind == .identifier || peek().kind == .quotedIdentifier {
                    advance(); parts.append(current.text); advance()
                }
                let name = parts.count == 2 && parts[0] == "pg_catalog" ? Parser.canonicalTypeName(parts[1])
                    : parts.count == 1 ? Parser.canonicalTypeName(parts[0]) : parts.joined(separator: ".")
                type = TypeName(name: name, modifiers: try parseTypeModifiers())
            }
        } else {
            throw syntaxError(expected: ["type name"])
        }
        // Array suffixes: int[], int[3][], int ARRAY, int ARRAY[4]
        while true {
            if current.isPunct("["), peek().isPunct("]") || (peek().kind == .integer && peek(2).isPunct("]")) {
                pos += peek().isPunct("]") ? 2 : 3
                type.arrayDimensions += 1
            } else if current.isKeyword("array") {
                advance()
                type.arrayDimensions += 1
                if current.isPunct("["), peek().kind == .integer, peek(2).isPunct("]") { pos += 3 }
            } else {
                break
            }
        }
        return type
    }

    private func parseTypeModifiers() throws -> [Int] {
        guard current.isPunct("(") else { return [] }
        advance()
        var modifiers: [Int] = []
        repeat {
            var negative = false
            if acceptOp("-") { negative = true }
            guard current.kind == .integer, let value = Int(current.text), value <= Int(Int32.max) else {
                throw syntaxError(expected: ["integer type modifier"])
            }
            modifiers.append(negative ? -value : value)
            advance()
        } while acceptPunct(",")
        try expectPunct(")")
        return modifiers
    }

    /// YEAR | MONTH | DAY | HOUR | MINUTE | SECOND[(p)] | YEAR TO MONTH | DAY TO HOUR … (lower-case), or nil.
    func parseIntervalQualifier() throws -> String? {
        let fields = ["year", "month", "day", "hour", "minute", "second"]
        guard current.kind == .identifier, let startIndex = fields.firstIndex(of: current.text) else { return nil }
        var text = current.text
        advance()
        if text == "second" { _ = try parseTypeModifiers() }
        if current.isKeyword("to"), peek().kind == .identifier, let endIndex = fields.firstIndex(of: peek().text) {
            let valid = (startIndex == 0 && endIndex == 1) || (startIndex >= 2 && endIndex > startIndex)
            guard valid else { throw syntaxError(at: peek()) }
            advance()
            text += " to " + current.text
            advance()
            if text.hasSuffix("second") { _ = try parseTypeModifiers() }
        }
        return text
    }
}
