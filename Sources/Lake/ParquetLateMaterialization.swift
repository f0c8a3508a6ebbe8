// Late materialisation in a Parquet scan: with a ScanRowFilter the scan
// decodes the columns the filter reads first (every row the pushed-down
// predicates and the page index leave), runs the filter over all of them at
// once (in batch-sized windows past 2^20 rows: a window of the read would
// otherwise copy its rows out of every filter column first), and only then
// decodes the other columns, for the surviving rows alone: the reader
// fetches and decompresses only the pages that hold a survivor (the offset
// index gives each page's rows, or a walk of the page headers when the file
// has none) and gathers the survivors out of them. A row group where nothing
// survives never reads those columns. The output is what the filter stage
// produced before: one batch per batch-sized run of rows with survivors, the
// positions the operators above do not read left as NULL placeholders.

import Columnar
import Formats
import Foundation
import Planner

extension ParquetTableSource: RowFilteringTableSource {
    public func morsels(columns: [Int], predicates: [ScanPredicate], filter: ScanRowFilter,
                        statistics: ScanStatistics) throws -> [ScanMorsel] {
        try morsels(columns: columns, predicates: predicates, rowFilter: filter, statistics: statistics)
    }

    /// Where an output position's values come from in a filtered read.
    private enum PositionSource {
        case partition(Value)
        /// A column the file lacks, or a position nobody reads: NULLs.
        case nulls
        /// Column `slot` of the filter columns' read.
        case filterRead(Int)
        /// Column `slot` of the survivors' read of the other columns.
        case restRead(Int)
    }

    /// One evaluated batch with survivors: where it starts in the filter columns' read, its
    /// survivors (nil: all rows), and its filter-column vectors gathered to the survivors (by
    /// slot, nil where no kept position needs the slot).
    struct Piece {
        var start: Int
        var batchRows: Int
        var rows: ContiguousArray<Int32>?
        var count: Int { rows?.count ?? batchRows }
        var filterVectors: [Vector?]
    }

    /// Above this share of surviving rows every other column is read whole (cut per batch).
    static let lateReadMaximumShare = 0.5

    /// Reads of up to this many rows (a row group of the usual writers' size) run the filter
    /// over all their rows at once.
    static let wholeEvaluationRows = 1 << 20

