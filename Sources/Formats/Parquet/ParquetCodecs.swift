// Page decompression for Parquet's codecs through the system C libraries:
// SNAPPY (SnappyDecoder.swift; libsnappy only compresses, for tests), GZIP (zlib inflate, gzip/zlib header auto-detected,
// concatenated members), ZSTD, LZ4_RAW (block), LZ4 (the deprecated id:
// Hadoop framing detected first, then a raw block, then the LZ4 frame
// format), BROTLI. Output size is always the page header's uncompressed size.

import Columnar
import CZstd
import CLZ4
import CBrotli
import CZlib

public enum ParquetCodec: Int32, Sendable {
    case uncompressed = 0, snappy = 1, gzip = 2, lzo = 3, brotli = 4, lz4 = 5, zstd = 6, lz4Raw = 7

    public var name: String {
        switch self {
        case .uncompressed: return "UNCOMPRESSED"
        case .snappy: return "SNAPPY"
        case .gzip: return "GZIP"
        case .lzo: return "LZO"
        case .brotli: return "BROTLI"
        case .lz4: return "LZ4"
        case .zstd: return "ZSTD"
        case .lz4Raw: return "LZ4_RAW"
        }
    }
}

/// CRC-32 (the zlib/IEEE polynomial Parquet uses for page checksums).
func parquetCRC32(_ bytes: ArraySlice<UInt8>) -> UInt32 {
    bytes.withUnsafeBufferPointer { p in
        guard let base = p.baseAddress else { return 0 }
        return UInt32(truncatingIfNeeded: crc32(0, base, uInt(p.count)))
    }
}

enum Decompressor {
    /// Decompresses `input` into exactly `outputSize` bytes; `what` names the column for errors.
    static func decompress(_ codec: ParquetCodec, _ input: ArraySlice<UInt8>, outputSize: Int, what: String) throws -> [UInt8] {
        if codec == .uncompressed {
            guard input.count == outputSize else { throw failure(codec, what, "page size \(input.count) differs from uncompressed size \(outputSize)") }
            return Array(input)
        }
        guard outputSize >= 0, outputSize <= 1 << 31 else { throw failure(codec, what, "invalid uncompressed size \(outputSize)") }
        // Not zero-filled first: the codec writes every byte or the call throws.
        return try [UInt8](unsafeUninitializedCapacity: outputSize) { dst, initialized in
            try decompress(codec, input, into: UnsafeMutableRawBufferPointer(dst), what: what)
            initialized = outputSize
        }
    }

    /// Decompresses at least the first `prefix` bytes of a page of `outputSize`: SNAPPY stops
    /// soon after them, the other codecs decompress the whole page. Returns the buffer (as
    /// long as the page) and how many of its bytes are written; only those may be read.
    static func decompress(_ codec: ParquetCodec, _ input: ArraySlice<UInt8>, outputSize: Int, prefix: Int,
                           what: String) throws -> (bytes: [UInt8], written: Int) {
        guard codec == .snappy, prefix < outputSize else {
            return (try decompress(codec, input, outputSize: outputSize, what: what), outputSize)
        }
        guard outputSize >= 0, outputSize <= 1 << 31 else { throw failure(codec, what, "invalid uncompressed size \(outputSize)") }
        var written = 0
        // Not zero-filled: only the first `written` bytes are handed on to be read.
        let bytes = try [UInt8](unsafeUninitializedCapacity: outputSize) { dst, initialized in
            written = try decompress(codec, input, into: UnsafeMutableRawBufferPointer(dst), prefix: prefix, what: what)
            initialized = outputSize
        }
        return (bytes, written)
    }

    /// `decompress(_:_:into:what:)` for at least the first `prefix` bytes of `destination`
    /// (see above); returns how many are written.
    static func decompress(_ codec: ParquetCodec, _ input: ArraySlice<UInt8>, into destination: UnsafeMutableRawBufferPointer,
                           prefix: Int, what: String) throws -> Int {
        guard codec == .snappy, prefix < destination.count else {
            try decompress(codec, input, into: destination, what: what)
            return destination.count
        }
        let produced = input.withUnsafeBytes { src in SnappyDecoder.decompress(src, into: destination, prefix: prefix) }
        guard let produced else { throw failure(codec, what, "corrupt snappy data or length") }
        return produced
    }

