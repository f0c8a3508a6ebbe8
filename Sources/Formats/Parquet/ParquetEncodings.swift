// Decoders for Parquet's value and level encodings, all over bounds-checked
// unsafe byte buffers: the RLE/bit-packed hybrid (levels, dictionary indices,
// RLE booleans), LSB-first bit unpacking, PLAIN, DELTA_BINARY_PACKED (blocks
// of miniblocks of bit-packed deltas from a zigzag minimum),
// DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY (front coding) and
// BYTE_STREAM_SPLIT (byte planes transposed back into values).

import Columnar

struct EncodingError: Error { let message: String }
/// A level run above the maximum, found by RLEHybrid.decode while it counts levels (`ones`).
struct LevelAboveMaximum: Error { let level: UInt32 }

@inline(__always) func encodingError(_ m: String) -> EncodingError { EncodingError(message: m) }

/// LSB-first bit reader over a byte range.
struct BitReader {
    let p: UnsafeBufferPointer<UInt8>
    var pos: Int
    let end: Int
    private var buffer: UInt64 = 0
    private var bits = 0

    init(_ p: UnsafeBufferPointer<UInt8>, start: Int, end: Int) {
        self.p = p; self.pos = start; self.end = min(end, p.count)
    }

    /// Reads `k` ≤ 32 bits; throws past the end.
    @inline(__always) mutating func read(_ k: Int) throws -> UInt64 {
        while bits < k {
            guard pos < end else { throw encodingError("bit-packed data ends early") }
            buffer |= UInt64(p[pos]) << UInt64(bits)
            pos += 1
            bits += 8
        }
        let v = k == 0 ? 0 : buffer & ((1 << UInt64(k)) - 1)
        buffer >>= UInt64(k)
        bits -= k
        return v
    }

    /// Reads `k` ≤ 64 bits.
    mutating func readWide(_ k: Int) throws -> UInt64 {
        if k <= 32 { return try read(k) }
        let lo = try read(32)
        let hi = try read(k - 32)
        return lo | hi << 32
    }
}

/// ULEB128 varint at `pos`.
@inline(__always) func readVarint(_ p: UnsafeBufferPointer<UInt8>, _ pos: inout Int, end: Int) throws -> UInt64 {
    var result: UInt64 = 0
    var shift: UInt64 = 0
    while true {
        guard pos < end else { throw encodingError("varint runs past the end of the page") }
        let b = p[pos]; pos += 1
        if shift >= 64 { throw encodingError("varint too long") }
        result |= UInt64(b & 0x7f) << shift
        if b & 0x80 == 0 { return result }
        shift += 7
    }
}

@inline(__always) func readZigzag(_ p: UnsafeBufferPointer<UInt8>, _ pos: inout Int, end: Int) throws -> Int64 {
    let v = try readVarint(p, &pos, end: end)
    return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
}

enum RLEHybrid {
    /// Decodes exactly `count` values of `bitWidth` bits from `p[start..<end]`, appending to `out`.
    /// Throws when the data holds fewer values. Returns the position after the last run read.
    /// With `ones` (levels whose maximum is 1, so `bitWidth` 1): adds the number of 1s decoded
    /// (bit-packed runs by a population count of their bytes) and rejects a run of a value
    /// above 1, the only way a value can exceed 1 at that width.
    @discardableResult
    static func decode(_ p: UnsafeBufferPointer<UInt8>, start: Int, end: Int, bitWidth: Int, count: Int,
                       into out: inout ContiguousArray<Int32>, ones: UnsafeMutablePointer<Int>? = nil) throws -> Int {
        guard bitWidth >= 0, bitWidth <= 32 else { throw encodingError("invalid RLE bit width \(bitWidth)") }
        guard ones == nil || bitWidth == 1 else { throw encodingError("levels are counted at bit width 1 only, not \(bitWidth)") }
        let end = min(end, p.count)
        var pos = start
        if bitWidth == 0 {
            out.appendUninitialized(count: count) { $0.initialize(repeating: 0) }
            return pos
        }
        guard count > 0 else { return pos }
        // One append for all the values, the runs written straight into it: an append per run
        // cost a closure context and a retain/release pair (levels and codes run short).
        out.reserveGrowing(out.count + count)
        try out.appendUninitialized(count: count, throwing: { dst in
            pos = try decodeRuns(p, start: pos, end: end, bitWidth: bitWidth, count: count, into: dst.baseAddress!, ones: ones)
        })
        return pos
    }

