// String operators: || (text concatenation, bytea and array concatenation),
// LIKE/ILIKE as ~~ ~~* !~~ !~~* (optionally with an ESCAPE character as a
// third argument) and like_escape(), POSIX regex matching ~ ~* !~ !~*
// (through NSRegularExpression, compiled once per call when the pattern is
// constant), and ^@ (starts_with).
// LIKE needs no regex engine: the pattern is split at % into segments of
// literal bytes and _ wildcards; the first segment is anchored at the start,
// the last at the end, and middle segments match at their leftmost position
// (which is optimal for %-separated fixed-width segments). _ consumes one
// whole UTF-8 character, so multi-byte text matches correctly.

import Columnar
import Foundation

func registerStringOperators(into registry: FunctionRegistry) {
    registry.register(ScalarFunction(name: "||") { types, unknown in try StringOperators.resolveConcat(types, unknown) })
    for (name, caseInsensitive, negated) in [("~~", false, false), ("~~*", true, false), ("!~~", false, true), ("!~~*", true, true)] {
        registry.register(ScalarFunction(name: name) { types, unknown in
            guard types.count == 2 || types.count == 3, StringOperators.allTextual(types, unknown) else { return nil }
            let cache = LikePatternCache()
            return ScalarResolution(argumentTypes: Array(repeating: .text, count: types.count), returnType: .boolean) { args, n, _ in
                try StringOperators.like(args, n, caseInsensitive: caseInsensitive, negated: negated, cache: cache)
            }
        })
    }
    registry.register(ScalarFunction(name: "like_escape") { types, unknown in
        guard types.count == 2, StringOperators.allTextual(types, unknown) else { return nil }
        return ScalarResolution(argumentTypes: [.text, .text], returnType: .text) { args, n, _ in
            try Kernels.mapStrings(args, type: .text, count: n) { _, inputs in
                try LikePattern.rewriteEscape(inputs[0], escape: inputs[1])
            }
        }
    })
    registry.register(ScalarFunction(name: "similar_to_escape") { types, unknown in
        guard types.count == 1 || types.count == 2, StringOperators.allTextual(types, unknown) else { return nil }
        return ScalarResolution(argumentTypes: Array(repeating: .text, count: types.count), returnType: .text) { args, n, _ in
            try Kernels.mapStrings(args, type: .text, count: n) { _, inputs in
                try StringOperators.similarToRegex(inputs[0], escape: inputs.count > 1 ? Array(inputs[1]) : [92])
            }
        }
    })
    // x SIMILAR TO pattern [ESCAPE e], as the binder calls it.
    registry.register(ScalarFunction(name: "similar_to") { types, unknown in
        guard types.count == 2 || types.count == 3, StringOperators.allTextual(types, unknown) else { return nil }
        return ScalarResolution(argumentTypes: Array(repeating: .text, count: types.count), returnType: .boolean) { args, n, _ in
            let validity = Kernels.combinedValidity(args, count: n)
            if validity?.allSatisfy({ !$0 }) ?? false { return Vector.nulls(type: .boolean, count: n) }
            let constantPattern = args.dropFirst().allSatisfy { $0.isConstant }
            let rows = constantPattern ? 1 : n
            let inputs = args.dropFirst().map { constantPattern ? $0.slice(0..<1) : $0 }
            let translated = try Kernels.mapStrings(inputs, type: .text, count: rows) { _, inputs in
                try StringOperators.similarToRegex(inputs[0], escape: inputs.count > 1 ? Array(inputs[1]) : [92])
            }
            let patterns = constantPattern ? Vector.constant(translated.value(at: 0), type: .text, count: n) : translated
            return try StringOperators.regex([args[0], patterns], n, caseInsensitive: false, negated: false)
        }
    })
    let bitnot = registry.scalar("bitnot")
    for (name, caseInsensitive, negated) in [("~", false, false), ("~*", true, false), ("!~", false, true), ("!~*", true, true)] {
        registry.register(ScalarFunction(name: name) { types, unknown in
            // Prefix ~ is bitwise NOT.
            if name == "~" && types.count == 1 { return try bitnot?.resolve(types, unknown) }
            guard types.count == 2, StringOperators.allTextual(types, unknown) else { return nil }
            return ScalarResolution(argumentTypes: [.text, .text], returnType: .boolean) { args, n, _ in
                try StringOperators.regex(args, n, caseInsensitive: caseInsensitive, negated: negated)
            }
        })
    }
    registry.register(ScalarFunction(name: "^@") { types, unknown in
        guard types.count == 2, StringOperators.allTextual(types, unknown) else { return nil }
        return ScalarResolution(argumentTypes: [.text, .text], returnType: .boolean) { args, n, _ in
            let a = args[0], b = args[1]
            let ca = Kernels.strings(a), cb = Kernels.strings(b)
            return ca.bytes.withUnsafeBufferPointer { pa in
                cb.bytes.withUnsafeBufferPointer { pb in
                    Kernels.buildBool(count: n, validity: Kernels.combinedValidity([a, b], count: n)) { i in
                        let x = pa[ca.range(i)], y = pb[cb.range(i)]
                        return x.count >= y.count && x.prefix(y.count).elementsEqual(y)
                    }
                }
            }
        }
    })
}