    static func failure(_ codec: ParquetCodec, _ what: String, _ why: String) -> SQLError {
        SQLError(SQLState.dataCorrupted, "\(what): \(codec.name) decompression failed: \(why)")
    }

    /// Decompresses `input` into exactly `destination.count` bytes (a typed value buffer when the
    /// page is PLAIN fixed-width: the page is then never held as bytes); throws unless the codec
    /// produced exactly that many.
    static func decompress(_ codec: ParquetCodec, _ input: ArraySlice<UInt8>, into destination: UnsafeMutableRawBufferPointer,
                           what: String) throws {
        let outputSize = destination.count
        func fail(_ why: String) -> SQLError { failure(codec, what, why) }
        if codec == .uncompressed {
            guard input.count == outputSize else { throw fail("page size \(input.count) differs from uncompressed size \(outputSize)") }
            input.withUnsafeBytes { src in
                if let s = src.baseAddress, let d = destination.baseAddress, outputSize > 0 { d.copyMemory(from: s, byteCount: outputSize) }
            }
            return
        }
        guard outputSize <= 1 << 31 else { throw fail("invalid uncompressed size \(outputSize)") }
        if outputSize == 0 { return }
        guard !input.isEmpty else { throw fail("empty compressed page") }
        // The C codecs write bytes through untyped pointers, whatever the buffer holds.
        let dst = UnsafeMutableBufferPointer(start: destination.baseAddress?.assumingMemoryBound(to: UInt8.self), count: outputSize)
        let produced: Int = try input.withUnsafeBufferPointer { src -> Int in
            guard let dp = dst.baseAddress, let sp = src.baseAddress else { return 0 }
            switch codec {
            case .uncompressed: return 0
            case .snappy:
                let block = UnsafeRawBufferPointer(src)
                guard let stated = SnappyDecoder.uncompressedLength(block), stated.length == outputSize else {
                    throw fail("bad snappy length")
                }
                guard SnappyDecoder.decompress(block, into: UnsafeMutableRawBufferPointer(dst)) else { throw fail("corrupt snappy data") }
                return outputSize
            case .zstd:
                // A page may hold several concatenated frames; ZSTD_decompress handles that.
                let r = ZSTD_decompress(dp, outputSize, sp, src.count)
                if ZSTD_isError(r) != 0 { throw fail(String(cString: ZSTD_getErrorName(r))) }
                return r
            case .gzip:
                return try inflate(src, dst, fail: fail)
            case .lz4Raw:
                let r = LZ4_decompress_safe(UnsafeRawPointer(sp).assumingMemoryBound(to: CChar.self),
                                            UnsafeMutableRawPointer(dp).assumingMemoryBound(to: CChar.self),
                                            Int32(src.count), Int32(outputSize))
                if r < 0 { throw fail("corrupt LZ4 block") }
                return Int(r)
            case .lz4:
                if let n = hadoopLZ4(src, dst) { return n }
                let r = LZ4_decompress_safe(UnsafeRawPointer(sp).assumingMemoryBound(to: CChar.self),
                                            UnsafeMutableRawPointer(dp).assumingMemoryBound(to: CChar.self),
                                            Int32(src.count), Int32(outputSize))
                if r == Int32(outputSize) { return Int(r) }
                if let n = lz4Frame(src, dst) { return n }
                throw fail("data is neither Hadoop-framed LZ4, a raw LZ4 block nor an LZ4 frame")
            case .brotli:
                var outLen = outputSize
                let r = BrotliDecoderDecompress(src.count, sp, &outLen, dp)
                if r != BROTLI_DECODER_RESULT_SUCCESS { throw fail("corrupt brotli data") }
                return outLen
            case .lzo:
                throw SQLError(SQLState.featureNotSupported, "\(what): unsupported compression codec LZO")
            }
        }
        guard produced == outputSize else { throw fail("produced \(produced) bytes, expected \(outputSize)") }
    }