    /// Decodes exactly `count` dictionary codes of `bitWidth` 1...8 bits from `p[start..<end]`
    /// and appends the answer `answers[code]` of each to `out`, without writing the codes
    /// anywhere: a run is one fill, and each group of 8 bit-packed codes (`bitWidth` bytes) is
    /// cut from one load and its 8 answers stored as one word (a filter over a small
    /// dictionary, click-stream m6's `event_type = 'purchase'`, unpacked every code to 32 bits,
    /// checked it and mapped it in three passes). Codes of up to 6 bits are looked up several
    /// at a time: a table by the bits of 2, 4 or 8 codes (up to 12 bits, 4,096 entries) holds
    /// their answers as bytes, so a group of 3-bit codes takes 2 lookups, not 8 (a lookup a
    /// code was 12% of m6). Throws, with `out` unchanged, on a code at or past the answers' end
    /// and when the data holds fewer values.
    static func decodeMapped(_ p: UnsafeBufferPointer<UInt8>, start: Int, end: Int, bitWidth w: Int, count: Int,
                             answers: UnsafeBufferPointer<Bool>, into out: inout ContiguousArray<Bool>) throws {
        guard w >= 1 && w <= 8 else { throw encodingError("mapped decoding takes bit widths 1 to 8, not \(w)") }
        try decodeMapped(p, start: start, end: end, count: count, answers: MappedAnswers(answers, bitWidth: w, codes: count), into: &out)
    }

    /// A dictionary's answers made ready for decodeMapped at one bit width: built once per
    /// column chunk (the table of a group of codes can outweigh a page's decoding), with as
    /// many codes per lookup as the codes it is expected to map pay for.
    struct MappedAnswers {
        let bitWidth: Int
        let codesPerLookup: Int
        let answerCount: Int
        /// map[code]: 1 or 0, the code's answer; 2 for a code past the answers (or-ed over a
        /// run and checked once).
        fileprivate let map: [UInt8]
        /// For every value of `codesPerLookup` packed codes (the first in the low bits): their
        /// `map` entries as the low bytes of a word.
        fileprivate let groups: ContiguousArray<UInt64>

        /// `codes`: how many codes it is expected to map. `codesPerLookup`, when given, instead
        /// of the choice by that count (tests).
        init(_ answers: UnsafeBufferPointer<Bool>, bitWidth w: Int, codes expected: Int, codesPerLookup forced: Int? = nil) {
            bitWidth = w
            answerCount = answers.count
            var map = [UInt8](repeating: 2, count: 256)
            for code in 0..<Swift.min(answers.count, 256) { map[code] = answers[code] ? 1 : 0 }
            self.map = map
            // As many as fit 12 bits and divide 8 (one for 7 and 8 bits), fewer when the codes
            // do not outnumber the table's entries.
            var g = w == 1 ? 8 : w <= 3 ? 4 : w <= 6 ? 2 : 1
            while g > 1 && expected < 2 << (g * w) { g /= 2 }
            if let forced, [1, 2, 4, 8].contains(forced), forced * w <= 12 || forced == 1 { g = forced }
            codesPerLookup = g
            // Built by doubling: the table of 2k codes pairs every entry of the table of k with
            // every other (a few thousand stores, not a loop over the codes of each entry).
            var table = ContiguousArray<UInt64>((0..<(1 << w)).map { UInt64(map[$0]) })
            var codes = 1
            while codes < g {
                let half = table, bits = codes * w, halfMask = (1 << bits) - 1
                table = ContiguousArray(unsafeUninitializedCapacity: 1 << (2 * bits)) { out, initialized in
                    half.withUnsafeBufferPointer { h in
                        for b in 0..<(1 << (2 * bits)) {
                            out[b] = h[b & halfMask] | h[b >> bits] << UInt64(8 * codes)
                        }
                    }
                    initialized = 1 << (2 * bits)
                }
                codes *= 2
            }
            groups = table
        }
    }

    /// decodeMapped with answers made ready for the data's bit width (1...8).
    static func decodeMapped(_ p: UnsafeBufferPointer<UInt8>, start: Int, end: Int, count: Int,
                             answers table: MappedAnswers, into out: inout ContiguousArray<Bool>) throws {
        let w = table.bitWidth
        guard w >= 1 && w <= 8 else { throw encodingError("mapped decoding takes bit widths 1 to 8, not \(w)") }
        guard count > 0 else { return }
        var failure: Error? = nil
        out.appendUninitialized(count: count) { dst in
            do {
                try table.map.withUnsafeBufferPointer { map in
                    try table.groups.withUnsafeBufferPointer { groups in
                        func run<let W: Int, let G: Int>(_: PackedWidth<W>.Type, _: PackedWidth<G>.Type) throws {
                            try mapRuns(p, start: start, end: end, count: count, map: map, groups: groups, into: dst,
                                        PackedWidth<W>.self, PackedWidth<G>.self)
                        }
                        switch (w, table.codesPerLookup) {
                        case (1, 8): try run(PackedWidth<1>.self, PackedWidth<8>.self)
                        case (1, 4): try run(PackedWidth<1>.self, PackedWidth<4>.self)
                        case (1, 2): try run(PackedWidth<1>.self, PackedWidth<2>.self)
                        case (1, _): try run(PackedWidth<1>.self, PackedWidth<1>.self)
                        case (2, 4): try run(PackedWidth<2>.self, PackedWidth<4>.self)
                        case (2, 2): try run(PackedWidth<2>.self, PackedWidth<2>.self)
                        case (2, _): try run(PackedWidth<2>.self, PackedWidth<1>.self)
                        case (3, 4): try run(PackedWidth<3>.self, PackedWidth<4>.self)
                        case (3, 2): try run(PackedWidth<3>.self, PackedWidth<2>.self)
                        case (3, _): try run(PackedWidth<3>.self, PackedWidth<1>.self)
                        case (4, 2): try run(PackedWidth<4>.self, PackedWidth<2>.self)
                        case (4, _): try run(PackedWidth<4>.self, PackedWidth<1>.self)
                        case (5, 2): try run(PackedWidth<5>.self, PackedWidth<2>.self)
                        case (5, _): try run(PackedWidth<5>.self, PackedWidth<1>.self)
                        case (6, 2): try run(PackedWidth<6>.self, PackedWidth<2>.self)
                        case (6, _): try run(PackedWidth<6>.self, PackedWidth<1>.self)
                        case (7, _): try run(PackedWidth<7>.self, PackedWidth<1>.self)
                        default: try run(PackedWidth<8>.self, PackedWidth<1>.self)
                        }
                    }
                }
            } catch {
                failure = error
                // The tail is written so it is initialised; it is taken off below.
                dst.initialize(repeating: false)
            }
        }
        if let failure {
            out.removeLast(count)
            throw failure
        }
    }

