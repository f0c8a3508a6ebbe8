// Error text for the CLI and the REPL, shaped like psql's: `ERROR:  message`,
// for errors with a position the statement line (`LINE n: …`) with a caret
// under the offending character, then DETAIL/HINT and the SQLSTATE. Long
// lines are cut to a window around the position, marked with `...`.

import Columnar

public enum ErrorFormatter {
    /// Characters of context shown each side of the position on long lines.
    static let window = 30

    public static func format(_ error: Error, sql: String? = nil) -> String {
        guard let e = error as? SQLError else {
            return "ERROR:  \(error)\nSQLSTATE: \(SQLState.internalError)\n"
        }
        var out = "ERROR:  \(e.message)\n"
        if let position = e.position, let sql, let context = lineContext(sql: sql, position: position) {
            out += context
        }
        if let detail = e.detail { out += "DETAIL:  \(detail)\n" }
        if let hint = e.hint { out += "HINT:  \(hint)\n" }
        out += "SQLSTATE: \(e.sqlState)\n"
        return out
    }

    /// `LINE n: text` and the caret line, for a 1-based character position.
    static func lineContext(sql: String, position: Int) -> String? {
        let scalars = Array(sql.unicodeScalars)
        guard position >= 1, position <= scalars.count + 1 else { return nil }
        let offset = position - 1
        var lineNumber = 1
        var lineStart = 0
        for i in 0..<offset where scalars[i] == "\n" { lineNumber += 1; lineStart = i + 1 }
        var lineEnd = offset
        while lineEnd < scalars.count, scalars[lineEnd] != "\n" { lineEnd += 1 }
        var line = scalars[lineStart..<lineEnd].map { $0 == "\t" || $0 == "\r" ? " " : $0 }
        var column = offset - lineStart
        // Cut long lines to a window around the caret, like psql.
        if line.count > 2 * window + 10 {
            let from = max(0, column - window)
            let to = min(line.count, column + window)
            var cut = Array(line[from..<to])
            if from > 0 { cut.insert(contentsOf: "...".unicodeScalars, at: 0); column = column - from + 3 }
            if to < line.count { cut.append(contentsOf: "...".unicodeScalars) }
            line = cut
        }
        var text = ""
        text.unicodeScalars.append(contentsOf: line)
        let prefix = "LINE \(lineNumber): "
        return prefix + text + "\n" + String(repeating: " ", count: prefix.count + column) + "^\n"
    }
}
