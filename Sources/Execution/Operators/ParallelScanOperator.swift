// Morsel-driven parallelism. A MorselRunner keeps one worker thread per core
// busy taking the next unclaimed morsel (a row group, a file, a stored
// batch) and processing it; the consumer takes finished morsels strictly in
// morsel order, so results are deterministic and equal to a sequential run.
// Workers run at most `window` morsels ahead of the consumer (bounded
// memory) and stop when the query is cancelled, fails, or the operator is
// abandoned (e.g. a LIMIT above is satisfied). ParallelScanOperator runs the
// Filter/Project stages and the hash-join probes (PipelineJoin) above a scan
// this way.

import Columnar
import Foundation
import Planner

enum PipelineStage {
    case filter(RowSelector)
    /// A filter whose surviving rows are gathered only in the listed columns (those read above
    /// it; the rest become NULL constants of their type — RequiredColumns.swift).
    case filterKeeping(RowSelector, Set<Int>)
    /// The filter right above the scan, which a Parquet scan may run itself while it reads
    /// (ScanFilterLifting.swift); `reads`: the scan positions it reads; `tested`: the same filter
    /// over text and integer columns read through value tests, for a scan that runs it (ScanValueTests.swift).
    /// Run here it is `filterKeeping`.
    case filterAboveScan(RowSelector, reads: Set<Int>, keeping: Set<Int>?, tested: ValueTestedFilter?)
    case project([Evaluator])
    /// The stages below a policy barrier: their errors are sanitized (PolicyBarrierOperator).
    case guarded([PipelineStage], PolicyBarrier)
    /// Probing a hash join's table (built before the first morsel) with the rows so far.
    case join(PipelineJoin)
    /// Dropping rows the pipeline's joins cannot match, by their finished builds' keys (RuntimeJoinFilter.swift).
    case runtimeFilter(RuntimeFilterStage)

    func apply(_ b: Batch) throws -> Batch? {
        switch self {
        case .guarded(let inner, let barrier):
            do {
                var current: Batch? = b
                for stage in inner {
                    guard let x = current else { break }
                    current = try stage.apply(x)
                }
                return current
            } catch let error as SQLError {
                throw PolicyBarrierOperator.sanitized(error, relation: barrier.relation)
            }
        case .join(let j):
            return try j.apply(b)
        case .runtimeFilter(let f):
            return f.apply(b)
        case .project(let exprs):
            return Batch(columns: try exprs.map { try $0(b) }, count: b.count)
        case .filter(let predicate):
            return try Self.filtered(b, predicate, keeping: nil)
        case .filterKeeping(let predicate, let columns):
            return try Self.filtered(b, predicate, keeping: columns)
        case .filterAboveScan(let predicate, _, let columns, _):
            return try Self.filtered(b, predicate, keeping: columns)
        }
    }

    static func filtered(_ b: Batch, _ predicate: RowSelector, keeping columns: Set<Int>?) throws -> Batch? {
        let keep = try predicate(b)
        if keep.isEmpty { return nil }
        if keep.count == b.count { return b }
        return keep.withUnsafeBufferPointer { ConnectiveEvaluation.gathered(b, rows: $0, columns: columns) }
    }
}

/// Runs `process` over morsels on worker threads, handing results back in
/// morsel order. Shared by the consumer and the workers (never the operator
/// itself, so abandoning the operator lets its deinit stop the workers).
final class MorselRunner<Result>: @unchecked Sendable {
    private let condition = NSCondition()
    let morsels: [ScanMorsel]
    /// Dropped once the consumer has taken the last result, and never held by a worker while
    /// it publishes one: what the closure captures (join tables, states) is released when the
    /// query's last batch is out, not whenever the worker threads get to exit.
    private var process: ((ScanMorsel) throws -> Result)?
    private let cancellation: CancellationToken
    private let window: Int
    private var nextToClaim = 0
    private var consumed = 0
    private var results: [Int: Result] = [:]
    private var failure: Error? = nil
    private var stopped = false

    /// `window`: how many morsels past the consumer workers may run (default twice the workers).
    init(morsels: [ScanMorsel], workers: Int, cancellation: CancellationToken, window: Int? = nil,
         process: @escaping (ScanMorsel) throws -> Result) {
        self.morsels = morsels
        self.process = process
        self.cancellation = cancellation
        self.window = max(2, window ?? workers * 2)
        // A single morsel is processed on the consumer's thread in next(): no thread to start.
        guard morsels.count > 1 else { return }
        for _ in 0..<min(workers, morsels.count) {
            let thread = Thread { [self] in work() }
            thread.stackSize = 8 << 20
            thread.start()
        }
    }