    /// decodeMapped for codes of W bits, looked up G at a time in `groups` (MappedAnswers).
    private static func mapRuns<let W: Int, let G: Int>(_ p: UnsafeBufferPointer<UInt8>, start: Int, end: Int, count: Int,
                                                        map: UnsafeBufferPointer<UInt8>, groups: UnsafeBufferPointer<UInt64>,
                                                        into dst: UnsafeMutableBufferPointer<Bool>,
                                                        _: PackedWidth<W>.Type, _: PackedWidth<G>.Type) throws {
        let end = Swift.min(end, p.count), mask = (1 << W) - 1, groupMask = (1 << (G * W)) - 1
        let o = UnsafeMutableRawPointer(dst.baseAddress!)
        var pos = start, produced = 0
        func outOfRange() -> Error { encodingError("dictionary index out of range (dictionary has fewer values)") }
        while produced < count {
            guard pos < end else { throw encodingError("RLE data holds fewer values than expected (\(produced) of \(count))") }
            let header = try readVarint(p, &pos, end: end)
            if header & 1 == 0 {
                // A run: one value byte at these widths.
                guard pos < end else { throw encodingError("RLE run value runs past the end") }
                let answer = map[Int(p[pos])]; pos += 1
                guard answer < 2 else { throw outOfRange() }
                let n = Int(Swift.min(header >> 1, UInt64(count - produced)))
                (dst.baseAddress! + produced).initialize(repeating: answer == 1, count: n)
                produced += n
                continue
            }
            let runGroups = header >> 1
            guard runGroups <= UInt64(Int32.max) else { throw encodingError("bit-packed run too long") }
            let bytes = Swift.min(Int(runGroups) * W, end - pos)
            let values = Swift.min(Int(runGroups) * 8, count - produced, bytes * 8 / W)
            if values == 0 { throw encodingError("bit-packed run holds no data") }
            var seen: UInt8 = 0, seenInGroups: UInt64 = 0, k = 0
            // Whole groups whose 8-byte load stays inside the page and whose 8 answers fit.
            while k + 8 <= values && pos + (k / 8) * W + 8 <= p.count {
                let word = UnsafeRawPointer(p.baseAddress! + pos + (k / 8) * W).loadUnaligned(as: UInt64.self)
                var answers: UInt64 = 0
                for j in 0..<(8 / G) {
                    let e = groups[Int(truncatingIfNeeded: word &>> UInt64(j * G * W)) & groupMask]
                    answers |= e &<< UInt64(8 * G * j)
                }
                seenInGroups |= answers
                o.storeBytes(of: answers & 0x0101_0101_0101_0101, toByteOffset: produced + k, as: UInt64.self)
                k += 8
            }
            if seenInGroups & 0x0202_0202_0202_0202 != 0 { seen = 2 }
            // The rest one code at a time, from its bytes.
            while k < values {
                let bit = k * W, at = pos + bit >> 3
                var word = Int(p[at])
                if at + 1 < end { word |= Int(p[at + 1]) << 8 }
                let m = map[(word >> (bit & 7)) & mask]
                seen |= m
                (dst.baseAddress! + produced + k).initialize(to: m & 1 == 1)
                k += 1
            }
            guard seen < 2 else { throw outOfRange() }
            produced += values
            pos += bytes
        }
    }

