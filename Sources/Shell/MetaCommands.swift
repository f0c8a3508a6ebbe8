// Backslash commands in psql's spelling, parsed from one input line into a
// value the REPL acts on. Parsing is pure so that every spelling and every
// bad argument is tested without a terminal; arguments may be quoted with
// single quotes ('my file.sql'), as in psql.

public enum ToggleValue: Equatable, Sendable {
    case toggle, on, off
    func apply(to current: Bool) -> Bool {
        switch self {
        case .toggle: return !current
        case .on: return true
        case .off: return false
        }
    }
}

public enum ExpandedMode: String, Equatable, Sendable {
    case off, on, auto
}

public enum MetaCommand: Equatable, Sendable {
    case help
    case quit
    /// \d with no name lists relations; \d NAME describes one (a `*`/`?` pattern lists the matches).
    case describe(String?)
    case listTables(String?)
    case listViews(String?)
    case listFunctions(String?)
    case listSchemas(String?)
    case listRoles(String?)
    case listPrivileges(String?)
    case timing(ToggleValue)
    /// nil toggles between off and on.
    case expanded(ExpandedMode?)
    /// nil sends output back to the terminal.
    case output(String?)
    case include(String)
    case watch(seconds: Double)
    /// \set alone lists variables; \set NAME sets it to the empty string.
    case set(name: String?, value: String)
    case unset(String)
    /// \pset alone lists the print options.
    case pset(option: String?, value: String?)
    case conninfo
}

public struct MetaCommandError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

public enum MetaCommandParser {
    /// Every command name, for \? and tab completion.
    public static let names = ["\\?", "\\conninfo", "\\d", "\\df", "\\dn", "\\dp", "\\dt", "\\du", "\\dv", "\\i",
                               "\\o", "\\pset", "\\q", "\\set", "\\timing", "\\unset", "\\watch", "\\x"]

    public static let helpText = """
    General
      \\q                     quit lakesql (or Ctrl-D)
      \\? [commands]          this help
      \\conninfo              what this session is connected to
    Informational
      \\d                     list tables, views and lake tables
      \\d NAME                describe a table, view or lake table (NAME may be a pattern: ord*)
      \\dt [PATTERN]          list tables          \\dv [PATTERN]   list views
      \\df [PATTERN]          list functions       \\dn [PATTERN]   list schemas
      \\du [PATTERN]          list users and roles
      \\dp [PATTERN]          list grants, masks and row policies
    Formatting
      \\x [on|off|auto]       expanded rows (one line per column)
      \\pset format FORMAT    box (default), aligned, csv, tsv, json, jsonl or markdown
      \\pset null STRING      how NULL is shown (default ∅)
      \\pset pager on|off     page results taller than the terminal
      \\pset footer on|off    row-count footer
      \\timing [on|off]       show how long each statement took
    Input/Output
      \\i FILE                run the statements (and commands) in FILE
      \\o [FILE]              send results to FILE, or back to the terminal
      \\watch SECONDS         re-run the last query every SECONDS until Ctrl-C
      \\set [NAME [VALUE]]    set or list variables (:NAME in SQL is replaced by VALUE)
      \\unset NAME            delete a variable

    """

