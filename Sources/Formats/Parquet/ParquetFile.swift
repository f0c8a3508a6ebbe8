// The public Parquet reader: opens a file's footer through a ByteSource,
// exposes the schema as LakeSQL Fields and per-row-group metadata and
// statistics, and decodes row groups into Batches. Only the requested
// column chunks are fetched, with adjacent byte ranges coalesced into one
// read. A ParquetFile is immutable after opening, so different row groups
// may be read from different threads at the same time.

import Columnar

public struct ParquetColumnStatistics: Sendable, Equatable {
    public var min: Value?
    public var max: Value?
    public var nullCount: Int64?
    public var distinctCount: Int64?
}

public struct ParquetRowGroupInfo: Sendable {
    public let numRows: Int64
    public let totalByteSize: Int64
    /// Statistics per top-level column (nil for nested columns or when absent).
    public let statistics: [ParquetColumnStatistics?]
}

public final class ParquetFile: @unchecked Sendable {
    public let source: ByteSource
    public let metadata: FileMetaData
    /// Top-level columns, in schema order.
    public let schema: [Field]
    /// Leaf (physical) columns, in column-chunk order.
    public let leaves: [ParquetLeaf]
    public let roots: [ParquetSchemaNode]
    let shapes: [NestedShape?]

    /// When true, page CRC32s are verified and a mismatch is an XX001 error.
    public let verifyChecksums: Bool
    /// Dictionaries being decoded or used by reads in flight, shared between them.
    let dictionaries = ParquetDictionarySharing()
    /// Page locations of chunks without an OffsetIndex, walked from their page headers.
    let walkedPages = ChunkIndexCache<[ParquetPageLocation]>()
    /// Page locations from the OffsetIndex, and per-page statistics, once parsed.
    let indexedPages = ChunkIndexCache<[ParquetPageLocation]>()
    let pageStatisticsCache = ChunkIndexCache<[ParquetPageStatistics]>()

    public var name: String { source.name }
    public var rowGroupCount: Int { metadata.rowGroups.count }
    /// Rows in all row groups (the footer's num_rows is not trusted: old writers got it wrong).
    public var numRows: Int64 { metadata.rowGroups.reduce(0) { $0 + $1.numRows } }

    public convenience init(path: String, verifyChecksums: Bool = false) throws {
        try self.init(source: try LocalFileSource(path: path), verifyChecksums: verifyChecksums)
    }

    public init(source: ByteSource, verifyChecksums: Bool = false) throws {
        self.source = source
        self.verifyChecksums = verifyChecksums
        let file = source.name
        func corrupt(_ m: String) -> SQLError { SQLError(SQLState.dataCorrupted, "file \"\(file)\": \(m)") }
        guard source.size >= 12 else { throw corrupt("too small to be a Parquet file (\(source.size) bytes)") }
        // One speculative read of the file's tail usually holds the whole footer (one round trip on object stores).
        let tailLength = Int(min(source.size, 64 * 1024))
        let tailBytes = try source.read(offset: source.size - Int64(tailLength), length: tailLength)
        let tail = tailBytes[(tailLength - 8)...]
        let magic = tail.suffix(4)
        if magic.elementsEqual("PARE".utf8) {
            throw SQLError(SQLState.featureNotSupported, "file \"\(file)\": file is encrypted (encrypted footer); decryption is not supported")
        }
        guard magic.elementsEqual("PAR1".utf8) else { throw corrupt("not a Parquet file (missing PAR1 magic at the end)") }
        let head = source.size == Int64(tailLength) ? Array(tailBytes.prefix(4)) : try source.read(offset: 0, length: 4)
        guard head.elementsEqual("PAR1".utf8) || head.elementsEqual("PARE".utf8) else {
            throw corrupt("not a Parquet file (missing PAR1 magic at the start)")
        }
        let t = tail.startIndex
        let footerLength = Int64(tail[t]) | Int64(tail[t + 1]) << 8 | Int64(tail[t + 2]) << 16 | Int64(tail[t + 3]) << 24
        guard footerLength > 0, footerLength <= source.size - 12 else { throw corrupt("invalid footer length \(footerLength)") }
        let footer: [UInt8]
        if footerLength + 8 <= Int64(tailLength) {
            footer = Array(tailBytes[(tailLength - 8 - Int(footerLength))..<(tailLength - 8)])
        } else {
            footer = try source.read(offset: source.size - 8 - footerLength, length: Int(footerLength))
        }
        var reader = ThriftReader(footer, context: "file \"\(file)\"")
        let meta = try reader.readFileMetaData()
        metadata = meta
        let (roots, leaves) = try ParquetSchemaBuilder.build(meta.schema, file: file)
        self.roots = roots
        self.leaves = leaves
        for (g, rg) in meta.rowGroups.enumerated() {
            guard rg.columns.count == leaves.count else {
                throw corrupt("row group \(g) has \(rg.columns.count) column chunks, the schema \(leaves.count) columns")
            }
            guard rg.numRows >= 0 else { throw corrupt("row group \(g) has a negative row count") }
        }
        var fields: [Field] = []
        var shapes: [NestedShape?] = []
        for r in roots {
            if let l = r.leafIndex, r.repetition != .repeated {
                fields.append(Field(name: r.name, type: leaves[l].type, nullable: r.repetition == .optional))
                shapes.append(nil)
            } else {
                fields.append(Field(name: r.name, type: .json, nullable: r.repetition == .optional))
                shapes.append(try NestedShape.of(r, file: file))
            }
        }
        schema = fields
        self.shapes = shapes
    }

