// How LakeSQL's types look on the wire: PostgreSQL type OIDs, typlen and
// typmod for RowDescription, the OIDs clients put in Parse mapped back to
// types, and the binary send/receive formats of every supported type
// (PostgreSQL's *send/*recv functions: big-endian integers, dates and
// timestamps from 2000-01-01, numeric in base-10000 digits).

import Columnar
import NIOCore

public enum PostgresType {
    /// Days and microseconds between 1970-01-01 (LakeSQL) and 2000-01-01 (PostgreSQL binary epoch).
    static let epochDays: Int64 = 10_957
    static let epochMicros: Int64 = 946_684_800_000_000

    // OIDs, typlen and typmod come from the one table pg_catalog.pg_type is built from
    // (Columnar/PostgresTypes.swift), so RowDescription and the catalog never disagree.
    public static func oid(_ type: DataType) -> Int32 { PostgresTypes.oid(of: type) }

    public static func typeSize(_ type: DataType) -> Int16 {
        Int16(PostgresTypes.byOID[PostgresTypes.oid(of: type)]?.length ?? -1)
    }

    public static func typeModifier(_ type: DataType) -> Int32 { PostgresTypes.typmod(of: type) }

    /// The type a client-supplied parameter OID stands for (nil: infer it).
    public static func dataType(oid: Int32) -> DataType? {
        switch oid {
        case 16: return .boolean
        case 17: return .bytea
        case 18, 19, 25, 705: return .text
        case 20: return .int64
        case 21: return .int16
        case 23: return .int32
        case 26, 24, 2202, 2203, 2204, 2205, 2206, 3734, 3769, 4089, 4096, 4191: return .oid  // oid and the reg* types
        case 114, 3802: return .json
        case 700: return .float32
        case 701: return .float64
        case 1042: return .text // bpchar without a length: any length, like text
        case 1043: return .varchar(nil)
        case 1082: return .date
        case 1083: return .time
        case 1114: return .timestamp
        case 1184: return .timestamptz
        case 1186: return .interval
        case 1700: return .decimal(precision: DataType.maxDecimalPrecision, scale: 6)
        case 2950: return .uuid
        case 1000: return .array(.boolean)
        case 1005: return .array(.int16)
        case 1007: return .array(.int32)
        case 1016: return .array(.int64)
        case 1028: return .array(.oid)
        case 1009, 1015: return .array(.text)
        case 1021: return .array(.float32)
        case 1022: return .array(.float64)
        default:
            // Any other array type of a supported element (numeric[], date[], timestamptz[] …).
            guard let info = PostgresTypes.byOID[oid], info.name.hasPrefix("_"), info.element != 0,
                  let element = dataType(oid: info.element), !isArray(element) else { return nil }
            return .array(element)
        }
    }

    private static func isArray(_ t: DataType) -> Bool { if case .array = t { return true }; return false }

    // MARK: Binary output

    /// Writes the binary (send) form of a non-null value.
    static func writeBinary(_ value: Value, type: DataType, into b: inout ByteBuffer) throws {
        switch (type, value) {
        case (.boolean, .bool(let v)): b.writeInteger(UInt8(v ? 1 : 0))
        case (.int16, .int(let v)): b.writeInteger(Int16(truncatingIfNeeded: v))
        case (.int32, .int(let v)): b.writeInteger(Int32(truncatingIfNeeded: v))
        case (.int64, .int(let v)): b.writeInteger(v)
        case (.oid, .int(let v)): b.writeInteger(UInt32(truncatingIfNeeded: v))
        case (.float32, .double(let v)): b.writeInteger(Float(v).bitPattern)
        case (.float64, .double(let v)): b.writeInteger(v.bitPattern)
        case (.decimal(_, let scale), .decimal(let m)) where scale >= 0: writeNumeric(mantissa: m, scale: scale, into: &b)
        case (.decimal(_, let scale), .int(let m)) where scale >= 0: writeNumeric(mantissa: Int128(m), scale: scale, into: &b)
        case (.date, .int(let days)): b.writeInteger(Int32(truncatingIfNeeded: days - epochDays))
        case (.time, .int(let micros)): b.writeInteger(micros)
        case (.timestamp, .int(let micros)), (.timestamptz, .int(let micros)): b.writeInteger(micros &- epochMicros)
        case (.interval, .interval(let iv)):
            b.writeInteger(iv.micros); b.writeInteger(iv.days); b.writeInteger(iv.months)
        case (.uuid, .bytes(let bytes)), (.bytea, .bytes(let bytes)): b.writeBytes(bytes)
        case (.array(let element), .list(let values)): try writeArray(values, element: element, into: &b)
        case (_, .string(let s)): b.writeString(s)
        case (_, .bytes(let bytes)): b.writeBytes(bytes)
        default:
            throw SQLError(SQLState.featureNotSupported, "no binary output function available for type \(type)")
        }
    }

