// A table over CSV or NDJSON files: the first file's sniffed (or given)
// columns define the table, the other files are read with those columns;
// Hive partition columns follow, as for Parquet. One morsel per file, except
// that an uncompressed file larger than `morselBytes` is read once when the
// scan is planned and split into record-aligned byte ranges, one morsel each
// (TextRanges). A file whose partition values fail a pushed-down predicate is
// skipped. Text files carry no statistics, so nothing else is skipped.

import Columnar
import Formats
import Planner

public final class TextFileTableSource: TableSource, @unchecked Sendable {
    public enum Format { case csv, json }
    public let fields: [Field]
    public let files: [LakeFile]
    public let format: Format
    public let fileColumnCount: Int
    let options: LakeReadOptions
    let partitionValues: [[Value]]
    let fileFields: [Field]
    /// The first file's CSV dialect, applied to the other files so they parse alike.
    let laterFileOptions: CSVOptions

    public init(files: [LakeFile], format: Format, options: LakeReadOptions) throws {
        guard let first = files.first else { throw SQLError(SQLState.undefinedFile, "no files to read") }
        self.files = files
        self.format = format
        self.options = options
        var later = options.csv
        switch format {
        case .csv:
            let sniffed = try CSVFile(path: first.path, options: options.csv)
            fileFields = sniffed.fields
            later.header = sniffed.hasHeader
            later.delimiter = sniffed.delimiter
            later.quote = sniffed.quote
            later.sniffQuote = false
        case .json:
            fileFields = try NDJSONFile(path: first.path, sampleRows: options.csv.sampleRows).fields
        }
        laterFileOptions = later
        fileColumnCount = fileFields.count
        var fields = fileFields
        let taken = Set(fileFields.map { $0.name.lowercased() })
        var keys: [String] = []
        if options.hivePartitioning {
            for f in files {
                for p in f.partitions where !taken.contains(p.key.lowercased()) && !keys.contains(where: { $0.lowercased() == p.key.lowercased() }) {
                    keys.append(p.key)
                }
            }
        }
        let raw: [[String?]] = files.map { f in
            keys.map { k in f.partitions.last(where: { $0.key.lowercased() == k.lowercased() })?.value ?? nil }
        }
        var types: [DataType] = []
        for (k, key) in keys.enumerated() {
            let t = HivePartitions.inferType(raw.map { $0[k] })
            types.append(t)
            fields.append(Field(name: key, type: t))
        }
        partitionValues = raw.map { values in values.enumerated().map { HivePartitions.value($0.element, type: types[$0.offset]) } }
        self.fields = fields
    }

    public var estimatedRowCount: Int? { nil }

    public func morsels(columns: [Int], predicates: [ScanPredicate], statistics: ScanStatistics) throws -> [ScanMorsel] {
        for c in columns where c < 0 || c >= fields.count {
            throw SQLError(SQLState.invalidParameterValue, "column \(c) does not exist in the scanned table")
        }
        let partitionPredicates = predicates.filter { $0.column >= fileColumnCount && $0.column < fields.count }
        var out: [ScanMorsel] = []
        for fi in files.indices {
            if partitionPredicates.contains(where: { ScanPruning.constantFails($0, value: partitionValues[fi][$0.column - fileColumnCount]) }) {
                ScanStatisticsLock.update { statistics.filesSkipped += 1 }
                continue
            }
            ScanStatisticsLock.update { statistics.filesScanned += 1 }
            let f = files[fi]
            if options.morselBytes > 0 && f.size > Int64(options.morselBytes) && !TextFileInput.isCompressed(f.path) {
                let loaded = try open(file: fi)
                let ranges = loaded.ranges(targetBytes: options.morselBytes)
                if ranges.count > 1 {
                    // The first range also accounts for the header bytes before it.
                    for (k, r) in ranges.enumerated() {
                        out.append(TextFileMorsel(source: self, file: fi, columns: columns, loaded: loaded, range: r,
                                                  bytes: Int64(k == 0 ? r.end : r.byteCount)))
                    }
                    continue
                }
                out.append(TextFileMorsel(source: self, file: fi, columns: columns, loaded: loaded, range: nil, bytes: f.size))
                continue
            }
            out.append(TextFileMorsel(source: self, file: fi, columns: columns, loaded: nil, range: nil, bytes: f.size))
        }
        return out
    }

    /// A file read and parsed (CSV or NDJSON) with the table's columns.
    enum LoadedFile {
        case csv(CSVFile)
        case json(NDJSONFile)
        func ranges(targetBytes: Int) -> [TextRange] {
            switch self {
            case .csv(let f): return f.ranges(targetBytes: targetBytes)
            case .json(let f): return f.ranges(targetBytes: targetBytes)
            }
        }
    }

    func open(file fi: Int) throws -> LoadedFile {
        let f = files[fi]
        switch format {
        case .csv:
            // Every file is read with the first file's columns, header setting and delimiter.
            return .csv(try CSVFile(path: f.path, options: fi == 0 ? options.csv : laterFileOptions, schema: fi == 0 ? nil : fileFields))
        case .json:
            return .json(try NDJSONFile(path: f.path, schema: fileFields))
        }
    }

    func read(file fi: Int, columns: [Int], loaded: LoadedFile?, range: TextRange?, bytes: Int64, statistics: ScanStatistics) throws -> [Batch] {
        let fileColumns = columns.filter { $0 < fileColumnCount }
        let raw: [Batch]
        switch try loaded ?? open(file: fi) {
        case .csv(let file): raw = try file.read(columns: fileColumns, range: range)
        case .json(let file): raw = try file.read(columns: fileColumns, range: range)
        }
        ScanStatisticsLock.update { statistics.bytesRead += bytes }
        var slot: [Int: Int] = [:]
        for (k, c) in fileColumns.enumerated() where slot[c] == nil { slot[c] = k }
        return raw.map { batch in
            Batch(columns: columns.map { c in
                if c >= fileColumnCount {
                    return Vector.constant(partitionValues[fi][c - fileColumnCount], type: fields[c].type, count: batch.count)
                }
                guard let s = slot[c], s < batch.columns.count else { return Vector.nulls(type: fields[c].type, count: batch.count) }
                return batch.columns[s]
            }, count: batch.count)
        }
    }
}

final class TextFileMorsel: ScanMorsel {
    let source: TextFileTableSource, file: Int, columns: [Int]
    /// Set for the ranges of a split file (parsed once, shared by its morsels).
    let loaded: TextFileTableSource.LoadedFile?, range: TextRange?
    let bytes: Int64
    init(source: TextFileTableSource, file: Int, columns: [Int], loaded: TextFileTableSource.LoadedFile?, range: TextRange?, bytes: Int64) {
        self.source = source; self.file = file; self.columns = columns; self.loaded = loaded; self.range = range; self.bytes = bytes
    }
    func read(statistics: ScanStatistics) throws -> [Batch] {
        try source.read(file: file, columns: columns, loaded: loaded, range: range, bytes: bytes, statistics: statistics)
    }
}
