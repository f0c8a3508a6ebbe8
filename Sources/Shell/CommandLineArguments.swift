// Hand-written argument parsing for the lakesql executable (no packages):
// the default mode runs SQL from -c/-f/stdin, `sqllogictest` runs the
// conformance runner. Lives in Shell so it can be unit-tested; main.swift
// only acts on the parsed command. Accepts `--flag value` and `--flag=value`.

#if canImport(Glibc)
import Glibc
#endif

public enum ScriptInput: Equatable, Sendable {
    case command(String)
    case file(String)
}

public struct RunCommandOptions: Equatable, Sendable {
    public var lakePath: String?
    public var format: OutputFormat = .table
    /// -c and -f in the order given.
    public var inputs: [ScriptInput] = []
    public var continueOnError = false
    public var nullString = ""
    /// --catalog FILE (Docs/CATALOG.md); nil: none, unless --user asks for the default one.
    public var catalogPath: String?
    /// --user NAME: run as that catalog user instead of the catalog's owner.
    public var user: String?
    public init() {}
}

/// `lakesql policy export|apply FILE [--catalog FILE]`
public struct PolicyCommandOptions: Equatable, Sendable {
    public enum Action: Equatable, Sendable { case export, apply(String) }
    public var action: Action
    public var catalogPath: String?
    public init(action: Action, catalogPath: String? = nil) { self.action = action; self.catalogPath = catalogPath }
}

public struct SQLLogicTestCommandOptions: Equatable, Sendable {
    public var allowFailures = false
    public var verbose = false
    public var reportPath: String?
    public var timeoutSeconds: Double = 30
    public var fileTimeoutSeconds: Double = 300
    public var paths: [String] = []
    /// Run each file in a child process (default), so engine crashes cost one file's remaining records.
    public var isolate = true
    /// Internal: this process is such a child (progress bytes on stdout).
    public var child = false
    /// Internal: where a child writes failure descriptions.
    public var failuresFile: String?
    public init() {}
}

public enum CLICommand: Equatable, Sendable {
    case help
    case version
    case run(RunCommandOptions)
    case sqllogictest(SQLLogicTestCommandOptions)
    case policy(PolicyCommandOptions)
}

public struct UsageError: Error, Equatable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}

public enum CLIArguments {
    public static let version = "0.1.0"

    public static let usage = """
    Usage:
      lakesql [OPTIONS]                       the REPL on a terminal (on the demo lake without --lake);
                                              SQL from -c/-f, or from stdin when it is not a terminal
      lakesql sqllogictest [OPTIONS] PATH...  run sqllogictest files (folders are searched for *.slt)
      lakesql policy export [--catalog FILE]  print roles, grants, tags, masking and row policies as SQL
      lakesql policy apply FILE [--catalog FILE]  apply such a file in one transaction (all or nothing)
      lakesql --help | --version

    Options:
      --lake DIR               folder whose files and sub-folders become tables
      --format FORMAT          table (default), csv, tsv, json, jsonl or markdown
      -c, --command SQL        run SQL (may repeat; runs in order with -f)
      -f, --file FILE          run the SQL script in FILE (may repeat)
      --null STRING            how NULL is shown in table, tsv and markdown output (default: empty)
      --continue-on-error      keep going after an error (the exit status is still 1)
      --catalog FILE           the SQLite catalog of users, policies, views and tables (default with
                               --user or policy: ~/.lakesql/catalog.db; without either, no catalog)
      --user NAME              run as this catalog user (default: the catalog's owner, a superuser)

    sqllogictest options:
      --allow-failures         exit with status 0 even when records fail
      --verbose                print every failing record (SQL, expected and actual result or error)
      --report FILE.md         write a per-file pass-rate table in markdown
      --timeout SECONDS        cancel a record that runs longer than this (default 30; 0 = never)
      --file-timeout SECONDS   after this long, a file's remaining records count as failed (default 300; 0 = never)
      --no-isolate             run files in this process (default: one child process per file, so
                               that an engine crash or a hang only costs that file's remaining records)

    """