    static func writeArray(_ values: [Value], element: DataType, into b: inout ByteBuffer) throws {
        b.writeInteger(Int32(values.isEmpty ? 0 : 1))
        b.writeInteger(Int32(values.contains { $0.isNull } ? 1 : 0))
        b.writeInteger(oid(element))
        if !values.isEmpty {
            b.writeInteger(Int32(values.count))
            b.writeInteger(Int32(1))
        }
        for v in values {
            if v.isNull { b.writeInteger(Int32(-1)); continue }
            let at = b.writerIndex
            b.writeInteger(Int32(0))
            try writeBinary(v, type: element, into: &b)
            b.setInteger(Int32(b.writerIndex - at - 4), at: at)
        }
    }

    /// numeric_send: ndigits, weight, sign, dscale, then base-10000 digits,
    /// grouped around the decimal point (leading and trailing zero groups dropped).
    static func writeNumeric(mantissa: Int128, scale: Int, into b: inout ByteBuffer) {
        let negative = mantissa < 0
        var digits = Array(String(mantissa.magnitude).utf8).map { Int16($0) - 48 }
        if digits.count <= scale { digits = Array(repeating: 0, count: scale - digits.count + 1) + digits }
        var integer = Array(digits[0..<(digits.count - scale)])
        var fraction = Array(digits[(digits.count - scale)...])
        if integer.count % 4 != 0 { integer = Array(repeating: 0, count: 4 - integer.count % 4) + integer }
        if fraction.count % 4 != 0 { fraction += Array(repeating: 0, count: 4 - fraction.count % 4) }
        func group(_ d: [Int16]) -> [Int16] {
            stride(from: 0, to: d.count, by: 4).map { d[$0] * 1000 + d[$0 + 1] * 100 + d[$0 + 2] * 10 + d[$0 + 3] }
        }
        var groups = group(integer) + group(fraction)
        var weight = Int16(integer.count / 4 - 1)
        while let f = groups.first, f == 0 { groups.removeFirst(); weight -= 1 }
        while let l = groups.last, l == 0 { groups.removeLast() }
        if groups.isEmpty { weight = 0 }
        b.writeInteger(Int16(groups.count))
        b.writeInteger(weight)
        b.writeInteger(UInt16(negative && !groups.isEmpty ? 0x4000 : 0))
        b.writeInteger(Int16(scale))
        for g in groups { b.writeInteger(g) }
    }

    static func pow10(_ n: Int) -> Int { var r = 1; for _ in 0..<max(0, n) { r *= 10 }; return r }

    // MARK: Binary input (parameters)

