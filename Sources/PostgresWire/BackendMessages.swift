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
            switch request {
            case .ok: frame(UInt8(ascii: "R"), bodyBytes: 4, &out) { w in w.integer(Int32(0)) }
            case .cleartextPassword: frame(UInt8(ascii: "R"), bodyBytes: 4, &out) { w in w.integer(Int32(3)) }
            case .md5Password(let salt): authentication(5, data: salt, &out)
            case .sasl(let mechanisms):
                let names = mechanisms.map(withoutNUL)
                frame(UInt8(ascii: "R"), bodyBytes: 5 + names.reduce(0) { $0 + $1.utf8.count + 1 }, &out) { w in
                    w.integer(Int32(10))
                    for m in names { w.cString(m) }
                    w.byte(0)
                }
            case .saslContinue(let data): authentication(11, data: data, &out)
            case .saslFinal(let data): authentication(12, data: data, &out)
            }
        case .parameterStatus(let name, let value):
            let name = withoutNUL(name), value = withoutNUL(value)
            frame(UInt8(ascii: "S"), bodyBytes: name.utf8.count + value.utf8.count + 2, &out) { w in
                w.cString(name); w.cString(value)
            }
        case .backendKeyData(let pid, let key):
            frame(UInt8(ascii: "K"), bodyBytes: 8, &out) { w in w.integer(pid); w.integer(key) }
        case .readyForQuery(let status):
            frame(UInt8(ascii: "Z"), bodyBytes: 1, &out) { w in w.byte(status.rawValue) }
        case .rowDescription(let columns):
            let names = columns.map { withoutNUL($0.name) }
            let bodyBytes = 2 + names.reduce(0) { $0 + $1.utf8.count + 19 }
            frame(UInt8(ascii: "T"), bodyBytes: bodyBytes, &out) { w in
                w.integer(Int16(truncatingIfNeeded: columns.count))
                for (c, name) in zip(columns, names) {
                    w.cString(name)
                    w.integer(c.tableOID); w.integer(c.columnNumber); w.integer(c.typeOID)
                    w.integer(c.typeSize); w.integer(c.typeModifier); w.integer(c.format)
                }
            }
        case .noData: frame(UInt8(ascii: "n"), bodyBytes: 0, &out) { _ in }
        case .parameterDescription(let types):
            frame(UInt8(ascii: "t"), bodyBytes: 2 + 4 * types.count, &out) { w in
                w.integer(Int16(truncatingIfNeeded: types.count))
                for t in types { w.integer(t) }
            }
        case .parseComplete: frame(UInt8(ascii: "1"), bodyBytes: 0, &out) { _ in }
        case .bindComplete: frame(UInt8(ascii: "2"), bodyBytes: 0, &out) { _ in }
        case .closeComplete: frame(UInt8(ascii: "3"), bodyBytes: 0, &out) { _ in }
        case .portalSuspended: frame(UInt8(ascii: "s"), bodyBytes: 0, &out) { _ in }
        case .commandComplete(let tag):
            let tag = withoutNUL(tag)
            frame(UInt8(ascii: "C"), bodyBytes: tag.utf8.count + 1, &out) { w in w.cString(tag) }
        case .emptyQueryResponse: frame(UInt8(ascii: "I"), bodyBytes: 0, &out) { _ in }
        case .error(let fields): errorOrNotice(UInt8(ascii: "E"), fields, &out)
        case .notice(let fields): errorOrNotice(UInt8(ascii: "N"), fields, &out)
        case .copyOutResponse(let binary, let columns):
            let columns = max(columns, 0)
            frame(UInt8(ascii: "H"), bodyBytes: 3 + 2 * columns, &out) { w in
                w.byte(binary ? 1 : 0)
                w.integer(Int16(truncatingIfNeeded: columns))
                for _ in 0..<columns { w.integer(Int16(binary ? 1 : 0)) }
            }
        case .copyData(let data): frame(UInt8(ascii: "d"), bodyBytes: data.count, &out) { w in data.withUnsafeBytes { w.bytes($0) } }
        case .copyDone: frame(UInt8(ascii: "c"), bodyBytes: 0, &out) { _ in }
        case .dataRows(var rows, _): out.writeBuffer(&rows)
        }
    }

    /// An authentication request carrying bytes (an MD5 salt, SASL data).
    private static func authentication(_ code: Int32, data: [UInt8], _ out: inout ByteBuffer) {
        frame(UInt8(ascii: "R"), bodyBytes: 4 + data.count, &out) { w in
            w.integer(code)
            data.withUnsafeBytes { w.bytes($0) }
        }
    }

    /// ErrorResponse or NoticeResponse: one typed C string per field, then a NUL.
    private static func errorOrNotice(_ type: UInt8, _ f: ErrorFields, _ out: inout ByteBuffer) {
        var fields: [(UInt8, String)] = [(UInt8(ascii: "S"), f.severity), (UInt8(ascii: "V"), f.severity),
                                        (UInt8(ascii: "C"), f.sqlState), (UInt8(ascii: "M"), f.message)]
        if let d = f.detail { fields.append((UInt8(ascii: "D"), d)) }
        if let h = f.hint { fields.append((UInt8(ascii: "H"), h)) }
        if let p = f.position { fields.append((UInt8(ascii: "P"), String(p))) }
        fields = fields.map { ($0.0, withoutNUL($0.1)) }
        frame(type, bodyBytes: 1 + fields.reduce(0) { $0 + $1.1.utf8.count + 2 }, &out) { w in
            for (code, value) in fields { w.byte(code); w.cString(value) }
            w.byte(0)
        }
    }

    /// Type byte, length and a body of at most `bodyBytes`, through one reservation (RawWireWriter.swift):
    /// the length word is patched once the body is written.
    @inline(__always)
    static func frame(_ type: UInt8, bodyBytes: Int, _ out: inout ByteBuffer, _ body: (inout RawWireWriter) -> Void) {
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
}

extension String {
    fileprivate func replacingOccurrences(of a: String, with b: String) -> String {
        split(separator: Character(a), omittingEmptySubsequences: false).joined(separator: b)
    }
}