    /// Reads the rows `selection` leaves (all when nil) of one row group, or of the part
    /// `part` of it, running `filter` before the columns it does not read are decoded.
    func forEachFilteredBatch(file fi: Int, rowGroup g: Int, columns: [Int], selection: RowSelection?, part: Range<Int64>?,
                              filter: ScanRowFilter, history: LateReadHistory?, bytesPlanned: Int64, statistics: ScanStatistics,
                              _ body: (Batch) throws -> Void) throws {
        let pf = opened[fi]
        let groupRows = pf.metadata.rowGroups[g].numRows
        // File columns the filter reads, decoded for every row; then the other kept ones, decoded for survivors.
        var filterColumns: [Int] = [], filterSlot: [Int: Int] = [:]
        var restColumns: [Int] = [], restSlot: [Int: Int] = [:]
        for (p, c) in columns.enumerated() where c < fileColumnCount && filter.reads.contains(p) {
            if let fc = columnMap[fi][c], filterSlot[fc] == nil { filterSlot[fc] = filterColumns.count; filterColumns.append(fc) }
        }
        var evaluated: [PositionSource] = [], produced: [PositionSource] = []
        for (p, c) in columns.enumerated() {
            if c >= fileColumnCount {
                let v = PositionSource.partition(partitionValues[fi][c - fileColumnCount])
                evaluated.append(filter.reads.contains(p) ? v : .nulls); produced.append(v)
                continue
            }
            guard let fc = columnMap[fi][c] else { evaluated.append(.nulls); produced.append(.nulls); continue }
            evaluated.append(filter.reads.contains(p) ? .filterRead(filterSlot[fc] ?? 0) : .nulls)
            if !filter.keeps(p) {
                produced.append(.nulls)
            } else if let s = filterSlot[fc] {
                produced.append(.filterRead(s))
            } else {
                if restSlot[fc] == nil { restSlot[fc] = restColumns.count; restColumns.append(fc) }
                produced.append(.restRead(restSlot[fc] ?? 0))
            }
        }
        var keptSlots = [Bool](repeating: false, count: filterColumns.count)
        for case .filterRead(let s) in produced { keptSlots[s] = true }
        // Positions the filter sees through a test (ScanRowFilter.valueTests): the reader runs it
        // on a column of the file that this position alone reads and whose stored values the
        // test reads (`testable`); any other (a partition value, a column stored in another
        // form in this file) is tested once read.
        var readerTests: [Int: any ScanValueTest] = [:]   // by file column
        var testedSlots = Set<Int>()
        for (p, test) in filter.valueTests where p < columns.count {
            guard case .filterRead(let s) = evaluated[p], !keptSlots[s], pf.testable(column: filterColumns[s], by: test),
                  !columns.enumerated().contains(where: { q, c in q != p && c < fileColumnCount && columnMap[fi][c] == filterColumns[s] })
            else { continue }
            readerTests[filterColumns[s]] = test
            testedSlots.insert(s)
        }
        /// What the filter sees at position `p`: the test's answers where it has a test.
        func evaluatedVector(_ p: Int, _ v: Vector) -> Vector {
            guard let test = filter.valueTests[p] else { return v }
            if case .filterRead(let s) = evaluated[p], testedSlots.contains(s) { return v }
            guard v.isConstant, v.count > 1 else { return test.test(v) }
            return Vector.constant(test.test(v.slice(0..<1)).value(at: 0), type: .boolean, count: v.count)
        }

        let base = selection ?? RowSelection.all(groupRows)
        // Other columns that will be read whole anyway join the filter columns' read (one fetch):
        // those whose pages cannot be located (nested ones), and all of them once this scan's earlier row groups found
        // nothing to skip (LateReadHistory).
        let predictWhole = history?.predictsWhole ?? false
        var firstColumns = filterColumns
        /// restSlot → its column in the first read, when it is read there.
        var inFirst = [Int?](repeating: nil, count: restColumns.count)
        for (k, fc) in restColumns.enumerated() where predictWhole || !pageIndexed(file: fi, rowGroup: g, column: fc) {
            inFirst[k] = firstColumns.count
            firstColumns.append(fc)
        }
        let first = try pf.readColumns(rowGroup: g, columns: firstColumns, selection: selection, within: part, tests: readerTests)
        guard Int64(first.rows) == base.rowCount else {
            throw SQLError(SQLState.internalError, "file \"\(files[fi].path)\": read \(first.rows) rows for a selection of \(base.rowCount)")
        }

        // Evaluate, keeping the survivors and their filter columns in pieces of at most a batch.
        // A read of up to `wholeEvaluationRows` rows is evaluated in one go: its filter columns
        // are taken as they are, where batch-sized windows copied every row of them first.
        var pieces: [Piece] = []
        var kept = 0
        let window = first.rows <= Self.wholeEvaluationRows ? Swift.max(first.rows, 1) : Batch.capacity
        var start = 0
        while start < first.rows {
            let end = min(start + window, first.rows)
            let count = end - start
            var slices = [Vector?](repeating: nil, count: filterColumns.count)
            for (p, source) in evaluated.enumerated() {
                if case .filterRead(let s) = source, slices[s] == nil {
                    let read = try first.slice(s, start..<end)
                    slices[s] = testedSlots.contains(s) ? read : LakeVectors.cast(read, to: fields[columns[p]].type)
                }
            }
            let batch = Batch(columns: try evaluated.enumerated().map { p, source in
                evaluatedVector(p, try vector(source, type: fields[columns[p]].type, count: count) { s in slices[s] })
            }, count: count)
            let rows = try filter.select(batch)
            if !rows.isEmpty {
                guard rows.count <= count, let last = rows.last, last < Int32(count), rows[0] >= 0 else {
                    throw SQLError(SQLState.internalError, "a scan filter selected rows outside its batch")
                }
                // The window's survivors, cut at batch boundaries (rows ascend).
                var next = 0
                var pieceStart = 0
                while pieceStart < count && next < rows.count {
                    let pieceEnd = Swift.min(pieceStart + Batch.capacity, count)
                    let from = next
                    while next < rows.count && Int(rows[next]) < pieceEnd { next += 1 }
                    if next > from {
                        let all = next - from == pieceEnd - pieceStart
                        var vectors = [Vector?](repeating: nil, count: filterColumns.count)
                        for s in filterColumns.indices where keptSlots[s] {
                            guard let v = slices[s] else { continue }
                            vectors[s] = all ? v.slice(pieceStart..<pieceEnd)
                                : rows.withUnsafeBufferPointer { v.gather(buffer: UnsafeBufferPointer(rebasing: $0[from..<next])) }
                        }
                        // A constant shift: a captured `var` cost an exclusivity check per row.
                        let shift = Int32(pieceStart)
                        let local: ContiguousArray<Int32>? = all ? nil
                            : ContiguousArray(mapping: rows[from..<next]) { $0 - shift }
                        pieces.append(Piece(start: start + pieceStart, batchRows: pieceEnd - pieceStart, rows: local, filterVectors: vectors))
                        kept += next - from
                    }
                    pieceStart = pieceEnd
                }
            }
            start = end
        }

        // The other columns. A column whose page locations let the reader leave pages without
        // survivors unread is read for the survivors alone ("late"); the others are read like the
        // filter's columns and only the batches with survivors are cut and gathered ("whole"):
        // reading scattered survivors decodes and converts every page they touch in one piece and
        // then gathers, which costs more than cutting batches when it skips few pages.
        var lateColumns: [Int] = [], wholeColumns: [Int] = []
        /// restSlot → (read holding it, column in that read).
        var restPlace: [RestPlace] = []
        var late: ParquetColumnsRead? = nil, whole: ParquetColumnsRead? = nil
        var restPagesSkipped = 0
        if !restColumns.isEmpty && kept > 0 {
            var survivors: RowSelection? = nil
            // Late also when few rows survive, even spread over every page: the read then converts
            // only the survivors (ParquetVectors.flatColumn(rows:)) instead of every row of the pages.
            // Per column: how few survivors make converting only them pay (ParquetFile.sparseReadFactor).
            func sparse(_ fc: Int) -> Bool { kept * pf.sparseReadFactor(column: fc) <= first.rows }
            let anySparse = restColumns.contains { sparse($0) }
            // Otherwise a late read has to leave pages unread, which takes a run of rows without a
            // survivor as long as a page. The survivors as ranges cost an append per run of them
            // (5% of click-stream m2, which keeps 40% of its rows), so they are formed only when
            // the longest run without one may hold a page. With several base ranges, rows between
            // them are not read, and a page there is left unread however dense the survivors.
            func mayLeavePages() -> Bool {
                let others = restColumns.indices.filter { inFirst[$0] == nil }.map { restColumns[$0] }
                return base.ranges.count != 1
                    || Self.longestGap(pieces, readRows: first.rows) >= smallestPage(file: fi, rowGroup: g, columns: others, part: part)
            }
            if Double(kept) <= Self.lateReadMaximumShare * Double(first.rows) && (anySparse || mayLeavePages()) {
                var ranges = SurvivorRanges(base)
                for piece in pieces {
                    if let rows = piece.rows {
                        ranges.add(readRows: rows, from: piece.start)
                    } else {
                        ranges.add(readRows: piece.start..<piece.start + piece.batchRows)
                    }
                }
                survivors = ranges.selection
            }
            for (k, fc) in restColumns.enumerated() {
                if let c = inFirst[k] { restPlace.append(.first(c)); continue }
                let isLate = survivors.map {
                    skipsPages(file: fi, rowGroup: g, column: fc, survivors: $0, part: part)
                        || (sparse(fc) && pageIndexed(file: fi, rowGroup: g, column: fc))
                } ?? false
                if isLate { restPlace.append(.late(lateColumns.count)); lateColumns.append(fc) }
                else { restPlace.append(.whole(wholeColumns.count)); wholeColumns.append(fc) }
            }
            if inFirst.contains(where: { $0 == nil }) { history?.record(skipped: !lateColumns.isEmpty) }
            if let survivors, !lateColumns.isEmpty {
                let read = try pf.readColumns(rowGroup: g, columns: lateColumns, selection: survivors, within: part)
                guard read.rows == kept else {
                    throw SQLError(SQLState.internalError, "file \"\(files[fi].path)\": read \(read.rows) rows for \(kept) survivors")
                }
                late = read
            }
            if !wholeColumns.isEmpty {
                let read = try pf.readColumns(rowGroup: g, columns: wholeColumns, selection: selection, within: part)
                guard read.rows == first.rows else {
                    throw SQLError(SQLState.internalError, "file \"\(files[fi].path)\": read \(read.rows) rows for \(first.rows)")
                }
                whole = read
            }
        } else if !restColumns.isEmpty {
            // Nothing survived: every page of the other columns was left unread (counted where the pages can be located).
            for (k, fc) in restColumns.enumerated() where inFirst[k] == nil {
                for l in Self.leaves(of: pf.roots[fc]) {
                    guard let pages = (try? pf.readablePageLocations(rowGroup: g, leaf: l)) ?? nil else { continue }
                    restPagesSkipped += part.map { w in pages.filter { $0.rows.overlaps(w) }.count } ?? pages.count
                }
            }
        }
        ScanStatisticsLock.update {
            statistics.bytesRead += bytesPlanned + first.bytesRead + (late?.bytesRead ?? 0) + (whole?.bytesRead ?? 0)
            statistics.pagesScanned += first.pagesRead + (late?.pagesRead ?? 0) + (whole?.pagesRead ?? 0)
            statistics.pagesSkipped += first.pagesSkipped + (late?.pagesSkipped ?? 0) + (whole?.pagesSkipped ?? 0) + restPagesSkipped
            statistics.chunksTestedWhileDecoded += readerTests.count
        }

        var offset = 0
        for piece in pieces {
            let n = piece.count
            let vectors: [Vector] = try produced.enumerated().map { p, source in
                let type = fields[columns[p]].type
                if case .restRead(let s) = source {
                    guard s < restPlace.count else { return Vector.nulls(type: type, count: n) }
                    let batch: Vector
                    switch restPlace[s] {
                    case .late(let c):
                        guard let late else { return Vector.nulls(type: type, count: n) }
                        return LakeVectors.cast(try late.slice(c, offset..<offset + n), to: type)
                    case .whole(let c):
                        guard let whole else { return Vector.nulls(type: type, count: n) }
                        batch = LakeVectors.cast(try whole.slice(c, piece.start..<piece.start + piece.batchRows), to: type)
                    case .first(let c):
                        batch = LakeVectors.cast(try first.slice(c, piece.start..<piece.start + piece.batchRows), to: type)
                    }
                    return piece.rows.map { rows in rows.withUnsafeBufferPointer { batch.gather(buffer: $0) } } ?? batch
                }
                return try vector(source, type: type, count: n) { s in piece.filterVectors[s] }
            }
            offset += n
            try body(Batch(columns: vectors, count: n))
        }
    }

