// The session plan cache seen through the extended protocol (what pgbench
// -M extended, drivers and pools send): the same unnamed Parse/Bind/Describe/
// Execute/Sync of one text, again and again, must answer what a fresh bind
// would after SET ROLE, RESET ROLE, GRANT and REVOKE — and DataRows encoded
// straight into the output must not leave anything behind on an error.

import XCTest
import Foundation
import Columnar
import Engine
@testable import PostgresWire

final class PlanCacheWireTests: XCTestCase {
    var directory = ""

    override func setUpWithError() throws {
        directory = NSTemporaryDirectory() + "plan-cache-wire-\(UInt64.random(in: 0...UInt64.max))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: directory) }

    /// One extended-protocol round trip of `sql`, as pgbench -M extended sends it.
    private func extended(_ processor: QueryProcessor, _ sink: CollectingSink, _ sql: String) -> [BackendMessage] {
        processor.handle(.parse(name: "", query: sql, parameterTypes: []))
        processor.handle(.bind(BindMessage(portal: "", statement: "", parameterFormats: [], parameters: [], resultFormats: [])))
        processor.handle(.describe(kind: .portal, name: ""))
        processor.handle(.execute(portal: "", maxRows: 0))
        processor.handle(.sync)
        return sink.drain()
    }

    private func simple(_ processor: QueryProcessor, _ sink: CollectingSink, _ sql: String) -> [BackendMessage] {
        processor.handle(.query(sql))
        return sink.drain()
    }

    func testRepeatedSelectOneIsAnsweredFromTheKeptPlan() throws {
        let (processor, sink) = try makeProcessor()
        for _ in 0..<3 {
            let m = extended(processor, sink, "SELECT 1")
            XCTAssertEqual(decodeRows(m), [["1"]])
            XCTAssertEqual(tags(m), ["SELECT 1"])
            XCTAssertEqual(m.last, .readyForQuery(.idle))
        }
        XCTAssertEqual(processor.session.cachedPlanCount, 1)
        XCTAssertEqual(decodeRows(simple(processor, sink, "SELECT 1")), [["1"]])
    }

    func testSameTextAfterSetRoleGrantAndRevokeGivesTheFreshAnswer() throws {
        let db = try Database(options: DatabaseOptions(catalogPath: directory + "/catalog.db"))
        let admin = db.connect()
        try admin.executeScript("""
            CREATE VIEW banner AS SELECT 'hello' AS msg;
            CREATE ROLE staff; CREATE USER carol PASSWORD 'pw' IN ROLE staff;
            GRANT SELECT ON banner TO carol;
            """) { r in while try r.next() != nil {} }
        let sink = CollectingSink()
        let processor = QueryProcessor(session: try db.connect(user: "carol", client: "test"), sink: sink, processID: 1, secretKey: 2)
        let who = "SELECT current_user AS u"
        XCTAssertEqual(decodeRows(extended(processor, sink, who)), [["carol"]])
        XCTAssertEqual(decodeRows(extended(processor, sink, "SELECT msg FROM banner")), [["hello"]])
        XCTAssertEqual(decodeRows(extended(processor, sink, "SELECT msg FROM banner")), [["hello"]])

        _ = simple(processor, sink, "SET ROLE staff")
        XCTAssertEqual(decodeRows(extended(processor, sink, who)), [["staff"]])
        XCTAssertEqual(errors(extended(processor, sink, "SELECT msg FROM banner")), ["42501"], "staff has no grant on banner")
        _ = simple(processor, sink, "RESET ROLE")
        XCTAssertEqual(decodeRows(extended(processor, sink, who)), [["carol"]])
        XCTAssertEqual(decodeRows(extended(processor, sink, "SELECT msg FROM banner")), [["hello"]])

        _ = try admin.execute("REVOKE SELECT ON banner FROM carol").allRows()
        XCTAssertEqual(errors(extended(processor, sink, "SELECT msg FROM banner")), ["42501"])
        XCTAssertEqual(errors(simple(processor, sink, "SELECT msg FROM banner")), ["42501"])
        _ = try admin.execute("GRANT SELECT ON banner TO staff").allRows()
        XCTAssertEqual(decodeRows(extended(processor, sink, "SELECT msg FROM banner")), [["hello"]])
    }

    /// A DataRow encoding that fails half-way through a batch must not leave a partial message
    /// in the socket sink's output buffer (rows are encoded there directly).
    func testFailedRowEncodingLeavesNothingInTheOutput() throws {
        var fds: [Int32] = [0, 0]
        #if canImport(Glibc)
        XCTAssertEqual(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &fds), 0)
        #else
        XCTAssertEqual(socketpair(AF_UNIX, SOCK_STREAM, 0, &fds), 0)
        #endif
        let socket = BlockingSocket(descriptor: fds[0])
        defer { socket.close(); close(fds[1]) }
        let sink = SocketSink(socket: socket)
        struct Boom: Error {}
        XCTAssertThrowsError(try sink.sendDataRows(count: 1, capacity: 16) { out in
            out.writeInteger(UInt8(ascii: "D")); out.writeInteger(Int32(99))
            throw Boom()
        })
        sink.send(.readyForQuery(.idle))
        sink.flush()
        var received = [UInt8](repeating: 0, count: 64)
        let n = recv(fds[1], &received, received.count, 0)
        XCTAssertEqual(Array(received[0..<max(0, n)]), [UInt8(ascii: "Z"), 0, 0, 0, 5, UInt8(ascii: "I")])
    }
}
