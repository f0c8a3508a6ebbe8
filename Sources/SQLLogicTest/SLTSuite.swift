// Runs a set of sqllogictest paths (files, or folders searched recursively
// for *.slt, in sorted order), prints one line per file and a total, and
// writes the markdown pass-rate report with subtotals per top-level part
// (sqlite/, duckdb/, datafusion/).

import Foundation

public struct SLTSuiteFile: Equatable, Sendable {
    /// Path on disk.
    public var path: String
    /// Path as shown in output (as given, or joined to the folder given).
    public var displayPath: String
    /// The first folder below the folder given (the corpus part), or "" for files given directly.
    public var part: String
}

public struct SLTSuiteSummary: Sendable {
    public var files: [(file: SLTSuiteFile, result: SLTFileResult)] = []
    public var passed: Int { files.reduce(0) { $0 + $1.result.passed } }
    public var failed: Int { files.reduce(0) { $0 + $1.result.failed } }
    public var skipped: Int { files.reduce(0) { $0 + $1.result.skipped } }
    public var totalLine: String { "\(passed) passed, \(failed) failed" }
}

public enum SLTSuite {
    /// The corpus's top-level parts (../shared/sqllogictest/README.md).
    static let knownParts: Set<String> = ["sqlite", "duckdb", "datafusion"]

    /// Expands paths into .slt files. Throws a message for paths that do not exist.
    public static func collectFiles(_ paths: [String]) throws -> [SLTSuiteFile] {
        var files: [SLTSuiteFile] = []
        let fm = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard fm.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw SLTSuiteError(message: "no such file or directory: \(path)")
            }
            if !isDirectory.boolValue { files.append(SLTSuiteFile(path: path, displayPath: path, part: "")); continue }
            var found: [String] = []
            if let walker = fm.enumerator(atPath: path) {
                for case let relative as String in walker where relative.hasSuffix(".slt") { found.append(relative) }
            }
            found.sort { SLTResultCheck.bytesLess($0, $1) }
            let base = path.hasSuffix("/") ? String(path.dropLast()) : path
            let baseComponents = base.split(separator: "/").map(String.init)
            for relative in found {
                let components = relative.split(separator: "/").map(String.init)
                // The corpus part: a known part name anywhere in the path (so a sub-folder of
                // the corpus still reports as sqlite/…), else the first folder below the one given.
                let known = (baseComponents + components.dropLast()).last { knownParts.contains($0) }
                let part = known ?? (components.count > 1 ? components[0] : "")
                files.append(SLTSuiteFile(path: base + "/" + relative, displayPath: base + "/" + relative, part: part))
            }
        }
        return files
    }

    /// Runs every file, calling `output` with each line to print (file lines, failures when verbose).
    public static func run(_ files: [SLTSuiteFile], runner: SLTRunner, verbose: Bool,
                           output: (String) -> Void) -> SLTSuiteSummary {
        run(files, verbose: verbose, output: output) { runner.runFile(at: $0.path, displayPath: $0.displayPath) }
    }

    /// Same, with each file run in its own child process.
    public static func run(_ files: [SLTSuiteFile], isolatedRunner: SLTIsolatedRunner, verbose: Bool,
                           output: (String) -> Void) -> SLTSuiteSummary {
        run(files, verbose: verbose, output: output) { isolatedRunner.runFile(at: $0.path, displayPath: $0.displayPath) }
    }

    static func run(_ files: [SLTSuiteFile], verbose: Bool, output: (String) -> Void,
                    runFile: (SLTSuiteFile) -> SLTFileResult) -> SLTSuiteSummary {
        var summary = SLTSuiteSummary()
        for file in files {
            let result = runFile(file)
            if verbose {
                if let report = result.failureReport { output(report) }
                for f in result.failures { output(f.describe(path: file.displayPath)) }
            }
            output(result.summaryLine)
            summary.files.append((file, result))
        }
        output(summary.totalLine)
        return summary
    }

    /// Markdown report: one row per file, then totals per part and overall.
    public static func markdownReport(_ summary: SLTSuiteSummary) -> String {
        func rate(_ passed: Int, _ failed: Int) -> String {
            let total = passed + failed
            guard total > 0 else { return "–" }
            return String(format: "%.1f%%", Double(passed) * 100 / Double(total))
        }
        var out = "# sqllogictest results\n\n"
        out += "| file | passed | failed | skipped | pass rate |\n|---|---:|---:|---:|---:|\n"
        for (file, r) in summary.files {
            out += "| `\(file.displayPath)` | \(r.passed) | \(r.failed) | \(r.skipped) | \(rate(r.passed, r.failed)) |\n"
        }
        var partOrder: [String] = []
        var totals: [String: (Int, Int, Int, Int)] = [:]
        for (file, r) in summary.files {
            let part = file.part.isEmpty ? "(other)" : file.part + "/"
            if totals[part] == nil { partOrder.append(part); totals[part] = (0, 0, 0, 0) }
            if let t = totals[part] { totals[part] = (t.0 + 1, t.1 + r.passed, t.2 + r.failed, t.3 + r.skipped) }
        }
        out += "\n## Totals per part\n\n| part | files | passed | failed | skipped | pass rate |\n|---|---:|---:|---:|---:|---:|\n"
        for part in partOrder {
            guard let t = totals[part] else { continue }
            out += "| \(part) | \(t.0) | \(t.1) | \(t.2) | \(t.3) | \(rate(t.1, t.2)) |\n"
        }
        out += "| **total** | \(summary.files.count) | \(summary.passed) | \(summary.failed) | \(summary.skipped) | \(rate(summary.passed, summary.failed)) |\n"
        return out
    }
}

public struct SLTSuiteError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
