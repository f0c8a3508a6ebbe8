// POSIX regular-expression functions (PostgreSQL's ARE flavour, common subset)
// on ICU through Foundation's NSRegularExpression: regexp_match,
// regexp_replace, regexp_split_to_array, regexp_like, regexp_count,
// regexp_instr, regexp_substr, the operator backers textregexeq & co., and
// (SIMILAR TO lives with the operators in OperatorsString.swift). PostgreSQL-only escapes
// (\m \M \y \Y \Z) and replacement syntax (\1, \&) are translated; flags
// follow PostgreSQL (i c n s x q g). A pattern is compiled once while
// consecutive rows share it (constant patterns compile once per batch).

import Foundation
import Columnar

struct CompiledRegex {
    let regex: NSRegularExpression
    let global: Bool
}

public enum RegexFunctions {
    static func invalid(_ message: String) -> SQLError {
        SQLError(SQLState.invalidRegularExpression, "invalid regular expression: \(message)")
    }

    /// Rewrites PostgreSQL-only escapes into ICU syntax.
    static func translate(_ pattern: String) -> String {
        var out = ""
        var inBracket = false
        var it = Array(pattern.unicodeScalars)[...]
        while let c = it.popFirst() {
            if c == "\\", let next = it.first {
                it.removeFirst()
                if !inBracket {
                    switch next {
                    case "m": out += "\\b(?=\\w)"; continue
                    case "M": out += "\\b(?<=\\w)"; continue
                    case "y": out += "\\b"; continue
                    case "Y": out += "\\B"; continue
                    case "Z": out += "\\z"; continue
                    default: break
                    }
                }
                out.unicodeScalars.append(c); out.unicodeScalars.append(next)
                continue
            }
            if c == "[" && !inBracket {
                inBracket = true
                out.unicodeScalars.append(c)
                // A leading ] or ^] is a literal inside the set.
                if it.first == "^" { out += "^"; it.removeFirst() }
                if it.first == "]" { out += "\\]"; it.removeFirst() }
                continue
            }
            if c == "[" && inBracket, it.first == ":" {
                // POSIX class [:alpha:] — ICU understands it; copy through to the closing :].
                out += "[:"
                it.removeFirst()
                while let d = it.popFirst() {
                    out.unicodeScalars.append(d)
                    if d == ":" && it.first == "]" { out += "]"; it.removeFirst(); break }
                }
                continue
            }
            if c == "]" && inBracket { inBracket = false }
            if c == "[" && inBracket { out += "\\["; continue }
            out.unicodeScalars.append(c)
        }
        return out
    }

    static func compile(_ pattern: String, flags: String, allowGlobal: Bool = true, function: String = "") throws -> CompiledRegex {
        var options: NSRegularExpression.Options = [.dotMatchesLineSeparators]
        var global = false, quote = false
        for f in flags {
            switch f {
            case "i": options.insert(.caseInsensitive)
            case "c": options.remove(.caseInsensitive)
            case "n", "m": options.remove(.dotMatchesLineSeparators); options.insert(.anchorsMatchLines)
            case "s": options.insert(.dotMatchesLineSeparators); options.remove(.anchorsMatchLines)
            case "p": options.remove(.dotMatchesLineSeparators)
            case "w": options.insert(.anchorsMatchLines)
            case "x": options.insert(.allowCommentsAndWhitespace)
            case "q": quote = true
            case "g":
                guard allowGlobal else {
                    throw SQLError(SQLState.invalidParameterValue, "\(function)() does not support the \"global\" option",
                                   hint: "Use the regexp_matches function instead.")
                }
                global = true
            default: throw SQLError(SQLState.invalidParameterValue, "invalid regular expression option: \"\(f)\"")
            }
        }
        var source = quote ? NSRegularExpression.escapedPattern(for: pattern) : translate(pattern)
        if source.isEmpty { source = "(?:)" }  // ICU rejects an empty pattern; PostgreSQL matches the empty string
        do {
            return CompiledRegex(regex: try NSRegularExpression(pattern: source, options: options), global: global)
        } catch {
            throw invalid("\(pattern)")
        }
    }

