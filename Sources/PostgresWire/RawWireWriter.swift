// Writes protocol bytes through a raw pointer into space reserved once in a
// ByteBuffer. Every ByteBuffer.writeInteger/writeBytes call checks capacity,
// uniqueness and (inside NIO, built with exclusivity checks) access, which for
// the small fields of DataRow and of the per-query messages cost more than
// the bytes themselves: `SELECT 1` made 22 such calls per round trip.

import Columnar
import NIOCore

struct RawWireWriter {
    private let base: UnsafeMutableRawPointer
    private let capacity: Int
    private(set) var count = 0

    init(_ buffer: UnsafeMutableRawBufferPointer) {
        base = buffer.baseAddress!
        capacity = buffer.count
    }

    @inline(__always) mutating func byte(_ v: UInt8) {
        precondition(count < capacity)
        base.storeBytes(of: v, toByteOffset: count, as: UInt8.self)
        count += 1
    }

    @inline(__always) mutating func integer<T: FixedWidthInteger>(_ v: T) {
        precondition(count + MemoryLayout<T>.size <= capacity)
        base.storeBytes(of: v.bigEndian, toByteOffset: count, as: T.self)
        count += MemoryLayout<T>.size
    }

    @inline(__always) mutating func bytes(_ p: UnsafeRawBufferPointer) {
        precondition(count + p.count <= capacity)
        if let from = p.baseAddress { (base + count).copyMemory(from: from, byteCount: p.count) }
        count += p.count
    }

    /// Overwrites four bytes already written (a length word whose value is known only now).
    @inline(__always) mutating func patch(_ v: Int32, at offset: Int) {
        precondition(offset >= 0 && offset + 4 <= count)
        base.storeBytes(of: v.bigEndian, toByteOffset: offset, as: Int32.self)
    }

    /// The string's UTF-8 bytes and a NUL. The caller has checked that it holds no NUL.
    @inline(__always) mutating func cString(_ s: String) {
        var s = s
        s.withUTF8 { bytes(UnsafeRawBufferPointer($0)) }
        byte(0)
    }

    /// The most bytes `decimalCell` writes: its length word and Int64.min's 20 characters.
    static let decimalCellBytes = 24

    /// A text-format integer cell: its length word, then its decimal digits, two per division
    /// (the compiler turns division by a constant into a multiply), written in place once
    /// their count is known.
    @inline(__always) mutating func decimalCell(_ v: Int64) {
        var n = v.magnitude
        let length = ValueText.decimalDigitCount(n) + (v < 0 ? 1 : 0)
        integer(Int32(length))
        precondition(count + length <= capacity)
        let start = base + count
        if v < 0 { start.storeBytes(of: UInt8(ascii: "-"), as: UInt8.self) }
        var at = start + length
        while n >= 100 {
            let pair = n % 100
            n /= 100
            at -= 2
            at.storeBytes(of: (UInt16(truncatingIfNeeded: 48 + pair / 10) | UInt16(truncatingIfNeeded: 48 + pair % 10) << 8).littleEndian,
                          as: UInt16.self)
        }
        if n >= 10 {
            at -= 2
            at.storeBytes(of: (UInt16(truncatingIfNeeded: 48 + n / 10) | UInt16(truncatingIfNeeded: 48 + n % 10) << 8).littleEndian,
                          as: UInt16.self)
        } else {
            at -= 1
            at.storeBytes(of: UInt8(truncatingIfNeeded: 48 + n), as: UInt8.self)
        }
        count += length
    }
}

extension ByteBuffer {
    /// Reserves `maxBytes` once and lets `body` write at most that many; the writer index moves past what it wrote.
    @inline(__always)
    mutating func writeRaw(maxBytes: Int, _ body: (inout RawWireWriter) throws -> Void) rethrows {
        guard maxBytes > 0 else { return }
        _ = try writeWithUnsafeMutableBytes(minimumWritableBytes: maxBytes) { (space: UnsafeMutableRawBufferPointer) throws -> Int in
            // Only what was asked for: a bound computed too small traps here, in every test,
            // rather than only when the buffer's rounded-up capacity happens to run out.
            var writer = RawWireWriter(UnsafeMutableRawBufferPointer(rebasing: space.prefix(maxBytes)))
            try body(&writer)
            return writer.count
        }
    }
}
