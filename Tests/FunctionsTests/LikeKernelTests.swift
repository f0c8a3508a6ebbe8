// The vectorised LIKE/ILIKE fast paths (LikeKernels.swift) must answer exactly
// as the general LikePattern matcher: many generated strings and patterns
// (multi-byte UTF-8, empty strings, escapes, %%, _), both case modes, with NULLs.

import XCTest
@testable import Functions
import Columnar

final class LikeKernelTests: XCTestCase {
    /// SplitMix64, so failures reproduce.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
        mutating func string(from pieces: [String], maxLength: Int) -> String {
            (0..<below(maxLength + 1)).map { _ in pieces[below(pieces.count)] }.joined()
        }
    }

    static let textPieces = ["a", "b", "c", "A", "B", "é", "É", "日", "%", "_", "\\", "!", "\u{212A}", "ab", "k"]
    static let patternPieces = ["a", "b", "c", "A", "B", "é", "É", "日", "%", "%", "%", "_", "\\", "!", "k", "ab", "%%"]

    func testFastPathsAgreeWithGeneralMatcher() throws {
        var g = Generator(state: 7)
        let texts = (0..<300).map { _ in g.string(from: Self.textPieces, maxLength: 8) } + ["", "a", "%", "日本"]
        var column = StringColumn()
        for t in texts { column.append(t) }
        var validity = ContiguousArray<Bool>(repeating: true, count: texts.count)
        for i in stride(from: 3, to: texts.count, by: 17) { validity[i] = false }
        var literalPatterns = 0, checkedPatterns = 0
        for round in 0..<1500 {
            let pattern = Array(g.string(from: Self.patternPieces, maxLength: 6).utf8)
            let escape: [UInt8]? = [[92], [], Array("!".utf8)][round % 3]
            let caseInsensitive = round % 2 == 1
            let compiled: CompiledLike
            do {
                compiled = try CompiledLike(pattern, escape: escape, caseInsensitive: caseInsensitive)
            } catch {
                continue
            }
            checkedPatterns += 1
            if compiled.literal != nil { literalPatterns += 1 }
            for negated in [false, true] {
                let fast = compiled.evaluate(column, count: texts.count, validity: round % 4 < 2 ? validity : nil, negated: negated)
                var scratch: [UInt8] = []
                for (i, t) in texts.enumerated() {
                    if round % 4 < 2 && !validity[i] {
                        // A NULL row's answer stays false, NOT LIKE included (callers may read it before the validity).
                        XCTAssertFalse(fast[i], "NULL row \(i) \(negated ? "NOT " : "")LIKE \(String(decoding: pattern, as: UTF8.self))")
                        continue
                    }
                    let bytes = Array(t.utf8)
                    let expected = bytes.withUnsafeBufferPointer { compiled.general.matches($0, scratch: &scratch) } != negated
                    XCTAssertEqual(fast[i], expected, "\(t) \(caseInsensitive ? "ILIKE" : "LIKE") \(String(decoding: pattern, as: UTF8.self)) escape \(escape ?? [])")
                }
            }
        }
        // The comparison is only meaningful if both paths were exercised.
        XCTAssertGreaterThan(literalPatterns, 300)
        XCTAssertGreaterThan(checkedPatterns - literalPatterns, 300)
    }

    /// The block search of literal pieces (16 candidate positions per step, then the bytewise
    /// tail) finds the leftmost occurrence exactly as a naive scan does: texts of up to 300 bytes
    /// over a three-letter alphabet (many candidates that fail late), pieces of 1–24 bytes, every
    /// start offset class, matches straddling blocks and touching the end.
    func testLiteralSearchFindsTheLeftmostOccurrence() {
        var g = Generator(state: 11)
        let alphabet: [UInt8] = Array("abs".utf8)
        var checked = 0, found = 0
        for _ in 0..<4000 {
            let text = (0..<g.below(301)).map { _ in alphabet[g.below(3)] }
            var needle = (0..<(1 + g.below(24))).map { _ in alphabet[g.below(3)] }
            if g.below(2) == 0, !text.isEmpty {
                // Half the needles are cut from the text (found unless the range leaves them out).
                let start = g.below(text.count), length = 1 + g.below(min(24, text.count - start))
                needle = Array(text[start..<start + length])
            }
            let from = text.isEmpty ? 0 : g.below(text.count + 1)
            let end = from + g.below(text.count - from + 1)
            var naive: Int? = nil
            if end - from >= needle.count {
                for k in from...(end - needle.count) where Array(text[k..<k + needle.count]) == needle { naive = k + needle.count; break }
            }
            let fast = text.withUnsafeBufferPointer { t in
                needle.withUnsafeBufferPointer { n in LikeLiteralShape.find(n, in: t.baseAddress ?? UnsafePointer(bitPattern: 1)!, from: from, end: end) }
            }
            XCTAssertEqual(fast, naive, "\(String(decoding: needle, as: UTF8.self)) in \(String(decoding: text, as: UTF8.self))[\(from)..<\(end)]")
            checked += 1
            if naive != nil { found += 1 }
        }
        XCTAssertGreaterThan(found, 500, "both outcomes are exercised")
        XCTAssertGreaterThan(checked - found, 500, "both outcomes are exercised")
        // Through the operator's kernel: long texts against multi-piece patterns.
        var column = StringColumn()
        var texts: [[UInt8]] = []
        for _ in 0..<500 {
            let t = (0..<g.below(200)).map { _ in alphabet[g.below(3)] }
            texts.append(t); column.append(String(decoding: t, as: UTF8.self))
        }
        for pattern in ["%sab%bs%", "%aaa%", "%sbsab%sss%a", "a%bb%", "%ab%ba%ab%ba%", "%sasbsasbsasb%"] {
            let compiled = try! CompiledLike(Array(pattern.utf8), escape: nil, caseInsensitive: false)
            XCTAssertNotNil(compiled.literal)
            let fast = compiled.evaluate(column, count: texts.count, validity: nil, negated: false)
            var scratch: [UInt8] = []
            for (i, t) in texts.enumerated() {
                XCTAssertEqual(fast[i], t.withUnsafeBufferPointer { compiled.general.matches($0, scratch: &scratch) }, "\(pattern) on \(String(decoding: t, as: UTF8.self))")
            }
        }
    }

    /// Anchored pieces of every length from 0 to 24 (the word compares change at 4, 8 and 16
    /// bytes): exact, `p%`, `%s` and `p%s` patterns cut from the texts, each also with one byte
    /// changed at its first, last or a middle position, so a compare that skips a byte fails.
    func testAnchoredPiecesOfEveryLengthAgreeWithGeneralMatcher() throws {
        var g = Generator(state: 23)
        let alphabet: [UInt8] = Array("ab7@.".utf8)
        var texts: [[UInt8]] = []
        var column = StringColumn()
        for _ in 0..<400 {
            let t = (0..<g.below(41)).map { _ in alphabet[g.below(alphabet.count)] }
            texts.append(t); column.append(String(decoding: t, as: UTF8.self))
        }
        var matched = 0, checked = 0
        for round in 0..<600 {
            let source = texts[g.below(texts.count)]
            let length = min(round % 25, source.count)
            var prefix = Array(source.prefix(length)), suffix = Array(source.suffix(length))
            let change = g.below(4)  // 0: none, 1: first byte, 2: last byte, 3: a middle byte
            if change > 0 && length > 0 {
                let at = change == 1 ? 0 : change == 2 ? length - 1 : g.below(length)
                prefix[at] = prefix[at] == UInt8(ascii: "a") ? UInt8(ascii: "b") : UInt8(ascii: "a")
                suffix[at] = suffix[at] == UInt8(ascii: "a") ? UInt8(ascii: "b") : UInt8(ascii: "a")
            }
            let shapes: [[UInt8]] = [prefix, prefix + [UInt8(ascii: "%")], [UInt8(ascii: "%")] + suffix,
                                     prefix + [UInt8(ascii: "%")] + suffix]
            for pattern in shapes {
                let compiled = try CompiledLike(pattern, escape: nil, caseInsensitive: false)
                XCTAssertNotNil(compiled.literal)
                let fast = compiled.evaluate(column, count: texts.count, validity: nil, negated: false)
                var scratch: [UInt8] = []
                for (i, t) in texts.enumerated() {
                    let expected = t.withUnsafeBufferPointer { compiled.general.matches($0, scratch: &scratch) }
                    XCTAssertEqual(fast[i], expected, "\(String(decoding: t, as: UTF8.self)) LIKE \(String(decoding: pattern, as: UTF8.self))")
                    checked += 1
                    if expected { matched += 1 }
                }
            }
        }
        XCTAssertGreaterThan(matched, 10_000, "both outcomes are exercised")
        XCTAssertGreaterThan(checked - matched, 10_000, "both outcomes are exercised")
    }

    func testShapesThroughTheOperator() throws {
        // One resolution = one call site, reused across batches as a query would.
        var sites: [String: ScalarResolution] = [:]
        func like(_ op: String, _ texts: [String?], _ pattern: String, escape: String? = nil) throws -> [Value] {
            let v = Vector.from(texts.map { $0.map(Value.string) ?? .null }, type: .text)
            var args = [v, Vector.constant(.string(pattern), type: .text, count: texts.count)]
            if let escape { args.append(Vector.constant(.string(escape), type: .text, count: texts.count)) }
            let key = op + "/\(args.count)"
            if sites[key] == nil {
                sites[key] = try XCTUnwrap(FunctionRegistry.shared.scalar(op)?.resolve(args.map(\.type), args.map { _ in false }))
            }
            let out = try XCTUnwrap(sites[key]).kernel(args, texts.count, FunctionContext())
            return (0..<texts.count).map { out.value(at: $0) }
        }
        let rows: [String?] = ["special requests", "specialrequests", "requests special", nil, "", "PROMO BRUSHED", "large BRASS", "forest green"]
        XCTAssertEqual(try like("!~~", rows, "%special%requests%"),
                       [.bool(false), .bool(false), .bool(true), .null, .bool(true), .bool(true), .bool(true), .bool(true)])
        XCTAssertEqual(try like("~~", rows, "PROMO%"),
                       [.bool(false), .bool(false), .bool(false), .null, .bool(false), .bool(true), .bool(false), .bool(false)])
        XCTAssertEqual(try like("~~", rows, "%BRASS"),
                       [.bool(false), .bool(false), .bool(false), .null, .bool(false), .bool(false), .bool(true), .bool(false)])
        XCTAssertEqual(try like("~~*", rows, "%GREEN%"),
                       [.bool(false), .bool(false), .bool(false), .null, .bool(false), .bool(false), .bool(false), .bool(true)])
        XCTAssertEqual(try like("~~", rows, ""),
                       [.bool(false), .bool(false), .bool(false), .null, .bool(true), .bool(false), .bool(false), .bool(false)])
        XCTAssertEqual(try like("~~", ["a%c", "abc"], "a#%c", escape: "#"), [.bool(true), .bool(false)])
        XCTAssertEqual(try like("~~", ["a%c", "abc"], "a\\%c"), [.bool(true), .bool(false)])
        // A call site whose pattern changes (a cached compilation must not be reused).
        XCTAssertEqual(try like("~~", ["x", "xx"], "x"), [.bool(true), .bool(false)])
        XCTAssertEqual(try like("~~", ["x", "xx"], "xx"), [.bool(false), .bool(true)])
    }

    /// LikeValueTest over values as a PLAIN BYTE_ARRAY page stores them (a 4-byte length, then
    /// the bytes) answers as the column kernel does, for every pattern shape, both case modes and
    /// negation; a length running past the page's end gives nil and leaves the answers unchanged.
    func testValuesTestedWhereAPageStoresThem() throws {
        var g = Generator(state: 23)
        let texts = (0..<400).map { _ in g.string(from: Self.textPieces, maxLength: 10) } + ["", "a", "%", "日本", "ab@ab"]
        var column = StringColumn()
        var page: [UInt8] = [9, 9, 9]                          // the values start at an offset
        for t in texts {
            column.append(t)
            let bytes = Array(t.utf8)
            withUnsafeBytes(of: UInt32(bytes.count).littleEndian) { page.append(contentsOf: $0) }
            page.append(contentsOf: bytes)
        }
        var shapes = Set<String>()
        for round in 0..<1200 {
            let pattern = Array(g.string(from: Self.patternPieces, maxLength: 6).utf8)
            let escape: [UInt8]? = [[92], [], Array("!".utf8)][round % 3]
            let caseInsensitive = round % 2 == 1, negated = round % 4 >= 2
            guard let test = try? LikeValueTest(pattern: pattern, escape: escape, caseInsensitive: caseInsensitive, negated: negated),
                  let compiled = try? CompiledLike(pattern, escape: escape, caseInsensitive: caseInsensitive) else { continue }
            let shape = compiled.literal.map { $0.hasPercent ? ($0.middles.isEmpty ? "ends" : "middles") : "exact" } ?? "general"
            shapes.insert("\(shape) \(caseInsensitive)")
            let expected = compiled.evaluate(column, count: texts.count, validity: nil, negated: negated)
            XCTAssertEqual(test.test(column, count: texts.count), expected)
            var answers: ContiguousArray<Bool> = [true]
            let end = page.withUnsafeBytes { test.testLengthPrefixed($0.baseAddress!, from: 3, end: $0.count, count: texts.count, into: &answers) }
            XCTAssertEqual(end, page.count)
            XCTAssertEqual(Array(answers.dropFirst()), Array(expected), "\(String(decoding: pattern, as: UTF8.self)) \(caseInsensitive) \(negated)")
            XCTAssertEqual(answers.first, true, "the answers before are kept")
            // The page cut inside its last value: refused, the answers as they were.
            let cut = page.withUnsafeBytes { test.testLengthPrefixed($0.baseAddress!, from: 3, end: $0.count - 1, count: texts.count, into: &answers) }
            XCTAssertNil(cut)
            XCTAssertEqual(answers.count, texts.count + 1)
        }
        for shape in ["ends", "middles", "exact", "general"] {
            XCTAssertTrue(shapes.contains("\(shape) false") && (shape == "general" || shapes.contains("\(shape) true")), "shape \(shape) exercised")
        }
        // A text vector with NULLs: NULL in, NULL out.
        let test = try LikeValueTest(pattern: Array("a%".utf8), escape: [92], caseInsensitive: false, negated: true)
        let v = Vector.from([.string("ab"), .null, .string("b")], type: .text)
        let answered = test.test(v)
        XCTAssertEqual((0..<3).map { answered.value(at: $0) }, [.bool(false), .null, .bool(true)])
    }
}