    /// Whether the data at `start` opens with one RLE run of `value` at least `count` long: the
    /// form writers give the definition levels of a page without NULLs.
    static func opensWithRun(_ p: UnsafeBufferPointer<UInt8>, start: Int, end: Int, bitWidth: Int, of value: UInt32,
                             covering count: Int) -> Bool {
        guard bitWidth > 0, bitWidth <= 32 else { return false }
        let end = min(end, p.count)
        var pos = start
        guard let header = try? readVarint(p, &pos, end: end), header & 1 == 0, header >> 1 >= UInt64(count) else { return false }
        let byteWidth = (bitWidth + 7) / 8
        guard end - pos >= byteWidth else { return false }
        var v: UInt32 = 0
        for i in 0..<byteWidth { v |= UInt32(p[pos + i]) << UInt32(8 * i) }
        return v == value
    }

    /// Decodes exactly `count` levels of bit width 1 (a flat leaf's definition levels) from
    /// `p[start..<end]` as bits `at..<at + count` of `bits` (grown to hold them; the bits from
    /// `at` on must be clear). A bit-packed run is already those bits, least significant
    /// first, so it is shifted into place 64 at a time; an RLE run of 1 sets a range. Throws as
    /// `decode` with `ones` does; returns the number of 1s.
    static func decodeBits(_ p: UnsafeBufferPointer<UInt8>, start: Int, end: Int, count: Int,
                           into bits: inout ContiguousArray<UInt64>, at: Int) throws -> Int {
        let end = min(end, p.count)
        DefinitionBits.grow(&bits, toHold: at + count)
        guard count > 0 else { return 0 }
        guard let base = p.baseAddress else { throw encodingError("RLE data holds fewer values than expected (0 of \(count))") }
        var pos = start, produced = 0, ones = 0
        try bits.withUnsafeMutableBufferPointer { w in
            while produced < count {
                guard pos < end else { throw encodingError("RLE data holds fewer values than expected (\(produced) of \(count))") }
                let header = try readVarint(p, &pos, end: end)
                if header & 1 == 0 {
                    guard end - pos >= 1 else { throw encodingError("RLE run value runs past the end") }
                    let v = UInt32(p[pos])
                    pos += 1
                    guard v <= 1 else { throw LevelAboveMaximum(level: v) }
                    let n = Int(min(header >> 1, UInt64(count - produced)))
                    if v == 1 { DefinitionBits.setRange(w, from: at + produced, count: n); ones += n }
                    produced += n
                } else {
                    let groups = header >> 1
                    guard groups <= UInt64(Int32.max) else { throw encodingError("bit-packed run too long") }
                    let available = min(Int(groups), end - pos)
                    let values = min(Int(groups) * 8, count - produced, available * 8)
                    if values == 0 { throw encodingError("bit-packed run holds no data") }
                    ones += copyBits(from: UnsafeRawPointer(base + pos), available: p.count - pos, count: values, into: w, at: at + produced)
                    produced += values
                    pos += available
                }
            }
        }
        return ones
    }

    /// ORs `count` bits read least significant first from `src` (of which `available` bytes may
    /// be read) into `w` from bit `at`; returns how many are 1.
    private static func copyBits(from src: UnsafeRawPointer, available: Int, count: Int,
                                 into w: UnsafeMutableBufferPointer<UInt64>, at: Int) -> Int {
        var done = 0, ones = 0
        while done < count {
            let take = Swift.min(64, count - done)
            let byte = done >> 3
            var chunk: UInt64
            if available - byte >= 8 {
                chunk = src.loadUnaligned(fromByteOffset: byte, as: UInt64.self)
            } else {
                chunk = 0
                for k in 0..<(available - byte) { chunk |= UInt64(src.load(fromByteOffset: byte + k, as: UInt8.self)) << UInt64(8 * k) }
            }
            if take < 64 { chunk &= (UInt64(1) << UInt64(take)) - 1 }
            ones += chunk.nonzeroBitCount
            let position = at + done, shift = UInt64(position & 63), word = position >> 6
            w[word] |= chunk << shift
            if shift > 0 && word + 1 < w.count { w[word + 1] |= chunk >> (64 - shift) }
            done += take
        }
        return ones
    }

    /// The run loop of `decode`: writes exactly `count` values to `dst` (or throws).
    private static func decodeRuns(_ p: UnsafeBufferPointer<UInt8>, start: Int, end: Int, bitWidth: Int, count: Int,
                                   into dst: UnsafeMutablePointer<Int32>, ones: UnsafeMutablePointer<Int>?) throws -> Int {
        var pos = start
        var produced = 0
        let byteWidth = (bitWidth + 7) / 8
        while produced < count {
            guard pos < end else { throw encodingError("RLE data holds fewer values than expected (\(produced) of \(count))") }
            let header = try readVarint(p, &pos, end: end)
            if header & 1 == 0 {
                let run = header >> 1
                guard end - pos >= byteWidth else { throw encodingError("RLE run value runs past the end") }
                var v: UInt32 = 0
                for i in 0..<byteWidth { v |= UInt32(p[pos + i]) << UInt32(8 * i) }
                pos += byteWidth
                let n = Int(min(run, UInt64(count - produced)))
                if let ones {
                    guard v <= 1 else { throw LevelAboveMaximum(level: v) }
                    ones.pointee += v == 1 ? n : 0
                }
                (dst + produced).initialize(repeating: Int32(bitPattern: v), count: n)
                produced += n
            } else {
                let groups = header >> 1
                guard groups <= UInt64(Int32.max) else { throw encodingError("bit-packed run too long") }
                let totalBytes = Int(groups) * bitWidth
                let available = min(totalBytes, end - pos)
                let values = min(Int(groups) * 8, count - produced, available * 8 / bitWidth)
                if values == 0 { throw encodingError("bit-packed run holds no data") }
                unpack(UnsafeRawPointer(p.baseAddress! + pos), available: p.count - pos, bitWidth: bitWidth, values: values, into: dst + produced)
                if let ones { ones.pointee += onesCount(p, from: pos, bits: values) }
                produced += values
                pos += available
            }
        }
        return pos
    }

