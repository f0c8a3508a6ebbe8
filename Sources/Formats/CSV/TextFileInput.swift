// Whole-file input for the text formats (CSV, NDJSON): reads a local file and
// transparently decompresses `.gz` (zlib inflate with gzip header detection,
// concatenated members) and `.zst` (libzstd streaming, concatenated frames).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Columnar
import CZlib
import CZstd

public enum TextFileInput {
    /// True when `read` decompresses the file (by extension).
    public static func isCompressed(_ path: String) -> Bool {
        let lower = path.lowercased()
        return [".gz", ".gzip", ".zst", ".zstd"].contains { lower.hasSuffix($0) }
    }

    /// The file's bytes, decompressed by extension.
    public static func read(path: String) throws -> [UInt8] {
        let source = try LocalFileSource(path: path)
        guard source.size <= Int64(Int32.max) * 2 else {
            throw SQLError(SQLState.programLimitExceeded, "file \"\(path)\" is too large to read as text (\(source.size) bytes)")
        }
        let raw = try source.read(offset: 0, length: Int(source.size))
        let lower = path.lowercased()
        if lower.hasSuffix(".gz") || lower.hasSuffix(".gzip") { return try gunzip(raw, name: path) }
        if lower.hasSuffix(".zst") || lower.hasSuffix(".zstd") { return try unzstd(raw, name: path) }
        return raw
    }

    static func gunzip(_ input: [UInt8], name: String) throws -> [UInt8] {
        func fail(_ m: String) -> SQLError { SQLError(SQLState.dataCorrupted, "file \"\(name)\": gzip data is corrupt (\(m))") }
        if input.isEmpty { return [] }
        var out: [UInt8] = []
        out.reserveCapacity(input.count * 4)
        var chunk = [UInt8](repeating: 0, count: 1 << 18)
        var consumed = 0
        try input.withUnsafeBufferPointer { src in
            guard let base = src.baseAddress else { return }
            // One loop per gzip member: concatenated members are valid gzip (e.g. `cat a.gz b.gz`).
            while consumed < src.count {
                var stream = z_stream()
                var rc = inflateInit2_(&stream, 15 + 32, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
                guard rc == Z_OK else { throw fail("inflateInit failed") }
                defer { inflateEnd(&stream) }
                stream.next_in = UnsafeMutablePointer(mutating: base + consumed)
                stream.avail_in = UInt32(clamping: src.count - consumed)
                repeat {
                    try chunk.withUnsafeMutableBufferPointer { dst in
                        guard let d = dst.baseAddress else { return }
                        stream.next_out = d
                        stream.avail_out = UInt32(dst.count)
                        rc = CZlib.inflate(&stream, Z_NO_FLUSH)
                        if rc != Z_OK && rc != Z_STREAM_END {
                            throw fail(stream.msg.map { String(cString: $0) } ?? "error \(rc)")
                        }
                        out.append(contentsOf: UnsafeBufferPointer(start: d, count: dst.count - Int(stream.avail_out)))
                    }
                    if rc == Z_OK && stream.avail_in == 0 && stream.avail_out != 0 { throw fail("truncated input") }
                } while rc != Z_STREAM_END
                let used = (src.count - consumed) - Int(stream.avail_in)
                guard used > 0 else { break }
                consumed += used
                // Trailing zero padding after the last member is tolerated.
                if src[consumed...].allSatisfy({ $0 == 0 }) { break }
            }
        }
        return out
    }

    static func unzstd(_ input: [UInt8], name: String) throws -> [UInt8] {
        func fail(_ m: String) -> SQLError { SQLError(SQLState.dataCorrupted, "file \"\(name)\": zstd data is corrupt (\(m))") }
        guard let ctx = ZSTD_createDStream() else { throw SQLError(SQLState.outOfMemory, "cannot allocate a zstd decoder") }
        defer { ZSTD_freeDStream(ctx) }
        ZSTD_initDStream(ctx)
        var out: [UInt8] = []
        out.reserveCapacity(input.count * 4)
        var chunk = [UInt8](repeating: 0, count: ZSTD_DStreamOutSize())
        var lastResult = 0
        try input.withUnsafeBufferPointer { src in
            var inBuf = ZSTD_inBuffer(src: src.baseAddress, size: src.count, pos: 0)
            while inBuf.pos < inBuf.size {
                try chunk.withUnsafeMutableBufferPointer { dst in
                    var outBuf = ZSTD_outBuffer(dst: dst.baseAddress, size: dst.count, pos: 0)
                    let r = ZSTD_decompressStream(ctx, &outBuf, &inBuf)
                    if ZSTD_isError(r) != 0 { throw fail(String(cString: ZSTD_getErrorName(r))) }
                    lastResult = r
                    if let d = dst.baseAddress { out.append(contentsOf: UnsafeBufferPointer(start: d, count: outBuf.pos)) }
                }
            }
            // Drain output still buffered inside the decoder.
            while lastResult != 0 {
                let produced = try chunk.withUnsafeMutableBufferPointer { dst -> Int in
                    var outBuf = ZSTD_outBuffer(dst: dst.baseAddress, size: dst.count, pos: 0)
                    let r = ZSTD_decompressStream(ctx, &outBuf, &inBuf)
                    if ZSTD_isError(r) != 0 { throw fail(String(cString: ZSTD_getErrorName(r))) }
                    lastResult = r
                    if let d = dst.baseAddress { out.append(contentsOf: UnsafeBufferPointer(start: d, count: outBuf.pos)) }
                    return outBuf.pos
                }
                if produced == 0 && lastResult != 0 { throw fail("truncated input") }
            }
        }
        return out
    }
}
