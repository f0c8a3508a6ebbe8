// Gives the memory a finished statement freed back to the operating system.
// glibc keeps freed heap memory in its arenas (one per allocating thread, up
// to one per core as configured here) and returns it only when the top of a heap is free, so a
// long-running process (the REPL, `lakesql serve`, a script) otherwise keeps
// the high-water mark of its largest query: later queries start from there.
// malloc_trim(0) releases the free pages of every arena. It walks the
// arenas, so it runs only after statements that took long enough (20 ms)
// that it costs a small fraction of them; short statements (SELECT 1 over
// the wire, catalog queries) never pay for it.
//
// Within a statement the opposite holds: glibc serves every allocation at or
// above its mmap threshold (128 KiB at start, raised only as such blocks are
// freed) with a fresh mmap and unmaps it on free, and trims an arena's top
// as soon as more than the trim threshold is free. Scans allocate and free
// column buffers of a few MiB per row group and per batch, so each of them
// page-faulted afresh (a profile of TPC-H Q6 showed ~14% of the time in the
// kernel zeroing and mapping pages). `configureOnce()` fixes both thresholds
// at process start: blocks up to 32 MiB (glibc's ceiling for this setting)
// come from the arenas and freed memory stays there for reuse until the
// statement-end malloc_trim hands it back. A 16 MiB top pad makes an arena
// grow (and shrink) in steps of that size rather than page by page: the
// worker threads' arenas otherwise gave back and re-faulted the top of their
// heaps at every row group (m5: 401K → 112K page faults, CPU −20 %).
//
// Between statements, trimming has the same price: the next statement faults
// its working set in again (the click-stream's m7 took 24K page faults, 96 MB,
// per run; 11 % of its samples were in the kernel mapping and zeroing them).
// So a statement that ends with the process's resident set at or under
// `retainedResidentBytes` (160 MiB; LAKESQL_RETAINED_MEMORY) leaves its freed memory in the arenas for
// the next one, and only a process above that is trimmed. An idle REPL or
// server then holds at most that much; m7 went from 24K to 3K page faults and
// −18 % CPU per run.

import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

enum AllocatorTrim {
    /// Statements shorter than this leave the allocator alone.
    static let minimumStatementNanoseconds: UInt64 = 20_000_000

    private typealias TrimFunction = @convention(c) (Int) -> Int32

    /// glibc's malloc_trim, looked up at run time (it is not in Swift's Glibc module; other C libraries lack it).
    private static let trim: TrimFunction? = {
        #if canImport(Glibc)
        guard let symbol = dlsym(nil, "malloc_trim") else { return nil }
        return unsafeBitCast(symbol, to: TrimFunction.self)
        #else
        return nil
        #endif
    }()

    private typealias MalloptFunction = @convention(c) (Int32, Int32) -> Int32

    /// glibc's mallopt parameters (malloc.h); not exported by Swift's Glibc module.
    private static let mallocTrimThreshold: Int32 = -1
    private static let mallocMmapThreshold: Int32 = -3
    private static let mallocTopPad: Int32 = -2
    private static let mallocArenaMax: Int32 = -8
    /// Arenas glibc may create: one per core (its default is eight per core). Every arena keeps
    /// the memory freed at its top until a free in that same arena trims it, so each one more
    /// is up to a statement's worth of memory held after the statement (REPL after the
    /// click-stream's m2: 206 MB with the default, 29 MB with two; TPC-H SF1 in one process:
    /// the same time within noise). MALLOC_ARENA_MAX in the environment still wins.
    static var arenaLimit: Int32 { Int32(clamping: max(2, ProcessInfo.processInfo.activeProcessorCount)) }
    /// Extra memory an arena takes when it grows and keeps when it trims.
    static let topPadBytes: Int32 = 16 << 20
    /// Largest block served from an arena rather than mmap (glibc refuses more than 32 MiB on 64-bit).
    static let mmapThresholdBytes: Int32 = 32 << 20
    /// Free memory an arena keeps at its top between statements' trims.
    static let trimThresholdBytes: Int32 = 256 << 20

