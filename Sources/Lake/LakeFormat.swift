// File formats by extension (compression suffixes .gz/.zst looked through),
// and building a table source over a set of files of one format.

import Columnar
import Formats
import Planner

public enum LakeFormat: String, Sendable {
    case parquet, csv, json

    /// The format of a file name, nil when the extension is not a data file.
    public static func of(_ path: String) -> LakeFormat? {
        var name = Substring(path.split(separator: "/").last ?? Substring(path)).lowercased()
        for suffix in [".gz", ".zst", ".gzip", ".zstd"] where name.hasSuffix(suffix) { name.removeLast(suffix.count); break }
        if name.hasSuffix(".parquet") || name.hasSuffix(".parq") || name.hasSuffix(".pq") { return .parquet }
        if name.hasSuffix(".csv") || name.hasSuffix(".tsv") || name.hasSuffix(".txt") { return .csv }
        if name.hasSuffix(".json") || name.hasSuffix(".jsonl") || name.hasSuffix(".ndjson") { return .json }
        return nil
    }

    /// A file name without its format and compression extensions (the table name of a single-file table).
    public static func stripExtensions(_ name: String) -> String {
        var base = name
        let lower = name.lowercased()
        for suffix in [".gz", ".zst", ".gzip", ".zstd"] where lower.hasSuffix(suffix) { base.removeLast(suffix.count); break }
        if let dot = base.lastIndex(of: "."), dot != base.startIndex { base = String(base[..<dot]) }
        return base
    }
}

/// Options of the table functions and of lake tables.
public struct LakeReadOptions {
    public var hivePartitioning = true
    public var unionByName = true
    public var csv = CSVOptions()
    /// Uncompressed CSV/NDJSON files larger than this are split into morsels of about this size (0: never).
    public var morselBytes = 16 << 20
    public init() {}
}

public enum LakeTables {
    /// A source over files of one format (the format of the first data file decides;
    /// files of other formats in the same folder are ignored).
    public static func source(files all: [LakeFile], format forced: LakeFormat? = nil, options: LakeReadOptions = .init(),
                              what: String) throws -> TableSource {
        let format = forced ?? all.lazy.compactMap { LakeFormat.of($0.path) }.first
        guard let format else {
            throw SQLError(SQLState.undefinedFile, "no Parquet, CSV or JSON files found in \"\(what)\"")
        }
        let files = forced != nil ? all : all.filter { LakeFormat.of($0.path) == format }
        guard !files.isEmpty else { throw SQLError(SQLState.undefinedFile, "no files found matching \"\(what)\"") }
        switch format {
        case .parquet:
            return try ParquetTableSource(files: files, hivePartitioning: options.hivePartitioning, unionByName: options.unionByName)
        case .csv:
            return try TextFileTableSource(files: files, format: .csv, options: options)
        case .json:
            return try TextFileTableSource(files: files, format: .json, options: options)
        }
    }
}