enum StringOperators {
    static func isTextual(_ t: DataType, _ unknown: Bool) -> Bool { unknown || t == .null || t.isString }

    static func allTextual(_ types: [DataType], _ unknown: [Bool]) -> Bool {
        types.indices.allSatisfy { isTextual(types[$0], $0 < unknown.count && unknown[$0]) }
    }

    static func resolveConcat(_ types: [DataType], _ unknown: [Bool]) throws -> ScalarResolution? {
        guard types.count == 2 else { return nil }
        let ua = types[0] == .null || (unknown.count > 0 && unknown[0])
        let ub = types[1] == .null || (unknown.count > 1 && unknown[1])
        // Arrays: array || array, array || element, element || array.
        if case .array(let ea) = types[0], !ua {
            if case .array(let eb) = types[1], !ub {
                guard let e = Coercion.commonType([ea, eb], unknownLiterals: []) else { return nil }
                return arrayConcat([.array(e), .array(e)], element: e)
            }
            if ub || Coercion.canImplicitlyCast(from: types[1], to: ea) { return arrayConcat([.array(ea), ea], element: ea) }
            return nil
        }
        if case .array(let eb) = types[1], !ub {
            if ua || Coercion.canImplicitlyCast(from: types[0], to: eb) { return arrayConcat([eb, .array(eb)], element: eb) }
            return nil
        }
        if (types[0] == .bytea || ua) && (types[1] == .bytea || ub) && !(ua && ub) {
            return ScalarResolution(argumentTypes: [.bytea, .bytea], returnType: .bytea) { args, n, _ in concatKernel(args, n, type: .bytea) }
        }
        // text || text, text || anynonarray, anynonarray || text.
        guard isTextual(types[0], ua) || isTextual(types[1], ub) else { return nil }
        return ScalarResolution(argumentTypes: [.text, .text], returnType: .text) { args, n, _ in concatKernel(args, n, type: .text) }
    }

