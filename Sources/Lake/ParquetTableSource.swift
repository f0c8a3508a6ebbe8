// A table over a set of Parquet files (a lake folder, a glob, a list).
// Schema: the union of the files' columns by name (case-insensitive) in
// first-seen order, with widening (smaller ints → larger, real → double,
// integer + float → double, decimals of one scale → the larger precision);
// other type clashes are SQLSTATE 42804. A column a file lacks reads as NULL.
// Hive partition columns follow the file columns (a file column of the same
// name wins). Scans split into one morsel per row group and skip partitions,
// files and row groups that pushed-down predicates rule out.

import Columnar
import Formats
import Planner
#if canImport(Glibc)
import Glibc
#endif

public final class ParquetTableSource: TableSource, @unchecked Sendable {
    public let fields: [Field]
    public let files: [LakeFile]
    /// fields[0..<fileColumnCount] come from files, the rest are partition columns.
    public let fileColumnCount: Int
    let opened: [ParquetFile]
    /// columnMap[file][tableColumn] = the file's top-level column index, nil when absent.
    let columnMap: [[Int?]]
    /// partitionValues[file][p] = value of partition column fileColumnCount + p.
    let partitionValues: [[Value]]
    /// Distinct counts computed for the planner (ParquetTableStatistics.swift).
    let statisticsMemo = ParquetStatisticsMemo()

    /// - Parameters:
    ///   - unionByName: when false the first file's columns define the table (others map by name).
    public init(files: [LakeFile], hivePartitioning: Bool = true, unionByName: Bool = true,
                cache: ParquetFooterCache = .shared) throws {
        self.files = files
        var opened: [ParquetFile] = []
        opened.reserveCapacity(files.count)
        for f in files { opened.append(try cache.file(f)) }
        self.opened = opened

        var fields: [Field] = []
        var byName: [String: Int] = [:]
        var firstFile: [Int] = []
        for (fi, pf) in opened.enumerated() {
            for field in pf.schema {
                let key = field.name.lowercased()
                if let existing = byName[key] {
                    let merged = try Self.widen(fields[existing].type, field.type, column: field.name,
                                                files: files[firstFile[existing]].path, files[fi].path)
                    fields[existing].type = merged
                    fields[existing].nullable = fields[existing].nullable || field.nullable
                } else if fi == 0 || unionByName {
                    byName[key] = fields.count
                    fields.append(field)
                    firstFile.append(fi)
                }
            }
        }
        for (fi, pf) in opened.enumerated() where pf.schema.count < fields.count || fi > 0 {
            // Columns missing from some file are nullable in the union.
            let names = Set(pf.schema.map { $0.name.lowercased() })
            for i in fields.indices where !names.contains(fields[i].name.lowercased()) { fields[i].nullable = true }
        }
        fileColumnCount = fields.count
        columnMap = opened.map { pf in
            var map = [Int?](repeating: nil, count: fields.count)
            for (ci, field) in pf.schema.enumerated() {
                if let t = byName[field.name.lowercased()], map[t] == nil { map[t] = ci }
            }
            return map
        }

        // Partition columns: keys in first-seen order, typed over all their values.
        var keys: [String] = []
        var keyIndex: [String: Int] = [:]
        if hivePartitioning {
            for f in files {
                for p in f.partitions {
                    let k = p.key.lowercased()
                    if keyIndex[k] == nil && byName[k] == nil { keyIndex[k] = keys.count; keys.append(p.key) }
                }
            }
        }
        var raw = [[String?]](repeating: [String?](repeating: nil, count: keys.count), count: files.count)
        for (fi, f) in files.enumerated() {
            for p in f.partitions { if let k = keyIndex[p.key.lowercased()] { raw[fi][k] = p.value } }
        }
        var types: [DataType] = []
        for k in keys.indices {
            let t = HivePartitions.inferType(raw.map { $0[k] })
            types.append(t)
            let hasNull = raw.contains { $0[k] == nil }
            fields.append(Field(name: keys[k], type: t, nullable: hasNull))
        }
        partitionValues = raw.map { values in values.enumerated().map { HivePartitions.value($0.element, type: types[$0.offset]) } }
        self.fields = fields
    }

