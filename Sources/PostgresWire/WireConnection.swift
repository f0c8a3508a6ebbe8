// One authenticated connection's worker: a thread of its own that owns the
// Session and the QueryProcessor, so queries never run on an event loop.
// Its transport is either the worker's own blocking socket (plain TCP: the
// worker reads and writes the socket itself, one wake-up per round trip, as
// PostgreSQL's backend) or, for TLS, a NIO channel whose event loop fills an
// inbox and writes what the ChannelSink hands it. Both hold a slow client's
// query back instead of filling memory: the socket by blocking in write(),
// the ChannelSink by waiting while too many bytes are in flight.

import Columnar
import Engine
import Foundation
import Logging
import NIOCore

/// Creates the session of an authenticated user; `clientAddress` is what the audit log records.
public protocol SessionFactory: Sendable {
    func makeSession(user: String, applicationName: String, clientAddress: String) throws -> (session: Session, isSuperuser: Bool)
}

/// Sessions of one Database as the authenticated user: with a governance catalog, that
/// user's grants, masks and row policies apply (unknown or NOLOGIN users get 28000);
/// without one, every user is a superuser of the lake (trust or --password-file setups).
public struct DatabaseSessionFactory: SessionFactory {
    public let database: Database
    public init(database: Database) { self.database = database }
    public func makeSession(user: String, applicationName: String, clientAddress: String) throws -> (session: Session, isSuperuser: Bool) {
        let session = try database.connect(user: user, client: clientAddress)
        return (session, session.accessControl.isSuperuser)
    }
}

/// The verifiers of the governance catalog's login roles.
public struct DatabaseCredentials: CredentialStore {
    public let database: Database
    public init(database: Database) { self.database = database }
    public func verifier(for user: String) -> String? { database.passwordVerifier(for: user) }
}

final class ChannelSink: BackendSink, @unchecked Sendable {
    let channel: Channel
    private var pending: ByteBuffer
    private let condition = NSCondition()
    private var inFlight = 0
    private(set) var closed = false
    static let highWater = 1 << 20
    static let lowWater = 256 << 10
    /// Pending bytes pushed without waiting for a Sync/Flush/ReadyForQuery (streamed rows).
    static let flushThreshold = 64 << 10

    init(channel: Channel) {
        self.channel = channel
        pending = channel.allocator.buffer(capacity: 16 << 10)
    }

    func send(_ message: BackendMessage) {
        BackendEncoder.encode(message, into: &pending)
        if pending.readableBytes >= Self.flushThreshold { flush() }
    }

    func flush() {
        guard pending.readableBytes > 0 else { return }
        let buffer = pending
        let n = buffer.readableBytes
        pending = channel.allocator.buffer(capacity: 16 << 10)
        condition.lock()
        let isClosed = closed
        if !isClosed { inFlight += n }
        condition.unlock()
        if isClosed { return }
        channel.writeAndFlush(buffer).whenComplete { [weak self] result in
            guard let self else { return }
            self.condition.lock()
            self.inFlight -= n
            if case .failure = result { self.closed = true }
            self.condition.broadcast()
            self.condition.unlock()
        }
    }

    func awaitWritable() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        if inFlight > Self.highWater {
            while inFlight > Self.lowWater && !closed { condition.wait() }
        }
        return !closed
    }

    func markClosed() {
        condition.lock()
        closed = true
        condition.broadcast()
        condition.unlock()
    }
}

/// How a connection's worker receives messages and reaches its client: the
/// worker's own blocking socket (plain TCP) or a NIO channel (TLS).
protocol WireTransport: AnyObject, Sendable {
    var sink: BackendSink { get }
    /// The next message, blocking until one arrives; nil when the client is gone or the server is stopping.
    func nextMessage() -> FrontendMessage?
    /// Messages received but not yet taken by the worker (shutdown counts them as work).
    var hasQueuedMessages: Bool { get }
    /// True when the client hung up while the worker is busy with a statement.
    func peerHungUp() -> Bool
    /// The client went away: wake the worker so that it ends.
    func stop()
    /// Server shutdown: the client gets FATAL 57P01 (once the worker is idle) and the connection closes.
    func terminate()
    /// Last resort at shutdown: unblock a worker stuck writing to a client that stopped reading.
    func forceClose()
    /// The worker has ended.
    func close()
    var clientAddress: String { get }
}

