// Messages a PostgreSQL client sends (protocol 3.0) and the decoder that cuts
// them out of the byte stream. The decoder is pure (ByteBuffer in, messages
// out) so every malformed input can be tested without a socket: a length
// outside the limits, a truncated body or an unknown type is a
// ProtocolViolation that the connection answers with 08P01 and a close.

import NIOCore

/// What the client sent. Start-up packets have no type byte; they are only
/// legal before authentication (and a CancelRequest only as a connection's first packet).
public enum FrontendMessage: Equatable, Sendable {
    case sslRequest
    case gssEncRequest
    case cancelRequest(processID: Int32, secretKey: Int32)
    case startup(protocolVersion: Int32, parameters: [String: String])
    /// 'p': a PasswordMessage, SASLInitialResponse or SASLResponse; which one depends on the auth state.
    case password([UInt8])
    case query(String)
    case parse(name: String, query: String, parameterTypes: [Int32])
    case bind(BindMessage)
    case describe(kind: DescribeKind, name: String)
    case execute(portal: String, maxRows: Int32)
    case close(kind: DescribeKind, name: String)
    case sync
    case flush
    case terminate
    case copyData([UInt8])
    case copyDone
    case copyFail(String)
    case functionCall
}

public enum DescribeKind: UInt8, Sendable {
    case statement = 0x53 // 'S'
    case portal = 0x50 // 'P'
}

public struct BindMessage: Equatable, Sendable {
    public var portal: String
    public var statement: String
    /// 0 text, 1 binary; empty = all text, one = applies to all.
    public var parameterFormats: [Int16]
    public var parameters: [[UInt8]?]
    public var resultFormats: [Int16]
    public init(portal: String, statement: String, parameterFormats: [Int16], parameters: [[UInt8]?], resultFormats: [Int16]) {
        self.portal = portal; self.statement = statement; self.parameterFormats = parameterFormats
        self.parameters = parameters; self.resultFormats = resultFormats
    }
}

/// A framing or content error in what the client sent: answered with 08P01 and a close.
public struct ProtocolViolation: Error, Equatable, Sendable {
    public var message: String
    public init(_ message: String) { self.message = message }
}

public enum ProtocolCodes {
    public static let version3: Int32 = 196_608
    public static let sslRequest: Int32 = 80_877_103
    public static let gssEncRequest: Int32 = 80_877_104
    public static let cancelRequest: Int32 = 80_877_102
}

/// Cuts frontend messages out of a byte stream.
public struct FrontendMessageDecoder: Sendable {
    /// PostgreSQL's own limit for start-up packets.
    public static let maxStartupLength = 10_000
    /// Largest regular message accepted (1 GiB, PostgreSQL's limit for large messages).
    public var maxMessageLength = 1 << 30
    /// True until the StartupMessage has been read: packets have no type byte then.
    public var expectingStartup = true

    public init() {}