    // MARK: row groups

    public func rowGroup(_ i: Int) throws -> ParquetRowGroupInfo {
        guard i >= 0, i < metadata.rowGroups.count else {
            throw SQLError(SQLState.invalidParameterValue, "file \"\(name)\": row group \(i) does not exist")
        }
        let rg = metadata.rowGroups[i]
        let stats = roots.map { r -> ParquetColumnStatistics? in
            guard let l = r.leafIndex, r.repetition != .repeated else { return nil }
            return statistics(rowGroup: rg, leaf: leaves[l])
        }
        return ParquetRowGroupInfo(numRows: rg.numRows, totalByteSize: rg.totalByteSize, statistics: stats)
    }

    /// Statistics of one leaf column chunk (also for leaves inside nested columns).
    public func statistics(rowGroup: Int, leaf: Int) -> ParquetColumnStatistics? {
        guard rowGroup >= 0, rowGroup < metadata.rowGroups.count, leaf >= 0, leaf < leaves.count else { return nil }
        return statistics(rowGroup: metadata.rowGroups[rowGroup], leaf: leaves[leaf])
    }

    func statistics(rowGroup rg: RowGroup, leaf: ParquetLeaf) -> ParquetColumnStatistics? {
        guard let raw = rg.columns[leaf.index].metaData?.statistics else { return nil }
        return ParquetStatisticsDecoder.decode(raw, leaf: leaf)
    }

    // MARK: page index

    /// The OffsetIndex (page locations) of one leaf column chunk, if the file has one.
    public func offsetIndex(rowGroup: Int, leaf: Int) throws -> OffsetIndex? {
        let chunk = try columnChunk(rowGroup: rowGroup, leaf: leaf)
        guard let off = chunk.offsetIndexOffset, let len = chunk.offsetIndexLength else { return nil }
        let bytes = try pageIndexBytes(off, len)
        var r = ThriftReader(bytes, context: "file \"\(name)\", offset index of column \(leaves[leaf].dottedPath)")
        return try r.readOffsetIndex()
    }

    /// The ColumnIndex (per-page null flags and min/max) of one leaf column chunk, if the file has one.
    public func columnIndex(rowGroup: Int, leaf: Int) throws -> ColumnIndex? {
        let chunk = try columnChunk(rowGroup: rowGroup, leaf: leaf)
        guard let off = chunk.columnIndexOffset, let len = chunk.columnIndexLength else { return nil }
        let bytes = try pageIndexBytes(off, len)
        var r = ThriftReader(bytes, context: "file \"\(name)\", column index of column \(leaves[leaf].dottedPath)")
        return try r.readColumnIndex()
    }

