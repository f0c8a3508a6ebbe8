// Ranged-read storage abstraction for file readers: a ByteSource is anything
// that knows its size and returns byte ranges (a local file now, an object
// store later). LocalFileSource uses pread(2), which is thread-safe on one
// descriptor, so different row groups can be read from different threads.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Columnar

public protocol ByteSource: AnyObject, Sendable {
    /// Name used in error messages (a path or URL).
    var name: String { get }
    var size: Int64 { get }
    /// Exactly `length` bytes starting at `offset`; throws if the range is outside the source.
    func read(offset: Int64, length: Int) throws -> [UInt8]
}

/// A local file read with pread; the descriptor is closed on deinit.
public final class LocalFileSource: ByteSource, @unchecked Sendable {
    public let name: String
    public let size: Int64
    private let fd: Int32

    public init(path: String) throws {
        name = path
        let fd = open(path, O_RDONLY)
        if fd < 0 {
            let err = errno
            let reason = String(cString: strerror(err))
            if err == ENOENT {
                throw SQLError(SQLState.undefinedFile, "could not open file \"\(path)\": \(reason)")
            }
            throw SQLError(SQLState.ioError, "could not open file \"\(path)\": \(reason)")
        }
        var st = stat()
        if fstat(fd, &st) != 0 {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw SQLError(SQLState.ioError, "could not stat file \"\(path)\": \(reason)")
        }
        if (st.st_mode & S_IFMT) == S_IFDIR {
            close(fd)
            throw SQLError(SQLState.ioError, "could not read file \"\(path)\": Is a directory")
        }
        self.fd = fd
        size = Int64(st.st_size)
    }

    deinit { close(fd) }

    public func read(offset: Int64, length: Int) throws -> [UInt8] {
        guard offset >= 0, length >= 0, offset <= size, Int64(length) <= size - offset else {
            throw SQLError(SQLState.dataCorrupted,
                           "file \"\(name)\": read of \(length) bytes at offset \(offset) is outside the file (size \(size))")
        }
        if length == 0 { return [] }
        // Not zero-filled first (pread fills it or the read throws): scans read megabytes per row group.
        return try [UInt8](unsafeUninitializedCapacity: length) { buf, initialized in
            guard let base = buf.baseAddress else { return }
            var done = 0
            while done < length {
                let n = pread(fd, base + done, length - done, off_t(offset) + off_t(done))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw SQLError(SQLState.ioError, "could not read file \"\(name)\": \(String(cString: strerror(errno)))")
                }
                if n == 0 {
                    throw SQLError(SQLState.dataCorrupted, "file \"\(name)\": unexpected end of file at offset \(offset + Int64(done))")
                }
                done += n
            }
            initialized = length
        }
    }
}

/// An in-memory source (tests, small objects already fetched).
public final class MemorySource: ByteSource, @unchecked Sendable {
    public let name: String
    public let bytes: [UInt8]
    public var size: Int64 { Int64(bytes.count) }
    public init(_ bytes: [UInt8], name: String = "<memory>") { self.bytes = bytes; self.name = name }
    public func read(offset: Int64, length: Int) throws -> [UInt8] {
        guard offset >= 0, length >= 0, offset <= size, Int64(length) <= size - offset else {
            throw SQLError(SQLState.dataCorrupted, "\(name): read of \(length) bytes at offset \(offset) is outside the data (size \(size))")
        }
        return Array(bytes[Int(offset)..<Int(offset) + length])
    }
}
