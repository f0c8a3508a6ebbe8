// Message digests implemented in Swift from their specifications:
// MD5 (RFC 1321), SHA-256 (FIPS 180-4) and HMAC-SHA-256 (RFC 2104).
// Used by md5()/sha256(), mask_hash and the sqllogictest hash form.
// Both hashes are Merkle–Damgård constructions over 64-byte blocks; the
// streaming `MD5Hasher`/`SHA256Hasher` structs buffer a partial block so that callers
// (the sqllogictest hash form) can feed many small values without
// concatenating them first.

public enum Digest {
    public static func md5(_ bytes: [UInt8]) -> [UInt8] {
        var h = MD5Hasher()
        h.update(bytes)
        return h.finalize()
    }

    public static func sha256(_ bytes: [UInt8]) -> [UInt8] {
        var h = SHA256Hasher()
        h.update(bytes)
        return h.finalize()
    }

    /// HMAC (RFC 2104) over SHA-256, block size 64 bytes.
    public static func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        let blockSize = 64
        var k = key.count > blockSize ? sha256(key) : key
        k.append(contentsOf: repeatElement(0, count: blockSize - k.count))
        var inner = SHA256Hasher()
        inner.update(k.map { $0 ^ 0x36 })
        inner.update(message)
        let innerDigest = inner.finalize()
        var outer = SHA256Hasher()
        outer.update(k.map { $0 ^ 0x5c })
        outer.update(innerDigest)
        return outer.finalize()
    }

    public static func hex(_ bytes: [UInt8]) -> String {
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count * 2)
        for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        return String(decoding: out, as: UTF8.self)
    }
}

/// The 64-byte block framing MD5 and SHA-256 share: partial blocks are
/// buffered between updates, whole blocks go straight from the input, and the
/// message ends with 0x80, zeros and its bit length (in the hash's byte order).
struct BlockFramer {
    /// 64 bytes inline (no heap storage, so copying a hasher copies no array).
    private var buffer: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0, 0, 0, 0, 0)
    private var buffered = 0
    private var totalBytes: UInt64 = 0

    mutating func feed(_ bytes: UnsafeRawBufferPointer, _ process: (UnsafeRawBufferPointer) -> Void) {
        totalBytes &+= UInt64(bytes.count)
        var offset = 0
        if buffered > 0 {
            withUnsafeMutableBytes(of: &buffer) { b in
                while buffered < 64, offset < bytes.count { b[buffered] = bytes[offset]; buffered += 1; offset += 1 }
            }
            if buffered < 64 { return }
            withUnsafeBytes(of: buffer) { process($0) }
            buffered = 0
        }
        while bytes.count - offset >= 64 {
            process(UnsafeRawBufferPointer(rebasing: bytes[offset..<(offset + 64)]))
            offset += 64
        }
        withUnsafeMutableBytes(of: &buffer) { b in
            while offset < bytes.count { b[buffered] = bytes[offset]; buffered += 1; offset += 1 }
        }
    }

    /// The bytes that complete the message (fed like any other input).
    /// Calls `body` with the padding bytes (built on the stack: 9 to 72 bytes).
    func withPadding(bigEndianLength: Bool, _ body: (UnsafeRawBufferPointer) -> Void) {
        let bitLength = totalBytes &* 8
        let afterMarker = (buffered + 1) % 64
        let zeros = afterMarker <= 56 ? 56 - afterMarker : 120 - afterMarker
        withUnsafeTemporaryAllocation(byteCount: 1 + zeros + 8, alignment: 1) { p in
            p.initializeMemory(as: UInt8.self, repeating: 0)
            p[0] = 0x80
            for i in 0..<8 {
                let shift = bigEndianLength ? 8 * UInt64(7 - i) : 8 * UInt64(i)
                p[1 + zeros + i] = UInt8(truncatingIfNeeded: bitLength >> shift)
            }
            body(UnsafeRawBufferPointer(p))
        }
    }
}

/// Streaming MD5 (RFC 1321).
public struct MD5Hasher {
    private var a0: UInt32 = 0x67452301
    private var b0: UInt32 = 0xefcdab89
    private var c0: UInt32 = 0x98badcfe
    private var d0: UInt32 = 0x10325476
    private var framer = BlockFramer()

    // Per-round left-rotation amounts and the sine-derived constants K[i] = floor(|sin(i+1)| * 2^32).
    private static let shifts: [UInt32] = [
        7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
        5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20, 5, 9, 14, 20,
        4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
        6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21,
    ]
    private static let constants: [UInt32] = [
        0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
        0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
        0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
        0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
        0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
        0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
        0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
        0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
    ]

    public init() {}

