// What each backslash command does in the REPL: listings from Engine's
// Introspection (\d family), the governance relations for \du and \dp (when
// the catalog provides them), print settings, \o, \i, \watch, \set.
// Listings use the boxed layout with the current \x and NULL display.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Columnar
import Engine

extension Repl {
    func runMeta(_ line: String) -> Flow {
        let command: MetaCommand
        do {
            command = try MetaCommandParser.parse(line)
        } catch {
            printError("\(error)")
            failed = true
            return stopsOnError ? .abort : .proceed
        }
        let ok = perform(command)
        output.flush()
        if command == .quit { return .quit }
        if !ok {
            failed = true
            if stopsOnError { return .abort }
        }
        return .proceed
    }

    /// Runs one command; false when it failed.
    func perform(_ command: MetaCommand) -> Bool {
        switch command {
        case .help:
            output.write(MetaCommandParser.helpText)
        case .quit:
            break
        case .describe(let pattern):
            guard let pattern else { return listRelations(kinds: [.table, .view, .lakeTable], pattern: nil) }
            return describe(pattern)
        case .listTables(let pattern): return listRelations(kinds: [.table, .lakeTable], pattern: pattern)
        case .listViews(let pattern): return listRelations(kinds: [.view], pattern: pattern)
        case .listFunctions(let pattern):
            let functions = session.introspection.functions().filter { f in
                pattern.map { NamePattern($0).matches(schema: nil, name: f.name) } ?? (f.kind != .operator)
            }
            listing(title: "List of functions", columns: ["Name", "Kind"], rows: functions.map { [$0.name, $0.kind.rawValue] })
        case .listSchemas(let pattern):
            let names = session.introspection.schemas().filter { n in pattern.map { NamePattern($0).matches(schema: nil, name: n) } ?? true }
            listing(title: "List of schemas", columns: ["Name"], rows: names.map { [$0] })
        case .listRoles(let pattern):
            return governance([("List of roles", "lakesql_roles")], pattern: pattern)
        case .listPrivileges(let pattern):
            return governance([("Grants", "lakesql_grants"), ("Masking policies", "lakesql_masks"),
                               ("Row policies", "lakesql_row_policies")], pattern: pattern)
        case .timing(let value):
            settings.timing = value.apply(to: settings.timing)
            output.write("Timing is \(settings.timing ? "on" : "off").\n")
        case .expanded(let mode):
            settings.expanded = mode ?? (settings.expanded == .off ? .on : .off)
            output.write(expandedMessage())
        case .output(let path):
            return redirectOutput(to: path)
        case .include(let path):
            return include(path)
        case .watch(let seconds):
            return watch(every: seconds)
        case .set(let name, let value):
            guard let name else {
                for key in variables.keys.sorted() { output.write("\(key) = '\(variables[key] ?? "")'\n") }
                break
            }
            variables[name] = value
        case .unset(let name):
            variables[name] = nil
        case .pset(let option, let value):
            return pset(option, value)
        case .conninfo:
            refreshIdentity()
            let who = identity.map { "user \"\($0.user)\"" + ($0.role.isEmpty || $0.role == $0.user ? "" : " (role \"\($0.role)\")") }
                ?? "no user (no governance catalog attached)"
            let lake = session.database.options.lakePath.map { "lake folder \"\($0)\"" } ?? "no lake folder"
            output.write("You are connected to LakeSQL \(CLIArguments.version) in this process as \(who); \(lake).\n")
        }
        output.flush()
        return true
    }

    private func expandedMessage() -> String {
        switch settings.expanded {
        case .on: return "Expanded display is on.\n"
        case .off: return "Expanded display is off.\n"
        case .auto: return "Expanded display is used automatically.\n"
        }
    }

    // MARK: - Listings

    func listing(title: String?, columns: [String], rows: [[String?]], footer: Bool? = nil, trailer: String = "") {
        var text = title.map { $0 + "\n" } ?? ""
        text += BoxTable.render(columns: columns.map { BoxColumn(name: $0, rightAligned: false) }, rows: rows, options: boxOptions(footer: footer))
        text += trailer
        emit(interactive ? text + "\n" : text)
    }

