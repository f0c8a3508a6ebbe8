// Runs each sqllogictest file in a child `lakesql sqllogictest --child`
// process, so that an engine crash (trap, stack overflow) or a statement
// that ignores cancellation costs only the records it takes down, not the
// whole suite. The child reports one byte per counted record (P passed,
// F failed, S skipped) on file descriptor 3, then a final
// `=passed,failed,skipped` line; failure descriptions go to a file. If the
// child dies or stops making progress, the parent counts the records it
// never reported: the ones that would run as failed, the others as skipped.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

public struct SLTIsolatedRunner {
    /// The lakesql executable to start.
    public var executable: String
    public var options: SLTRunnerOptions
    /// Kill a child that reports nothing for this long (0: never).
    public var hangSeconds: Double
    /// Where crash and kill notices go (the parent's stderr in the CLI).
    public var notice: (String) -> Void

    public init(executable: String, options: SLTRunnerOptions, hangSeconds: Double, notice: @escaping (String) -> Void) {
        self.executable = executable
        self.options = options
        self.hangSeconds = hangSeconds
        self.notice = notice
    }

    public func runFile(at path: String, displayPath: String) -> SLTFileResult {
        var result = SLTFileResult(path: displayPath)
        let failuresPath = NSTemporaryDirectory() + "lakesql-slt-\(ProcessInfo.processInfo.processIdentifier)-\(UUID().uuidString).txt"
        defer { try? FileManager.default.removeItem(atPath: failuresPath) }

        var arguments = [executable, "sqllogictest", "--child", "--timeout", String(options.timeoutSeconds),
                         "--file-timeout", String(options.fileTimeoutSeconds)]
        if options.collectFailures { arguments += ["--failures-file", failuresPath] }
        arguments.append(path)
        guard let child = ChildProcess(arguments: arguments) else {
            notice("\(displayPath): cannot start \(executable)")
            return accountForUnreported(path: path, reported: [], into: &result)
        }
        let run = child.readToEnd(killAfterSilence: hangSeconds)
        let (outcomes, summary) = SLTIsolatedRunner.parseProgress(run.output)
        let killed = run.killed

        if options.collectFailures, let text = try? String(contentsOfFile: failuresPath, encoding: .utf8), !text.isEmpty {
            result.failureReport = String(text.dropLast(text.hasSuffix("\n") ? 1 : 0))
        }
        if let summary, !killed, run.signal == nil {
            result.passed = summary.0; result.failed = summary.1; result.skipped = summary.2
            return result
        }
        let why = killed ? "killed after \(hangSeconds) s without progress"
            : run.signal.map { "engine crashed (signal \($0))" }
            ?? "child exited with status \(run.exitStatus) before finishing"
        let lost = accountForUnreported(path: path, reported: outcomes, into: &result)
        var lostResult = lost
        let message = firstUnreportedLine(path: path, reported: outcomes.count).map { "\(displayPath):\($0): \(why)" }
            ?? "\(displayPath): \(why)"
        notice(message)
        if options.collectFailures {
            lostResult.failureReport = (lostResult.failureReport.map { $0 + "\n" } ?? "") + message
        }
        return lostResult
    }

    /// Counts reported outcomes, then the rest of the file's counted records.
    private func accountForUnreported(path: String, reported: [SLTOutcome], into result: inout SLTFileResult) -> SLTFileResult {
        for o in reported {
            switch o {
            case .passed: result.passed += 1
            case .failed: result.failed += 1
            case .skipped: result.skipped += 1
            }
        }
        let records = countedRecords(path: path)
        for r in records.dropFirst(reported.count) {
            if r.runs(on: options.engineNames) { result.failed += 1 } else { result.skipped += 1 }
        }
        return result
    }

    private func firstUnreportedLine(path: String, reported: Int) -> Int? {
        countedRecords(path: path).dropFirst(reported).first { $0.runs(on: options.engineNames) }?.line
    }

    private func countedRecords(path: String) -> [SLTRecord] {
        guard let data = FileManager.default.contents(atPath: path) else { return [] }
        return data.withUnsafeBytes { SLTParser.parse(bytes: $0.bindMemory(to: UInt8.self)) }.filter(\.isCounted)
    }

