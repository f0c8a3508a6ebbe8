// The analyst's REPL and the streaming script mode share this driver: lines
// go into a StatementBuffer, each statement runs as soon as its `;` has been
// read (so a piped session sees each result before sending the next query),
// backslash lines are meta commands (MetaCommands.swift, MetaCommandRunner.swift).
// Interactive mode adds readline, history, the prompt with user and role,
// Ctrl-C handling, boxed tables fitted to the terminal, the pager, timing and
// the progress bar; none of those appear when output is not a terminal.

import Foundation
import Columnar
import Engine

/// How results are printed: `box` is the REPL's own layout, the rest are the CLI's renderers.
public enum ReplFormat: String, CaseIterable, Sendable {
    case box, aligned, csv, tsv, json, jsonl, markdown

    var rendererFormat: OutputFormat? {
        switch self {
        case .box: return nil
        case .aligned: return .table
        case .csv: return .csv
        case .tsv: return .tsv
        case .json: return .json
        case .jsonl: return .jsonl
        case .markdown: return .markdown
        }
    }

    public init(_ format: OutputFormat) {
        switch format {
        case .table: self = .aligned
        case .csv: self = .csv
        case .tsv: self = .tsv
        case .json: self = .json
        case .jsonl: self = .jsonl
        case .markdown: self = .markdown
        }
    }
}

public struct ReplSettings: Sendable {
    public var format: ReplFormat
    public var expanded = ExpandedMode.off
    public var nullDisplay: String
    public var timing: Bool
    public var pager: Bool
    public var footer = true

    /// The interactive defaults: boxed tables, ∅ for NULL, timing and pager on.
    public static let interactive = ReplSettings(format: .box, nullDisplay: "∅", timing: true, pager: true)

    public init(format: ReplFormat, nullDisplay: String, timing: Bool, pager: Bool) {
        self.format = format; self.nullDisplay = nullDisplay; self.timing = timing; self.pager = pager
    }
}

/// Who is running the statement now, so Ctrl-C (on the signal queue) can cancel it,
/// and a wake-up for \watch's sleep.
final class InterruptState: @unchecked Sendable {
    private let lock = NSLock()
    private var running: Session?
    private var interruptedFlag = false
    private let wake = DispatchSemaphore(value: 0)

    func begin(_ session: Session) { lock.lock(); running = session; lock.unlock() }
    func end() { lock.lock(); running = nil; lock.unlock() }

    func fire() {
        lock.lock()
        running?.cancel()
        interruptedFlag = true
        lock.unlock()
        wake.signal()
    }

    var interrupted: Bool { lock.lock(); defer { lock.unlock() }; return interruptedFlag }

    func clear() {
        lock.lock(); interruptedFlag = false; lock.unlock()
        while wake.wait(timeout: .now()) == .success {}
    }

    /// Sleeps up to `seconds`; true when interrupted meanwhile.
    func sleep(seconds: Double) -> Bool {
        let deadline = DispatchTime.now() + seconds
        while DispatchTime.now() < deadline {
            if interrupted { return true }
            _ = wake.wait(timeout: deadline)
        }
        return interrupted
    }
}

public final class Repl {
    enum Flow { case proceed, quit, abort }

    public let session: Session
    public var settings: ReplSettings
    var variables: [String: String] = [:]
    let interactive: Bool
    let continueOnError: Bool
    let standardOutput: TextSink
    let errors: TextSink
    /// \o FILE: results go here instead of standard output.
    var outputFile: FileSink?
    var outputFilePath: String?
    var output: TextSink { outputFile ?? standardOutput }
    var lastQuery: String?
    var failed = false
    var includeDepth = 0
    let interrupts = InterruptState()
    var identity: (user: String, role: String)?
    let environment = ProcessInfo.processInfo.environment

    public init(session: Session, settings: ReplSettings, interactive: Bool, continueOnError: Bool = false,
                output: TextSink, errors: TextSink) {
        self.session = session
        self.settings = settings
        self.interactive = interactive
        self.continueOnError = continueOnError
        self.standardOutput = output
        self.errors = errors
    }

    /// Errors stop a script (non-interactive, without --continue-on-error).
    var stopsOnError: Bool { !interactive && !continueOnError }

    // MARK: - Input loops

    /// Reads lines from `nextLine` (stdin that is not a terminal) until it returns nil;
    /// exit status 1 when a statement failed.
    public func runStream(nextLine: () -> String?) -> Int32 {
        var buffer = StatementBuffer()
        while let line = nextLine() {
            switch process(line: line, buffer: &buffer) {
            case .proceed: continue
            case .quit: return failed ? 1 : 0
            case .abort: return 1
            }
        }
        // The last statement may lack its `;`.
        if let rest = buffer.takeRest(), !execute(rest), stopsOnError { return 1 }
        return failed ? 1 : 0
    }

