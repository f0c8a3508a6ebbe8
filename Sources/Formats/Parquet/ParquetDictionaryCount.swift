// How many entries the dictionary page of a column chunk holds, read from
// the page header alone (one small read, nothing decompressed). The planner
// uses it as the chunk's distinct count for join ordering: the footer of
// most writers carries no distinct_count, and a full scan at plan time is
// out of the question. Only chunks whose every data page is dictionary
// encoded count (a writer that fell back to PLAIN wrote a dictionary that
// holds only some of the values).

extension ParquetFile {
    /// Entries of the dictionary of one flat, fully dictionary-encoded column chunk, with the bytes
    /// read; nil when the chunk has no usable dictionary or its header does not parse.
    public func dictionaryEntryCount(rowGroup: Int, leaf l: Int) throws -> (entries: Int, pageBytes: Int, bytesRead: Int64)? {
        guard rowGroup >= 0, rowGroup < metadata.rowGroups.count, l >= 0, l < leaves.count else { return nil }
        let chunk = metadata.rowGroups[rowGroup].columns[l]
        guard !chunk.encrypted, chunk.filePath?.isEmpty ?? true,
              let meta = chunk.metaData, meta.numValues > 0, Self.isFullyDictionaryEncoded(meta) else { return nil }
        var start = meta.dataPageOffset
        if let d = meta.dictionaryPageOffset, d > 0, d < start { start = d }
        let chunkEnd = min(start + meta.totalCompressedSize, source.size - 8)
        guard start >= 4, start < chunkEnd else { return nil }
        // A page header is a few dozen bytes; 256 covers one with statistics of short values.
        let bytes = try source.read(offset: start, length: Int(min(chunkEnd - start, 256)))
        var tr = ThriftReader(bytes, context: "file \"\(name)\", column \(leaves[l].dottedPath), dictionary page header")
        guard let header = try? tr.readPageHeader(), PageType(rawValue: header.type) == .dictionaryPage,
              let dictionary = header.dictionaryPageHeader, dictionary.numValues >= 0 else { return nil }
        return (Int(dictionary.numValues), Int(max(0, header.compressedPageSize)), Int64(bytes.count))
    }
}
