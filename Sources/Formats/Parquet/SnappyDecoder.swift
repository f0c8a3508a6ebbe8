// Snappy block decompression (the raw format Parquet's SNAPPY codec uses:
// a varint length, then literal and back-reference tags), written here
// rather than called in libsnappy because of how Parquet pages compress.
// Fixed-width values (an Int64 price, an Int32 date) come out as a few literal
// bytes and a short copy every 4–8 bytes, and Debian's libsnappy 1.1.9 calls
// memmove through the PLT for such copies: half of a plain Int64 column's
// decode time went to those calls. Here short literals and copies move 8 or
// 16 bytes at a time while the output has room for the overshoot, and fall
// back to exact byte loops near the end of the buffer.
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

    /// Decompresses the block `src` into `dst`, which must be exactly as long as the block's
    /// stated uncompressed length; false when the block is corrupt or of another length.
    static func decompress(_ src: UnsafeRawBufferPointer, into dst: UnsafeMutableRawBufferPointer) -> Bool {
        guard let (length, preamble) = uncompressedLength(src), length == dst.count else { return false }
        if length == 0 { return preamble == src.count }
        guard let input = src.baseAddress, let output = dst.baseAddress else { return false }
        var ip = preamble
        let inEnd = src.count
        var op = 0
        let outEnd = length
        // Far from both ends, the common tags need no length checks: a short literal (≤ 16 bytes)
        // and a copy of ≤ 16 bytes from at least 8 back move two words each. 20 and 64 bytes of
        // margin cover the longest tag (5 bytes) plus a 16-byte move with room to spare.
        let inFast = inEnd &- 20, outFast = outEnd &- 64
        while ip < inEnd {
            let tag = Int(input.load(fromByteOffset: ip, as: UInt8.self))
            if ip < inFast && op < outFast {
                let kind = tag & 3
                if kind == 0 {
                    let len = (tag >> 2) &+ 1
                    if len <= 16 {
                        let a = input.loadUnaligned(fromByteOffset: ip &+ 1, as: UInt64.self)
                        let b = input.loadUnaligned(fromByteOffset: ip &+ 9, as: UInt64.self)
                        output.storeBytes(of: a, toByteOffset: op, as: UInt64.self)
                        output.storeBytes(of: b, toByteOffset: op &+ 8, as: UInt64.self)
                        ip &+= len &+ 1
                        op &+= len
                        continue
                    }
                    if len <= 60 && inEnd &- ip > 66 {
                        // Up to 60 bytes in 16-byte steps (at most 4 bytes of overshoot past 60).
                        var k = 0
                        while k < len {
                            let a = input.loadUnaligned(fromByteOffset: ip &+ 1 &+ k, as: UInt64.self)
                            let b = input.loadUnaligned(fromByteOffset: ip &+ 9 &+ k, as: UInt64.self)
                            output.storeBytes(of: a, toByteOffset: op &+ k, as: UInt64.self)
                            output.storeBytes(of: b, toByteOffset: op &+ 8 &+ k, as: UInt64.self)
                            k &+= 16
                        }
                        ip &+= len &+ 1
                        op &+= len
                        continue
                    }
                } else if kind != 3 {
                    let len: Int, offset: Int, size: Int
                    if kind == 1 {
                        len = 4 &+ ((tag >> 2) & 7)
                        offset = ((tag >> 5) << 8) | Int(input.load(fromByteOffset: ip &+ 1, as: UInt8.self))
                        size = 2
                    } else {
                        len = (tag >> 2) &+ 1
                        offset = Int(UInt16(littleEndian: input.loadUnaligned(fromByteOffset: ip &+ 1, as: UInt16.self)))
                        size = 3
                    }
                    if len <= 16 && offset >= 8 && offset <= op {
                        let from = op &- offset
                        output.storeBytes(of: output.loadUnaligned(fromByteOffset: from, as: UInt64.self), toByteOffset: op, as: UInt64.self)
                        if len > 8 {
                            output.storeBytes(of: output.loadUnaligned(fromByteOffset: from &+ 8, as: UInt64.self),
                                              toByteOffset: op &+ 8, as: UInt64.self)
                        }
                        ip &+= size
                        op &+= len
                        continue
                    }
                }
            }
            // Any other tag, or near either end: every length checked.
            ip &+= 1
            var len: Int, offset: Int
            switch tag & 3 {
            case 0:
                len = (tag >> 2) &+ 1
                if len > 60 {
                    // 61...64: the length - 1 follows in 1...4 little-endian bytes
                    let extra = len &- 60
                    guard inEnd &- ip >= extra else { return false }
                    var n = 0
                    for k in 0..<extra { n |= Int(input.load(fromByteOffset: ip &+ k, as: UInt8.self)) << (8 &* k) }
                    ip &+= extra
                    len = n &+ 1
                }
                guard inEnd &- ip >= len, outEnd &- op >= len else { return false }
                if len <= 16 && inEnd &- ip >= 16 && outEnd &- op >= 16 {
                    let a = input.loadUnaligned(fromByteOffset: ip, as: UInt64.self)
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
                guard ip < inEnd else { return false }
                len = 4 &+ ((tag >> 2) & 7)
                offset = ((tag >> 5) << 8) | Int(input.load(fromByteOffset: ip, as: UInt8.self))
                ip &+= 1
            case 2:
                guard inEnd &- ip >= 2 else { return false }
                len = (tag >> 2) &+ 1
                offset = Int(UInt16(littleEndian: input.loadUnaligned(fromByteOffset: ip, as: UInt16.self)))
                ip &+= 2
            default:
                guard inEnd &- ip >= 4 else { return false }
                len = (tag >> 2) &+ 1
                offset = Int(UInt32(littleEndian: input.loadUnaligned(fromByteOffset: ip, as: UInt32.self)))
                ip &+= 4
            }
            guard offset > 0, offset <= op, outEnd &- op >= len else { return false }
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
        return op == outEnd
    }
}
