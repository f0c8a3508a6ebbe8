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
            let name = withoutNUL(name), value = withoutNUL(value)
            rawFrame(UInt8(ascii: "S"), bodyBytes: name.utf8.count + value.utf8.count + 2, &out) { w in
                w.cString(name); w.cString(value)
            }
        case .backendKeyData(let pid, let key):
            rawFrame(UInt8(ascii: "K"), bodyBytes: 8, &out) { w in w.integer(pid); w.integer(key) }
        case .readyForQuery(let status):
            rawFrame(UInt8(ascii: "Z"), bodyBytes: 1, &out) { w in w.byte(status.rawValue) }
        case .rowDescription(let columns):
            let names = columns.map { withoutNUL($0.name) }
            let bodyBytes = 2 + names.reduce(0) { $0 + $1.utf8.count + 19 }
            rawFrame(UInt8(ascii: "T"), bodyBytes: bodyBytes, &out) { w in
                w.integer(Int16(truncatingIfNeeded: columns.count))
                for (c, name) in zip(columns, names) {
                    w.cString(name)
                    w.integer(c.tableOID); w.integer(c.columnNumber); w.integer(c.typeOID)
                    w.integer(c.typeSize); w.integer(c.typeModifier); w.integer(c.format)
                }
            }
        case .noData: rawFrame(UInt8(ascii: "n"), bodyBytes: 0, &out) { _ in }
        case .parameterDescription(let types):
            rawFrame(UInt8(ascii: "t"), bodyBytes: 2 + 4 * types.count, &out) { w in
                w.integer(Int16(truncatingIfNeeded: types.count))
                for t in types { w.integer(t) }
            }
        case .parseComplete: rawFrame(UInt8(ascii: "1"), bodyBytes: 0, &out) { _ in }
        case .bindComplete: rawFrame(UInt8(ascii: "2"), bodyBytes: 0, &out) { _ in }
        case .closeComplete: rawFrame(UInt8(ascii: "3"), bodyBytes: 0, &out) { _ in }
        case .portalSuspended: rawFrame(UInt8(ascii: "s"), bodyBytes: 0, &out) { _ in }
        case .commandComplete(let tag):
            let tag = withoutNUL(tag)
            rawFrame(UInt8(ascii: "C"), bodyBytes: tag.utf8.count + 1, &out) { w in w.cString(tag) }
        case .emptyQueryResponse: rawFrame(UInt8(ascii: "I"), bodyBytes: 0, &out) { _ in }
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

    /// Type byte, length and a body of at most `bodyBytes`, through one reservation (RawWireWriter.swift).
    @inline(__always)
    static func rawFrame(_ type: UInt8, bodyBytes: Int, _ out: inout ByteBuffer, _ body: (inout RawWireWriter) -> Void) {
        out.writeRaw(maxBytes: 5 + bodyBytes) { w in
            w.byte(type)
            w.integer(Int32(0))
            body(&w)
            w.patch(Int32(truncatingIfNeeded: w.count - 1), at: 1)
        }
    }

    /// Embedded NULs would end a C string early on the client: they are dropped.
    @inline(__always)
    static func withoutNUL(_ s: String) -> String {
        s.utf8.contains(0) ? s.replacingOccurrences(of: "\u{0}", with: "") : s
    }

    @inline(__always)
    static func writeCString(_ s: String, _ b: inout ByteBuffer) {
        b.writeString(withoutNUL(s))
        b.writeInteger(UInt8(0))
    }
}

extension String {
    fileprivate func replacingOccurrences(of a: String, with b: String) -> String {
        split(separator: Character(a), omittingEmptySubsequences: false).joined(separator: b)
    }
}
