// Snappy block decompression (the raw format Parquet's SNAPPY codec uses:
// a varint length, then literal and back-reference tags), written here
// rather than called in libsnappy because of how Parquet pages compress.
// Fixed-width values (an Int64 price, an Int32 date) come out as a few literal
// bytes and a short copy every 4–8 bytes, and Debian's libsnappy 1.1.9 calls
// memmove through the PLT for such copies: half of a plain Int64 column's
// decode time went to those calls. Text (comments, names) comes out as copies
// of 4–16 bytes whose tag kinds and lengths follow no pattern a branch
// predictor can learn.
//
// So far from both buffer ends (the fast loop) every literal of up to 60 bytes
// and every copy from at least 8 back moves in 8- or 16-byte steps, overshooting
// into output that later tags overwrite; a copy's length and offset come from a
// 256-entry table and the word of input at its tag, and its tag's size from a
// constant shifted by the kind, with no branch on which of the three copy kinds
// it is nor, up to 16 bytes, on its length; and a copy's "8 ≤ offset ≤ op" is
// one unsigned compare. The next tag is found by shifting the word at this one
// where it holds it, not by a load that waits for this tag's size. A period of
// 8 (fixed-width values) copies the 8 bytes before it as a word read in two
// halves inside its source; periods under 8 are laid down as one word built by
// doubling. (Literals keep their own branch: on fixed-width pages, where tags
// alternate predictably, a table load on every tag's way to the next one cost
// more than the branch.) Near either end, every tag takes an exact path that
// checks each length.
//
// Every read and write is bounds-checked against the input and the output
// buffer; corrupt input makes `decompress` return false, never read or write
// outside the buffers.

enum SnappyDecoder {
    /// The uncompressed length in the block's preamble and the preamble's size; nil when
    /// the varint is truncated or longer than 32 bits.
    static func uncompressedLength(_ src: UnsafeRawBufferPointer) -> (length: Int, preamble: Int)? {
        var value = 0, shift = 0, i = 0
        while i < src.count && i < 5 {
            let b = Int(src[i])
            value |= (b & 0x7F) << shift
            i += 1
            if b < 0x80 { return value <= Int(UInt32.max) ? (value, i) : nil }
            shift += 7
        }
        return nil
    }

    /// Per copy tag (kinds 1–3): bits 0–6 the copy's length (1…64), bits 16–18 a 1-byte-offset
    /// copy's offset bits 8–10, and in the upper half the mask that keeps the offset bytes of the
    /// 4 loaded after the tag. Literal tags (kind 0) have no entry of use (0). The tag's size is
    /// not in the table: the next tag's position waits on it, and a shift of a constant by the
    /// kind is shorter than a second load (user ids and e-mails +19%, order keys +11%,
    /// timestamps +1%, on 1 MiB libsnappy blocks).
    static let copyTable: [UInt64] = (0..<256).map { tag -> UInt64 in
        let (length, high, mask): (Int, Int, UInt64)
        switch tag & 3 {
        case 0: return 0
        case 1: (length, high, mask) = (4 + ((tag >> 2) & 7), tag >> 5, 0xFF)
        case 2: (length, high, mask) = ((tag >> 2) + 1, 0, 0xFFFF)
        default: (length, high, mask) = ((tag >> 2) + 1, 0, 0xFFFF_FFFF)
        }
        return UInt64(length | high << 16) | mask << 32
    }

    /// Decompresses the block `src` into `dst`, which must be exactly as long as the block's
    /// stated uncompressed length; false when the block is corrupt or of another length.
    static func decompress(_ src: UnsafeRawBufferPointer, into dst: UnsafeMutableRawBufferPointer) -> Bool {
        guard let (length, preamble) = uncompressedLength(src), length == dst.count else { return false }
        if length == 0 { return preamble == src.count }
        guard let input = src.baseAddress, let output = dst.baseAddress else { return false }
        return copyTable.withUnsafeBufferPointer { table in
            decode(input, from: preamble, to: src.count, into: output, length: length, stop: length, table: table.baseAddress!) == length
        }
    }