    /// The interactive loop on a terminal: readline, history, Ctrl-C. Returns the exit status.
    public func runInteractive(historyPath: String?, banner: String) -> Int32 {
        let watcher = InterruptWatcher()
        watcher.onInterrupt = { [interrupts] in interrupts.fire() }
        let editor = LineEditor(watcher: watcher)
        let completer = Completer(source: SessionCompletionSource(session: session))
        var buffer = StatementBuffer()
        editor.complete = { word, lineBefore, line in
            completer.candidates(word: word, before: buffer.pending + lineBefore, statement: buffer.pending + line)
        }
        let history = historyPath.map(HistoryFile.init)
        for entry in history?.load() ?? [] { editor.addToHistory(entry) }
        standardOutput.write(banner)
        standardOutput.flush()
        refreshIdentity()
        var entryLines: [String] = []
        while true {
            let prompt = entryLines.isEmpty ? primaryPrompt() : continuationPrompt(buffer.open)
            switch editor.read(prompt: prompt) {
            case .endOfInput:
                return 0
            case .interrupted:
                buffer.reset()
                entryLines = []
            case .line(let line):
                entryLines.append(line)
                let flow = process(line: line, buffer: &buffer)
                if buffer.isEmpty {
                    let entry = entryLines.joined(separator: "\n")
                    if HistoryFile.shouldRecord(entry) {
                        editor.addToHistory(entry)
                        history?.append(entry)
                    }
                    entryLines = []
                    buffer.reset()
                }
                if flow == .quit { return 0 }
            }
        }
    }

    /// One input line: a meta command, or SQL that may complete statements.
    func process(line: String, buffer: inout StatementBuffer) -> Flow {
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        switch buffer.open {
        case .nothing, .parentheses:
            if trimmed.hasPrefix("\\") { return runMeta(String(trimmed)) }
        default: break
        }
        for statement in buffer.feed(line: line) {
            if !execute(statement), stopsOnError { return .abort }
        }
        // `SELECT 1; \x` — a command after the last statement on the line.
        if buffer.pendingIsMetaCommand, buffer.open == .nothing {
            let command = buffer.pending
            buffer.reset()
            return runMeta(command)
        }
        return .proceed
    }

    // MARK: - Prompt

    static func mayChangeIdentity(_ sql: String) -> Bool {
        let first = sql.split(whereSeparator: { $0.isWhitespace || $0 == ";" }).first?.uppercased()
        return first == "SET" || first == "RESET"
    }

    /// The login user and the current role. session_user is the login user when SET ROLE has changed
    /// current_user (PostgreSQL's semantics); without session_user, current_user and current_role.
    func refreshIdentity() {
        func text(_ v: Value) -> String { if case .string(let s) = v { return s }; return v.isNull ? "" : "\(v)" }
        for query in ["SELECT session_user, current_role", "SELECT current_user, current_role"] {
            if let result = try? session.execute(query), let row = try? result.allRows().first, row.count >= 2 {
                identity = (text(row[0]), text(row[1]))
                return
            }
        }
        identity = nil
    }

    /// `alice=> ` or `alice(analyst)=> ` (user, then the role when it differs); `lakesql=> ` without a catalog.
    func primaryPrompt() -> String { promptName() + "=> " }

    func continuationPrompt(_ open: StatementBuffer.Open) -> String { promptName() + String(open.marker) + "> " }

    func promptName() -> String {
        guard let identity, !identity.user.isEmpty else { return "lakesql" }
        if identity.role.isEmpty || identity.role == identity.user || identity.role.lowercased() == "none" { return identity.user }
        return "\(identity.user)(\(identity.role))"
    }

    // MARK: - Statements

    var useColors: Bool {
        interactive && outputFile == nil && Terminal.isTerminal(STDOUT_FILENO) && environment["NO_COLOR"] == nil
    }

