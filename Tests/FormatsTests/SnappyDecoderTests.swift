// SnappyDecoder against libsnappy's compressor (the reference): blocks of every
// shape the decoder has a separate path for — short and long literals (the 1–4
// byte length forms), copies with every period below 8 and beyond, copies and
// literals that end within 16 bytes of the output's end, Parquet-like Int64 and
// Int32 columns — decode to the original bytes. Corrupt blocks (every truncation,
// bytes flipped, offsets before the start, wrong stated lengths) are refused
// without reading or writing out of bounds (run under the address sanitizer to
// see the latter, `swift test --sanitize=address --filter SnappyDecoder`).
// Hand-encoded blocks reach what libsnappy never emits (4-byte offsets, copies
// of up to 64 bytes from any distance): every tag kind, offsets 1–20 and far,
// lengths 1–70, at the start, in the middle (the fast loop) and within a few
// bytes of the output's end, each also with an offset one past what is written.
// A prefix decode stops once the bytes asked for are out: those (and the rest it
// wrote) are the block's, whatever the cut, and it never writes past them by
// more than the tag that crossed the cut.

import CSnappy
@testable import Formats
import XCTest

final class SnappyDecoderTests: XCTestCase {
    private func compress(_ data: [UInt8]) -> [UInt8] {
        var length = snappy_max_compressed_length(data.count)
        var out = [UInt8](repeating: 0, count: length)
        let rc = data.withUnsafeBytes { src in
            out.withUnsafeMutableBytes { dst in
                snappy_compress(src.baseAddress?.assumingMemoryBound(to: CChar.self), data.count,
                                dst.baseAddress?.assumingMemoryBound(to: CChar.self), &length)
            }
        }
        XCTAssertEqual(rc, SNAPPY_OK)
        return Array(out[..<length])
    }

    private func decode(_ block: [UInt8], outputSize: Int) -> [UInt8]? {
        var out = [UInt8](repeating: 0xAA, count: outputSize)
        let ok = block.withUnsafeBytes { src in out.withUnsafeMutableBytes { SnappyDecoder.decompress(src, into: $0) } }
        return ok ? out : nil
    }

    private func roundTrip(_ data: [UInt8], _ label: String, file: StaticString = #filePath, line: UInt = #line) {
        let block = compress(data)
        XCTAssertEqual(SnappyDecoder.uncompressedLength(UnsafeRawBufferPointer(start: block, count: block.count))?.length,
                       data.count, label, file: file, line: line)
        XCTAssertEqual(decode(block, outputSize: data.count), data, label, file: file, line: line)
    }

