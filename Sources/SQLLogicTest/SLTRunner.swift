// Runs sqllogictest files against an SLTEngine: each file on a fresh
// database in one session, records in order, with skipif/onlyif applied
// for the names the runner answers to, a watchdog timeout per record, and
// pass/fail/skip counts per file. Rendering and comparison live in
// SLTValueRenderer and SLTResultCheck; the CLI only prints what this returns.

import Foundation
import Columnar
import Engine

public struct SLTRunnerOptions: Sendable {
    /// Engine names for skipif/onlyif (lower-case).
    public var engineNames: Set<String>
    /// A record running longer than this is cancelled and counts as failed (0 disables).
    public var timeoutSeconds: Double
    /// Once a file has run this long, its remaining records count as failed without
    /// running (0 disables): a file whose every query hits the record timeout would
    /// otherwise take hours.
    public var fileTimeoutSeconds: Double
    /// Collect a description of every failing record.
    public var collectFailures: Bool

    public init(engineNames: Set<String> = ["postgresql", "lakesql"], timeoutSeconds: Double = 30,
                fileTimeoutSeconds: Double = 300, collectFailures: Bool = false) {
        self.engineNames = engineNames
        self.timeoutSeconds = timeoutSeconds
        self.fileTimeoutSeconds = fileTimeoutSeconds
        self.collectFailures = collectFailures
    }
}

public struct SLTFailure: Sendable {
    public var line: Int
    public var sql: String
    /// What went wrong: expected vs got, or the error.
    public var message: String

    public func describe(path: String) -> String {
        "\(path):\(line): FAILED\n" + indent(sql, by: "    ") + "\n" + message
    }
}

public struct SLTFileResult: Sendable {
    public var path: String
    public var passed = 0
    public var failed = 0
    public var skipped = 0
    public var failures: [SLTFailure] = []
    /// Failure descriptions already formatted (from a child process), printed as they are.
    public var failureReport: String?

    public init(path: String) { self.path = path }

    public var summaryLine: String { "\(path): \(passed) passed, \(failed) failed, \(skipped) skipped" }
}

/// What happened to one counted record (statement or query).
public enum SLTOutcome: Equatable, Sendable {
    case passed, failed, skipped
}

public final class SLTRunner {
    public let engine: SLTEngine
    public let options: SLTRunnerOptions

    public init(engine: SLTEngine, options: SLTRunnerOptions = .init()) {
        self.engine = engine
        self.options = options
    }

    /// Reads and runs one file; an unreadable file counts as one failed record.
    /// `observer` sees every counted record's outcome as it happens (with its failure, if any).
    public func runFile(at path: String, displayPath: String? = nil,
                        observer: ((SLTOutcome, SLTFailure?) -> Void)? = nil) -> SLTFileResult {
        let shown = displayPath ?? path
        guard let data = FileManager.default.contents(atPath: path) else {
            var result = SLTFileResult(path: shown)
            result.failed = 1
            result.failures.append(SLTFailure(line: 0, sql: "", message: "cannot read file"))
            return result
        }
        let records = data.withUnsafeBytes { raw in SLTParser.parse(bytes: raw.bindMemory(to: UInt8.self)) }
        return run(records: records, path: shown, observer: observer)
    }