    private func work() {
        while true {
            condition.lock()
            while !stopped && failure == nil && nextToClaim < morsels.count && nextToClaim >= consumed + window {
                condition.wait()
            }
            if stopped || failure != nil || nextToClaim >= morsels.count {
                condition.unlock()
                return
            }
            let index = nextToClaim
            nextToClaim += 1
            var claimed = process
            condition.unlock()
            let outcome = run(claimed, index)
            claimed = nil   // released before the result is published (debug builds keep locals to the end of scope)
            condition.lock()
            switch outcome {
            case .success(let r): results[index] = r
            case .failure(let e): if failure == nil { failure = e }
            }
            condition.broadcast()
            condition.unlock()
        }
    }

    /// Runs one morsel; the closure is released when this returns.
    private func run(_ body: ((ScanMorsel) throws -> Result)?, _ index: Int) -> Swift.Result<Result, Error> {
        do {
            try cancellation.check()
            guard let body else { throw SQLError(SQLState.internalError, "morsel runner used after its last morsel") }
            return .success(try body(morsels[index]))
        } catch {
            return .failure(error)
        }
    }

    /// The next morsel's result in morsel order, or nil when all were taken.
    func next() throws -> Result? {
        if morsels.count == 1 {
            guard consumed == 0 else { return nil }
            consumed = 1
            defer { process = nil }
            return try run(process, 0).get()
        }
        condition.lock()
        defer { condition.unlock() }
        if consumed >= morsels.count { return nil }
        while results[consumed] == nil && failure == nil { condition.wait() }
        if let failure {
            stopped = true
            condition.broadcast()
            throw failure
        }
        let r = results.removeValue(forKey: consumed)
        consumed += 1
        if consumed >= morsels.count { process = nil }
        condition.broadcast()
        return r
    }

    func stop() {
        condition.lock()
        stopped = true
        condition.broadcast()
        condition.unlock()
    }
}

extension Array where Element == PipelineStage {
    /// Whether these stages start under a policy barrier (the rows read include hidden ones).
    var isGuarded: Bool {
        if case .guarded? = first { return true }
        return false
    }
}

/// Applies pipeline stages to every batch of a morsel.
func runStages(_ stages: [PipelineStage], on morsel: ScanMorsel, statistics: ScanStatistics) throws -> [Batch] {
    var output: [Batch] = []
    try forEachStageOutput(stages, on: morsel, statistics: statistics) { output.append($0) }
    return output
}

/// Applies pipeline stages to every batch of a morsel, handing each output batch (at most
/// Batch.capacity rows) to `body` as soon as it is made: an aggregate over a join consumes
/// the joined rows batch by batch instead of holding a whole row group's worth. Small
/// batches are merged before each stage and before `body` (SmallBatchCoalescer).
func forEachStageOutput(_ stages: [PipelineStage], on morsel: ScanMorsel, statistics: ScanStatistics,
                        _ body: (Batch) throws -> Void) throws {
    // Under a policy barrier (always the first stage when there is one) reading is guarded too.
    var guardedBy: PolicyBarrier? = nil
    if case .guarded(_, let barrier)? = stages.first { guardedBy = barrier }
    // coalescers[i] holds the small batches waiting for stage i; the last, those for `body`.
    let coalescers = (0...stages.count).map { _ in SmallBatchCoalescer() }
    func run(_ b: Batch, from i: Int) throws {
        if i == stages.count {
            for piece in slicedToCapacity(b) { try body(piece) }
            return
        }
        guard let out = try stages[i].apply(b), out.count > 0 else { return }
        try coalescers[i + 1].take(out) { try run($0, from: i + 1) }
    }
    // Errors of the stages and of `body` pass unchanged; only the source's own errors are
    // sanitized under a barrier (the stages sanitize theirs in PipelineStage.apply).
    struct PassThrough: Error { let error: Error }
    do {
        try morsel.forEachBatch(statistics: statistics) { batch in
            do {
                try coalescers[0].take(batch) { try run($0, from: 0) }
            } catch {
                throw PassThrough(error: error)
            }
        }
    } catch let wrapped as PassThrough {
        throw wrapped.error
    } catch let error as SQLError {
        if let guardedBy { throw PolicyBarrierOperator.sanitized(error, relation: guardedBy.relation) }
        throw error
    }
    // The morsel's end: what each stage still holds goes on, stage by stage.
    for (i, coalescer) in coalescers.enumerated() { try coalescer.flush { try run($0, from: i) } }
}

