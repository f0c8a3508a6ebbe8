// The plain-TCP I/O path over a socketpair (no listener, no TCP): framing of
// messages split across reads and pipelined in one read, output held until a
// flush, hang-up detection while the worker is busy, a whole query-phase
// round trip through WireConnection, a hang-up during a long query cancelling
// it, and server shutdown saying FATAL 57P01. Also the statement text cache.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Columnar
import Engine
import Foundation
import Logging
import NIOCore
import SQLSyntax
import XCTest
@testable import PostgresWire

final class SocketTransportTests: XCTestCase {
    /// Server end (wrapped) and raw client end of a connected stream socket pair.
    func makePair() throws -> (BlockingSocket, CInt) {
        var fds: [CInt] = [0, 0]
        #if canImport(Glibc)
        let type = CInt(SOCK_STREAM.rawValue)
        #else
        let type = SOCK_STREAM
        #endif
        guard socketpair(AF_UNIX, type, 0, &fds) == 0 else { throw XCTSkip("socketpair failed") }
        return (BlockingSocket(descriptor: fds[0]), fds[1])
    }

    func writeAll(_ fd: CInt, _ bytes: [UInt8]) {
        var off = 0
        while off < bytes.count {
            let n = bytes[off...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            guard n > 0 else { return }
            off += n
        }
    }

    func queryMessage(_ sql: String) -> [UInt8] {
        let body = Array(sql.utf8) + [0]
        let length = UInt32(body.count + 4)
        return [UInt8(ascii: "Q")] + withUnsafeBytes(of: length.bigEndian) { Array($0) } + body
    }

    func startupMessage(user: String) -> [UInt8] {
        var body: [UInt8] = withUnsafeBytes(of: UInt32(196608).bigEndian) { Array($0) }
        for s in ["user", user, "database", "lakesql"] { body += Array(s.utf8) + [0] }
        body.append(0)
        return withUnsafeBytes(of: UInt32(body.count + 4).bigEndian) { Array($0) } + body
    }

    let terminate: [UInt8] = [UInt8(ascii: "X"), 0, 0, 0, 4]

    /// Reads until the peer closes (or `limit` bytes).
    func readToEnd(_ fd: CInt, limit: Int = 1 << 20) -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while out.count < limit {
            let n = read(fd, &chunk, chunk.count)
            if n <= 0 { break }
            out += chunk[0..<n]
        }
        return out
    }

    /// Backend message types in order, from raw bytes.
    func messageTypes(_ bytes: [UInt8]) -> [Character] {
        var types: [Character] = []
        var i = 0
        while i + 5 <= bytes.count {
            types.append(Character(Unicode.Scalar(bytes[i])))
            let len = Int(bytes[i + 1]) << 24 | Int(bytes[i + 2]) << 16 | Int(bytes[i + 3]) << 8 | Int(bytes[i + 4])
            i += 1 + len
        }
        return types
    }

    func testReaderJoinsAMessageSplitAcrossWritesAndSplitsPipelinedOnes() throws {
        let (socket, client) = try makePair()
        defer { socket.close(); _ = close(client) }
        var reader = SocketFrameReader(socket: socket)
        reader.decoder.expectingStartup = false
        let first = queryMessage("SELECT 1")
        writeAll(client, Array(first[0..<3]))
        let rest = Array(first[3...]) + queryMessage("SELECT 2") + terminate
        let writer = Thread { self.writeAll(client, rest) }
        writer.start()
        XCTAssertEqual(try reader.next(), .query("SELECT 1"))
        XCTAssertEqual(try reader.next(), .query("SELECT 2"))
        XCTAssertEqual(try reader.next(), .terminate)
        _ = shutdown(client, CInt(SHUT_WR))
        XCTAssertNil(try reader.next(), "end of stream")
    }

    func testReaderRejectsAnUnknownMessageType() throws {
        let (socket, client) = try makePair()
        defer { socket.close(); _ = close(client) }
        var reader = SocketFrameReader(socket: socket)
        reader.decoder.expectingStartup = false
        writeAll(client, [UInt8(ascii: "!"), 0, 0, 0, 4])
        XCTAssertThrowsError(try reader.next()) { XCTAssertTrue($0 is ProtocolViolation) }
    }

