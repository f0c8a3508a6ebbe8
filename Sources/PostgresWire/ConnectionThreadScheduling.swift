// The scheduling policy of connection threads: SCHED_BATCH on Linux.
//
// A connection thread sleeps in recv() between statements and is woken by
// the client's next message. Under the default policy a woken thread may
// preempt whatever runs on the waking CPU, and with clients on the same
// host that is usually the client that just sent: it is switched out right
// after its send, then switched back in to send on its next connection.
// With 32 pgbench clients on 2 cores that doubled pgbench's context switches
// per transaction against LakeSQL (0.6–0.8 against 0.3 for PostgreSQL's
// backend processes) and cost it 3–4 µs of CPU per `SELECT 1`.
// SCHED_BATCH keeps the thread's fair share of CPU and its nice level but
// gives up wake-up preemption: the woken thread runs on an idle CPU at once
// (a lone client sees no change) or when the running task blocks or its
// slice ends, so a busy client sends many messages before the server runs
// and the server answers many of them in one go (system-wide context
// switches per transaction 1.8 → 1.1; see Docs/SERVER.md).
// Threads a connection starts for a parallel scan inherit the policy; it is
// the one meant for CPU-bound work like theirs.

#if canImport(Glibc)
import Glibc
#endif

enum ConnectionThreadScheduling {
    /// Linux's SCHED_BATCH (glibc defines the name only under _GNU_SOURCE).
    static let batchPolicy: Int32 = 3

    /// Puts the calling thread under SCHED_BATCH; returns whether the kernel took it.
    @discardableResult
    static func applyToCurrentThread() -> Bool {
        #if os(Linux)
        var parameters = sched_param()
        parameters.sched_priority = 0
        return sched_setscheduler(0, batchPolicy, &parameters) == 0
        #else
        return false
        #endif
    }

    /// The calling thread's policy (SCHED_OTHER 0, SCHED_BATCH 3, …), nil where unknown.
    static func currentPolicy() -> Int32? {
        #if os(Linux)
        let policy = sched_getscheduler(0)
        return policy >= 0 ? policy : nil
        #else
        return nil
        #endif
    }
}