    static func concatKernel(_ args: [Vector], _ n: Int, type: DataType) -> Vector {
        let a = args[0], b = args[1]
        let ca = Kernels.strings(a), cb = Kernels.strings(b)
        return ca.bytes.withUnsafeBufferPointer { pa in
            cb.bytes.withUnsafeBufferPointer { pb in
                Kernels.buildStrings(count: n, type: type, validity: Kernels.combinedValidity([a, b], count: n)) { i, out in
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: pa[ca.range(i)]))
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: pb[cb.range(i)]))
                }
            }
        }
    }

    static func arrayConcat(_ argTypes: [DataType], element: DataType) -> ScalarResolution {
        let result = DataType.array(element)
        return ScalarResolution(argumentTypes: argTypes, returnType: result) { args, n, _ in
            var b = VectorBuilder(type: result, capacity: n)
            for i in 0..<n {
                let x = args[0].value(at: i), y = args[1].value(at: i)
                var items: [Value] = []
                var allNull = true
                for (v, t) in [(x, argTypes[0]), (y, argTypes[1])] {
                    if case .array = t {
                        if case .list(let vs) = v { items.append(contentsOf: vs); allNull = false }
                    } else {
                        items.append(v); allNull = false
                    }
                }
                if allNull { b.appendNull() } else { b.append(.list(items)) }
            }
            return b.finish()
        }
    }

    /// SIMILAR TO pattern → anchored POSIX regex (PostgreSQL's similar_to_escape).
    static func similarToRegex(_ pattern: UnsafeBufferPointer<UInt8>, escape: [UInt8]) throws -> [UInt8] {
        if !escape.isEmpty && ValueText.characterCount(escape) != 1 {
            throw SQLError(SQLState.invalidEscapeSequence, "invalid escape string", hint: "Escape string must be empty or one character.")
        }
        var out = Array("^(?:".utf8)
        let p = Array(pattern)
        var i = 0
        var afterEscape = false, inClass = false
        while i < p.count {
            let len = min(LikePattern.charLength(p[i]), p.count - i)
            let ch = Array(p[i..<(i + len)])
            i += len
            if afterEscape {
                afterEscape = false
                if ch != [UInt8(ascii: "\"")] { out.append(92); out.append(contentsOf: ch) }
                continue
            }
            if !escape.isEmpty && ch == escape { afterEscape = true; continue }
            if inClass {
                if ch == [92] { out.append(92) }
                out.append(contentsOf: ch)
                if ch == [UInt8(ascii: "]")] { inClass = false }
                continue
            }
            switch ch {
            case [UInt8(ascii: "[")]: out.append(contentsOf: ch); inClass = true
            case [UInt8(ascii: "%")]: out.append(contentsOf: Array(".*".utf8))
            case [UInt8(ascii: "_")]: out.append(UInt8(ascii: "."))
            case [UInt8(ascii: "(")]: out.append(contentsOf: Array("(?:".utf8))
            case [92], [UInt8(ascii: ".")], [UInt8(ascii: "^")], [UInt8(ascii: "$")]: out.append(92); out.append(contentsOf: ch)
            default: out.append(contentsOf: ch)
            }
        }
        if afterEscape {
            throw SQLError(SQLState.invalidEscapeSequence, "invalid escape sequence in SIMILAR TO pattern")
        }
        out.append(contentsOf: Array(")$".utf8))
        return out
    }

    // MARK: LIKE

    static func constantBytes(_ v: Vector) -> [UInt8]? {
        guard case .constant(let c) = v.storage else { return nil }
        switch c {
        case .string(let s): return Array(s.utf8)
        case .bytes(let b): return b
        default: return nil
        }
    }

    static func like(_ args: [Vector], _ n: Int, caseInsensitive: Bool, negated: Bool, cache: LikePatternCache? = nil) throws -> Vector {
        let text = args[0], pattern = args[1]
        let validity = Kernels.combinedValidity(args, count: n)
        let escapeColumn = args.count > 2 ? Kernels.strings(args[2]) : nil
        let texts = Kernels.strings(text)
        var scratch: [UInt8] = []
        // Constant pattern (and escape): compile once.
        if let p = constantBytes(pattern), args.count < 3 || args[2].isConstant {
            if validity?.allSatisfy({ !$0 }) ?? false { return Vector.nulls(type: .boolean, count: n) }
            let esc: [UInt8]? = args.count > 2 ? constantBytes(args[2]) ?? [] : [92]
            let compiled = try cache?.compiled(p, escape: esc, caseInsensitive: caseInsensitive)
                ?? CompiledLike(p, escape: esc, caseInsensitive: caseInsensitive)
            let out = compiled.evaluate(texts, count: n, validity: validity, negated: negated)
            return Vector(type: .boolean, count: n, storage: .bool(out), validity: validity)
        }
        let patterns = Kernels.strings(pattern)
        var lastPattern: [UInt8]? = nil
        var lastEscape: [UInt8]? = nil
        var compiled: LikePattern? = nil
        return try texts.bytes.withUnsafeBufferPointer { tb in
            try Kernels.buildBool(count: n, validity: validity) { i in
                let p = patterns.byteArray(at: i)
                let e: [UInt8] = escapeColumn.map { $0.byteArray(at: i) } ?? [92]
                if compiled == nil || p != lastPattern || e != lastEscape {
                    compiled = try LikePattern(p, escape: e, caseInsensitive: caseInsensitive)
                    lastPattern = p; lastEscape = e
                }
                let s = UnsafeBufferPointer(rebasing: tb[texts.range(i)])
                return (compiled?.matches(s, scratch: &scratch) ?? false) != negated
            }
        }
    }

    // MARK: Regular expressions

    static func compileRegex(_ pattern: String, caseInsensitive: Bool) throws -> NSRegularExpression {
        do {
            // PostgreSQL's AREs let `.` match a newline by default; ICU needs the option.
            var options: NSRegularExpression.Options = [.dotMatchesLineSeparators]
            if caseInsensitive { options.insert(.caseInsensitive) }
            return try NSRegularExpression(pattern: pattern, options: options)
        } catch {
            throw SQLError(SQLState.invalidRegularExpression, "invalid regular expression: \(pattern)")
        }
    }

    static func regex(_ args: [Vector], _ n: Int, caseInsensitive: Bool, negated: Bool) throws -> Vector {
        let text = args[0], pattern = args[1]
        let validity = Kernels.combinedValidity(args, count: n)
        if validity?.allSatisfy({ !$0 }) ?? false { return Vector.nulls(type: .boolean, count: n) }
        let texts = Kernels.strings(text)
        var constantRegex: NSRegularExpression? = nil
        if case .constant(.string(let p)) = pattern.storage { constantRegex = try compileRegex(p, caseInsensitive: caseInsensitive) }
        let patterns = constantRegex == nil ? Kernels.strings(pattern) : StringColumn()
        var cache: (String, NSRegularExpression)? = nil
        return try Kernels.buildBool(count: n, validity: validity) { i in
            let re: NSRegularExpression
            if let c = constantRegex { re = c } else {
                let p = patterns.string(at: i)
                if let c = cache, c.0 == p { re = c.1 } else {
                    re = try compileRegex(p, caseInsensitive: caseInsensitive)
                    cache = (p, re)
                }
            }
            let s = texts.string(at: i)
            let found = re.firstMatch(in: s, options: [], range: NSRange(location: 0, length: s.utf16.count)) != nil
            return found != negated
        }
    }
}

