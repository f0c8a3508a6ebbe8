// Messages the server sends (protocol 3.0) and their encoding. Row data is
// encoded straight into a ByteBuffer by RowEncoder (one message per row would
// be too slow as enum values); everything else goes through BackendMessage so
// tests can compare what a state machine said.

import Columnar
import NIOCore

public struct ColumnDescription: Equatable, Sendable {
    public var name: String
    public var tableOID: Int32 = 0
    public var columnNumber: Int16 = 0
    public var typeOID: Int32
    public var typeSize: Int16
    public var typeModifier: Int32
    public var format: Int16
    public init(name: String, tableOID: Int32 = 0, columnNumber: Int16 = 0, typeOID: Int32, typeSize: Int16, typeModifier: Int32, format: Int16) {
        self.name = name; self.tableOID = tableOID; self.columnNumber = columnNumber
        self.typeOID = typeOID; self.typeSize = typeSize; self.typeModifier = typeModifier; self.format = format
    }
}

public enum AuthenticationRequest: Equatable, Sendable {
    case ok
    case cleartextPassword
    case md5Password(salt: [UInt8])
    case sasl(mechanisms: [String])
    case saslContinue([UInt8])
    case saslFinal([UInt8])
}

public enum BackendMessage: Equatable, Sendable {
    case sslResponse(Bool)
    case authentication(AuthenticationRequest)
    case parameterStatus(name: String, value: String)
    case backendKeyData(processID: Int32, secretKey: Int32)
    case readyForQuery(TransactionStatus)
    case rowDescription([ColumnDescription])
    case noData
    case parameterDescription([Int32])
    case parseComplete
    case bindComplete
    case closeComplete
    case portalSuspended
    case commandComplete(String)
    case emptyQueryResponse
    case error(ErrorFields)
    case notice(ErrorFields)
    case copyOutResponse(binary: Bool, columns: Int)
    case copyData([UInt8])
    case copyDone
    /// Already-encoded DataRow messages (count rows) — the streaming path.
    case dataRows(ByteBuffer, count: Int)
}

public enum TransactionStatus: UInt8, Sendable {
    case idle = 0x49 // 'I'
    case inTransaction = 0x54 // 'T'
    case failed = 0x45 // 'E'
}

/// The fields of ErrorResponse/NoticeResponse.
public struct ErrorFields: Equatable, Sendable {
    public var severity: String
    public var sqlState: String
    public var message: String
    public var detail: String?
    public var hint: String?
    public var position: Int?
    public init(severity: String = "ERROR", sqlState: String, message: String, detail: String? = nil, hint: String? = nil, position: Int? = nil) {
        self.severity = severity; self.sqlState = sqlState; self.message = message
        self.detail = detail; self.hint = hint; self.position = position
    }
    public init(_ error: SQLError, severity: String = "ERROR") {
        self.init(severity: severity, sqlState: error.sqlState, message: error.message, detail: error.detail, hint: error.hint, position: error.position)
    }
}