    /// Compiles per distinct (pattern, flags) pair seen on consecutive rows.
    final class Cache {
        private var key: (String, String)? = nil
        private var compiled: CompiledRegex? = nil
        let allowGlobal: Bool, function: String
        init(allowGlobal: Bool = true, function: String = "") { self.allowGlobal = allowGlobal; self.function = function }
        private var lastPatternBytes: [UInt8] = []
        /// Same as get(String, String), but decodes the pattern only when its bytes change.
        func get(_ pattern: UnsafeBufferPointer<UInt8>, _ flags: String) throws -> CompiledRegex {
            if let key, let compiled, key.1 == flags, lastPatternBytes.elementsEqual(pattern) { return compiled }
            return try get(String(decoding: pattern, as: UTF8.self), flags)
        }

        func get(_ pattern: String, _ flags: String) throws -> CompiledRegex {
            if let key, let compiled, key.0 == pattern, key.1 == flags { return compiled }
            let c = try compile(pattern, flags: flags, allowGlobal: allowGlobal, function: function)
            key = (pattern, flags); compiled = c
            lastPatternBytes = Array(pattern.utf8)
            return c
        }
    }

    static func str(_ b: UnsafeBufferPointer<UInt8>) -> String { String(decoding: b, as: UTF8.self) }

    /// PostgreSQL replacement text → NSRegularExpression template (\1 → $1, \& → $0, $ escaped).
    static func template(_ replacement: String) -> String {
        var out = ""
        var it = Array(replacement.unicodeScalars)[...]
        while let c = it.popFirst() {
            if c == "\\", let n = it.first {
                it.removeFirst()
                if n == "&" { out += "$0" }
                else if ("0"..."9").contains(n) { out += "$" + String(n) }
                else if n == "\\" { out += "\\\\" }
                else { out += "\\\\"; out.unicodeScalars.append(n) }
                continue
            }
            if c == "$" { out += "\\$"; continue }
            out.unicodeScalars.append(c)
        }
        return out
    }