    /// The common type of a column seen with two types, or 42804.
    static func widen(_ a: DataType, _ b: DataType, column: String, files first: String, _ second: String) throws -> DataType {
        if a == b { return a }
        func rank(_ t: DataType) -> Int? {
            switch t { case .int16: return 1; case .int32: return 2; case .int64: return 3; default: return nil }
        }
        if let ra = rank(a), let rb = rank(b) { return ra >= rb ? a : b }
        if (a.isFloat || a.isInteger) && (b.isFloat || b.isInteger) { return .float64 }
        if case let .decimal(pa, sa) = a, case let .decimal(pb, sb) = b, sa == sb { return .decimal(precision: max(pa, pb), scale: sa) }
        if a.isString && b.isString { return .text }
        throw SQLError(SQLState.datatypeMismatch,
                       "column \"\(column)\" has type \(a) in file \"\(first)\" but type \(b) in file \"\(second)\"",
                       hint: "Cast or rewrite one of the files, or read them separately.")
    }

    public var estimatedRowCount: Int? {
        let total = opened.reduce(Int64(0)) { $0 + $1.numRows }
        return Int(clamping: total)
    }

    public var partitionColumnCount: Int { fields.count - fileColumnCount }

    /// Statistics of table column `column` in one row group of one file.
    func chunkStatistics(file fi: Int, rowGroup: Int, column: Int) -> ChunkStatistics {
        let pf = opened[fi]
        let rows = pf.metadata.rowGroups[rowGroup].numRows
        guard let fc = columnMap[fi][column] else { return .allNull(rows: rows) }
        // Only flat columns have usable statistics; nested (json) columns are never range-pruned.
        let root = pf.roots[fc]
        guard let leaf = root.leafIndex, root.repetition != .repeated,
              let s = pf.statistics(rowGroup: rowGroup, leaf: leaf) else {
            return ChunkStatistics(min: nil, max: nil, nullCount: nil, rowCount: rows)
        }
        // Stats of a column widened from integer to double are compared as numbers (compare mixes .int/.double).
        return ChunkStatistics(min: s.min, max: s.max, nullCount: s.nullCount, rowCount: rows)
    }

    public func morsels(columns: [Int], predicates: [ScanPredicate], statistics: ScanStatistics) throws -> [ScanMorsel] {
        try morsels(columns: columns, predicates: predicates, rowFilter: nil, statistics: statistics)
    }

