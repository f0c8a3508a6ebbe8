// What the reader offers for skipping inside a row group: the page index
// (OffsetIndex page locations joined with ColumnIndex per-page statistics),
// page-by-page reads of a row selection, a column chunk's dictionary (when
// every data page is dictionary-encoded) and its bloom filter. A malformed
// or incomplete page index is ignored (the chunk is then read whole), so it
// can only cost speed; byte ranges outside the file are XX001 errors.

import Columnar

/// Sorted, disjoint, non-empty row ranges of one row group.
public struct RowSelection: Sendable, Equatable, CustomStringConvertible {
    public private(set) var ranges: [Range<Int64>]
    /// The rows selected, counted as the ranges are normalised (each column of a sparse late
    /// read asks, over tens of thousands of ranges).
    public let rowCount: Int64

    /// Normalises any ranges (sorts, drops empty ones, merges overlapping and adjacent ones).
    public init(_ ranges: [Range<Int64>]) {
        // Survivor ranges (thousands per row group in a sparse late read) arrive normalised
        // already: then they are kept as they are, after one pass of compares.
        let normalisedCount = ranges.withUnsafeBufferPointer { r -> Int64? in
            guard let first = r.first, !first.isEmpty else { return r.isEmpty ? 0 : nil }
            var previousEnd = first.upperBound
            var count = first.upperBound - first.lowerBound
            for k in 1..<r.count {
                guard r[k].lowerBound > previousEnd, !r[k].isEmpty else { return nil }
                previousEnd = r[k].upperBound
                count &+= r[k].upperBound - r[k].lowerBound
            }
            return count
        }
        if let normalisedCount {
            self.ranges = ranges
            self.rowCount = normalisedCount
            return
        }
        // In order: one merging pass, without a sorted copy.
        let inOrder = zip(ranges, ranges.dropFirst()).allSatisfy { $0.lowerBound <= $1.lowerBound }
        var merged: [Range<Int64>] = []
        merged.reserveCapacity(ranges.count)
        for r in inOrder ? ranges : ranges.sorted(by: { $0.lowerBound < $1.lowerBound }) where !r.isEmpty {
            if let last = merged.last, r.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, r.upperBound)
            } else {
                merged.append(r)
            }
        }
        self.ranges = merged
        self.rowCount = merged.reduce(0) { $0 + Int64($1.count) }
    }

    public static func all(_ rows: Int64) -> RowSelection { RowSelection([0..<rows]) }

    public var isEmpty: Bool { ranges.isEmpty }

    public func isAll(rows: Int64) -> Bool { ranges == [0..<rows] || (rows == 0 && ranges.isEmpty) }

    func clamped(rows: Int64) -> RowSelection {
        RowSelection(ranges.map { r in
            let lo = max(0, min(rows, r.lowerBound))
            return lo..<max(lo, min(rows, r.upperBound))
        })
    }

    public func intersects(_ r: Range<Int64>) -> Bool {
        guard !r.isEmpty else { return false }
        // Sorted and disjoint: the first range ending after r starts is the only candidate
        // (a binary search: a sparse survivor selection holds thousands of ranges, asked per page).
        var lo = 0, hi = ranges.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if ranges[mid].upperBound <= r.lowerBound { lo = mid + 1 } else { hi = mid }
        }
        return lo < ranges.count && ranges[lo].lowerBound < r.upperBound
    }

    /// Rows in both selections.
    public func intersection(_ other: RowSelection) -> RowSelection {
        var out: [Range<Int64>] = []
        var i = 0, j = 0
        while i < ranges.count && j < other.ranges.count {
            let a = ranges[i], b = other.ranges[j]
            let lo = max(a.lowerBound, b.lowerBound), hi = min(a.upperBound, b.upperBound)
            if lo < hi { out.append(lo..<hi) }
            if a.upperBound < b.upperBound { i += 1 } else { j += 1 }
        }
        return RowSelection(out)
    }

    public var description: String { ranges.map { "\($0.lowerBound)..<\($0.upperBound)" }.joined(separator: ", ") }
}

