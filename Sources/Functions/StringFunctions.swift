// String functions with PostgreSQL 15 semantics on UTF-8 text: lengths,
// case mapping, substring/position, padding and trimming, splitting,
// concat/concat_ws/format, quoting, encode/decode (hex, base64, escape),
// chr/ascii/to_hex and overlay. Kernels work on each row's UTF-8 bytes;
// "characters" are Unicode scalars, found by skipping continuation bytes
// (10xxxxxx), so ASCII rows never leave the byte level.

import Foundation
import Columnar

/// Character-level helpers over UTF-8 bytes.
enum UTF8Text {
    @inline(__always) static func isContinuation(_ b: UInt8) -> Bool { b & 0xC0 == 0x80 }

    static func charCount(_ s: UnsafeBufferPointer<UInt8>) -> Int {
        var n = 0
        for b in s where !isContinuation(b) { n += 1 }
        return n
    }

    /// Byte offset where character `k` (0-based) starts; `s.count` when the text is shorter.
    static func byteOffset(_ s: UnsafeBufferPointer<UInt8>, char k: Int) -> Int {
        if k <= 0 { return 0 }
        var seen = 0
        for i in 0..<s.count where !isContinuation(s[i]) {
            if seen == k { return i }
            seen += 1
        }
        return s.count
    }

    /// Byte ranges of every character.
    static func charRanges(_ s: UnsafeBufferPointer<UInt8>) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var start = 0
        for i in 1..<max(1, s.count + 1) where i == s.count || !isContinuation(s[i]) {
            if i > start { out.append(start..<i) }
            start = i
        }
        return out
    }

    static func isASCII(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        for b in s where b >= 0x80 { return false }
        return true
    }

    static func string(_ s: UnsafeBufferPointer<UInt8>) -> String { String(decoding: s, as: UTF8.self) }

    /// First occurrence of `needle` in `hay` at or after byte `from`, as a byte offset.
    static func find(_ hay: UnsafeBufferPointer<UInt8>, _ needle: UnsafeBufferPointer<UInt8>, from: Int = 0) -> Int? {
        let n = needle.count, h = hay.count
        if n == 0 { return from <= h ? from : nil }
        if n > h { return nil }
        guard let first = needle.first else { return nil }
        var i = from
        while i <= h - n {
            if hay[i] == first {
                var j = 1
                while j < n && hay[i + j] == needle[j] { j += 1 }
                if j == n { return i }
            }
            i += 1
        }
        return nil
    }

    static func bytes(_ s: String) -> [UInt8] { Array(s.utf8) }
}

enum StringFunctions {
    static func register(into registry: FunctionRegistry) {
        let r = OverloadTable()
        registerLengthAndCase(r)
        registerSubstrings(r)
        registerPadTrim(r)
        registerConcat(r)
        registerConversions(r)
        r.install(into: registry)
    }

    static let T = Param.text

    /// A text → text function computed row by row on bytes.
    /// A text → text function computed row by row on bytes (once per dictionary entry for dictionary input).
    static func textToText(_ r: OverloadTable, _ names: [String], _ f: @escaping (UnsafeBufferPointer<UInt8>, inout ContiguousArray<UInt8>) -> Void) {
        r.register(names, [[T]]) { _, t in
            ScalarResolution(argumentTypes: t, returnType: .text) { a, n, _ in
                Map.compressed(a[0], count: n) { v, count in
                    Map.toString([v], all: [v], count: count, .text) { _, inp, out in f(inp[0], &out); return true }
                }
            }
        }
    }

    // MARK: lengths, case

