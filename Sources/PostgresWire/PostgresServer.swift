// The server: the listener (Sources/PostgresWire/SocketListener.swift) whose
// plain-TCP connections run start-up and queries on their own threads, the
// thin NIO channel handler that does the same for TLS connections (framing
// bytes into messages and executing the start-up state machine's actions),
// the registry of live connections (cancel keys, connection limit), the
// watchdog that cancels the query of a client that hung up, and graceful
// shutdown (stop accepting, let running queries finish, cancel after a grace
// period).

import Columnar
import Engine
import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL

public struct ServerOptions: Sendable {
    public var host = "127.0.0.1"
    public var port = 5433
    public var databaseName = "lakesql"
    public var authentication = AuthenticationMethod.scramSHA256
    public var tlsCertificate: String?
    public var tlsKey: String?
    public var maxConnections = 100
    public var serverVersion = "15.0 (LakeSQL)"
    public init() {}
}

/// Live connections by process ID, for CancelRequest, the connection limit and shutdown.
final class ConnectionRegistry: @unchecked Sendable {
    private let lock = NSLock()
    private var connections: [Int32: WireConnection] = [:]
    private var nextPID: Int32 = Int32.random(in: 1000...30000)
    private var reserved = 0
    let limit: Int
    init(limit: Int) { self.limit = limit }

    /// Reserves a slot (at start-up); false when the server is full.
    func reserve() -> Bool {
        lock.lock(); defer { lock.unlock() }
        guard reserved < limit else { return false }
        reserved += 1
        return true
    }
    func release() { lock.lock(); reserved -= 1; lock.unlock() }

    func newProcessID() -> Int32 {
        lock.lock(); defer { lock.unlock() }
        nextPID = nextPID >= Int32.max - 1 ? 1000 : nextPID + 1
        return nextPID
    }

    func add(_ c: WireConnection) { lock.lock(); connections[c.processID] = c; lock.unlock() }
    func remove(_ pid: Int32) { lock.lock(); connections[pid] = nil; lock.unlock() }
    var all: [WireConnection] { lock.lock(); defer { lock.unlock() }; return Array(connections.values) }

    /// Cancels the query of the connection with this key (compared in constant time); true if one matched.
    @discardableResult
    func cancel(processID: Int32, secretKey: Int32) -> Bool {
        lock.lock()
        let c = connections[processID]
        lock.unlock()
        guard let c else { return false }
        let a = withUnsafeBytes(of: c.secretKey.bigEndian) { Array($0) }
        let b = withUnsafeBytes(of: secretKey.bigEndian) { Array($0) }
        guard SCRAM.constantTimeEqual(a, b) else { return false }
        c.cancel()
        return true
    }
}