    /// Runs parsed records on a fresh database.
    public func run(records: [SLTRecord], path: String,
                    observer: ((SLTOutcome, SLTFailure?) -> Void)? = nil) -> SLTFileResult {
        var result = SLTFileResult(path: path)
        let connection: SLTConnection
        do {
            connection = try engine.connectToFreshDatabase()
        } catch {
            for r in records where r.isCounted {
                if r.runs(on: options.engineNames) { result.failed += 1 } else { result.skipped += 1 }
            }
            result.failures.append(SLTFailure(line: 0, sql: "", message: "cannot open a database: \(describe(error))"))
            return result
        }
        let watchdog = SLTWatchdog(timeoutSeconds: options.timeoutSeconds)
        defer { watchdog.stop() }
        let started = ProcessInfo.processInfo.systemUptime
        var outOfTime = false

        for record in records {
            let runs = record.runs(on: options.engineNames)
            if outOfTime {
                guard record.isCounted else { continue }
                if runs { result.failed += 1; observer?(.failed, nil) } else { result.skipped += 1; observer?(.skipped, nil) }
                continue
            }
            if options.fileTimeoutSeconds > 0, record.isCounted,
               ProcessInfo.processInfo.systemUptime - started > options.fileTimeoutSeconds {
                outOfTime = true
                let note = SLTFailure(line: record.line, sql: "",
                                      message: "file time budget of \(options.fileTimeoutSeconds) s used up: this and every later record counts as failed")
                if runs { result.failed += 1 } else { result.skipped += 1 }
                result.failures.append(note)
                observer?(runs ? .failed : .skipped, note)
                continue
            }
            switch record.kind {
            case .halt:
                if runs { return result }
                continue
            case .hashThreshold:
                continue
            default:
                break
            }
            guard runs else { result.skipped += 1; observer?(.skipped, nil); continue }
            watchdog.arm(connection)
            // Read per record: a SET TimeZone earlier in the file changes how timestamptz renders.
            var failure = execute(record, on: connection, textOptions: connection.textOptions)
            if watchdog.disarm() {
                failure = "timed out after \(options.timeoutSeconds) s (cancelled)"
                    + (failure.map { "\n" + $0 } ?? "")
            }
            if let failure {
                result.failed += 1
                let described = SLTFailure(line: record.line, sql: record.sql, message: failure)
                if options.collectFailures { result.failures.append(described) }
                observer?(.failed, described)
            } else {
                result.passed += 1
                observer?(.passed, nil)
            }
        }
        return result
    }

    /// Runs one record; nil when it passed, else why it failed.
    func execute(_ record: SLTRecord, on connection: SLTConnection, textOptions: TextFormatOptions) -> String? {
        switch record.kind {
        case .invalid(let why):
            return "unparseable record: \(why)"
        case .statement(let expectError):
            do {
                let result = try connection.execute(record.sql)
                while try result.next() != nil {}
                return expectError ? "statement succeeded, but an error was expected" : nil
            } catch {
                return expectError ? nil : "error: \(describe(error))"
            }
        case .query(let query):
            do {
                let values = try renderedValues(of: record.sql, query: query, on: connection, textOptions: textOptions)
                switch values {
                case .failure(let why):
                    return why
                case .success(let values):
                    let (passed, got) = SLTResultCheck.check(values: values, query: query)
                    if passed { return nil }
                    return "expected:\n" + indent(expectedText(query.expected), by: "    ")
                        + "\ngot:\n" + indent(got, by: "    ")
                }
            } catch {
                return "error: \(describe(error))"
            }
        case .halt, .hashThreshold:
            return nil
        }
    }

    private enum Rendered { case success([String]), failure(String) }

    /// Runs the query and renders its values row-major.
    private func renderedValues(of sql: String, query: SLTQuery, on connection: SLTConnection,
                                textOptions: TextFormatOptions) throws -> Rendered {
        let result = try connection.execute(sql)
        let width = query.columns.count
        guard result.fields.count == width else {
            while try result.next() != nil {}
            return .failure("expected \(width) columns, got \(result.fields.count)")
        }
        var values: [String] = []
        var columns = [[String]](repeating: [], count: width)
        while let batch = try result.next() {
            guard batch.columns.count >= width else {
                return .failure("a result batch has \(batch.columns.count) columns, expected \(width)")
            }
            for c in 0..<width {
                columns[c].removeAll(keepingCapacity: true)
                SLTValueRenderer.render(batch.columns[c], kind: query.columns[c], options: textOptions, into: &columns[c])
                guard columns[c].count >= batch.count else {
                    return .failure("a result vector holds fewer rows than its batch")
                }
            }
            if width == 1 {
                values.append(contentsOf: columns[0].prefix(batch.count))
            } else {
                values.reserveCapacity(values.count + batch.count * width)
                for r in 0..<batch.count { for c in 0..<width { values.append(columns[c][r]) } }
            }
        }
        return .success(values)
    }

    private func expectedText(_ expected: SLTExpected) -> String {
        switch expected {
        case let .hash(count, md5): return "\(count) values hashing to \(md5)"
        case .lines(let lines): return lines.isEmpty ? "(no rows)" : lines.joined(separator: "\n")
        }
    }
}

func describe(_ error: Error) -> String {
    if let e = error as? SQLError { return "\(e.message) (SQLSTATE \(e.sqlState))" }
    return String(describing: error)
}

/// Indents every line; long texts are cut after 40 lines.
func indent(_ text: String, by prefix: String) -> String {
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    var out = lines.prefix(40).map { prefix + $0 }
    if lines.count > 40 { out.append(prefix + "… (\(lines.count - 40) more lines)") }
    return out.joined(separator: "\n")
}