    private static func registerLengthAndCase(_ r: OverloadTable) {
        r.register(["length", "char_length", "character_length"], [[T], [.exact(.bytea)]]) { i, t in
            ScalarResolution(argumentTypes: t, returnType: .int32) { a, n, _ in
                Map.compressed(a[0], count: n) { v, count in
                    Map.fromString([v], all: [v], count: count, .int32) { _, inp -> Int64? in
                        Int64(i == 0 ? UTF8Text.charCount(inp[0]) : inp[0].count)
                    }
                }
            }
        }
        for (name, factor) in [("octet_length", 1), ("bit_length", 8)] {
            r.register([name], [[T], [.exact(.bytea)]]) { _, t in
                ScalarResolution(argumentTypes: t, returnType: .int32) { a, n, _ in
                    Map.fromString([a[0]], all: a, count: n, .int32) { _, inp -> Int64? in Int64(inp[0].count * factor) }
                }
            }
        }
        textToText(r, ["lower"]) { s, out in
            if UTF8Text.isASCII(s) {
                for b in s { out.append(b >= 65 && b <= 90 ? b + 32 : b) }
            } else { out.append(contentsOf: UTF8Text.string(s).lowercased().utf8) }
        }
        textToText(r, ["upper"]) { s, out in
            if UTF8Text.isASCII(s) {
                for b in s { out.append(b >= 97 && b <= 122 ? b - 32 : b) }
            } else { out.append(contentsOf: UTF8Text.string(s).uppercased().utf8) }
        }
        textToText(r, ["initcap"]) { s, out in
            // Words are maximal runs of letters and digits: first letter upper, the rest lower.
            var inWord = false
            for scalar in UTF8Text.string(s).unicodeScalars {
                let alnum = scalar.properties.isAlphabetic || scalar.properties.numericType != nil
                let str = String(scalar)
                out.append(contentsOf: (alnum ? (inWord ? str.lowercased() : str.uppercased()) : str).utf8)
                inWord = alnum
            }
        }
        textToText(r, ["reverse"]) { s, out in
            for range in UTF8Text.charRanges(s).reversed() { out.append(contentsOf: UnsafeBufferPointer(rebasing: s[range])) }
        }
        r.register(["ascii"], [[T]]) { _, t in
            ScalarResolution(argumentTypes: t, returnType: .int32) { a, n, _ in
                Map.fromString([a[0]], all: a, count: n, .int32) { _, inp -> Int64? in
                    guard let first = UTF8Text.string(inp[0]).unicodeScalars.first else { return 0 }
                    return Int64(first.value)
                }
            }
        }
        r.register(["chr"], [[.exact(.int32)]]) { _, t in
            ScalarResolution(argumentTypes: t, returnType: .text) { a, n, _ in
                let codes = Kernels.int64s(a[0])
                return try Map.toString([], all: a, count: n, .text) { row, _, out in
                    let c = codes[row]
                    if c == 0 { throw SQLError(SQLState.programLimitExceeded, "null character not permitted") }
                    if c < 0 { throw SQLError(SQLState.invalidParameterValue, "character number must be positive") }
                    if c > 0x10FFFF { throw SQLError(SQLState.programLimitExceeded, "requested character too large for encoding: \(c)") }
                    guard let scalar = Unicode.Scalar(UInt32(c)) else {
                        throw SQLError(SQLState.programLimitExceeded, "requested character not valid for encoding: \(c)")
                    }
                    out.append(contentsOf: String(scalar).utf8)
                    return true
                }
            }
        }
        r.register(["to_hex"], [[.exact(.int32)], [.exact(.int64)]]) { i, t in
            ScalarResolution(argumentTypes: t, returnType: .text) { a, n, _ in
                let values = Kernels.int64s(a[0])
                return Map.toString([], all: a, count: n, .text) { row, _, out in
                    let v = values[row]
                    let bits = i == 0 ? UInt64(UInt32(truncatingIfNeeded: v)) : UInt64(bitPattern: v)
                    out.append(contentsOf: String(bits, radix: 16).utf8)
                    return true
                }
            }
        }
        r.register(["starts_with"], [[T, T]]) { _, t in
            ScalarResolution(argumentTypes: t, returnType: .boolean) { a, n, _ in
                Map.fromString([a[0], a[1]], all: a, count: n, .boolean) { _, inp -> Bool? in
                    let s = inp[0], p = inp[1]
                    guard p.count <= s.count else { return false }
                    for k in 0..<p.count where s[k] != p[k] { return false }
                    return true
                }
            }
        }
    }

    // MARK: substring, position, replace, split

    static func negativeLength() -> SQLError {
        SQLError("22011", "negative substring length not allowed")
    }

    /// Characters [from, from + count) with PostgreSQL's clipping of from < 1; count nil = to the end.
    static func substring(_ s: UnsafeBufferPointer<UInt8>, from: Int64, count: Int64?, chars: Bool, _ out: inout ContiguousArray<UInt8>) throws {
        var start = from, end = Int64.max
        if let count {
            if count < 0 { throw negativeLength() }
            let (e, o) = from.addingReportingOverflow(count)
            end = o ? Int64.max : e
        }
        if start < 1 { start = 1 }
        if end <= start { return }
        // Byte offsets of the first character kept and of the one after the last, found by
        // walking only up to them (byteOffset stops at the string's end): substring(c, 1, 2)
        // of a long text reads two characters, not the whole text.
        let size = Int64(s.count)
        let b0 = chars ? UTF8Text.byteOffset(s, char: Int(min(start - 1, size))) : Int(min(start - 1, size))
        if b0 >= s.count { return }
        let rest = UnsafeBufferPointer(rebasing: s[b0...])
        let wanted = min(end - start, size)
        let b1 = b0 + (chars ? UTF8Text.byteOffset(rest, char: Int(wanted)) : Int(min(wanted, Int64(rest.count))))
        if b1 > b0 { out.append(contentsOf: UnsafeBufferPointer(rebasing: s[b0..<b1])) }
    }

