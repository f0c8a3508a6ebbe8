// The file-reading table functions: read_parquet, read_csv, read_json and
// read_auto (what the binder calls for `FROM 'path'`; the reader is chosen by
// extension). A path argument may be a file, a folder (read recursively), a
// glob (`*`, `?`, `[abc]`, `**`) or a list of those.

import Columnar
import Formats
import Planner

public final class LakeTableFunctions: TableFunctionProvider, @unchecked Sendable {
    public init() {}

    public func tableFunction(name: String, arguments: [Value], named: [String: Value]) throws -> TableSource? {
        let format: LakeFormat?
        switch name {
        case "read_parquet", "parquet_scan": format = .parquet
        case "read_csv", "read_csv_auto": format = .csv
        case "read_json", "read_json_auto", "read_ndjson", "read_ndjson_auto": format = .json
        case "read_auto": format = nil
        default: return nil
        }
        guard arguments.count == 1 else {
            throw SQLError(SQLState.undefinedFunction, "\(name) takes one path argument (a file, folder, glob or list of them)")
        }
        var patterns: [String] = []
        switch arguments[0] {
        case .string(let s): patterns = [s]
        case .list(let items):
            for item in items {
                guard case .string(let s) = item else {
                    throw SQLError(SQLState.invalidParameterValue, "\(name): every path in the list must be text")
                }
                patterns.append(s)
            }
        default:
            throw SQLError(SQLState.invalidParameterValue, "\(name): the path argument must be text or a list of text")
        }
        let options = try Self.options(named, function: name)
        var files: [LakeFile] = []
        for p in patterns { files.append(contentsOf: try Self.resolve(p, hivePartitioning: options.hivePartitioning)) }
        let what = patterns.joined(separator: ", ")
        if files.isEmpty { throw SQLError(SQLState.undefinedFile, "no files found matching \"\(what)\"") }
        let chosen = format ?? files.lazy.compactMap { LakeFormat.of($0.path) }.first ?? .parquet
        return try LakeTables.source(files: files, format: chosen, options: options, what: what)
    }

    /// Files of a path, folder or glob, with Hive partition values from the path's folders.
    public static func resolve(_ pattern: String, hivePartitioning: Bool) throws -> [LakeFile] {
        var files: [LakeFile]
        if Glob.hasWildcards(pattern) {
            files = try Glob.expand(pattern)
        } else if let st = LakeFileSystem.status(pattern) {
            switch st.kind {
            case .directory:
                files = try LakeFileSystem.filesRecursively(pattern)
                // Folder reads keep only data files: markers like README.md are not rows.
                files = files.filter { LakeFormat.of($0.path) != nil }
                if hivePartitioning { return files }
                return files.map { var f = $0; f.partitions = []; return f }
            case .file: files = [LakeFile(path: pattern, size: st.size, modified: st.modified)]
            case .other: throw SQLError(SQLState.ioError, "\"\(pattern)\" is not a regular file")
            }
        } else {
            throw SQLError(SQLState.undefinedFile, "could not open file \"\(pattern)\": No such file or directory")
        }
        if hivePartitioning {
            for i in files.indices { files[i].partitions = HivePartitions.parse(path: files[i].path) }
        }
        return files
    }

    static func options(_ named: [String: Value], function: String) throws -> LakeReadOptions {
        var o = LakeReadOptions()
        func bool(_ key: String, _ v: Value) throws -> Bool {
            switch v {
            case .bool(let b): return b
            case .string(let s) where ["true", "false", "on", "off", "1", "0"].contains(s.lowercased()):
                return ["true", "on", "1"].contains(s.lowercased())
            case .int(let i): return i != 0
            default: throw SQLError(SQLState.invalidParameterValue, "\(function): option \(key) must be a boolean")
            }
        }
        func text(_ key: String, _ v: Value) throws -> String {
            guard case .string(let s) = v else { throw SQLError(SQLState.invalidParameterValue, "\(function): option \(key) must be text") }
            return s
        }
        for (rawKey, v) in named {
            let key = rawKey.lowercased()
            switch key {
            case "hive_partitioning": o.hivePartitioning = try bool(key, v)
            case "union_by_name": o.unionByName = try bool(key, v)
            case "header": o.csv.header = try bool(key, v)
            case "ignore_errors": o.csv.ignoreErrors = try bool(key, v)
            case "delim", "sep", "delimiter":
                let s = try text(key, v)
                let bytes = Array((s == "\\t" ? "\t" : s).utf8)
                guard bytes.count == 1 else { throw SQLError(SQLState.invalidParameterValue, "\(function): delim must be a single character") }
                o.csv.delimiter = bytes[0]
            case "quote":
                let bytes = Array(try text(key, v).utf8)
                guard bytes.count <= 1 else { throw SQLError(SQLState.invalidParameterValue, "\(function): quote must be a single character") }
                o.csv.quote = bytes.first
                o.csv.sniffQuote = false
            case "escape":
                let bytes = Array(try text(key, v).utf8)
                guard bytes.count <= 1 else { throw SQLError(SQLState.invalidParameterValue, "\(function): escape must be a single character") }
                o.csv.escape = bytes.first
            case "sample_size":
                guard case .int(let n) = v, n > 0 else { throw SQLError(SQLState.invalidParameterValue, "\(function): sample_size must be a positive integer") }
                o.csv.sampleRows = Int(clamping: n)
            case "columns":
                o.csv.columns = try Self.columns(v, function: function)
            default:
                throw SQLError(SQLState.invalidParameterValue, "\(function): unknown option \"\(rawKey)\"")
            }
        }
        return o
    }

    /// `columns => ['name type', ...]` or `columns => 'name type, name type'`.
    static func columns(_ v: Value, function: String) throws -> [Field] {
        var specs: [String] = []
        switch v {
        case .string(let s): specs = s.split(separator: ",").map { String($0) }
        case .list(let items):
            for i in items {
                guard case .string(let s) = i else { throw SQLError(SQLState.invalidParameterValue, "\(function): columns must be text") }
                specs.append(s)
            }
        default: throw SQLError(SQLState.invalidParameterValue, "\(function): columns must be a list like ['id bigint', 'name text']")
        }
        return try specs.map { spec in
            let parts = spec.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true).map { $0.trimmingSpaces }
            guard parts.count == 2, let type = CSVTypes.parse(parts[1]) else {
                throw SQLError(SQLState.invalidParameterValue, "\(function): bad column spec \"\(spec)\" (want \"name type\")")
            }
            return Field(name: parts[0], type: type)
        }
    }
}

extension Substring {
    var trimmingSpaces: String {
        var s = self
        while s.first == " " { s.removeFirst() }
        while s.last == " " { s.removeLast() }
        return String(s)
    }
}