/// Result of reading some columns of one row group.
public struct ParquetColumnsRead {
    /// One requested column: a whole vector, or a flat column without NULLs or dictionary kept
    /// in its physical form and converted batch by batch in `slice` (saves building and then
    /// copying a whole-row-group vector of the wider logical type, e.g. INT32 dates → Int64,
    /// INT64 decimals → Int128).
    /// `offset`: where this read's first row sits in the vector or values (a page read of a
    /// row range keeps the decoded pages whole instead of copying the range out).
    enum Column {
        case vector(Vector, offset: Int)
        case physical(PhysicalValues, leaf: ParquetLeaf, file: String, offset: Int)
    }
    var columns: [Column] = []

    /// Whole vectors of the requested columns (tests, nested readers; scans use `slice`).
    public var vectors: [Vector] {
        columns.map { c in
            switch c {
            case .vector(let v, let offset): return ParquetVectors.slice(v, offset..<offset + rows)
            case .physical(let values, let leaf, let file, let offset):
                // Only conversions that cannot fail are deferred (ParquetVectors.convertsWithoutFailure).
                if let v = ParquetVectors.denseRange(values, offset..<offset + rows, leaf: leaf) { return v }
                let own = offset == 0 && values.count == rows ? values : values.slice(offset..<offset + rows)
                return (try? ParquetVectors.dense(own, leaf: leaf, file: file)) ?? Vector.nulls(type: leaf.type, count: rows)
            }
        }
    }

    /// Requested columns read (cheap, unlike `vectors`, which converts deferred columns whole).
    public var columnCount: Int { columns.count }

    mutating func append(_ v: Vector) { columns.append(.vector(v, offset: 0)) }
    /// Dictionary slots this read decoded or used: held until the read is dropped, so parts of
    /// the same row group read at the same time share them (ParquetDictionarySharing).
    private var retained: [ParquetDictionarySlot] = []
    mutating func retain(_ slot: ParquetDictionarySlot?) { if let slot { retained.append(slot) } }
    /// Rows in every vector.
    public var rows: Int
    /// Data pages decoded and data pages left unread (over all column chunks read).
    public var pagesRead = 0
    public var pagesSkipped = 0
    /// Bytes of column data fetched (page index and footer reads not included).
    public var bytesRead: Int64 = 0
    init(rows: Int) { self.rows = rows }

    /// Rows `r` of column `c`, copying contiguous ranges (dictionaries are shared, not copied).
    public func slice(_ c: Int, _ r: Range<Int>) throws -> Vector {
        switch columns[c] {
        case .vector(let v, let offset): return ParquetVectors.slice(v, (r.lowerBound + offset)..<(r.upperBound + offset))
        case .physical(let values, let leaf, let file, let offset):
            // Converted straight from the range (one pass, no intermediate copy of it).
            let range = (r.lowerBound + offset)..<(r.upperBound + offset)
            if let v = ParquetVectors.denseRange(values, range, leaf: leaf) { return v }
            return try ParquetVectors.dense(values.slice(range), leaf: leaf, file: file)
        }
    }
}

/// One data page of a column chunk, from the OffsetIndex.
public struct ParquetPageLocation: Sendable, Equatable {
    public var rows: Range<Int64>
    public var offset: Int64
    public var compressedSize: Int64
}

/// One page's rows and statistics, from the page index.
public struct ParquetPageStatistics: Sendable {
    public var rows: Range<Int64>
    /// nil when the ColumnIndex is absent or unusable.
    public var statistics: ParquetColumnStatistics?
}

extension ParquetFile {
    /// The data pages of a column chunk from its OffsetIndex; nil when there is none or it is inconsistent.
    public func pageLocations(rowGroup: Int, leaf: Int) throws -> [ParquetPageLocation]? {
        try cached(in: indexedPages, rowGroup: rowGroup, leaf: leaf) { try readPageLocations(rowGroup: rowGroup, leaf: leaf) }
    }

