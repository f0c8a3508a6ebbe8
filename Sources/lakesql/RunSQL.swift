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
    var inputs = options.inputs
    if inputs.isEmpty {
        if isatty(STDIN_FILENO) != 0 {
            standardOutput.write("lakesql \(CLIArguments.version): the interactive shell is coming soon; use -c SQL, -f FILE or pipe SQL into stdin.\n")
            return 0
        }
        let data = FileHandle.standardInput.readDataToEndOfFile()
        inputs = [.command(String(decoding: data, as: UTF8.self))]
    }

    let session: Session
    do {
        session = try openSession(lakePath: options.lakePath, catalogPath: options.catalogPath, user: options.user, client: "cli")
    } catch {
        standardError.write(ErrorFormatter.format(error))
        return 1
    }
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