extension ErrorFields {
    static let adminShutdown = ErrorFields(severity: "FATAL", sqlState: SQLState.adminShutdown, message: "terminating connection due to administrator command")
}

/// The NIO side of a TLS connection: the event loop decodes messages into an inbox, the worker takes them.
final class ChannelTransport: WireTransport, @unchecked Sendable {
    let channel: Channel
    let channelSink: ChannelSink
    var sink: BackendSink { channelSink }
    private let inbox = NSCondition()
    private var messages: [(FrontendMessage, Int)] = []
    private var stopped = false

    init(channel: Channel) {
        self.channel = channel
        channelSink = ChannelSink(channel: channel)
    }

    /// Bytes of queued messages above which the event loop stops reading from the socket.
    static let inboxLimit = 64 << 20
    private var queuedBytes = 0
    private var readingPaused = false

    /// Queues messages (each with its size on the wire) in order; returns true when reading should pause.
    func enqueue(_ batch: [(FrontendMessage, Int)]) -> Bool {
        inbox.lock()
        defer { inbox.unlock() }
        let wasEmpty = messages.isEmpty
        messages.append(contentsOf: batch)
        for (_, size) in batch { queuedBytes += size }
        // The worker waits only on an empty inbox: a non-empty one needs no wake-up.
        if wasEmpty { inbox.signal() }
        if queuedBytes > Self.inboxLimit && !readingPaused {
            readingPaused = true
            return true
        }
        return false
    }

    func nextMessage() -> FrontendMessage? {
        inbox.lock()
        defer { inbox.unlock() }
        while messages.isEmpty && !stopped { inbox.wait() }
        if stopped { return nil }
        let (message, size) = messages.removeFirst()
        queuedBytes -= size
        if readingPaused && queuedBytes < Self.inboxLimit / 2 {
            readingPaused = false
            let channel = self.channel
            channel.eventLoop.execute { channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in } ; channel.read() }
        }
        return message
    }

    var hasQueuedMessages: Bool { inbox.lock(); defer { inbox.unlock() }; return !messages.isEmpty }

    /// The event loop sees the hang-up itself (channelInactive).
    func peerHungUp() -> Bool { false }

    func stop() {
        inbox.lock()
        stopped = true
        inbox.signal()
        inbox.unlock()
        channelSink.markClosed()
    }

    func terminate() {
        channelSink.send(.error(.adminShutdown))
        channelSink.flush()
        stop()
        try? channel.close().wait()
    }

    func forceClose() { channel.close(promise: nil) }
    func close() { channel.close(promise: nil) }

    var clientAddress: String { channel.remoteAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "wire" }
}

/// A plain-TCP connection after start-up: the worker reads and writes the socket itself.
final class SocketTransport: WireTransport, @unchecked Sendable {
    let socket: BlockingSocket
    let socketSink: SocketSink
    var sink: BackendSink { socketSink }
    private var reader: SocketFrameReader
    let clientAddress: String
    private let lock = NSLock()
    private var terminating = false

    init(reader: SocketFrameReader, sink: SocketSink, clientAddress: String) {
        self.reader = reader; socket = reader.socket; socketSink = sink; self.clientAddress = clientAddress
    }

    func nextMessage() -> FrontendMessage? {
        if isTerminating { return farewell() }
        let message: FrontendMessage?
        do {
            message = try reader.next()
        } catch let violation as ProtocolViolation {
            socketSink.send(.error(ErrorFields(severity: "FATAL", sqlState: SQLState.protocolViolation, message: violation.message)))
            socketSink.flush()
            return nil
        } catch {
            return nil
        }
        // A read woken by terminate() ends the stream early: say why before closing.
        if message == nil, isTerminating { return farewell() }
        return message
    }

    private var isTerminating: Bool { lock.lock(); defer { lock.unlock() }; return terminating }

    private func farewell() -> FrontendMessage? {
        socketSink.send(.error(.adminShutdown))
        socketSink.flush()
        return nil
    }

    /// Pipelined bytes sit in the kernel or the reader, which only the worker touches: not counted.
    var hasQueuedMessages: Bool { false }

    func peerHungUp() -> Bool { socket.peerHungUp() }

    func stop() {
        socket.markGone()
        socket.shutdownReading()
    }

    func terminate() {
        lock.lock(); terminating = true; lock.unlock()
        socket.shutdownReading()
    }