/// A compiled LIKE pattern.
struct LikePattern {
    /// `never`: a trailing escape character. PostgreSQL only complains about it when
    /// matching reaches it with text left over; treating it as unmatchable gives the
    /// same answer everywhere else (e.g. `'' LIKE '\'` is false).
    enum Element: Equatable { case byte(UInt8), anyChar, never }
    /// Pattern pieces between % signs.
    var segments: [[Element]] = []
    var hasPercent = false
    let caseInsensitive: Bool

    /// `escape`: nil or empty = no escape character; otherwise the escape character's UTF-8 bytes.
    init(_ rawPattern: [UInt8], escape: [UInt8]?, caseInsensitive: Bool) throws {
        self.caseInsensitive = caseInsensitive
        let esc = caseInsensitive ? LikePattern.lowered(escape ?? []) : (escape ?? [])
        if !esc.isEmpty && ValueText.characterCount(esc) != 1 {
            throw SQLError(SQLState.invalidEscapeSequence, "invalid escape string", hint: "Escape string must be empty or one character.")
        }
        let pattern = caseInsensitive ? LikePattern.lowered(rawPattern) : rawPattern
        var current: [Element] = []
        var i = 0
        while i < pattern.count {
            if !esc.isEmpty && i + esc.count <= pattern.count && pattern[i..<(i + esc.count)].elementsEqual(esc) {
                i += esc.count
                guard i < pattern.count else { current.append(.never); break }
                let len = min(LikePattern.charLength(pattern[i]), pattern.count - i)
                for k in 0..<len { current.append(.byte(pattern[i + k])) }
                i += len
                continue
            }
            let c = pattern[i]
            if c == UInt8(ascii: "%") {
                hasPercent = true
                segments.append(current); current = []
                i += 1
            } else if c == UInt8(ascii: "_") {
                current.append(.anyChar); i += 1
            } else {
                current.append(.byte(c)); i += 1
            }
        }
        segments.append(current)
    }