    /// Where one of the other columns is read: in the filter columns' read, for the survivors
    /// alone, or whole in a read of its own.
    private enum RestPlace {
        case first(Int), late(Int), whole(Int)
    }

    /// Whether file column `fc` is flat with pages a read can skip (located by the offset index or the page headers).
    func pageIndexed(file fi: Int, rowGroup g: Int, column fc: Int) -> Bool {
        !(flatPageLocations(file: fi, rowGroup: g, column: fc) ?? []).isEmpty
    }

    /// The pages of file column `fc` in row group `g` when it is a flat column whose pages can be
    /// located (the only columns a late read leaves pages of unread), else nil.
    private func flatPageLocations(file fi: Int, rowGroup g: Int, column fc: Int) -> [ParquetPageLocation]? {
        let pf = opened[fi]
        let root = pf.roots[fc]
        guard let l = root.leafIndex, root.repetition != .repeated, pf.leaves[l].maxRep == 0 else { return nil }
        return (try? pf.readablePageLocations(rowGroup: g, leaf: l)) ?? nil
    }

    /// The longest run of read rows without a survivor: before the first, between two, or after the last.
    static func longestGap(_ pieces: [Piece], readRows: Int) -> Int {
        var longest = 0, next = 0  // next: the read row after the last survivor so far
        for piece in pieces {
            guard let rows = piece.rows else {
                longest = Swift.max(longest, piece.start - next)
                next = piece.start + piece.batchRows
                continue
            }
            rows.withUnsafeBufferPointer { p in
                for r in p {
                    let row = piece.start + Int(r)
                    longest = Swift.max(longest, row - next)
                    next = row + 1
                }
            }
        }
        return Swift.max(longest, readRows - next)
    }