    private func listRelations(kinds: Set<RelationKind>, pattern: String?) -> Bool {
        let matcher = pattern.map(NamePattern.init)
        // Like psql, the system schemas are listed only when a pattern asks for them.
        let relations = session.introspection.relations().filter { r in
            kinds.contains(r.kind) && (matcher?.matches(schema: r.schema, name: r.name)
                                       ?? !["pg_catalog", "information_schema"].contains(r.schema))
        }
        if relations.isEmpty {
            output.write(pattern.map { "Did not find any relation named \"\($0)\".\n" } ?? "Did not find any relations.\n")
            return true
        }
        listing(title: "List of relations", columns: ["Schema", "Name", "Type"],
                rows: relations.map { [$0.schema, $0.name, $0.kind.rawValue] })
        return true
    }

    private func describe(_ pattern: String) -> Bool {
        let matcher = NamePattern(pattern)
        var matches = session.introspection.relations().filter { matcher.matches(schema: $0.schema, name: $0.name) }
        // An unqualified exact name means what the binder would pick (an in-memory table shadows the lake's).
        if !matcher.hasWildcards, !matcher.isQualified, let resolved = session.introspection.relation(schema: nil, name: matcher.namePart) {
            matches = [resolved]
        }
        guard !matches.isEmpty else {
            printError("Did not find any relation named \"\(pattern)\".")
            return false
        }
        var ok = true
        for relation in matches {
            let label: String
            switch relation.kind {
            case .table: label = "Table"
            case .view: label = "View"
            case .lakeTable: label = "Lake table"
            }
            do {
                let columns = try session.introspection.columns(schema: relation.schema, name: relation.name)
                let trailer = relation.definition.map { relation.kind == .view ? "View definition:\n \($0);\n" : "Location: \($0)\n" } ?? ""
                listing(title: "\(label) \"\(relation.schema).\(relation.name)\"", columns: ["Column", "Type", "Nullable"],
                        rows: columns.map { [$0.name, $0.type, $0.nullable ? "" : "not null"] }, footer: false, trailer: trailer)
            } catch {
                printError(ErrorFormatter.format(error))
                ok = false
            }
        }
        return ok
    }

    /// The governance catalog's system relations; a note when none of them exists.
    private func governance(_ relations: [(title: String, name: String)], pattern: String?) -> Bool {
        var found = false
        for (title, name) in relations {
            do {
                let result = try session.execute("SELECT * FROM \(name)")
                var rows: [[String?]] = []
                while let batch = try result.next() {
                    let columns = (0..<result.fields.count).map { c in
                        c < batch.columns.count ? CellText.column(batch.columns[c], count: batch.count, options: session.textOptions)
                                                : Array(repeating: nil, count: batch.count)
                    }
                    for r in 0..<batch.count { rows.append(columns.map { $0[r] }) }
                }
                found = true
                if let pattern {
                    let matcher = NamePattern(pattern)
                    rows = rows.filter { row in row.first.flatMap { $0 }.map { matcher.matches(schema: nil, name: $0) } ?? false }
                }
                listing(title: title, columns: result.fields.map(\.name), rows: rows)
            } catch let error as SQLError where error.sqlState == SQLState.undefinedTable {
                continue
            } catch {
                printError(ErrorFormatter.format(error))
                return false
            }
        }
        if !found { output.write("no governance catalog attached\n") }
        return true
    }

    // MARK: - Settings and I/O

    private func pset(_ option: String?, _ value: String?) -> Bool {
        func flag(_ current: Bool) -> Bool? {
            switch value?.lowercased() {
            case nil: return !current
            case "on", "true", "1", "yes": return true
            case "off", "false", "0", "no": return false
            default: return nil
            }
        }
        switch option?.lowercased() {
        case nil:
            output.write("""
            expanded   \(settings.expanded.rawValue)
            footer     \(settings.footer ? "on" : "off")
            format     \(settings.format.rawValue)
            null       '\(settings.nullDisplay)'
            pager      \(settings.pager ? "on" : "off")

            """)
        case "format":
            guard let value else { output.write("Output format is \(settings.format.rawValue).\n"); return true }
            let name = value.lowercased() == "table" ? "aligned" : value.lowercased()
            guard let format = ReplFormat(rawValue: name) else {
                printError("\\pset: allowed formats are \(ReplFormat.allCases.map(\.rawValue).joined(separator: ", "))")
                return false
            }
            settings.format = format
            output.write("Output format is \(format.rawValue).\n")
        case "null":
            settings.nullDisplay = value ?? ""
            output.write("Null display is \"\(settings.nullDisplay)\".\n")
        case "pager":
            guard let on = flag(settings.pager) else { printError("\\pset: unrecognized value \"\(value ?? "")\" for \"pager\""); return false }
            settings.pager = on
            output.write("Pager usage is \(on ? "on" : "off").\n")
        case "footer":
            guard let on = flag(settings.footer) else { printError("\\pset: unrecognized value \"\(value ?? "")\" for \"footer\""); return false }
            settings.footer = on
            output.write("Default footer is \(on ? "on" : "off").\n")
        case "expanded", "x":
            switch value?.lowercased() {
            case nil: settings.expanded = settings.expanded == .off ? .on : .off
            case let v?:
                guard let mode = ExpandedMode(rawValue: v) else { printError("\\pset: unrecognized value \"\(v)\" for \"expanded\""); return false }
                settings.expanded = mode
            }
            output.write(expandedMessage())
        case let other?:
            printError("\\pset: unknown option: \(other)")
            return false
        }
        return true
    }