    /// Whether the thresholds were set (false off glibc).
    private static let configured: Bool = {
        #if canImport(Glibc)
        guard let symbol = dlsym(nil, "mallopt") else { return false }
        let mallopt = unsafeBitCast(symbol, to: MalloptFunction.self)
        let mmapSet = mallopt(mallocMmapThreshold, mmapThresholdBytes) == 1
        let trimSet = mallopt(mallocTrimThreshold, trimThresholdBytes) == 1
        let padSet = mallopt(mallocTopPad, topPadBytes) == 1
        if ProcessInfo.processInfo.environment["MALLOC_ARENA_MAX"] == nil { _ = mallopt(mallocArenaMax, arenaLimit) }
        return mmapSet && trimSet && padSet
        #else
        return false
        #endif
    }()

    /// Sets the allocator thresholds once per process (before the first statement runs).
    @discardableResult
    static func configureOnce() -> Bool { configured }

    /// Frees a finished statement's memory through `release` (dropping its operators) and,
    /// when `shouldTrim` says so, hands the freed memory back to the system.
    /// malloc_trim(0) returns the free pages inside every arena but shrinks only the main
    /// arena's top: the worker threads' arenas kept up to the trim threshold (256 MiB) each
    /// at their tops, so a REPL or server held ~200 MB after the click-stream's m2 until
    /// the process ended. While `release` runs, the trim threshold and top pad are lowered,
    /// so each free that leaves an arena's top large shrinks that arena's heap there and then.
    static func statementFinished(startedAt: UInt64, release: () -> Void) {
        let now = DispatchTime.now().uptimeNanoseconds
        let elapsed = now >= startedAt ? now - startedAt : 0
        guard let trim, configured, shouldTrim(elapsedNanoseconds: elapsed, residentBytes: residentBytes()) else {
            release()
            return
        }
        setThresholds(trim: releaseTrimThresholdBytes, topPad: 0)
        release()
        _ = trim(0)
        setThresholds(trim: trimThresholdBytes, topPad: topPadBytes)
    }

    /// A process whose resident set is at most this when a statement ends keeps the
    /// statement's freed memory for the next one (see the header). LAKESQL_RETAINED_MEMORY
    /// in the environment ('64MB', '0' to trim after every long statement) overrides it;
    /// a value that does not parse keeps the default.
    static let retainedResidentBytes: Int = ProcessInfo.processInfo.environment["LAKESQL_RETAINED_MEMORY"]
        .flatMap(MemorySetting.bytes) ?? defaultRetainedResidentBytes
    static let defaultRetainedResidentBytes = 160 << 20

    /// Whether a statement that ran `elapsedNanoseconds` and ended with `residentBytes`
    /// resident hands its memory back: only long statements, and only when the process holds
    /// more than `retainedResidentBytes` (or its resident set is unknown). Measured before the
    /// release, so whatever is kept is bounded by that figure; read only for long statements,
    /// so a short one (SELECT 1 over the wire) makes no system call here.
    static func shouldTrim(elapsedNanoseconds: UInt64, residentBytes: @autoclosure () -> Int?) -> Bool {
        guard elapsedNanoseconds >= minimumStatementNanoseconds else { return false }
        guard let residentBytes = residentBytes() else { return true }
        return residentBytes > retainedResidentBytes
    }

    /// The process's resident set in bytes (/proc/self/statm), nil where that is not readable.
    static func residentBytes() -> Int? {
        #if os(Linux)
        let fd = open("/proc/self/statm", O_RDONLY)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { return nil }
        // "size resident shared …" in pages: the second field.
        let fields = buffer[0..<n].split(separator: UInt8(ascii: " "), maxSplits: 2)
        guard fields.count >= 2, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
        #else
        return nil
        #endif
    }

    /// An arena's top beyond this is given back while a statement's memory is released.
    static let releaseTrimThresholdBytes: Int32 = 1 << 20

    private static func setThresholds(trim: Int32, topPad: Int32) {
        #if canImport(Glibc)
        guard let symbol = dlsym(nil, "mallopt") else { return }
        let mallopt = unsafeBitCast(symbol, to: MalloptFunction.self)
        _ = mallopt(mallocTrimThreshold, trim)
        _ = mallopt(mallocTopPad, topPad)
        #endif
    }
}