    /// The answer `read` gives for one column chunk, parsed once and then kept in `cache`.
    private func cached<T>(in cache: ChunkIndexCache<T>, rowGroup: Int, leaf: Int, _ read: () throws -> T?) throws -> T? {
        // The key names only real chunks: others are an error, never another chunk's answer.
        guard rowGroup >= 0, rowGroup < metadata.rowGroups.count, leaf >= 0, leaf < leaves.count else {
            throw SQLError(SQLState.invalidParameterValue, "file \"\(name)\": row group \(rowGroup) or column \(leaf) does not exist")
        }
        let key = rowGroup &* leaves.count &+ leaf
        if let known = cache.get(key) { return known }
        let answer = try read()
        cache.set(key, answer)
        return answer
    }

    private func readPageLocations(rowGroup: Int, leaf: Int) throws -> [ParquetPageLocation]? {
        guard let oi = try offsetIndex(rowGroup: rowGroup, leaf: leaf), !oi.pageLocations.isEmpty else { return nil }
        let rg = metadata.rowGroups[rowGroup]
        guard let meta = rg.columns[leaf].metaData else { return nil }
        var chunkStart = meta.dataPageOffset
        if let d = meta.dictionaryPageOffset, d > 0, d < chunkStart { chunkStart = d }
        let locations = oi.pageLocations
        guard locations[0].firstRowIndex == 0 else { return nil }
        var out: [ParquetPageLocation] = []
        out.reserveCapacity(locations.count)
        for (i, p) in locations.enumerated() {
            let end = i + 1 < locations.count ? locations[i + 1].firstRowIndex : rg.numRows
            guard p.firstRowIndex < end, p.compressedPageSize > 0, p.offset >= chunkStart,
                  p.offset + Int64(p.compressedPageSize) <= source.size - 8,
                  i == 0 || p.offset >= out[i - 1].offset + out[i - 1].compressedSize else { return nil }
            out.append(ParquetPageLocation(rows: p.firstRowIndex..<end, offset: p.offset, compressedSize: Int64(p.compressedPageSize)))
        }
        return out
    }

    /// Per-page rows and statistics of a flat column chunk, or nil without an OffsetIndex.
    /// Entries have nil statistics when the ColumnIndex is missing or does not match the pages.
    public func pageStatistics(rowGroup: Int, leaf: Int) throws -> [ParquetPageStatistics]? {
        try cached(in: pageStatisticsCache, rowGroup: rowGroup, leaf: leaf) { try readPageStatistics(rowGroup: rowGroup, leaf: leaf) }
    }

    private func readPageStatistics(rowGroup: Int, leaf: Int) throws -> [ParquetPageStatistics]? {
        guard let pages = try pageLocations(rowGroup: rowGroup, leaf: leaf) else { return nil }
        let index = try columnIndex(rowGroup: rowGroup, leaf: leaf)
        let n = pages.count
        let usable = index.map { ci in
            ci.nullPages.count == n && ci.minValues.count == n && ci.maxValues.count == n && (ci.nullCounts.map { $0.count == n } ?? true)
        } ?? false
        return pages.enumerated().map { i, p in
            guard usable, let ci = index else { return ParquetPageStatistics(rows: p.rows, statistics: nil) }
            let rows = Int64(p.rows.count)
            if ci.nullPages[i] {
                return ParquetPageStatistics(rows: p.rows, statistics: ParquetColumnStatistics(min: nil, max: nil, nullCount: rows, distinctCount: nil))
            }
            let raw = ParquetStatisticsRaw(max: nil, min: nil, nullCount: ci.nullCounts?[i], distinctCount: nil,
                                           maxValue: ci.maxValues[i], minValue: ci.minValues[i])
            return ParquetPageStatistics(rows: p.rows, statistics: ParquetStatisticsDecoder.decode(raw, leaf: leaves[leaf]))
        }
    }

