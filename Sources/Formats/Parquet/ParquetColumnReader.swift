// Decodes one column chunk: walks its pages (dictionary, data v1, data v2),
// decompresses them, decodes repetition/definition levels and values, and
// accumulates the chunk's non-null values in their physical representation.
// Dictionary-encoded chunks keep codes + dictionary so scans can produce
// .dictionary vectors; a chunk that falls back to plain pages mid-way is
// flattened at that point.

import Columnar

/// Non-null values of one leaf in physical form (INT96 already as µs).
enum PhysicalValues {
    case bool(ContiguousArray<Bool>)
    case int32(ContiguousArray<Int32>)
    case int64(ContiguousArray<Int64>)
    case float(ContiguousArray<Float>)
    case double(ContiguousArray<Double>)
    case bytes(StringColumn)

    /// No values, of this one's kind.
    var emptyOfSameKind: PhysicalValues {
        switch self {
        case .bool: return .bool([])
        case .int32: return .int32([])
        case .int64: return .int64([])
        case .float: return .float([])
        case .double: return .double([])
        case .bytes: return .bytes(StringColumn())
        }
    }

    static func empty(_ p: ParquetPhysicalType) -> PhysicalValues {
        switch p {
        case .boolean: return .bool([])
        case .int32: return .int32([])
        case .int64, .int96: return .int64([])
        case .float: return .float([])
        case .double: return .double([])
        case .byteArray, .fixedLenByteArray: return .bytes(StringColumn())
        }
    }

    var count: Int {
        switch self {
        case .bool(let a): return a.count
        case .int32(let a): return a.count
        case .int64(let a): return a.count
        case .float(let a): return a.count
        case .double(let a): return a.count
        case .bytes(let s): return s.count
        }
    }

    /// Values `r` (a copy).
    func slice(_ r: Range<Int>) -> PhysicalValues {
        switch self {
        case .bool(let a): return .bool(ContiguousArray(a[r]))
        case .int32(let a): return .int32(ContiguousArray(a[r]))
        case .int64(let a): return .int64(ContiguousArray(a[r]))
        case .float(let a): return .float(ContiguousArray(a[r]))
        case .double(let a): return .double(ContiguousArray(a[r]))
        case .bytes(let s): return .bytes(s.slice(r))
        }
    }

    /// Bytes of one PLAIN value of this physical type when the reader stores it unchanged
    /// (INT96 is converted to µs, booleans are bit-packed, byte arrays have lengths).
    static func storedWidth(_ p: ParquetPhysicalType) -> Int? {
        switch p {
        case .int32, .float: return 4
        case .int64, .double: return 8
        default: return nil
        }
    }

    /// Appends `count` fixed-width values that `fill` writes as raw little-endian bytes straight
    /// into the array's new tail (the bulk PLAIN copy assumes a little-endian host, as
    /// PlainDecoder.fixed does). Only for the types `storedWidth` names.
    mutating func appendRaw(count: Int, _ fill: (UnsafeMutableRawBufferPointer) throws -> Void) throws {
        // The tail is written once, by `fill` (no zero-fill first: a column chunk is megabytes).
        func grow<T: BitwiseCopyable>(_ a: inout ContiguousArray<T>, _ zero: T) throws {
            a.reserveGrowing(a.count + count)
            try a.appendUninitialized(count: count, throwing: { try fill(UnsafeMutableRawBufferPointer($0)) })
        }
        switch self {
        case .int32(var a): self = .int32([]); try grow(&a, 0); self = .int32(a)
        case .int64(var a): self = .int64([]); try grow(&a, 0); self = .int64(a)
        case .float(var a): self = .float([]); try grow(&a, 0); self = .float(a)
        case .double(var a): self = .double([]); try grow(&a, 0); self = .double(a)
        case .bool, .bytes: throw encodingError("values of this type are not stored as raw fixed-width bytes")
        }
    }

    /// Capacity for `n` values in all (byte arrays: `n` offsets; their bytes grow as read).
    mutating func reserve(_ n: Int) {
        switch self {
        case .bool(var a): self = .bool([]); a.reserveGrowing(n); self = .bool(a)
        case .int32(var a): self = .int32([]); a.reserveGrowing(n); self = .int32(a)
        case .int64(var a): self = .int64([]); a.reserveGrowing(n); self = .int64(a)
        case .float(var a): self = .float([]); a.reserveGrowing(n); self = .float(a)
        case .double(var a): self = .double([]); a.reserveGrowing(n); self = .double(a)
        case .bytes(var s): self = .bytes(StringColumn()); s.offsets.reserveGrowing(n + 1); self = .bytes(s)
        }
    }

    /// Appends dict[indices[i]] for every index (indices already validated against dict.count).
    /// `expecting`: the values the array will hold in the end, when more are to follow; byte
    /// arrays then reserve bytes for the rest from the gathered ones (PlainDecoder.chunkBytes).
    mutating func appendGathered(from dict: PhysicalValues, _ indices: ContiguousArray<Int32>, expecting: Int = 0) throws {
        // Written straight into one uninitialised tail (an append per value paid a capacity
        // check each: late reads gather every survivor this way).
        func gather<T: BitwiseCopyable>(_ a: inout ContiguousArray<T>, _ d: ContiguousArray<T>) {
            let n = indices.count
            guard n > 0 else { return }
            a.reserveGrowing(a.count + n)
            d.withUnsafeBufferPointer { dp in
                indices.withUnsafeBufferPointer { ip in
                    a.appendUninitialized(count: n) { out in
                        for k in 0..<n { out[k] = dp[Int(ip[k])] }
                    }
                }
            }
        }
        switch (self, dict) {
        case (.bool(var a), .bool(let d)): self = .bool([]); gather(&a, d); self = .bool(a)
        case (.int32(var a), .int32(let d)): self = .int32([]); gather(&a, d); self = .int32(a)
        case (.int64(var a), .int64(let d)): self = .int64([]); gather(&a, d); self = .int64(a)
        case (.float(var a), .float(let d)): self = .float([]); gather(&a, d); self = .float(a)
        case (.double(var a), .double(let d)): self = .double([]); gather(&a, d); self = .double(a)
        case (.bytes(var a), .bytes(let d)):
            self = .bytes(StringColumn())
            a.offsets.reserveGrowing(a.offsets.count + indices.count)
            var total = a.bytes.count
            for i in indices { total += d.length(at: Int(i)) }
            guard total <= Int(Int32.max) else {
                self = .bytes(a)
                throw encodingError("column chunk exceeds 2 GiB of string data")
            }
            let n = indices.count, start = a.bytes.count
            if n > 0 {
                let chunk = PlainDecoder.chunkBytes(sampleBytes: total - start, sampleValues: n, values: expecting - (a.offsets.count - 1))
                a.bytes.reserveGrowing(Swift.max(total, start + chunk))
                d.bytes.withUnsafeBufferPointer { db in
                    d.offsets.withUnsafeBufferPointer { doff in
                        indices.withUnsafeBufferPointer { ip in
                            a.offsets.appendUninitialized(count: n) { out in
                                var end = start
                                for k in 0..<n {
                                    let i = Int(ip[k])
                                    end += Int(doff[i + 1]) - Int(doff[i])
                                    out[k] = Int32(truncatingIfNeeded: end)
                                }
                            }
                            a.bytes.appendUninitialized(count: total - start) { out in
                                guard let base = out.baseAddress, let source = db.baseAddress else { return }
                                var to = 0
                                for k in 0..<n {
                                    let i = Int(ip[k])
                                    let lo = Int(doff[i]), length = Int(doff[i + 1]) - lo
                                    (base + to).initialize(from: source + lo, count: length)
                                    to += length
                                }
                            }
                        }
                    }
                }
            }
            self = .bytes(a)
        default: break
        }
    }
}

