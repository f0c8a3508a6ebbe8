// `lakesql` without -c/-f: on a terminal the interactive REPL (on the demo
// lake unless --lake says otherwise), otherwise SQL streamed from stdin, each
// statement run and its output flushed as soon as its `;` has been read, so a
// driver can pipe queries into one long-running process and read results as
// they come. Piped mode never uses colours, the progress bar or a pager.

import Foundation
import Engine
import Shell

func runShell(session: Session, options: RunCommandOptions, interactive: Bool) -> Int32 {
    guard interactive else {
        let settings = ReplSettings(format: ReplFormat(options.format), nullDisplay: options.nullString, timing: false, pager: false)
        let repl = Repl(session: session, settings: settings, interactive: false, continueOnError: options.continueOnError,
                        output: standardOutput, errors: standardError)
        return repl.runStream { readLine(strippingNewline: true) }
    }
    var settings = ReplSettings.interactive
    if options.format != .table { settings.format = ReplFormat(options.format) }
    if !options.nullString.isEmpty { settings.nullDisplay = options.nullString }
    let repl = Repl(session: session, settings: settings, interactive: true, continueOnError: true,
                    output: standardOutput, errors: standardError)
    let lake: String
    if let path = session.database.options.lakePath {
        lake = "lake folder \(path)"
    } else {
        lake = "no lake folder (the demo lake Fixtures/demo was not found; use --lake DIR)"
    }
    let banner = "lakesql \(CLIArguments.version) on \(lake)\nType \\? for help, \\q or Ctrl-D to quit.\n\n"
    return repl.runInteractive(historyPath: HistoryFile.defaultPath(), banner: banner)
}
