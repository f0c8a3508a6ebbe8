// Encodes a batch of rows as DataRow messages straight into a ByteBuffer, in
// text or binary format per column, through one reservation per ~64 KiB of
// rows (RawWireWriter.swift). Integer, float, boolean and string columns are
// written from their vector storage; other types go through Value and the
// PostgreSQL output functions (ValueText, PostgresType.writeBinary) into a
// scratch buffer a chunk at a time, which the rows then copy from.

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
        try encodeRaw(columns, try rawCells(columns), rows: rows, into: &out)
    }

    /// How a column's cells are written: integers, floats, booleans and strings straight from
    /// their vectors; a constant as its one cell (a NULL or an integer written directly, any
    /// other encoded in advance); any other column through
    /// Value and PostgreSQL's output functions, a chunk of rows at a time into a scratch buffer
    /// that the rows then copy from.
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
        /// The n-th column written through `writeGeneralCell` (its cells' ends in the scratch buffer).
        case general(Int)

        /// The most bytes one cell takes, the length word included (strings add their bytes,
        /// general cells what the scratch buffer holds).
        var fixedBytes: Int {
            switch self {
            case .decimal, .constantDecimal: return RawWireWriter.decimalCellBytes
            case .int64, .float64: return 12
            case .int32, .uint32: return 8
            case .string: return 4
            case .general: return 0
            case .bool, .boolBinary: return 5
            case .null: return 4
            case .encoded(let b): return b.count
            }
        }
    }

    /// How each column is written; `.general` for the columns without a direct form.
    func rawCells(_ columns: [Vector]) throws -> [RawCell] {
        var cells: [RawCell] = []
        cells.reserveCapacity(columns.count)
        var generalColumns = 0
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
                try writeGeneralCell(v, 0, type: types[c], binary: binary[c], &one)
                cells.append(.encoded(one.readBytes(length: one.readableBytes) ?? []))
            default:
                cells.append(.general(generalColumns))
                generalColumns += 1
            }
        }
        return cells
    }

    /// Rows in chunks of about 64 KiB, each written through one reservation.
    private func encodeRaw(_ columns: [Vector], _ cells: [RawCell], rows: Range<Int>, into out: inout ByteBuffer) throws {
        let columnCount = Int16(truncatingIfNeeded: columns.count)
        let fixedRowBytes = 7 + cells.reduce(0) { $0 + $1.fixedBytes }
        let validities = columns.map(\.validity)
        let strings = cells.compactMap { cell -> StringColumn? in if case .string(let s) = cell { return s } else { return nil } }
        let general = cells.indices.filter { if case .general = cells[$0] { return true } else { return false } }
        var scratch = ByteBuffer()
        var cellEnds: [Int] = []
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
            // The general columns' cells of the chunk, column after column: `.general(g)`'s
            // cell for row r ends at cellEnds[g * chunkRows + (r - start)].
            let chunkRows = end - start
            if !general.isEmpty {
                scratch.clear()
                cellEnds.removeAll(keepingCapacity: true)
                for c in general {
                    for row in start..<end {
                        try writeGeneralCell(columns[c], row, type: types[c], binary: binary[c], &scratch)
                        cellEnds.append(scratch.writerIndex)
                    }
                }
                bound += scratch.readableBytes
            }
            scratch.withUnsafeReadableBytes { scratchBytes in
                out.writeRaw(maxBytes: bound) { w in
                    for row in start..<end {
                        w.byte(UInt8(ascii: "D"))
                        let lengthAt = w.count
                        w.integer(Int32(0))
                        w.integer(columnCount)
                        for c in cells.indices {
                            if case .general(let g) = cells[c] {
                                let at = g * chunkRows + (row - start)
                                let from = at == 0 ? 0 : cellEnds[at - 1]
                                w.bytes(UnsafeRawBufferPointer(rebasing: scratchBytes[from..<cellEnds[at]]))
                                continue
                            }
                            if let validity = validities[c], !validity[row] { w.integer(Int32(-1)); continue }
                            switch cells[c] {
                            case .decimal(let a): w.decimalCell(a[row])
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
                            case .constantDecimal(let n): w.decimalCell(n)
                            case .null: w.integer(Int32(-1))
                            case .encoded(let b): b.withUnsafeBytes { w.bytes($0) }
                            case .general: break
                            }
                        }
                        w.patch(Int32(truncatingIfNeeded: w.count - lengthAt), at: lengthAt)
                    }
                }
            }
            start = end
        }
    }

    /// A cell through Value: PostgreSQL's text output functions (ValueText) or binary send
    /// functions (PostgresType.writeBinary), after its length word.
    private func writeGeneralCell(_ v: Vector, _ i: Int, type: DataType, binary: Bool, _ out: inout ByteBuffer) throws {
        if let validity = v.validity, !validity[i] { out.writeInteger(Int32(-1)); return }
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