extension DecodedColumn {
    /// The definition levels as integers (nil: every entry defined), from `defLevels` or
    /// expanded from `definedBits` (readers that walk levels: nested leaves, JSON rendering).
    func definitionLevels() -> ContiguousArray<Int32>? {
        guard let bits = definedBits else { return defLevels }
        return ContiguousArray((0..<entries).lazy.map { DefinitionBits.isSet(bits, $0) ? 1 : 0 })
    }
}

enum DefinitionBits {
    @inline(__always) static func isSet(_ bits: ContiguousArray<UInt64>, _ i: Int) -> Bool {
        bits[i >> 6] >> UInt64(i & 63) & 1 != 0
    }

    /// Entries at `from..<to` that are set. `from` and `to` within the words' bits.
    static func count(_ bits: UnsafeBufferPointer<UInt64>, from: Int, to: Int) -> Int {
        guard to > from else { return 0 }
        let first = from >> 6, last = (to - 1) >> 6
        let lowMask = ~UInt64(0) << UInt64(from & 63)
        let highMask = ~UInt64(0) >> UInt64(63 - ((to - 1) & 63))
        if first == last { return (bits[first] & lowMask & highMask).nonzeroBitCount }
        var c = (bits[first] & lowMask).nonzeroBitCount + (bits[last] & highMask).nonzeroBitCount
        var w = first + 1
        while w < last { c &+= bits[w].nonzeroBitCount; w += 1 }
        return c
    }

    /// Grows `bits` with clear words until it holds `entries` bits.
    static func grow(_ bits: inout ContiguousArray<UInt64>, toHold entries: Int) {
        let words = (entries + 63) >> 6
        if bits.count < words { bits.append(contentsOf: repeatElement(0, count: words - bits.count)) }
    }

    /// Sets bits `from..<from + count` of `w`, a word at a time.
    static func setRange(_ w: UnsafeMutableBufferPointer<UInt64>, from: Int, count: Int) {
        var position = from
        let end = from + count
        while position < end {
            let take = Swift.min(64 - position & 63, end - position)
            let run = take == 64 ? ~UInt64(0) : (UInt64(1) << UInt64(take)) - 1
            w[position >> 6] |= run << UInt64(position & 63)
            position += take
        }
    }

    /// Sets entries `at..<at + n` (the bits past `at` are clear), growing `bits`.
    static func appendOnes(_ n: Int, to bits: inout ContiguousArray<UInt64>, at: Int) {
        grow(&bits, toHold: at + n)
        bits.withUnsafeMutableBufferPointer { setRange($0, from: at, count: n) }
    }

    /// Sets the bits of `levels` (each 0 or 1) as entries `at..<at + levels.count`, growing
    /// `bits` (the deprecated BIT_PACKED level encoding, decoded to integers first).
    static func append(_ levels: UnsafeBufferPointer<Int32>, to bits: inout ContiguousArray<UInt64>, at: Int) {
        grow(&bits, toHold: at + levels.count)
        bits.withUnsafeMutableBufferPointer { w in
            for (i, level) in levels.enumerated() where level == 1 { w[(at + i) >> 6] |= 1 << UInt64((at + i) & 63) }
        }
    }
}

enum DefinitionLevels {
    /// How many of `count` levels at `start` equal `maxDef` (non-NULL values). Explicit 8-lane
    /// compares: the plain loop compiled to a compare and a branch per level (mispredicted on
    /// nullable data; 20% of a point-lookup scan's profile). 32-bit sums suffice: pages and
    /// reads hold far fewer than 2^31 levels.
    static func countDefined(_ start: UnsafePointer<Int32>, count: Int, maxDef: Int32) -> Int {
        let target = SIMD8<Int32>(repeating: maxDef), one = SIMD8<Int32>(repeating: 1)
        var lanes = SIMD8<Int32>()
        var i = 0
        while i + 8 <= count {
            let v = UnsafeRawPointer(start + i).loadUnaligned(as: SIMD8<Int32>.self)
            lanes &+= one.replacing(with: 0, where: v .!= target)
            i += 8
        }
        var c = lanes.wrappedSum()
        while i < count {
            c &+= start[i] == maxDef ? 1 : 0
            i += 1
        }
        return Int(c)
    }
}

/// Everything decoded from one column chunk.
struct DecodedColumn {
    /// Level entries (rows for flat columns).
    var entries = 0
    /// One per entry; nil when every entry is at the maximum (a required leaf, or a flat optional
    /// one whose pages held no NULL), and for a flat leaf whose maximum is 1, which keeps
    /// `definedBits` instead.
    var defLevels: ContiguousArray<Int32>?
    /// A flat leaf with maximum definition level 1 (an optional top-level column) once a page
    /// held a NULL: bit i % 64 of word i / 64 is set when entry i is defined. Four bytes per
    /// entry written and read again were most of a late read's cost on a nullable column
    /// (counting the defined entries before each survivor); here a count is a popcount.
    var definedBits: ContiguousArray<UInt64>?
    var repLevels: ContiguousArray<Int32>?
    /// Plain values (when `indices` is nil) of the non-null entries.
    var values: PhysicalValues
    var dictionary: PhysicalValues?
    /// Dictionary codes of the non-null entries, while every data page so far was dictionary-encoded.
    var indices: ContiguousArray<Int32>?
    /// A chunk that fell back from dictionary pages to PLAIN ones in a read that left the
    /// conversion to its reader (`ColumnChunkReader.defersFallbackConversion`): the codes of the
    /// non-null entries before the first PLAIN page; `values` holds the entries after them.
    var fallbackCodes: ContiguousArray<Int32>?
    /// Data pages decoded (for EXPLAIN ANALYZE's page counts).
    var dataPages = 0
    /// Data pages decompressed straight into `values`, their levels over the values before them (tests).
    var pagesDecodedInPlace = 0
    /// Level entries the column metadata promises (an upper bound on values; sizes reservations).
    var expectedEntries = 0
    /// Entries at the maximum definition level (non-NULL), counted page by page as the pages
    /// are decoded; nil when this column was not built by `read` (then count the levels).
    var definedEntries: Int?
    /// Where `dictionary` came from when it is shared with concurrent reads of the same chunk.
    var dictionarySlot: ParquetDictionarySlot?
    /// The dictionary page while `read` has not needed it: it is decoded by the first
    /// dictionary-encoded data page. A late read of a chunk that fell back to PLAIN often
    /// touches only plain pages and never pays for the dictionary (click-stream m5: a 1 MB
    /// dictionary of timestamps per row group, decompressed for one plain page's row).
    /// Always nil once `read` returns.
    var pendingDictionary: (header: PageHeader, body: ArraySlice<UInt8>)?
    /// A tested column's dictionary answers made ready for mapping codes (appendAnswers), kept
    /// for the chunk's later pages.
    var mappedAnswers: RLEHybrid.MappedAnswers?
}

struct ColumnChunkReader {
    let leaf: ParquetLeaf
    let codec: ParquetCodec
    let file: String
    /// Check each page's CRC32 (when the writer stored one) before decoding it.
    var verifyChecksums = false
    /// Shares the dictionary page's decoded values with concurrent reads of this chunk.
    var dictionarySlot: ParquetDictionarySlot? = nil
    /// The chunk's dictionary, already decoded by a concurrent read of another part of the row
    /// group (from `dictionarySlot`): the segments then hold data pages only.
    var knownDictionary: PhysicalValues? = nil
    /// When the chunk falls back from dictionary pages to PLAIN ones, keep the earlier pages'
    /// codes (`DecodedColumn.fallbackCodes`) instead of converting every one to its value: set
    /// by sparse late reads, which convert only the rows they keep (click-stream m7 converted
    /// 630K codes a row group through 1 MB dictionaries to keep 10% of them).
    var defersFallbackConversion = false
    /// For each data page of the read, in order: how many of its rows, from its start, are
    /// read (one past its last selected row). A PLAIN fixed-width page without NULLs is then
    /// decompressed and decoded only that far, its later values left zero (never read). nil:
    /// every row of every page.
    var pageRowsNeeded: [Int]? = nil
    /// Read the chunk's text or integer values as this test's answers (`ParquetLeaf.tested`):
    /// PLAIN pages tested where their values lie, other pages and the dictionary decoded, then
    /// tested. The decoded column holds booleans, never dictionary codes nor values.
    var valueTest: (any ScanValueTest)? = nil
    /// Whether pages may be decompressed straight into the chunk's value array (not when the
    /// array holds a test's answers).
    private var storesValues: Bool { valueTest == nil }
    var what: String { "file \"\(file)\", column \(leaf.dottedPath)" }