    /// Unpacks `values` little-endian bit-packed values of `bitWidth` (1...32) bits from `src`
    /// (of which `available` bytes may be read; the caller has checked that `values * bitWidth`
    /// bits lie inside them) into `dst`. Each value is cut from one unaligned 64-bit load at its
    /// first byte (a value and its bit offset span at most 32 + 7 bits), so values do not wait
    /// on each other the way a shared refilled accumulator makes them; the last values, whose
    /// 8-byte load would run past the bytes, are assembled byte by byte. Assumes a
    /// little-endian host, as the bulk PLAIN copies do.
    static func unpack(_ src: UnsafeRawPointer, available: Int, bitWidth: Int, values: Int, into dst: UnsafeMutablePointer<Int32>) {
        // The common dictionary-index widths get a copy of the loop with the width a constant
        // (shifts and offsets fold; 6% of TPC-H time was this loop with the width in a register).
        // The width is a generic value parameter: a private @inline(__always) function taking it
        // as an argument was compiled once, out of line, every shift by a register (a sixth of
        // click-stream m6).
        switch bitWidth {
        case 1: unpack(src, available: available, width: 1, values: values, into: dst, PackedWidth<1>.self)
        case 2: unpack(src, available: available, width: 2, values: values, into: dst, PackedWidth<2>.self)
        case 3: unpack(src, available: available, width: 3, values: values, into: dst, PackedWidth<3>.self)
        case 4: unpack(src, available: available, width: 4, values: values, into: dst, PackedWidth<4>.self)
        case 5: unpack(src, available: available, width: 5, values: values, into: dst, PackedWidth<5>.self)
        case 6: unpack(src, available: available, width: 6, values: values, into: dst, PackedWidth<6>.self)
        case 7: unpack(src, available: available, width: 7, values: values, into: dst, PackedWidth<7>.self)
        case 8: unpack(src, available: available, width: 8, values: values, into: dst, PackedWidth<8>.self)
        case 9: unpack(src, available: available, width: 9, values: values, into: dst, PackedWidth<9>.self)
        case 10: unpack(src, available: available, width: 10, values: values, into: dst, PackedWidth<10>.self)
        case 11: unpack(src, available: available, width: 11, values: values, into: dst, PackedWidth<11>.self)
        case 12: unpack(src, available: available, width: 12, values: values, into: dst, PackedWidth<12>.self)
        case 13: unpack(src, available: available, width: 13, values: values, into: dst, PackedWidth<13>.self)
        case 14: unpack(src, available: available, width: 14, values: values, into: dst, PackedWidth<14>.self)
        case 15: unpack(src, available: available, width: 15, values: values, into: dst, PackedWidth<15>.self)
        case 16: unpack(src, available: available, width: 16, values: values, into: dst, PackedWidth<16>.self)
        case 17: unpack(src, available: available, width: 17, values: values, into: dst, PackedWidth<17>.self)
        case 18: unpack(src, available: available, width: 18, values: values, into: dst, PackedWidth<18>.self)
        case 19: unpack(src, available: available, width: 19, values: values, into: dst, PackedWidth<19>.self)
        case 20: unpack(src, available: available, width: 20, values: values, into: dst, PackedWidth<20>.self)
        default: unpack(src, available: available, width: bitWidth, values: values, into: dst, PackedWidth<0>.self)
        }
    }

    /// A bit width as a type: `PackedWidth<W>` with W > 0 makes W a constant of the unpacking
    /// loop's specialised copy; `PackedWidth<0>`, the width passed at run time.
    enum PackedWidth<let W: Int> {}

