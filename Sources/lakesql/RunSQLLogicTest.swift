// `lakesql sqllogictest`: runs the corpus runner over files and folders and
// prints one line per file plus the total; optionally a markdown report.

import Foundation
import Engine
import Shell
import SQLLogicTest

func runSQLLogicTest(_ options: SQLLogicTestCommandOptions) -> Int32 {
    let files: [SLTSuiteFile]
    do {
        files = try SLTSuite.collectFiles(options.paths)
    } catch {
        standardError.write("lakesql sqllogictest: \(error)\n")
        return 2
    }
    let runner = SLTRunner(engine: LakeSQLEngine(),
                           options: SLTRunnerOptions(timeoutSeconds: options.timeoutSeconds,
                                                     collectFailures: options.verbose))
    let summary = SLTSuite.run(files, runner: runner, verbose: options.verbose) { line in
        standardOutput.write(line + "\n")
        standardOutput.flush()
    }
    if let reportPath = options.reportPath {
        do {
            try SLTSuite.markdownReport(summary).write(toFile: reportPath, atomically: true, encoding: .utf8)
        } catch {
            standardError.write("lakesql sqllogictest: cannot write report '\(reportPath)': \(error)\n")
            return 1
        }
    }
    return summary.failed > 0 && !options.allowFailures ? 1 : 0
}
