// Page locations of a flat column chunk that has no OffsetIndex, found by
// walking its page headers. Many writers (pyarrow by default, DuckDB, older
// Spark) write no page index, and a read for a few rows (late
// materialisation: the survivors of a filter) would otherwise decompress and
// decode every page of the chunk. Each header says its compressed size, so
// a small read per page finds the next one; nothing is decompressed. A data
// page of a flat column holds as many rows as values (v1 num_values, v2
// num_rows), so the walk gives each page's row range, and the pages can be
// read like those an OffsetIndex lists (ParquetFile.readPages). Any header
// that does not parse, or rows that do not add up to the row group's, gives
// nil: the caller reads the chunk whole, as before, and the chunk reader
// reports the corruption with its SQLSTATE.

import Foundation

extension ParquetFile {
    /// Where each data page of a flat column chunk is: from the OffsetIndex when the file has
    /// one, else from the page headers (walked once per file object, kept with it). Nil for
    /// repeated or encrypted columns, chunks in other files, and headers that do not add up.
    public func readablePageLocations(rowGroup: Int, leaf: Int) throws -> [ParquetPageLocation]? {
        if let pages = try pageLocations(rowGroup: rowGroup, leaf: leaf) { return pages }
        guard rowGroup >= 0, rowGroup < metadata.rowGroups.count, leaf >= 0, leaf < leaves.count else { return nil }
        let key = rowGroup * leaves.count + leaf
        if let known = walkedPages.get(key) { return known }
        let walked = walkPageHeaders(rowGroup: rowGroup, leaf: leaf)
        walkedPages.set(key, walked)
        return walked
    }

    /// The walk itself; nil whenever the chunk cannot be read page by page.
    func walkPageHeaders(rowGroup: Int, leaf l: Int) -> [ParquetPageLocation]? {
        let rg = metadata.rowGroups[rowGroup]
        let chunk = rg.columns[l]
        guard leaves[l].maxRep == 0, !chunk.encrypted, chunk.filePath?.isEmpty ?? true,
              let meta = chunk.metaData, meta.numValues > 0, meta.totalCompressedSize > 0 else { return nil }
        var start = meta.dataPageOffset
        if let d = meta.dictionaryPageOffset, d > 0, d < start { start = d }
        let chunkEnd = start + meta.totalCompressedSize
        guard start >= 4, chunkEnd <= source.size - 8 else { return nil }
        var pages: [ParquetPageLocation] = []
        var offset = start, row: Int64 = 0
        while offset < chunkEnd {
            guard let (header, headerSize) = pageHeader(at: offset, limit: chunkEnd), header.compressedPageSize >= 0 else { return nil }
            let pageEnd = offset + Int64(headerSize) + Int64(header.compressedPageSize)
            guard pageEnd <= chunkEnd else { return nil }
            let rows: Int64
            switch PageType(rawValue: header.type) {
            case .dataPage?:
                guard let d = header.dataPageHeader, d.numValues >= 0 else { return nil }
                rows = Int64(d.numValues)
            case .dataPageV2?:
                guard let d = header.dataPageHeaderV2, d.numRows >= 0 else { return nil }
                rows = Int64(d.numRows)
            case .dictionaryPage?:
                // Only before the first data page, where readPages fetches it with the chunk's start.
                guard pages.isEmpty else { return nil }
                rows = -1
            default:
                return nil
            }
            if rows > 0 {
                pages.append(ParquetPageLocation(rows: row..<row + rows, offset: offset, compressedSize: pageEnd - offset))
                row += rows
            } else if rows == 0 {
                return nil   // an empty data page: a writer this walk does not follow
            }
            offset = pageEnd
        }
        guard row == rg.numRows, !pages.isEmpty else { return nil }
        return pages
    }

    /// One page header and its encoded size. Headers are usually a few dozen bytes, but
    /// statistics of long strings can make them larger: a failed parse retries a bigger window.
    private func pageHeader(at offset: Int64, limit: Int64) -> (PageHeader, Int)? {
        for window in [256, 4096, 65536] {
            let length = Int(min(Int64(window), limit - offset))
            guard length > 0, let bytes = try? source.read(offset: offset, length: length) else { return nil }
            var tr = ThriftReader(bytes, context: "file \"\(name)\", page header")
            if let header = try? tr.readPageHeader() { return (header, tr.pos) }
            if length < window { return nil }
        }
        return nil
    }
}

/// Page-index answers of one file object per (row group, leaf): page locations walked from
/// headers or read from the OffsetIndex, and per-page statistics. Every morsel of a row group
/// (a split row group's parts, each column of a paged read) asks again, and each answer cost a
/// Thrift parse. Bounded: past `capacity` chunks it starts over, so a long-lived file object
/// cannot grow without limit.
final class ChunkIndexCache<Element>: @unchecked Sendable {
    private let lock = NSLock()
    private var known: [Int: Element?] = [:]
    private let capacity = 4096

    func get(_ key: Int) -> Element?? {
        lock.lock()
        defer { lock.unlock() }
        return known[key]
    }

    func set(_ key: Int, _ value: Element?) {
        lock.lock()
        defer { lock.unlock() }
        if known.count >= capacity { known.removeAll(keepingCapacity: true) }
        known[key] = .some(value)
    }
}