    private static func unpack<let W: Int>(_ src: UnsafeRawPointer, available: Int, width runtimeWidth: Int, values: Int,
                                           into dst: UnsafeMutablePointer<Int32>, _: PackedWidth<W>.Type) {
        let width = W > 0 ? W : runtimeWidth
        let mask: UInt64 = (1 << UInt64(width)) - 1
        let w = width
        // Values whose 8-byte load stays inside the buffer.
        let fast = available >= 8 ? min(values, ((available - 8) * 8) / w + 1) : 0
        var bit = 0
        var k = 0
        // Eight at a time: the loop overhead is shared and the loads are independent. Eight
        // values fill exactly w bytes and start on a byte, so up to 8 bits wide one load serves
        // all eight, and up to 16 bits two (the second at the fifth value's byte, which starts
        // 0 or 4 bits into it). `w` is a constant in each specialised copy: the branch folds.
        while k + 8 <= fast {
            if w <= 8 {
                let word = src.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self)
                for j in 0..<8 {
                    dst[k + j] = Int32(bitPattern: UInt32(truncatingIfNeeded: (word >> UInt64(j * w)) & mask))
                }
            } else if w <= 16 {
                let low = src.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self)
                let high = src.loadUnaligned(fromByteOffset: (bit + 4 * w) >> 3, as: UInt64.self)
                let skip = (4 * w) & 7
                for j in 0..<4 {
                    dst[k + j] = Int32(bitPattern: UInt32(truncatingIfNeeded: (low >> UInt64(j * w)) & mask))
                    dst[k + 4 + j] = Int32(bitPattern: UInt32(truncatingIfNeeded: (high >> UInt64(skip + j * w)) & mask))
                }
            } else {
                for j in 0..<8 {
                    let b = bit + j * w
                    let word = src.loadUnaligned(fromByteOffset: b >> 3, as: UInt64.self)
                    dst[k + j] = Int32(bitPattern: UInt32(truncatingIfNeeded: (word >> UInt64(b & 7)) & mask))
                }
            }
            bit += 8 * w
            k += 8
        }
        while k < fast {
            let word = src.loadUnaligned(fromByteOffset: bit >> 3, as: UInt64.self)
            dst[k] = Int32(bitPattern: UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask))
            bit += w
            k += 1
        }
        while k < values {
            let first = bit >> 3
            var word: UInt64 = 0
            var i = 0
            while i < 8 && first + i < available {
                word |= UInt64(src.load(fromByteOffset: first + i, as: UInt8.self)) << UInt64(8 * i)
                i += 1
            }
            dst[k] = Int32(bitPattern: UInt32(truncatingIfNeeded: (word >> UInt64(bit & 7)) & mask))
            bit += w
            k += 1
        }
    }

    /// Set bits among the first `bits` bits (least significant first) of `p[from...]`, which
    /// holds at least that many.
    static func onesCount(_ p: UnsafeBufferPointer<UInt8>, from: Int, bits: Int) -> Int {
        guard bits > 0, let base = p.baseAddress else { return 0 }
        let raw = UnsafeRawPointer(base + from)
        let fullBytes = bits >> 3
        var c = 0, k = 0
        while k + 8 <= fullBytes {
            c += raw.loadUnaligned(fromByteOffset: k, as: UInt64.self).nonzeroBitCount
            k += 8
        }
        while k < fullBytes {
            c += raw.load(fromByteOffset: k, as: UInt8.self).nonzeroBitCount
            k += 1
        }
        let rest = bits & 7
        if rest > 0 { c += (raw.load(fromByteOffset: fullBytes, as: UInt8.self) & UInt8((1 << rest) - 1)).nonzeroBitCount }
        return c
    }

    static func bitWidth(forMax m: Int) -> Int {
        var w = 0
        while (1 << w) <= m { w += 1 }
        return w
    }
}

enum DeltaBinaryPacked {
    /// Decodes a DELTA_BINARY_PACKED stream at `pos`, appending all values to `out` (wrapping 64-bit arithmetic).
    /// Advances `pos` past the last miniblock that holds values.
    static func decode(_ p: UnsafeBufferPointer<UInt8>, pos: inout Int, end: Int, into out: inout ContiguousArray<Int64>) throws {
        let end = min(end, p.count)
        let blockSize = try readVarint(p, &pos, end: end)
        let miniblocks = try readVarint(p, &pos, end: end)
        let total = try readVarint(p, &pos, end: end)
        var value = try readZigzag(p, &pos, end: end)
        guard blockSize > 0, blockSize % 128 == 0, blockSize <= 1 << 20, miniblocks > 0, blockSize % miniblocks == 0,
              (blockSize / miniblocks) % 32 == 0 else {
            throw encodingError("invalid DELTA_BINARY_PACKED header (block \(blockSize), miniblocks \(miniblocks))")
        }
        // Each value takes at least one bit on the wire unless widths are 0; bound by a generous multiple of the bytes.
        guard total <= UInt64(end - pos) * 8 + blockSize + 1 else { throw encodingError("DELTA_BINARY_PACKED value count \(total) exceeds the data") }
        let total_ = Int(total)
        if total_ == 0 { return }
        out.reserveGrowing(out.count + total_)
        out.append(value)
        var remaining = total_ - 1
        let perMini = Int(blockSize / miniblocks)
        let nMini = Int(miniblocks)
        while remaining > 0 {
            let minDelta = try readZigzag(p, &pos, end: end)
            guard end - pos >= nMini else { throw encodingError("DELTA_BINARY_PACKED bit widths run past the end") }
            let widthsAt = pos
            pos += nMini
            for m in 0..<nMini where remaining > 0 {
                let w = Int(p[widthsAt + m])
                guard w <= 64 else { throw encodingError("invalid delta bit width \(w)") }
                let bytes = perMini * w / 8
                guard end - pos >= bytes else { throw encodingError("DELTA_BINARY_PACKED miniblock runs past the end") }
                var reader = BitReader(p, start: pos, end: pos + bytes)
                let n = min(perMini, remaining)
                for _ in 0..<n {
                    let d = try reader.readWide(w)
                    value = value &+ minDelta &+ Int64(bitPattern: d)
                    out.append(value)
                }
                remaining -= n
                pos += bytes
            }
        }
    }
}