    /// Decompresses the start of the block `src` into `dst` (as long as the block's stated
    /// uncompressed length): tags are decoded until at least `prefix` bytes are out. Returns
    /// how many bytes are (at least `prefix`, at most the whole block), nil when the block is
    /// corrupt or of another length. Past that count the last tag may have written up to 15
    /// more bytes (its 16-byte moves); none of them may be read. A page read
    /// for rows near its start stops there (a point lookup's late reads decompressed whole
    /// pages of 20,000 timestamps for one row).
    static func decompress(_ src: UnsafeRawBufferPointer, into dst: UnsafeMutableRawBufferPointer, prefix: Int) -> Int? {
        guard let (length, preamble) = uncompressedLength(src), length == dst.count else { return nil }
        if length == 0 { return preamble == src.count ? 0 : nil }
        guard let input = src.baseAddress, let output = dst.baseAddress else { return nil }
        let stop = Swift.max(0, Swift.min(prefix, length))
        let produced = copyTable.withUnsafeBufferPointer { table in
            decode(input, from: preamble, to: src.count, into: output, length: length, stop: stop, table: table.baseAddress!)
        }
        return produced >= stop ? produced : nil
    }

    /// Decodes tags until the output holds `stop` bytes or more (`stop` ≤ `outEnd`); returns
    /// the bytes out then, or -1 for corrupt input (a tag past the input or the output, an
    /// offset before the start, or input ending before `stop`).
    @inline(__always)
    private static func decode(_ input: UnsafeRawPointer, from start: Int, to inEnd: Int,
                               into output: UnsafeMutableRawPointer, length outEnd: Int, stop: Int,
                               table: UnsafePointer<UInt64>) -> Int {
        var ip = start
        var op = 0
        // The fast loop runs while ip < inEnd - 74 (the longest literal it takes, 1 + 60 bytes
        // moved as 64, and a copy tag's 1 + 4 loaded bytes fit, and after the longest step, 61
        // bytes, the word at the next tag) and 8 ≤ op < outEnd - 64 (a
        // copy of up to 64 bytes, moved in 16-byte steps, fits). The output test is one unsigned
        // compare; op ≥ 8 lets a copy test 8 ≤ offset ≤ op with one unsigned compare as well.
        let inFast = inEnd &- 74
        // The fast loop also ends by `stop` (a tag there may write up to 64 bytes past it,
        // still inside the buffer); the exact path checks it per tag.
        let fastEnd = Swift.min(outEnd &- 72, stop &- 8)
        let outSpan = fastEnd >= 0 ? UInt(bitPattern: fastEnd) : 0
        while ip < inEnd && op < stop {
            do {
                // `w` holds the 8 input bytes at ip, the tag first. When a tag and its operands take
                // under 8 bytes (every copy, literals up to 6 bytes) the next tag is a shift of `w`,
                // so finding it does not wait on a load at the new position; that load, for the tag
                // after, runs meanwhile. The chain from one tag to the next was a load each (about
                // 10 cycles a tag); a copy's offset comes from `w` too.
                var w = ip < inFast ? UInt64(littleEndian: input.loadUnaligned(fromByteOffset: ip, as: UInt64.self)) : 0
                var tag = Int(truncatingIfNeeded: w & 0xFF)
                fast: while ip < inFast && UInt(bitPattern: op &- 8) < outSpan {
                    if tag & 3 == 0 {
                        let len = (tag >> 2) &+ 1
                        if len <= 6 {
                            let a = input.loadUnaligned(fromByteOffset: ip &+ 1, as: UInt64.self)
                            output.storeBytes(of: a, toByteOffset: op, as: UInt64.self)
                            let size = len &+ 1
                            tag = Int(truncatingIfNeeded: (w &>> UInt64(truncatingIfNeeded: size &* 8)) & 0xFF)
                            ip &+= size
                            op &+= len
                            w = UInt64(littleEndian: input.loadUnaligned(fromByteOffset: ip, as: UInt64.self))
                            continue
                        }
                        if len <= 16 {
                            let a = input.loadUnaligned(fromByteOffset: ip &+ 1, as: UInt64.self)
                            let b = input.loadUnaligned(fromByteOffset: ip &+ 9, as: UInt64.self)
                            output.storeBytes(of: a, toByteOffset: op, as: UInt64.self)
                            output.storeBytes(of: b, toByteOffset: op &+ 8, as: UInt64.self)
                            ip &+= len &+ 1
                            op &+= len
                            w = UInt64(littleEndian: input.loadUnaligned(fromByteOffset: ip, as: UInt64.self))
                            tag = Int(truncatingIfNeeded: w & 0xFF)
                            continue
                        }
                        // 61...64: the length follows the tag (the exact path below reads it)
                        guard len <= 60 else { break fast }
                        var k = 0
                        repeat {
                            let a = input.loadUnaligned(fromByteOffset: ip &+ 1 &+ k, as: UInt64.self)
                            let b = input.loadUnaligned(fromByteOffset: ip &+ 9 &+ k, as: UInt64.self)
                            output.storeBytes(of: a, toByteOffset: op &+ k, as: UInt64.self)
                            output.storeBytes(of: b, toByteOffset: op &+ 8 &+ k, as: UInt64.self)
                            k &+= 16
                        } while k < len
                        ip &+= len &+ 1
                        op &+= len
                        w = UInt64(littleEndian: input.loadUnaligned(fromByteOffset: ip, as: UInt64.self))
                        tag = Int(truncatingIfNeeded: w & 0xFF)
                        continue
                    }
                    let e = table[tag]
                    let len = Int(truncatingIfNeeded: e & 0x7F), size = (0x0503_0200 >> ((tag & 3) &* 8)) & 0xFF  // 2, 3 or 5 bytes
                    let bytes = w &>> 8
                    let offset = Int(truncatingIfNeeded: (bytes & (e >> 32)) | ((e >> 8) & 0x700))
                    if offset == 8 {
                        // A period of 8 (an 8-byte value repeating its high bytes: sorted timestamps are
                        // a 2-byte literal, then 6 bytes from 8 back): every word is the 8 bytes
                        // before op, read as two 4-byte loads inside the copy's source. One 8-byte
                        // load there also spans the literal just stored after the source, and a load
                        // spanning two stores waits for both to be written back, a stall per value
                        // on a chain through the output (timestamps +17%, 1 MiB of real pages).
                        let l = Swift.min(Swift.max(len, 4), 8)
                        let low = UInt64(output.loadUnaligned(fromByteOffset: op &- 8, as: UInt32.self))
                        let high = UInt64(output.loadUnaligned(fromByteOffset: op &- 12 &+ l, as: UInt32.self))
                        let last = low | high &<< UInt64(truncatingIfNeeded: (l &- 4) &* 8)
                        output.storeBytes(of: last, toByteOffset: op, as: UInt64.self)
                        output.storeBytes(of: last, toByteOffset: op &+ 8, as: UInt64.self)
                        if len > 16 {
                            var k = 16
                            repeat {
                                output.storeBytes(of: last, toByteOffset: op &+ k, as: UInt64.self)
                                output.storeBytes(of: last, toByteOffset: op &+ k &+ 8, as: UInt64.self)
                                k &+= 16
                            } while k < len
                        }
                        tag = Int(truncatingIfNeeded: (w &>> UInt64(truncatingIfNeeded: size &* 8)) & 0xFF)
                        ip &+= size
                        op &+= len
                        w = UInt64(littleEndian: input.loadUnaligned(fromByteOffset: ip, as: UInt64.self))
                        continue
                    }
                    if UInt(bitPattern: offset &- 8) <= UInt(bitPattern: op &- 8) {
                        // 8 ≤ offset ≤ op: whole words, each loaded after the previous one is stored
                        // (a copy from 8–15 bytes back reads what the word before it wrote).
                        let from = op &- offset
                        output.storeBytes(of: output.loadUnaligned(fromByteOffset: from, as: UInt64.self), toByteOffset: op, as: UInt64.self)
                        output.storeBytes(of: output.loadUnaligned(fromByteOffset: from &+ 8, as: UInt64.self), toByteOffset: op &+ 8, as: UInt64.self)
                        if len > 16 {
                            var k = 16
                            repeat {
                                output.storeBytes(of: output.loadUnaligned(fromByteOffset: from &+ k, as: UInt64.self), toByteOffset: op &+ k, as: UInt64.self)
                                output.storeBytes(of: output.loadUnaligned(fromByteOffset: from &+ k &+ 8, as: UInt64.self),
                                                  toByteOffset: op &+ k &+ 8, as: UInt64.self)
                                k &+= 16
                            } while k < len
                        }
                    } else if offset > 0 && offset < 8 {
                        // A period under 8: its bytes repeated into one word by doubling, then whole words
                        // copied from the smallest multiple of the period that is at least 8 back.
                        let bits = UInt64(offset &* 8)
                        var v = output.loadUnaligned(fromByteOffset: op &- offset, as: UInt64.self) & ((1 << bits) &- 1)
                        v |= v << bits
                        v |= v << (bits &* 2)
                        v |= v << (bits &* 4)
                        output.storeBytes(of: v, toByteOffset: op, as: UInt64.self)
                        let distance = (0x0E0C_0A08_0908_0808 >> (8 &* offset)) & 0xFF
                        var k = 8
                        while k < len {
                            output.storeBytes(of: output.loadUnaligned(fromByteOffset: op &+ k &- distance, as: UInt64.self),
                                              toByteOffset: op &+ k, as: UInt64.self)
                            k &+= 8
                        }
                    } else {
                        break fast  // offset 0 or before the start: refused below
                    }
                    tag = Int(truncatingIfNeeded: (w &>> UInt64(truncatingIfNeeded: size &* 8)) & 0xFF)
                    ip &+= size
                    op &+= len
                    w = UInt64(littleEndian: input.loadUnaligned(fromByteOffset: ip, as: UInt64.self))
                }
            }
            guard ip < inEnd && op < stop else { break }
            // Any other tag, or near either end: every length checked.
            let tag = Int(input.load(fromByteOffset: ip, as: UInt8.self))
            ip &+= 1
            var len: Int, offset: Int
            switch tag & 3 {
            case 0:
                len = (tag >> 2) &+ 1
                if len > 60 {
                    // 61...64: the length - 1 follows in 1...4 little-endian bytes
                    let extra = len &- 60
                    guard inEnd &- ip >= extra else { return -1 }
                    var n = 0
                    for k in 0..<extra { n |= Int(input.load(fromByteOffset: ip &+ k, as: UInt8.self)) << (8 &* k) }
                    ip &+= extra
                    len = n &+ 1
                }
                guard inEnd &- ip >= len, outEnd &- op >= len else { return -1 }
                if len <= 16 && inEnd &- ip >= 16 && outEnd &- op >= 16 {
                    let a = UInt64(littleEndian: input.loadUnaligned(fromByteOffset: ip, as: UInt64.self))
                    let b = input.loadUnaligned(fromByteOffset: ip &+ 8, as: UInt64.self)
                    output.storeBytes(of: a, toByteOffset: op, as: UInt64.self)
                    output.storeBytes(of: b, toByteOffset: op &+ 8, as: UInt64.self)
                } else {
                    (output + op).copyMemory(from: input + ip, byteCount: len)
                }
                ip &+= len
                op &+= len
                continue
            case 1:
                guard ip < inEnd else { return -1 }
                len = 4 &+ ((tag >> 2) & 7)
                offset = ((tag >> 5) << 8) | Int(input.load(fromByteOffset: ip, as: UInt8.self))
                ip &+= 1
            case 2:
                guard inEnd &- ip >= 2 else { return -1 }
                len = (tag >> 2) &+ 1
                offset = Int(UInt16(littleEndian: input.loadUnaligned(fromByteOffset: ip, as: UInt16.self)))
                ip &+= 2
            default:
                guard inEnd &- ip >= 4 else { return -1 }
                len = (tag >> 2) &+ 1
                offset = Int(UInt32(littleEndian: input.loadUnaligned(fromByteOffset: ip, as: UInt32.self)))
                ip &+= 4
            }
            guard offset > 0, offset <= op, outEnd &- op >= len else { return -1 }
            if outEnd &- op >= len &+ 8 {
                // Room to overshoot by up to 7 bytes (later output overwrites them).
                let from = op &- offset
                if offset < 8 {
                    // A short period: lay down 8 bytes byte by byte, after which a distance that is
                    // a multiple of the period and at least 8 repeats it in whole words.
                    for k in 0..<8 {
                        output.storeBytes(of: output.load(fromByteOffset: from &+ k, as: UInt8.self), toByteOffset: op &+ k, as: UInt8.self)
                    }
                    // the smallest multiple of the period that is at least 8 (no division per copy)
                    let distance = (0x0E0C_0A08_0908_0808 >> (8 * UInt64(offset))) & 0xFF
                    var k = 8
                    while k < len {
                        let w = output.loadUnaligned(fromByteOffset: op &+ k &- distance, as: UInt64.self)
                        output.storeBytes(of: w, toByteOffset: op &+ k, as: UInt64.self)
                        k &+= 8
                    }
                } else {
                    var k = 0
                    while k < len {
                        let w = output.loadUnaligned(fromByteOffset: from &+ k, as: UInt64.self)
                        output.storeBytes(of: w, toByteOffset: op &+ k, as: UInt64.self)
                        k &+= 8
                    }
                }
            } else {
                for k in 0..<len {
                    output.storeBytes(of: output.load(fromByteOffset: op &- offset &+ k, as: UInt8.self), toByteOffset: op &+ k, as: UInt8.self)
                }
            }
            op &+= len
        }
        // A whole block must end with its input (trailing bytes are corrupt, as they were when
        // the loop ran to the input's end); a prefix leaves the rest of the input unread.
        guard op >= stop, stop < outEnd || ip == inEnd else { return -1 }
        return op
    }
}