    /// The child's file descriptor for progress bytes (so stray prints on stdout cannot corrupt them).
    public static let progressDescriptor: Int32 = 3

    /// Encodes one outcome for the child's progress stream.
    public static func progressByte(_ outcome: SLTOutcome) -> UInt8 {
        switch outcome {
        case .passed: return UInt8(ascii: "P")
        case .failed: return UInt8(ascii: "F")
        case .skipped: return UInt8(ascii: "S")
        }
    }

    /// Decodes a child's progress stream: outcomes, and the final counts if it got that far.
    public static func parseProgress(_ bytes: [UInt8]) -> ([SLTOutcome], (Int, Int, Int)?) {
        var outcomes: [SLTOutcome] = []
        var i = 0
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "P"): outcomes.append(.passed)
            case UInt8(ascii: "F"): outcomes.append(.failed)
            case UInt8(ascii: "S"): outcomes.append(.skipped)
            case UInt8(ascii: "="):
                let rest = String(decoding: bytes[(i + 1)...], as: UTF8.self)
                let numbers = rest.split(whereSeparator: { $0 == "," || $0 == "\n" }).compactMap { Int($0) }
                return (outcomes, numbers.count >= 3 ? (numbers[0], numbers[1], numbers[2]) : nil)
            default: break
            }
            i += 1
        }
        return (outcomes, nil)
    }
}

/// A child process started with posix_spawn, its stdout on a pipe. Foundation's
/// Process polls for exit in 50 ms steps, which added up over hundreds of files.
private final class ChildProcess {
    private let pid: pid_t
    private let readFD: Int32

    init?(arguments: [String]) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { return nil }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        // Progress arrives on fd 3; whatever the engine prints on stdout goes to our stderr.
        // The read end may itself be descriptor 3, so close it before dup2 onto 3.
        posix_spawn_file_actions_addclose(&actions, fds[0])
        posix_spawn_file_actions_adddup2(&actions, fds[1], SLTIsolatedRunner.progressDescriptor)
        posix_spawn_file_actions_adddup2(&actions, 2, 1)
        if fds[1] != SLTIsolatedRunner.progressDescriptor { posix_spawn_file_actions_addclose(&actions, fds[1]) }
        var argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) }
        argv.append(nil)
        defer { for p in argv { free(p) } }
        var child: pid_t = 0
        let status = posix_spawn(&child, arguments[0], &actions, nil, argv, environ)
        close(fds[1])
        guard status == 0 else { close(fds[0]); return nil }
        pid = child
        readFD = fds[0]
    }

    struct Outcome {
        var output: [UInt8]
        var killed: Bool
        var signal: Int32?
        var exitStatus: Int32
    }

    /// Reads stdout until the child closes it, killing the child if it writes
    /// nothing for `killAfterSilence` seconds (0: never); then reaps it.
    func readToEnd(killAfterSilence: Double) -> Outcome {
        var output: [UInt8] = []
        var killed = false
        var lastProgress = ProcessInfo.processInfo.systemUptime
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            var poller = pollfd(fd: readFD, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, 200)
            if ready > 0 {
                let n = chunk.withUnsafeMutableBytes { read(readFD, $0.baseAddress, $0.count) }
                if n == 0 { break }
                if n > 0 {
                    output.append(contentsOf: chunk[0..<n])
                    lastProgress = ProcessInfo.processInfo.systemUptime
                    continue
                }
                if errno != EINTR && errno != EAGAIN { break }
            } else if ready < 0, errno != EINTR {
                break
            }
            if killAfterSilence > 0, !killed, ProcessInfo.processInfo.systemUptime - lastProgress > killAfterSilence {
                kill(pid, SIGKILL)
                killed = true
            }
        }
        close(readFD)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0, errno == EINTR {}
        // The wait status layout (WIFSIGNALED/WTERMSIG/WEXITSTATUS are macros Swift cannot import).
        let signal = status & 0x7f
        return Outcome(output: output, killed: killed, signal: signal != 0 && signal != 0x7f ? signal : nil,
                       exitStatus: (status >> 8) & 0xff)
    }
}