public enum BackendEncoder {
    public static func encode(_ message: BackendMessage, into out: inout ByteBuffer) {
        switch message {
        case .sslResponse(let yes):
            out.writeInteger(yes ? UInt8(ascii: "S") : UInt8(ascii: "N"))
        case .authentication(let request):
            frame(UInt8(ascii: "R"), &out) { b in
                switch request {
                case .ok: b.writeInteger(Int32(0))
                case .cleartextPassword: b.writeInteger(Int32(3))
                case .md5Password(let salt): b.writeInteger(Int32(5)); b.writeBytes(salt)
                case .sasl(let mechanisms):
                    b.writeInteger(Int32(10))
                    for m in mechanisms { writeCString(m, &b) }
                    b.writeInteger(UInt8(0))
                case .saslContinue(let data): b.writeInteger(Int32(11)); b.writeBytes(data)
                case .saslFinal(let data): b.writeInteger(Int32(12)); b.writeBytes(data)
                }
            }
        case .parameterStatus(let name, let value):
            frame(UInt8(ascii: "S"), &out) { b in writeCString(name, &b); writeCString(value, &b) }
        case .backendKeyData(let pid, let key):
            frame(UInt8(ascii: "K"), &out) { b in b.writeInteger(pid); b.writeInteger(key) }
        case .readyForQuery(let status):
            frame(UInt8(ascii: "Z"), &out) { b in b.writeInteger(status.rawValue) }
        case .rowDescription(let columns):
            frame(UInt8(ascii: "T"), &out) { b in
                b.writeInteger(Int16(truncatingIfNeeded: columns.count))
                for c in columns {
                    writeCString(c.name, &b)
                    b.writeInteger(c.tableOID); b.writeInteger(c.columnNumber); b.writeInteger(c.typeOID)
                    b.writeInteger(c.typeSize); b.writeInteger(c.typeModifier); b.writeInteger(c.format)
                }
            }
        case .noData: frame(UInt8(ascii: "n"), &out) { _ in }
        case .parameterDescription(let types):
            frame(UInt8(ascii: "t"), &out) { b in
                b.writeInteger(Int16(truncatingIfNeeded: types.count))
                for t in types { b.writeInteger(t) }
            }
        case .parseComplete: frame(UInt8(ascii: "1"), &out) { _ in }
        case .bindComplete: frame(UInt8(ascii: "2"), &out) { _ in }
        case .closeComplete: frame(UInt8(ascii: "3"), &out) { _ in }
        case .portalSuspended: frame(UInt8(ascii: "s"), &out) { _ in }
        case .commandComplete(let tag): frame(UInt8(ascii: "C"), &out) { b in writeCString(tag, &b) }
        case .emptyQueryResponse: frame(UInt8(ascii: "I"), &out) { _ in }
        case .error(let fields): frame(UInt8(ascii: "E"), &out) { b in writeFields(fields, &b) }
        case .notice(let fields): frame(UInt8(ascii: "N"), &out) { b in writeFields(fields, &b) }
        case .copyOutResponse(let binary, let columns):
            frame(UInt8(ascii: "H"), &out) { b in
                b.writeInteger(UInt8(binary ? 1 : 0))
                b.writeInteger(Int16(truncatingIfNeeded: columns))
                for _ in 0..<columns { b.writeInteger(Int16(binary ? 1 : 0)) }
            }
        case .copyData(let data): frame(UInt8(ascii: "d"), &out) { b in b.writeBytes(data) }
        case .copyDone: frame(UInt8(ascii: "c"), &out) { _ in }
        case .dataRows(var rows, _): out.writeBuffer(&rows)
        }
    }

    static func writeFields(_ f: ErrorFields, _ b: inout ByteBuffer) {
        func field(_ code: Character, _ value: String) {
            b.writeInteger(UInt8(ascii: code.unicodeScalars.first ?? "M"))
            writeCString(value, &b)
        }
        field("S", f.severity)
        field("V", f.severity)
        field("C", f.sqlState)
        field("M", f.message)
        if let d = f.detail { field("D", d) }
        if let h = f.hint { field("H", h) }
        if let p = f.position { field("P", String(p)) }
        b.writeInteger(UInt8(0))
    }

    /// Writes type byte, a length placeholder, the body, then patches the length.
    @inline(__always)
    static func frame(_ type: UInt8, _ out: inout ByteBuffer, _ body: (inout ByteBuffer) -> Void) {
        out.writeInteger(type)
        let lengthAt = out.writerIndex
        out.writeInteger(Int32(0))
        body(&out)
        out.setInteger(Int32(truncatingIfNeeded: out.writerIndex - lengthAt), at: lengthAt)
    }

    @inline(__always)
    static func writeCString(_ s: String, _ b: inout ByteBuffer) {
        // Embedded NULs would end the string early on the client: drop them.
        if s.utf8.contains(0) { b.writeString(s.replacingOccurrences(of: "\u{0}", with: "")) } else { b.writeString(s) }
        b.writeInteger(UInt8(0))
    }
}

extension String {
    fileprivate func replacingOccurrences(of a: String, with b: String) -> String {
        split(separator: Character(a), omittingEmptySubsequences: false).joined(separator: b)
    }
}