    func corrupt(_ m: String) -> SQLError { SQLError(SQLState.dataCorrupted, "\(what): \(m)") }

    static let maxPageSize: Int32 = 1 << 30

    /// Decodes all pages in `bytes` until `expectedValues` level entries have been read.
    func read(_ bytes: [UInt8], expectedValues: Int64) throws -> DecodedColumn {
        try read(bytes, range: 0..<bytes.count, expectedValues: expectedValues)
    }

    /// Decodes the pages in `bytes[range]` (a chunk inside a larger coalesced read, not copied out).
    func read(_ bytes: [UInt8], range: Range<Int>, expectedValues: Int64) throws -> DecodedColumn {
        try read(segments: [(bytes, range)], expectedValues: expectedValues)
    }

    /// Decodes the pages of several byte segments in order (the dictionary page, then the
    /// data pages a page-index selection kept), until `expectedValues` level entries are read.
    /// Each segment holds whole pages.
    func read(segments: [(bytes: [UInt8], range: Range<Int>)], expectedValues: Int64) throws -> DecodedColumn {
        var out = DecodedColumn(values: valueTest == nil ? .empty(leaf.physical) : .bool([]))
        // Levels come one per entry: reserve them once (page-by-page growth copied each array
        // several times over a row group). Values are reserved when the first page says which
        // form (codes or plain) they take.
        let expected = Int(clamping: max(0, min(expectedValues, Int64(Int32.max))))
        out.expectedEntries = expected
        out.definedEntries = 0
        if let knownDictionary {
            out.dictionary = tested(knownDictionary)
            out.dictionarySlot = dictionarySlot
        }
        // A flat leaf's definition levels start implicit (readDefinitionLevels).
        if leaf.maxDef > 0 && leaf.maxRep > 0 { out.defLevels = []; out.defLevels?.reserveCapacity(expected) }
        if leaf.maxRep > 0 { out.repLevels = []; out.repLevels?.reserveCapacity(expected) }
        var pageNumber = 0
        for (bytes, range) in segments {
            let chunkEnd = min(range.upperBound, bytes.count)
            var pos = range.lowerBound
            while Int64(out.entries) < expectedValues && pos < chunkEnd {
                try readPage(bytes, &pos, chunkEnd: chunkEnd, pageNumber: pageNumber, expectedValues: expectedValues, into: &out)
                pageNumber += 1
            }
        }
        out.pendingDictionary = nil
        if Int64(out.entries) < expectedValues {
            throw corrupt("column chunk ends after \(out.entries) of \(expectedValues) values")
        }
        if Int64(out.entries) != expectedValues {
            throw corrupt("pages hold \(out.entries) values, the column metadata says \(expectedValues)")
        }
        return out
    }

    /// Decodes the dictionary page at the start of `bytes[range]`; nil when the first page is not one.
    func readDictionary(_ bytes: [UInt8], range: Range<Int>) throws -> PhysicalValues? {
        let chunkEnd = min(range.upperBound, bytes.count)
        var tr = ThriftReader(bytes, start: range.lowerBound, end: chunkEnd, context: "\(what), dictionary page header")
        let header = try tr.readPageHeader()
        guard PageType(rawValue: header.type) == .dictionaryPage else { return nil }
        let size = Int(header.compressedPageSize)
        guard size >= 0, size <= chunkEnd - tr.pos else { throw corrupt("dictionary page extends past the column chunk") }
        let body = bytes[tr.pos..<tr.pos + size]
        do {
            if let dictionarySlot { return try dictionarySlot.values { try decodeDictionaryPage(header, body) } }
            return try decodeDictionaryPage(header, body)
        } catch let e as EncodingError {
            throw corrupt("dictionary page: \(e.message)")
        }
    }

    /// How many rows from the start of data page `page` (of `rows`) the read needs.
    private func rowsNeeded(page: Int, rows: Int) -> Int {
        guard let needs = pageRowsNeeded, page < needs.count, needs[page] > 0 else { return rows }
        return Swift.min(needs[page], rows)
    }

    /// A flat optional leaf's v1 PLAIN page of fixed-width values whose levels are one run of
    /// "defined" (no NULL), compressed with SNAPPY, after values of the chunk already decoded:
    /// decompressed straight into the chunk's array (as far as its last needed row), without a
    /// page buffer and the copy out of it (that copy was 4% of click-stream m7's samples, its
    /// timestamps).
    /// The page's level bytes precede its values, so the block is written from that many bytes
    /// before the page's place in the array, over the end of the values before it, which are
    /// saved first and put back after. The levels are read from the block's first literal (a
    /// block opens with one, there being nothing yet to copy), so they are checked before
    /// anything is written. False, with `out` unchanged but for the switch from dictionary
    /// codes to values that any PLAIN page makes, when the page is not of that form.
    private func decodeDefinedPlainInPlace(_ body: ArraySlice<UInt8>, size: Int, rows n: Int, needed: Int, width: Int,
                                           into out: inout DecodedColumn) throws -> Bool {
        guard codec == .snappy, n > 0 else { return false }
        let levels: [UInt8]? = body.withUnsafeBytes { src in
            guard let (stated, preamble) = SnappyDecoder.uncompressedLength(src), stated == size, preamble < src.count else { return nil }
            let tag = Int(src[preamble])
            guard tag & 3 == 0 else { return nil }
            var literal = (tag >> 2) + 1, at = preamble + 1
            if literal > 60 {
                // 61...64: the literal's length - 1 follows in 1...4 little-endian bytes
                let extra = literal - 60
                guard src.count - at >= extra else { return nil }
                literal = 1
                for k in 0..<extra { literal += Int(src[at + k]) << (8 * k) }
                at += extra
            }
            guard literal >= 4, src.count - at >= literal else { return nil }
            let length = Int(src[at]) | Int(src[at + 1]) << 8 | Int(src[at + 2]) << 16 | Int(src[at + 3]) << 24
            // One run's header (a varint of up to 5 bytes) and its value: a longer length is not one run.
            guard length <= 6, 4 + length <= literal else { return nil }
            return Array(src[at..<at + 4 + length])
        }
        guard let levels, levels.count + n * width == size,
              levels.withUnsafeBufferPointer({ RLEHybrid.opensWithRun($0, start: 4, end: $0.count, bitWidth: 1, of: 1, covering: n) })
        else { return false }
        let lead = levels.count
        try prepareForPlainValues(count: n, into: &out)
        guard out.values.count * width >= lead else { return false }
        var at = 0
        let present = try levels.withUnsafeBufferPointer {
            try readDefinitionLevels($0, v1Encoding: ParquetEncoding.rle, at: &at, end: $0.count, count: n, into: &out)
        }
        guard present == n, at == lead else { throw corrupt("levels of a page without NULLs read as \(present) of \(n)") }
        let stop = lead + needed * width
        try out.values.appendRaw(count: n) { values in
            let block = UnsafeMutableRawBufferPointer(start: values.baseAddress! - lead, count: size)
            let overwritten = Array(UnsafeRawBufferPointer(rebasing: block[0..<lead]))
            defer { UnsafeMutableRawBufferPointer(rebasing: block[0..<lead]).copyBytes(from: overwritten) }
            if stop < size {
                // The values after those needed are zeros: a value past the stop may be cut.
                _ = try Decompressor.decompress(codec, body, into: block, prefix: stop, what: what)
                UnsafeMutableRawBufferPointer(rebasing: block[stop...]).initializeMemory(as: UInt8.self, repeating: 0)
            } else {
                try Decompressor.decompress(codec, body, into: block, what: what)
            }
        }
        out.entries += n
        out.definedEntries? += n
        out.pagesDecodedInPlace += 1
        return true
    }