    private static func registerSubstrings(_ r: OverloadTable) {
        r.register(["substr", "substring"], [[T, .exact(.int32)], [T, .exact(.int32), .exact(.int32)],
                                              [.exact(.bytea), .exact(.int32)], [.exact(.bytea), .exact(.int32), .exact(.int32)]]) { i, t in
            let chars = i < 2, hasCount = i % 2 == 1
            let type: DataType = chars ? .text : .bytea
            return ScalarResolution(argumentTypes: t, returnType: type) { a, n, _ in
                let froms = Kernels.int64s(a[1])
                let counts = hasCount ? Kernels.int64s(a[2]) : []
                return try Map.toString([a[0]], all: a, count: n, type) { row, inp, out in
                    try substring(inp[0], from: froms[row], count: hasCount ? counts[row] : nil, chars: chars, &out)
                    return true
                }
            }
        }
        for isLeft in [true, false] {
            r.register([isLeft ? "left" : "right"], [[T, .exact(.int32)]]) { _, t in
                ScalarResolution(argumentTypes: t, returnType: .text) { a, n, _ in
                    let counts = Kernels.int64s(a[1])
                    return Map.toString([a[0]], all: a, count: n, .text) { row, inp, out in
                        let s = inp[0], k = counts[row]
                        let total = Int64(UTF8Text.charCount(s))
                        // left(s, -k): all but the last k; right(s, -k): all but the first k.
                        let keep = k >= 0 ? min(k, total) : max(0, total + k)
                        let range: Range<Int>
                        if isLeft { range = 0..<UTF8Text.byteOffset(s, char: Int(keep)) }
                        else { range = UTF8Text.byteOffset(s, char: Int(total - keep))..<s.count }
                        out.append(contentsOf: UnsafeBufferPointer(rebasing: s[range]))
                        return true
                    }
                }
            }
        }
        // strpos(haystack, needle); the parser turns POSITION(needle IN haystack) into position(needle, haystack).
        for (name, needleFirst) in [("strpos", false), ("position", false)] {
            r.register([name], [[T, T], [.exact(.bytea), .exact(.bytea)]]) { i, t in
                ScalarResolution(argumentTypes: t, returnType: .int32) { a, n, _ in
                    Map.fromString([a[0], a[1]], all: a, count: n, .int32) { _, inp -> Int64? in
                        let hay = inp[needleFirst ? 1 : 0], needle = inp[needleFirst ? 0 : 1]
                        guard let b = UTF8Text.find(hay, needle) else { return 0 }
                        return Int64(i == 0 ? UTF8Text.charCount(UnsafeBufferPointer(rebasing: hay[0..<b])) + 1 : b + 1)
                    }
                }
            }
        }
        // substring(s FROM pattern): the first match of a POSIX regex, or its first parenthesized group.
        r.register(["substring"], [[T, T]]) { _, t in
            ScalarResolution(argumentTypes: t, returnType: .text) { a, n, _ in
                let cache = RegexFunctions.Cache(allowGlobal: false, function: "substring")
                return try Map.toString(a, all: a, count: n, .text) { _, inp, out in
                    let s = UTF8Text.string(inp[0])
                    let re = try cache.get(UTF8Text.string(inp[1]), "")
                    let ns = s as NSString
                    guard let m = re.regex.firstMatch(in: s, range: NSRange(location: 0, length: ns.length)) else { return false }
                    let range = m.numberOfRanges > 1 ? m.range(at: 1) : m.range
                    if range.location == NSNotFound { return false }
                    out.append(contentsOf: ns.substring(with: range).utf8)
                    return true
                }
            }
        }
        r.register(["replace"], [[T, T, T]]) { _, t in
            ScalarResolution(argumentTypes: t, returnType: .text) { a, n, _ in
                Map.toString(a, all: a, count: n, .text) { _, inp, out in
                    let s = inp[0], from = inp[1], to = inp[2]
                    if from.isEmpty { out.append(contentsOf: s); return true }
                    var pos = 0
                    while let hit = UTF8Text.find(s, from, from: pos) {
                        out.append(contentsOf: UnsafeBufferPointer(rebasing: s[pos..<hit]))
                        out.append(contentsOf: to)
                        pos = hit + from.count
                    }
                    out.append(contentsOf: UnsafeBufferPointer(rebasing: s[pos...]))
                    return true
                }
            }
        }
        r.register(["translate"], [[T, T, T]]) { _, t in
            ScalarResolution(argumentTypes: t, returnType: .text) { a, n, _ in
                Map.toString(a, all: a, count: n, .text) { _, inp, out in
                    let from = Array(UTF8Text.string(inp[1]).unicodeScalars), to = Array(UTF8Text.string(inp[2]).unicodeScalars)
                    for c in UTF8Text.string(inp[0]).unicodeScalars {
                        if let k = from.firstIndex(of: c) {
                            if k < to.count { out.append(contentsOf: String(to[k]).utf8) }
                        } else { out.append(contentsOf: String(c).utf8) }
                    }
                    return true
                }
            }
        }
        r.register(["split_part"], [[T, T, .exact(.int32)]]) { _, t in
            ScalarResolution(argumentTypes: t, returnType: .text) { a, n, _ in
                let fields = Kernels.int64s(a[2])
                return try Map.toString([a[0], a[1]], all: a, count: n, .text) { row, inp, out in
                    let s = inp[0], d = inp[1], k = fields[row]
                    if k == 0 { throw SQLError(SQLState.invalidParameterValue, "field position must not be zero") }
                    var parts: [Range<Int>] = []
                    if d.isEmpty || s.isEmpty {
                        if !s.isEmpty { parts = [0..<s.count] }
                    } else {
                        var pos = 0
                        while let hit = UTF8Text.find(s, d, from: pos) { parts.append(pos..<hit); pos = hit + d.count }
                        parts.append(pos..<s.count)
                    }
                    let idx = k > 0 ? Int(k - 1) : parts.count + Int(k)
                    if idx >= 0 && idx < parts.count { out.append(contentsOf: UnsafeBufferPointer(rebasing: s[parts[idx]])) }
                    return true
                }
            }
        }
        r.register(["overlay"], [[T, T, .exact(.int32)], [T, T, .exact(.int32), .exact(.int32)]]) { i, t in
            ScalarResolution(argumentTypes: t, returnType: .text) { a, n, _ in
                let starts = Kernels.int64s(a[2])
                let counts = i == 1 ? Kernels.int64s(a[3]) : []
                return try Map.toString([a[0], a[1]], all: a, count: n, .text) { row, inp, out in
                    let start = starts[row]
                    let count = i == 1 ? counts[row] : Int64(UTF8Text.charCount(inp[1]))
                    let (after, o) = start.addingReportingOverflow(count)
                    if o || start < 1 { throw negativeLength() }
                    try substring(inp[0], from: 1, count: start - 1, chars: true, &out)
                    out.append(contentsOf: inp[1])
                    try substring(inp[0], from: after, count: nil, chars: true, &out)
                    return true
                }
            }
        }
        r.register(["string_to_array"], [[T, T], [T, T, T]]) { i, t in
            ScalarResolution(argumentTypes: t, returnType: .array(.text)) { a, n, _ in
                var b = VectorBuilder(type: .array(.text), capacity: n)
                let cols = a.map { Kernels.strings($0) }
                for row in 0..<n {
                    if a[0].isNull(row) { b.appendNull(); continue }
                    let s = cols[0].string(at: row)
                    let nullString: String? = (i == 1 && !a[2].isNull(row)) ? cols[2].string(at: row) : nil
                    var items: [String]
                    if a[1].isNull(row) { items = s.unicodeScalars.map { String($0) } }
                    else {
                        let d = cols[1].string(at: row)
                        if s.isEmpty { items = [] }
                        else if d.isEmpty { items = [s] }
                        else { items = s.components(separatedBy: d) }
                    }
                    b.append(.list(items.map { $0 == nullString ? Value.null : .string($0) }))
                }
                return b.finish()
            }
        }
    }