    /// The morsels of a scan; with `rowFilter` each runs the filter while reading (ParquetLateMaterialization.swift).
    func morsels(columns: [Int], predicates: [ScanPredicate], rowFilter: ScanRowFilter?, statistics: ScanStatistics) throws -> [ScanMorsel] {
        for c in columns where c < 0 || c >= fields.count {
            throw SQLError(SQLState.invalidParameterValue, "column \(c) does not exist in the scanned table")
        }
        let allowed = ScanStatisticsLock.read { statistics.allowedSkipping }
        let usable = predicates.filter { $0.column >= 0 && $0.column < fields.count }
        let partitionPredicates = allowed.contains(.partitions) ? usable.filter { $0.column >= fileColumnCount } : []
        let filePredicates = usable.filter { $0.column < fileColumnCount }
        let statisticsPredicates = allowed.contains(.statistics) ? filePredicates : []
        let inRowGroup = allowed.intersection([.pageIndex, .dictionary, .bloomFilter])
        var out: [ScanMorsel] = []
        let history = rowFilter.map { _ in LateReadHistory() }
        var planned: [(file: Int, rowGroup: Int)] = []
        var filesScanned = 0, filesSkipped = 0, groupsScanned = 0, byPartition = 0, byStatistics = 0
        for fi in files.indices {
            let pf = opened[fi]
            if partitionPredicates.contains(where: { ScanPruning.constantFails($0, value: partitionValues[fi][$0.column - fileColumnCount]) }) {
                filesSkipped += 1; byPartition += pf.rowGroupCount
                continue
            }
            var kept: [Int] = []
            for g in 0..<pf.rowGroupCount {
                let skip = statisticsPredicates.contains { p in
                    ScanPruning.cannotMatch(p, stats: chunkStatistics(file: fi, rowGroup: g, column: p.column), type: fields[p.column].type)
                }
                if skip { byStatistics += 1 } else { kept.append(g) }
            }
            if kept.isEmpty && pf.rowGroupCount > 0 { filesSkipped += 1; continue }
            filesScanned += 1
            groupsScanned += kept.count
            for g in kept { planned.append((fi, g)) }
        }
        // Parts of a row group are read page by page (pages located by the offset index or, without
        // one, by walking the page headers); a row group whose pages cannot be located stays whole.
        let partsWanted = Self.splitPlan(rows: planned.map { opened[$0.file].metadata.rowGroups[$0.rowGroup].numRows }, cores: Self.cores)
        for (k, (fi, g)) in planned.enumerated() {
            let rows = opened[fi].metadata.rowGroups[g].numRows
            var parts = partsWanted[k]
            var pages: [[ParquetPageLocation]] = []
            if parts > 1 {
                if let located = pageLayouts(file: fi, rowGroup: g, columns: columns) { pages = located } else { parts = 1 }
            }
            let predicatesInGroup = inRowGroup.isEmpty ? [] : filePredicates
            if parts <= 1 {
                out.append(ParquetRowGroupMorsel(source: self, file: fi, rowGroup: g, columns: columns,
                                                 predicates: predicatesInGroup, allowed: inRowGroup, filter: rowFilter, history: history))
                continue
            }
            let cuts = [0] + RowGroupSplit.boundaries(rows: rows, parts: parts, pages: pages) + [rows]
            let leaves = columns.compactMap { c in c < fileColumnCount ? columnMap[fi][c].flatMap { opened[fi].roots[$0].leafIndex } : nil }
            let pin = opened[fi].pinDictionaries(rowGroup: g, leaves: leaves)
            for k in 0..<(cuts.count - 1) {
                out.append(ParquetRowGroupMorsel(source: self, file: fi, rowGroup: g, columns: columns,
                                                 predicates: predicatesInGroup, allowed: inRowGroup, part: (k, cuts[k]..<cuts[k + 1]),
                                                 filter: rowFilter, history: history, dictionaries: pin))
            }
        }
        ScanStatisticsLock.update {
            statistics.filesScanned += filesScanned
            statistics.filesSkipped += filesSkipped
            statistics.rowGroupsScanned += groupsScanned
            statistics.rowGroupsSkipped += byPartition + byStatistics
            statistics.rowGroupsSkippedByPartition += byPartition
            statistics.rowGroupsSkippedByStatistics += byStatistics
        }
        return out
    }