    /// A page-index min/max entry decoded like the column's statistics.
    public func pageIndexValue(_ bytes: [UInt8], leaf: Int) -> Value? {
        guard leaf >= 0, leaf < leaves.count else { return nil }
        return ParquetStatisticsDecoder.value(bytes, leaf: leaves[leaf], isMax: false)
    }

    private func columnChunk(rowGroup: Int, leaf: Int) throws -> ColumnChunk {
        guard rowGroup >= 0, rowGroup < metadata.rowGroups.count, leaf >= 0, leaf < leaves.count else {
            throw SQLError(SQLState.invalidParameterValue, "file \"\(name)\": row group \(rowGroup) or column \(leaf) does not exist")
        }
        return metadata.rowGroups[rowGroup].columns[leaf]
    }

    private func pageIndexBytes(_ offset: Int64, _ length: Int32) throws -> [UInt8] {
        guard offset >= 0, length >= 0, offset <= source.size, Int64(length) <= source.size - offset else {
            throw SQLError(SQLState.dataCorrupted, "file \"\(name)\": page index range is outside the file")
        }
        return try source.read(offset: offset, length: Int(length))
    }

    /// Decodes the given top-level columns of one row group into batches of at most Batch.capacity rows.
    public func readRowGroup(_ index: Int, columns: [Int]) throws -> [Batch] {
        let vectors = try readRowGroupColumns(index, columns: columns)
        let rows = Int(metadata.rowGroups[index].numRows)
        var batches: [Batch] = []
        var start = 0
        while start < rows {
            let end = min(start + Batch.capacity, rows)
            batches.append(Batch(columns: vectors.map { ParquetVectors.slice($0, start..<end) }, count: end - start))
            start = end
        }
        return batches
    }

    /// Whole-row-group vectors of the given top-level columns.
    public func readRowGroupColumns(_ index: Int, columns: [Int]) throws -> [Vector] {
        try readColumns(rowGroup: index, columns: columns).vectors
    }