    static func register(into registry: FunctionRegistry) {
        let r = OverloadTable()
        let T = Param.text
        r.register(["regexp_match"], [[T, T], [T, T, T]]) { i, t in
            ScalarResolution(argumentTypes: t, returnType: .array(.text)) { a, n, _ in
                let cache = Cache(allowGlobal: false, function: "regexp_match")
                let cols = a.map { Kernels.strings($0) }
                var b = VectorBuilder(type: .array(.text), capacity: n)
                for row in 0..<n {
                    if a.contains(where: { $0.isNull(row) }) { b.appendNull(); continue }
                    let s = cols[0].string(at: row)
                    let re = try cache.get(cols[1].string(at: row), i == 1 ? cols[2].string(at: row) : "")
                    let ns = s as NSString
                    guard let m = re.regex.firstMatch(in: s, range: NSRange(location: 0, length: ns.length)) else { b.appendNull(); continue }
                    b.append(.list(groups(m, ns)))
                }
                return b.finish()
            }
        }
        r.register(["regexp_replace"], [[T, T, T], [T, T, T, T]]) { i, t in
            ScalarResolution(argumentTypes: t, returnType: .text) { a, n, _ in
                let cache = Cache()
                var lastReplacement: String? = nil, lastTemplate = ""
                return try Map.toString(a, all: a, count: n, .text) { _, inp, out in
                    let s = str(inp[0])
                    let re = try cache.get(inp[1], i == 1 ? str(inp[3]) : "")
                    let rep = str(inp[2])
                    if rep != lastReplacement { lastTemplate = template(rep); lastReplacement = rep }
                    let ns = s as NSString
                    let full = NSRange(location: 0, length: ns.length)
                    let result: String
                    if re.global {
                        result = re.regex.stringByReplacingMatches(in: s, range: full, withTemplate: lastTemplate)
                    } else if let m = re.regex.firstMatch(in: s, range: full) {
                        let replaced = re.regex.replacementString(for: m, in: s, offset: 0, template: lastTemplate)
                        result = ns.replacingCharacters(in: m.range, with: replaced)
                    } else {
                        result = s
                    }
                    out.append(contentsOf: result.utf8)
                    return true
                }
            }
        }
        r.register(["regexp_split_to_array"], [[T, T], [T, T, T]]) { i, t in
            ScalarResolution(argumentTypes: t, returnType: .array(.text)) { a, n, _ in
                let cache = Cache(allowGlobal: false, function: "regexp_split_to_array")
                let cols = a.map { Kernels.strings($0) }
                var b = VectorBuilder(type: .array(.text), capacity: n)
                for row in 0..<n {
                    if a.contains(where: { $0.isNull(row) }) { b.appendNull(); continue }
                    let s = cols[0].string(at: row)
                    let re = try cache.get(cols[1].string(at: row), i == 1 ? cols[2].string(at: row) : "")
                    b.append(.list(split(s, re.regex).map { .string($0) }))
                }
                return b.finish()
            }
        }
        for (name, negate, flags) in [("regexp_like", false, ""), ("textregexeq", false, ""), ("textregexne", true, ""),
                                      ("texticregexeq", false, "i"), ("texticregexne", true, "i")] {
            let candidates: [[Param]] = name == "regexp_like" ? [[T, T], [T, T, T]] : [[T, T]]
            r.register([name], candidates) { i, t in
                ScalarResolution(argumentTypes: t, returnType: .boolean) { a, n, _ in
                    let cache = Cache(allowGlobal: false, function: name)
                    return try Map.fromString(a, all: a, count: n, .boolean) { _, inp -> Bool? in
                        let s = str(inp[0])
                        let re = try cache.get(inp[1], i == 1 ? str(inp[2]) : flags)
                        let found = re.regex.firstMatch(in: s, range: NSRange(location: 0, length: (s as NSString).length)) != nil
                        return found != negate
                    }
                }
            }
        }
        let I = Param.exact(.int32)
        r.register(["regexp_count"], [[T, T], [T, T, I], [T, T, I, T]]) { i, t in
            ScalarResolution(argumentTypes: t, returnType: .int32) { a, n, _ in
                let cache = Cache(allowGlobal: false, function: "regexp_count")
                let starts = i >= 1 ? Kernels.int64s(a[2]) : []
                let strs = i == 2 ? [a[0], a[1], a[3]] : [a[0], a[1]]
                return try Map.fromString(strs, all: a, count: n, .int32) { row, inp -> Int64? in
                    let s = str(inp[0])
                    let re = try cache.get(inp[1], i == 2 ? str(inp[2]) : "")
                    let start = i >= 1 ? starts[row] : 1
                    guard let from = try utf16Offset(s, start: start) else { return 0 }
                    let ns = s as NSString
                    return Int64(re.regex.numberOfMatches(in: s, range: NSRange(location: from, length: ns.length - from)))
                }
            }
        }
        r.register(["regexp_instr"], [[T, T], [T, T, I], [T, T, I, I], [T, T, I, I, I], [T, T, I, I, I, T], [T, T, I, I, I, T, I]]) { k, t in
            ScalarResolution(argumentTypes: t, returnType: .int32) { a, n, _ in
                let cache = Cache(allowGlobal: false, function: "regexp_instr")
                let intColumns: [ContiguousArray<Int64>?] = (0..<7).map { p in p < t.count && t[p] == .int32 ? Kernels.int64s(a[p]) : nil }
                let strs = k >= 4 ? [a[0], a[1], a[5]] : [a[0], a[1]]
                return try Map.fromString(strs, all: a, count: n, .int32) { row, inp -> Int64? in
                    func arg(_ p: Int, _ d: Int64) -> Int64 { intColumns[p]?[row] ?? d }
                    let s = str(inp[0])
                    let re = try cache.get(inp[1], k >= 4 ? str(inp[2]) : "")
                    let start = arg(2, 1), nth = arg(3, 1), endOption = arg(4, 0), sub = arg(6, 0)
                    if nth <= 0 { throw SQLError(SQLState.invalidParameterValue, "invalid value for parameter \"n\": \(nth)") }
                    if endOption != 0 && endOption != 1 { throw SQLError(SQLState.invalidParameterValue, "invalid value for parameter \"endoption\": \(endOption)") }
                    guard let m = try nthMatch(s, re.regex, start: start, n: nth) else { return 0 }
                    guard sub >= 0, sub <= m.numberOfRanges - 1 else { return 0 }
                    let range = m.range(at: Int(sub))
                    if range.location == NSNotFound { return 0 }
                    let ns = s as NSString
                    let charsBefore = ns.substring(to: range.location).unicodeScalars.count
                    return Int64(endOption == 0 ? charsBefore + 1 : charsBefore + ns.substring(with: range).unicodeScalars.count + 1)
                }
            }
        }
        r.register(["regexp_substr"], [[T, T], [T, T, I], [T, T, I, I], [T, T, I, I, T], [T, T, I, I, T, I]]) { k, t in
            ScalarResolution(argumentTypes: t, returnType: .text) { a, n, _ in
                let cache = Cache(allowGlobal: false, function: "regexp_substr")
                let starts = k >= 1 ? Kernels.int64s(a[2]) : [], nths = k >= 2 ? Kernels.int64s(a[3]) : []
                let subs = k >= 4 ? Kernels.int64s(a[5]) : []
                let strs = k >= 3 ? [a[0], a[1], a[4]] : [a[0], a[1]]
                return try Map.toString(strs, all: a, count: n, .text) { row, inp, out in
                    let s = str(inp[0])
                    let re = try cache.get(inp[1], k >= 3 ? str(inp[2]) : "")
                    let nth = k >= 2 ? nths[row] : 1
                    if nth <= 0 { throw SQLError(SQLState.invalidParameterValue, "invalid value for parameter \"n\": \(nth)") }
                    guard let m = try nthMatch(s, re.regex, start: k >= 1 ? starts[row] : 1, n: nth) else { return false }
                    let sub = k >= 4 ? Int(subs[row]) : 0
                    guard sub >= 0, sub < m.numberOfRanges else { return false }
                    let range = m.range(at: sub)
                    if range.location == NSNotFound { return false }
                    out.append(contentsOf: (s as NSString).substring(with: range).utf8)
                    return true
                }
            }
        }
        r.install(into: registry)
    }

