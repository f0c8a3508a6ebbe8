// The listening socket and what happens to each accepted connection: a
// thread per connection runs the start-up state machine over blocking
// reads and writes and then becomes that connection's worker (PostgreSQL's
// process-per-connection model, with threads). A connection that asks for
// TLS is handed to the NIO event loop right after the 'S' answer, because
// TLS lives in NIO-SSL; everything else never touches an event loop.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Columnar
import Foundation
import Logging
import NIOCore

/// A listening TCP socket with an accept loop on its own thread; close() stops it.
final class SocketListener: @unchecked Sendable {
    private let descriptor: CInt
    /// Written to by close() so that the accept loop's poll returns.
    private let wakeRead: CInt
    private let wakeWrite: CInt
    let localAddress: SocketAddress
    private let finished = DispatchSemaphore(value: 0)

    init(host: String, port: Int, backlog: CInt = 256) throws {
        let address: SocketAddress
        do { address = try SocketAddress.makeAddressResolvingHost(host, port: port) } catch {
            throw SQLError(SQLState.invalidParameterValue, "could not resolve listen address \"\(host)\": \(error)")
        }
        let family: CInt
        switch address {
        case .v4: family = AF_INET
        case .v6: family = AF_INET6
        case .unixDomainSocket: throw SQLError(SQLState.invalidParameterValue, "listen address \"\(host)\" is not a TCP address")
        }
        #if canImport(Glibc)
        let fd = socket(family, CInt(SOCK_STREAM.rawValue) | CInt(SOCK_CLOEXEC.rawValue), 0)
        #else
        let fd = socket(family, SOCK_STREAM, 0)
        #endif
        guard fd >= 0 else { throw SQLError(SQLState.internalError, "could not create socket: \(String(cString: strerror(errno)))") }
        var one: CInt = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<CInt>.size))
        let bound = address.withSockAddr { bind(fd, $0, socklen_t($1)) }
        guard bound == 0, listen(fd, backlog) == 0 else {
            let why = String(cString: strerror(errno))
            _ = systemClose(fd)
            throw SQLError(SQLState.internalError, "could not listen on \(host):\(port): \(why)")
        }
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        var pipeEnds: [CInt] = [0, 0]
        guard pipe(&pipeEnds) == 0 else {
            _ = systemClose(fd)
            throw SQLError(SQLState.internalError, "could not create pipe: \(String(cString: strerror(errno)))")
        }
        descriptor = fd
        wakeRead = pipeEnds[0]; wakeWrite = pipeEnds[1]
        localAddress = SocketAddress(storage: storage) ?? address
    }

    /// Calls `accepted` on the accept thread for each new connection's descriptor.
    func start(accepted: @escaping @Sendable (CInt) -> Void) {
        let thread = Thread { [self] in
            defer { finished.signal() }
            var entries = [pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0),
                           pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
            while true {
                let ready = poll(&entries, 2, -1)
                if ready < 0 { if errno == EINTR { continue }; return }
                if entries[1].revents != 0 { return }
                guard entries[0].revents != 0 else { continue }
                let fd = accept(descriptor, nil, nil)
                if fd >= 0 {
                    _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
                    accepted(fd)
                    continue
                }
                // Out of descriptors and the like: back off instead of spinning.
                if errno != EINTR && errno != EAGAIN && errno != ECONNABORTED { usleep(10_000) }
            }
        }
        thread.name = "lakesql-accept"
        thread.start()
    }

    /// Stops accepting and closes the listening socket (new connections are refused from then on).
    func close() {
        var byte: UInt8 = 1
        _ = write(wakeWrite, &byte, 1)
        finished.wait()
        _ = systemClose(descriptor)
        _ = systemClose(wakeRead)
        _ = systemClose(wakeWrite)
    }
}

func systemClose(_ fd: CInt) -> CInt {
    #if canImport(Glibc)
    return Glibc.close(fd)
    #else
    return Darwin.close(fd)
    #endif
}

/// Start-up of one accepted plain-TCP connection on its own thread, then its query phase.
struct AcceptedConnection {
    let server: PostgresServer
    let socket: BlockingSocket
    /// Called once start-up is over (authenticated, refused or abandoned).
    let startupEnded: () -> Void

    /// PostgreSQL's authentication_timeout: a client that stalls during start-up is dropped.
    static let startupTimeoutSeconds = 60

    func run() {
        var inStartup = true
        defer { if inStartup { startupEnded() } }
        socket.setNoDelay()
        socket.setReceiveTimeout(seconds: Self.startupTimeoutSeconds)
        let peer = socket.peerAddress()
        let clientAddress = peer.map { "\($0.ipAddress ?? "?"):\($0.port ?? 0)" } ?? "wire"
        var machine = StartupStateMachine(configuration: server.startupConfiguration, credentials: server.credentials,
                                          peerIsLoopback: PostgresServer.isLoopback(peer))
        var reader = SocketFrameReader(socket: socket)
        let sink = SocketSink(socket: socket)
        while true {
            let message: FrontendMessage
            do {
                guard let m = try reader.next() else { socket.close(); return }
                message = m
            } catch let violation as ProtocolViolation {
                server.logger.info("protocol violation", metadata: ["error": "\(violation.message)"])
                fatal(sink, SQLState.protocolViolation, violation.message)
                return
            } catch {
                fatal(sink, SQLState.protocolViolation, "\(error)")
                return
            }
            for action in machine.receive(message) {
                switch action {
                case .send(let reply):
                    sink.send(reply)
                case .startTLS:
                    sink.flush()
                    guard reader.bufferedBytes == 0 else {
                        fatal(sink, SQLState.protocolViolation, "received unencrypted data after SSL request")
                        return
                    }
                    machine.isTLS = true
                    server.continueWithTLS(descriptor: socket.release(), startup: machine)
                    return
                case .cancel(let pid, let key):
                    let matched = server.registry.cancel(processID: pid, secretKey: key)
                    server.logger.info("cancel request", metadata: ["pid": "\(pid)", "matched": "\(matched)"])
                case .close:
                    sink.flush()
                    socket.close(draining: true)
                    return
                case .authenticated(let user, let parameters):
                    // AuthenticationOk goes out together with the session's ParameterStatus messages.
                    socket.setReceiveTimeout(seconds: 0)
                    let transport = SocketTransport(reader: reader, sink: sink, clientAddress: clientAddress)
                    guard let connection = server.admit(transport: transport, user: user, parameters: parameters) else {
                        fatal(sink, WireSQLState.tooManyConnections, "sorry, too many clients already")
                        return
                    }
                    inStartup = false
                    startupEnded()
                    connection.run()
                    return
                }
            }
            sink.flush()
        }
    }

    func fatal(_ sink: SocketSink, _ state: String, _ message: String) {
        sink.send(.error(ErrorFields(severity: "FATAL", sqlState: state, message: message)))
        sink.flush()
        socket.close(draining: true)
    }
}