    public static func parse(_ arguments: [String]) throws -> CLICommand {
        if arguments.first == "sqllogictest" { return .sqllogictest(try parseSQLLogicTest(Array(arguments.dropFirst()))) }
        if arguments.first == "policy" { return .policy(try parsePolicy(Array(arguments.dropFirst()))) }
        var options = RunCommandOptions()
        var reader = ArgumentReader(arguments)
        while let arg = reader.next() {
            switch arg.name {
            case "--help", "-h", "-?": return .help
            case "--version", "-V": return .version
            case "--lake": options.lakePath = try reader.value(for: arg)
            case "--format":
                let name = try reader.value(for: arg)
                guard let format = OutputFormat(rawValue: name.lowercased()) else {
                    throw UsageError("unknown format '\(name)' (expected one of: \(OutputFormat.allCases.map(\.rawValue).joined(separator: ", ")))")
                }
                options.format = format
            case "-c", "--command": options.inputs.append(.command(try reader.value(for: arg)))
            case "-f", "--file": options.inputs.append(.file(try reader.value(for: arg)))
            case "--null": options.nullString = try reader.value(for: arg)
            case "--continue-on-error": try reader.noValue(for: arg); options.continueOnError = true
            case "--catalog": options.catalogPath = try reader.value(for: arg)
            case "--user", "-U": options.user = try reader.value(for: arg)
            default:
                if arg.name.hasPrefix("-"), arg.name != "-" { throw UsageError("unknown option '\(arg.name)'") }
                throw UsageError("unexpected argument '\(arg.name)'")
            }
        }
        return .run(options)
    }

    static func parsePolicy(_ arguments: [String]) throws -> PolicyCommandOptions {
        var catalogPath: String?
        var words: [String] = []
        var reader = ArgumentReader(arguments)
        while let arg = reader.next() {
            if arg.name == "--catalog" { catalogPath = try reader.value(for: arg); continue }
            if arg.name.hasPrefix("-"), arg.name.count > 1 { throw UsageError("unknown policy option '\(arg.name)'") }
            words.append(arg.name)
        }
        switch words.first {
        case "export" where words.count == 1: return PolicyCommandOptions(action: .export, catalogPath: catalogPath)
        case "apply" where words.count == 2: return PolicyCommandOptions(action: .apply(words[1]), catalogPath: catalogPath)
        default: throw UsageError("usage: lakesql policy export | lakesql policy apply FILE  [--catalog FILE]")
        }
    }

    /// ~/.lakesql/catalog.db
    public static var defaultCatalogPath: String {
        let home = getenv("HOME").map { String(cString: $0) } ?? "."
        return home + "/.lakesql/catalog.db"
    }

    private static func seconds(_ text: String, for option: String) throws -> Double {
        guard let seconds = Double(text), seconds >= 0, seconds.isFinite else {
            throw UsageError("\(option) needs a number of seconds, got '\(text)'")
        }
        return seconds
    }

    static func parseSQLLogicTest(_ arguments: [String]) throws -> SQLLogicTestCommandOptions {
        var options = SQLLogicTestCommandOptions()
        var reader = ArgumentReader(arguments)
        while let arg = reader.next() {
            switch arg.name {
            case "--allow-failures": try reader.noValue(for: arg); options.allowFailures = true
            case "--verbose", "-v": try reader.noValue(for: arg); options.verbose = true
            case "--report": options.reportPath = try reader.value(for: arg)
            case "--no-isolate": try reader.noValue(for: arg); options.isolate = false
            case "--child": try reader.noValue(for: arg); options.child = true
            case "--failures-file": options.failuresFile = try reader.value(for: arg)
            case "--timeout":
                options.timeoutSeconds = try seconds(try reader.value(for: arg), for: arg.name)
            case "--file-timeout":
                options.fileTimeoutSeconds = try seconds(try reader.value(for: arg), for: arg.name)
            default:
                if arg.name.hasPrefix("-"), arg.name.count > 1 { throw UsageError("unknown sqllogictest option '\(arg.name)'") }
                options.paths.append(arg.name)
            }
        }
        if options.paths.isEmpty { throw UsageError("sqllogictest needs at least one file or folder") }
        return options
    }
}

/// Walks arguments, splitting `--name=value`.
struct ArgumentReader {
    struct Argument { var name: String; var inlineValue: String? }
    private let arguments: [String]
    private var index = 0

    init(_ arguments: [String]) { self.arguments = arguments }

    mutating func next() -> Argument? {
        guard index < arguments.count else { return nil }
        let raw = arguments[index]
        index += 1
        if raw.hasPrefix("--"), let eq = raw.firstIndex(of: "=") {
            return Argument(name: String(raw[..<eq]), inlineValue: String(raw[raw.index(after: eq)...]))
        }
        return Argument(name: raw, inlineValue: nil)
    }

    mutating func value(for arg: Argument) throws -> String {
        if let v = arg.inlineValue { return v }
        guard index < arguments.count else { throw UsageError("option '\(arg.name)' needs a value") }
        index += 1
        return arguments[index - 1]
    }

    func noValue(for arg: Argument) throws {
        if arg.inlineValue != nil { throw UsageError("option '\(arg.name)' takes no value") }
    }
}
