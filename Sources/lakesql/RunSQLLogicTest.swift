// `lakesql sqllogictest`: runs the corpus runner over files and folders and
// prints one line per file plus the total; optionally a markdown report.
// By default each file runs in a child process (`--child`, see
// SLTIsolation.swift); the child streams one progress byte per record.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Engine
import Shell
import SQLLogicTest

func runSQLLogicTest(_ options: SQLLogicTestCommandOptions) -> Int32 {
    if options.child { return runSQLLogicTestChild(options) }
    let files: [SLTSuiteFile]
    do {
        files = try SLTSuite.collectFiles(options.paths)
    } catch {
        standardError.write("lakesql sqllogictest: \(error)\n")
        return 2
    }
    let runnerOptions = SLTRunnerOptions(timeoutSeconds: options.timeoutSeconds,
                                         fileTimeoutSeconds: options.fileTimeoutSeconds,
                                         collectFailures: options.verbose)
    let print: (String) -> Void = { line in
        standardOutput.write(line + "\n")
        standardOutput.flush()
    }
    let summary: SLTSuiteSummary
    if options.isolate {
        let isolated = SLTIsolatedRunner(
            executable: currentExecutablePath(), options: runnerOptions,
            hangSeconds: options.timeoutSeconds > 0 ? options.timeoutSeconds + 10 : 0,
            notice: { standardError.write("lakesql sqllogictest: \($0)\n"); standardError.flush() })
        summary = SLTSuite.run(files, isolatedRunner: isolated, verbose: options.verbose, output: print)
    } else {
        let runner = SLTRunner(engine: LakeSQLEngine(), options: runnerOptions)
        summary = SLTSuite.run(files, runner: runner, verbose: options.verbose, output: print)
    }
    if let reportPath = options.reportPath {
        do {
            try FileReplacement.replace(SLTSuite.markdownReport(summary), atPath: reportPath)
        } catch {
            standardError.write("lakesql sqllogictest: cannot write report '\(reportPath)': \(error)\n")
            return 1
        }
    }
    return summary.failed > 0 && !options.allowFailures ? 1 : 0
}

/// The child side: runs one file in-process, one progress byte per record,
/// flushed at once so that a crash loses nothing already decided.
private func runSQLLogicTestChild(_ options: SQLLogicTestCommandOptions) -> Int32 {
    guard options.paths.count == 1, let path = options.paths.first else {
        standardError.write("lakesql sqllogictest --child takes exactly one file\n")
        return 2
    }
    let failuresSink: FileSink? = options.failuresFile.flatMap { file in
        fopen(file, "w").map { FileSink(file: $0) }
    }
    let runner = SLTRunner(engine: LakeSQLEngine(),
                           options: SLTRunnerOptions(timeoutSeconds: options.timeoutSeconds,
                                                     fileTimeoutSeconds: options.fileTimeoutSeconds,
                                                     collectFailures: false))
    let progress = fdopen(SLTIsolatedRunner.progressDescriptor, "w").map { FileSink(file: $0) } ?? standardOutput
    let result = runner.runFile(at: path) { outcome, failure in
        progress.write(String(UnicodeScalar(SLTIsolatedRunner.progressByte(outcome))))
        progress.flush()
        if let failure, let failuresSink {
            failuresSink.write(failure.describe(path: path) + "\n")
            failuresSink.flush()
        }
    }
    // Failures that never went through the observer: the file or the database could not be opened.
    if let failuresSink {
        for f in result.failures where f.line == 0 { failuresSink.write(f.describe(path: path) + "\n") }
        failuresSink.flush()
    }
    progress.write("=\(result.passed),\(result.failed),\(result.skipped)\n")
    progress.flush()
    return 0
}

/// This executable's own path, for starting children.
func currentExecutablePath() -> String {
    var buffer = [CChar](repeating: 0, count: 4096)
    let n = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    if n > 0 { return String(decoding: buffer[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
    return Bundle.main.executablePath ?? CommandLine.arguments[0]
}
