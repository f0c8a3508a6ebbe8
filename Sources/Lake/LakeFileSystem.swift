// Local file-system access for the lake: stat (size + modification time, the
// footer cache's key), directory listing, and recursive data-file discovery.
// Hidden entries (names starting with "." or "_", e.g. _SUCCESS, .crc files,
// _delta_log) are never part of a table.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Columnar

/// One data file of a table, as found by listing or globbing.
public struct LakeFile: Hashable, Sendable {
    public var path: String
    public var size: Int64
    /// Modification time in nanoseconds since the epoch.
    public var modified: Int64
    /// Hive `key=value` folders between the table root and the file, in path order.
    /// A nil value is `__HIVE_DEFAULT_PARTITION__` (NULL).
    public var partitions: [HivePartitionValue]

    public init(path: String, size: Int64, modified: Int64, partitions: [HivePartitionValue] = []) {
        self.path = path; self.size = size; self.modified = modified; self.partitions = partitions
    }
}

public enum LakeFileSystem {
    public enum Kind { case file, directory, other }

    public struct Status {
        public var kind: Kind
        public var size: Int64
        public var modified: Int64
    }

    /// stat(2) of a path (following symlinks), nil when it does not exist.
    public static func status(_ path: String) -> Status? {
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        let fmt = st.st_mode & S_IFMT
        let kind: Kind = fmt == S_IFDIR ? .directory : (fmt == S_IFREG ? .file : .other)
        #if canImport(Glibc)
        let modified = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
        #else
        let modified = Int64(st.st_mtimespec.tv_sec) * 1_000_000_000 + Int64(st.st_mtimespec.tv_nsec)
        #endif
        return Status(kind: kind, size: Int64(st.st_size), modified: modified)
    }

    /// Names directly inside a directory (without "." and ".."), sorted; hidden names included.
    public static func entries(_ dir: String) throws -> [String] {
        guard let handle = opendir(dir) else {
            let err = errno
            let reason = String(cString: strerror(err))
            throw SQLError(err == ENOENT ? SQLState.undefinedFile : SQLState.ioError,
                           "could not open directory \"\(dir)\": \(reason)")
        }
        defer { closedir(handle) }
        var names: [String] = []
        while let entry = readdir(handle) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { ptr in
                ptr.withMemoryRebound(to: CChar.self, capacity: MemoryLayout.size(ofValue: entry.pointee.d_name)) {
                    String(cString: $0)
                }
            }
            if name == "." || name == ".." { continue }
            names.append(name)
        }
        return names.sorted()
    }

    /// Names a table never includes: hidden files, Spark/Hadoop markers, temporary files.
    public static func isHidden(_ name: String) -> Bool {
        name.hasPrefix(".") || name.hasPrefix("_")
    }

    public static func join(_ dir: String, _ name: String) -> String {
        if dir.isEmpty { return name }
        return dir.hasSuffix("/") ? dir + name : dir + "/" + name
    }

    /// Every non-hidden regular file below `dir`, recursively, in path order,
    /// with Hive partition values read from the folders below `dir`.
    public static func filesRecursively(_ dir: String, depthLimit: Int = 64) throws -> [LakeFile] {
        var out: [LakeFile] = []
        try walk(dir, partitions: [], depth: 0, depthLimit: depthLimit, into: &out)
        return out
    }

    private static func walk(_ dir: String, partitions: [HivePartitionValue], depth: Int, depthLimit: Int, into out: inout [LakeFile]) throws {
        guard depth <= depthLimit else { return }
        for name in try entries(dir) where !isHidden(name) {
            let path = join(dir, name)
            guard let st = status(path) else { continue }
            switch st.kind {
            case .file:
                out.append(LakeFile(path: path, size: st.size, modified: st.modified, partitions: partitions))
            case .directory:
                var next = partitions
                if let p = HivePartitions.parse(folder: name) { next.append(p) }
                try walk(path, partitions: next, depth: depth + 1, depthLimit: depthLimit, into: &out)
            case .other:
                continue
            }
        }
    }
}

/// A minimal pthread mutex (the Lake layer does not use Foundation).
final class LakeMutex: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    init() { pthread_mutex_init(&mutex, nil) }
    deinit { pthread_mutex_destroy(&mutex) }
    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        return try body()
    }
}

/// Serialises updates of ScanStatistics (a plain class) from morsels that may run on several threads.
enum ScanStatisticsLock {
    static let mutex = LakeMutex()
    static func update(_ body: () -> Void) { mutex.withLock(body) }
    static func read<T>(_ body: () -> T) -> T { mutex.withLock(body) }
}
