// A process-wide cache of opened Parquet files (parsed footer + schema),
// keyed by (path, size, modification time) so a rewritten file is re-read.
// Thread-safe; bounded (each entry keeps its file descriptor open), evicting
// the least recently used entry.

import Columnar
import Formats

public final class ParquetFooterCache: @unchecked Sendable {
    public static let shared = ParquetFooterCache(capacity: 256)

    struct Key: Hashable { var path: String; var size: Int64; var modified: Int64 }

    private let capacity: Int
    private var entries: [Key: (file: ParquetFile, lastUse: UInt64)] = [:]
    private var clock: UInt64 = 0
    private let mutex = LakeMutex()
    /// Footers parsed (cache misses), for tests and diagnostics.
    public private(set) var misses = 0

    public init(capacity: Int) { self.capacity = max(1, capacity) }

    public func file(_ f: LakeFile) throws -> ParquetFile {
        let key = Key(path: f.path, size: f.size, modified: f.modified)
        if let hit = mutex.withLock({ () -> ParquetFile? in
            guard let e = entries[key] else { return nil }
            clock += 1
            entries[key] = (e.file, clock)
            return e.file
        }) { return hit }
        // Parsed outside the lock: two threads may both parse a cold footer; the last one wins.
        let opened = try ParquetFile(path: f.path)
        mutex.withLock {
            misses += 1
            clock += 1
            if entries.count >= capacity, let oldest = entries.min(by: { $0.value.lastUse < $1.value.lastUse }) {
                entries.removeValue(forKey: oldest.key)
            }
            entries[key] = (opened, clock)
        }
        return opened
    }

    public func removeAll() { mutex.withLock { entries.removeAll() } }
}
