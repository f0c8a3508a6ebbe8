// The lake folder as a catalog: every non-hidden entry directly under the
// root is a table, named after it in lower case (a folder: all data files
// below it, with Hive `key=value` folders as partition columns; a file: the
// file, its extensions stripped). Listing happens on every lookup, so a file
// written between two queries is visible to the second; parsed Parquet
// footers are reused through ParquetFooterCache.

import Columnar
import Formats
import Planner

public final class LakeCatalog: CatalogProvider, @unchecked Sendable {
    public let root: String
    /// The schema lake tables live in (they are also found without a schema).
    public static let schemaName = "lake"

    public init(root: String) throws {
        var r = root
        while r.count > 1 && r.hasSuffix("/") { r.removeLast() }
        guard LakeFileSystem.status(r)?.kind == .directory else {
            throw SQLError(SQLState.undefinedFile, "lake folder \"\(root)\" does not exist or is not a directory")
        }
        self.root = r
    }

    /// Table names and the path each one reads, sorted by name.
    public func tables() throws -> [(name: String, path: String)] {
        var out: [(String, String)] = []
        var seen = Set<String>()
        for entry in try LakeFileSystem.entries(root) where !LakeFileSystem.isHidden(entry) {
            let path = LakeFileSystem.join(root, entry)
            guard let st = LakeFileSystem.status(path) else { continue }
            let name: String
            switch st.kind {
            case .directory: name = entry.lowercased()
            case .file:
                guard LakeFormat.of(entry) != nil else { continue }
                name = LakeFormat.stripExtensions(entry).lowercased()
            case .other: continue
            }
            if seen.insert(name).inserted { out.append((name, path)) }
        }
        return out.sorted { $0.0 < $1.0 }
    }

    public func lookup(schema: String?, name: String) throws -> CatalogObject? {
        if let schema, schema != "public", schema != Self.schemaName { return nil }
        guard let entry = try tables().first(where: { $0.name == name }) else { return nil }
        return .table(try table(at: entry.path))
    }

    /// Lake tables are found as `t`, `public.t` and `lake.t`: all three name `public.t`, so
    /// that a policy on the table applies however the query spells it.
    public func relationName(schema: String?, name: String) -> RelationName {
        RelationName(schema: "public", name: name)
    }

    /// The table source for a folder or file under the lake.
    public func table(at path: String) throws -> TableSource {
        guard let st = LakeFileSystem.status(path) else {
            throw SQLError(SQLState.undefinedFile, "could not open \"\(path)\": No such file or directory")
        }
        if st.kind == .directory {
            return try LakeTables.source(files: try LakeFileSystem.filesRecursively(path), what: path)
        }
        return try LakeTables.source(files: [LakeFile(path: path, size: st.size, modified: st.modified)], what: path)
    }
}
