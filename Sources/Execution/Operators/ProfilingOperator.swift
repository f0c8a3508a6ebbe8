// EXPLAIN ANALYZE instrumentation: counts rows and batches an operator
// returns and the time spent in it (including its inputs).

import Columnar
#if canImport(Glibc)
import Glibc
#endif

public final class OperatorProfile {
    public var rows = 0
    public var batches = 0
    public var micros: Int64 = 0
    /// True for a node fused into the parallel scan pipeline of an operator above it.
    public var fused = false
    /// How the node ran when EXPLAIN ANALYZE should say more than its counts (nil: nothing to add).
    public var note: String? = nil
    public init() {}
}

final class ProfilingOperator: Operator {
    let input: Operator
    private let profile: OperatorProfile

    init(input: Operator, profile: OperatorProfile) {
        self.input = input
        self.profile = profile
    }

    func next() throws -> Batch? {
        var start = timespec(), end = timespec()
        clock_gettime(CLOCK_MONOTONIC, &start)
        let b = try input.next()
        clock_gettime(CLOCK_MONOTONIC, &end)
        profile.micros += Int64(end.tv_sec - start.tv_sec) * 1_000_000 + Int64(end.tv_nsec - start.tv_nsec) / 1000
        if let b { profile.rows += b.count; profile.batches += 1 }
        return b
    }
}