    func testSinkHoldsOutputUntilFlush() throws {
        let (socket, client) = try makePair()
        defer { socket.close(); _ = close(client) }
        let sink = SocketSink(socket: socket)
        sink.send(.readyForQuery(.idle))
        var byte: UInt8 = 0
        XCTAssertEqual(recv(client, &byte, 1, CInt(MSG_DONTWAIT)), -1, "nothing written before the flush")
        sink.flush()
        var got = [UInt8](repeating: 0, count: 6)
        XCTAssertEqual(recv(client, &got, 6, CInt(MSG_WAITALL)), 6)
        XCTAssertEqual(got, [UInt8(ascii: "Z"), 0, 0, 0, 5, UInt8(ascii: "I")])
        XCTAssertTrue(sink.awaitWritable())
    }

    func testHangUpIsSeenEvenWithPipelinedBytesUnread() throws {
        let (socket, client) = try makePair()
        defer { socket.close() }
        XCTAssertFalse(socket.peerHungUp())
        writeAll(client, queryMessage("SELECT 1"))
        XCTAssertFalse(socket.peerHungUp(), "unread bytes are not a hang-up")
        _ = close(client)
        XCTAssertTrue(socket.peerHungUp())
        let sink = SocketSink(socket: socket)
        XCTAssertFalse(sink.awaitWritable(), "the stream stops for a client that is gone")
    }

    func testWriteToAClientThatIsGoneFailsWithoutSignal() throws {
        let (socket, client) = try makePair()
        defer { socket.close() }
        _ = close(client)
        var out = ByteBufferAllocator().buffer(capacity: 8)
        out.writeBytes([1, 2, 3])
        XCTAssertFalse(socket.write(out))
        XCTAssertTrue(socket.isGone)
    }

    /// A worker on the server end of a pair, with its own in-memory database.
    func startWorker(_ socket: BlockingSocket) throws -> (WireConnection, DispatchSemaphore) {
        var reader = SocketFrameReader(socket: socket)
        reader.decoder.expectingStartup = false
        let transport = SocketTransport(reader: reader, sink: SocketSink(socket: socket), clientAddress: "test")
        let connection = WireConnection(transport: transport, processID: 7, secretKey: 9, user: "u", parameters: [:],
                                        factory: DatabaseSessionFactory(database: try Database()), serverVersion: "15.0",
                                        logger: Logger(label: "test"))
        let finished = DispatchSemaphore(value: 0)
        connection.onFinish = { finished.signal() }
        connection.start()
        return (connection, finished)
    }

    func testQueryPhaseRoundTripOverTheWorkersOwnSocket() throws {
        let (socket, client) = try makePair()
        defer { _ = close(client) }
        let (_, finished) = try startWorker(socket)
        writeAll(client, queryMessage("SELECT 41 + 1") + terminate)
        let bytes = readToEnd(client)
        XCTAssertEqual(finished.wait(timeout: .now() + 30), .success)
        let types = messageTypes(bytes)
        // ParameterStatus…, BackendKeyData, ReadyForQuery, then the query's answer.
        XCTAssertEqual(Array(types.suffix(5)), ["Z", "T", "D", "C", "Z"])
        XCTAssertTrue(types.contains("K"))
        XCTAssertNotNil(bytes.indices.first { bytes[$0...].starts(with: Array("42".utf8)) })
    }

    /// One frontend message: type byte, length, body.
    func frame(_ type: Character, _ body: [UInt8]) -> [UInt8] {
        [UInt8(ascii: type.unicodeScalars.first!)] + withUnsafeBytes(of: UInt32(body.count + 4).bigEndian) { Array($0) } + body
    }

