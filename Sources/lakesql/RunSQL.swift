// The default lakesql mode: every -c/-f input (or stdin) runs as a script in
// one session, results go through the chosen renderer to stdout and errors
// to stderr in psql's shape.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import Columnar
import Engine
import Shell

func runSQL(_ options: RunCommandOptions) -> Int32 {
    let inputs = options.inputs
    // No -c/-f: the REPL on a terminal, else statements streamed from stdin (RunShell.swift).
    let shell = inputs.isEmpty
    let interactive = shell && isatty(STDIN_FILENO) != 0
    // `lakesql` alone on a terminal opens the demo lake.
    var options = options
    if interactive && options.lakePath == nil {
        options.lakePath = DemoLake.locate(currentDirectory: FileManager.default.currentDirectoryPath,
                                           executablePath: currentExecutablePath())
    }

    let session: Session
    do {
        session = try openSession(lakePath: options.lakePath, catalogPath: options.catalogPath, user: options.user,
                                  client: interactive ? "repl" : "cli", interactive: interactive)
    } catch {
        standardError.write(ErrorFormatter.format(error))
        return 1
    }
    if shell { return runShell(session: session, options: options, interactive: interactive) }
    let renderOptions = RenderOptions(nullString: options.nullString, textOptions: session.textOptions)
    let renderer = ResultRenderers.make(options.format, sink: standardOutput, options: renderOptions)

    var failed = false
    for input in inputs {
        let sql: String
        switch input {
        case .command(let text):
            sql = text
        case .file(let path):
            guard let data = FileManager.default.contents(atPath: path) else {
                standardOutput.flush()
                standardError.write("lakesql: cannot read file '\(path)'\n")
                failed = true
                if options.continueOnError { continue }
                return 1
            }
            sql = String(decoding: data, as: UTF8.self)
        }
        // An empty script (e.g. empty stdin) is not an error.
        if sql.allSatisfy({ $0.isWhitespace }) { continue }
        do {
            try session.executeScript(sql) { result in try ResultRenderers.render(result, with: renderer) }
        } catch {
            standardOutput.flush()
            standardError.write(ErrorFormatter.format(error, sql: sql))
            standardError.flush()
            failed = true
            if !options.continueOnError { return 1 }
        }
    }
    return failed ? 1 : 0
}
