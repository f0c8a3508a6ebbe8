// Bytes-level edge cases of the frontend decoder: every malformed input is a
// ProtocolViolation (answered with 08P01 and a close), never a crash; partial
// input waits for more bytes.

import NIOCore
import XCTest
@testable import PostgresWire

final class FrontendDecoderTests: XCTestCase {
    func startupBytes(_ params: [(String, String)], version: Int32 = ProtocolCodes.version3) -> ByteBuffer {
        var body = ByteBuffer()
        body.writeInteger(version)
        for (k, v) in params { body.writeString(k); body.writeInteger(UInt8(0)); body.writeString(v); body.writeInteger(UInt8(0)) }
        body.writeInteger(UInt8(0))
        var b = ByteBuffer()
        b.writeInteger(Int32(body.readableBytes + 4))
        b.writeBuffer(&body)
        return b
    }

    func message(_ type: Character, _ body: [UInt8]) -> ByteBuffer {
        var b = ByteBuffer()
        b.writeInteger(UInt8(ascii: type.unicodeScalars.first!))
        b.writeInteger(Int32(body.count + 4))
        b.writeBytes(body)
        return b
    }

    func testStartupPacketDecodesParameters() throws {
        var d = FrontendMessageDecoder()
        var b = startupBytes([("user", "alice"), ("database", "lakesql"), ("client_encoding", "'utf-8'")])
        let m = try d.next(&b)
        XCTAssertEqual(m, .startup(protocolVersion: ProtocolCodes.version3,
                                   parameters: ["user": "alice", "database": "lakesql", "client_encoding": "'utf-8'"]))
        XCTAssertFalse(d.expectingStartup)
        XCTAssertEqual(b.readableBytes, 0)
    }

    func testPartialStartupWaitsForMoreBytes() throws {
        var d = FrontendMessageDecoder()
        let full = startupBytes([("user", "alice")])
        var partial = full.getSlice(at: 0, length: full.readableBytes - 3)!
        XCTAssertNil(try d.next(&partial))
        XCTAssertTrue(d.expectingStartup)
    }

    func testSSLAndCancelRequests() throws {
        var d = FrontendMessageDecoder()
        var b = ByteBuffer()
        b.writeInteger(Int32(8)); b.writeInteger(ProtocolCodes.sslRequest)
        XCTAssertEqual(try d.next(&b), .sslRequest)
        b.writeInteger(Int32(16)); b.writeInteger(ProtocolCodes.cancelRequest); b.writeInteger(Int32(42)); b.writeInteger(Int32(-7))
        XCTAssertEqual(try d.next(&b), .cancelRequest(processID: 42, secretKey: -7))
    }

    func testGarbageStartupPacketsAreViolations() {
        let cases: [[UInt8]] = [
            [0, 0, 0, 4, 0, 0, 0, 0],                 // length below the minimum
            [0x7F, 0xFF, 0xFF, 0xFF, 1, 2, 3, 4],     // length far above 10 000
            [0, 0, 0, 8, 0, 2, 0, 0],                 // protocol 2.0
            [0, 0, 0, 12, 0x04, 0xD2, 0x16, 0x2F, 1, 2, 3, 4], // SSLRequest with a body
            [0, 0, 0, 12, 0, 3, 0, 0, 0x75, 0x73, 0x65, 0x72], // parameters without terminators
            [0x47, 0x45, 0x54, 0x20, 0x2F, 0x20, 0x48, 0x54], // "GET / HT" (an HTTP client)
        ]
        for bytes in cases {
            var d = FrontendMessageDecoder()
            var b = ByteBuffer(bytes: bytes)
            XCTAssertThrowsError(try d.next(&b), "\(bytes)") { XCTAssertTrue($0 is ProtocolViolation) }
        }
    }

    func testInvalidUTF8InStartupIsAViolation() {
        var d = FrontendMessageDecoder()
        var body = ByteBuffer()
        body.writeInteger(ProtocolCodes.version3)
        body.writeBytes(Array("user".utf8) + [0, 0xC3, 0x28, 0, 0])
        var b = ByteBuffer()
        b.writeInteger(Int32(body.readableBytes + 4)); b.writeBuffer(&body)
        XCTAssertThrowsError(try d.next(&b)) { XCTAssertTrue($0 is ProtocolViolation) }
    }

