// Gives the memory a finished statement freed back to the operating system.
// glibc keeps freed heap memory in its arenas (one per allocating thread, up
// to 8 per core) and returns it only when the top of a heap is free, so a
// long-running process (the REPL, `lakesql serve`, a script) otherwise keeps
// the high-water mark of its largest query: later queries start from there.
// malloc_trim(0) releases the free pages of every arena. It walks the
// arenas, so it runs only after statements that took long enough (20 ms)
// that it costs a small fraction of them; short statements (SELECT 1 over
// the wire, catalog queries) never pay for it.

import Dispatch
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

    static func statementFinished(startedAt: UInt64) {
        guard let trim else { return }
        let now = DispatchTime.now().uptimeNanoseconds
        guard now >= startedAt, now - startedAt >= minimumStatementNanoseconds else { return }
        _ = trim(0)
    }
}