    /// Vectors of the given top-level columns holding only the rows of `selection` (all rows when nil).
    /// Flat columns are read page by page (pages located by the offset index, or by walking the
    /// page headers without one): only the pages that overlap the selection are fetched and
    /// decoded (plus the dictionary page). Other columns are read whole.
    /// Either way the rows outside the selection are dropped, so all vectors stay aligned.
    /// `within`: the rows of a split row group this read belongs to; pages outside it are not
    /// counted as skipped (another part reads them).
    /// `tests`: columns (each `testable` by its test) read as the boolean answers of a test of
    /// their values, NULL where the value is NULL, the test run as the pages are decoded.
    public func readColumns(rowGroup index: Int, columns: [Int], selection: RowSelection? = nil,
                            within: Range<Int64>? = nil, tests: [Int: any ScanValueTest] = [:]) throws -> ParquetColumnsRead {
        guard index >= 0, index < metadata.rowGroups.count else {
            throw SQLError(SQLState.invalidParameterValue, "file \"\(name)\": row group \(index) does not exist")
        }
        for c in columns where c < 0 || c >= roots.count {
            throw SQLError(SQLState.invalidParameterValue, "file \"\(name)\": column \(c) does not exist")
        }
        var leafTests: [Int: any ScanValueTest] = [:]
        for (c, test) in tests {
            guard testable(column: c, by: test), let l = roots[c].leafIndex else {
                throw SQLError(SQLState.internalError, "file \"\(name)\": column \(c) cannot be read through a test")
            }
            leafTests[l] = test
        }
        /// The leaf as its vector is made: a tested one holds booleans.
        func shaped(_ l: Int) -> ParquetLeaf { leafTests[l] == nil ? leaves[l] : leaves[l].tested }
        let rg = metadata.rowGroups[index]
        guard rg.numRows <= Int64(Int32.max) else {
            throw SQLError(SQLState.programLimitExceeded, "file \"\(name)\": row group \(index) has too many rows")
        }
        let rows = Int(rg.numRows)
        let selection = selection.flatMap { $0.isAll(rows: Int64(rows)) ? nil : $0.clamped(rows: Int64(rows)) }
        var result = ParquetColumnsRead(rows: selection.map { Int($0.rowCount) } ?? rows)
        // Flat columns that can be read page by page.
        var pagePlans: [Int: [ParquetPageLocation]] = [:]
        if selection != nil {
            for c in columns {
                let root = roots[c]
                guard let l = root.leafIndex, root.repetition != .repeated, leaves[l].maxRep == 0, pagePlans[l] == nil,
                      let meta = rg.columns[l].metaData, meta.numValues > 0, !rg.columns[l].encrypted,
                      let pages = try readablePageLocations(rowGroup: index, leaf: l) else { continue }
                pagePlans[l] = pages
            }
        }
        let neededLeaves = columns.flatMap { roots[$0].leafIndices }
        let wholeLeaves = neededLeaves.filter { pagePlans[$0] == nil }
        let chunks = try fetchChunks(rg, leaves: wholeLeaves)
        var decoded: [Int: DecodedColumn] = [:]
        for l in wholeLeaves where decoded[l] == nil {
            let leaf = leaves[l]
            guard let meta = rg.columns[l].metaData else { continue }
            if meta.numValues == 0 {
                var empty = DecodedColumn(values: .empty(leaf.physical))
                if leaf.maxDef > 0 { empty.defLevels = [] }
                if leaf.maxRep > 0 { empty.repLevels = [] }
                decoded[l] = empty
                continue
            }
            guard let chunk = chunks[l] else { continue }
            var reader = try chunkReader(meta, leaf: leaf, rowGroup: index)
            reader.valueTest = leafTests[l]
            let d = try reader.read(chunk.bytes, range: chunk.range, expectedValues: meta.numValues)
            result.retain(d.dictionarySlot)
            result.pagesRead += d.dataPages
            result.bytesRead += Int64(chunk.range.count)
            decoded[l] = d
        }
        // A whole-chunk vector keeps the selection's rows: one range is read at an offset (no
        // copy), several are copied range by range (no index array of every selected row).
        func kept(_ v: Vector) -> ParquetColumnsRead.Column {
            guard let selection else { return .vector(v, offset: 0) }
            if selection.ranges.count == 1 { return .vector(v, offset: Int(selection.ranges[0].lowerBound)) }
            return .vector(v.copyingRanges(selection.ranges.map { Int($0.lowerBound)..<Int($0.upperBound) }), offset: 0)
        }
        let oneRange: Int? = selection.flatMap { $0.ranges.count == 1 ? Int($0.ranges[0].lowerBound) : nil }
        var pageVectors: [Int: ParquetColumnsRead.Column] = [:]
        for c in columns {
            let root = roots[c]
            if let shape = shapes[c] {
                var cursors: [Int: LeafCursor] = [:]
                for l in root.leafIndices {
                    guard let d = decoded[l] else { continue }
                    cursors[l] = try cursor(d, leaf: leaves[l])
                }
                var assembler = NestedAssembler(cursors: cursors, what: "file \"\(name)\", column \(root.name)")
                let v = try assembler.column(shape, leaves: root.leafIndices, rows: rows)
                result.columns.append(kept(v))
            } else if let l = root.leafIndex, let pages = pagePlans[l], let selection {
                if let v = pageVectors[l] { result.columns.append(v); continue }
                let v = try readPages(rg, leaf: l, pages: pages, selection: selection, rows: Int64(rows), within: within,
                                      rowGroup: index, test: leafTests[l], into: &result)
                pageVectors[l] = v
                result.columns.append(v)
            } else if let l = root.leafIndex, let d = decoded[l], selection == nil || oneRange != nil, d.entries == rows,
                      ParquetVectors.isDensePlain(d, leaf: shaped(l)) {
                result.columns.append(.physical(d.values, leaf: shaped(l), file: name, offset: oneRange ?? 0))
            } else if let l = root.leafIndex, let d = decoded[l] {
                let v = try ParquetVectors.flatColumn(d, leaf: shaped(l), file: name)
                guard v.count == rows else {
                    throw SQLError(SQLState.dataCorrupted, "file \"\(name)\", column \(leaves[l].dottedPath): \(v.count) values for \(rows) rows")
                }
                result.columns.append(kept(v))
            }
        }
        return result
    }

