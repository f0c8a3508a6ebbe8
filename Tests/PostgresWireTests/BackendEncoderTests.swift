// Every backend message kind through BackendEncoder: one type byte, a length
// word equal to the bytes that follow it, and for the messages with strings
// the exact body PostgreSQL sends (C strings, embedded NULs dropped).

import NIOCore
import XCTest
@testable import PostgresWire

final class BackendEncoderTests: XCTestCase {
    private func encoded(_ m: BackendMessage) -> (type: UInt8, body: [UInt8]) {
        var b = ByteBuffer()
        BackendEncoder.encode(m, into: &b)
        let type = b.readInteger(as: UInt8.self) ?? 0
        let length = Int(b.readInteger(as: Int32.self) ?? -1)
        XCTAssertEqual(length, 4 + b.readableBytes, "length word of \(m)")
        return (type, b.readBytes(length: b.readableBytes) ?? [])
    }

    private func c(_ s: String) -> [UInt8] { Array(s.utf8) + [0] }

    func testEveryMessageIsFramedWithItsLength() {
        let fields = ErrorFields(severity: "ERROR", sqlState: "22012", message: "division by zero", detail: "d\u{0}x", hint: "h", position: 7)
        let messages: [BackendMessage] = [
            .authentication(.ok), .authentication(.cleartextPassword), .authentication(.md5Password(salt: [1, 2, 3, 4])),
            .authentication(.sasl(mechanisms: ["SCRAM-SHA-256"])), .authentication(.saslContinue([9, 8, 7])),
            .authentication(.saslFinal([])), .parameterStatus(name: "TimeZone", value: "UTC"),
            .backendKeyData(processID: 42, secretKey: -1), .readyForQuery(.idle),
            .rowDescription([ColumnDescription(name: "a\u{0}b", typeOID: 23, typeSize: 4, typeModifier: -1, format: 0)]),
            .noData, .parameterDescription([23, 25]), .parseComplete, .bindComplete, .closeComplete, .portalSuspended,
            .commandComplete("SELECT 3"), .emptyQueryResponse, .error(fields), .notice(fields),
            .copyOutResponse(binary: false, columns: 3), .copyData([1, 2, 3]), .copyDone,
        ]
        for m in messages { _ = encoded(m) }

        XCTAssertEqual(encoded(.authentication(.md5Password(salt: [1, 2, 3, 4]))).body, [0, 0, 0, 5, 1, 2, 3, 4])
        XCTAssertEqual(encoded(.authentication(.sasl(mechanisms: ["SCRAM-SHA-256"]))).body, [0, 0, 0, 10] + c("SCRAM-SHA-256") + [0])
        XCTAssertEqual(encoded(.parameterStatus(name: "TimeZone", value: "UTC")).body, c("TimeZone") + c("UTC"))
        XCTAssertEqual(encoded(.readyForQuery(.inTransaction)).body, [UInt8(ascii: "T")])
        XCTAssertEqual(encoded(.commandComplete("SELECT 3")).body, c("SELECT 3"))
        XCTAssertEqual(encoded(.rowDescription([ColumnDescription(name: "a\u{0}b", typeOID: 23, typeSize: 4, typeModifier: -1, format: 0)])).body,
                       [0, 1] + c("ab") + [0, 0, 0, 0, 0, 0, 0, 0, 0, 23, 0, 4, 255, 255, 255, 255, 0, 0])
        let error = encoded(.error(fields))
        XCTAssertEqual(error.type, UInt8(ascii: "E"))
        XCTAssertEqual(error.body, [UInt8(ascii: "S")] + c("ERROR") + [UInt8(ascii: "V")] + c("ERROR") + [UInt8(ascii: "C")] + c("22012")
                       + [UInt8(ascii: "M")] + c("division by zero") + [UInt8(ascii: "D")] + c("dx") + [UInt8(ascii: "H")] + c("h")
                       + [UInt8(ascii: "P")] + c("7") + [0])
        XCTAssertEqual(encoded(.notice(fields)).type, UInt8(ascii: "N"))
        XCTAssertEqual(encoded(.copyOutResponse(binary: true, columns: 2)).body, [1, 0, 2, 0, 1, 0, 1])
        XCTAssertEqual(encoded(.copyData([1, 2, 3])).body, [1, 2, 3])
    }
}
