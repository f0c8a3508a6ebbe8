// One authenticated connection's worker: a thread of its own that owns the
// Session and the QueryProcessor, takes frontend messages from an inbox the
// event loop fills, and writes answers back through the channel. Queries
// therefore never run on the event loop. The sink counts bytes handed to the
// channel and not yet written to the socket; the worker waits while that is
// high, so a slow client holds the query back instead of filling memory.

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

final class ChannelSink: BackendSink {
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

final class WireConnection: @unchecked Sendable {
    let channel: Channel
    let processID: Int32
    let secretKey: Int32
    let user: String
    let parameters: [String: String]
    let factory: SessionFactory
    let serverVersion: String
    let logger: Logger
    let sink: ChannelSink
    private let inbox = NSCondition()
    private var messages: [(FrontendMessage, Int)] = []
    private var stopped = false
    /// True while a message is being processed (shutdown waits for this).
    private(set) var busy = true
    private var currentSession: Session?
    var session: Session? { inbox.lock(); defer { inbox.unlock() }; return currentSession }
    var onFinish: (() -> Void)?

    init(channel: Channel, processID: Int32, secretKey: Int32, user: String, parameters: [String: String],
         factory: SessionFactory, serverVersion: String, logger: Logger) {
        self.channel = channel; self.processID = processID; self.secretKey = secretKey; self.user = user
        self.parameters = parameters; self.factory = factory; self.serverVersion = serverVersion; self.logger = logger
        sink = ChannelSink(channel: channel)
    }

    func start() {
        let thread = Thread { [self] in self.run() }
        thread.stackSize = 64 << 20
        thread.name = "lakesql-conn-\(processID)"
        thread.start()
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

    /// The client went away: stop the worker and cancel what it runs.
    func stop() {
        inbox.lock()
        stopped = true
        inbox.signal()
        inbox.unlock()
        sink.markClosed()
        session?.cancel()
    }

    var isIdle: Bool {
        inbox.lock(); defer { inbox.unlock() }
        return !busy && messages.isEmpty
    }

    func cancel() { session?.cancel() }

    private func next() -> FrontendMessage? {
        inbox.lock()
        defer { inbox.unlock() }
        busy = false
        while messages.isEmpty && !stopped { inbox.wait() }
        if stopped { return nil }
        busy = true
        let (message, size) = messages.removeFirst()
        queuedBytes -= size
        if readingPaused && queuedBytes < Self.inboxLimit / 2 {
            readingPaused = false
            let channel = self.channel
            channel.eventLoop.execute { channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in } ; channel.read() }
        }
        return message
    }

    private func run() {
        defer {
            onFinish?()
            channel.close(promise: nil)
        }
        let application = parameters["application_name"] ?? ""
        let made: (session: Session, isSuperuser: Bool)
        do {
            made = try factory.makeSession(user: user, applicationName: application,
                                          clientAddress: channel.remoteAddress.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "wire")
        } catch {
            let e = error as? SQLErrorConvertible
            sink.send(.error(ErrorFields(severity: "FATAL", sqlState: e?.sqlState ?? "28000", message: e?.message ?? "\(error)")))
            sink.flush()
            return
        }
        inbox.lock(); currentSession = made.session; inbox.unlock()
        let processor = QueryProcessor(session: made.session, sink: sink, processID: processID, secretKey: secretKey)
        let session = made.session
        processor.timeoutScheduler = { ms in
            let work = DispatchWorkItem { session.cancel(reason: "canceling statement due to statement timeout") }
            DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(ms), execute: work)
            return { work.cancel() }
        }
        applyStartupSettings(session)
        processor.start(user: user, applicationName: application, isSuperuser: made.isSuperuser, serverVersion: serverVersion)
        while let message = next() {
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