    // MARK: padding, trimming, repeat

    private static func registerPadTrim(_ r: OverloadTable) {
        for isLeft in [true, false] {
            r.register([isLeft ? "lpad" : "rpad"], [[T, .exact(.int32)], [T, .exact(.int32), T]]) { i, t in
                ScalarResolution(argumentTypes: t, returnType: .text) { a, n, _ in
                    let lengths = Kernels.int64s(a[1])
                    let strs = i == 1 ? [a[0], a[2]] : [a[0]]
                    let space: [UInt8] = [32]
                    return try space.withUnsafeBufferPointer { spaceBuf in
                        try Map.toString(strs, all: a, count: n, .text) { row, inp, out in
                            let s = inp[0], fill = i == 1 ? inp[1] : spaceBuf
                            let len = lengths[row]
                            if len <= 0 { return true }
                            if len > 10_000_000 { throw SQLError(SQLState.programLimitExceeded, "requested length too large") }
                            let sChars = Int64(UTF8Text.charCount(s))
                            if sChars >= len || fill.isEmpty {
                                // Truncates on the right for both lpad and rpad.
                                out.append(contentsOf: UnsafeBufferPointer(rebasing: s[0..<UTF8Text.byteOffset(s, char: Int(min(len, sChars)))]))
                                return true
                            }
                            let fillRanges = UTF8Text.charRanges(fill)
                            let padChars = Int(len - sChars)
                            if !isLeft { out.append(contentsOf: s) }
                            for k in 0..<padChars { out.append(contentsOf: UnsafeBufferPointer(rebasing: fill[fillRanges[k % fillRanges.count]])) }
                            if isLeft { out.append(contentsOf: s) }
                            return true
                        }
                    }
                }
            }
        }
        for (names, leading, trailing) in [(["btrim", "trim"], true, true), (["ltrim"], true, false), (["rtrim"], false, true)] {
            r.register(names, [[T], [T, T]]) { i, t in
                ScalarResolution(argumentTypes: t, returnType: .text) { a, n, _ in
                    Map.toString(a, all: a, count: n, .text) { _, inp, out in
                        let s = inp[0]
                        if i == 0 || UTF8Text.isASCII(inp[1]) {
                            // Byte-level set: spaces by default, else the (ASCII) characters given.
                            var set = [Bool](repeating: false, count: 256)
                            if i == 0 { set[32] = true } else { for b in inp[1] { set[Int(b)] = true } }
                            var lo = 0, hi = s.count
                            if leading { while lo < hi && set[Int(s[lo])] { lo += 1 } }
                            if trailing { while hi > lo && set[Int(s[hi - 1])] { hi -= 1 } }
                            out.append(contentsOf: UnsafeBufferPointer(rebasing: s[lo..<hi]))
                        } else {
                            let set = Set(UTF8Text.string(inp[1]).unicodeScalars)
                            var scalars = Array(UTF8Text.string(s).unicodeScalars)[...]
                            if leading { while let f = scalars.first, set.contains(f) { scalars.removeFirst() } }
                            if trailing { while let l = scalars.last, set.contains(l) { scalars.removeLast() } }
                            for c in scalars { out.append(contentsOf: String(c).utf8) }
                        }
                        return true
                    }
                }
            }
        }
        r.register(["repeat"], [[T, .exact(.int32)]]) { _, t in
            ScalarResolution(argumentTypes: t, returnType: .text) { a, n, _ in
                let counts = Kernels.int64s(a[1])
                return try Map.toString([a[0]], all: a, count: n, .text) { row, inp, out in
                    let k = counts[row]
                    if k <= 0 || inp[0].isEmpty { return true }
                    let (total, o) = Int64(inp[0].count).multipliedReportingOverflow(by: k)
                    if o || total > 1_073_741_823 { throw SQLError(SQLState.programLimitExceeded, "requested length too large") }
                    for _ in 0..<k { out.append(contentsOf: inp[0]) }
                    return true
                }
            }
        }
    }