final class PostgresConnectionHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    var buffer: ByteBuffer?
    var decoder = FrontendMessageDecoder()
    var startup: StartupStateMachine
    var connection: WireConnection?
    var inbox: ChannelTransport?
    var holdsSlot = false
    let registry: ConnectionRegistry
    let factory: SessionFactory
    let tls: NIOSSLContext?
    let options: ServerOptions
    let logger: Logger
    var closing = false

    init(startup: StartupStateMachine, registry: ConnectionRegistry, factory: SessionFactory, tls: NIOSSLContext?,
         options: ServerOptions, logger: Logger) {
        self.startup = startup; self.registry = registry; self.factory = factory; self.tls = tls
        self.options = options; self.logger = logger
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        if buffer == nil { buffer = incoming } else { buffer!.writeBuffer(&incoming) }
        guard var buf = buffer else { return }
        buffer = nil
        defer {
            if buf.readableBytes > 0 { buf.discardReadBytes(); buffer = buf }
        }
        var consumed = 0
        // Messages of one read go to the worker together: one lock and one wake-up for a
        // pipelined Parse/Bind/Describe/Execute/Sync instead of one per message.
        var batch: [(FrontendMessage, Int)] = []
        func deliver() {
            guard let inbox, !batch.isEmpty else { return }
            if inbox.enqueue(batch) {
                // The worker is behind: stop reading until it has drained half of its inbox.
                context.channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
            }
            batch.removeAll()
        }
        defer { deliver() }
        while !closing {
            let message: FrontendMessage
            do {
                let before = buf.readableBytes
                guard let m = try decoder.next(&buf) else { return }
                consumed = before - buf.readableBytes
                message = m
            } catch let violation as ProtocolViolation {
                deliver()
                logger.info("protocol violation", metadata: ["error": "\(violation.message)"])
                fatal(context, SQLState.protocolViolation, violation.message)
                return
            } catch {
                deliver()
                fatal(context, SQLState.protocolViolation, "\(error)")
                return
            }
            if connection != nil {
                batch.append((message, consumed))
                if case .terminate = message { closing = true }
                continue
            }
            for action in startup.receive(message) {
                perform(action, context: context, pendingBytes: buf.readableBytes)
            }
        }
    }

    func perform(_ action: StartupAction, context: ChannelHandlerContext, pendingBytes: Int) {
        switch action {
        case .send(let message):
            var out = context.channel.allocator.buffer(capacity: 64)
            BackendEncoder.encode(message, into: &out)
            context.writeAndFlush(wrapOutboundOut(out), promise: nil)
        case .startTLS:
            guard let tls, pendingBytes == 0 else {
                fatal(context, SQLState.protocolViolation, "received unencrypted data after SSL request")
                return
            }
            do {
                try context.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls), position: .first)
                startup.isTLS = true
                decoder.expectingStartup = true
            } catch {
                fatal(context, SQLState.protocolViolation, "could not start TLS")
            }
        case .cancel(let pid, let key):
            let matched = registry.cancel(processID: pid, secretKey: key)
            logger.info("cancel request", metadata: ["pid": "\(pid)", "matched": "\(matched)"])
        case .close:
            closing = true
            context.close(promise: nil)
        case .authenticated(let user, let parameters):
            guard registry.reserve() else {
                fatal(context, WireSQLState.tooManyConnections, "sorry, too many clients already")
                return
            }
            holdsSlot = true
            let pid = registry.newProcessID()
            let transport = ChannelTransport(channel: context.channel)
            let c = WireConnection(transport: transport, processID: pid, secretKey: Int32.random(in: Int32.min...Int32.max),
                                   user: user, parameters: parameters, factory: factory, serverVersion: options.serverVersion,
                                   logger: logger)
            registry.add(c)
            c.onFinish = { [registry] in registry.remove(pid) }
            connection = c
            inbox = transport
            logger.info("connection authorized", metadata: ["user": "\(user)", "pid": "\(pid)", "tls": "true",
                                                             "application": "\(parameters["application_name"] ?? "")"])
            c.start()
        }
    }

    func fatal(_ context: ChannelHandlerContext, _ state: String, _ message: String) {
        closing = true
        var out = context.channel.allocator.buffer(capacity: 64)
        BackendEncoder.encode(.error(ErrorFields(severity: "FATAL", sqlState: state, message: message)), into: &out)
        context.writeAndFlush(wrapOutboundOut(out)).whenComplete { _ in context.close(promise: nil) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        connection?.clientGone()
        if holdsSlot { registry.release(); holdsSlot = false }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        logger.debug("connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }
}

public final class PostgresServer: @unchecked Sendable {
    public let options: ServerOptions
    let credentials: CredentialStore
    let factory: SessionFactory
    let logger: Logger
    /// Runs TLS connections only (NIO-SSL); plain TCP never touches it.
    let group: MultiThreadedEventLoopGroup
    let registry: ConnectionRegistry
    var listener: SocketListener?
    var tls: NIOSSLContext?
    var startupConfiguration: StartupConfiguration
    let mockSecret: [UInt8]
    private let stopping = NSCondition()
    private var stopped = false
    /// Connections still in start-up on their own threads, so that a flood of them cannot make unbounded threads.
    private let startupLock = NSLock()
    private var startingUp = 0

    public init(options: ServerOptions, credentials: CredentialStore, sessions: SessionFactory, logger: Logger) {
        self.options = options; self.credentials = credentials; self.factory = sessions; self.logger = logger
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        registry = ConnectionRegistry(limit: options.maxConnections)
        mockSecret = (0..<32).map { _ in UInt8.random(in: 0...255) }
        startupConfiguration = StartupConfiguration(authentication: options.authentication, databaseName: options.databaseName,
                                                    tlsAvailable: false, mockSecret: mockSecret)
    }

    /// Checks option combinations PostgreSQL's pg_hba would refuse.
    public static func validate(_ options: ServerOptions) throws {
        let loopback = ["127.0.0.1", "::1", "localhost"].contains(options.host) || options.host.hasPrefix("127.")
        if options.authentication == .trust && !loopback {
            throw SQLError(SQLState.invalidAuthorizationSpecification, "--auth trust is only allowed when listening on a loopback address")
        }
        if (options.tlsCertificate == nil) != (options.tlsKey == nil) {
            throw SQLError(SQLState.invalidParameterValue, "--tls-cert and --tls-key must be given together")
        }
        if options.authentication == .password && options.tlsCertificate == nil {
            throw SQLError(SQLState.invalidAuthorizationSpecification, "--auth password sends passwords in clear text and needs --tls-cert/--tls-key")
        }
        guard options.maxConnections >= 1 else {
            throw SQLError(SQLState.invalidParameterValue, "--max-connections must be at least 1")
        }
    }

    /// Binds and starts accepting; returns the bound address (port 0 picks a free one).
    @discardableResult
    public func start() throws -> SocketAddress {
        try Self.validate(options)
        if let cert = options.tlsCertificate, let key = options.tlsKey {
            let chain = try NIOSSLCertificate.fromPEMFile(cert).map { NIOSSLCertificateSource.certificate($0) }
            let configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(try NIOSSLPrivateKey(file: key, format: .pem)))
            tls = try NIOSSLContext(configuration: configuration)
        }
        startupConfiguration.tlsAvailable = tls != nil
        let listener = try SocketListener(host: options.host, port: options.port)
        self.listener = listener
        listener.start { [self] fd in self.accepted(fd) }
        startWatchdog()
        let address = listener.localAddress
        logger.info("listening", metadata: ["address": "\(address)", "database": "\(options.databaseName)",
                                             "auth": "\(options.authentication.rawValue)", "tls": "\(tls != nil)"])
        return address
    }

    /// A new connection gets a thread of its own for start-up and, once authenticated, its queries.
    func accepted(_ fd: CInt) {
        let socket = BlockingSocket(descriptor: fd)
        startupLock.lock()
        let crowded = startingUp >= options.maxConnections + 64
        if !crowded { startingUp += 1 }
        startupLock.unlock()
        if crowded {
            var out = ByteBufferAllocator().buffer(capacity: 64)
            BackendEncoder.encode(.error(ErrorFields(severity: "FATAL", sqlState: WireSQLState.tooManyConnections,
                                                     message: "sorry, too many clients already")), into: &out)
            socket.write(out)
            socket.close()
            return
        }
        let thread = Thread { [self] in
            ConnectionThreadScheduling.applyToCurrentThread()
            AcceptedConnection(server: self, socket: socket, startupEnded: { [self] in
                startupLock.lock(); startingUp -= 1; startupLock.unlock()
            }).run()
        }
        // Queries recurse through the planner and expression trees: the same stack as the shell's main thread.
        thread.stackSize = 64 << 20
        thread.name = "lakesql-conn"
        thread.start()
    }

    /// Registers an authenticated connection; nil when the server is full.
    func admit(transport: WireTransport, user: String, parameters: [String: String]) -> WireConnection? {
        guard registry.reserve() else { return nil }
        let pid = registry.newProcessID()
        let c = WireConnection(transport: transport, processID: pid, secretKey: Int32.random(in: Int32.min...Int32.max),
                               user: user, parameters: parameters, factory: factory, serverVersion: options.serverVersion,
                               logger: logger)
        registry.add(c)
        c.onFinish = { [registry] in registry.remove(pid); registry.release() }
        logger.info("connection authorized", metadata: ["user": "\(user)", "pid": "\(pid)",
                                                         "application": "\(parameters["application_name"] ?? "")"])
        return c
    }

    /// After answering an SSLRequest with 'S': the TLS handshake and the rest of start-up run on the event loop.
    func continueWithTLS(descriptor: CInt, startup: StartupStateMachine) {
        guard let tls else { _ = systemClose(descriptor); return }
        let handler = PostgresConnectionHandler(startup: startup, registry: registry, factory: factory, tls: tls,
                                                options: options, logger: logger)
        let connecting = ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls))
                    try channel.pipeline.syncOperations.addHandler(handler)
                }
            }
            .withConnectedSocket(descriptor)
        connecting.whenFailure { [logger] error in
            logger.info("could not start TLS", metadata: ["error": "\(error)"])
        }
    }

    /// A client that hangs up while its statement runs gets that statement cancelled, as with PostgreSQL's
    /// client_connection_check_interval: the worker itself is not reading the socket then.
    private func startWatchdog() {
        let thread = Thread { [self] in
            while !waitForStop(seconds: Self.hangUpCheckInterval) {
                for c in registry.all where c.isBusy && c.transport.peerHungUp() {
                    logger.info("client hung up during a statement: cancelling it", metadata: ["pid": "\(c.processID)"])
                    c.clientGone()
                }
            }
        }
        thread.name = "lakesql-watchdog"
        thread.start()
    }

    static let hangUpCheckInterval = 0.1

    /// Waits up to `seconds`; true once shutdown has begun.
    private func waitForStop(seconds: Double) -> Bool {
        stopping.lock(); defer { stopping.unlock() }
        if !stopped { _ = stopping.wait(until: Date().addingTimeInterval(seconds)) }
        return stopped
    }

    static func isLoopback(_ address: SocketAddress?) -> Bool {
        guard let address else { return false }
        switch address {
        case .unixDomainSocket: return true
        case .v4: return address.ipAddress?.hasPrefix("127.") ?? false
        case .v6: return address.ipAddress == "::1" || (address.ipAddress?.hasPrefix("::ffff:127.") ?? false)
        }
    }

    /// Stops accepting, waits up to `grace` seconds for running statements, then cancels them and closes every connection.
    public func shutdown(grace: Double) {
        logger.info("shutting down", metadata: ["grace_seconds": "\(grace)"])
        listener?.close()
        let deadline = Date().addingTimeInterval(grace)
        while Date() < deadline, registry.all.contains(where: { !$0.isIdle }) {
            Thread.sleep(forTimeInterval: 0.05)
        }
        for c in registry.all {
            if !c.isIdle { c.cancel() }
            c.terminate()
        }
        // Workers say goodbye (FATAL 57P01) and close; one stuck writing to a client that stopped reading is cut off.
        let closing = Date().addingTimeInterval(5)
        while Date() < closing, !registry.all.isEmpty { Thread.sleep(forTimeInterval: 0.02) }
        for c in registry.all { c.transport.forceClose() }
        stopping.lock(); stopped = true; stopping.broadcast(); stopping.unlock()
        try? group.syncShutdownGracefully()
        logger.info("stopped")
    }

    /// Blocks until shutdown() has run.
    public func waitUntilClosed() throws {
        stopping.lock(); defer { stopping.unlock() }
        while !stopped { stopping.wait() }
    }
}