final class ParallelScanOperator: Operator {
    private let node: ScanNode
    private let stages: [PipelineStage]
    private let context: ExecutionContext
    private let workers: Int
    private var runner: MorselRunner<[Batch]>?
    private var pending: [Batch] = []
    private var remaindersTaken = false

    /// For each output column, the scan output position it is a copy of (nil: computed or
    /// from a join's build side), and the runtime filters joins above sent this pipeline before
    /// it started (RuntimeJoinFilter.swift).
    let outputOrigin: [Int?]
    var incoming: [RuntimeJoinFilter] = []
    var scanNode: ScanNode { node }

    /// Where the pipeline's rows go instead of to the consumer (set by `sendOutput(to:)`).
    private var sink: PipelineSink?
    /// Set once every morsel ran into the sink, or the sink needed no more rows.
    private var sinkDone = false
    /// Rows the workers handed to the sink (for EXPLAIN ANALYZE: none reach the consumer).
    private let sunkRows = SinkRowCount()
    var rowsIntoSink: Int { sunkRows.value }

    /// Before the first `next()`: every output batch is handed to `sink` on the worker thread
    /// that made it, and `next()` returns no rows, only nil once all morsels ran (or the sink
    /// needs no more rows). A semi/anti join whose table was built over its left rows probes
    /// its big right input this way on all cores (HashJoinOperator). False once started.
    func sendOutput(to sink: PipelineSink) -> Bool {
        guard runner == nil, self.sink == nil else { return false }
        self.sink = sink
        return true
    }

    init(node: ScanNode, stages: [PipelineStage], context: ExecutionContext, workers: Int, outputOrigin: [Int?] = []) {
        self.node = node
        self.stages = stages
        self.context = context
        self.workers = workers
        self.outputOrigin = outputOrigin
    }

    deinit { runner?.stop() }

    func next() throws -> Batch? {
        if runner == nil {
            let (morsels, stages) = try self.stages.started(scan: node, context: context, incoming: incoming)
            let statistics = node.statistics
            // A join's output per morsel can be many times the morsel: fewer of them ahead.
            let hasJoin = stages.contains { if case .join = $0 { return true }; return false }
            if let sink {
                let sunkRows = self.sunkRows
                runner = MorselRunner(morsels: morsels, workers: workers, cancellation: context.cancellation) { morsel in
                    // Morsels claimed after the sink is satisfied are not read.
                    guard !sink.satisfied else { return [] }
                    var rows = 0
                    try forEachStageOutput(stages, on: morsel, statistics: statistics) { b in
                        rows += b.count
                        try sink.consume(b)
                    }
                    sunkRows.add(rows)
                    return []
                }
            } else {
                runner = MorselRunner(morsels: morsels, workers: workers, cancellation: context.cancellation,
                                      window: hasJoin ? workers : nil) { morsel in
                    try runStages(stages, on: morsel, statistics: statistics)
                }
            }
        }
        if let sink { return try drainIntoSink(sink) }
        while true {
            if !pending.isEmpty {
                let b = pending.removeFirst()
                node.statistics.rowsProduced += b.count
                return b
            }
            try context.checkCancelled()
            if let batches = try runner?.next() {
                pending = batches
            } else {
                if remaindersTaken { return nil }
                remaindersTaken = true
                pending = try stages.joinRemainders()
            }
        }
    }

    /// Runs every morsel into the sink (the workers consume the batches), then the joins'
    /// remainders on this thread; stops early once the sink needs no more rows.
    private func drainIntoSink(_ sink: PipelineSink) throws -> Batch? {
        while !sinkDone {
            try context.checkCancelled()
            if sink.satisfied {
                runner?.stop()
                sinkDone = true
            } else if try runner?.next() == nil {
                if !remaindersTaken {
                    remaindersTaken = true
                    for b in try stages.joinRemainders() {
                        sunkRows.add(b.count)
                        try sink.consume(b)
                    }
                }
                sinkDone = true
            }
        }
        return nil
    }
}

/// A row count the workers add to (one addition per morsel).
final class SinkRowCount: @unchecked Sendable {
    private let lock = NSLock()
    private var rows = 0
    func add(_ n: Int) { lock.lock(); rows += n; lock.unlock() }
    var value: Int { lock.lock(); defer { lock.unlock() }; return rows }
}

/// Takes a scan pipeline's output batches on its worker threads (ParallelScanOperator.sendOutput).
protocol PipelineSink: AnyObject {
    /// Called from several threads at once.
    func consume(_ batch: Batch) throws
    /// True once more rows change nothing.
    var satisfied: Bool { get }
}

/// Cores available to a query's worker threads.
public let availableCores: Int = max(1, ProcessInfo.processInfo.activeProcessorCount)