    /// The fewest rows of the part a page of these file columns covers (Int.max when none of their
    /// pages can be located: then none is left unread).
    func smallestPage(file fi: Int, rowGroup g: Int, columns: [Int], part: Range<Int64>?) -> Int {
        var smallest = Int.max
        for fc in columns {
            for page in flatPageLocations(file: fi, rowGroup: g, column: fc) ?? [] {
                let rows = part.map { page.rows.clamped(to: $0) } ?? page.rows
                if !rows.isEmpty { smallest = Swift.min(smallest, rows.count) }
            }
        }
        return smallest
    }

    /// Above this share of pages holding a survivor a column is read whole (see forEachFilteredBatch).
    static let lateReadMaximumPageShare = 0.75

    /// Whether reading file column `fc` for `survivors` leaves enough of its pages unread: it must
    /// be a flat column whose pages can be located, and at most lateReadMaximumPageShare of its pages
    /// (in `part`) may hold a survivor.
    func skipsPages(file fi: Int, rowGroup g: Int, column fc: Int, survivors: RowSelection, part: Range<Int64>?) -> Bool {
        guard let all = flatPageLocations(file: fi, rowGroup: g, column: fc) else { return false }
        let pages = part.map { w in all.filter { $0.rows.overlaps(w) } } ?? all
        guard !pages.isEmpty else { return false }
        var touched = 0, r = 0
        let ranges = survivors.ranges
        for page in pages {
            while r < ranges.count && ranges[r].upperBound <= page.rows.lowerBound { r += 1 }
            if r < ranges.count && ranges[r].lowerBound < page.rows.upperBound { touched += 1 }
        }
        return Double(touched) <= Self.lateReadMaximumPageShare * Double(pages.count)
    }

