// The lakesql executable: parses arguments (Shell.CLIArguments), then either
// runs SQL from -c/-f/stdin through the result renderers, or runs the
// sqllogictest conformance runner. Exit status: 0 success, 1 SQL or runtime
// error (or failing records), 2 usage error.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Columnar
import Engine
import Shell
import SQLLogicTest

let standardOutput = FileSink.standardOutput
let standardError = FileSink.standardError

func finish(_ status: Int32) -> Never {
    standardOutput.flush()
    standardError.flush()
    exit(status)
}

#if LAKESQL_X86_64_V3
// Before any kernel code (compiled for x86-64-v3) runs: a clear refusal, not SIGILL mid-query.
if let refusal = HostCPU.refusal(HostCPU.x86_64v3, level: "x86-64-v3 (AVX2, BMI2, FMA)") {
    standardError.write("lakesql: \(refusal)\n")
    finish(1)
}
#endif

let command: CLICommand
do {
    command = try CLIArguments.parse(Array(CommandLine.arguments.dropFirst()))
} catch {
    standardError.write("lakesql: \(error)\nTry 'lakesql --help' for more information.\n")
    finish(2)
}

switch command {
case .help:
    standardOutput.write(CLIArguments.usage)
    finish(0)
case .version:
    standardOutput.write("lakesql \(CLIArguments.version)\n")
    finish(0)
case .sqllogictest(let options):
    finish(runSQLLogicTest(options))
case .run(let options):
    finish(runSQL(options))
case .policy(let options):
    finish(runPolicy(options))
case .serve(let options):
    finish(runServe(options))
}