    public mutating func update<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        if let done = bytes.withContiguousStorageIfAvailable({ update(UnsafeRawBufferPointer($0)) }) { return done }
        update(Array(bytes))
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        // The framer is moved out while it runs, so the block callback may mutate self.
        var framer = BlockFramer()
        swap(&framer, &self.framer)
        framer.feed(bytes) { processBlock($0) }
        swap(&framer, &self.framer)
    }

    /// Feeds the UTF-8 bytes of `s` without copying them into an array first.
    public mutating func update(utf8 s: String) {
        var s = s
        s.withUTF8 { update($0) }
    }

    public mutating func finalize() -> [UInt8] {
        let padding = framer
        padding.withPadding(bigEndianLength: false) { update($0) }
        var out = [UInt8]()
        out.reserveCapacity(16)
        for word in [a0, b0, c0, d0] {
            for i in 0..<4 { out.append(UInt8(truncatingIfNeeded: word >> (8 * UInt32(i)))) }
        }
        return out
    }

    /// One 64-byte block (the caller guarantees the length).
    private mutating func processBlock(_ block: UnsafeRawBufferPointer) {
        var a = a0, b = b0, c = c0, d = d0
        MD5Hasher.constants.withUnsafeBufferPointer { k in
            MD5Hasher.shifts.withUnsafeBufferPointer { shifts in
                for i in 0..<64 {
                    var f: UInt32
                    let g: Int
                    switch i {
                    case 0..<16: f = (b & c) | (~b & d); g = i
                    case 16..<32: f = (d & b) | (~d & c); g = (5 * i + 1) & 15
                    case 32..<48: f = b ^ c ^ d; g = (3 * i + 5) & 15
                    default: f = c ^ (b | ~d); g = (7 * i) & 15
                    }
                    let word = UInt32(littleEndian: block.loadUnaligned(fromByteOffset: 4 * g, as: UInt32.self))
                    f = f &+ a &+ k[i] &+ word
                    a = d; d = c; c = b
                    let s = shifts[i]
                    b = b &+ ((f << s) | (f >> (32 - s)))
                }
            }
        }
        a0 = a0 &+ a; b0 = b0 &+ b; c0 = c0 &+ c; d0 = d0 &+ d
    }
}

/// Streaming SHA-256 (FIPS 180-4).
public struct SHA256Hasher {
    /// The eight state words inline (no heap storage: HMAC copies a keyed hasher per message).
    private var state: (UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32, UInt32) = (
        0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
    )
    private var framer = BlockFramer()

    // First 32 bits of the fractional parts of the cube roots of the first 64 primes.
    private static let k: [UInt32] = [
        0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
        0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
        0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
        0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
        0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
        0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
        0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
        0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
    ]

    public init() {}

    public mutating func update<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        if let done = bytes.withContiguousStorageIfAvailable({ update(UnsafeRawBufferPointer($0)) }) { return done }
        update(Array(bytes))
    }

    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        // The framer is moved out while it runs, so the block callback may mutate self.
        var framer = BlockFramer()
        swap(&framer, &self.framer)
        framer.feed(bytes) { processBlock($0) }
        swap(&framer, &self.framer)
    }

    public mutating func finalize() -> [UInt8] {
        let padding = framer
        padding.withPadding(bigEndianLength: true) { update($0) }
        var out = [UInt8]()
        out.reserveCapacity(32)
        for word in [state.0, state.1, state.2, state.3, state.4, state.5, state.6, state.7] {
            for i in (0..<4).reversed() { out.append(UInt8(truncatingIfNeeded: word >> (8 * UInt32(i)))) }
        }
        return out
    }

    @inline(__always) private static func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }

    /// One 64-byte block (the caller guarantees the length).
    private mutating func processBlock(_ block: UnsafeRawBufferPointer) {
        withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
            for i in 0..<16 { w[i] = UInt32(bigEndian: block.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self)) }
            compress(schedule: w)
        }
    }

    private mutating func compress(schedule w: UnsafeMutableBufferPointer<UInt32>) {
        for i in 16..<64 {
            let s0 = SHA256Hasher.rotr(w[i - 15], 7) ^ SHA256Hasher.rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
            let s1 = SHA256Hasher.rotr(w[i - 2], 17) ^ SHA256Hasher.rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
            w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
        }
        var a = state.0, b = state.1, c = state.2, d = state.3
        var e = state.4, f = state.5, g = state.6, h = state.7
        SHA256Hasher.k.withUnsafeBufferPointer { k in
            for i in 0..<64 {
                let s1 = SHA256Hasher.rotr(e, 6) ^ SHA256Hasher.rotr(e, 11) ^ SHA256Hasher.rotr(e, 25)
                let ch = (e & f) ^ (~e & g)
                let t1 = h &+ s1 &+ ch &+ k[i] &+ w[i]
                let s0 = SHA256Hasher.rotr(a, 2) ^ SHA256Hasher.rotr(a, 13) ^ SHA256Hasher.rotr(a, 22)
                let maj = (a & b) ^ (a & c) ^ (b & c)
                let t2 = s0 &+ maj
                h = g; g = f; f = e; e = d &+ t1
                d = c; c = b; b = a; a = t1 &+ t2
            }
        }
        state.0 = state.0 &+ a; state.1 = state.1 &+ b; state.2 = state.2 &+ c; state.3 = state.3 &+ d
        state.4 = state.4 &+ e; state.5 = state.5 &+ f; state.6 = state.6 &+ g; state.7 = state.7 &+ h
    }
}
