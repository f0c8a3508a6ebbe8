// psql-style variable interpolation for \set: `:name` becomes the value as
// is, `:'name'` a quoted string literal, `:"name"` a quoted identifier.
// Only outside quotes and comments, never for `::` casts, and unknown names
// are left alone (as psql does), so ordinary SQL is never changed.

import Foundation

public enum VariableInterpolation {
    public static func apply(_ sql: String, variables: [String: String]) -> String {
        guard !variables.isEmpty, sql.contains(":") else { return sql }
        let chars = Array(sql)
        var out = ""
        var i = 0
        let n = chars.count
        func isNameStart(_ c: Character) -> Bool { c == "_" || c.isLetter }
        func isName(_ c: Character) -> Bool { c == "_" || c.isLetter || c.isNumber }
        while i < n {
            let c = chars[i]
            // Copy quoted text and comments through untouched.
            if c == "'" || c == "\"" {
                var j = i + 1
                while j < n { if chars[j] == c { if j + 1 < n, chars[j + 1] == c { j += 2; continue }; break }; j += 1 }
                let end = min(j + 1, n)
                out += String(chars[i..<end]); i = end; continue
            }
            if c == "-", i + 1 < n, chars[i + 1] == "-" {
                var j = i
                while j < n, chars[j] != "\n" { j += 1 }
                out += String(chars[i..<j]); i = j; continue
            }
            if c == "/", i + 1 < n, chars[i + 1] == "*" {
                var j = i + 2
                while j + 1 < n, !(chars[j] == "*" && chars[j + 1] == "/") { j += 1 }
                let end = min(j + 2, n)
                out += String(chars[i..<end]); i = end; continue
            }
            if c == "$", let close = dollarQuoteEnd(chars, at: i) {
                out += String(chars[i..<close]); i = close; continue
            }
            if c == ":", i + 1 < n, chars[i + 1] != ":", !(i > 0 && chars[i - 1] == ":") {
                let next = chars[i + 1]
                if (next == "'" || next == "\""), i + 2 < n {
                    var j = i + 2
                    while j < n, isName(chars[j]) { j += 1 }
                    if j < n, chars[j] == next, j > i + 2, let value = variables[String(chars[(i + 2)..<j])] {
                        out += next == "'" ? quoteLiteral(value) : quoteIdentifier(value)
                        i = j + 1
                        continue
                    }
                } else if isNameStart(next) {
                    var j = i + 1
                    while j < n, isName(chars[j]) { j += 1 }
                    if let value = variables[String(chars[(i + 1)..<j])] {
                        out += value
                        i = j
                        continue
                    }
                }
            }
            out.append(c)
            i += 1
        }
        return out
    }

    static func quoteLiteral(_ s: String) -> String {
        "'" + s.replacingOccurrences(of: "'", with: "''") + "'"
    }

    static func quoteIdentifier(_ s: String) -> String {
        "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// The index just past the closing delimiter of a dollar-quoted string starting at `i`.
    private static func dollarQuoteEnd(_ chars: [Character], at i: Int) -> Int? {
        if i > 0, chars[i - 1].isLetter || chars[i - 1].isNumber || chars[i - 1] == "_" { return nil }
        var j = i + 1
        while j < chars.count, chars[j] == "_" || chars[j].isLetter || (j > i + 1 && chars[j].isNumber) { j += 1 }
        guard j < chars.count, chars[j] == "$" else { return nil }
        let delimiter = Array(chars[i...j])
        var k = j + 1
        while k + delimiter.count <= chars.count {
            if Array(chars[k..<(k + delimiter.count)]) == delimiter { return k + delimiter.count }
            k += 1
        }
        return chars.count
    }
}