    /// Reads the pages of a flat leaf that overlap `selection` and returns exactly the selection's rows.
    func readPages(_ rg: RowGroup, leaf l: Int, pages: [ParquetPageLocation], selection: RowSelection, rows: Int64,
                   within: Range<Int64>? = nil, rowGroup: Int? = nil, test: (any ScanValueTest)? = nil,
                   into result: inout ParquetColumnsRead) throws -> ParquetColumnsRead.Column {
        let leaf = test == nil ? leaves[l] : leaves[l].tested
        guard let meta = rg.columns[l].metaData else {
            throw SQLError(SQLState.dataCorrupted, "file \"\(name)\": column \(leaf.dottedPath) has no column metadata")
        }
        if let p = rg.columns[l].filePath, !p.isEmpty {
            throw SQLError(SQLState.featureNotSupported, "file \"\(name)\": column \(leaf.dottedPath) is stored in another file (\(p))")
        }
        let chosen = pages.filter { selection.intersects($0.rows) }
        result.pagesRead += chosen.count
        result.pagesSkipped += (within.map { w in pages.filter { $0.rows.overlaps(w) }.count } ?? pages.count) - chosen.count
        var segments: [(bytes: [UInt8], range: Range<Int>)] = []
        var reader = try chunkReader(meta, leaf: leaves[l], rowGroup: rowGroup)
        reader.valueTest = test
        // The dictionary page (and any index page) sits before the first data page.
        var chunkStart = meta.dataPageOffset
        if let d = meta.dictionaryPageOffset, d > 0, d < chunkStart { chunkStart = d }
        if chunkStart < pages[0].offset {
            guard chunkStart >= 4 else {
                throw SQLError(SQLState.dataCorrupted, "file \"\(name)\": column \(leaf.dottedPath) has an invalid byte range")
            }
        }
        if chunkStart < pages[0].offset, let known = reader.dictionarySlot?.decoded {
            // Another part of this row group decoded the dictionary: its page (up to a
            // dictionary page limit of bytes, as much as the part's own data pages) is not read again.
            reader.knownDictionary = known
        } else if chunkStart < pages[0].offset {
            let bytes = try source.read(offset: chunkStart, length: Int(pages[0].offset - chunkStart))
            result.bytesRead += Int64(bytes.count)
            segments.append((bytes, 0..<bytes.count))
        }
        // Adjacent pages are fetched in one read.
        var spans: [(start: Int64, end: Int64)] = []
        for p in chosen {
            if let last = spans.last, last.end == p.offset {
                spans[spans.count - 1].end = p.offset + p.compressedSize
            } else {
                spans.append((p.offset, p.offset + p.compressedSize))
            }
        }
        for s in spans {
            let bytes = try source.read(offset: s.start, length: Int(s.end - s.start))
            result.bytesRead += Int64(bytes.count)
            segments.append((bytes, 0..<bytes.count))
        }
        let expected = chosen.reduce(Int64(0)) { $0 + Int64($1.rows.count) }
        // A sparse read (below) converts only the rows it keeps, those before a fall-back to
        // PLAIN pages included. Only reads of several ranges take that path.
        let selected = Int(selection.rowCount)
        let sparse = selected * sparseReadFactor(leaf: l) <= Int(expected)
        reader.defersFallbackConversion = sparse && selection.ranges.count > 1 && test == nil
        reader.pageRowsNeeded = Self.rowsNeeded(selection, pages: chosen)
        let d = try reader.read(segments: segments, expectedValues: expected)
        result.retain(d.dictionarySlot)
        // One row range over consecutive pages (a part of a split row group, or one run the page
        // index kept): its rows are one contiguous run of the decoded pages, read at an offset.
        if selection.ranges.count == 1, let first = chosen.first,
           zip(chosen, chosen.dropFirst()).allSatisfy({ $0.rows.upperBound == $1.rows.lowerBound }) {
            let r = selection.ranges[0]
            let offset = Int(r.lowerBound - first.rows.lowerBound)
            if offset >= 0, offset + r.count <= Int(expected), d.entries == Int(expected), ParquetVectors.isDensePlain(d, leaf: leaf) {
                return .physical(d.values, leaf: leaf, file: name, offset: offset)
            }
        }
        func whole() throws -> Vector {
            let v = try ParquetVectors.flatColumn(d, leaf: leaf, file: name)
            guard v.count == Int(expected) else {
                throw SQLError(SQLState.dataCorrupted, "file \"\(name)\", column \(leaf.dottedPath): \(v.count) values in pages of \(expected) rows")
            }
            return v
        }
        if selection.ranges.count == 1, let first = chosen.first,
           zip(chosen, chosen.dropFirst()).allSatisfy({ $0.rows.upperBound == $1.rows.lowerBound }) {
            let r = selection.ranges[0]
            let offset = Int(r.lowerBound - first.rows.lowerBound)
            let v = try whole()
            if offset >= 0, offset + r.count <= v.count { return .vector(v, offset: offset) }
        }
        // Row r of the selection sits in the decoded vector at (rows of earlier chosen pages) + (r - page start).
        // A selection range overlaps only chosen pages, which follow each other in the decoded vector
        // wherever their rows do, so each range maps to one contiguous range there: copied in bulk.
        // Few rows of the pages read (late materialisation after a selective filter): only those
        // are converted and placed (`rows`), instead of every decoded row and then a copy of the few.
        var decodedRanges: [Range<Int>] = []
        var rows = ContiguousArray<Int32>()
        if sparse {
            rows = try ContiguousArray(unsafeUninitializedCapacity: selected) { out, initialized in
                var written = 0
                try Self.mapSelection(selection, pages: chosen, expected: Int(expected), file: name) { start, count in
                    guard written + count <= out.count else { return false }
                    for i in 0..<count { out[written &+ i] = Int32(truncatingIfNeeded: start &+ i) }
                    written += count
                    return true
                }
                initialized = written
            }
        } else {
            decodedRanges.reserveCapacity(selection.ranges.count)
            try Self.mapSelection(selection, pages: chosen, expected: Int(expected), file: name) { start, count in
                decodedRanges.append(start..<start + count)
                return true
            }
        }
        if sparse {
            guard d.entries == Int(expected) else {
                throw SQLError(SQLState.dataCorrupted, "file \"\(name)\", column \(leaf.dottedPath): \(d.entries) values in pages of \(expected) rows")
            }
            return .vector(try ParquetVectors.flatColumn(d, leaf: leaf, file: name, rows: rows), offset: 0)
        }
        return .vector(try whole().copyingRanges(decodedRanges), offset: 0)
    }

