// Tab completion candidates, computed from the statement typed so far
// without a terminal: meta commands after a backslash, file paths inside a
// quoted string (and after \i / \o), relations and schemas after FROM/JOIN,
// `schema.` and `alias.` prefixes, and otherwise the columns of the tables
// the statement names (first), functions, keywords and relations.
// Keywords follow the case of what was typed.

import Foundation

/// What completion may ask about the database; the REPL answers from Engine's
/// Introspection, tests from a fixed list.
public protocol CompletionSource: AnyObject {
    func schemaNames() -> [String]
    func relationNames() -> [(schema: String, name: String)]
    func columnNames(schema: String?, relation: String) -> [String]
    func functionNames() -> [String]
}

public struct Completer {
    public let source: CompletionSource
    /// Folder relative paths are completed against (the current directory in the REPL).
    public var directory: String

    public init(source: CompletionSource, directory: String = FileManager.default.currentDirectoryPath) {
        self.source = source
        self.directory = directory
    }

    static let keywords = [
        "SELECT", "FROM", "WHERE", "GROUP", "BY", "ORDER", "HAVING", "LIMIT", "OFFSET", "JOIN", "LEFT", "RIGHT",
        "FULL", "INNER", "OUTER", "CROSS", "NATURAL", "LATERAL", "ON", "USING", "AS", "AND", "OR", "NOT", "IN", "IS",
        "NULL", "TRUE", "FALSE", "LIKE", "ILIKE", "BETWEEN", "EXISTS", "CASE", "WHEN", "THEN", "ELSE", "END",
        "DISTINCT", "ALL", "ANY", "UNION", "INTERSECT", "EXCEPT", "WITH", "RECURSIVE", "VALUES", "INSERT", "INTO",
        "CREATE", "TABLE", "VIEW", "EXTERNAL", "SCHEMA", "DROP", "IF", "REPLACE", "EXPLAIN", "ANALYZE", "SET",
        "SHOW", "RESET", "BEGIN", "COMMIT", "ROLLBACK", "CAST", "ASC", "DESC", "NULLS", "FIRST", "LAST", "OVER",
        "PARTITION", "WINDOW", "ROWS", "RANGE", "FILTER", "WITHIN", "INTERVAL", "DATE", "TIMESTAMP", "FETCH",
        "GRANT", "REVOKE", "ROLE", "USER", "TO", "STORED", "LOCATION", "PARTITIONED", "COPY", "DELETE", "UPDATE",
    ]

    /// Candidates for `word`, the text being completed; `before` is the statement up to the
    /// word (earlier lines included), `statement` the whole statement including text after the cursor.
    public func candidates(word: String, before: String, statement: String) -> [String] {
        let lineBefore = before.split(separator: "\n", omittingEmptySubsequences: false).last.map(String.init) ?? before
        let trimmedLine = lineBefore.drop { $0 == " " || $0 == "\t" }
        // Meta commands and their arguments.
        if trimmedLine.isEmpty, word.hasPrefix("\\") {
            return MetaCommandParser.names.filter { $0.hasPrefix(word) }
        }
        if trimmedLine.hasPrefix("\\") {
            let command = trimmedLine.split(separator: " ").first.map(String.init) ?? ""
            switch command {
            case "\\i", "\\o", "\\include", "\\out": return files(matching: word)
            case "\\d", "\\d+", "\\dt", "\\dv": return relations(matching: word)
            case "\\df": return source.functionNames().filter { $0.hasPrefix(word.lowercased()) }
            case "\\dn": return source.schemaNames().filter { $0.hasPrefix(word.lowercased()) }
            default: return []
            }
        }
        if case .singleQuote = StatementBuffer.openState(after: before) { return files(matching: word) }

        let tokens = CompletionTokens.words(before)
        let previous = tokens.last?.uppercased()
        let references = CompletionTokens.tableReferences(statement)

        // `schema.` or `alias.` / `table.` prefixes.
        if let dot = word.lastIndex(of: ".") {
            let qualifier = word[..<dot].lowercased()
            let rest = String(word[word.index(after: dot)...])
            var out: [String] = []
            if source.schemaNames().contains(qualifier) {
                out += source.relationNames().filter { $0.schema == qualifier }.map { "\(qualifier).\($0.name)" }
            }
            let target = references.first { $0.alias == qualifier } ?? references.first { $0.name == qualifier }
            let (schema, relation) = target.map { ($0.schema, $0.name) } ?? (nil, qualifier)
            out += source.columnNames(schema: schema, relation: relation).map { "\(word[..<dot]).\($0)" }
            return Completer.unique(out.filter { $0.lowercased().hasPrefix(String(word[..<dot]).lowercased() + "." + rest.lowercased()) })
        }

        if let previous, ["FROM", "JOIN", "INTO", "UPDATE", "TABLE", "DESCRIBE"].contains(previous)
            || (previous == "," && CompletionTokens.lastClause(tokens) == "FROM") {
            return relations(matching: word) + source.functionNames().filter { Completer.tableFunctions.contains($0) && $0.hasPrefix(word.lowercased()) }
        }

        let lower = word.lowercased()
        var out: [String] = []
        for ref in references {
            out += source.columnNames(schema: ref.schema, relation: ref.name).filter { $0.lowercased().hasPrefix(lower) }
        }
        out += source.functionNames().filter { $0.hasPrefix(lower) && $0.first?.isLetter == true }
        out += keywords(matching: word)
        out += relations(matching: word)
        return Completer.unique(out)
    }

