// Plain-TCP I/O done by the connection's own thread, as PostgreSQL's backend
// does it: blocking reads and writes on the socket, no event loop in between.
// A round trip then costs one wake-up of the worker instead of three thread
// hand-offs (event loop -> worker -> event loop). Three pieces live here: the
// socket itself, the frame reader that turns its bytes into frontend
// messages, and the sink that writes backend messages to it. A slow client
// blocks the worker inside write(), which is the back-pressure.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import NIOCore

/// A connected stream socket owned by one thread; other threads may only ask
/// whether the peer hung up or shut it down (which wakes a blocked read).
final class BlockingSocket: @unchecked Sendable {
    private let lock = NSLock()
    private var descriptor: CInt
    /// Set once the peer is known to be gone (a write failed or it hung up).
    private var peerGone = false

    init(descriptor: CInt) {
        self.descriptor = descriptor
        #if canImport(Darwin)
        var one: CInt = 1
        setsockopt(descriptor, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<CInt>.size))
        #endif
    }

    var isGone: Bool { lock.lock(); defer { lock.unlock() }; return peerGone || descriptor < 0 }

    func setNoDelay() {
        var one: CInt = 1
        setsockopt(descriptor, CInt(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<CInt>.size))
    }

    /// Reads give up after `seconds` without data (0: wait for ever); start-up uses PostgreSQL's authentication_timeout.
    func setReceiveTimeout(seconds: Int) {
        var tv = timeval(tv_sec: seconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Reads what is available (blocking until something is); 0 at end of stream, timeout or error.
    func read(into buffer: inout ByteBuffer) -> Int {
        let fd = descriptor
        while true {
            var result = 0
            _ = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 16 << 10) { raw -> Int in
                result = recv(fd, raw.baseAddress, raw.count, 0)
                return max(result, 0)
            }
            if result >= 0 { return result }
            if errno == EINTR { continue }
            return 0
        }
    }

    /// Writes all bytes, blocking while the client's receive window is full; false when the client is gone.
    @discardableResult
    func write(_ buffer: ByteBuffer) -> Bool {
        var sentTotal = 0
        let ok = buffer.withUnsafeReadableBytes { raw -> Bool in
            while sentTotal < raw.count {
                #if canImport(Glibc)
                let n = send(descriptor, raw.baseAddress! + sentTotal, raw.count - sentTotal, CInt(MSG_NOSIGNAL))
                #else
                let n = send(descriptor, raw.baseAddress! + sentTotal, raw.count - sentTotal, 0)
                #endif
                if n > 0 { sentTotal += n; continue }
                if n < 0 && errno == EINTR { continue }
                return false
            }
            return true
        }
        if !ok { markGone() }
        return ok
    }

    func markGone() { lock.lock(); peerGone = true; lock.unlock() }

    /// True when the client hung up (or reset) while the worker was busy. Safe from any thread.
    func peerHungUp() -> Bool {
        lock.lock()
        defer { lock.unlock() }
        guard descriptor >= 0, !peerGone else { return peerGone }
        #if os(Linux)
        // POLLRDHUP reports the peer's FIN even with unread pipelined bytes in front of it.
        var entry = pollfd(fd: descriptor, events: Int16(POLLIN) | 0x2000, revents: 0)
        guard poll(&entry, 1, 0) == 1 else { return false }
        if entry.revents & (0x2000 | Int16(POLLHUP) | Int16(POLLERR)) != 0 { peerGone = true }
        #else
        var byte: UInt8 = 0
        let n = recv(descriptor, &byte, 1, MSG_PEEK | MSG_DONTWAIT)
        if n == 0 || (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) { peerGone = true }
        #endif
        return peerGone
    }

    /// Wakes a read blocked on this socket (it returns end of stream); writes still work.
    func shutdownReading() {
        lock.lock(); defer { lock.unlock() }
        if descriptor >= 0 { _ = shutdown(descriptor, CInt(SHUT_RD)) }
    }

    /// Unblocks everything (a write stuck on a client that stopped reading included).
    func shutdownBoth() {
        lock.lock(); defer { lock.unlock() }
        if descriptor >= 0 { _ = shutdown(descriptor, CInt(SHUT_RDWR)) }
    }

    /// Gives the descriptor away (to the TLS event loop); this object no longer touches it.
    func release() -> CInt {
        lock.lock(); defer { lock.unlock() }
        let fd = descriptor
        descriptor = -1
        return fd
    }

    /// Closes after sending what was written: FIN first, then a short drain so that
    /// unread client bytes do not turn the close into a reset that loses our last message.
    func close(draining: Bool = false) {
        lock.lock()
        let fd = descriptor
        descriptor = -1
        lock.unlock()
        guard fd >= 0 else { return }
        if draining {
            _ = shutdown(fd, CInt(SHUT_WR))
            var tv = timeval(tv_sec: 1, tv_usec: 0)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            var scratch = [UInt8](repeating: 0, count: 4096)
            var total = 0
            while total < 1 << 20 {
                let n = recv(fd, &scratch, scratch.count, 0)
                if n <= 0 { break }
                total += n
            }
        }
        #if canImport(Glibc)
        _ = Glibc.close(fd)
        #else
        _ = Darwin.close(fd)
        #endif
    }

    /// The peer's address, for the audit log and the loopback check of trust authentication.
    func peerAddress() -> SocketAddress? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let ok = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(descriptor, $0, &length) == 0 }
        }
        return ok ? SocketAddress(storage: storage) : nil
    }
}