    /// A flat optional leaf's v1 PLAIN page of fixed-width values, read for its first `needed`
    /// rows: when its levels are one run of "defined" (no NULL), it is decompressed only as far
    /// as those rows' values, which are decoded; the values after them are zeros, never read.
    /// False, with `out` unchanged, when the page is not of that form; the caller then decodes
    /// all of it.
    private func decodeLeadingRows(_ body: ArraySlice<UInt8>, size: Int, rows n: Int, needed: Int, width: Int,
                                   into out: inout DecodedColumn) throws -> Bool {
        // Levels without a NULL: a 4-byte length, then one run (a header of up to 5 bytes, its value).
        let (bytes, written) = try Decompressor.decompress(codec, body, outputSize: size, prefix: 4 + 6 + needed * width, what: what)
        return try bytes.withUnsafeBufferPointer { whole in
            let p = UnsafeBufferPointer(rebasing: whole[0..<written])
            guard let len = Self.levelsLength(p, at: 0), len <= written - 4,
                  RLEHybrid.opensWithRun(p, start: 4, end: 4 + len, bitWidth: 1, of: 1, covering: n),
                  4 + len + needed * width <= written else { return false }
            var at = 0
            let present = try readDefinitionLevels(p, v1Encoding: ParquetEncoding.rle, at: &at, end: p.count, count: n, into: &out)
            guard present == n, at == 4 + len else { throw corrupt("levels of a page without NULLs read as \(present) of \(n)") }
            try decodeValues(p, start: at, end: at + needed * width, encoding: ParquetEncoding.plain, count: needed, into: &out)
            try out.values.appendRaw(count: n - needed) { $0.initializeMemory(as: UInt8.self, repeating: 0) }
            out.entries += n
            out.definedEntries? += n
            return true
        }
    }

    /// Decodes the dictionary page `read` set aside, for the first page that needs it.
    private func decodePendingDictionary(into out: inout DecodedColumn) throws {
        guard let (header, body) = out.pendingDictionary else { return }
        out.pendingDictionary = nil
        do {
            // The slot shares the decoded values; a tested read tests them into its own answers.
            if let dictionarySlot {
                out.dictionary = tested(try dictionarySlot.values { try decodeDictionaryPage(header, body) })
                out.dictionarySlot = dictionarySlot
            } else {
                out.dictionary = tested(try decodeDictionaryPage(header, body))
            }
        } catch let e as EncodingError {
            throw corrupt("dictionary page: \(e.message)")
        }
    }

    /// A dictionary's values as the test's answers, when the read has a test.
    private func tested(_ dictionary: PhysicalValues) -> PhysicalValues {
        guard let valueTest else { return dictionary }
        switch (valueTest, dictionary) {
        case (let test as StringValueTest, .bytes(let texts)):
            return .bool(test.test(texts, count: texts.count))
        case (let test as IntegerValueTest, .int64(let values)) where leaf.physical == .int64:
            return .bool(Self.answers(test, values))
        case (let test as IntegerValueTest, .int32(let values)):
            return .bool(Self.answers(test, values))
        default:
            return dictionary  // refused where the page needs answers
        }
    }

    private static func answers<T: FixedWidthInteger>(_ test: IntegerValueTest, _ values: ContiguousArray<T>) -> ContiguousArray<Bool> {
        var out = ContiguousArray<Bool>()
        out.reserveCapacity(values.count)
        values.withUnsafeBytes { raw in
            if let base = raw.baseAddress { test.testStored(base, width: MemoryLayout<T>.size, count: values.count, into: &out) }
        }
        return out
    }

    private func decodeDictionaryPage(_ header: PageHeader, _ body: ArraySlice<UInt8>) throws -> PhysicalValues {
        guard header.uncompressedPageSize >= 0 else { throw corrupt("dictionary page has a negative size") }
        guard header.uncompressedPageSize <= ColumnChunkReader.maxPageSize else {
            throw SQLError(SQLState.programLimitExceeded,
                           "\(what): dictionary page decompresses to \(header.uncompressedPageSize) bytes, more than the 1 GiB limit")
        }
        guard let dh = header.dictionaryPageHeader else { throw corrupt("dictionary page without its header") }
        guard dh.encoding == ParquetEncoding.plain || dh.encoding == ParquetEncoding.plainDictionary else {
            throw SQLError(SQLState.featureNotSupported, "\(what): unsupported dictionary encoding \(ParquetEncoding.name(dh.encoding))")
        }
        guard dh.numValues >= 0 else { throw corrupt("negative dictionary size") }
        var dict = PhysicalValues.empty(leaf.physical)
        if let width = PhysicalValues.storedWidth(leaf.physical), Int(dh.numValues) * width == Int(header.uncompressedPageSize) {
            // Fixed-width PLAIN values are stored as they are: decompress straight into the array.
            try dict.appendRaw(count: Int(dh.numValues)) { try Decompressor.decompress(codec, body, into: $0, what: what) }
            return dict
        }
        let data = try Decompressor.decompress(codec, body, outputSize: Int(header.uncompressedPageSize), what: what)
        try data.withUnsafeBufferPointer { p in
            var at = 0
            var bit = 0
            try decodePlain(p, pos: &at, end: p.count, count: Int(dh.numValues), bitOffset: &bit, into: &dict)
        }
        return dict
    }