    /// Captured groups (or the whole match when the pattern has none); unmatched groups are NULL.
    static func groups(_ m: NSTextCheckingResult, _ ns: NSString) -> [Value] {
        if m.numberOfRanges <= 1 { return [.string(ns.substring(with: m.range))] }
        return (1..<m.numberOfRanges).map { k in
            let r = m.range(at: k)
            return r.location == NSNotFound ? .null : .string(ns.substring(with: r))
        }
    }

    /// UTF-16 offset of 1-based character `start`; nil when past the end. start < 1 is an error.
    static func utf16Offset(_ s: String, start: Int64) throws -> Int? {
        if start <= 0 { throw SQLError(SQLState.invalidParameterValue, "invalid value for parameter \"start\": \(start)") }
        var chars: Int64 = 1
        var offset = 0
        for u in s.unicodeScalars {
            if chars == start { return offset }
            offset += u.utf16.count
            chars += 1
        }
        return chars == start ? offset : nil
    }

    static func nthMatch(_ s: String, _ re: NSRegularExpression, start: Int64, n: Int64) throws -> NSTextCheckingResult? {
        guard let from = try utf16Offset(s, start: start) else { return nil }
        let ns = s as NSString
        var seen: Int64 = 0
        var found: NSTextCheckingResult? = nil
        re.enumerateMatches(in: s, range: NSRange(location: from, length: ns.length - from)) { m, _, stop in
            guard let m else { return }
            seen += 1
            if seen == n { found = m; stop.pointee = true }
        }
        return found
    }

    /// PostgreSQL's splitting rule: zero-length matches at the start, the end, or right after a match are ignored.
    static func split(_ s: String, _ re: NSRegularExpression) -> [String] {
        let ns = s as NSString
        var pieces: [String] = []
        var pieceStart = 0, lastMatchEnd = -1
        for m in re.matches(in: s, range: NSRange(location: 0, length: ns.length)) {
            let r = m.range
            if r.length == 0 && (r.location == 0 || r.location >= ns.length || r.location == lastMatchEnd) { continue }
            pieces.append(ns.substring(with: NSRange(location: pieceStart, length: r.location - pieceStart)))
            pieceStart = r.location + r.length
            lastMatchEnd = pieceStart
        }
        pieces.append(ns.substring(from: pieceStart))
        return pieces
    }

    /// SQL SIMILAR TO pattern → anchored regex: % → .*, _ → ., escape char quotes the next one.
    static func similarToRegex(_ pattern: String, escape: Character?) -> String {
        var out = "^(?:"
        var escaped = false, inBracket = false
        for c in pattern {
            if escaped {
                if "\\.^$*+?()[]{}|".contains(c) { out += "\\" }
                out.append(c)
                escaped = false
                continue
            }
            if let escape, c == escape { escaped = true; continue }
            if inBracket {
                if c == "]" { inBracket = false }
                if c == "\\" { out += "\\" }
                out.append(c)
                continue
            }
            switch c {
            case "%": out += ".*"
            case "_": out += "."
            case "[": inBracket = true; out.append(c)
            case ".", "^", "$", "\\": out += "\\"; out.append(c)
            default: out.append(c)
            }
        }
        return out + ")$"
    }
}