    /// A page read is sparse (converts only its selected rows) when it selects at most one row in this many.
    public static let sparseReadFactor = 8
    /// The same for a column whose values are kept as they are stored (an INT64 or DOUBLE, a
    /// timestamp in microseconds): converting every row of its pages costs little more than a
    /// copy, so ranking and gathering only the survivors pays off only when fewer survive
    /// (click-stream m7's timestamps and user ids, a tenth of the rows kept: 4% faster converted
    /// whole; TPC-H Q3's decimals, widened to 128 bits, 7% slower so).
    public static let sparseReadFactorStoredAsIs = 16

    /// The factor of `sparseReadFactor` or `sparseReadFactorStoredAsIs` for leaf `l`.
    func sparseReadFactor(leaf l: Int) -> Int {
        switch leaves[l].kind {
        case .int64, .double, .timeMicros, .timestamp(.micros): return Self.sparseReadFactorStoredAsIs
        default: return Self.sparseReadFactor
        }
    }

    /// `sparseReadFactor(leaf:)` of a flat column (the smaller factor for any other).
    public func sparseReadFactor(column c: Int) -> Int {
        guard c >= 0, c < roots.count, let l = roots[c].leafIndex else { return Self.sparseReadFactor }
        return sparseReadFactor(leaf: l)
    }

    /// For each page (each overlapping `selection`, in order): one past its last selected row,
    /// counted from its first row.
    static func rowsNeeded(_ selection: RowSelection, pages: [ParquetPageLocation]) -> [Int] {
        let ranges = selection.ranges
        var needs: [Int] = []
        needs.reserveCapacity(pages.count)
        var k = 0
        for page in pages {
            // The last range starting before the page ends; the page overlaps the selection, so it overlaps that range.
            while k + 1 < ranges.count && ranges[k + 1].lowerBound < page.rows.upperBound { k += 1 }
            let last = k < ranges.count ? Swift.min(ranges[k].upperBound, page.rows.upperBound) : page.rows.upperBound
            needs.append(last > page.rows.lowerBound ? Int(last - page.rows.lowerBound) : page.rows.count)
        }
        return needs
    }

