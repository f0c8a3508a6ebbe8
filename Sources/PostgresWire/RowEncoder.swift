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
        if let cells = try rawCells(columns) {
            try encodeRaw(columns, cells, rows: rows, columnCount: columnCount, into: &out)
            return
        }
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

    /// How a column's cells are written on the raw path: the fixed-size and string forms of the
    /// per-cell cases below, and a constant as its one cell encoded in advance.
    enum RawCell {
        case decimal(ContiguousArray<Int64>)
        case int64(ContiguousArray<Int64>)
        case int32(ContiguousArray<Int64>)
        case uint32(ContiguousArray<Int64>)
        case float64(ContiguousArray<Double>)
        case string(StringColumn)
        case bool(ContiguousArray<Bool>)
        case boolBinary(ContiguousArray<Bool>)
        case constantDecimal(Int64)
        case null
        case encoded([UInt8])

        /// The most bytes one cell takes, the length word included (strings add their bytes).
        var fixedBytes: Int {
            switch self {
            case .decimal: return 4 + RawWireWriter.decimalBytes
            case .int64, .float64: return 12
            case .int32, .uint32: return 8
            case .string: return 4
            case .bool, .boolBinary: return 5
            case .constantDecimal: return 4 + RawWireWriter.decimalBytes
            case .null: return 4
            case .encoded(let b): return b.count
            }
        }
    }

    /// The raw form of every column, or nil when one needs the general per-cell path.
    func rawCells(_ columns: [Vector]) throws -> [RawCell]? {
        var cells: [RawCell] = []
        cells.reserveCapacity(columns.count)
        for c in columns.indices {
            let v = columns[c]
            switch (v.storage, types[c], binary[c]) {
            case (.int64(let a), .int64, false), (.int64(let a), .int32, false), (.int64(let a), .int16, false), (.int64(let a), .oid, false):
                cells.append(.decimal(a))
            case (.int64(let a), .int64, true): cells.append(.int64(a))
            case (.int64(let a), .int32, true): cells.append(.int32(a))
            case (.int64(let a), .oid, true): cells.append(.uint32(a))
            case (.float64(let a), .float64, true): cells.append(.float64(a))
            case (.string(let s), .text, _), (.string(let s), .varchar, _), (.string(let s), .char, _), (.string(let s), .json, _):
                cells.append(.string(s))
            case (.bool(let a), .boolean, false): cells.append(.bool(a))
            case (.bool(let a), .boolean, true): cells.append(.boolBinary(a))
            case (.constant(.int(let n)), .int64, false), (.constant(.int(let n)), .int32, false),
                 (.constant(.int(let n)), .int16, false), (.constant(.int(let n)), .oid, false):
                cells.append(.constantDecimal(n))
            case (.constant(let value), _, _) where value.isNull:
                cells.append(.null)
            case (.constant, _, _):
                var one = ByteBufferAllocator().buffer(capacity: 32)
                try writeCell(v, 0, type: types[c], binary: binary[c], &one)
                cells.append(.encoded(one.readBytes(length: one.readableBytes) ?? []))
            default:
                return nil
            }
        }
        return cells
    }

    /// Rows in chunks of about 64 KiB, each written through one reservation.
    private func encodeRaw(_ columns: [Vector], _ cells: [RawCell], rows: Range<Int>, columnCount: Int16,
                           into out: inout ByteBuffer) throws {
        let fixedRowBytes = 7 + cells.reduce(0) { $0 + $1.fixedBytes }
        let validities = columns.map(\.validity)
        let strings = cells.compactMap { cell -> StringColumn? in if case .string(let s) = cell { return s } else { return nil } }
        let chunkBytes = 64 << 10
        var start = rows.lowerBound
        while start < rows.upperBound {
            var end = start
            var bound = 0
            while end < rows.upperBound && (bound < chunkBytes || end == start) {
                bound += fixedRowBytes
                for s in strings { bound += s.length(at: end) }
                end += 1
            }
            out.writeRaw(maxBytes: bound) { w in
                for row in start..<end {
                    w.byte(UInt8(ascii: "D"))
                    let lengthAt = w.count
                    w.integer(Int32(0))
                    w.integer(columnCount)
                    for c in cells.indices {
                        if let validity = validities[c], !validity[row] { w.integer(Int32(-1)); continue }
                        switch cells[c] {
                        case .decimal(let a):
                            let at = w.count
                            w.integer(Int32(0))
                            w.patch(Int32(w.decimal(a[row])), at: at)
                        case .int64(let a): w.integer(Int32(8)); w.integer(a[row])
                        case .int32(let a): w.integer(Int32(4)); w.integer(Int32(truncatingIfNeeded: a[row]))
                        case .uint32(let a): w.integer(Int32(4)); w.integer(UInt32(truncatingIfNeeded: a[row]))
                        case .float64(let a): w.integer(Int32(8)); w.integer(a[row].bitPattern)
                        case .string(let s):
                            let r = s.range(row)
                            w.integer(Int32(r.count))
                            s.bytes.withUnsafeBufferPointer { w.bytes(UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer($0)[r])) }
                        case .bool(let a): w.integer(Int32(1)); w.byte(a[row] ? UInt8(ascii: "t") : UInt8(ascii: "f"))
                        case .boolBinary(let a): w.integer(Int32(1)); w.byte(a[row] ? 1 : 0)
                        case .constantDecimal(let n):
                            let at = w.count
                            w.integer(Int32(0))
                            w.patch(Int32(w.decimal(n)), at: at)
                        case .null: w.integer(Int32(-1))
                        case .encoded(let b): b.withUnsafeBytes { w.bytes($0) }
                        }
                    }
                    w.patch(Int32(truncatingIfNeeded: w.count - lengthAt), at: lengthAt)
                }
            }
            start = end
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