    public static func parse(_ line: String) throws -> MetaCommand {
        var text = Substring(line)
        while let f = text.first, f == " " || f == "\t" { text = text.dropFirst() }
        guard text.first == "\\" else { throw MetaCommandError("not a backslash command: \(line)") }
        let words = try arguments(String(text))
        guard let name = words.first else { throw MetaCommandError("empty command") }
        let args = Array(words.dropFirst())
        func atMostOne() throws -> String? {
            guard args.count <= 1 else { throw MetaCommandError("\(name): extra argument \"\(args[1])\" ignored") }
            return args.first
        }
        func none() throws {
            if let extra = args.first { throw MetaCommandError("\(name): extra argument \"\(extra)\" ignored") }
        }
        func toggle() throws -> ToggleValue {
            switch try atMostOne()?.lowercased() {
            case nil: return .toggle
            case "on", "true", "1", "yes": return .on
            case "off", "false", "0", "no": return .off
            case let other?: throw MetaCommandError("\(name): unrecognized value \"\(other)\": Boolean expected")
            }
        }
        // \d+ and friends: psql's verbose variants show the same here.
        let base = name.count > 2 && name.hasSuffix("+") ? String(name.dropLast()) : name
        switch base {
        case "\\?", "\\h", "\\help": return .help
        case "\\q", "\\quit": try none(); return .quit
        case "\\d": return .describe(try atMostOne())
        case "\\dt": return .listTables(try atMostOne())
        case "\\dv": return .listViews(try atMostOne())
        case "\\df": return .listFunctions(try atMostOne())
        case "\\dn": return .listSchemas(try atMostOne())
        case "\\du", "\\dg": return .listRoles(try atMostOne())
        case "\\dp", "\\z": return .listPrivileges(try atMostOne())
        case "\\timing": return .timing(try toggle())
        case "\\x":
            switch try atMostOne()?.lowercased() {
            case nil: return .expanded(nil)
            case "on", "true", "1": return .expanded(.on)
            case "off", "false", "0": return .expanded(.off)
            case "auto": return .expanded(.auto)
            case let other?: throw MetaCommandError("\\x: unrecognized value \"\(other)\": expected on, off or auto")
            }
        case "\\o", "\\out": return .output(try atMostOne())
        case "\\i", "\\include":
            guard let file = try atMostOne() else { throw MetaCommandError("\\i: missing required argument") }
            return .include(file)
        case "\\watch":
            let text = try atMostOne() ?? "2"
            guard let seconds = Double(text), seconds.isFinite, seconds > 0, seconds <= 86_400 else {
                throw MetaCommandError("\\watch: incorrect interval value \"\(text)\"")
            }
            return .watch(seconds: seconds)
        case "\\set":
            guard let variable = args.first else { return .set(name: nil, value: "") }
            guard isVariableName(variable) else { throw MetaCommandError("\\set: invalid variable name: \"\(variable)\"") }
            return .set(name: variable, value: args.dropFirst().joined())
        case "\\unset":
            guard let variable = try atMostOne() else { throw MetaCommandError("\\unset: missing required argument") }
            return .unset(variable)
        case "\\pset":
            guard args.count <= 2 else { throw MetaCommandError("\\pset: extra argument \"\(args[2])\" ignored") }
            return .pset(option: args.first, value: args.count > 1 ? args[1] : nil)
        case "\\conninfo": try none(); return .conninfo
        default:
            throw MetaCommandError("invalid command \(name)\nTry \\? for help.")
        }
    }

    static func isVariableName(_ s: String) -> Bool {
        guard let f = s.unicodeScalars.first, f == "_" || f.properties.isAlphabetic else { return false }
        return s.unicodeScalars.allSatisfy { $0 == "_" || $0.properties.isAlphabetic || ("0"..."9").contains($0) }
    }

    /// Splits a command line into words; single quotes group (`''` inside is a quote).
    static func arguments(_ line: String) throws -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var chars = Array(line)
        // A trailing `;` after a command is not part of its last argument (psql ignores it too).
        while let last = chars.last, last == " " || last == "\t" || last == "\n" || last == "\r" { chars.removeLast() }
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == " " || c == "\t" {
                if inWord { words.append(current); current = ""; inWord = false }
                i += 1
                continue
            }
            inWord = true
            if c == "'" {
                i += 1
                var closed = false
                while i < chars.count {
                    if chars[i] == "'" {
                        if i + 1 < chars.count, chars[i + 1] == "'" { current.append("'"); i += 2; continue }
                        closed = true
                        i += 1
                        break
                    }
                    current.append(chars[i])
                    i += 1
                }
                if !closed { throw MetaCommandError("unterminated quoted string") }
                continue
            }
            current.append(c)
            i += 1
        }
        if inWord { words.append(current) }
        // \q; and \x; — a stray semicolon on the command word itself.
        if let first = words.first, first.count > 1, first.hasSuffix(";") { words[0] = String(first.dropLast()) }
        return words
    }
}
