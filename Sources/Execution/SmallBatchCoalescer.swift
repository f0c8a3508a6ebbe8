// Small batches in a scan pipeline, merged before the next stage: a
// selective scan filter, runtime filter or join leaves batches of a few dozen
// rows (3% of purchases in the click-stream's events: ~250 of every 8,192),
// and each operator above pays its per-batch cost — evaluator and hash-table
// set-up, allocations, reference counting — for every one of them. Between
// the stages of one morsel, batches under a quarter of Batch.capacity are
// held and concatenated with the following ones, up to Batch.capacity rows,
// in their order; the morsel's end flushes them (forEachStageOutput).

import Columnar

final class SmallBatchCoalescer {
    /// Batches with fewer rows are held; larger ones pass at once (after those held).
    static let smallRows = Batch.capacity / 4

    private var held: [Batch] = []
    private var heldRows = 0

    /// Hands `b` on through `emit`, or holds it to merge with the next small batches.
    func take(_ b: Batch, _ emit: (Batch) throws -> Void) throws {
        guard b.count > 0 else { return }
        if b.count >= Self.smallRows {
            try flush(emit)
            try emit(b)
            return
        }
        if heldRows + b.count > Batch.capacity { try flush(emit) }
        held.append(b)
        heldRows += b.count
    }

    /// Hands on what is held, merged into one batch.
    func flush(_ emit: (Batch) throws -> Void) throws {
        guard !held.isEmpty else { return }
        let parts = held
        held.removeAll(keepingCapacity: true)
        heldRows = 0
        try emit(Self.merged(parts))
    }

    /// The rows of `parts` (batches of the same columns) one after the other.
    static func merged(_ parts: [Batch]) -> Batch {
        if parts.count == 1 { return parts[0] }
        let count = parts.reduce(0) { $0 + $1.count }
        let columns = parts[0].columns.indices.map { c in Vector.concatenatedKeepingEncoding(parts.map { $0.columns[c] }) }
        return Batch(columns: columns, count: count)
    }
}