    private func readPage(_ bytes: [UInt8], _ pos: inout Int, chunkEnd: Int, pageNumber: Int, expectedValues: Int64,
                          into out: inout DecodedColumn) throws {
        var tr = ThriftReader(bytes, start: pos, end: chunkEnd, context: "\(what), page \(pageNumber) header")
        let header = try tr.readPageHeader()
        pos = tr.pos
        let size = Int(header.compressedPageSize)
        guard size >= 0, size <= chunkEnd - pos else { throw corrupt("page \(pageNumber) extends past the column chunk") }
        guard header.uncompressedPageSize >= 0 else { throw corrupt("page \(pageNumber) has a negative size") }
        // PostgreSQL caps one field at 1 GB; a page beyond that cannot yield usable values, so refuse it before allocating.
        guard header.uncompressedPageSize <= ColumnChunkReader.maxPageSize else {
            throw SQLError(SQLState.programLimitExceeded,
                           "\(what): page \(pageNumber) decompresses to \(header.uncompressedPageSize) bytes, more than the 1 GiB limit")
        }
        let body = bytes[pos..<pos + size]
        pos += size
        if verifyChecksums, let crc = header.crc, UInt32(bitPattern: crc) != parquetCRC32(body) {
            throw corrupt("CRC mismatch in page \(pageNumber)")
        }
        do {
            switch PageType(rawValue: header.type) {
            case .dictionaryPage:
                guard out.dictionary == nil && out.pendingDictionary == nil else { throw corrupt("more than one dictionary page") }
                out.pendingDictionary = (header, body)
            case .dataPage:
                guard let dh = header.dataPageHeader else { throw corrupt("data page without its header") }
                let n = Int(dh.numValues)
                let needed = rowsNeeded(page: out.dataPages, rows: n)
                if storesValues, leaf.maxDef == 0, leaf.maxRep == 0, dh.encoding == ParquetEncoding.plain,
                   let width = PhysicalValues.storedWidth(leaf.physical), n >= 0, n * width == Int(header.uncompressedPageSize),
                   Int64(n) <= expectedValues - Int64(out.entries) {
                    // A required column's PLAIN page is nothing but its values: decompress them
                    // straight into the chunk's array (no page buffer, no second copy).
                    try prepareForPlainValues(count: n, into: &out)
                    try out.values.appendRaw(count: n) { values in
                        // The values after those needed are zeros: a value past the stop may be cut.
                        _ = try Decompressor.decompress(codec, body, into: values, prefix: needed * width, what: what)
                        if needed < n {
                            UnsafeMutableRawBufferPointer(rebasing: values[(needed * width)...]).initializeMemory(as: UInt8.self, repeating: 0)
                        }
                    }
                    out.entries += n
                    out.definedEntries? += n
                    out.dataPages += 1
                    return
                }
                // Only while no page of the chunk held a NULL (`definedBits` still nil): a page
                // with NULLs is decompressed again whole, so that waste stays one page a chunk.
                if storesValues, out.definedBits == nil, leaf.maxDef == 1, leaf.maxRep == 0, dh.encoding == ParquetEncoding.plain,
                   dh.definitionLevelEncoding == ParquetEncoding.rle, let width = PhysicalValues.storedWidth(leaf.physical),
                   Int64(n) <= expectedValues - Int64(out.entries) {
                    let size = Int(header.uncompressedPageSize)
                    if try decodeDefinedPlainInPlace(body, size: size, rows: n, needed: needed, width: width, into: &out)
                        || needed < n && decodeLeadingRows(body, size: size, rows: n, needed: needed, width: width, into: &out) {
                        out.dataPages += 1
                        return
                    }
                }
                try withPageBytes(body, compressed: true, size: Int(header.uncompressedPageSize)) { p in
                    var at = 0
                    guard n >= 0, Int64(n) <= expectedValues - Int64(out.entries) else {
                        throw corrupt("page \(pageNumber) holds more values (\(n)) than the column chunk has left")
                    }
                    if leaf.maxRep > 0 {
                        try readV1Levels(p, &at, encoding: dh.repetitionLevelEncoding, maxLevel: leaf.maxRep, count: n, into: &out.repLevels)
                    }
                    var present = n
                    if leaf.maxDef > 0 {
                        present = try readDefinitionLevels(p, v1Encoding: dh.definitionLevelEncoding, at: &at, end: p.count, count: n, into: &out)
                    }
                    try decodeValues(p, start: at, end: p.count, encoding: dh.encoding, count: present, into: &out)
                    out.entries += n
                    out.definedEntries? += present
                }
                out.dataPages += 1
            case .dataPageV2:
                guard let dh = header.dataPageHeaderV2 else { throw corrupt("data page v2 without its header") }
                let repLen = Int(dh.repetitionLevelsByteLength), defLen = Int(dh.definitionLevelsByteLength)
                let n = Int(dh.numValues)
                guard repLen >= 0, defLen >= 0, repLen + defLen <= body.count, n >= 0 else { throw corrupt("invalid level lengths in page \(pageNumber)") }
                guard Int64(n) <= expectedValues - Int64(out.entries) else {
                    throw corrupt("page \(pageNumber) holds more values (\(n)) than the column chunk has left")
                }
                var present = n
                try body.prefix(repLen + defLen).withUnsafeBufferPointer { p in
                    if leaf.maxRep > 0 {
                        try readLevels(p, start: 0, end: repLen, maxLevel: leaf.maxRep, count: n, into: &out.repLevels)
                    }
                    if leaf.maxDef > 0 {
                        var at = repLen
                        present = try readDefinitionLevels(p, v1Encoding: nil, at: &at, end: repLen + defLen, count: n, into: &out)
                    }
                }
                let valueBody = body.dropFirst(repLen + defLen)
                let uncompressedSize = Int(header.uncompressedPageSize) - repLen - defLen
                let compressed = dh.isCompressed && codec != .uncompressed && !(valueBody.isEmpty && present == 0)
                if storesValues, compressed, dh.encoding == ParquetEncoding.plain, let width = PhysicalValues.storedWidth(leaf.physical),
                   present * width == uncompressedSize {
                    try prepareForPlainValues(count: present, into: &out)
                    try out.values.appendRaw(count: present) { try Decompressor.decompress(codec, valueBody, into: $0, what: what) }
                } else {
                    try withPageBytes(valueBody, compressed: compressed, size: uncompressedSize) { p in
                        try decodeValues(p, start: 0, end: p.count, encoding: dh.encoding, count: present, into: &out)
                    }
                }
                out.entries += n
                out.definedEntries? += present
                out.dataPages += 1
            default:
                break  // index pages and unknown page types carry no values
            }
        } catch let e as EncodingError {
            throw corrupt("page \(pageNumber): \(e.message)")
        }
    }

    /// Reads one page's definition levels (v1: with their encoding, from `at`, which moves past
    /// them; v2: `at..<end`) into `out` and returns how many are at the maximum (non-NULL).
    /// A flat leaf's levels stay implicit — `defLevels` nil, every entry defined — while each
    /// page's are one run of the maximum, the form writers give pages without NULLs: an optional
    /// column without NULLs then costs no level array (4 bytes per row written, and counted again
    /// by sparse late reads). The first page with anything else writes out the levels of the
    /// entries before it.
    private func readDefinitionLevels(_ p: UnsafeBufferPointer<UInt8>, v1Encoding: Int32?, at: inout Int, end: Int, count n: Int,
                                      into out: inout DecodedColumn) throws -> Int {
        if leaf.maxRep == 0 && out.defLevels == nil {
            var start = at, stop = end
            if let encoding = v1Encoding {
                // Anything but RLE with a length inside the page: the general path reads (or refuses) it.
                stop = start
                if encoding == ParquetEncoding.rle, let len = Self.levelsLength(p, at: at), len <= p.count - at - 4 {
                    start = at + 4
                    stop = start + len
                }
            }
            if stop > start, RLEHybrid.opensWithRun(p, start: start, end: stop, bitWidth: RLEHybrid.bitWidth(forMax: leaf.maxDef),
                                                    of: UInt32(leaf.maxDef), covering: n) {
                at = stop
                if var bits = out.definedBits {
                    out.definedBits = nil                      // keep the array uniquely referenced
                    DefinitionBits.appendOnes(n, to: &bits, at: out.entries)
                    out.definedBits = bits
                }
                return n
            }
            if leaf.maxDef == 1 { return try readDefinitionBits(p, v1Encoding: v1Encoding, at: &at, end: end, count: n, into: &out) }
            var levels = ContiguousArray<Int32>(repeating: Int32(leaf.maxDef), count: out.entries)
            levels.reserveCapacity(Swift.max(out.expectedEntries, out.entries + n))
            out.defLevels = levels
        }
        let before = out.defLevels?.count ?? 0
        let counted: Int?
        if let encoding = v1Encoding {
            counted = try readV1Levels(p, &at, encoding: encoding, maxLevel: leaf.maxDef, count: n, into: &out.defLevels)
        } else {
            counted = try readLevels(p, start: at, end: end, maxLevel: leaf.maxDef, count: n, into: &out.defLevels)
        }
        return counted ?? countPresent(out.defLevels, from: before)
    }