    /// Runs one statement and prints its result or error; false when it failed.
    @discardableResult
    func execute(_ raw: String) -> Bool {
        let sql = VariableInterpolation.apply(raw, variables: variables)
        lastQuery = sql
        let started = DispatchTime.now()
        var bar: ProgressDisplay?
        if interactive && Terminal.isTerminal(STDERR_FILENO) {
            let progress = session.progress
            bar = ProgressDisplay(descriptor: STDERR_FILENO) {
                let s = progress.snapshot
                return ProgressSnapshot(morselsTotal: s.morselsTotal, morselsDone: s.morselsDone, rowsScanned: s.rowsScanned)
            }
            bar?.start()
        }
        interrupts.begin(session)
        defer { interrupts.end(); bar?.stop() }
        do {
            let result = try session.execute(sql)
            if !result.returnsRows || settings.format == .box {
                try printBuffered(result, bar: bar, started: started)
            } else {
                bar?.stop()
                bar = nil
                let renderer = ResultRenderers.make(settings.format.rendererFormat ?? .table, sink: output,
                                                    options: RenderOptions(nullString: settings.nullDisplay, textOptions: session.textOptions))
                try ResultRenderers.render(result, with: renderer)
                printTiming(since: started)
            }
            output.flush()
            // Only SET ROLE / RESET ROLE / SET SESSION AUTHORIZATION change who we are; asking after every
            // statement would also put a query per prompt into the audit log.
            if interactive, Repl.mayChangeIdentity(sql) { refreshIdentity() }
            return true
        } catch {
            bar?.stop()
            bar = nil
            output.flush()
            standardOutput.flush()
            // The terminal echoed ^C where the cursor was; the error starts on a clean line.
            if interactive, (error as? SQLError)?.sqlState == SQLState.queryCanceled, Terminal.isTerminal(STDERR_FILENO) {
                errors.write("\r\u{1B}[K")
            }
            errors.write(ErrorFormatter.format(error, sql: sql))
            errors.flush()
            failed = true
            return false
        }
    }

    /// Collects every row, then prints a box (or the command tag) once the statement is done.
    private func printBuffered(_ result: QueryResult, bar: ProgressDisplay?, started: DispatchTime) throws {
        var rows: [[String?]] = []
        let fields = result.fields
        while let batch = try result.next() {
            let columns = (0..<fields.count).map { c in
                c < batch.columns.count ? CellText.column(batch.columns[c], count: batch.count, options: session.textOptions)
                                        : Array(repeating: nil, count: batch.count)
            }
            for r in 0..<batch.count { rows.append(columns.map { $0[r] }) }
        }
        bar?.stop()
        let elapsed = milliseconds(since: started)
        if !result.returnsRows {
            if !result.commandTag.isEmpty, settings.format == .box || settings.format == .aligned {
                output.write(result.commandTag + "\n")
            }
        } else {
            let columns = fields.map { BoxColumn(name: $0.name, rightAligned: CellText.isRightAligned($0.type)) }
            emit(BoxTable.render(columns: columns, rows: rows, options: boxOptions()))
        }
        if settings.timing { output.write("Time: \(String(format: "%.3f", elapsed)) ms\n") }
        if interactive { output.write("\n") }
    }

    func boxOptions(footer: Bool? = nil) -> BoxTableOptions {
        let width = interactive && outputFile == nil ? Terminal.size(STDOUT_FILENO)?.columns : nil
        return BoxTableOptions(width: width, nullDisplay: settings.nullDisplay, colors: useColors,
                               expanded: settings.expanded, footer: footer ?? settings.footer)
    }

    private func printTiming(since started: DispatchTime) {
        if settings.timing { output.write("Time: \(String(format: "%.3f", milliseconds(since: started))) ms\n") }
    }

    private func milliseconds(since started: DispatchTime) -> Double {
        Double(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds) / 1e6
    }

    /// Writes `text`, through the pager when it is taller than the terminal.
    func emit(_ text: String) {
        if interactive, outputFile == nil, settings.pager, Terminal.isTerminal(STDOUT_FILENO), Terminal.isTerminal(STDIN_FILENO),
           let size = Terminal.size(STDOUT_FILENO), Pager.isTooTall(text, terminalRows: size.rows - 1),
           let command = Pager.command(environment: environment) {
            standardOutput.flush()
            if Pager.show(text, command: command) { return }
        }
        output.write(text)
    }

    func printError(_ message: String) {
        output.flush()
        standardOutput.flush()
        errors.write(message.hasSuffix("\n") ? message : message + "\n")
        errors.flush()
    }
}

/// Completion's questions answered from the session's introspection (asked afresh, so new tables show up).
final class SessionCompletionSource: CompletionSource {
    let session: Session
    init(session: Session) { self.session = session }

    func schemaNames() -> [String] { session.introspection.schemas() }
    func relationNames() -> [(schema: String, name: String)] { session.introspection.relations().map { ($0.schema, $0.name) } }
    func functionNames() -> [String] { Completer.unique(session.introspection.functions().map(\.name)) }

    func columnNames(schema: String?, relation: String) -> [String] {
        (try? session.introspection.columns(schema: schema, name: relation).map(\.name)) ?? []
    }
}