    /// Cores the query's workers may use (morsel splitting aims at 4 morsels per core).
    static let cores: Int = {
        #if canImport(Glibc)
        return max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN)))
        #else
        return 1
        #endif
    }()
    /// Parts each of a scan's last `cores` row groups is split in, when it has enough row groups
    /// not to split them all.
    static let tailParts = 4

    /// How many row ranges each of a scan's row groups (`rows` each, in scan order) is read in,
    /// before the check that its pages can be located. Few large row groups leave a core idle
    /// at the end (7 row groups on 2 cores run as 4 + 3): below 4 × cores row groups each is
    /// split, for about 4 × cores morsels in all. With more, the last `cores` of them are split
    /// in `tailParts`: workers take morsels in order, so the scan ends on small parts instead
    /// of one core reading a whole row group while the others wait (the click-stream's m7: 10
    /// row groups on 2 cores, the last ~15 ms on one core). No part is under `minimumPartRows`.
    static func splitPlan(rows: [Int64], cores: Int) -> [Int] {
        guard cores > 1, !rows.isEmpty else { return rows.map { _ in 1 } }
        let wanted = 4 * cores
        return rows.enumerated().map { k, n in
            let parts = rows.count < wanted ? (wanted + rows.count - 1) / rows.count
                : k >= rows.count - cores ? tailParts : 1
            return Int(max(1, min(Int64(parts), n / minimumPartRows)))
        }
    }
    /// A row group is split only into parts of at least this many rows.
    static var minimumPartRows: Int64 = 65_536   // tests lower it to split small fixtures

    /// The pages of every requested column when each is a flat leaf whose pages can be located
    /// (by the offset index or the page headers), so a part of the row group can be read page by
    /// page; nil otherwise (each part would decode the whole column chunk).
    func pageLayouts(file fi: Int, rowGroup g: Int, columns: [Int]) -> [[ParquetPageLocation]]? {
        let pf = opened[fi]
        var layouts: [[ParquetPageLocation]] = []
        for c in columns where c < fileColumnCount {
            guard let fc = columnMap[fi][c] else { continue }
            let root = pf.roots[fc]
            guard let l = root.leafIndex, root.repetition != .repeated, pf.leaves[l].maxRep == 0,
                  let pages = try? pf.readablePageLocations(rowGroup: g, leaf: l), pages.count > 1 else { return nil }
            layouts.append(pages)
        }
        return layouts
    }

    static func leaves(of node: ParquetSchemaNode) -> [Int] {
        if let l = node.leafIndex { return [l] }
        return node.children.flatMap { leaves(of: $0) }
    }

    /// Reads one row group (or the rows of it the page index keeps) and shapes it into the table's requested columns.
    func read(file fi: Int, rowGroup g: Int, columns: [Int], predicates: [ScanPredicate], allowed: ScanSkipping,
              statistics: ScanStatistics) throws -> [Batch] {
        var batches: [Batch] = []
        try forEachBatch(file: fi, rowGroup: g, columns: columns, predicates: predicates, allowed: allowed,
                         statistics: statistics) { batches.append($0) }
        return batches
    }

    /// Reads one row group like `read`, cutting its batches one at a time as `body` takes them.
    /// `pagePredicates` skip pages by the page index only (when `allowed` has it).
    func forEachBatch(file fi: Int, rowGroup g: Int, columns: [Int], predicates: [ScanPredicate], allowed: ScanSkipping,
                      pagePredicates: [ScanPredicate] = [],
                      part: (index: Int, rows: Range<Int64>)? = nil, filter: ScanRowFilter? = nil,
                      history: LateReadHistory? = nil, statistics: ScanStatistics, _ body: (Batch) throws -> Void) throws {
        let pf = opened[fi]
        var fileColumns: [Int] = []
        var slot: [Int: Int] = [:]
        for c in columns where c < fileColumnCount {
            if let fc = columnMap[fi][c], slot[fc] == nil { slot[fc] = fileColumns.count; fileColumns.append(fc) }
        }
        let pageOnly = allowed.contains(.pageIndex) ? pagePredicates : []
        var plan = predicates.isEmpty && pageOnly.isEmpty ? RowGroupPlan()
            : try planRowGroup(file: fi, rowGroup: g, predicates: predicates, allowed: allowed, pageIndexPredicates: pageOnly)
        if let part {
            // A part of a split row group: the first part alone reports a skipped row group.
            if plan.skipped != nil && part.index != 0 { return }
            if plan.skipped == nil {
                let rows = pf.metadata.rowGroups[g].numRows
                let inPart = (plan.selection ?? RowSelection.all(rows)).intersection(RowSelection([part.rows]))
                if inPart.isEmpty { return }
                plan.selection = inPart
            }
        }
        if let cause = plan.skipped {
            // The pages of the requested columns that were not read, when their offset index says how many.
            var pages = 0
            for fc in fileColumns {
                for l in Self.leaves(of: pf.roots[fc]) { pages += (try? pf.pageLocations(rowGroup: g, leaf: l))??.count ?? 0 }
            }
            ScanStatisticsLock.update {
                statistics.bytesRead += plan.bytesRead
                statistics.rowGroupsScanned -= 1
                statistics.rowGroupsSkipped += 1
                statistics.pagesSkipped += pages
                switch cause {
                case .bloomFilter: statistics.rowGroupsSkippedByBloomFilter += 1
                case .dictionary: statistics.rowGroupsSkippedByDictionary += 1
                case .pageIndex: statistics.rowGroupsSkippedByPageIndex += 1
                }
            }
            return
        }
        if let filter {
            try forEachFilteredBatch(file: fi, rowGroup: g, columns: columns, selection: plan.selection, part: part?.rows,
                                     filter: filter, history: history, bytesPlanned: plan.bytesRead, statistics: statistics, body)
            return
        }
        let read = try pf.readColumns(rowGroup: g, columns: fileColumns, selection: plan.selection, within: part?.rows)
        ScanStatisticsLock.update {
            statistics.bytesRead += read.bytesRead + plan.bytesRead
            statistics.pagesScanned += read.pagesRead
            statistics.pagesSkipped += read.pagesSkipped
        }
        var start = 0
        while start < read.rows {
            let end = min(start + Batch.capacity, read.rows)
            let count = end - start
            let vectors: [Vector] = try columns.map { c in
                if c >= fileColumnCount {
                    return Vector.constant(partitionValues[fi][c - fileColumnCount], type: fields[c].type, count: count)
                }
                guard let fc = columnMap[fi][c], let s = slot[fc], s < read.columnCount else {
                    return Vector.nulls(type: fields[c].type, count: count)
                }
                return LakeVectors.cast(try read.slice(s, start..<end), to: fields[c].type)
            }
            try body(Batch(columns: vectors, count: count))
            start = end
        }
    }
}

