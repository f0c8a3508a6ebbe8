// A hash join fused into a parallel scan pipeline: its build input is drained
// and hashed once before the first morsel runs, then every worker probes its
// own morsels' batches against the shared read-only table (one pipeline
// stage). Probe output keeps morsel order, so the rows come out exactly as a
// HashJoinOperator over the same scan gives them. Right and full joins add
// their unmatched build rows after the last morsel; those rows still pass
// through the stages above the join (on the consumer thread).

import Columnar
import Planner

final class PipelineJoin {
    let join: HashJoinProbe
    private let buildInput: Operator
    private let context: ExecutionContext
    /// Where the probe keys come from in the pipeline, for runtime filters (nil: none).
    let trace: RuntimeFilterTrace?

    init(join: HashJoinProbe, buildInput: Operator, context: ExecutionContext, trace: RuntimeFilterTrace? = nil) {
        self.join = join
        self.buildInput = buildInput
        self.context = context
        self.trace = trace
    }

    /// The build input when it is a scan pipeline of its own, which runtime filters from the
    /// joins above may reach before it is read (RuntimeJoinFilter.swift).
    var buildPipeline: ParallelScanOperator? {
        var op = buildInput
        while let profiled = op as? ProfilingOperator { op = profiled.input }
        return op as? ParallelScanOperator
    }

    func prepare() throws {
        guard !join.isBuilt else { return }
        try join.build(try buildInput.drain(fields: join.rightFields, context: context, keepingEncoding: true), context: context)
    }

    /// One probe batch's output as one batch (pairs, then the unmatched left rows kept).
    func apply(_ b: Batch) throws -> Batch? {
        let parts = try join.probe(b)
        switch parts.count {
        case 0: return nil
        case 1: return parts[0]
        default:
            let fields = join.type == .semi || join.type == .anti ? join.leftFields : join.leftFields + join.rightFields
            return concatBatches(parts, fields: fields)
        }
    }
}

/// A batch cut into pieces of at most Batch.capacity rows.
func slicedToCapacity(_ b: Batch) -> [Batch] {
    if b.count <= Batch.capacity { return b.count > 0 ? [b] : [] }
    var out: [Batch] = []
    var start = 0
    while start < b.count {
        let end = min(start + Batch.capacity, b.count)
        out.append(b.slice(start..<end))
        start = end
    }
    return out
}

extension Array where Element == PipelineStage {
    /// Whether some join leaves nothing for the stages above whatever the scan reads
    /// (so no morsel needs to run).
    var yieldsNothingFromScan: Bool {
        contains { if case .join(let j) = $0 { return j.join.yieldsNothingFromProbe }; return false }
    }

    /// After the last morsel: each right/full join's unmatched build rows, passed through
    /// the stages above it, lowest join first (so its rows reach the joins above before
    /// their own remainders are taken).
    func joinRemainders() throws -> [Batch] {
        var out: [Batch] = []
        for (k, stage) in enumerated() {
            guard case .join(let j) = stage, let rest = j.join.rightRemainder() else { continue }
            for piece in slicedToCapacity(rest) {
                var current: Batch? = piece
                for above in self[(k + 1)...] {
                    guard let b = current else { break }
                    current = try above.apply(b)
                }
                if let b = current { out.append(contentsOf: slicedToCapacity(b)) }
            }
        }
        return out
    }
}