    /// zlib inflate accepting gzip or zlib headers (windowBits 15+32) and concatenated gzip members.
    private static func inflate(_ src: UnsafeBufferPointer<UInt8>, _ dst: UnsafeMutableBufferPointer<UInt8>,
                                fail: (String) -> SQLError) throws -> Int {
        var total = 0
        var consumed = 0
        while consumed < src.count && total < dst.count {
            var stream = z_stream()
            var rc = inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
            guard rc == Z_OK else { throw fail("inflateInit failed") }
            defer { inflateEnd(&stream) }
            guard let sBase = src.baseAddress, let dBase = dst.baseAddress else { break }
            stream.next_in = UnsafeMutablePointer(mutating: sBase + consumed)
            stream.avail_in = UInt32(src.count - consumed)
            stream.next_out = dBase + total
            stream.avail_out = UInt32(dst.count - total)
            rc = CZlib.inflate(&stream, Z_FINISH)
            let used = (src.count - consumed) - Int(stream.avail_in)
            let made = (dst.count - total) - Int(stream.avail_out)
            if rc != Z_STREAM_END && !(rc == Z_BUF_ERROR && stream.avail_out == 0) && rc != Z_OK {
                throw fail("corrupt gzip data (zlib code \(rc))")
            }
            if used == 0 && made == 0 { break }
            consumed += used
            total += made
            if rc != Z_STREAM_END { break }
        }
        return total
    }

    /// Hadoop's LZ4 framing: blocks of [4-byte BE uncompressed size][4-byte BE compressed size][raw LZ4 block]...
    /// Returns nil when the data does not parse as that framing.
    private static func hadoopLZ4(_ src: UnsafeBufferPointer<UInt8>, _ dst: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        func be32(_ p: Int) -> Int { Int(src[p]) << 24 | Int(src[p + 1]) << 16 | Int(src[p + 2]) << 8 | Int(src[p + 3]) }
        guard let sBase = src.baseAddress, let dBase = dst.baseAddress else { return nil }
        var inPos = 0, outPos = 0
        while inPos < src.count {
            guard src.count - inPos >= 8 else { return nil }
            let expected = be32(inPos)
            guard expected <= dst.count - outPos else { return nil }
            var blockEnd = inPos + 4
            var producedTotal = 0
            // One outer block may hold several inner compressed chunks.
            while producedTotal < expected {
                guard src.count - blockEnd >= 4 else { return nil }
                let clen = be32(blockEnd)
                blockEnd += 4
                guard clen > 0, clen <= src.count - blockEnd else { return nil }
                let r = LZ4_decompress_safe(UnsafeRawPointer(sBase + blockEnd).assumingMemoryBound(to: CChar.self),
                                            UnsafeMutableRawPointer(dBase + outPos + producedTotal).assumingMemoryBound(to: CChar.self),
                                            Int32(clen), Int32(expected - producedTotal))
                if r <= 0 { return nil }
                producedTotal += Int(r)
                blockEnd += clen
            }
            inPos = blockEnd
            outPos += producedTotal
        }
        return outPos == dst.count ? outPos : nil
    }

    private static func lz4Frame(_ src: UnsafeBufferPointer<UInt8>, _ dst: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        var ctx: OpaquePointer?
        guard LZ4F_isError(LZ4F_createDecompressionContext(&ctx, UInt32(LZ4F_VERSION))) == 0, let ctx else { return nil }
        defer { LZ4F_freeDecompressionContext(ctx) }
        var srcSize = src.count
        var dstSize = dst.count
        let r = LZ4F_decompress(ctx, dst.baseAddress, &dstSize, src.baseAddress, &srcSize, nil)
        if LZ4F_isError(r) != 0 { return nil }
        return dstSize
    }
}