    /// A flat leaf's levels (maximum 1) once some page held a NULL: decoded straight into bits
    /// from entry `out.entries` on (RLEHybrid.decodeBits; the bits start as all set for the
    /// entries before). Returns the page's defined entries.
    private func readDefinitionBits(_ p: UnsafeBufferPointer<UInt8>, v1Encoding: Int32?, at: inout Int, end: Int, count n: Int,
                                    into out: inout DecodedColumn) throws -> Int {
        if out.definedBits == nil {
            var bits = ContiguousArray<UInt64>(repeating: ~0, count: out.entries >> 6)
            if out.entries & 63 != 0 { bits.append(~UInt64(0) >> UInt64(64 - out.entries & 63)) }
            bits.reserveCapacity((Swift.max(out.expectedEntries, out.entries + n) + 63) >> 6)
            out.definedBits = bits
        }
        var bits = out.definedBits ?? []
        out.definedBits = nil                                  // keep the array uniquely referenced
        defer { out.definedBits = bits }
        var start = at, stop = end
        if let encoding = v1Encoding {
            guard encoding == ParquetEncoding.rle else {
                // The deprecated BIT_PACKED levels (most significant bit first): as integers, then bits.
                var page: ContiguousArray<Int32>? = nil
                try readV1Levels(p, &at, encoding: encoding, maxLevel: 1, count: n, into: &page)
                let levels = page ?? []
                levels.withUnsafeBufferPointer { DefinitionBits.append($0, to: &bits, at: out.entries) }
                return levels.reduce(0) { $0 + Int($1) }
            }
            guard let len = Self.levelsLength(p, at: at) else { throw encodingError("level length runs past the end of the page") }
            guard len <= p.count - at - 4 else { throw encodingError("levels of \(len) bytes run past the end of the page") }
            start = at + 4
            stop = start + len
        }
        do {
            let ones = try RLEHybrid.decodeBits(p, start: start, end: stop, count: n, into: &bits, at: out.entries)
            at = stop
            return ones
        } catch let e as LevelAboveMaximum {
            throw encodingError("level \(e.level) exceeds the maximum 1")
        } catch let e as EncodingError {
            throw encodingError("page has fewer levels than num_values (\(e.message))")
        }
    }

    private func countPresent(_ levels: ContiguousArray<Int32>?, from: Int) -> Int {
        guard let levels else { return 0 }
        return levels.withUnsafeBufferPointer { p in
            guard let base = p.baseAddress, from < p.count else { return 0 }
            return DefinitionLevels.countDefined(base + from, count: p.count - from, maxDef: Int32(leaf.maxDef))
        }
    }

    /// v1 levels: RLE (length-prefixed hybrid) or the deprecated BIT_PACKED (MSB-first, no header).
    /// Returns how many levels equal `maxLevel` when the decoding counted them (see readLevels).
    @discardableResult
    private func readV1Levels(_ p: UnsafeBufferPointer<UInt8>, _ at: inout Int, encoding: Int32, maxLevel: Int, count: Int,
                              into levels: inout ContiguousArray<Int32>?) throws -> Int? {
        switch encoding {
        case ParquetEncoding.rle:
            return try readPrefixedLevels(p, &at, maxLevel: maxLevel, count: count, into: &levels)
        case ParquetEncoding.bitPacked:
            let width = RLEHybrid.bitWidth(forMax: maxLevel)
            let bytes = (count * width + 7) / 8
            guard bytes <= p.count - at else { throw encodingError("page has fewer levels than num_values (BIT_PACKED levels run past the end)") }
            var l = levels ?? []
            levels = nil
            l.reserveGrowing(l.count + count)
            var bit = 0
            for _ in 0..<count {
                var v: Int32 = 0
                for _ in 0..<width {
                    let byte = p[at + bit >> 3]
                    v = v << 1 | Int32(byte >> UInt8(7 - bit & 7) & 1)
                    bit += 1
                }
                if v > Int32(maxLevel) { throw encodingError("level \(v) exceeds the maximum \(maxLevel)") }
                l.append(v)
            }
            at += bytes
            levels = l
            return nil
        default:
            throw SQLError(SQLState.featureNotSupported, "\(what): unsupported level encoding \(ParquetEncoding.name(encoding))")
        }
    }

    /// The 4-byte little-endian length before v1 RLE levels at `at`; nil when the page ends first.
    private static func levelsLength(_ p: UnsafeBufferPointer<UInt8>, at: Int) -> Int? {
        guard p.count - at >= 4 else { return nil }
        return Int(p[at]) | Int(p[at + 1]) << 8 | Int(p[at + 2]) << 16 | Int(p[at + 3]) << 24
    }

    /// v1 levels: a 4-byte little-endian length, then RLE/bit-packed hybrid data.
    private func readPrefixedLevels(_ p: UnsafeBufferPointer<UInt8>, _ at: inout Int, maxLevel: Int, count: Int,
                                    into levels: inout ContiguousArray<Int32>?) throws -> Int? {
        guard let len = Self.levelsLength(p, at: at) else { throw encodingError("level length runs past the end of the page") }
        at += 4
        guard len <= p.count - at else { throw encodingError("levels of \(len) bytes run past the end of the page") }
        let counted = try readLevels(p, start: at, end: at + len, maxLevel: maxLevel, count: count, into: &levels)
        at += len
        return counted
    }

    /// Decodes `count` levels and checks them against `maxLevel`. Levels of at most 1 (a flat
    /// optional column's definition levels) are checked and counted while they are decoded, and
    /// the count of 1s is returned; otherwise nil, and the caller counts.
    @discardableResult
    private func readLevels(_ p: UnsafeBufferPointer<UInt8>, start: Int, end: Int, maxLevel: Int, count: Int,
                            into levels: inout ContiguousArray<Int32>?) throws -> Int? {
        var l = levels ?? []
        levels = nil
        let before = l.count
        if maxLevel == 1 {
            var ones = 0
            do {
                try RLEHybrid.decode(p, start: start, end: end, bitWidth: 1, count: count, into: &l, ones: &ones)
            } catch let e as LevelAboveMaximum {
                throw encodingError("level \(e.level) exceeds the maximum 1")
            } catch let e as EncodingError {
                throw encodingError("page has fewer levels than num_values (\(e.message))")
            }
            levels = l
            return ones
        }
        do {
            try RLEHybrid.decode(p, start: start, end: end, bitWidth: RLEHybrid.bitWidth(forMax: maxLevel), count: count, into: &l)
        } catch let e as EncodingError {
            throw encodingError("page has fewer levels than num_values (\(e.message))")
        }
        // Levels are read unsigned: one max reduction (vectorises) catches negatives and too-large ones.
        let largest = l.withUnsafeBufferPointer { p -> UInt32 in
            var m: UInt32 = 0
            for i in before..<p.count { m = Swift.max(m, UInt32(bitPattern: p[i])) }
            return m
        }
        if l.count > before, largest > UInt32(maxLevel) {
            let bad = l[before...].first { $0 < 0 || $0 > Int32(maxLevel) } ?? Int32(bitPattern: largest)
            throw encodingError("level \(bad) exceeds the maximum \(maxLevel)")
        }
        levels = l
        return nil
    }