    private struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return state >> 17
        }
    }

    func testBlocksOfEveryShapeRoundTrip() {
        var g = Generator(state: 42)
        roundTrip([], "empty")
        roundTrip([7], "one byte")
        for n in [1, 15, 16, 17, 59, 60, 61, 255, 256, 257, 65_535, 65_536, 70_000, 300_000] {
            roundTrip((0..<n).map { _ in UInt8(truncatingIfNeeded: g.next()) }, "random \(n)")
        }
        for period in 1...20 {
            let pattern = (0..<period).map { _ in UInt8(truncatingIfNeeded: g.next()) }
            for n in [4, 7, 8, 9, 23, 64, 65, 1000] {
                roundTrip((0..<n).map { pattern[$0 % period] }, "period \(period) length \(n)")
                // The same run after some random bytes, so the copy is not at the start.
                let prefix = (0..<13).map { _ in UInt8(truncatingIfNeeded: g.next()) }
                roundTrip(prefix + (0..<n).map { pattern[$0 % period] }, "period \(period) length \(n) after a prefix")
            }
        }
        // Parquet-like PLAIN pages: prices in cents as Int64, dates as Int32, a sorted key.
        var prices: [UInt8] = [], dates: [UInt8] = [], keys: [UInt8] = []
        for i in 0..<50_000 {
            withUnsafeBytes(of: Int64(90_000 + g.next() % 10_000_000).littleEndian) { prices += $0 }
            withUnsafeBytes(of: Int32(8_000 + g.next() % 2_500).littleEndian) { dates += $0 }
            withUnsafeBytes(of: Int64(i / 4).littleEndian) { keys += $0 }
        }
        roundTrip(prices, "Int64 prices")
        roundTrip(dates, "Int32 dates")
        roundTrip(keys, "sorted Int64 keys")
        // Literal runs of every length up to 70 between repeats of every distance up to 80 (the
        // fast loop's 16-byte and 60-byte literal moves and its 8–16-byte copies, far from the ends).
        var mixed: [UInt8] = []
        for run in 1...70 {
            mixed += (0..<run).map { _ in UInt8(truncatingIfNeeded: g.next()) }
            let back = 1 + Int(g.next() % 80), length = 4 + Int(g.next() % 40)
            for _ in 0..<length { mixed.append(mixed[mixed.count - min(back, mixed.count)]) }
        }
        roundTrip(mixed, "mixed literals and copies")
        roundTrip(mixed + mixed.reversed() + mixed, "mixed, three times")
        // Mixed: text with repeats near the end of the output (the exact, byte-at-a-time tail paths).
        let text = Array("the quick brown fox jumps over the lazy dog; the quick brown fox again. ".utf8)
        for cut in 0..<40 { roundTrip(Array((text + text + text).dropLast(cut)), "text cut \(cut)") }
    }

    /// A block written tag by tag, and the bytes it stands for (expanded byte by byte here).
    private struct HandBlock {
        var body: [UInt8] = []
        var expected: [UInt8] = []

        mutating func literal(_ bytes: [UInt8]) {
            let n = bytes.count - 1
            if n < 60 {
                body.append(UInt8(n << 2))
            } else {
                let size = n < 0x100 ? 1 : n < 0x1_0000 ? 2 : n < 0x100_0000 ? 3 : 4
                body.append(UInt8((59 + size) << 2))
                for k in 0..<size { body.append(UInt8(truncatingIfNeeded: n >> (8 * k))) }
            }
            body += bytes
            expected += bytes
        }

        /// kind 1: length 4...11, offset < 2048; kind 2: length 1...64, offset < 65536; kind 3: length 1...64.
        mutating func copy(kind: Int, offset: Int, length: Int) {
            switch kind {
            case 1:
                body += [UInt8(1 | (length - 4) << 2 | (offset >> 8) << 5), UInt8(offset & 0xFF)]
            case 2:
                body += [UInt8(2 | (length - 1) << 2), UInt8(offset & 0xFF), UInt8(offset >> 8)]
            default:
                body.append(UInt8(3 | (length - 1) << 2))
                for k in 0..<4 { body.append(UInt8(truncatingIfNeeded: offset >> (8 * k))) }
            }
            for _ in 0..<length where offset <= expected.count { expected.append(expected[expected.count - offset]) }
        }

        var block: [UInt8] {
            var preamble: [UInt8] = [], n = expected.count
            while n >= 0x80 { preamble.append(UInt8(n & 0x7F | 0x80)); n >>= 7 }
            return preamble + [UInt8(n)] + body
        }
    }

    func testEveryTagKindNearAndFarFromTheEnds() {
        var g = Generator(state: 11)
        // Random bytes cut from one pool at random places (generating 40 KB per block is slow in debug builds).
        let pool = (0..<50_000).map { _ in UInt8(truncatingIfNeeded: g.next()) }
        func random(_ n: Int) -> [UInt8] { let at = Int(g.next() % UInt64(pool.count - n)); return Array(pool[at..<at + n]) }
        // Output after the tag: none, within one 16-byte move, just past the fast loop's margin.
        let tails = [0, 1, 7, 15, 16, 17, 63, 64, 65, 100]
        var blocks = 0
        for tail in tails {
            // Literals of every length up to 70, after a short and a long prefix.
            for length in 1...70 {
                for prefix in [0, 9, 100] {
                    var b = HandBlock()
                    if prefix > 0 { b.literal(random(prefix)) }
                    b.literal(random(length))
                    if tail > 0 { b.literal(random(tail)) }
                    XCTAssertEqual(decode(b.block, outputSize: b.expected.count), b.expected, "literal \(length) prefix \(prefix) tail \(tail)")
                    blocks += 1
                }
            }
            // Copies of every kind, offsets 1...20 and far ones, every length the kind allows.
            for kind in 1...3 {
                for offset in Array(1...20) + [100, 2047, kind == 1 ? 1000 : 40_000] {
                    for length in kind == 1 ? Array(4...11) : Array(1...64) {
                        // The copy right after its source (op == offset) and well after it.
                        for prefix in [offset, offset + 90] {
                            var b = HandBlock()
                            b.literal(random(prefix))
                            b.copy(kind: kind, offset: offset, length: length)
                            if tail > 0 { b.literal(random(tail)) }
                            XCTAssertEqual(decode(b.block, outputSize: b.expected.count), b.expected,
                                           "copy kind \(kind) offset \(offset) length \(length) prefix \(prefix) tail \(tail)")
                            // One past what is written: refused wherever the copy sits.
                            guard kind != 1 || prefix < 2047 else { continue }  // not encodable in 11 bits
                            var bad = HandBlock()
                            bad.literal(Array(b.expected[..<prefix]))
                            bad.copy(kind: kind, offset: prefix + 1, length: length)
                            if tail > 0 { bad.literal(random(tail)) }
                            XCTAssertNil(decode(bad.block, outputSize: prefix + length + tail),
                                         "offset past the start: kind \(kind) offset \(prefix + 1) length \(length) tail \(tail)")
                            blocks += 2
                        }
                    }
                }
            }
        }
        // A run of copies that sits wholly in the fast loop, each reading the one before.
        var chain = HandBlock()
        chain.literal(random(40))
        for k in 0..<2_000 { chain.copy(kind: 1 + k % 3, offset: 1 + k % 37, length: 4 + k % 8) }
        XCTAssertEqual(decode(chain.block, outputSize: chain.expected.count), chain.expected, "chain of copies")
        XCTAssertGreaterThan(blocks, 50_000)
    }

    /// The fast loop finds a tag from the word read at the tag before when that one's bytes fit
    /// in it, and copies a period of 8 as halves of the 8 bytes before it: runs of short literals
    /// (1–16 bytes, both sides of the 7 that still fit) and copies of every kind and length, from
    /// 8 back and from elsewhere, in every order, and fixed-width columns as libsnappy writes them.
    func testTagsFoundFromTheWordBeforeAndPeriodsOfEight() {
        var g = Generator(state: 5)
        var run = HandBlock()
        run.literal((0..<16).map { _ in UInt8(truncatingIfNeeded: g.next()) })
        for k in 0..<6_000 {
            let literal = 1 + Int(g.next() % 16)
            run.literal((0..<literal).map { _ in UInt8(truncatingIfNeeded: g.next()) })
            let kind = 1 + k % 3
            let length = kind == 1 ? 4 + Int(g.next() % 8) : 1 + Int(g.next() % 64)
            let offset = g.next() % 3 == 0 ? 1 + Int(g.next() % 40) : 8
            run.copy(kind: kind, offset: offset, length: length)
            if g.next() % 4 == 0 { run.copy(kind: 1 + Int(g.next() % 3), offset: 8, length: 4 + Int(g.next() % 8)) }
        }
        XCTAssertEqual(decode(run.block, outputSize: run.expected.count), run.expected, "short literals and copies from 8 back")
        // Sorted timestamps (a 2-byte literal and 6 bytes from 8 back a value) and ids that share high bytes.
        var timestamps: [UInt8] = [], ids: [UInt8] = []
        var t = Int64(1_704_585_600_000_000)
        for _ in 0..<40_000 {
            t += Int64(g.next() % 9_000)
            withUnsafeBytes(of: t.littleEndian) { timestamps += $0 }
            withUnsafeBytes(of: Int64(1_000_000 + g.next() % 2_000_000).littleEndian) { ids += $0 }
        }
        roundTrip(timestamps, "sorted timestamps")
        roundTrip(ids, "user ids")
    }

    func testPrefixesStopEarlyWithTheBlocksBytes() {
        var g = Generator(state: 11)
        var timestamps: [UInt8] = [], text: [UInt8] = []
        for i in 0..<20_000 { withUnsafeBytes(of: Int64(1_704_067_200_000_000 + i * 4_320_000 + Int(g.next() % 1_000)).littleEndian) { timestamps += $0 } }
        let words = ["alpha", "beta", "gamma", "delta", "@example.com", "77", " "].map { Array($0.utf8) }
        while text.count < 100_000 { text += words[Int(g.next() % UInt64(words.count))] }
        for (data, label) in [(timestamps, "timestamps"), (text, "text")] {
            let block = compress(data)
            for prefix in [0, 1, 7, 8, 9, 63, 64, 100, 4_096, data.count / 3, data.count - 80, data.count - 1, data.count] {
                var out = [UInt8](repeating: 0xAA, count: data.count)
                let written = block.withUnsafeBytes { src in out.withUnsafeMutableBytes { SnappyDecoder.decompress(src, into: $0, prefix: prefix) } }
                guard let written else { XCTFail("\(label) prefix \(prefix) refused"); continue }
                XCTAssertGreaterThanOrEqual(written, prefix, "\(label) prefix \(prefix)")
                XCTAssertLessThanOrEqual(written, data.count)
                XCTAssertEqual(Array(out[..<written]), Array(data[..<written]), "\(label) prefix \(prefix)")
                if prefix < data.count - 200 {
                    // Stopped soon after the prefix: a tag writes at most 64 bytes (and moves up to 64 more).
                    XCTAssertLessThan(written, prefix + 65, "\(label) prefix \(prefix)")
                    XCTAssertEqual(out[(written + 64)...].first, 0xAA, "\(label) prefix \(prefix): nothing written far past the stop")
                }
            }
            // A truncated block still gives the prefixes its input holds, and refuses the rest.
            let cut = Array(block[..<(block.count / 2)])
            var out = [UInt8](repeating: 0, count: data.count)
            XCTAssertNil(cut.withUnsafeBytes { src in out.withUnsafeMutableBytes { SnappyDecoder.decompress(src, into: $0, prefix: data.count) } })
            XCTAssertNotNil(cut.withUnsafeBytes { src in out.withUnsafeMutableBytes { SnappyDecoder.decompress(src, into: $0, prefix: 100) } })
        }
        // A whole block with bytes after its end is corrupt; a prefix of it is not.
        var out = [UInt8](repeating: 0, count: 6)
        let trailing: [UInt8] = [6, 0b0000_0100, 0x61, 0x62, 0b0000_0001, 2, 0x00]
        XCTAssertNil(trailing.withUnsafeBytes { src in out.withUnsafeMutableBytes { SnappyDecoder.decompress(src, into: $0, prefix: 6) } })
        XCTAssertEqual(trailing.withUnsafeBytes { src in out.withUnsafeMutableBytes { SnappyDecoder.decompress(src, into: $0, prefix: 2) } }, 2)
        XCTAssertEqual(Array(out[..<2]), Array("ab".utf8))
    }

    func testCorruptBlocksAreRefused() {
        var g = Generator(state: 7)
        let data = (0..<5_000).map { i in i % 97 < 50 ? UInt8(truncatingIfNeeded: g.next()) : UInt8(i % 5) }
        let block = compress(data)
        XCTAssertNotNil(decode(block, outputSize: data.count))
        // Every truncation: refused (the stated length cannot be produced), never a crash.
        for cut in 0..<block.count {
            XCTAssertNil(decode(Array(block[..<cut]), outputSize: data.count), "truncated to \(cut)")
        }
        // A destination of another size than the stated one.
        XCTAssertNil(decode(block, outputSize: data.count - 1))
        XCTAssertNil(decode(block, outputSize: data.count + 1))
        // Flipped bytes: either refused or decoded to the stated length, never out of bounds.
        for _ in 0..<2_000 {
            var bad = block
            let at = Int(g.next() % UInt64(bad.count))
            bad[at] ^= UInt8(truncatingIfNeeded: g.next() | 1)
            _ = decode(bad, outputSize: data.count)
        }
        // Hand-made blocks: a copy before any output, an offset reaching before the start,
        // a zero offset, a literal longer than the input, a varint preamble of six bytes.
        XCTAssertNil(decode([4, 0b0000_0001, 1], outputSize: 4))                    // copy with nothing written
        XCTAssertNil(decode([6, 0b0000_0100, 0x61, 0x62, 0b0000_0001, 3], outputSize: 6))  // offset 3 > 2 written
        XCTAssertNil(decode([6, 0b0000_0100, 0x61, 0x62, 0b0000_0001, 0], outputSize: 6))  // offset 0
        XCTAssertNil(decode([5, 0b0001_0000, 0x61], outputSize: 5))                 // literal of 5, one byte given
        XCTAssertNil(decode([0x80, 0x80, 0x80, 0x80, 0x80, 0x01], outputSize: 1))
        XCTAssertEqual(decode([6, 0b0000_0100, 0x61, 0x62, 0b0000_0001, 2], outputSize: 6), Array("ababab".utf8))
        XCTAssertEqual(decode([0], outputSize: 0), [])
        XCTAssertNil(decode([0, 0], outputSize: 0))                                 // bytes after an empty block
    }
}