    private func vector(_ source: PositionSource, type: DataType, count: Int, filterVector: (Int) -> Vector?) throws -> Vector {
        switch source {
        case .partition(let value): return Vector.constant(value, type: type, count: count)
        case .nulls: return Vector.nulls(type: type, count: count)
        case .filterRead(let s):
            guard let v = filterVector(s) else {
                throw SQLError(SQLState.internalError, "a scan filter's column \(s) was not read")
            }
            return v
        case .restRead: return Vector.nulls(type: type, count: count)
        }
    }
}

/// Row numbers in a row group of the rows a filter kept, as ranges, from their positions
/// in a read of `base` (the k-th row read is the k-th row of the selection).
struct SurvivorRanges {
    private let base: [Range<Int64>]
    private var range = 0
    /// Read rows before base[range].
    private var readBefore = 0
    private(set) var ranges: [Range<Int64>] = []

    init(_ base: RowSelection) { self.base = base.ranges }

    var selection: RowSelection { RowSelection(ranges) }

    /// Adds read rows `start + r` for each `r` of `rows` (ascending across calls): a piece's
    /// survivors. The open run is kept in locals, and rows inside one base range map by one
    /// shift (an add per row, with its array checks, was 6% of a 10%-selective late read).
    mutating func add(readRows rows: ContiguousArray<Int32>, from start: Int) {
        guard !rows.isEmpty else { return }
        if ranges.capacity < ranges.count + rows.count { ranges.reserveCapacity(Swift.max(ranges.count + rows.count, ranges.capacity * 2)) }
        // The open run: the last range so far, extended while rows follow it.
        var lo: Int64 = 0, hi: Int64 = -1
        if let last = ranges.popLast() { lo = last.lowerBound; hi = last.upperBound }
        rows.withUnsafeBufferPointer { p in
            var k = 0
            while k < p.count {
                let first = start + Int(p[k])
                while range < base.count && first >= readBefore + base[range].count {
                    readBefore += base[range].count
                    range += 1
                }
                guard range < base.count else { break }
                let rangeEnd = readBefore + base[range].count
                let shift = base[range].lowerBound - Int64(readBefore)
                while k < p.count {
                    let r = start + Int(p[k])
                    guard r < rangeEnd else { break }
                    let row = Int64(r) + shift
                    if row == hi {
                        hi += 1
                    } else {
                        if hi > lo { ranges.append(lo..<hi) }
                        lo = row
                        hi = row + 1
                    }
                    k += 1
                }
            }
        }
        if hi > lo { ranges.append(lo..<hi) }
    }

    /// Adds read rows `rs` (ascending across calls).
    mutating func add(readRows rs: Range<Int>) {
        var r = rs.lowerBound
        while r < rs.upperBound {
            while range < base.count && r >= readBefore + base[range].count {
                readBefore += base[range].count
                range += 1
            }
            guard range < base.count else { return }
            let inRange = min(rs.upperBound, readBefore + base[range].count) - r
            let lo = base[range].lowerBound + Int64(r - readBefore)
            if let last = ranges.last, last.upperBound == lo {
                ranges[ranges.count - 1] = last.lowerBound..<lo + Int64(inRange)
            } else {
                ranges.append(lo..<lo + Int64(inRange))
            }
            r += inRange
        }
    }
}

/// What a scan's filtered reads found so far, shared by its morsels: once two row groups had
/// survivors but no page of the other columns to skip (and none ever had), the remaining
/// row groups read those columns with the filter's columns in one read (TPC-H Q6: 1-2% of
/// lineitem's rows survive, in every page). Only the speed depends on it, never the rows.
final class LateReadHistory: @unchecked Sendable {
    private let lock = NSLock()
    private var skipped = 0, notSkipped = 0

    var predictsWhole: Bool {
        lock.lock(); defer { lock.unlock() }
        return skipped == 0 && notSkipped >= 2
    }

    func record(skipped didSkip: Bool) {
        lock.lock(); defer { lock.unlock() }
        if didSkip { skipped += 1 } else { notSkipped += 1 }
    }
}