extension SocketAddress {
    init?(storage: sockaddr_storage) {
        var storage = storage
        switch CInt(storage.ss_family) {
        case AF_INET:
            let a = withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { $0.pointee } }
            self.init(a)
        case AF_INET6:
            let a = withUnsafePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { $0.pointee } }
            self.init(a)
        default:
            return nil
        }
    }
}

/// Frontend messages from a blocking socket, in order; bytes read past a message stay buffered for the next one.
struct SocketFrameReader {
    let socket: BlockingSocket
    var decoder = FrontendMessageDecoder()
    var buffer = ByteBufferAllocator().buffer(capacity: 16 << 10)

    init(socket: BlockingSocket) { self.socket = socket }

    /// The next message; nil when the stream ended first. Throws ProtocolViolation on bad bytes.
    mutating func next() throws -> FrontendMessage? {
        while true {
            if let message = try decoder.next(&buffer) {
                if buffer.readableBytes == 0 { buffer.clear() } else if buffer.readerIndex > 64 << 10 { buffer.discardReadBytes() }
                return message
            }
            if socket.read(into: &buffer) == 0 { return nil }
        }
    }

    var bufferedBytes: Int { buffer.readableBytes }
}

/// Backend messages into an output buffer, written to the socket at Sync/Flush/ReadyForQuery or
/// when 64 KiB are pending (PostgreSQL's output buffer works the same way). Used by one thread only.
final class SocketSink: BackendSink {
    let socket: BlockingSocket
    private var pending = ByteBufferAllocator().buffer(capacity: 16 << 10)
    static let flushThreshold = 64 << 10

    init(socket: BlockingSocket) { self.socket = socket }

    func send(_ message: BackendMessage) {
        BackendEncoder.encode(message, into: &pending)
        if pending.readableBytes >= Self.flushThreshold { flush() }
    }

    func flush() {
        guard pending.readableBytes > 0 else { return }
        if !socket.isGone { socket.write(pending) }
        pending.clear()
    }

    /// Writes block by themselves while the client is slow; this only reports a client that is gone.
    func awaitWritable() -> Bool { !socket.isGone }

    /// Rows are encoded into the output buffer itself; a failed encoding leaves nothing of itself behind.
    func sendDataRows(count: Int, capacity: Int, _ encode: (inout ByteBuffer) throws -> Void) throws {
        let before = pending.writerIndex
        do { try encode(&pending) } catch {
            pending.moveWriterIndex(to: before)
            throw error
        }
        if pending.readableBytes >= Self.flushThreshold { flush() }
    }
}