    // MARK: concat, concat_ws, format, quoting

    /// Text of one argument for concat/format: booleans print as PostgreSQL's output function does (t/f).
    static func textArguments(_ types: [DataType]) -> [DataType] { types.map { $0 == .boolean ? .boolean : .text } }

    static func appendArgument(_ v: Vector, type: DataType, row: Int, cols: [StringColumn?], bools: [ContiguousArray<Bool>?], k: Int, _ out: inout ContiguousArray<UInt8>) {
        if type == .boolean { out.append(bools[k]?[row] == true ? UInt8(ascii: "t") : UInt8(ascii: "f")); return }
        if let c = cols[k] { out.append(contentsOf: c.bytes[c.range(row)]) }
    }

    private static func registerConcat(_ r: OverloadTable) {
        for withSeparator in [false, true] {
            r.register(ScalarFunction(name: withSeparator ? "concat_ws" : "concat") { args, _ in
                // The VARIADIC part needs at least one argument, as in PostgreSQL.
                if args.count < (withSeparator ? 2 : 1) { return nil }
                let types = textArguments(args)
                return ScalarResolution(argumentTypes: types, returnType: .text) { a, n, _ in
                    let cols: [StringColumn?] = zip(a, types).map { $1 == .text ? Kernels.strings($0) : nil }
                    let bools: [ContiguousArray<Bool>?] = zip(a, types).map { $1 == .boolean ? Kernels.bools($0) : nil }
                    return Map.toString([], all: a, count: n, .text, strict: false) { row, _, out in
                        let first = withSeparator ? 1 : 0
                        if withSeparator && a[0].isNull(row) { return false }
                        var wrote = false
                        for k in first..<a.count where !a[k].isNull(row) {
                            if withSeparator && wrote, let sep = cols[0] { out.append(contentsOf: sep.bytes[sep.range(row)]) }
                            appendArgument(a[k], type: types[k], row: row, cols: cols, bools: bools, k: k, &out)
                            wrote = true
                        }
                        return true
                    }
                }
            })
        }
        r.register(ScalarFunction(name: "format") { args, _ in
            if args.isEmpty { return nil }
            let types = [DataType.text] + textArguments(Array(args.dropFirst()))
            return ScalarResolution(argumentTypes: types, returnType: .text) { a, n, _ in
                let cols: [StringColumn?] = zip(a, types).map { $1 == .text ? Kernels.strings($0) : nil }
                let bools: [ContiguousArray<Bool>?] = zip(a, types).map { $1 == .boolean ? Kernels.bools($0) : nil }
                return try Map.toString([], all: a, count: n, .text, strict: false) { row, _, out in
                    guard !a[0].isNull(row), let fmtCol = cols[0] else { return false }
                    let fmt = Array(fmtCol.bytes[fmtCol.range(row)])
                    func argText(_ k: Int) -> [UInt8]? {
                        if a[k].isNull(row) { return nil }
                        var tmp = ContiguousArray<UInt8>()
                        appendArgument(a[k], type: types[k], row: row, cols: cols, bools: bools, k: k, &tmp)
                        return Array(tmp)
                    }
                    try formatText(fmt, argumentCount: a.count - 1, argText, &out)
                    return true
                }
            }
        })
        textToText(r, ["quote_ident"]) { s, out in out.append(contentsOf: quoteIdent(UTF8Text.string(s)).utf8) }
        r.register(["quote_literal"], [[T]]) { _, t in
            ScalarResolution(argumentTypes: t, returnType: .text) { a, n, _ in
                Map.toString([a[0]], all: a, count: n, .text) { _, inp, out in out.append(contentsOf: quoteLiteral(inp[0])); return true }
            }
        }
        r.register(ScalarFunction(name: "quote_nullable") { args, _ in
            guard args.count == 1 else { return nil }
            return ScalarResolution(argumentTypes: [.text], returnType: .text) { a, n, _ in
                Map.toString([a[0]], all: a, count: n, .text, strict: false) { row, inp, out in
                    if a[0].isNull(row) { out.append(contentsOf: "NULL".utf8) } else { out.append(contentsOf: quoteLiteral(inp[0])) }
                    return true
                }
            }
        })
    }