    /// Decodes a binary parameter (the *recv functions), checking lengths.
    public static func readBinary(_ bytes: [UInt8], type: DataType) throws -> Value {
        func bad() -> SQLError {
            SQLError(SQLState.invalidBinaryRepresentation, "incorrect binary data format in bind parameter")
        }
        var b = ByteBuffer(bytes: bytes)
        func exact(_ n: Int) throws { guard bytes.count == n else { throw bad() } }
        switch type {
        case .boolean: try exact(1); return .bool(bytes[0] != 0)
        case .int16: try exact(2); return .int(Int64(b.readInteger(as: Int16.self) ?? 0))
        case .int32:
            // Clients may send any integer width for an inferred int4.
            switch bytes.count {
            case 2: return .int(Int64(b.readInteger(as: Int16.self) ?? 0))
            case 4: return .int(Int64(b.readInteger(as: Int32.self) ?? 0))
            case 8: return .int(b.readInteger(as: Int64.self) ?? 0)
            default: throw bad()
            }
        case .int64:
            switch bytes.count {
            case 2: return .int(Int64(b.readInteger(as: Int16.self) ?? 0))
            case 4: return .int(Int64(b.readInteger(as: Int32.self) ?? 0))
            case 8: return .int(b.readInteger(as: Int64.self) ?? 0)
            default: throw bad()
            }
        case .oid:
            // oidrecv: four bytes, unsigned.
            try exact(4); return .int(Int64(b.readInteger(as: UInt32.self) ?? 0))
        case .float32:
            try exact(4); return .double(Double(Float(bitPattern: b.readInteger(as: UInt32.self) ?? 0)))
        case .float64:
            if bytes.count == 4 { return .double(Double(Float(bitPattern: b.readInteger(as: UInt32.self) ?? 0))) }
            try exact(8); return .double(Double(bitPattern: b.readInteger(as: UInt64.self) ?? 0))
        case .decimal(let p, let s): return try readNumeric(&b, precision: p, scale: s)
        case .date: try exact(4); return .int(Int64(b.readInteger(as: Int32.self) ?? 0) + epochDays)
        case .time: try exact(8); return .int(b.readInteger(as: Int64.self) ?? 0)
        case .timestamp, .timestamptz: try exact(8); return .int((b.readInteger(as: Int64.self) ?? 0) &+ epochMicros)
        case .interval:
            try exact(16)
            let micros = b.readInteger(as: Int64.self) ?? 0
            let days = b.readInteger(as: Int32.self) ?? 0
            let months = b.readInteger(as: Int32.self) ?? 0
            return .interval(Interval(months: months, days: days, micros: micros))
        case .uuid: try exact(16); return .bytes(bytes)
        case .bytea: return .bytes(bytes)
        case .text, .varchar, .char, .json, .null:
            guard let s = String(validating: bytes, as: UTF8.self) else {
                throw SQLError(SQLState.characterNotInRepertoire, "invalid byte sequence for encoding \"UTF8\"")
            }
            return try ValueText.parse(s, as: type == .null ? .text : type)
        case .array(let element):
            guard let ndim = b.readInteger(as: Int32.self), b.readInteger(as: Int32.self) != nil,
                  b.readInteger(as: Int32.self) != nil else { throw bad() }
            if ndim == 0 { return .list([]) }
            if ndim > 1 { throw SQLError(SQLState.featureNotSupported, "multidimensional arrays are not supported") }
            guard ndim == 1, let count = b.readInteger(as: Int32.self), count >= 0, b.readInteger(as: Int32.self) != nil,
                  Int(count) * 4 <= b.readableBytes else { throw bad() }
            var values: [Value] = []
            for _ in 0..<count {
                guard let len = b.readInteger(as: Int32.self) else { throw bad() }
                if len == -1 { values.append(.null); continue }
                guard len >= 0, let data = b.readBytes(length: Int(len)) else { throw bad() }
                values.append(try readBinary(data, type: element))
            }
            return .list(values)
        }
    }

    static func readNumeric(_ b: inout ByteBuffer, precision: Int, scale: Int) throws -> Value {
        guard let n = b.readInteger(as: Int16.self), let weight = b.readInteger(as: Int16.self),
              let sign = b.readInteger(as: UInt16.self), let dscale = b.readInteger(as: Int16.self),
              n >= 0, b.readableBytes == Int(n) * 2, dscale >= 0 else {
            throw SQLError(SQLState.invalidBinaryRepresentation, "invalid length in external \"numeric\" value")
        }
        guard sign == 0 || sign == 0x4000 else {
            throw SQLError(SQLState.featureNotSupported, "NaN and infinity are not supported for numeric parameters")
        }
        // Rebuild the decimal text and let the text parser apply precision and scale.
        var text = sign == 0x4000 ? "-" : ""
        var digits: [Int16] = []
        for _ in 0..<n {
            guard let d = b.readInteger(as: Int16.self), d >= 0, d < 10_000 else {
                throw SQLError(SQLState.invalidBinaryRepresentation, "invalid digit in external \"numeric\" value")
            }
            digits.append(d)
        }
        var integerPart = ""
        var fractionPart = ""
        for (i, d) in digits.enumerated() {
            let position = Int(weight) - i
            let s = String(d)
            let padded = String(repeating: "0", count: 4 - s.count) + s
            if position >= 0 { integerPart += integerPart.isEmpty ? s : padded } else {
                if fractionPart.isEmpty && position < -1 { fractionPart = String(repeating: "0", count: (-position - 1) * 4) }
                fractionPart += padded
            }
        }
        if !digits.isEmpty, Int(weight) >= digits.count {
            integerPart += String(repeating: "0", count: (Int(weight) - digits.count + 1) * 4)
        }
        text += integerPart.isEmpty ? "0" : integerPart
        if !fractionPart.isEmpty { text += "." + fractionPart }
        return try ValueText.parse(text, as: .decimal(precision: precision, scale: scale))
    }
}