    /// The next complete message, or nil when more bytes are needed.
    public mutating func next(_ buffer: inout ByteBuffer) throws -> FrontendMessage? {
        if expectingStartup { return try nextStartup(&buffer) }
        guard buffer.readableBytes >= 5,
              let type: UInt8 = buffer.getInteger(at: buffer.readerIndex),
              let length: Int32 = buffer.getInteger(at: buffer.readerIndex + 1) else { return nil }
        guard length >= 4 else { throw ProtocolViolation("invalid message length \(length)") }
        guard Int(length) <= maxMessageLength else { throw ProtocolViolation("message of \(length) bytes exceeds the limit") }
        guard known(type) else { throw ProtocolViolation("invalid frontend message type \(type)") }
        guard buffer.readableBytes >= 1 + Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 5)
        guard var body = buffer.readSlice(length: Int(length) - 4) else { return nil }
        let message = try Self.decodeBody(type: type, &body)
        if body.readableBytes != 0 && type != UInt8(ascii: "p") && type != UInt8(ascii: "d") {
            throw ProtocolViolation("message of type '\(Character(Unicode.Scalar(type)))' has \(body.readableBytes) extra bytes")
        }
        return message
    }

    private func known(_ type: UInt8) -> Bool {
        "pQPBDECSHXdcfF".utf8.contains(type)
    }

    private mutating func nextStartup(_ buffer: inout ByteBuffer) throws -> FrontendMessage? {
        guard let length: Int32 = buffer.getInteger(at: buffer.readerIndex) else { return nil }
        guard length >= 8, Int(length) <= Self.maxStartupLength else { throw ProtocolViolation("invalid length of startup packet") }
        guard buffer.readableBytes >= Int(length) else { return nil }
        buffer.moveReaderIndex(forwardBy: 4)
        guard var body = buffer.readSlice(length: Int(length) - 4), let code: Int32 = body.readInteger() else { return nil }
        switch code {
        case ProtocolCodes.sslRequest:
            guard body.readableBytes == 0 else { throw ProtocolViolation("invalid length of startup packet") }
            return .sslRequest
        case ProtocolCodes.gssEncRequest:
            guard body.readableBytes == 0 else { throw ProtocolViolation("invalid length of startup packet") }
            return .gssEncRequest
        case ProtocolCodes.cancelRequest:
            guard body.readableBytes == 8, let pid: Int32 = body.readInteger(), let key: Int32 = body.readInteger() else {
                throw ProtocolViolation("invalid length of cancel request packet")
            }
            return .cancelRequest(processID: pid, secretKey: key)
        default:
            guard code >> 16 == 3 else {
                throw ProtocolViolation("unsupported frontend protocol \(code >> 16).\(code & 0xFFFF): server supports 3.0 to 3.0")
            }
            var parameters: [String: String] = [:]
            while true {
                let name = try Self.readCString(&body)
                if name.isEmpty { break }
                parameters[name] = try Self.readCString(&body)
            }
            guard body.readableBytes == 0 else { throw ProtocolViolation("invalid startup packet layout: expected terminator as last byte") }
            expectingStartup = false
            return .startup(protocolVersion: code, parameters: parameters)
        }
    }

    static func readCString(_ body: inout ByteBuffer) throws -> String {
        // Validated straight from the buffer (no intermediate array): every Parse and Bind reads
        // two or three of these, most of them empty (the unnamed statement and portal).
        let read: (text: String?, length: Int)? = body.withUnsafeReadableBytes { raw in
            let bytes = raw.bindMemory(to: UInt8.self)
            guard let end = bytes.firstIndex(of: 0) else { return nil }
            if end == 0 { return ("", 0) }
            return (String(validating: UnsafeBufferPointer(rebasing: bytes[..<end]), as: UTF8.self), end)
        }
        guard let read else { throw ProtocolViolation("unterminated string in message") }
        guard let text = read.text else { throw ProtocolViolation("invalid byte sequence for encoding \"UTF8\"") }
        body.moveReaderIndex(forwardBy: read.length + 1)
        return text
    }

    static func readInt16(_ body: inout ByteBuffer) throws -> Int16 {
        guard let v: Int16 = body.readInteger() else { throw ProtocolViolation("truncated message") }
        return v
    }

    static func readInt32(_ body: inout ByteBuffer) throws -> Int32 {
        guard let v: Int32 = body.readInteger() else { throw ProtocolViolation("truncated message") }
        return v
    }

    static func readCount(_ body: inout ByteBuffer, each: Int) throws -> Int {
        let n = Int(try readInt16(&body))
        // A count that cannot fit in what is left is a lie: refuse before allocating.
        guard n >= 0, n * each <= body.readableBytes else { throw ProtocolViolation("invalid count \(n) in message") }
        return n
    }

    static func decodeBody(type: UInt8, _ body: inout ByteBuffer) throws -> FrontendMessage {
        switch type {
        case UInt8(ascii: "p"), UInt8(ascii: "d"):
            let bytes = body.readBytes(length: body.readableBytes) ?? []
            return type == UInt8(ascii: "p") ? .password(bytes) : .copyData(bytes)
        case UInt8(ascii: "Q"):
            return .query(try readCString(&body))
        case UInt8(ascii: "P"):
            let name = try readCString(&body)
            let query = try readCString(&body)
            let n = try readCount(&body, each: 4)
            var types: [Int32] = []
            types.reserveCapacity(n)
            for _ in 0..<n { types.append(try readInt32(&body)) }
            return .parse(name: name, query: query, parameterTypes: types)
        case UInt8(ascii: "B"):
            let portal = try readCString(&body)
            let statement = try readCString(&body)
            let nf = try readCount(&body, each: 2)
            var formats: [Int16] = []
            for _ in 0..<nf { formats.append(try readInt16(&body)) }
            let np = try readCount(&body, each: 4)
            var params: [[UInt8]?] = []
            params.reserveCapacity(np)
            for _ in 0..<np {
                let len = try readInt32(&body)
                if len == -1 { params.append(nil); continue }
                guard len >= 0, let bytes = body.readBytes(length: Int(len)) else { throw ProtocolViolation("insufficient data left in message") }
                params.append(bytes)
            }
            let nr = try readCount(&body, each: 2)
            var results: [Int16] = []
            for _ in 0..<nr { results.append(try readInt16(&body)) }
            return .bind(BindMessage(portal: portal, statement: statement, parameterFormats: formats, parameters: params, resultFormats: results))
        case UInt8(ascii: "D"), UInt8(ascii: "C"):
            guard let k: UInt8 = body.readInteger(), let kind = DescribeKind(rawValue: k) else {
                throw ProtocolViolation("invalid \(type == UInt8(ascii: "D") ? "DESCRIBE" : "CLOSE") message subtype")
            }
            let name = try readCString(&body)
            return type == UInt8(ascii: "D") ? .describe(kind: kind, name: name) : .close(kind: kind, name: name)
        case UInt8(ascii: "E"):
            let portal = try readCString(&body)
            return .execute(portal: portal, maxRows: try readInt32(&body))
        case UInt8(ascii: "S"): return .sync
        case UInt8(ascii: "H"): return .flush
        case UInt8(ascii: "X"): return .terminate
        case UInt8(ascii: "c"): return .copyDone
        case UInt8(ascii: "f"): return .copyFail(try readCString(&body))
        case UInt8(ascii: "F"):
            body.moveReaderIndex(forwardBy: body.readableBytes)
            return .functionCall
        default:
            throw ProtocolViolation("invalid frontend message type \(type)")
        }
    }
}