    static func quoteLiteral(_ s: UnsafeBufferPointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        if s.contains(UInt8(ascii: "\\")) { out.append(UInt8(ascii: "E")) }
        out.append(UInt8(ascii: "'"))
        for b in s {
            if b == UInt8(ascii: "'") || b == UInt8(ascii: "\\") { out.append(b) }
            out.append(b)
        }
        out.append(UInt8(ascii: "'"))
        return out
    }

    /// Reserved key words that must be quoted as identifiers (PostgreSQL's reserved list).
    static let reservedWords: Set<String> = [
        "all", "analyse", "analyze", "and", "any", "array", "as", "asc", "asymmetric", "both", "case", "cast", "check",
        "collate", "column", "constraint", "create", "current_catalog", "current_date", "current_role", "current_time",
        "current_timestamp", "current_user", "default", "deferrable", "desc", "distinct", "do", "else", "end", "except",
        "false", "fetch", "for", "foreign", "from", "grant", "group", "having", "in", "initially", "intersect", "into",
        "lateral", "leading", "limit", "localtime", "localtimestamp", "not", "null", "offset", "on", "only", "or", "order",
        "placing", "primary", "references", "returning", "select", "session_user", "some", "symmetric", "table", "then",
        "to", "trailing", "true", "union", "unique", "user", "using", "variadic", "when", "where", "window", "with",
        "authorization", "binary", "collation", "concurrently", "cross", "current_schema", "freeze", "full", "ilike",
        "inner", "is", "isnull", "join", "left", "like", "natural", "notnull", "outer", "overlaps", "right", "similar",
        "tablesample", "verbose", "between", "bigint", "bit", "boolean", "char", "character", "coalesce", "dec", "decimal",
        "exists", "extract", "float", "greatest", "grouping", "inout", "int", "integer", "interval", "least", "national",
        "nchar", "none", "normalize", "nullif", "numeric", "out", "overlay", "position", "precision", "real", "row",
        "setof", "smallint", "substring", "time", "timestamp", "treat", "trim", "values", "varchar", "xmlattributes",
    ]

