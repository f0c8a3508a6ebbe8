// A bounds-checked reader for the Thrift compact protocol, the encoding of
// Parquet's footer and page headers. Every read checks the remaining length
// and nesting depth, so corrupt metadata throws XX001 instead of trapping.
// Unknown fields are skipped by type, which keeps newer files readable.

import Columnar

/// Compact-protocol wire types (the low nibble of a field header).
enum ThriftType: UInt8 {
    case stop = 0, boolTrue = 1, boolFalse = 2, byte = 3, i16 = 4, i32 = 5, i64 = 6
    case double = 7, binary = 8, list = 9, set = 10, map = 11, structure = 12
}

struct ThriftReader {
    let bytes: [UInt8]
    var pos: Int
    let end: Int
    /// Prefix for error messages (e.g. the file name).
    let context: String
    private var depth = 0
    static let maxDepth = 64

    init(_ bytes: [UInt8], start: Int = 0, end: Int? = nil, context: String) {
        self.bytes = bytes
        self.pos = start
        self.end = min(end ?? bytes.count, bytes.count)
        self.context = context
    }

    func corrupt(_ what: String) -> SQLError {
        SQLError(SQLState.dataCorrupted, "\(context): corrupt Thrift metadata: \(what)")
    }

    mutating func byte() throws -> UInt8 {
        guard pos < end else { throw corrupt("unexpected end of data") }
        let b = bytes[pos]; pos += 1
        return b
    }

    mutating func varint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            let b = try byte()
            if shift >= 64 { throw corrupt("varint too long") }
            result |= UInt64(b & 0x7f) << shift
            if b & 0x80 == 0 { return result }
            shift += 7
        }
    }

    mutating func zigzag() throws -> Int64 {
        let v = try varint()
        return Int64(bitPattern: (v >> 1) ^ (0 &- (v & 1)))
    }

    mutating func readI64() throws -> Int64 { try zigzag() }
    mutating func readI32() throws -> Int32 {
        let v = try zigzag()
        guard let r = Int32(exactly: v) else { throw corrupt("i32 out of range") }
        return r
    }
    mutating func readI16() throws -> Int16 {
        let v = try zigzag()
        guard let r = Int16(exactly: v) else { throw corrupt("i16 out of range") }
        return r
    }

    mutating func readDouble() throws -> Double {
        guard end - pos >= 8 else { throw corrupt("unexpected end of data") }
        var bits: UInt64 = 0
        for i in 0..<8 { bits |= UInt64(bytes[pos + i]) << (8 * UInt64(i)) }
        pos += 8
        return Double(bitPattern: bits)
    }

    mutating func readBinary() throws -> [UInt8] {
        let n = try varint()
        guard n <= UInt64(end - pos) else { throw corrupt("binary length \(n) exceeds the data") }
        let r = Array(bytes[pos..<pos + Int(n)])
        pos += Int(n)
        return r
    }

    mutating func readString() throws -> String {
        String(decoding: try readBinary(), as: UTF8.self)
    }

    /// Reads a field's boolean: in a struct the value is in the type nibble; in a list it is a byte.
    mutating func readBool(_ type: ThriftType) throws -> Bool {
        switch type {
        case .boolTrue: return true
        case .boolFalse: return false
        default: return try byte() == 1
        }
    }

    /// Reads a list header: element type and count (bounded by the bytes left, since every element takes ≥ 1 byte
    /// except booleans, which take one byte each inside lists too).
    mutating func listHeader() throws -> (ThriftType, Int) {
        let h = try byte()
        var count = Int(h >> 4)
        if count == 15 {
            let n = try varint()
            guard n <= UInt64(end - pos) else { throw corrupt("list size \(n) exceeds the data") }
            count = Int(n)
        }
        guard let t = ThriftType(rawValue: h & 0x0f) else { throw corrupt("invalid list element type \(h & 0x0f)") }
        return (t, count)
    }

    mutating func readList<T>(_ element: (inout ThriftReader, ThriftType) throws -> T) throws -> [T] {
        let (t, n) = try listHeader()
        var out: [T] = []
        out.reserveCapacity(n)
        for _ in 0..<n { out.append(try element(&self, t)) }
        return out
    }

    /// Iterates the fields of a struct, calling `body` with each field id and type; `body` must consume the value
    /// (or call `skip`). Stops at the STOP field.
    mutating func readStruct(_ body: (inout ThriftReader, Int16, ThriftType) throws -> Void) throws {
        depth += 1
        defer { depth -= 1 }
        if depth > ThriftReader.maxDepth { throw corrupt("structures nested too deeply") }
        var lastId: Int16 = 0
        while true {
            let h = try byte()
            if h == 0 { return }
            guard let t = ThriftType(rawValue: h & 0x0f) else { throw corrupt("invalid field type \(h & 0x0f)") }
            let delta = Int16(h >> 4)
            let id: Int16 = delta == 0 ? try readI16() : lastId &+ delta
            lastId = id
            try body(&self, id, t)
        }
    }

    /// Skips one value of type `t`.
    mutating func skip(_ t: ThriftType) throws {
        switch t {
        case .stop: throw corrupt("unexpected STOP")
        case .boolTrue, .boolFalse: return
        case .byte: _ = try byte()
        case .i16, .i32, .i64: _ = try varint()
        case .double:
            guard end - pos >= 8 else { throw corrupt("unexpected end of data") }
            pos += 8
        case .binary:
            let n = try varint()
            guard n <= UInt64(end - pos) else { throw corrupt("binary length \(n) exceeds the data") }
            pos += Int(n)
        case .list, .set:
            depth += 1
            defer { depth -= 1 }
            if depth > ThriftReader.maxDepth { throw corrupt("structures nested too deeply") }
            let (et, n) = try listHeader()
            for _ in 0..<n {
                if et == .boolTrue || et == .boolFalse { _ = try byte() } else { try skip(et) }
            }
        case .map:
            depth += 1
            defer { depth -= 1 }
            if depth > ThriftReader.maxDepth { throw corrupt("structures nested too deeply") }
            let n = try varint()
            if n == 0 { return }
            guard n <= UInt64(end - pos) else { throw corrupt("map size \(n) exceeds the data") }
            let kv = try byte()
            guard let kt = ThriftType(rawValue: kv >> 4), let vt = ThriftType(rawValue: kv & 0x0f) else {
                throw corrupt("invalid map types")
            }
            for _ in 0..<Int(n) {
                if kt == .boolTrue || kt == .boolFalse { _ = try byte() } else { try skip(kt) }
                if vt == .boolTrue || vt == .boolFalse { _ = try byte() } else { try skip(vt) }
            }
        case .structure:
            try readStruct { r, _, ft in try r.skip(ft) }
        }
    }
}