    @inline(__always) static func charLength(_ lead: UInt8) -> Int {
        if lead < 0x80 { return 1 }
        if lead >= 0xF0 { return 4 }
        if lead >= 0xE0 { return 3 }
        if lead >= 0xC0 { return 2 }
        return 1
    }

    static func lowered<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
        if bytes.allSatisfy({ $0 < 0x80 }) { return bytes.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 } }
        return Array(String(decoding: Array(bytes), as: UTF8.self).lowercased().utf8)
    }

    @inline(__always)
    func matchSegment(_ seg: [Element], _ s: UnsafeBufferPointer<UInt8>, at start: Int) -> Int? {
        var j = start
        for e in seg {
            switch e {
            case .byte(let b):
                guard j < s.count, s[j] == b else { return nil }
                j += 1
            case .anyChar:
                guard j < s.count else { return nil }
                j = min(s.count, j + LikePattern.charLength(s[j]))
            case .never:
                return nil
            }
        }
        return j
    }

    func matches(_ input: UnsafeBufferPointer<UInt8>, scratch: inout [UInt8]) -> Bool {
        if caseInsensitive {
            if input.allSatisfy({ $0 < 0x80 }) {
                scratch.removeAll(keepingCapacity: true)
                for c in input { scratch.append(c >= 65 && c <= 90 ? c + 32 : c) }
            } else {
                scratch = LikePattern.lowered(input)
            }
            return scratch.withUnsafeBufferPointer { matchLowered($0) }
        }
        return matchLowered(input)
    }

    func matchLowered(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let first = segments.first else { return s.isEmpty }
        guard let afterFirst = matchSegment(first, s, at: 0) else { return false }
        if !hasPercent { return afterFirst == s.count }
        var pos = afterFirst
        if segments.count > 2 {
            for seg in segments[1..<(segments.count - 1)] where !seg.isEmpty {
                var start = pos
                var found: Int? = nil
                while start < s.count {
                    if let end = matchSegment(seg, s, at: start) { found = end; break }
                    start += LikePattern.charLength(s[start])
                }
                guard let end = found else { return false }
                pos = end
            }
        }
        let last = segments[segments.count - 1]
        if last.isEmpty { return true }
        if !last.contains(.anyChar) {
            let start = s.count - last.count
            return start >= pos && matchSegment(last, s, at: start) == s.count
        }
        var start = pos
        while start <= s.count {
            if matchSegment(last, s, at: start) == s.count { return true }
            if start == s.count { break }
            start += LikePattern.charLength(s[start])
        }
        return false
    }

    /// like_escape(pattern, escape): rewrites a pattern with a custom escape character to backslash escapes.
    static func rewriteEscape(_ pattern: UnsafeBufferPointer<UInt8>, escape: UnsafeBufferPointer<UInt8>) throws -> [UInt8] {
        let esc = Array(escape)
        if !esc.isEmpty && ValueText.characterCount(esc) != 1 {
            throw SQLError(SQLState.invalidEscapeSequence, "invalid escape string", hint: "Escape string must be empty or one character.")
        }
        var out: [UInt8] = []
        var i = 0
        let p = Array(pattern)
        if esc == [92] { return p }
        while i < p.count {
            if !esc.isEmpty && i + esc.count <= p.count && p[i..<(i + esc.count)].elementsEqual(esc) {
                i += esc.count
                guard i < p.count else {
                    throw SQLError(SQLState.invalidEscapeSequence, "LIKE pattern must not end with escape character")
                }
                out.append(92)
                let len = min(charLength(p[i]), p.count - i)
                out.append(contentsOf: p[i..<(i + len)])
                i += len
                continue
            }
            if p[i] == 92 { out.append(92) }
            out.append(p[i])
            i += 1
        }
        return out
    }
}