enum PlainDecoder {
    /// Reads `n` little-endian fixed-width values of T.
    static func fixed<T: BitwiseCopyable>(_ p: UnsafeBufferPointer<UInt8>, pos: inout Int, end: Int, count n: Int, as: T.Type,
                         into out: inout ContiguousArray<T>) throws {
        let w = MemoryLayout<T>.size
        guard n >= 0, (end - pos) / w >= n else { throw encodingError("PLAIN data holds fewer than \(n) values") }
        guard n > 0, let base = p.baseAddress else { return }
        out.reserveGrowing(out.count + n)
        // Bulk copy straight into the new tail (no zero-fill first): T is a trivial
        // little-endian number type, the host is little-endian.
        out.appendUninitialized(count: n) { dst in
            if let d = dst.baseAddress { UnsafeMutableRawPointer(d).copyMemory(from: base + pos, byteCount: n * w) }
        }
        pos += n * w
    }

    static func booleans(_ p: UnsafeBufferPointer<UInt8>, pos: inout Int, end: Int, count n: Int, bitOffset: inout Int,
                         into out: inout ContiguousArray<Bool>) throws {
        // bitOffset lets consecutive PLAIN boolean runs in one page continue mid-byte.
        guard n >= 0, (end - pos) * 8 - bitOffset >= n else { throw encodingError("PLAIN boolean data holds fewer than \(n) values") }
        out.reserveGrowing(out.count + n)
        var bit = bitOffset
        var at = pos
        for _ in 0..<n {
            out.append(p[at] >> UInt8(bit) & 1 == 1)
            bit += 1
            if bit == 8 { bit = 0; at += 1 }
        }
        pos = at
        bitOffset = bit
    }

    /// The bytes to reserve for a chunk's `values` byte arrays from a sample of them (its first
    /// plain page, or the dictionary values a fallback flattened): the sample's average length
    /// and an eighth more (m8's emails ran 1.6% over a smaller margin, and the last page doubled
    /// the 22 MB array; untouched capacity costs no memory), at most 64 times the sample's bytes
    /// so a sample of a few huge values cannot reserve gigabytes for many small ones.
    static func chunkBytes(sampleBytes: Int, sampleValues: Int, values: Int) -> Int {
        guard sampleValues > 0, values > 0 else { return 0 }
        let estimate = sampleBytes * values / sampleValues   // both below 2^31: no overflow
        return Swift.min(Int(Int32.max), sampleBytes * 64, estimate + estimate / 8)
    }

