// Encodes a batch of rows as DataRow messages straight into a ByteBuffer, in
// text or binary format per column. Integer and string columns take fast
// paths over the vector storage; other types go through Value and the
// PostgreSQL output functions (ValueText, PostgresType.writeBinary).

import Columnar
import NIOCore

public struct RowEncoder {
    public let types: [DataType]
    public let binary: [Bool]
    public var options: TextFormatOptions

    public init(types: [DataType], formats: [Int16], options: TextFormatOptions) {
        self.types = types
        self.binary = types.indices.map { i in
            if formats.isEmpty { return false }
            return (formats.count == 1 ? formats[0] : (i < formats.count ? formats[i] : 0)) == 1
        }
        self.options = options
    }

    /// Checks the client's result format codes (0 or 1; none, one, or one per column).
    public static func validate(formats: [Int16], columns: Int) throws {
        guard formats.count <= 1 || formats.count == columns else {
            throw SQLError(SQLState.protocolViolation, "bind message has \(formats.count) result formats but query has \(columns) columns")
        }
        for f in formats where f != 0 && f != 1 {
            throw SQLError(SQLState.protocolViolation, "unsupported format code: \(f)")
        }
    }

    public func encode(_ batch: Batch, rows: Range<Int>, into out: inout ByteBuffer) throws {
        // Constants (a projected literal, `SELECT 1`) are written from their one value: expanding
        // them would allocate a vector per batch for nothing.
        let columns = batch.columns.map { v -> Vector in
            switch v.storage { case .dictionary: return v.materialized(); default: return v }
        }
        let columnCount = Int16(truncatingIfNeeded: columns.count)
        for row in rows {
            out.writeInteger(UInt8(ascii: "D"))
            let lengthAt = out.writerIndex
            out.writeInteger(Int32(0))
            out.writeInteger(columnCount)
            for c in columns.indices {
                try writeCell(columns[c], row, type: types[c], binary: binary[c], &out)
            }
            out.setInteger(Int32(truncatingIfNeeded: out.writerIndex - lengthAt), at: lengthAt)
        }
    }

    @inline(__always)
    private func writeCell(_ v: Vector, _ i: Int, type: DataType, binary: Bool, _ out: inout ByteBuffer) throws {
        if let validity = v.validity, !validity[i] { out.writeInteger(Int32(-1)); return }
        switch (v.storage, type, binary) {
        case (.int64(let a), .int64, false), (.int64(let a), .int32, false), (.int64(let a), .int16, false), (.int64(let a), .oid, false):
            let at = out.writerIndex
            out.writeInteger(Int32(0))
            let n = RowEncoder.writeDecimal(a[i], &out)
            out.setInteger(Int32(n), at: at)
        case (.constant(.int(let n)), .int64, false), (.constant(.int(let n)), .int32, false),
             (.constant(.int(let n)), .int16, false), (.constant(.int(let n)), .oid, false):
            let at = out.writerIndex
            out.writeInteger(Int32(0))
            let written = RowEncoder.writeDecimal(n, &out)
            out.setInteger(Int32(written), at: at)
        case (.int64(let a), .int64, true):
            out.writeInteger(Int32(8)); out.writeInteger(a[i])
        case (.int64(let a), .int32, true):
            out.writeInteger(Int32(4)); out.writeInteger(Int32(truncatingIfNeeded: a[i]))
        case (.int64(let a), .oid, true):
            out.writeInteger(Int32(4)); out.writeInteger(UInt32(truncatingIfNeeded: a[i]))
        case (.float64(let a), .float64, true):
            out.writeInteger(Int32(8)); out.writeInteger(a[i].bitPattern)
        case (.string(let s), .text, _), (.string(let s), .varchar, _), (.string(let s), .char, _), (.string(let s), .json, _):
            let r = s.range(i)
            out.writeInteger(Int32(r.count))
            _ = s.bytes.withUnsafeBufferPointer { out.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer($0)[r])) }
        case (.bool(let a), .boolean, false):
            out.writeInteger(Int32(1)); out.writeInteger(a[i] ? UInt8(ascii: "t") : UInt8(ascii: "f"))
        default:
            let value = v.value(at: i)
            if value.isNull { out.writeInteger(Int32(-1)); return }
            let at = out.writerIndex
            out.writeInteger(Int32(0))
            if binary {
                try PostgresType.writeBinary(value, type: type, into: &out)
            } else {
                out.writeString(ValueText.format(value, type: type, options: options))
            }
            out.setInteger(Int32(truncatingIfNeeded: out.writerIndex - at - 4), at: at)
        }
    }

    /// Writes the decimal digits of `v`; returns how many bytes.
    @inline(__always)
    static func writeDecimal(_ v: Int64, _ out: inout ByteBuffer) -> Int {
        if v == Int64.min { return out.writeString("-9223372036854775808") }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        return withUnsafeMutableBytes(of: &digits) { buf -> Int in
            var n = v < 0 ? UInt64(-v) : UInt64(v)
            var p = buf.count
            repeat {
                p -= 1
                buf[p] = UInt8(truncatingIfNeeded: 48 + n % 10)
                n /= 10
            } while n > 0
            if v < 0 { p -= 1; buf[p] = UInt8(ascii: "-") }
            return out.writeBytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buf)[p...]))
        }
    }
}