final class ParquetRowGroupMorsel: ScanMorsel {
    let source: ParquetTableSource, file: Int, rowGroup: Int, columns: [Int]
    let predicates: [ScanPredicate], allowed: ScanSkipping
    /// The filter the morsel runs while reading (late materialisation), if any.
    let filter: ScanRowFilter?
    let history: LateReadHistory?
    /// Set when the row group is split: this morsel reads only these rows (part `index`).
    let part: (index: Int, rows: Range<Int64>)?
    /// The split row group's dictionaries, decoded once for all its parts (held, never read here).
    let dictionaries: ParquetDictionaryPin?
    /// A runtime join filter's predicates (set before the read when they did not rule the morsel
    /// out): they skip pages by the page index only.
    var runtimePredicates: [ScanPredicate] = []
    init(source: ParquetTableSource, file: Int, rowGroup: Int, columns: [Int], predicates: [ScanPredicate], allowed: ScanSkipping,
         part: (index: Int, rows: Range<Int64>)? = nil, filter: ScanRowFilter? = nil, history: LateReadHistory? = nil,
         dictionaries: ParquetDictionaryPin? = nil) {
        self.source = source; self.file = file; self.rowGroup = rowGroup; self.columns = columns
        self.predicates = predicates; self.allowed = allowed; self.part = part; self.filter = filter; self.history = history
        self.dictionaries = dictionaries
    }
    func read(statistics: ScanStatistics) throws -> [Batch] {
        var batches: [Batch] = []
        try forEachBatch(statistics: statistics) { batches.append($0) }
        return batches
    }
    func forEachBatch(statistics: ScanStatistics, _ body: (Batch) throws -> Void) throws {
        try source.forEachBatch(file: file, rowGroup: rowGroup, columns: columns, predicates: predicates, allowed: allowed,
                                pagePredicates: runtimePredicates, part: part, filter: filter, history: history, statistics: statistics, body)
    }
}

/// Widening casts between a file's column type and the table's.
public enum LakeVectors {
    public static func cast(_ v: Vector, to type: DataType) -> Vector {
        if v.type == type { return v }
        switch v.storage {
        case .constant(let value):
            if case .int(let i) = value, type.isFloat { return Vector.constant(.double(Double(i)), type: type, count: v.count) }
            return Vector.constant(value, type: type, count: v.count)
        case .dictionary(let indices, let values):
            return Vector(type: type, count: v.count, storage: .dictionary(indices: indices, values: cast(values, to: type)), validity: v.validity)
        case .int64(let ints) where type.physical == .float64:
            var out = ContiguousArray<Double>(repeating: 0, count: ints.count)
            ints.withUnsafeBufferPointer { src in
                out.withUnsafeMutableBufferPointer { dst in
                    for i in 0..<src.count { dst[i] = Double(src[i]) }
                }
            }
            return Vector(type: type, count: v.count, storage: .float64(out), validity: v.validity)
        default:
            // Same physical storage (int widths, real → double, varchar → text, decimal precision): relabel.
            return Vector(type: type, count: v.count, storage: v.storage, validity: v.validity, int128MagnitudeBits: v.int128MagnitudeBits)
        }
    }
}