    static func byteArrays(_ p: UnsafeBufferPointer<UInt8>, pos: inout Int, end: Int, count n: Int, into out: inout StringColumn) throws {
        guard n >= 0, (end - pos) / 4 >= n else { throw encodingError("PLAIN BYTE_ARRAY data holds fewer than \(n) values") }
        guard n > 0, let base = p.baseAddress else { return }
        // Two passes: the lengths (checked, and written as offsets), then the bytes copied once
        // into a tail that is never zero-filled. Appending value by value paid an array growth
        // check per string (a tenth of a string-filter scan's time, click-stream m8's emails).
        let raw = UnsafeRawPointer(base)
        let first = pos, before = out.bytes.count
        var q = pos, total = 0
        // The lengths' walk is one chain of loads (each length says where the next one is), so
        // its loop holds nothing else: no throw (which kept `q` in memory), no overflow trap,
        // and the 2 GiB bound checked once after it (a page is at most 1 GiB).
        var failure: String? = nil
        out.offsets.appendUninitialized(count: n) { offsets in
            var at = q, sum = 0, k = 0
            while k < n {
                if end &- at < 4 { failure = "PLAIN BYTE_ARRAY length runs past the end"; break }
                let len = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: at, as: UInt32.self)))
                at &+= 4
                if len > end &- at { failure = "PLAIN BYTE_ARRAY value of \(len) bytes runs past the end"; break }
                sum &+= len
                offsets[k] = Int32(truncatingIfNeeded: before &+ sum)
                at &+= len
                k &+= 1
            }
            // A failed walk still initialises every offset; they are taken off again below.
            while k < n { offsets[k] = 0; k &+= 1 }
            q = at
            total = sum
        }
        // A bad page leaves the column as it was.
        if let failure { out.offsets.removeLast(n); throw encodingError(failure) }
        guard before + total <= Int(Int32.max) else {
            out.offsets.removeLast(n)
            throw encodingError("column chunk exceeds 2 GiB of string data")
        }
        if before == 0 && out.offsets.capacity > out.offsets.count + 1 {
            // A chunk's first page: its offsets were reserved for the whole chunk, and its bytes
            // are reserved for as many values this long (then growing as usual), rather than
            // doubled page after page, each growth copying all the bytes read so far.
            out.bytes.reserveCapacity(chunkBytes(sampleBytes: total, sampleValues: n, values: out.offsets.capacity - 1))
        }
        out.bytes.appendUninitialized(count: total) { bytes in
            guard let dst = bytes.baseAddress else { return }
            var from = first, to = 0
            for _ in 0..<n {
                let len = Int(UInt32(littleEndian: raw.loadUnaligned(fromByteOffset: from, as: UInt32.self)))
                from += 4
                if len <= 32 && to + 32 <= total && from + 32 <= p.count {
                    // Whole words, the overshoot landing where the next values go (written after).
                    let src = raw + from, d = UnsafeMutableRawPointer(dst + to)
                    d.storeBytes(of: src.loadUnaligned(as: UInt64.self), as: UInt64.self)
                    d.storeBytes(of: src.loadUnaligned(fromByteOffset: 8, as: UInt64.self), toByteOffset: 8, as: UInt64.self)
                    if len > 16 {
                        d.storeBytes(of: src.loadUnaligned(fromByteOffset: 16, as: UInt64.self), toByteOffset: 16, as: UInt64.self)
                        d.storeBytes(of: src.loadUnaligned(fromByteOffset: 24, as: UInt64.self), toByteOffset: 24, as: UInt64.self)
                    }
                } else {
                    (dst + to).initialize(from: base + from, count: len)
                }
                from += len
                to += len
            }
        }
        pos = q
    }

    static func fixedByteArrays(_ p: UnsafeBufferPointer<UInt8>, pos: inout Int, end: Int, count n: Int, width: Int,
                                into out: inout StringColumn) throws {
        guard width >= 0, n >= 0, width == 0 || (end - pos) / width >= n else {
            throw encodingError("PLAIN FIXED_LEN_BYTE_ARRAY data holds fewer than \(n) values")
        }
        out.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: p[pos..<pos + n * width]))
        guard out.bytes.count <= Int(Int32.max) else { throw encodingError("column chunk exceeds 2 GiB of data") }
        var o = out.offsets.last ?? 0
        out.offsets.reserveGrowing(out.offsets.count + n)
        for _ in 0..<n { o += Int32(width); out.offsets.append(o) }
        pos += n * width
    }

    /// INT96 (nanoseconds of day, Julian day) as µs since the epoch, in Spark's wrapping arithmetic.
    static func int96(_ p: UnsafeBufferPointer<UInt8>, pos: inout Int, end: Int, count n: Int, into out: inout ContiguousArray<Int64>) throws {
        guard n >= 0, (end - pos) / 12 >= n else { throw encodingError("PLAIN INT96 data holds fewer than \(n) values") }
        guard n > 0, let base = p.baseAddress else { return }
        let raw = UnsafeRawPointer(base + pos)
        for i in 0..<n {
            let nanos = raw.loadUnaligned(fromByteOffset: i * 12, as: Int64.self)
            let day = raw.loadUnaligned(fromByteOffset: i * 12 + 8, as: Int32.self)
            out.append((Int64(day) &- 2_440_588) &* 86_400_000_000 &+ nanos / 1000)
        }
        pos += n * 12
    }
}

enum ByteStreamSplit {
    /// Transposes `n` values of `width` bytes from byte planes into `out` (value-major).
    static func decode(_ p: UnsafeBufferPointer<UInt8>, start: Int, end: Int, count n: Int, width: Int) throws -> [UInt8] {
        guard width > 0, n >= 0, (end - start) / width >= n, end - start == n * width else {
            throw encodingError("BYTE_STREAM_SPLIT data size \(end - start) does not hold \(n) values of \(width) bytes")
        }
        var out = [UInt8](repeating: 0, count: n * width)
        out.withUnsafeMutableBufferPointer { o in
            for b in 0..<width {
                let plane = start + b * n
                for i in 0..<n { o[i * width + b] = p[plane + i] }
            }
        }
        return out
    }
}

extension ContiguousArray {
    /// Capacity for `needed` elements, growing geometrically: decoders append page after page
    /// to one column-chunk array, and an exact reserve per page would copy the whole array
    /// every page (quadratic in the page count).
    @inline(__always)
    mutating func reserveGrowing(_ needed: Int) {
        if capacity < needed { reserveCapacity(Swift.max(needed, capacity * 2)) }
    }
}