    static func quoteIdent(_ s: String) -> String {
        var safe = !s.isEmpty && !reservedWords.contains(s)
        for (k, b) in s.utf8.enumerated() {
            let lower = b >= 97 && b <= 122, digit = b >= 48 && b <= 57
            if !(lower || b == 95 || (digit && k > 0)) { safe = false; break }
        }
        if safe { return s }
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// format(): %s, %I, %L and %% with optional argument position (%2$s), flag '-' and width.
    static func formatText(_ fmt: [UInt8], argumentCount: Int, _ arg: (Int) -> [UInt8]?, _ out: inout ContiguousArray<UInt8>) throws {
        var i = 0, nextArg = 1
        func bad(_ m: String) -> SQLError { SQLError(SQLState.invalidParameterValue, m) }
        while i < fmt.count {
            let c = fmt[i]
            if c != UInt8(ascii: "%") { out.append(c); i += 1; continue }
            i += 1
            guard i < fmt.count else { throw bad("unterminated format() type specifier") }
            if fmt[i] == UInt8(ascii: "%") { out.append(c); i += 1; continue }
            // Optional position "n$", flag "-", width.
            var number = 0, digits = 0, j = i
            while j < fmt.count, fmt[j] >= 48, fmt[j] <= 57 { number = min(number * 10 + Int(fmt[j] - 48), 1_000_000); j += 1; digits += 1 }
            var position: Int? = nil
            if digits > 0, j < fmt.count, fmt[j] == UInt8(ascii: "$") {
                guard number > 0 else { throw bad("format specifies argument 0, but arguments are numbered from 1") }
                position = number; i = j + 1
            }
            var leftAlign = false
            if i < fmt.count, fmt[i] == UInt8(ascii: "-") { leftAlign = true; i += 1 }
            var width = 0
            while i < fmt.count, fmt[i] >= 48, fmt[i] <= 57 { width = min(width * 10 + Int(fmt[i] - 48), 1_000_000); i += 1 }
            guard i < fmt.count else { throw bad("unterminated format() type specifier") }
            let kind = fmt[i]; i += 1
            guard kind == UInt8(ascii: "s") || kind == UInt8(ascii: "I") || kind == UInt8(ascii: "L") else {
                throw bad("unrecognized format() type specifier \"\(Character(Unicode.Scalar(kind)))\"")
            }
            let k = position ?? nextArg
            nextArg = k + 1
            guard k <= argumentCount else { throw bad("too few arguments for format()") }
            let value = arg(k)
            var piece: [UInt8]
            switch kind {
            case UInt8(ascii: "I"):
                guard let v = value else {
                    throw SQLError(SQLState.nullValueNotAllowed, "null values cannot be formatted as an SQL identifier")
                }
                piece = Array(quoteIdent(String(decoding: v, as: UTF8.self)).utf8)
            case UInt8(ascii: "L"):
                if let v = value { piece = v.withUnsafeBufferPointer { quoteLiteral($0) } } else { piece = Array("NULL".utf8) }
            default:
                piece = value ?? []
            }
            let pad = max(0, width - String(decoding: piece, as: UTF8.self).unicodeScalars.count)
            if !leftAlign { out.append(contentsOf: repeatElement(32, count: pad)) }
            out.append(contentsOf: piece)
            if leftAlign { out.append(contentsOf: repeatElement(32, count: pad)) }
        }
    }

    // MARK: encode, decode

    private static func registerConversions(_ r: OverloadTable) {
        r.register(["encode"], [[.exact(.bytea), T]]) { _, t in
            ScalarResolution(argumentTypes: t, returnType: .text) { a, n, _ in
                try Map.toString([a[0], a[1]], all: a, count: n, .text) { _, inp, out in
                    switch UTF8Text.string(inp[1]).lowercased() {
                    case "hex": for b in inp[0] { out.append(hexDigits[Int(b >> 4)]); out.append(hexDigits[Int(b & 15)]) }
                    case "base64": base64Encode(inp[0], &out)
                    case "escape":
                        for b in inp[0] {
                            if b == 0 || b >= 0x80 {
                                out.append(UInt8(ascii: "\\"))
                                out.append(48 + (b >> 6)); out.append(48 + ((b >> 3) & 7)); out.append(48 + (b & 7))
                            } else if b == UInt8(ascii: "\\") { out.append(b); out.append(b) }
                            else { out.append(b) }
                        }
                    case let other: throw SQLError(SQLState.invalidParameterValue, "unrecognized encoding: \"\(other)\"")
                    }
                    return true
                }
            }
        }
        r.register(["decode"], [[T, T]]) { _, t in
            ScalarResolution(argumentTypes: t, returnType: .bytea) { a, n, _ in
                try Map.toString([a[0], a[1]], all: a, count: n, .bytea) { _, inp, out in
                    switch UTF8Text.string(inp[1]).lowercased() {
                    case "hex": try hexDecode(inp[0], &out)
                    case "base64": try base64Decode(inp[0], &out)
                    case "escape": try escapeDecode(inp[0], &out)
                    case let other: throw SQLError(SQLState.invalidParameterValue, "unrecognized encoding: \"\(other)\"")
                    }
                    return true
                }
            }
        }
    }

    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
    static let base64Digits: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: return c - 48
        case 97...102: return c - 87
        case 65...70: return c - 55
        default: return nil
        }
    }

    static func hexDecode(_ s: UnsafeBufferPointer<UInt8>, _ out: inout ContiguousArray<UInt8>) throws {
        var i = 0
        while i < s.count {
            let c = s[i]
            if c == 32 || c == 10 || c == 13 || c == 9 { i += 1; continue }
            guard let hi = hexValue(c) else {
                throw SQLError(SQLState.invalidParameterValue, "invalid hexadecimal digit: \"\(Character(Unicode.Scalar(c)))\"")
            }
            guard i + 1 < s.count else { throw SQLError(SQLState.invalidParameterValue, "invalid hexadecimal data: odd number of digits") }
            guard let lo = hexValue(s[i + 1]) else {
                throw SQLError(SQLState.invalidParameterValue, "invalid hexadecimal digit: \"\(Character(Unicode.Scalar(s[i + 1])))\"")
            }
            out.append(hi << 4 | lo)
            i += 2
        }
    }

    /// Base64 as PostgreSQL writes it: a newline after every 76 output characters.
    static func base64Encode(_ s: UnsafeBufferPointer<UInt8>, _ out: inout ContiguousArray<UInt8>) {
        var i = 0, lineLength = 0
        while i < s.count {
            let b0 = UInt32(s[i]), b1 = i + 1 < s.count ? UInt32(s[i + 1]) : 0, b2 = i + 2 < s.count ? UInt32(s[i + 2]) : 0
            let v = b0 << 16 | b1 << 8 | b2
            if lineLength >= 76 { out.append(10); lineLength = 0 }
            out.append(base64Digits[Int(v >> 18 & 63)])
            out.append(base64Digits[Int(v >> 12 & 63)])
            out.append(i + 1 < s.count ? base64Digits[Int(v >> 6 & 63)] : UInt8(ascii: "="))
            out.append(i + 2 < s.count ? base64Digits[Int(v & 63)] : UInt8(ascii: "="))
            lineLength += 4
            i += 3
        }
    }

    static func base64Decode(_ s: UnsafeBufferPointer<UInt8>, _ out: inout ContiguousArray<UInt8>) throws {
        var acc: UInt32 = 0, bits = 0, padding = 0, symbols = 0
        for c in s {
            if c == 32 || c == 10 || c == 13 || c == 9 { continue }
            symbols += 1
            if c == UInt8(ascii: "=") { padding += 1; continue }
            let v: UInt32
            switch c {
            case 65...90: v = UInt32(c - 65)
            case 97...122: v = UInt32(c - 71)
            case 48...57: v = UInt32(c + 4)
            case UInt8(ascii: "+"): v = 62
            case UInt8(ascii: "/"): v = 63
            default:
                throw SQLError(SQLState.invalidParameterValue, "invalid symbol \"\(Character(Unicode.Scalar(c)))\" found while decoding base64 sequence")
            }
            if padding > 0 { throw SQLError(SQLState.invalidParameterValue, "invalid base64 end sequence") }
            acc = acc << 6 | v; bits += 6
            if bits >= 8 { bits -= 8; out.append(UInt8(truncatingIfNeeded: acc >> UInt32(bits))) }
        }
        // Like PostgreSQL, the input must be whole 4-symbol groups (padding included).
        if symbols % 4 != 0 || padding > 2 {
            throw SQLError(SQLState.invalidParameterValue, "invalid base64 end sequence")
        }
    }

    static func escapeDecode(_ s: UnsafeBufferPointer<UInt8>, _ out: inout ContiguousArray<UInt8>) throws {
        var i = 0
        while i < s.count {
            let c = s[i]
            if c != UInt8(ascii: "\\") { out.append(c); i += 1; continue }
            if i + 1 < s.count, s[i + 1] == UInt8(ascii: "\\") { out.append(c); i += 2; continue }
            if i + 3 < s.count, (48...51).contains(s[i + 1]), (48...55).contains(s[i + 2]), (48...55).contains(s[i + 3]) {
                out.append((s[i + 1] - 48) << 6 | (s[i + 2] - 48) << 3 | (s[i + 3] - 48))
                i += 4
                continue
            }
            throw SQLError(SQLState.invalidTextRepresentation, "invalid input syntax for type bytea")
        }
    }
}