    private func decodeValues(_ p: UnsafeBufferPointer<UInt8>, start: Int, end: Int, encoding: Int32, count: Int,
                              into out: inout DecodedColumn) throws {
        switch encoding {
        case ParquetEncoding.plainDictionary, ParquetEncoding.rleDictionary:
            try decodePendingDictionary(into: &out)
            guard let dict = out.dictionary else { throw encodingError("dictionary-encoded page without a dictionary page") }
            let dictCount = UInt32(dict.count)
            if valueTest != nil {
                // The dictionary holds the test's answers (`tested`): a tested column never keeps codes.
                guard case .bool(let answers) = dict else { throw encodingError("a tested column's dictionary holds no answers") }
                try appendAnswers(p, start: start, end: end, count: count, answers: answers, into: &out)
            } else if out.indices != nil || (out.values.count == 0 && out.fallbackCodes == nil) {
                // Codes go straight into the chunk's index array (reserved for the whole chunk
                // on the first page), then the new tail is checked against the dictionary.
                var indices = out.indices ?? {
                    var fresh = ContiguousArray<Int32>()
                    fresh.reserveCapacity(max(count, out.expectedEntries - out.entries))
                    return fresh
                }()
                out.indices = nil
                let before = indices.count
                if count > 0 {
                    guard end > start else { throw encodingError("dictionary page data is empty") }
                    let width = Int(p[start])
                    try RLEHybrid.decode(p, start: start + 1, end: end, bitWidth: width, count: count, into: &indices)
                }
                // The largest code, as an unsigned max over the new tail (vectorises), then the one check.
                let largest = indices.withUnsafeBufferPointer { q -> UInt32 in
                    var m: UInt32 = 0
                    for i in before..<q.count { m = Swift.max(m, UInt32(bitPattern: q[i])) }
                    return m
                }
                if indices.count > before, largest >= dictCount {
                    throw encodingError("dictionary index \(Int32(bitPattern: largest)) out of range (dictionary has \(dictCount) values)")
                }
                out.indices = indices
            } else {
                var codes = ContiguousArray<Int32>()
                if count > 0 {
                    guard end > start else { throw encodingError("dictionary page data is empty") }
                    let width = Int(p[start])
                    try RLEHybrid.decode(p, start: start + 1, end: end, bitWidth: width, count: count, into: &codes)
                }
                for c in codes where UInt32(bitPattern: c) >= dictCount {
                    throw encodingError("dictionary index \(c) out of range (dictionary has \(dictCount) values)")
                }
                try out.values.appendGathered(from: dict, codes)
            }
        default:
            try prepareForPlainValues(count: count, into: &out)
            try decodeNonDictionary(p, start: start, end: end, encoding: encoding, count: count, into: &out.values)
        }
    }

    /// A tested column's dictionary-encoded page: each code's answer (the dictionary holds the
    /// test's answer per entry) appended to the values. Codes of up to 8 bits are mapped as they
    /// are unpacked (RLEHybrid.decodeMapped), wider ones decoded into a page-sized buffer and
    /// mapped at once: written out for the whole chunk and read back by the filter, they were a
    /// fifth of a selective scan (click-stream m6).
    private func appendAnswers(_ p: UnsafeBufferPointer<UInt8>, start: Int, end: Int, count: Int,
                               answers: ContiguousArray<Bool>, into out: inout DecodedColumn) throws {
        guard count > 0 else { return }
        guard end > start else { throw encodingError("dictionary page data is empty") }
        guard case .bool(var values) = out.values else { throw encodingError("a tested column holds other values than its answers") }
        out.values = .bool([])                                 // keep the array uniquely referenced
        defer { out.values = .bool(values) }
        let width = Int(p[start])
        if width >= 1 && width <= 8 {
            if out.mappedAnswers?.bitWidth != width || out.mappedAnswers?.answerCount != answers.count {
                out.mappedAnswers = answers.withUnsafeBufferPointer {
                    RLEHybrid.MappedAnswers($0, bitWidth: width, codes: Swift.max(count, out.expectedEntries))
                }
            }
            try RLEHybrid.decodeMapped(p, start: start + 1, end: end, count: count, answers: out.mappedAnswers!, into: &values)
            return
        }
        var codes = ContiguousArray<Int32>()
        codes.reserveCapacity(count)
        try RLEHybrid.decode(p, start: start + 1, end: end, bitWidth: width, count: count, into: &codes)
        // The largest code, as an unsigned max (vectorises), then the one check.
        var largest: UInt32 = 0
        codes.withUnsafeBufferPointer { c in for code in c { largest = Swift.max(largest, UInt32(bitPattern: code)) } }
        guard largest < UInt32(answers.count) else {
            throw encodingError("dictionary index \(Int32(bitPattern: largest)) out of range (dictionary has \(answers.count) values)")
        }
        answers.withUnsafeBufferPointer { a in
            codes.withUnsafeBufferPointer { c in
                values.appendUninitialized(count: c.count) { o in
                    for k in 0..<c.count { (o.baseAddress! + k).initialize(to: a[Int(c[k])]) }
                }
            }
        }
    }

    /// Before a page of plain (non-dictionary) values: a chunk that fell back from dictionary
    /// pages is flattened here, and the first such page reserves the values of the whole chunk.
    private func prepareForPlainValues(count: Int, into out: inout DecodedColumn) throws {
        if let idx = out.indices, defersFallbackConversion && valueTest == nil {
            out.indices = nil
            out.fallbackCodes = idx
            out.values.reserve(Swift.max(count, out.expectedEntries - out.entries))
        } else if let idx = out.indices, let dict = out.dictionary {
            out.indices = nil
            out.values.reserve(out.expectedEntries)
            // Plain pages follow: bytes reserved for the whole chunk (grown page by page, each
            // growth copied every byte so far: click-stream m8's emails fall back after a few pages).
            try out.values.appendGathered(from: dict, idx, expecting: out.expectedEntries)
        } else if out.values.count == 0 {
            out.values.reserve(max(count, out.expectedEntries - out.entries))
        }
    }

    /// Runs `body` over a page's value bytes: the stored bytes themselves when they are not
    /// compressed (no copy), otherwise a buffer they are decompressed into.
    private func withPageBytes(_ stored: ArraySlice<UInt8>, compressed: Bool, size: Int,
                               _ body: (UnsafeBufferPointer<UInt8>) throws -> Void) throws {
        if compressed && codec != .uncompressed {
            let data = try Decompressor.decompress(codec, stored, outputSize: size, what: what)
            try data.withUnsafeBufferPointer(body)
        } else if compressed {
            guard stored.count == size else {
                throw Decompressor.failure(codec, what, "page size \(stored.count) differs from uncompressed size \(size)")
            }
            try stored.withUnsafeBufferPointer(body)
        } else {
            try stored.withUnsafeBufferPointer(body)
        }
    }

    private func decodePlain(_ p: UnsafeBufferPointer<UInt8>, pos: inout Int, end: Int, count: Int, bitOffset: inout Int,
                             into values: inout PhysicalValues) throws {
        switch values {
        case .bool(var a):
            values = .bool([])
            try PlainDecoder.booleans(p, pos: &pos, end: end, count: count, bitOffset: &bitOffset, into: &a)
            values = .bool(a)
        case .int32(var a):
            values = .int32([])
            try PlainDecoder.fixed(p, pos: &pos, end: end, count: count, as: Int32.self, into: &a)
            values = .int32(a)
        case .int64(var a):
            values = .int64([])
            if leaf.physical == .int96 {
                try PlainDecoder.int96(p, pos: &pos, end: end, count: count, into: &a)
            } else {
                try PlainDecoder.fixed(p, pos: &pos, end: end, count: count, as: Int64.self, into: &a)
            }
            values = .int64(a)
        case .float(var a):
            values = .float([])
            try PlainDecoder.fixed(p, pos: &pos, end: end, count: count, as: Float.self, into: &a)
            values = .float(a)
        case .double(var a):
            values = .double([])
            try PlainDecoder.fixed(p, pos: &pos, end: end, count: count, as: Double.self, into: &a)
            values = .double(a)
        case .bytes(var s):
            values = .bytes(StringColumn())
            if leaf.physical == .fixedLenByteArray {
                try PlainDecoder.fixedByteArrays(p, pos: &pos, end: end, count: count, width: leaf.typeLength, into: &s)
            } else {
                try PlainDecoder.byteArrays(p, pos: &pos, end: end, count: count, into: &s)
            }
            values = .bytes(s)
        }
    }