    /// Hands `place` each range of `selection` as (start, count) in the values decoded from
    /// `pages` (the rows of the earlier pages, then the range's offset in its page), checking
    /// that every page a range runs into was read right after the one before. Raw buffers and
    /// locals: a sparse read maps tens of thousands of one-row ranges per column.
    @inline(__always)
    private static func mapSelection(_ selection: RowSelection, pages chosen: [ParquetPageLocation], expected: Int, file: String,
                                     _ place: (Int, Int) -> Bool) throws {
        try selection.ranges.withUnsafeBufferPointer { ranges in
            try chosen.withUnsafeBufferPointer { pages in
                var pageIndex = 0, pageBase: Int64 = 0
                for r in ranges {
                    while pageIndex < pages.count && pages[pageIndex].rows.upperBound <= r.lowerBound {
                        pageBase += pages[pageIndex].rows.upperBound - pages[pageIndex].rows.lowerBound
                        pageIndex += 1
                    }
                    guard pageIndex < pages.count, pages[pageIndex].rows.contains(r.lowerBound) else {
                        throw SQLError(SQLState.internalError, "file \"\(file)\": row \(r.lowerBound) of the selection is in no page read")
                    }
                    // Every page the range runs into must have been read and follow the previous one.
                    var end = pages[pageIndex].rows.upperBound, k = pageIndex
                    while end < r.upperBound {
                        k += 1
                        guard k < pages.count, pages[k].rows.lowerBound == end else {
                            throw SQLError(SQLState.internalError, "file \"\(file)\": row \(end) of the selection is in no page read")
                        }
                        end = pages[k].rows.upperBound
                    }
                    let start = Int(pageBase + r.lowerBound - pages[pageIndex].rows.lowerBound)
                    let count = Int(r.upperBound - r.lowerBound)
                    guard start + count <= expected, place(start, count) else {
                        throw SQLError(SQLState.internalError, "file \"\(file)\": selection runs past the pages read")
                    }
                }
            }
        }
    }

    /// True when every data page of the chunk is dictionary-encoded, so the dictionary holds every non-null value.
    static func isFullyDictionaryEncoded(_ meta: ColumnMetaData) -> Bool {
        if let stats = meta.encodingStats, !stats.isEmpty {
            let data = stats.filter { ($0.pageType == PageType.dataPage.rawValue || $0.pageType == PageType.dataPageV2.rawValue) && $0.count > 0 }
            let hasDictionary = stats.contains { $0.pageType == PageType.dictionaryPage.rawValue && $0.count > 0 }
            return hasDictionary && !data.isEmpty && data.allSatisfy {
                $0.encoding == ParquetEncoding.plainDictionary || $0.encoding == ParquetEncoding.rleDictionary
            }
        }
        // Without encoding_stats: dictionary encodings plus level encodings only. PLAIN may be the
        // dictionary page's encoding or a fallback data page's, so its presence means "not sure".
        let encodings = Set(meta.encodings)
        guard encodings.contains(ParquetEncoding.plainDictionary) || encodings.contains(ParquetEncoding.rleDictionary) else { return false }
        return encodings.isSubset(of: [ParquetEncoding.plainDictionary, ParquetEncoding.rleDictionary, ParquetEncoding.rle, ParquetEncoding.bitPacked])
    }