    /// Whether column `c` can be read through `test`: a flat column, of text stored as UTF-8
    /// byte arrays for a StringValueTest, of signed integers stored as INT32 or INT64 for an
    /// IntegerValueTest (not unsigned ones, decimals, dates or times, whose stored integers are
    /// not their values).
    public func testable(column c: Int, by test: any ScanValueTest) -> Bool {
        guard c >= 0, c < roots.count, let l = roots[c].leafIndex, roots[c].repetition != .repeated else { return false }
        let leaf = leaves[l]
        guard leaf.maxRep == 0 else { return false }
        switch test {
        case is StringValueTest:
            return leaf.kind == .string  // not a DECIMAL too wide for numeric: text, stored as a binary integer
        case is IntegerValueTest:
            return leaf.kind == .int32 || leaf.kind == .int64
        default:
            return false
        }
    }

    /// A reader of one column chunk; with `rowGroup`, its dictionary is shared with concurrent reads of the chunk.
    func chunkReader(_ meta: ColumnMetaData, leaf: ParquetLeaf, rowGroup: Int? = nil) throws -> ColumnChunkReader {
        guard let codec = ParquetCodec(rawValue: meta.codec) else {
            throw SQLError(SQLState.featureNotSupported, "file \"\(name)\": unsupported compression codec \(meta.codec) (column \(leaf.dottedPath))")
        }
        var reader = ColumnChunkReader(leaf: leaf, codec: codec, file: name, verifyChecksums: verifyChecksums)
        if let rowGroup { reader.dictionarySlot = dictionaries.slot(rowGroup: rowGroup, leaf: leaf.index) }
        return reader
    }

    /// Reads every row group (tests, small files).
    public func readAll(columns: [Int]? = nil) throws -> [Batch] {
        let cols = columns ?? Array(0..<roots.count)
        var out: [Batch] = []
        for g in 0..<rowGroupCount { out.append(contentsOf: try readRowGroup(g, columns: cols)) }
        return out
    }

    func cursor(_ d: DecodedColumn, leaf: ParquetLeaf) throws -> LeafCursor {
        let render: (Int) -> String
        if leaf.kind == .timestamp(.nanos) || leaf.kind == .timeNanos, case .int64(let raw) = d.values, d.indices == nil {
            let type = leaf.type
            render = { i in ValueJSON.quote(ParquetNanos.format(raw[i], type: type)) }
        } else {
            let vector: Vector
            if let idx = d.indices, let dict = d.dictionary {
                let dv = try ParquetVectors.dense(dict, leaf: leaf, file: name)
                vector = Vector(type: leaf.type, count: idx.count, storage: .dictionary(indices: idx, values: dv))
            } else {
                vector = try ParquetVectors.dense(d.values, leaf: leaf, file: name)
            }
            let type = leaf.type
            render = { i in ValueJSON.render(vector.value(at: i), type: type) }
        }
        let levels = d.definitionLevels()
        let present = levels.map { $0.reduce(0) { $0 + ($1 == Int32(leaf.maxDef) ? 1 : 0) } } ?? d.entries
        let stored = d.indices?.count ?? d.values.count
        guard present == stored else {
            throw SQLError(SQLState.dataCorrupted, "file \"\(name)\", column \(leaf.dottedPath): \(stored) values for \(present) non-null entries")
        }
        return LeafCursor(defs: levels, reps: d.repLevels, entries: d.entries, maxDef: Int32(leaf.maxDef), render: render)
    }