    func forceClose() { socket.shutdownBoth() }

    func close() { socket.close(draining: true) }
}

/// One authenticated connection's worker: owns the Session and the QueryProcessor and
/// handles the client's messages one at a time, on a thread of its own.
final class WireConnection: @unchecked Sendable {
    let transport: WireTransport
    let processID: Int32
    let secretKey: Int32
    let user: String
    let parameters: [String: String]
    let factory: SessionFactory
    let serverVersion: String
    let logger: Logger
    var sink: BackendSink { transport.sink }
    private let lock = NSLock()
    /// True while a message is being processed (shutdown waits for this; the hang-up watchdog checks only these).
    private var busy = true
    private var currentSession: Session?
    var session: Session? { lock.lock(); defer { lock.unlock() }; return currentSession }
    var onFinish: (() -> Void)?

    init(transport: WireTransport, processID: Int32, secretKey: Int32, user: String, parameters: [String: String],
         factory: SessionFactory, serverVersion: String, logger: Logger) {
        self.transport = transport; self.processID = processID; self.secretKey = secretKey; self.user = user
        self.parameters = parameters; self.factory = factory; self.serverVersion = serverVersion; self.logger = logger
    }

    /// Runs the worker on a new thread (connections whose start-up ran on the event loop).
    func start() {
        let thread = Thread { [self] in
            ConnectionThreadScheduling.applyToCurrentThread()
            self.run()
        }
        thread.stackSize = 64 << 20
        thread.name = "lakesql-conn-\(processID)"
        thread.start()
    }

    var isIdle: Bool {
        lock.lock()
        let idle = !busy
        lock.unlock()
        return idle && !transport.hasQueuedMessages
    }

    var isBusy: Bool { lock.lock(); defer { lock.unlock() }; return busy }

    func cancel() { session?.cancel() }

    /// The client went away: stop the worker and cancel what it runs.
    func clientGone() {
        transport.stop()
        session?.cancel()
    }

    func terminate() { transport.terminate() }

    private func setBusy(_ value: Bool) { lock.lock(); busy = value; lock.unlock() }

    /// The query phase on the calling thread, until the client leaves or the server stops.
    func run() {
        defer {
            onFinish?()
            transport.close()
        }
        let application = parameters["application_name"] ?? ""
        let made: (session: Session, isSuperuser: Bool)
        do {
            made = try factory.makeSession(user: user, applicationName: application, clientAddress: transport.clientAddress)
        } catch {
            let e = error as? SQLErrorConvertible
            sink.send(.error(ErrorFields(severity: "FATAL", sqlState: e?.sqlState ?? "28000", message: e?.message ?? "\(error)")))
            sink.flush()
            return
        }
        lock.lock(); currentSession = made.session; lock.unlock()
        let processor = QueryProcessor(session: made.session, sink: sink, processID: processID, secretKey: secretKey)
        let session = made.session
        processor.timeoutScheduler = { ms in
            let work = DispatchWorkItem { session.cancel(reason: "canceling statement due to statement timeout") }
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(ms), execute: work)
            return { work.cancel() }
        }
        applyStartupSettings(session)
        processor.start(user: user, applicationName: application, isSuperuser: made.isSuperuser, serverVersion: serverVersion)
        while true {
            setBusy(false)
            guard let message = transport.nextMessage() else { break }
            setBusy(true)
            if !processor.handle(message) { break }
        }
        sink.flush()
    }

    /// Start-up parameters such as TimeZone, DateStyle, application_name become session settings.
    private func applyStartupSettings(_ session: Session) {
        for (key, value) in parameters {
            let name = key.lowercased()
            if ["user", "database", "options", "replication", "client_encoding", "datestyle"].contains(name) { continue }
            // Names go into SQL text: only plain setting names (no quoting games).
            guard !name.isEmpty, name.utf8.allSatisfy({ ($0 >= 97 && $0 <= 122) || ($0 >= 48 && $0 <= 57) || $0 == 95 || $0 == 46 }) else { continue }
            let v = value.trimming("'")
            let sql = "SET \(name) = '\(v.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''"))'"
            _ = try? session.execute(sql)
        }
    }
}

protocol SQLErrorConvertible { var sqlState: String { get }; var message: String { get } }
extension SQLError: SQLErrorConvertible {}