    /// Latency: a round trip must cost the client one wake-up, so the whole answer to a
    /// Query (or to Parse/Bind/Describe/Execute/Sync) leaves in a single send. Over a
    /// SOCK_SEQPACKET pair every send is its own record, so one recv sees exactly one send.
    func testEachRoundTripIsAnsweredInOneSend() throws {
        var fds: [CInt] = [0, 0]
        #if canImport(Glibc)
        let type = CInt(SOCK_SEQPACKET.rawValue)
        #else
        let type = SOCK_STREAM
        #endif
        guard socketpair(AF_UNIX, type, 0, &fds) == 0 else { throw XCTSkip("socketpair failed") }
        let client = fds[1]
        defer { _ = close(client) }
        let (_, finished) = try startWorker(BlockingSocket(descriptor: fds[0]))
        var record = [UInt8](repeating: 0, count: 1 << 16)
        func nextRecord() -> [UInt8] {
            let n = recv(client, &record, record.count, 0)
            return n > 0 ? Array(record[0..<n]) : []
        }
        XCTAssertEqual(messageTypes(nextRecord()).last, "Z", "greeting ends with ReadyForQuery")
        for _ in 0..<3 {
            writeAll(client, queryMessage("SELECT 1"))
            XCTAssertEqual(messageTypes(nextRecord()), ["T", "D", "C", "Z"])
        }
        let sql = Array("SELECT 1".utf8) + [0]
        let parse = frame("P", [0] + sql + [0, 0])
        let bind = frame("B", [0, 0, 0, 0, 0, 0, 0, 0])
        let describe = frame("D", [UInt8(ascii: "P"), 0])
        let execute = frame("E", [0, 0, 0, 0, 0])
        let sync = frame("S", [])
        for _ in 0..<3 {
            writeAll(client, parse + bind + describe + execute + sync)
            XCTAssertEqual(messageTypes(nextRecord()), ["1", "2", "T", "D", "C", "Z"])
        }
        writeAll(client, terminate)
        XCTAssertEqual(finished.wait(timeout: .now() + 30), .success)
    }

    func testHangUpDuringALongQueryCancelsIt() throws {
        let (socket, client) = try makePair()
        let (connection, finished) = try startWorker(socket)
        writeAll(client, queryMessage("SELECT count(*) FROM generate_series(1, 2000000000)"))
        // Wait (bounded) until the statement runs, then hang up the way a killed client does.
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline, !(connection.isBusy && connection.session != nil) { usleep(1000) }
        _ = close(client)
        // What the server's watchdog does on each tick (a cancel that lands just before the
        // statement starts is lost, as with PostgreSQL's; the next tick cancels again).
        var ended = false
        let until = Date().addingTimeInterval(60)
        while !ended && Date() < until {
            if connection.isBusy && connection.transport.peerHungUp() { connection.clientGone() }
            ended = finished.wait(timeout: .now() + 0.05) == .success
        }
        XCTAssertTrue(ended, "the worker ended: its query was cancelled")
    }

    func testShutdownSaysAdminShutdownToAnIdleClient() throws {
        let (socket, client) = try makePair()
        defer { _ = close(client) }
        let (connection, finished) = try startWorker(socket)
        writeAll(client, queryMessage("SELECT 1"))
        // Read up to the query's ReadyForQuery, so the worker is idle in its blocking read.
        var seen: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while messageTypes(seen).filter({ $0 == "Z" }).count < 2 {
            let n = read(client, &chunk, chunk.count)
            XCTAssertGreaterThan(n, 0); if n <= 0 { return }
            seen += chunk[0..<n]
        }
        connection.terminate()
        let rest = readToEnd(client)
        XCTAssertEqual(finished.wait(timeout: .now() + 30), .success)
        XCTAssertEqual(messageTypes(rest), ["E"])
        XCTAssertNotNil(rest.indices.first { rest[$0...].starts(with: Array("57P01".utf8)) })
    }

    func testStatementTextCacheReusesParsesButNotErrors() throws {
        var cache = StatementTextCache()
        var parses = 0
        func parse(_ s: StatementSource) throws -> ParsedStatement {
            parses += 1
            guard let p = try Parser.parse(s.text).first else { throw SQLError(SQLState.syntaxError, "empty") }
            return p
        }
        let sources = try cache.split("SELECT 1; SELECT 2")
        XCTAssertEqual(sources.count, 2)
        _ = try cache.parse(sources[0], parse)
        _ = try cache.parse(sources[0], parse)
        XCTAssertEqual(parses, 1)
        let bad = try cache.split("SELEC 1")
        XCTAssertThrowsError(try cache.parse(bad[0], parse))
        XCTAssertThrowsError(try cache.parse(bad[0], parse))
        XCTAssertEqual(parses, 3, "a failed parse is not remembered")
        for i in 0..<(StatementTextCache.capacity + 5) {
            _ = try cache.parse(try cache.split("SELECT \(i)")[0], parse)
        }
        XCTAssertLessThanOrEqual(cache.count, StatementTextCache.capacity)
    }
}