    private func redirectOutput(to path: String?) -> Bool {
        outputFile?.flush()
        outputFile = nil
        outputFilePath = nil
        guard let path else { return true }
        guard let file = fopen(path, "w") else {
            printError("\(path): \(String(cString: strerror(errno)))")
            return false
        }
        outputFile = FileSink(file: file, closeOnDeinit: true)
        outputFilePath = path
        return true
    }

    /// \i: the file's lines go through a buffer of their own, like typed input.
    private func include(_ path: String) -> Bool {
        guard includeDepth < 16 else {
            printError("\\i: files included too deeply (a file including itself?)")
            return false
        }
        guard let data = FileManager.default.contents(atPath: path) else {
            printError("\(path): No such file or could not be read")
            return false
        }
        if includeDepth == 0 { interrupts.clear() }
        includeDepth += 1
        defer { includeDepth -= 1 }
        var buffer = StatementBuffer()
        let failedBefore = failed
        failed = false
        defer { failed = failed || failedBefore }
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false) {
            // Ctrl-C cancels the running statement and the rest of the file.
            if interrupts.interrupted { return false }
            switch process(line: String(line), buffer: &buffer) {
            case .proceed: continue
            case .quit, .abort: return !failed
            }
        }
        if let rest = buffer.takeRest() { execute(rest) }
        return !failed
    }

    /// \watch: re-runs the last query every `seconds` until Ctrl-C (or an error).
    private func watch(every seconds: Double) -> Bool {
        guard let query = lastQuery else {
            printError("\\watch cannot be used with an empty query")
            return false
        }
        interrupts.clear()
        let formatter = DateFormatter()
        formatter.dateFormat = "EEE MMM d HH:mm:ss yyyy"
        while true {
            output.write("\(formatter.string(from: Date())) (every \(String(format: "%g", seconds))s)\n\n")
            if !execute(query) { return false }
            if !interactive { output.write("\n") }
            output.flush()
            if interrupts.interrupted || interrupts.sleep(seconds: seconds) { break }
        }
        // The terminal echoed ^C where the cursor was; the prompt starts on a line of its own.
        if interactive { Terminal.write(STDOUT_FILENO, "\n") }
        interrupts.clear()
        return true
    }
}

/// psql-style name patterns: `*` and `?` wildcards, case-insensitive unless double-quoted,
/// `schema.name` to match both parts.
struct NamePattern {
    let schemaPart: String?
    let namePart: String
    var hasWildcards: Bool { (schemaPart ?? "").contains(where: { $0 == "*" || $0 == "?" }) || namePart.contains(where: { $0 == "*" || $0 == "?" }) }
    var isQualified: Bool { schemaPart != nil }

    init(_ pattern: String) {
        let folded = pattern.hasPrefix("\"") ? pattern.replacingOccurrences(of: "\"", with: "") : pattern.lowercased()
        if let dot = folded.firstIndex(of: ".") {
            schemaPart = String(folded[..<dot])
            namePart = String(folded[folded.index(after: dot)...])
        } else {
            schemaPart = nil
            namePart = folded
        }
    }

    func matches(schema: String?, name: String) -> Bool {
        if let schemaPart, let schema, !NamePattern.glob(schemaPart, schema) { return false }
        return NamePattern.glob(namePart, name)
    }

    static func glob(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern), t = Array(text)
        var pi = 0, ti = 0, star = -1, mark = 0
        while ti < t.count {
            if pi < p.count, p[pi] == "?" || p[pi] == t[ti] { pi += 1; ti += 1 }
            else if pi < p.count, p[pi] == "*" { star = pi; mark = ti; pi += 1 }
            else if star >= 0 { pi = star + 1; mark += 1; ti = mark }
            else { return false }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