    func afterStartup() -> FrontendMessageDecoder {
        var d = FrontendMessageDecoder()
        d.expectingStartup = false
        return d
    }

    func testQueryParseBindExecute() throws {
        var d = afterStartup()
        var b = message("Q", Array("SELECT 1".utf8) + [0])
        XCTAssertEqual(try d.next(&b), .query("SELECT 1"))
        // Parse "s1", "SELECT $1", one type int4
        b = message("P", Array("s1".utf8) + [0] + Array("SELECT $1".utf8) + [0, 0, 1, 0, 0, 0, 23])
        XCTAssertEqual(try d.next(&b), .parse(name: "s1", query: "SELECT $1", parameterTypes: [23]))
        // Bind portal "", statement "s1", one binary format, one param (4 bytes), one NULL, result formats [1]
        b = message("B", [0] + Array("s1".utf8) + [0, 0, 1, 0, 1, 0, 2, 0, 0, 0, 4, 0, 0, 0, 42, 0xFF, 0xFF, 0xFF, 0xFF, 0, 1, 0, 1])
        XCTAssertEqual(try d.next(&b), .bind(BindMessage(portal: "", statement: "s1", parameterFormats: [1],
                                                          parameters: [[0, 0, 0, 42], nil], resultFormats: [1])))
        b = message("E", [0, 0, 0, 0, 10])
        XCTAssertEqual(try d.next(&b), .execute(portal: "", maxRows: 10))
        b = message("D", [UInt8(ascii: "S")] + Array("s1".utf8) + [0])
        XCTAssertEqual(try d.next(&b), .describe(kind: .statement, name: "s1"))
        b = message("S", [])
        XCTAssertEqual(try d.next(&b), .sync)
    }

    func testTruncatedAndLyingMessagesAreViolations() {
        let bad: [ByteBuffer] = [
            message("Q", Array("SELECT 1".utf8)),                       // no terminator
            message("E", [0, 0, 0]),                                    // maxRows cut short
            message("B", [0, 0, 0x7F, 0xFF]),                           // 32767 formats that are not there
            message("B", [0, 0, 0, 0, 0, 1, 0x7F, 0, 0, 0]),            // parameter longer than the message
            message("B", [0, 0, 0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFE]),   // negative parameter length other than -1
            message("D", [UInt8(ascii: "X"), 0]),                       // bad describe kind
            message("S", [1, 2, 3]),                                    // Sync with a body
            message("P", Array("s".utf8) + [0] + Array("q".utf8) + [0, 0xFF, 0xFF]), // negative type count
        ]
        for var b in bad {
            var d = afterStartup()
            XCTAssertThrowsError(try d.next(&b)) { XCTAssertTrue($0 is ProtocolViolation, "\($0)") }
        }
    }

    func testUnknownTypeAndBadLengthsAreViolations() {
        var d = afterStartup()
        var b = ByteBuffer(bytes: [UInt8(ascii: "Z"), 0, 0, 0, 4])
        XCTAssertThrowsError(try d.next(&b))
        b = ByteBuffer(bytes: [UInt8(ascii: "Q"), 0, 0, 0, 3])
        XCTAssertThrowsError(try d.next(&b))
        b = ByteBuffer(bytes: [UInt8(ascii: "Q"), 0xFF, 0xFF, 0xFF, 0xFF])
        XCTAssertThrowsError(try d.next(&b))
    }

    func testOversizedMessageRefusedBeforeItArrives() {
        var d = afterStartup()
        d.maxMessageLength = 1000
        var b = ByteBuffer(bytes: [UInt8(ascii: "Q"), 0, 0, 0x10, 0])
        XCTAssertThrowsError(try d.next(&b)) { XCTAssertTrue($0 is ProtocolViolation) }
    }

    func testSplitMessageWaitsThenDecodes() throws {
        var d = afterStartup()
        let full = message("Q", Array("SELECT 42".utf8) + [0])
        var first = full.getSlice(at: 0, length: 7)!
        XCTAssertNil(try d.next(&first))
        var all = full
        XCTAssertEqual(try d.next(&all), .query("SELECT 42"))
    }
}