    /// The dictionary of a flat, fully dictionary-encoded column chunk as a vector of the leaf's type, with
    /// the bytes fetched; nil when the chunk is not fully dictionary-encoded or has no dictionary page.
    public func dictionaryValues(rowGroup: Int, leaf l: Int) throws -> (values: Vector, bytesRead: Int64)? {
        guard rowGroup >= 0, rowGroup < metadata.rowGroups.count, l >= 0, l < leaves.count else { return nil }
        let chunk = metadata.rowGroups[rowGroup].columns[l]
        let leaf = leaves[l]
        guard leaf.physical != .boolean, !chunk.encrypted, chunk.filePath?.isEmpty ?? true,
              let meta = chunk.metaData, meta.numValues > 0, Self.isFullyDictionaryEncoded(meta) else { return nil }
        var start = meta.dataPageOffset
        if let d = meta.dictionaryPageOffset, d > 0, d < start { start = d }
        let chunkEnd = min(start + meta.totalCompressedSize, source.size - 8)
        guard start >= 4, start < chunkEnd else {
            throw SQLError(SQLState.dataCorrupted, "file \"\(name)\": column \(leaf.dottedPath) has an invalid byte range")
        }
        let reader = try chunkReader(meta, leaf: leaf, rowGroup: rowGroup)
        // A page header is small: read a window first, then the rest of the page if it is larger.
        var bytes = try source.read(offset: start, length: Int(min(chunkEnd - start, 4096)))
        var tr = ThriftReader(bytes, context: "file \"\(name)\", column \(leaf.dottedPath), dictionary page header")
        guard let header = try? tr.readPageHeader(), PageType(rawValue: header.type) == .dictionaryPage,
              header.compressedPageSize >= 0 else { return nil }
        let pageEnd = Int64(tr.pos) + Int64(header.compressedPageSize)
        guard pageEnd <= chunkEnd - start else {
            throw SQLError(SQLState.dataCorrupted, "file \"\(name)\": column \(leaf.dottedPath): dictionary page extends past the column chunk")
        }
        if pageEnd > Int64(bytes.count) {
            bytes += try source.read(offset: start + Int64(bytes.count), length: Int(pageEnd) - bytes.count)
        }
        guard let dict = try reader.readDictionary(bytes, range: 0..<Int(pageEnd)) else { return nil }
        let shared = try reader.dictionarySlot?.vector { try ParquetVectors.dense($0, leaf: leaf, file: name) }
        return (try shared ?? ParquetVectors.dense(dict, leaf: leaf, file: name), Int64(bytes.count))
    }

    /// The split-block bloom filter of a column chunk, with the bytes fetched; nil when the chunk has none
    /// or it uses an algorithm, hash or compression this reader does not know.
    public func bloomFilter(rowGroup: Int, leaf l: Int) throws -> (filter: ParquetBloomFilter, bytesRead: Int64)? {
        guard rowGroup >= 0, rowGroup < metadata.rowGroups.count, l >= 0, l < leaves.count else { return nil }
        guard let meta = metadata.rowGroups[rowGroup].columns[l].metaData, let offset = meta.bloomFilterOffset else { return nil }
        let what = "file \"\(name)\", column \(leaves[l].dottedPath), bloom filter"
        let limit = source.size - 8
        guard offset >= 4, offset < limit else { throw SQLError(SQLState.dataCorrupted, "\(what): offset is outside the file") }
        var length: Int64
        if let declared = meta.bloomFilterLength {
            guard declared > 0, Int64(declared) <= limit - offset else { throw SQLError(SQLState.dataCorrupted, "\(what): length is outside the file") }
            length = Int64(declared)
        } else {
            length = min(limit - offset, 256)
        }
        var bytes = try source.read(offset: offset, length: Int(length))
        var tr = ThriftReader(bytes, context: what)
        let header = try tr.readBloomFilterHeader()
        guard header.splitBlock, header.xxHash, header.uncompressed else { return nil }
        let n = Int64(header.numBytes)
        guard n >= 32, n % 32 == 0, n <= Int64(ParquetBloomFilter.maxBytes), n <= limit - offset - Int64(tr.pos) else {
            throw SQLError(SQLState.dataCorrupted, "\(what): invalid size \(header.numBytes)")
        }
        if Int64(tr.pos) + n > Int64(bytes.count) {
            if meta.bloomFilterLength != nil { throw SQLError(SQLState.dataCorrupted, "\(what): bitset extends past its declared length") }
            bytes += try source.read(offset: offset + Int64(bytes.count), length: Int(Int64(tr.pos) + n) - bytes.count)
            length = Int64(bytes.count)
        }
        guard let filter = try ParquetBloomFilter.decode(bytes, what: what) else { return nil }
        return (filter, Int64(bytes.count))
    }
}