    /// Fetches the byte ranges of the given leaves' chunks, merging ranges that are adjacent or close.
    func fetchChunks(_ rg: RowGroup, leaves needed: [Int]) throws -> [Int: (bytes: [UInt8], range: Range<Int>)] {
        struct Span { var start: Int64; var end: Int64; var leaves: [(Int, Int64, Int64)] }
        var ranges: [(leaf: Int, start: Int64, end: Int64)] = []
        for l in Set(needed).sorted() {
            let chunk = rg.columns[l]
            let leaf = leaves[l]
            if chunk.encrypted || metadata.encrypted && chunk.metaData == nil {
                throw SQLError(SQLState.featureNotSupported, "file \"\(name)\": column \(leaf.dottedPath) is encrypted; decryption is not supported")
            }
            guard let meta = chunk.metaData else {
                throw SQLError(SQLState.dataCorrupted, "file \"\(name)\": column \(leaf.dottedPath) has no column metadata")
            }
            if meta.numValues == 0 { continue }
            if let p = chunk.filePath, !p.isEmpty {
                throw SQLError(SQLState.featureNotSupported, "file \"\(name)\": column \(leaf.dottedPath) is stored in another file (\(p))")
            }
            var start = meta.dataPageOffset
            if let d = meta.dictionaryPageOffset, d > 0, d < start { start = d }
            guard start >= 4, meta.totalCompressedSize >= 0, start < source.size else {
                throw SQLError(SQLState.dataCorrupted, "file \"\(name)\": column \(leaf.dottedPath) has an invalid byte range")
            }
            // Some writers understate the chunk size; never read past the footer though.
            // Old parquet-mr left the dictionary page header out of the chunk size (PARQUET-816): pad the read.
            let padding: Int64 = (metadata.createdBy ?? "parquet-mr").hasPrefix("parquet-mr") ? 100 : 0
            let end = min(start + meta.totalCompressedSize + padding, source.size - 8)
            ranges.append((l, start, end))
        }
        ranges.sort { $0.start < $1.start }
        var spans: [Span] = []
        for r in ranges {
            if var last = spans.last, r.start <= last.end + 64 * 1024, r.end - last.start <= 256 << 20 {
                last.end = max(last.end, r.end)
                last.leaves.append((r.leaf, r.start, r.end))
                spans[spans.count - 1] = last
            } else {
                spans.append(Span(start: r.start, end: r.end, leaves: [(r.leaf, r.start, r.end)]))
            }
        }
        var out: [Int: (bytes: [UInt8], range: Range<Int>)] = [:]
        for s in spans {
            let bytes = try source.read(offset: s.start, length: Int(s.end - s.start))
            for (l, a, b) in s.leaves {
                out[l] = (bytes, Int(a - s.start)..<Int(b - s.start))
            }
        }
        return out
    }
}

/// Nanosecond-precision rendering for nested TIME/TIMESTAMP(NANOS) values (vectors hold µs only).
enum ParquetNanos {
    static func format(_ nanos: Int64, type: DataType) -> String {
        var d = nanos / 86_400_000_000_000
        var t = nanos % 86_400_000_000_000
        if t < 0 { t += 86_400_000_000_000; d -= 1 }
        func pad(_ v: Int64, _ w: Int) -> String { let s = String(v); return String(repeating: "0", count: max(0, w - s.count)) + s }
        let clock = "\(pad(t / 3_600_000_000_000, 2)):\(pad(t / 60_000_000_000 % 60, 2)):\(pad(t / 1_000_000_000 % 60, 2)).\(pad(t % 1_000_000_000, 9))"
        if type == .time { return clock }
        let c = Calendar.civil(days: d)
        let year = c.year >= 0 && c.year <= 9999 ? pad(Int64(c.year), 4) : (c.year < 0 ? "-" : "+") + pad(Int64(abs(c.year)), 5)
        return "\(year)-\(pad(Int64(c.month), 2))-\(pad(Int64(c.day), 2))T\(clock)" + (type == .timestamptz ? "Z" : "")
    }
}