    private func unsupportedEncoding(_ e: Int32) -> SQLError {
        SQLError(SQLState.featureNotSupported, "\(what): unsupported encoding \(ParquetEncoding.name(e)) for \(leaf.physical.name)")
    }

    private func decodeNonDictionary(_ p: UnsafeBufferPointer<UInt8>, start: Int, end: Int, encoding: Int32, count: Int,
                                     into values: inout PhysicalValues) throws {
        guard let valueTest else { return try decodeValuesAsStored(p, start: start, end: end, encoding: encoding, count: count, into: &values) }
        guard case .bool(var answers) = values else { throw encodingError("a tested column holds other values than its answers") }
        values = .bool([])                                     // keep the array uniquely referenced
        defer { values = .bool(answers) }
        if let test = valueTest as? StringValueTest {
            if encoding == ParquetEncoding.plain && leaf.physical == .byteArray {
                let tested = p.baseAddress.map { test.testLengthPrefixed($0, from: start, end: end, count: count, into: &answers) }
                    ?? (count == 0 ? start : nil)
                if tested == nil { throw encodingError("PLAIN BYTE_ARRAY value runs past the end of the page") }
                return
            }
            var texts = PhysicalValues.bytes(StringColumn())
            try decodeValuesAsStored(p, start: start, end: end, encoding: encoding, count: count, into: &texts)
            guard case .bytes(let column) = texts else { throw unsupportedEncoding(encoding) }
            answers.append(contentsOf: test.test(column, count: column.count))
            return
        }
        guard let test = valueTest as? IntegerValueTest, leaf.physical == .int32 || leaf.physical == .int64 else {
            throw encodingError("the column cannot be read through this test")
        }
        let width = leaf.physical == .int32 ? 4 : 8
        if encoding == ParquetEncoding.plain {
            guard count >= 0, count <= (end - start) / width else { throw encodingError("PLAIN values run past the end of the page") }
            if count > 0, let base = p.baseAddress { test.testStored(base + start, width: width, count: count, into: &answers) }
            return
        }
        var stored = PhysicalValues.empty(leaf.physical)
        try decodeValuesAsStored(p, start: start, end: end, encoding: encoding, count: count, into: &stored)
        switch stored {
        case .int64(let a): answers.append(contentsOf: Self.answers(test, a))
        case .int32(let a): answers.append(contentsOf: Self.answers(test, a))
        default: throw unsupportedEncoding(encoding)
        }
    }

    private func decodeValuesAsStored(_ p: UnsafeBufferPointer<UInt8>, start: Int, end: Int, encoding: Int32, count: Int,
                                      into values: inout PhysicalValues) throws {
        var pos = start
        switch encoding {
        case ParquetEncoding.plain:
            var bit = 0
            try decodePlain(p, pos: &pos, end: end, count: count, bitOffset: &bit, into: &values)
        case ParquetEncoding.rle:
            guard case .bool(var a) = values else { throw unsupportedEncoding(encoding) }
            values = .bool([])
            guard end - pos >= 4 else { throw encodingError("RLE boolean length runs past the end") }
            let len = Int(p[pos]) | Int(p[pos + 1]) << 8 | Int(p[pos + 2]) << 16 | Int(p[pos + 3]) << 24
            pos += 4
            guard len <= end - pos else { throw encodingError("RLE boolean data runs past the end") }
            var codes = ContiguousArray<Int32>()
            try RLEHybrid.decode(p, start: pos, end: pos + len, bitWidth: 1, count: count, into: &codes)
            for c in codes { a.append(c != 0) }
            values = .bool(a)
        case ParquetEncoding.deltaBinaryPacked:
            var decoded = ContiguousArray<Int64>()
            if count > 0 { try DeltaBinaryPacked.decode(p, pos: &pos, end: end, into: &decoded) }
            guard decoded.count >= count else { throw encodingError("DELTA_BINARY_PACKED holds \(decoded.count) of \(count) values") }
            switch values {
            case .int32(var a):
                values = .int32([])
                for i in 0..<count { a.append(Int32(truncatingIfNeeded: decoded[i])) }
                values = .int32(a)
            case .int64(var a) where leaf.physical == .int64:
                values = .int64([])
                a.append(contentsOf: decoded.prefix(count))
                values = .int64(a)
            default: throw unsupportedEncoding(encoding)
            }
        case ParquetEncoding.deltaLengthByteArray:
            guard case .bytes(var s) = values, leaf.physical == .byteArray else { throw unsupportedEncoding(encoding) }
            values = .bytes(StringColumn())
            var lengths = ContiguousArray<Int64>()
            if count > 0 { try DeltaBinaryPacked.decode(p, pos: &pos, end: end, into: &lengths) }
            guard lengths.count >= count else { throw encodingError("DELTA_LENGTH_BYTE_ARRAY holds \(lengths.count) of \(count) lengths") }
            for i in 0..<count {
                let len = lengths[i]
                guard len >= 0, len <= Int64(end - pos) else { throw encodingError("DELTA_LENGTH_BYTE_ARRAY value runs past the end") }
                s.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: p[pos..<pos + Int(len)]))
                guard s.bytes.count <= Int(Int32.max) else { throw encodingError("column chunk exceeds 2 GiB of string data") }
                s.offsets.append(Int32(s.bytes.count))
                pos += Int(len)
            }
            values = .bytes(s)
        case ParquetEncoding.deltaByteArray:
            guard case .bytes(var s) = values else { throw unsupportedEncoding(encoding) }
            values = .bytes(StringColumn())
            var prefixes = ContiguousArray<Int64>(), suffixes = ContiguousArray<Int64>()
            if count > 0 {
                try DeltaBinaryPacked.decode(p, pos: &pos, end: end, into: &prefixes)
                try DeltaBinaryPacked.decode(p, pos: &pos, end: end, into: &suffixes)
            }
            guard prefixes.count >= count, suffixes.count >= count else { throw encodingError("DELTA_BYTE_ARRAY holds fewer than \(count) values") }
            // Front coding: each value shares a prefix with the previous one, copied from the output buffer.
            var prevStart = s.bytes.count, prevLength = 0
            for i in 0..<count {
                let pre = prefixes[i], suf = suffixes[i]
                guard pre >= 0, pre <= Int64(prevLength), suf >= 0, suf <= Int64(end - pos) else {
                    throw encodingError("DELTA_BYTE_ARRAY prefix or suffix out of range")
                }
                let length = Int(pre) + Int(suf)
                if leaf.physical == .fixedLenByteArray && length != leaf.typeLength {
                    throw encodingError("DELTA_BYTE_ARRAY value has \(length) bytes, the column \(leaf.typeLength)")
                }
                guard s.bytes.count + length <= Int(Int32.max) else { throw encodingError("column chunk exceeds 2 GiB of string data") }
                let start = s.bytes.count
                s.bytes.reserveGrowing(start + length)
                for k in 0..<Int(pre) { s.bytes.append(s.bytes[prevStart + k]) }
                s.bytes.append(contentsOf: UnsafeBufferPointer(rebasing: p[pos..<pos + Int(suf)]))
                pos += Int(suf)
                s.offsets.append(Int32(s.bytes.count))
                prevStart = start
                prevLength = length
            }
            values = .bytes(s)
        case ParquetEncoding.byteStreamSplit:
            let width: Int
            switch leaf.physical {
            case .int32, .float: width = 4
            case .int64, .double: width = 8
            case .fixedLenByteArray: width = leaf.typeLength
            default: throw unsupportedEncoding(encoding)
            }
            let plain = try ByteStreamSplit.decode(p, start: pos, end: end, count: count, width: width)
            try plain.withUnsafeBufferPointer { q in
                var at = 0, bit = 0
                try decodePlain(q, pos: &at, end: q.count, count: count, bitOffset: &bit, into: &values)
            }
        default:
            throw unsupportedEncoding(encoding)
        }
    }
}