    static let tableFunctions: Set<String> = ["generate_series", "read_parquet", "read_csv", "read_json", "read_ndjson",
                                              "parquet_scan", "read_csv_auto", "read_json_auto", "lakesql_functions"]

    func keywords(matching word: String) -> [String] {
        let upper = word.uppercased()
        let lowerCase = !word.isEmpty && word == word.lowercased()
        return Completer.keywords.filter { $0.hasPrefix(upper) }.map { lowerCase ? $0.lowercased() : $0 }
    }

    func relations(matching word: String) -> [String] {
        let lower = word.lowercased()
        var out = source.relationNames().map(\.name).filter { $0.hasPrefix(lower) }
        out += source.schemaNames().filter { $0.hasPrefix(lower) }.map { $0 + "." }
        return Completer.unique(out)
    }

    /// Entries of the folder named by `word` (relative to `directory`), folders with a trailing `/`.
    func files(matching word: String) -> [String] {
        let expanded = word.hasPrefix("~/") ? NSHomeDirectory() + word.dropFirst(1) : word
        let slash = expanded.lastIndex(of: "/")
        let folderPart = slash.map { String(expanded[...$0]) } ?? ""
        let namePrefix = slash.map { String(expanded[expanded.index(after: $0)...]) } ?? expanded
        let folder = folderPart.hasPrefix("/") ? folderPart : (directory as NSString).appendingPathComponent(folderPart)
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: folder.isEmpty ? "." : folder) else { return [] }
        let shownFolder = word.lastIndex(of: "/").map { String(word[...$0]) } ?? ""
        return entries.filter { $0.hasPrefix(namePrefix) && (namePrefix.hasPrefix(".") || !$0.hasPrefix(".")) }.sorted().map { entry in
            var isDirectory: ObjCBool = false
            FileManager.default.fileExists(atPath: (folder as NSString).appendingPathComponent(entry), isDirectory: &isDirectory)
            return shownFolder + entry + (isDirectory.boolValue ? "/" : "")
        }
    }

    static func unique(_ items: [String]) -> [String] {
        var seen = Set<String>()
        return items.filter { seen.insert($0).inserted }
    }
}

/// A rough tokenizer for completion: words and punctuation outside strings and comments.
enum CompletionTokens {
    struct Reference: Equatable { var schema: String?; var name: String; var alias: String? }

    static func words(_ text: String) -> [String] {
        var out: [String] = []
        let chars = Array(text)
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c.isWhitespace { i += 1; continue }
            if c == "-", i + 1 < chars.count, chars[i + 1] == "-" {
                while i < chars.count, chars[i] != "\n" { i += 1 }
                continue
            }
            if c == "'" {
                i += 1
                while i < chars.count, chars[i] != "'" { i += 1 }
                i += 1
                out.append("''")
                continue
            }
            if c == "\"" {
                var j = i + 1
                while j < chars.count, chars[j] != "\"" { j += 1 }
                out.append(String(chars[(i + 1)..<min(j, chars.count)]))
                i = j + 1
                continue
            }
            if c.isLetter || c == "_" {
                var j = i
                while j < chars.count, chars[j].isLetter || chars[j].isNumber || chars[j] == "_" || chars[j] == "$" || chars[j] == "." { j += 1 }
                out.append(String(chars[i..<j]))
                i = j
                continue
            }
            out.append(String(c))
            i += 1
        }
        return out
    }

    /// Words that start a clause; JOIN … ON stays inside FROM (a comma may follow the join condition).
    static let clauseWords: Set<String> = ["SELECT", "FROM", "WHERE", "GROUP", "ORDER", "HAVING", "LIMIT", "SET", "VALUES", "WITH"]
    static let notAliases: Set<String> = ["WHERE", "GROUP", "ORDER", "HAVING", "LIMIT", "ON", "USING", "JOIN", "LEFT", "RIGHT",
                                          "FULL", "INNER", "CROSS", "NATURAL", "UNION", "EXCEPT", "INTERSECT", "OFFSET", "WINDOW", "AS", "FETCH", "LATERAL"]

    static func lastClause(_ tokens: [String]) -> String? {
        tokens.last { clauseWords.contains($0.uppercased()) }?.uppercased()
    }

    /// Relations named after FROM, JOIN and commas in a FROM list, with their aliases.
    static func tableReferences(_ statement: String) -> [Reference] {
        let tokens = words(statement)
        var out: [Reference] = []
        var inFrom = false
        var i = 0
        while i < tokens.count {
            let upper = tokens[i].uppercased()
            if clauseWords.contains(upper) { inFrom = upper == "FROM" }
            let startsReference = upper == "FROM" || upper == "JOIN" || (inFrom && tokens[i] == ",")
            i += 1
            guard startsReference, i < tokens.count, let first = tokens[i].first, first.isLetter || first == "_" else { continue }
            let parts = tokens[i].lowercased().split(separator: ".").map(String.init)
            guard let name = parts.last else { continue }
            var reference = Reference(schema: parts.count > 1 ? parts[parts.count - 2] : nil, name: name, alias: nil)
            var j = i + 1
            if j < tokens.count, tokens[j].uppercased() == "AS" { j += 1 }
            if j < tokens.count, let f = tokens[j].first, f.isLetter || f == "_", !notAliases.contains(tokens[j].uppercased()) {
                reference.alias = tokens[j].lowercased()
            }
            // A function call in FROM (generate_series(…)) is not a relation.
            if i + 1 < tokens.count, tokens[i + 1] == "(" { continue }
            out.append(reference)
        }
        return out
    }
}
